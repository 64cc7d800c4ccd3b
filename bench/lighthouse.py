"""Lighthouse (mobile preset) for the public pages, served by gunicorn with DEBUG=0 (issue 18).

Not run by CI. Needs npm's `lighthouse` (LIGHTHOUSE=/path/to/node_modules/.bin/lighthouse) and
Chromium (CHROME_PATH, default /usr/bin/chromium). What it does, in a scratch folder var/lighthouse/:
1. a fresh SQLite database with the demo data (`migrate`, `createcachetable`, `seed_demo`), static
   files collected and served by whitenoise, as `make bench` does (bench/city_load.py);
2. gunicorn (2 sync workers) with DEBUG=0, a throw-away SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and
   SECURE_SSL_REDIRECT=0 (plain HTTP on 127.0.0.1);
3. Lighthouse on every page of PAGES, mobile preset (its default: Moto G Power, 4× CPU slow-down,
   slow 4G), the four categories; one JSON report per page in var/lighthouse/reports/;
4. a Markdown table of the scores, printed and written to --out.

    python bench/lighthouse.py --source . --out bench/results/lighthouse-after.md
    python bench/lighthouse.py --source /tmp/portal-before --out bench/results/lighthouse-before.md
"""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = [
    ("首页", "/"),
    ("需求列表", "/demands/"),
    ("需求详情", "demand"),
    ("服务项目列表", "/offerings/"),
    ("服务项目详情", "offering"),
    ("推荐目录", "/directory/"),
    ("政策法规", "/policies/"),
    ("公示公告", "/announcements/"),
    ("资料下载", "/downloads/"),
    ("友情链接", "/links/"),
    ("留言区", "/messages/"),
    ("数据概览", "/data/"),
    ("搜索 养老", "/search/?q=%E5%85%BB%E8%80%81"),
    ("申请开通账号", "/accounts/apply/"),
    ("登录", "/accounts/login/"),
    ("使用指南", "/help/"),
]


def run(cmd, env, cwd):
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_published(env, cwd, app, model):
    code = (
        f"from {app}.models import {model}; "
        f"print({model}.objects.filter(status='published').order_by('-pk').values_list('pk', flat=True).first())"
    )
    out = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "shell", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", default=str(HERE.parent), help="the portal's folder to serve")
    parser.add_argument("--out", default=str(HERE / "results" / "lighthouse.md"))
    parser.add_argument("--only", nargs="*", help="page labels to run (default: all)")
    args = parser.parse_args()
    source = Path(args.source).resolve()
    work = source / "var" / "lighthouse"
    shutil.rmtree(work, ignore_errors=True)
    (work / "reports").mkdir(parents=True)
    lighthouse = os.environ.get("LIGHTHOUSE", "lighthouse")
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
    )
    python = str(VENV_BIN / "python")
    for step in (
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["seed_demo"],
        ["collectstatic", "--noinput"],
    ):
        run([python, "manage.py", *step], env, source)
    paths = {
        "demand": f"/demands/{first_published(env, source, 'demands', 'Demand')}/",
        "offering": f"/offerings/{first_published(env, source, 'offerings', 'Offering')}/",
    }
    port = free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        env=env,
        cwd=source,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115 - lives as long as the server
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - our own server
                break
            except OSError:
                time.sleep(1)
        rows = []
        chrome_flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --lang=zh-CN"
        for label, path in PAGES:
            if args.only and label not in args.only:
                continue
            path = paths.get(path, path)
            report = work / "reports" / f"{len(rows):02d}.json"
            subprocess.run(
                [
                    lighthouse,
                    base + path,
                    "--quiet",
                    "--output=json",
                    f"--output-path={report}",
                    f"--chrome-flags={chrome_flags}",
                    "--only-categories=" + ",".join(CATEGORIES),
                ],
                env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
                check=False,
            )
            data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
            scores = [
                round((data.get("categories", {}).get(c, {}).get("score") or 0) * 100) for c in CATEGORIES
            ]
            audits = data.get("audits", {})
            tbt = audits.get("total-blocking-time", {}).get("displayValue", "")
            lcp = audits.get("largest-contentful-paint", {}).get("displayValue", "")
            rows.append((label, path, *scores, lcp, tbt))
            print(label, path, scores, lcp, tbt, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        "| page | path | performance | accessibility | best practices | SEO | LCP | TBT |",
        "|---|---|---|---|---|---|---|---|",
        *(f"| {r[0]} | `{r[1]}` | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} | {r[7]} |" for r in rows),
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
