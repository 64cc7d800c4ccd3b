"""Browser journeys (issue #9): Playwright for Python driving Debian's Chromium against a live server.

- One Chromium per test session (`browser`), one fresh context per test (`journey`).
- The live server is pytest-django's `live_server` on 127.0.0.1, in the test process, over the test
  database (SQLite in memory or PostgreSQL alike); the tests use a transactional database with
  serialized rollback, so the reference data loaded by migrations is restored for every test.
- Every page a journey visits is checked (`Journey.check`, see `checks.py`): axe-core, no horizontal
  scrolling at 375 px, and the same in 长者模式.
- A failing journey saves a screenshot and the page's HTML under test-artifacts/e2e/<test name>/ and
  the failure report names that folder.
- Without /usr/bin/chromium (or without playwright) the tests are skipped, and the summary says so;
  with E2E_REQUIRED=1 (.ci/run sets it) they fail instead.
- The e2e tests always run last (after every unit test), whatever pytest-django's ordering did.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_ROOT = REPO_ROOT / "test-artifacts" / "e2e"
E2E_DIR = Path(__file__).resolve().parent
# The flags this machine needs (no sandbox as root, no network but the live server).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--lang=zh-CN",  # dates and built-in messages as a Chinese Windows or UOS user sees them
]


def _missing_reason():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"未找到 Chromium（{CHROMIUM}）：浏览器测试未运行。安装：apt-get install -y chromium fonts-noto-cjk"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "未安装 Playwright（pip install -e '.[dev]'）：浏览器测试未运行"
    return None


_SKIP_REASON = None
_ARTIFACT_DIRS = []


def _is_e2e(item):
    return E2E_DIR in Path(str(item.path)).resolve().parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Mark the e2e tests, skip them (with the reason) when Chromium is missing, and move them last."""
    global _SKIP_REASON
    e2e = [item for item in items if _is_e2e(item)]
    if not e2e:
        return
    if os.environ.get("E2E_REQUIRED") != "1":
        _SKIP_REASON = _missing_reason()
    for item in e2e:
        item.add_marker(pytest.mark.e2e)
        if _SKIP_REASON:
            item.add_marker(pytest.mark.skip(reason=_SKIP_REASON))
    others = [item for item in items if not _is_e2e(item)]
    items[:] = others + e2e


def pytest_report_header(config):
    reason = _missing_reason()
    return (
        f"浏览器测试：{reason}" if reason else f"浏览器测试：Chromium {CHROMIUM}，产物目录 {ARTIFACTS_ROOT}"
    )


def pytest_terminal_summary(terminalreporter):
    if _SKIP_REASON:
        terminalreporter.write_sep("=", _SKIP_REASON, yellow=True, bold=True)
    if _ARTIFACT_DIRS:
        terminalreporter.write_sep("=", "浏览器测试失败的截图和页面 HTML", red=True)
        for folder in _ARTIFACT_DIRS:
            terminalreporter.write_line(str(folder))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    journey = item.funcargs.get("journey") if hasattr(item, "funcargs") else None
    if journey is not None and report.when == "call" and report.failed:
        folder = journey.save_failure_artifacts()
        if folder not in _ARTIFACT_DIRS:
            _ARTIFACT_DIRS.append(folder)
        report.sections.append(("浏览器测试产物（截图和 HTML）", str(folder)))
    return report


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, on 127.0.0.1 unless --liveserver says otherwise."""
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
    server = LiveServer(address or "127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _playwright(django_db_setup):
    """Playwright's sync API keeps an asyncio loop in this thread from here to the end of the session
    (the e2e tests run last), and Django refuses database calls from a thread with a running loop as
    "async unsafe": the test's own factories and assertions, the flush after each test, the test
    database's teardown. Nothing here is async, so that check is switched off while the loop lives;
    the test database is created before the loop starts and destroyed after it stops.

    With a loop running, Django also keeps this thread's database connections apart from the ones
    opened before (asgiref's Local: a context variable instead of the thread-local), so the test
    database's serialized contents, which the serialized rollback restores before each test, are
    handed over to the new connections, and those are closed before the loop stops."""
    if reason := _missing_reason():  # only reached with E2E_REQUIRED=1: otherwise skipped
        pytest.fail(f"{reason}（E2E_REQUIRED=1）")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {c.alias: getattr(c, "_test_serialized_contents", None) for c in connections.all()}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            try:
                yield playwright
            finally:
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def journey(request, live_server, browser):
    """A fresh browser context (desktop size, zh-CN) on the live server, with the page checks."""
    from tests.e2e.checks import Journey

    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    folder = ARTIFACTS_ROOT / name
    shutil.rmtree(folder, ignore_errors=True)
    journey = Journey(browser=browser, base_url=live_server.url, artifacts=folder)
    yield journey
    journey.close()
