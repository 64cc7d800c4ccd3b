"""E-mail through the outbox (issue 16 §1).

`OutboxBackend` is Django's EMAIL_BACKEND: `send_mail` anywhere in the portal (站内信 copies, password
resets, ADMINS error mail) writes an `OutgoingEmail` row in the caller's transaction and, once that
commits, asks the task queue to deliver it. `deliver(pk)` sends one row through the real backend
(OUTBOX_DELIVERY_BACKEND: SMTP in production, the console in development) exactly once: the row is
locked while sending and a sent row is never sent again. A failure is recorded and retried with
exponential backoff (1, 2, 4 … minutes, at most OUTBOX_MAX_ATTEMPTS tries) by `flush_due()`, which
celery beat runs every minute (and `manage.py flush_outbox` for cron users).
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingEmail

log = logging.getLogger("inbox.mail")


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        rows = []
        for message in email_messages:
            html = next(
                (content for content, kind in getattr(message, "alternatives", []) if kind == "text/html"), ""
            )
            rows.append(
                OutgoingEmail.objects.create(
                    subject=str(message.subject)[:300],
                    body=message.body,
                    html_body=html,
                    from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                    to=list(message.to),
                    cc=list(message.cc),
                    bcc=list(message.bcc),
                    reply_to=list(message.reply_to),
                    headers=dict(message.extra_headers),
                )
            )
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: enqueue(ids))
        return len(rows)


def enqueue(ids):
    """Hand the rows to the queue; if the broker is down they stay pending and beat finds them."""
    from . import tasks

    for pk in ids:
        try:
            tasks.deliver_email.delay(pk)
        except Exception as exc:  # noqa: BLE001 - a broker outage must not fail the user's request
            log.warning(
                "outbox: could not queue e-mail %s (%s); it will be retried", pk, exc.__class__.__name__
            )


def backoff(attempts):
    return datetime.timedelta(minutes=2 ** max(0, attempts - 1))


def message_id(row):
    """One Message-ID per outbox row, the same on every attempt: SMTP cannot promise exactly once (a
    crash after the server accepted and before the row is marked sent means one more attempt), so a
    repeat carries the same Message-ID and mail clients show it once."""
    return f"<outbox-{row.pk}@{DNS_NAME}>"


def deliver(pk):
    """Send one row once. Returns its status afterwards."""
    with transaction.atomic():
        row = OutgoingEmail.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status != OutgoingEmail.Status.PENDING:
            return row.status if row else None
        message = EmailMultiAlternatives(
            row.subject,
            row.body,
            row.from_email,
            row.to,
            bcc=row.bcc,
            cc=row.cc,
            reply_to=row.reply_to,
            headers={"Message-ID": message_id(row), **(row.headers or {})},
            connection=get_connection(settings.OUTBOX_DELIVERY_BACKEND),
        )
        if row.html_body:
            message.attach_alternative(row.html_body, "text/html")
        row.attempts += 1
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried
            row.last_error = f"{exc.__class__.__name__}"[:200]
            if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                row.status = OutgoingEmail.Status.FAILED
                log.error("outbox: e-mail %s failed %s times; given up", pk, row.attempts)
            else:
                row.next_attempt_at = timezone.now() + backoff(row.attempts)
                log.warning(
                    "outbox: e-mail %s failed (%s); retry at %s", pk, row.last_error, row.next_attempt_at
                )
        else:
            row.status = OutgoingEmail.Status.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
        row.save()
        return row.status


def due():
    now = timezone.now()
    return OutgoingEmail.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), status=OutgoingEmail.Status.PENDING
    )


def flush_due(limit=500):
    """Deliver every pending row that is due; the number sent."""
    sent = 0
    for pk in due().order_by("pk").values_list("pk", flat=True)[:limit]:
        sent += deliver(pk) == OutgoingEmail.Status.SENT
    return sent
