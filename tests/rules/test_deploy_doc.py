"""docs/deploy.md lists every environment variable portal/settings.py reads (issue 16 §2): a variable added
to the settings without a line in the deployment note fails here."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READS = re.compile(r"""(?:os\.environ\.get|os\.environ\[|env_bool|env_list)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read(source):
    return set(READS.findall(source))


def test_the_pattern_finds_each_way_the_settings_read_a_variable():
    source = 'A = os.environ.get("ONE", "")\nB = env_bool("TWO", True)\nC = env_list("THREE", [])\nD = os.environ["FOUR"]'
    assert variables_read(source) == {"ONE", "TWO", "THREE", "FOUR"}


def test_every_variable_the_settings_read_is_in_the_deployment_note():
    read = variables_read((ROOT / "portal" / "settings.py").read_text(encoding="utf-8"))
    assert {"DATABASE_URL", "DATABASE_REPLICA_URL", "STORAGE_S3_BUCKET", "REDIS_URL"} <= read
    note = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    missing = sorted(name for name in read if f"`{name}`" not in note)
    assert missing == []
