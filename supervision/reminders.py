"""Reminders to publishers (R-SUP-1, R-SUP-2): what an administrator sends by hand from the
completeness list, and what the daily command `send_reminders` sends on its own.

A reminder is a 站内信 (and an e-mail) to the accounts of the purchaser unit or organization
that published the record. The daily command logs each reminder under a key made of the record
and what it lacks, with the day: the same reminder is not delivered again within
`REMINDER_REPEAT_DAYS` (7 by default) days, so running the command twice a day sends nothing the
second time, and a record that stays incomplete is reminded again a week later. Each account gets one
站内信 per run listing all its records due, not one message per record.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from demands.models import Demand
from demands.models import Status as DemandStatus
from inbox.models import Kind
from inbox.services import notify
from offerings.models import Offering
from offerings.models import Status as OfferingStatus

from . import completeness
from .models import ReminderLog

PUBLISH_WARNING_DAYS = 7


def demand_users(demand):
    return User.objects.of_unit(demand.unit_id)


def offering_users(offering):
    return User.objects.of_organization(offering.organization_id)


def _digest(items):
    return hashlib.sha1("|".join(items).encode()).hexdigest()[:12]


def _window_start(today):
    """A reminder logged on or after this day is not repeated today."""
    return today - datetime.timedelta(days=max(1, settings.REMINDER_REPEAT_DAYS) - 1)


# kind → (what it is, the opening line of its reminder, what to do, its page's URL name)
MESSAGES = {
    "demand": (
        "需求",
        "您单位发布的购买服务需求“{title}”需要处理：",
        "请登录平台，在“我的需求”中补录或发布（《管理和使用办法》第四条）。",
        "demands:detail",
    ),
    "offering": (
        "服务项目",
        "贵组织发布的服务项目“{title}”信息不完备：",
        "请登录平台，在“我的服务项目”中补充（《管理和使用办法》第四条）。",
        "offerings:detail",
    ),
}


def _message(kind, record, items):
    """The reminder about one demand or offer: (title, body, link)."""
    noun, lead, ending, url_name = MESSAGES[kind]
    body = lead.format(title=record.title) + "\n" + "\n".join(f"· {item}" for item in items) + "\n\n" + ending
    return f"请补充{noun}信息：{record.title}", body, reverse(url_name, args=[record.pk])


def publish_warnings(demand, today):
    """A draft whose publishing deadline is near (within 7 days) or passed (R-SUP-2)."""
    deadline = demand.publish_deadline
    if demand.status != DemandStatus.DRAFT or deadline is None:
        return []
    if today > deadline:
        return [f"已超过发布期限（应于 {deadline:%Y-%m-%d} 前发布），尚未发布"]
    if (deadline - today).days <= PUBLISH_WARNING_DAYS:
        return [f"发布期限临近（应于 {deadline:%Y-%m-%d} 前发布）"]
    return []


def pending(today=None):
    """Every reminder due today: (record kind, record, users, items)."""
    today = today or timezone.localdate()
    demands = completeness.incomplete_demands(Demand.objects.all(), today).select_related("unit")
    for demand in demands.order_by("pk"):
        yield "demand", demand, completeness.demand_missing(demand, today)
    drafts = Demand.objects.filter(status=DemandStatus.DRAFT, year__gte=today.year - 1).select_related("unit")
    for demand in drafts.order_by("pk"):
        items = publish_warnings(demand, today)
        if items:
            yield "demand", demand, items
    offerings = completeness.incomplete_offerings(Offering.objects.all()).select_related("organization")
    for offering in offerings.order_by("pk"):
        yield "offering", offering, completeness.offering_missing(offering)


def _deliver(kind, record, items, key):
    users = demand_users(record) if kind == "demand" else offering_users(record)
    title, body, link = _message(kind, record, items)
    return notify(users=users, kind=Kind.REMINDER, title=title, body=body, link=link, dedupe_key=key)


def _digest_message(entries):
    """One 站内信 for everything due for one account today."""
    if len(entries) == 1:
        kind, record, items = entries[0]
        return _message(kind, record, items)
    kinds = {kind for kind, _, _ in entries}
    lines = []
    for kind, record, items in entries:
        label = MESSAGES[kind][0]
        lines.append(f"· {label}“{record.title}”：{'；'.join(items)}")
    body = (
        f"以下 {len(entries)} 条信息需要处理：\n"
        + "\n".join(lines)
        + "\n\n请登录平台补录或发布（《管理和使用办法》第四条）。"
    )
    link = (
        reverse("demands:mine")
        if kinds == {"demand"}
        else reverse("offerings:mine")
        if kinds == {"offering"}
        else ""
    )
    return f"督办提醒：{len(entries)} 条信息需要处理", body, link


def send_due(today=None):
    """The daily run. Each account gets at most one 站内信 per run, listing the records newly due
    due; a record reminded within REMINDER_REPEAT_DAYS days (same record, same gaps) is left out.
    Returns (records reminded, notifications sent, records whose publisher has no account)."""
    today = today or timezone.localdate()
    done = set(ReminderLog.objects.filter(sent_on__gte=_window_start(today)).values_list("key", flat=True))
    owners = {}
    per_user = {}
    users_by_pk = {}
    keys = []
    orphans = 0
    for kind, record, items in pending(today):
        key = f"{kind}:{record.pk}:{_digest(items)}"
        if key in done:
            continue
        owner = ("unit", record.unit_id) if kind == "demand" else ("org", record.organization_id)
        if owner not in owners:
            owners[owner] = demand_users(record) if kind == "demand" else offering_users(record)
        if not owners[owner]:
            orphans += 1
            continue
        done.add(key)
        keys.append(key)
        for user in owners[owner]:
            users_by_pk[user.pk] = user
            per_user.setdefault(user.pk, []).append((kind, record, items))
    sent = 0
    with transaction.atomic():
        for pk, entries in per_user.items():
            title, body, link = _digest_message(entries)
            sent += len(
                notify(users=[users_by_pk[pk]], kind=Kind.REMINDER, title=title, body=body, link=link)
            )
        ReminderLog.objects.bulk_create([ReminderLog(key=key, sent_on=today) for key in keys])
    return len(keys), sent, orphans


def remind_by_hand(*, by, kind, pk):
    """An administrator reminds the publisher of one incomplete record in its scope (R-SUP-1).
    Once per record per day; returns the number of accounts reminded."""
    if not permissions.is_admin(by):
        raise ValidationError("只有管理员可以发送提醒。")
    today = timezone.localdate()
    if kind == "demand":
        record = permissions.get_in_scope_or_404(by, Demand.objects.select_related("unit"), pk=pk)
        items = completeness.demand_missing(record, today) or publish_warnings(record, today)
    elif kind == "offering":
        record = permissions.get_in_scope_or_404(by, Offering.objects.select_related("organization"), pk=pk)
        if record.status != OfferingStatus.PUBLISHED:
            raise ValidationError("该服务项目未发布或已下架，不需要提醒。")
        items = completeness.offering_missing(record)
    else:
        raise ValidationError("提醒对象无效。")
    if not items:
        if kind == "demand" and record.status == DemandStatus.DRAFT:
            raise ValidationError("该需求是草稿，发布期限还未临近，暂不需要提醒。")
        if kind == "demand" and not record.from_platform:
            raise ValidationError("该需求由其他平台导入，请在来源平台督促补录。")
        raise ValidationError("该信息已经完备，无需提醒。")
    with transaction.atomic():
        created = _deliver(kind, record, items, f"manual:{kind}:{record.pk}:{today:%Y%m%d}")
    if not created:
        users = demand_users(record) if kind == "demand" else offering_users(record)
        if not users:
            raise ValidationError("发布方没有可用的账号，无法发送站内信，请电话联系。")
        raise ValidationError("今天已经提醒过该发布方，请勿重复发送。")
    return len(created)


def remind_all_by_hand(*, by):
    """全部提醒 (issue 18): `remind_by_hand` for every incomplete record of the administrator's scope,
    as the 信息完备性监测 list shows them. Returns (records reminded, accounts reminded, records skipped:
    already reminded today or without an account)."""
    if not permissions.is_admin(by):
        raise ValidationError("只有管理员可以发送提醒。")
    records = [
        ("demand", pk)
        for pk in completeness.incomplete_demands(permissions.scope_to(by, Demand.objects.all())).values_list(
            "pk", flat=True
        )
    ] + [
        ("offering", pk)
        for pk in completeness.incomplete_offerings(
            permissions.scope_to(by, Offering.objects.all())
        ).values_list("pk", flat=True)
    ]
    reminded = accounts = skipped = 0
    for kind, pk in records:
        try:
            accounts += remind_by_hand(by=by, kind=kind, pk=pk)
        except ValidationError:
            skipped += 1
        else:
            reminded += 1
    return reminded, accounts, skipped


__all__ = ["pending", "send_due", "remind_by_hand", "remind_all_by_hand"]
