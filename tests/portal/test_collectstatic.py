"""Production collects the static files with whitenoise's manifest storage, which follows every
reference inside CSS and JavaScript (source maps included): a vendored file whose map is missing makes
collectstatic, and so the deploy, fail (the Trix build referenced its map)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8")
    for name in (
        "js/portal.js",
        "js/editor.js",
        "vendor/trix/trix.umd.min.js",
        "vendor/echarts/echarts.portal.min.js",
    ):
        assert f'"{name}"' in manifest, name
