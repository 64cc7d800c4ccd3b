"""The daily subscription digest (issue 13 §4): `manage.py send_subscriptions` (beat: `portal.send_subscriptions`).

For each user with active subscriptions: the public records each finds (the listing's search and
filters, `subscriptions.matches`) published since the subscription started and not yet told to that
user, in ONE 站内信 and ONE e-mail (inbox.services.notify, through the outbox) with a one-click
unsubscribe link (List-Unsubscribe + List-Unsubscribe-Post, RFC 8058).

Idempotent, provably: every record told is a `SubscriptionDelivery` row, unique per (user, kind,
record), written in the same transaction as the 站内信, whose dedupe key (one per user and day) is
unique too. A second run the same day skips the users already served; a run racing another fails the
unique keys and rolls that user back. The SQL is a fixed number of queries per user and per
subscription, never per record (tests/matching/test_subscription_digest.py)."""

import logging
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from inbox.models import Kind, Notification
from inbox.services import notify

from . import subscriptions
from .models import Subscription, SubscriptionDelivery, SubscriptionKind

log = logging.getLogger(__name__)
FETCH_LIMIT = 100  # records taken per subscription and day (the rest come the next day)
LIST_LIMIT = 20  # records listed per subscription in the message
RELATED = {
    SubscriptionKind.DEMANDS: ("unit", "district"),
    SubscriptionKind.OFFERINGS: ("organization",),
}


def dedupe_key(today):
    return f"subscriptions:{today.isoformat()}"


def absolute(path):
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _record_path(kind, record):
    name = "demands:detail" if kind == SubscriptionKind.DEMANDS else "offerings:detail"
    return reverse(name, args=[record.pk])


def _record_line(kind, record):
    if kind == SubscriptionKind.DEMANDS:
        detail = f"{record.unit.name} · {record.district.name} · 预算 {record.budget:,.2f} 元"
    else:
        detail = record.organization.name
    return f"· {record.title}（{detail}）\n  {absolute(_record_path(kind, record))}"


class _NothingSent(Exception):
    """Another run served this user meanwhile: roll back the deliveries written."""


def _new_records(subscription, now):
    told = SubscriptionDelivery.objects.filter(user_id=subscription.user_id, kind=subscription.kind)
    return list(
        subscriptions.matches(subscription)
        .filter(published_at__gt=subscription.since, published_at__lte=now)
        .exclude(pk__in=told.values("record_id"))
        .select_related(*RELATED[subscription.kind])
        .order_by("-published_at", "-pk")[:FETCH_LIMIT]
    )


def _message(found):
    total = sum(len(records) for _, records in found)
    lines = [f"您的订阅有 {total} 条新发布的信息：", ""]
    for subscription, records in found:
        lines.append(f"【{subscription.name}】{len(records)} 条")
        lines += [_record_line(subscription.kind, r) for r in records[:LIST_LIMIT]]
        if len(records) > LIST_LIMIT:
            lines.append(f"  另有 {len(records) - LIST_LIMIT} 条，请登录平台查看。")
        lines.append("")
    lines.append(f"管理订阅（改名、暂停、删除）：{absolute(reverse('matching:subscriptions'))}")
    return total, "\n".join(lines)


def _footer(user, found):
    lines = ["不想再收到这些推送？点击下面的链接即可退订（无需登录）："]
    for subscription, _ in found:
        lines.append(
            f"退订“{subscription.name}”：{absolute(subscriptions.unsubscribe_path(user, [subscription]))}"
        )
    return "\n".join(lines)


def deliver_to(user, subs, now, key):
    """One user's digest; the number of records told (0: nothing new, or another run was first)."""
    found, seen = [], set()
    for subscription in subs:
        records = [r for r in _new_records(subscription, now) if (subscription.kind, r.pk) not in seen]
        seen.update((subscription.kind, r.pk) for r in records)
        if records:
            found.append((subscription, records))
    if not found:
        return 0
    total, body = _message(found)
    if total == 1:
        subscription, records = found[0]
        link = _record_path(subscription.kind, records[0])
    else:
        link = reverse("matching:subscriptions") + "#recent"
    all_link = absolute(subscriptions.unsubscribe_path(user, [s for s, _ in found]))
    try:
        with transaction.atomic():
            SubscriptionDelivery.objects.bulk_create(
                SubscriptionDelivery(user=user, kind=s.kind, record_id=r.pk, subscription=s)
                for s, records in found
                for r in records
            )
            sent = notify(
                users=[user],
                kind=Kind.MATCHING,
                title=f"订阅推送：{total} 条新信息",
                body=body,
                link=link,
                dedupe_key=key,
                email_headers={
                    "List-Unsubscribe": f"<{all_link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                email_footer=_footer(user, found),
            )
            if not sent:
                raise _NothingSent
    except (IntegrityError, _NothingSent):
        return 0
    return total


def send_daily(now=None):
    """Run the day's digest: (users told, records told)."""
    now = now or timezone.now()
    key = dedupe_key(timezone.localdate(now))
    subscriptions.ensure_defaults()
    served = Notification.objects.filter(dedupe_key=key).values("recipient_id")
    active = (
        Subscription.objects.filter(is_active=True, user__is_active=True)
        .exclude(user_id__in=served)
        .select_related("user")
        .order_by("user_id", "pk")
    )
    users = records = 0
    for _, group in groupby(active, key=lambda s: s.user_id):
        group = [s for s in group if subscriptions.kind_for(s.user) == s.kind]  # a changed role: none
        if not group:
            continue
        told = deliver_to(group[0].user, group, now, key)
        users += bool(told)
        records += told
    return users, records
