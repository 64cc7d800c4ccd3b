"""Excel 批量上传 above JOB_IMPORT_ROWS rows as jobs (issue 16 §1, R-OFF-3, R-GEN-3): the check leads
to the preview, the confirm writes every row or none; a worker that dies half-way through the confirm
leaves no row, its job is 未完成 and may be started again."""

import pytest

from offerings.models import Offering
from portal import jobs
from portal.models import ImportBatch, Job
from tests.jobs_helpers import job_from
from tests.offerings.excel_helpers import good_rows, upload

pytestmark = pytest.mark.django_db


def test_two_thousand_rows_are_checked_by_a_job_that_leads_to_the_preview(login, hp_org_user):
    client = login(hp_org_user)
    job = job_from(upload(client, good_rows(2000)))
    assert job is not None and job.owner == hp_org_user
    job.refresh_from_db()
    assert (job.status, job.stage, job.rows_total) == ("done", "检查", 2000)
    assert job.result_url.startswith("/offerings/import/") and client.get(job.result_url).status_code == 200
    assert not job.source  # the batch keeps its own copy
    assert Offering.objects.count() == 0


def test_a_few_rows_stay_on_the_ordinary_path(login, hp_org_user):
    response = upload(login(hp_org_user), good_rows(5))
    assert response["Location"].startswith("/offerings/import/")
    assert not Job.objects.exists()


def test_a_worker_killed_in_the_middle_of_the_confirm_leaves_no_row_and_the_job_may_run_again(
    login, hp_org_user, monkeypatch
):
    client = login(hp_org_user)
    preview_url = job_from(upload(client, good_rows(2000))).result_url
    real_call = jobs.Progress.__call__

    def crash(self, done=None, total=None):
        if self.job.stage == "写入" and (done or 0) > 1000:
            raise SystemExit("worker killed")  # not an Exception: as abrupt as it gets in-process
        return real_call(self, done, total)

    monkeypatch.setattr(jobs.Progress, "__call__", crash)
    with pytest.raises(SystemExit):
        client.post(preview_url)
    assert Offering.objects.count() == 0 and Offering.history.model.objects.count() == 0
    job = Job.objects.get(kind="offering_import_confirm")
    assert job.status == "running"  # nobody told it: its worker is dead

    Job.objects.filter(pk=job.pk).update(heartbeat_at=job.heartbeat_at - jobs.datetime.timedelta(minutes=30))
    page = client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == "failed" and job.message == jobs.INTERRUPTED
    assert "重新开始" in page.content.decode()
    assert ImportBatch.objects.count() == 1  # the upload is still there

    monkeypatch.setattr(jobs.Progress, "__call__", real_call)
    assert client.post(job.get_absolute_url()).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert Offering.objects.count() == 2000 and not ImportBatch.objects.exists()
    assert job.result_url == "/offerings/mine/" and "新增 2000 个" in job.message


def test_an_error_inside_the_confirm_fails_the_job_and_saves_nothing(login, hp_org_user, monkeypatch):
    client = login(hp_org_user)
    preview_url = job_from(upload(client, good_rows(400))).result_url

    def boom(self, done=None, total=None):
        if self.job.stage == "写入" and (done or 0) > 200:
            raise RuntimeError("database went away")

    monkeypatch.setattr(jobs.Progress, "__call__", boom)
    job = job_from(client.post(preview_url))
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", jobs.FAILED)
    assert Offering.objects.count() == 0
