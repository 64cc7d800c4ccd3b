"""What is measured in this process rather than through gunicorn: the SQL queries of each page, the
site frame and the filter form rendered, the statistics dashboards through the test client, and the
offer re-upload (bench/offering_upload.py in a subprocess on a scratch database)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.cityload.server import ROOT
from bench.timing import median_ms


def count_queries(pages):
    """Queries per request for each page, with Django's test client under the server's settings.
    Each URL is requested twice and the second counted (the first may fill per-process caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for page in pages:
        sample = page.paths[:: max(1, len(page.paths) // 4)][:4]
        seen = []
        for path in sample:
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            if response.status_code != 200:
                seen = None
                break
            seen.append(len(ctx.captured_queries))
        counts[page.name] = seen
    return counts


def frame_and_form(repeat=200):
    """In-process, under the server's DEBUG=0 settings (cached template loader): the site frame
    (templates/base.html with its blocks empty, context processors included) and the listing's
    filter form (the real DemandFilter's form, each field with its label, as list.html renders
    it), median of `repeat` renders each. Data for the form's choices is read once, before timing."""
    try:
        from django.contrib.auth.models import AnonymousUser
        from django.core.signals import request_finished, request_started
        from django.template import engines
        from django.template.loader import render_to_string
        from django.test import RequestFactory

        from demands import selectors

        request = RequestFactory(HTTP_HOST="127.0.0.1").get("/demands/")
        request.user = AnonymousUser()
        filterset, _, _ = selectors.filtered(request.GET, selectors.public_demands())
        form_template = engines["django"].from_string(
            "{% for field in filter.form %}{{ field.label_tag }}{{ field }}{{ field.errors }}{% endfor %}"
        )
        # Rendered as within one request: the reference data's version (portal/refdata.py) is read from
        # the shared cache once per request, by the page's first lookup, not by every rendering.
        request_started.send(sender=__name__)
        try:
            str(filterset.form)  # the choices' queries, once
            frame = median_ms(lambda: render_to_string("base.html", {}, request=request), repeat, warmup=3)
            form = median_ms(lambda: form_template.render({"filter": filterset}, request), repeat, warmup=3)
        finally:
            request_finished.send(sender=__name__)
        return {"frame_ms": frame, "form_ms": form, "repeat": repeat}
    except Exception as exc:  # report, do not stop the run
        return {"error": f"{type(exc).__name__}: {exc}"}


def dashboards(repeat=7):
    """Issue 15 §4: the statistics dashboards through the test client against the bench database,
    uncached (the dashboards are not cached: each request computes its figures; the cache is not
    cleared here, it may be a shared Redis), median of `repeat` after a warm-up request, the way
    bench/dashboard.py measures them: city (city_admin) and a district (huangpu_admin)."""
    try:
        from django.test import Client

        from accounts.models import User

        out = {"repeat": repeat}
        for key, username in (("city_ms", "city_admin"), ("district_ms", "huangpu_admin")):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(username=username))

            def get(client=client):
                response = client.get("/data/dashboard/")
                if response.status_code != 200:
                    raise RuntimeError(f"/data/dashboard/ answered {response.status_code}")

            out[key] = median_ms(get, repeat, warmup=1)
        return out
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def upload_timings(database_url, timeout=600):
    """Issue 15 §5: bench/offering_upload.py in a subprocess on a scratch PostgreSQL database this
    run creates and drops (not the bench database), its figures read from --json."""
    if not (ROOT / "bench" / "offering_upload.py").exists():
        return {"error": "bench/offering_upload.py missing"}
    base, _, _ = database_url.rpartition("/")
    scratch = f"portal_bench_upload_{os.getpid()}"
    url = f"{base}/{scratch}"
    admin = f"{base}/postgres"
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    try:
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{scratch}"')
        run = subprocess.run(
            [sys.executable, "bench/offering_upload.py", "--database-url", url, "--json", str(out)],
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"DEBUG": "0"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if run.returncode != 0:
            tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or [""]
            return {"error": f"offering_upload.py exited {run.returncode}: {tail[0][:160]}"}
        figures = json.loads(out.read_text())
        missing = {"floor_s", "reupload_preview_s", "reupload_confirm_s"} - set(figures)
        return {"error": f"no {', '.join(sorted(missing))} in its --json"} if missing else figures
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        out.unlink(missing_ok=True)
        try:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        except Exception:
            pass
