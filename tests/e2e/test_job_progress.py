"""A 2,000-row offer upload as a background job, in the browser (issue 16 §1, R-OFF-3): the organization
uploads, lands on the job page, watches the progress bar move (stage, "已处理 … / 2,000 行") without a
reload, and the page goes on to the preview by itself when the check ends. The job page passes
axe-core and the 375 px and 长者模式 checks while it runs (checks.py).

The job runs as a worker would run it: in a thread of its own, after the upload's request has answered
(`run_job.delay` is replaced by a thread; the task code is the real one). Each row is slowed by 10 ms
so that the bar has something to show. PostgreSQL only: the progress of a check that holds a
transaction open is written through a second connection, which SQLite's in-memory test database
refuses while the first one writes (the job tests say so too); CI's PostgreSQL pass runs it."""

import re
import threading
import time

import pytest
from django.db import connection, connections

from offerings.models import Offering
from portal import jobs
from portal.models import Job
from tests.offerings.excel_helpers import good_rows, to_bytes, workbook_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def worker_thread(settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a running check reports progress through a second connection")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    threads = []

    def delay(job_id):
        def work():
            try:
                jobs.run(job_id)
            finally:
                connections.close_all()

        thread = threading.Thread(target=work, daemon=True)
        threads.append(thread)
        thread.start()

    from portal import tasks

    monkeypatch.setattr(tasks.run_job, "delay", delay)
    original = jobs.Progress.__call__

    def slowed(self, done=None, total=None):
        time.sleep(0.01)
        return original(self, done, total)

    monkeypatch.setattr(jobs.Progress, "__call__", slowed)
    monkeypatch.setattr(jobs.Progress.__init__, "__kwdefaults__", {"every": 0.2})  # report every 0.2 s
    yield threads
    for thread in threads:
        thread.join(timeout=60)


def test_two_thousand_offer_rows_show_their_progress_and_reach_the_preview(
    journey, hp_org_user, tmp_path, worker_thread
):
    page = journey.page
    upload = tmp_path / "服务项目批量上传.xlsx"
    upload.write_bytes(to_bytes(workbook_for(good_rows(2000))))

    journey.login(hp_org_user.username)
    journey.goto("/offerings/import/", label="Excel 批量上传")
    page.get_by_label("Excel 文件").set_input_files(upload)
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(re.compile(r".*/jobs/[0-9a-f-]+/$"))
    job = Job.objects.get()
    assert job.owner == hp_org_user and job.rows_total in (0, 2000)

    # The bar moves while the page stays: some rows done, not all, the count written out.
    page.wait_for_function(
        "() => { const bar = document.getElementById('job-bar');"
        " return bar && bar.value > 0 && bar.value < 2000 && bar.max == 2000; }",
        timeout=60_000,
    )
    status = page.locator("#job-progress").inner_text()
    assert "检查" in status and re.search(r"已处理 [0-9,]+ / 2,000 行", status), status
    journey.check("后台任务（进行中）")

    # When the check ends the page goes on to the preview by itself.
    page.wait_for_url(re.compile(r".*/offerings/import/[0-9a-f-]{36}/$"), timeout=120_000)
    assert "全部 2000 行检查通过" in page.locator("main").inner_text().replace(",", "")
    journey.check("预览（2,000 行）")
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("done", 2000, 2000)
    assert not Offering.objects.exists()  # the check saves nothing; the confirm is the user's choice
    journey.finish()
