"""Sending 站内信 (and the matching e-mail)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)
OUTBOX_BACKEND = "inbox.mail.OutboxBackend"


def _absolute(link):
    if not link or link.startswith("http"):
        return link
    return settings.PORTAL_BASE_URL.rstrip("/") + link


def _mail(address, title, body, link="", headers=None, footer=""):
    if link:
        body += f"\n\n查看详情：{_absolute(link)}"
    if footer:
        body += f"\n\n{footer}"
    body += "\n\n（本邮件由上海市政府购买社会组织服务供需对接平台自动发送，请勿直接回复。）"
    try:
        if headers:  # e.g. List-Unsubscribe (RFC 8058) on the subscription digest
            EmailMessage(f"【供需对接平台】{title}", body, None, [address], headers=headers).send()
        else:
            send_mail(f"【供需对接平台】{title}", body, None, [address])
    except Exception:
        log.exception("e-mail to %s failed", address)
        return False
    return True


def email_address(*, address, title, body, link=""):
    """An e-mail to someone without an account (an applicant, a visitor who left a message), sent once
    the transaction commits."""
    if address:
        transaction.on_commit(lambda: _mail(address, title, body, link))


def _send_emails(ids, headers=None, footer=""):
    for note in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient"):
        address = note.recipient.email
        if not address:
            continue
        if not _mail(address, note.title, note.body, note.link, headers, footer):
            continue  # a mail server outage must not lose the in-site notification
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def notify(*, users, kind, title, body, link="", dedupe_key="", email_headers=None, email_footer=""):
    """Send one notification to each active user in `users`; with a `dedupe_key`, a user who
    already received that key gets nothing. E-mail follows once the transaction commits, with
    `email_headers` and `email_footer` (text after the body, e-mail only) if given.
    Returns the notifications created."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if dedupe_key and recipients:
        already = set(
            Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=recipients).values_list(
                "recipient_id", flat=True
            )
        )
        for pk in already:
            recipients.pop(pk)
    created = [
        Notification.objects.create(
            recipient=user, kind=kind, title=title[:200], body=body, link=link, dedupe_key=dedupe_key
        )
        for user in recipients.values()
    ]
    if created:
        ids = [n.pk for n in created]
        if settings.EMAIL_BACKEND == OUTBOX_BACKEND:
            # The outbox rows are written in this transaction; they are delivered after it commits.
            _send_emails(ids, email_headers, email_footer)
        else:
            transaction.on_commit(lambda: _send_emails(ids, email_headers, email_footer))
    return created


def mark_read(notification):
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
