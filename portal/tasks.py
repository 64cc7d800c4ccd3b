"""Scheduled work (celery beat): the daily reminders and the cleanup of abandoned uploads. Both are the
management commands, idempotent as they are; cron users keep running the commands."""

from celery import shared_task
from django.core.management import call_command


@shared_task(name="portal.send_reminders")
def send_reminders():
    call_command("send_reminders")


@shared_task(name="portal.cleanup_imports")
def cleanup_imports():
    call_command("cleanup_imports")


@shared_task(name="portal.send_subscriptions")
def send_subscriptions():
    call_command("send_subscriptions")


@shared_task(name="portal.run_job", acks_late=True)
def run_job(job_id):
    """One background job (portal/jobs.py): an import's preview or confirm, a big export."""
    from . import jobs

    return jobs.run(job_id)
