"""Settings for more than one host (issue 16 §2), each read in a fresh process with the environment of a
deployment: files in an S3-compatible object store with STORAGE_S3_BUCKET (django-storages; built here
without any network), the local disk otherwise; a read replica and its router with DATABASE_REPLICA_URL,
nothing new without it."""

from tests.helpers import fresh_process_json

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
out = {
    "databases": sorted(settings.DATABASES),
    "routers": list(getattr(settings, "DATABASE_ROUTERS", [])),
    "storage": settings.STORAGES["default"]["BACKEND"],
    "storage_class": type(default_storage).__name__,
    "caches": {k: [v["BACKEND"], v.get("LOCATION", "")] for k, v in settings.CACHES.items()},
    "no_server_side_cursors": [a.get("DISABLE_SERVER_SIDE_CURSORS", False) for a in settings.DATABASES.values()],
}
if out["storage"].startswith("storages."):
    s = default_storage
    out["bucket"] = s.bucket_name
    out["endpoint"] = s.endpoint_url
    out["location"] = s.location
    out["overwrite"] = s.file_overwrite
    out["url"] = s.url("notices/attachments/2026/附件.pdf")
print(json.dumps(out))
"""


def probe(**env):
    return fresh_process_json(PROBE, env, drop=("STORAGE_S3_", "DATABASE_REPLICA_URL", "AWS_", "DB_DISABLE"))


def test_by_default_one_database_and_the_local_disk():
    out = probe()
    assert out["databases"] == ["default"] and out["routers"] == []
    assert out["storage"] == "django.core.files.storage.FileSystemStorage"
    assert out["storage_class"] == "FileSystemStorage"


def test_an_s3_bucket_when_configured_builds_without_network():
    out = probe(
        STORAGE_S3_BUCKET="gxpt-files",
        STORAGE_S3_ENDPOINT_URL="https://oss.example.gov.cn",
        STORAGE_S3_REGION="cn-east-2",
        STORAGE_S3_ACCESS_KEY="AKIAEXAMPLE",
        STORAGE_S3_SECRET_KEY="secret-example",
        STORAGE_S3_PREFIX="portal",
    )
    assert out["storage"] == "storages.backends.s3.S3Storage" and out["storage_class"] == "S3Storage"
    assert out["bucket"] == "gxpt-files" and out["endpoint"] == "https://oss.example.gov.cn"
    assert out["location"] == "portal" and out["overwrite"] is False
    # Private objects: any address handed out is signed and expires.
    assert out["url"].startswith("https://")
    assert "gxpt-files" in out["url"] and "portal/notices/attachments/2026/" in out["url"]
    assert "Signature=" in out["url"] or "X-Amz-Signature=" in out["url"]


def test_a_replica_url_adds_the_replica_and_its_router():
    out = probe(DATABASE_REPLICA_URL="postgres://portal@10.0.0.12:5432/portal")
    assert out["databases"] == ["default", "replica"]
    assert out["routers"] == ["portal.replica.ReplicaRouter"]


def test_behind_pgbouncer_server_side_cursors_can_be_turned_off():
    out = probe(
        DATABASE_REPLICA_URL="postgres://portal@10.0.0.12:5432/portal", DB_DISABLE_SERVER_SIDE_CURSORS="1"
    )
    assert out["no_server_side_cursors"] == [True, True]
    assert probe()["no_server_side_cursors"] == [False]


def test_with_redis_the_database_cache_table_is_still_made_for_the_fallback():
    """The fallback of a Redis outage (portal/cache_backends.py) is the `portal_cache` table: a second
    cache alias makes `createcachetable` (the migrations, `make migrate`) create it with REDIS_URL set."""
    caches = probe(REDIS_URL="redis://10.0.0.13:6379/0")["caches"]
    assert caches["default"][0] == "portal.cache_backends.ResilientRedisCache"
    assert ["django.core.cache.backends.db.DatabaseCache", "portal_cache"] in caches.values()
    from portal.cache_backends import FALLBACK_TABLE

    assert FALLBACK_TABLE == "portal_cache"
