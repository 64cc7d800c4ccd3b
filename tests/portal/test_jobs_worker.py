"""A job through a real broker and a real celery worker (issue 16 §1). Runs when CELERY_TEST_BROKER_URL
names the broker a worker listens on (.ci/run starts one for the PostgreSQL pass, on the test database);
skipped otherwise, with that reason."""

import os
import time

import pytest
from django.db import connection

from portal.celery import app
from portal.models import Job
from tests.factories import JobFactory

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
pytestmark = [
    pytest.mark.skipif(not BROKER, reason="CELERY_TEST_BROKER_URL is not set: no real worker to talk to"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def broker(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the PostgreSQL test database")
    old = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    app.conf.update(broker_url=old[0], task_always_eager=old[1])


def test_a_job_runs_in_the_worker_and_its_page_sees_it_finish(broker):
    from portal.tasks import run_job

    job = JobFactory(kind="test_missing_handler")  # no handler: the worker fails it with the message
    run_job.delay(str(job.pk))
    for _ in range(100):
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == Job.Status.FAILED and job.attempts == 1 and job.message


def test_an_e_mail_is_delivered_by_the_worker_and_marked_sent(broker, settings):
    """The outbox through the real worker (issue 16 §1): the row is written with the change, the task
    goes through the broker, the worker (its own process, EMAIL_BACKEND of its environment) sends it
    and marks the row sent, once."""
    from django.core.mail import send_mail

    from inbox.models import OutgoingEmail

    settings.EMAIL_BACKEND = "inbox.mail.OutboxBackend"
    send_mail("后台发送测试", "正文", None, ["worker@example.org"])  # autocommit: queued at once
    row = OutgoingEmail.objects.get()
    for _ in range(100):
        row.refresh_from_db()
        if row.status != OutgoingEmail.Status.PENDING:
            break
        time.sleep(0.2)
    assert (row.status, row.attempts) == (OutgoingEmail.Status.SENT, 1)
