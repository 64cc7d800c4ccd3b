"""Background work of the 站内信/e-mail app (celery; in-process when no broker is configured)."""

from celery import shared_task
from django.db import DatabaseError

from . import mail


# A database that restarts (or, in the tests, SQLite's shared in-memory lock) is retried with backoff;
# a mail server that fails is recorded on the row and retried by `flush_outbox`.
@shared_task(
    name="inbox.deliver_email",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=1,
    retry_backoff_max=60,
    max_retries=8,
)
def deliver_email(pk):
    return mail.deliver(pk)


@shared_task(name="inbox.flush_outbox")
def flush_outbox():
    return mail.flush_due()
