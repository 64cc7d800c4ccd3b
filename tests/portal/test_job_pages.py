"""The job's page, its JSON and its file (issue 16 §1): only the owner finds them, for every role and
for visitors (anybody else: 404); bad ids are 404, never 500; the page shows the stage, rows done of
total and an estimate in a polite live region with a <progress> bar, works without JavaScript, and
says so in Chinese when the job has expired (R-GEN-3, R-GEN-4). 我的工作台 lists the user's jobs."""

import datetime
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from portal.models import Job
from tests.conftest import ROLE_USERS
from tests.factories import JobFactory, UserFactory
from tests.html import parse
from tests.html import text_of as text

pytestmark = pytest.mark.django_db

ROLES = [*ROLE_USERS, "visitor"]
Status = Job.Status


def urls(job):
    return [reverse(name, args=[job.pk]) for name in ("job", "job_status", "job_file")]


def done_export(owner, **fields):
    job = JobFactory(
        owner=owner,
        status=Status.DONE,
        rows_done=6000,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=24),
        message="文件已生成：社会组织服务项目.xlsx",
        params={"filename": "社会组织服务项目.xlsx"},
        **fields,
    )
    job.result_file.save("export.xlsx", ContentFile(b"PK\x03\x04 an xlsx"), save=True)
    return job


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_sees_a_job_its_progress_and_its_file(as_role, hp_org, role):
    """Every role, a colleague of the same organization among them (hp_org_user), and visitors: 404."""
    owner = UserFactory(role=Role.ORGANIZATION, organization=hp_org)
    job = done_export(owner)
    client = as_role(role)
    for url in urls(job):
        assert client.get(url).status_code == 404, (role, url)
    assert client.post(urls(job)[0]).status_code == 404
    owner_client = as_role(owner)
    page, state, file = (owner_client.get(url) for url in urls(job))
    assert (page.status_code, state.status_code, file.status_code) == (200, 200, 200)
    assert b"".join(file.streaming_content) == b"PK\x03\x04 an xlsx"
    assert quote("社会组织服务项目.xlsx") in file["Content-Disposition"]


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/not-a-job/",
        "/jobs/00000000-0000-0000-0000-000000000000/",
        "/jobs/00000000-0000-0000-0000-000000000000/status.json",
        "/jobs/00000000-0000-0000-0000-000000000000/file",
        "/jobs/%00/",
        "/jobs/12345/status.json",
    ],
)
def test_bad_job_ids_are_not_found(as_role, path):
    assert as_role("hp_org_user").get(path).status_code == 404
    assert as_role("visitor").get(path).status_code == 404


def test_a_visitors_job_belongs_to_its_session(client, settings):
    """An anonymous export above JOB_EXPORT_ROWS is owned by the visitor's session: another visitor, or a
    logged-in user, does not find it."""
    job = JobFactory(owner=None, session_key="")
    client.get("/")  # any page
    session = client.session
    session.save()
    Job.objects.filter(pk=job.pk).update(session_key=session.session_key)
    assert client.get(urls(job)[1]).status_code == 200
    from django.test import Client

    assert Client().get(urls(job)[1]).status_code == 404


def test_a_running_jobs_page_shows_stage_rows_and_estimate_and_refreshes_itself(as_role, hp_org_user):
    job = JobFactory(
        owner=hp_org_user,
        status=Status.RUNNING,
        stage="检查",
        rows_done=1200,
        rows_total=2000,
        stage_started_at=timezone.now() - datetime.timedelta(seconds=60),
        heartbeat_at=timezone.now(),
    )
    response = as_role(hp_org_user).get(urls(job)[0])
    html = parse(response)
    bar = html.cssselect("progress#job-bar")[0]
    assert (bar.get("max"), bar.get("value")) == ("2000", "1200")
    assert html.cssselect("label[for=job-bar]")
    live = html.cssselect("[aria-live=polite]")[0]
    assert "已处理 1,200 / 2,000 行" in text(live) and "预计还需约 40 秒" in text(live)
    assert "当前阶段：检查" in text(html.cssselect("#job-progress")[0])
    assert html.cssselect("noscript meta[http-equiv=refresh]")  # without JavaScript it refreshes itself
    assert html.cssselect(f"a[href='{urls(job)[0]}']")  # and has a 刷新 link
    assert html.cssselect("script[src$='job-progress.js']")
    assert "可以关闭本页" in text(html)

    state = as_role(hp_org_user).get(urls(job)[1]).json()
    assert state["status"] == "running" and state["rows_done"] == 1200 and state["percent"] == 60
    assert state["seconds_left"] == 40 and state["finished"] is False and state["file_url"] == ""


def test_a_finished_export_links_its_file_and_a_finished_check_its_preview(as_role, hp_org_user):
    job = done_export(hp_org_user)
    html = parse(as_role(hp_org_user).get(urls(job)[0]))
    assert html.cssselect(f"a[href='{urls(job)[2]}']") and "下载文件" in text(html)
    assert not html.cssselect("noscript meta") and not html.cssselect("script[src$='job-progress.js']")
    assert "过期后自动删除" in text(html)

    check = JobFactory(
        owner=hp_org_user, kind="offering_import_check", status=Status.DONE, result_url="/offerings/import/x/"
    )
    html = parse(as_role(hp_org_user).get(urls(check)[0]))
    assert html.cssselect("a[href='/offerings/import/x/']")[0].text_content().strip() == "查看预览"
    assert as_role(hp_org_user).get(urls(check)[1]).json()["next_url"] == "/offerings/import/x/"
    assert as_role(hp_org_user).get(urls(check)[2]).status_code == 404  # no file to download


def test_an_expired_job_says_so_and_its_file_is_gone(as_role, hp_org_user):
    job = JobFactory(owner=hp_org_user, status=Status.EXPIRED)
    response = as_role(hp_org_user).get(urls(job)[0])
    assert "该任务已过期" in text(parse(response))
    assert as_role(hp_org_user).get(urls(job)[2]).status_code == 404


def test_a_failed_job_may_be_started_again_by_its_owner_only(as_role, hp_org_user, xh_org_user):
    job = JobFactory(owner=hp_org_user, status=Status.FAILED, message="处理中断")
    assert as_role(xh_org_user).post(urls(job)[0]).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.FAILED
    html = parse(as_role(hp_org_user).get(urls(job)[0]))
    assert "重新开始" in text(html.cssselect("#job-progress form button")[0])
    response = as_role(hp_org_user).post(urls(job)[0])
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status in (Status.DONE, Status.FAILED) and job.attempts == 1  # ran again (eager)


def test_the_job_page_and_its_json_keep_a_fixed_number_of_queries(
    as_role, hp_org_user, django_assert_num_queries
):
    job = done_export(hp_org_user)
    client = as_role(hp_org_user)
    client.get(urls(job)[0])
    with django_assert_num_queries(3):  # session, user, job
        client.get(urls(job)[1])
    with django_assert_num_queries(4):  # and the header's unread count
        client.get(urls(job)[0])


def test_the_workbench_lists_the_users_recent_jobs_only(as_role, hp_org_user, xh_org_user):
    mine = done_export(hp_org_user, title="导出服务项目列表")
    JobFactory(owner=xh_org_user, title="别人的导出")
    html = parse(as_role(hp_org_user).get(reverse("workbench")))
    section = html.cssselect("section[aria-labelledby=jobs-title]")[0]
    assert "导出服务项目列表" in text(section) and "已完成" in text(section)
    assert "别人的导出" not in text(html)
    assert section.cssselect(f"a[href='{mine.get_absolute_url()}']")
