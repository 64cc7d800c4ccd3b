"""Background jobs (issue 16 §1, portal/jobs.py): the action table, the two rules and their twins
(whose job it is; which jobs lost their worker), a dead worker's job marked 未完成 and started again,
expiry removing the files through the storage API, and the estimate of time left (R-GEN-3)."""

import datetime
import itertools

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from portal import jobs, transitions
from portal.errors import ServiceError
from portal.models import Job
from portal.transitions import NEW
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Job.Status
NOW = timezone.now()


def minutes(n):
    return NOW + datetime.timedelta(minutes=n)


PAIRS = list(itertools.product((NEW, *jobs.TABLE.states), jobs.TABLE.actions))


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s or 'new'}:{a}" for s, a in PAIRS])
def test_every_state_and_action_is_allowed_or_refused_as_the_table_says(state, action):
    job = JobFactory.build(owner=UserFactory()) if state is NEW else JobFactory(status=state)
    sources, target = jobs.TABLE.actions[action]
    if state in sources:
        transitions.apply(jobs.TABLE, job, action, by=job.owner)
        assert Job.objects.get(pk=job.pk).status == target
    else:
        with pytest.raises(ServiceError) as refused:
            transitions.apply(jobs.TABLE, job, action, by=job.owner)
        assert "后台任务" in refused.value.message or "过期" in refused.value.message
        if state is not NEW:
            assert Job.objects.get(pk=job.pk).status == state


def test_only_the_owner_finds_a_job_by_query_and_by_object():
    """Every rule once: `Job.objects.owned_by` and `job.is_owned_by` agree on the same cases."""
    alice, bob = UserFactory(), UserFactory()
    cases = [
        JobFactory(owner=alice),
        JobFactory(owner=bob),
        JobFactory(owner=None, session_key="visitor-one"),
        JobFactory(owner=None, session_key="visitor-two"),
    ]
    from django.contrib.auth.models import AnonymousUser

    for who, key in [
        (alice, ""),
        (bob, "visitor-one"),
        (AnonymousUser(), "visitor-one"),
        (AnonymousUser(), ""),
    ]:
        by_query = set(Job.objects.owned_by(who, key).values_list("pk", flat=True))
        by_object = {job.pk for job in cases if job.is_owned_by(who, key)}
        assert by_query == by_object
    assert set(Job.objects.owned_by(alice)) == {cases[0]}
    assert set(Job.objects.owned_by(AnonymousUser(), "visitor-one")) == {cases[2]}
    assert not Job.objects.owned_by(AnonymousUser(), "").exists()
    assert not Job.objects.owned_by(None, "").exists()


def test_jobs_that_lost_their_worker_by_query_and_by_object():
    """Every rule once: `Job.objects.stale` and `job.is_stale` agree; 10 minutes without news."""
    cases = {
        "running, heard from a minute ago": JobFactory(status=Status.RUNNING, heartbeat_at=minutes(-1)),
        "running, silent for 11 minutes": JobFactory(status=Status.RUNNING, heartbeat_at=minutes(-11)),
        "queued just now": JobFactory(status=Status.QUEUED),
        "queued, retried 11 minutes ago": JobFactory(status=Status.QUEUED, heartbeat_at=minutes(-11)),
        "done long ago": JobFactory(status=Status.DONE, heartbeat_at=minutes(-600)),
        "failed long ago": JobFactory(status=Status.FAILED, heartbeat_at=minutes(-600)),
    }
    old = cases["queued, never taken, 11 minutes"] = JobFactory(status=Status.QUEUED)
    Job.objects.filter(pk=old.pk).update(created_at=minutes(-11))
    old.refresh_from_db()
    by_query = set(Job.objects.stale(NOW, 10).values_list("pk", flat=True))
    by_object = {job.pk for job in cases.values() if job.is_stale(NOW, 10)}
    assert by_query == by_object
    stale = {name for name, job in cases.items() if job.pk in by_query}
    assert stale == {
        "running, silent for 11 minutes",
        "queued, retried 11 minutes ago",
        "queued, never taken, 11 minutes",
    }


