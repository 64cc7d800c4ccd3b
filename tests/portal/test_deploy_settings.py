"""`DEBUG=0` with production variables set: `manage.py check --deploy` prints no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Vq2!pZr9@xL4m&Wn8$Ty3^Bc6*Hs1(Jd5)Fg0-Qe+Ua=Ok;Ri:Pl<Ym>Zx?Nv",
    "ALLOWED_HOSTS": "gxpt.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://gxpt.example.gov.cn",
}


def run_manage(*args, extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "?:" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION)
    env["SECRET_KEY"] = ""
    result = run_manage("check", extra_env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_rate_limits_use_the_database_cache_by_default_and_redis_when_configured():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings"}
    default = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env={**os.environ, **env, "REDIS_URL": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert default.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", default.stderr
    redis = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env={**os.environ, **env, "REDIS_URL": "redis://127.0.0.1:6379/1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert redis.stdout.strip() == "portal.cache_backends.ResilientRedisCache", redis.stderr