def test_a_job_whose_worker_died_is_marked_unfinished_when_looked_at_and_may_start_again(rf):
    job = JobFactory(status=Status.RUNNING, heartbeat_at=minutes(-30), rows_done=700, stage="写入")
    jobs.mark_stale(job)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.message == jobs.INTERRUPTED and "没有保存任何内容" in job.message
    assert job.finished_at is not None and job.expires_at > job.finished_at

    ran = []
    jobs.handler("test_again")(lambda j, progress: ran.append(j.pk) or jobs.Result(message="完成"))
    job.kind = "test_again"
    job.save()
    jobs.retry(job, by=job.owner)  # eager: runs at once
    job.refresh_from_db()
    assert (job.status, job.message, ran, job.attempts) == (Status.DONE, "完成", [job.pk], 1)


def test_a_job_that_raises_is_failed_with_a_chinese_message_and_keeps_no_file():
    def broken(job, progress):
        progress.stage("file", total=10)
        raise RuntimeError("disk full")

    jobs.handler("test_broken")(broken)
    job = JobFactory(kind="test_broken")
    assert jobs.run(job.pk) == Status.FAILED
    job.refresh_from_db()
    assert job.message == jobs.FAILED and not job.result_file
    assert jobs.run(job.pk) is None  # a second delivery of the same message does nothing


def test_a_job_runs_once_even_when_its_message_comes_twice():
    calls = []
    jobs.handler("test_once")(lambda job, progress: calls.append(1) or jobs.Result())
    job = JobFactory(kind="test_once")
    assert jobs.run(job.pk) == Status.DONE
    assert jobs.run(job.pk) is None
    assert jobs.run("00000000-0000-0000-0000-000000000000") is None
    assert calls == [1]


def test_finished_jobs_expire_and_their_files_are_removed_through_the_storage_api():
    fresh = JobFactory(status=Status.DONE, expires_at=minutes(60))
    old = JobFactory(status=Status.DONE, expires_at=minutes(-1))
    for job in (fresh, old):
        job.result_file.save("export.xlsx", ContentFile(b"PK\x03\x04"), save=True)
    old_name = old.result_file.name
    assert default_storage.exists(old_name)

    assert jobs.cleanup(NOW) == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Status.EXPIRED and not old.result_file
    assert not default_storage.exists(old_name)
    assert fresh.status == Status.DONE and default_storage.exists(fresh.result_file.name)
    assert jobs.cleanup(NOW) == 0  # idempotent


def test_the_cleanup_command_also_expires_jobs(capsys):
    from django.core.management import call_command

    JobFactory(status=Status.FAILED, expires_at=minutes(-5))
    call_command("cleanup_imports")
    assert "1 个过期的后台任务" in capsys.readouterr().out


def test_the_estimate_follows_the_pace_of_the_current_stage():
    job = JobFactory(
        status=Status.RUNNING, rows_done=500, rows_total=2000, stage="检查", stage_started_at=minutes(-1)
    )
    assert jobs.remaining_seconds(job, NOW) == 180  # 500 rows a minute, 1,500 to go
    assert jobs.remaining_text(180) == "预计还需约 3 分钟"
    assert jobs.remaining_text(20) == "预计还需约 20 秒"
    assert jobs.remaining_text(None) == "正在估算剩余时间"
    state = jobs.status_json(job, NOW)
    assert (state["rows_text"], state["percent"], state["finished"]) == ("已处理 500 / 2,000 行", 25, False)
    job.rows_done = 0
    assert jobs.remaining_seconds(job, NOW) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_inside_a_transaction_is_written_aside_so_the_page_sees_it(settings):
    """A confirm holds one transaction for all its rows; the worker's progress goes through a connection
    of its own, so it is there even though the work's transaction is rolled back."""
    if connection.vendor != "postgresql":
        pytest.skip("a second connection to SQLite's in-memory test database is another database")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    job = JobFactory(status=Status.RUNNING)
    progress = jobs.Progress(job, every=0)
    with transaction.atomic():
        progress.stage("write", total=2000)
        progress(1200)
        transaction.set_rollback(True)
    progress.close()
    job.refresh_from_db()
    assert (job.stage, job.rows_done, job.rows_total) == ("写入", 1200, 2000)
