"""Content monitoring (第十八条, R-SUP-3) and 失信记录 (第十七条, R-SUP-4).

The 内容监测员 opens a finding on a published record; the publisher and the registration
authority are told in their 站内信; the publisher answers (and corrects the record through the
record's own pages); the monitor closes the finding as 属实 or 不属实. A 虚假/夸大 finding closed
as 属实 on an organization's record becomes a 失信记录 of that organization. Every step is a
service here: one transaction, one history entry, notifications after commit.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from demands.models import Demand
from directory.models import Application
from inbox.models import Kind
from inbox.services import notify
from notices.models import Article, ItemStatus
from offerings.models import Offering
from portal import params, transitions

from . import directory_flags
from .confidentiality import personal_data_problem
from .models import CreditRecord, Finding, FindingKind, FindingResult, FindingStatus, TargetType


@dataclass
class Target:
    """What a finding needs to know about the record it is about."""

    obj: object
    type: str
    title: str
    url: str
    organization: object = None
    unit: object = None
    authority_district: object = None


def _article_url(article):
    name = "notices:policy" if article.kind == Article.Kind.POLICY else "notices:announcement"
    return reverse(name, args=[article.pk])


def _check_text(field, text):
    problem = personal_data_problem(text)
    if problem:
        raise ValidationError({field: problem})


def _organization_target(obj, target_type, title, url):
    """A social organization's record: the organization is its subject, its 登记管理机关 the authority."""
    org = obj.organization
    return Target(
        obj, target_type, title, url, organization=org, authority_district=org.registration_district
    )


def resolve_target(target_type, target_id):
    """The published record a finding may be opened on, or ValidationError in Chinese."""
    target_id = params.optional_id(target_id)
    if target_id is None:
        raise ValidationError("监测对象编号无效。")
    if target_type == TargetType.DEMAND:
        obj = Demand.objects.select_related("unit__district").filter(pk=target_id).first()
        if obj is None or not obj.is_public:
            raise ValidationError("只能对已发布的需求发起内容监测。")
        return Target(
            obj,
            target_type,
            obj.title,
            reverse("demands:detail", args=[obj.pk]),
            unit=obj.unit,
            authority_district=obj.unit.district,
        )
    if target_type == TargetType.OFFERING:
        obj = (
            Offering.objects.select_related("organization__registration_district")
            .filter(pk=target_id)
            .first()
        )
        if obj is None or not obj.is_public:
            raise ValidationError("只能对已发布的服务项目发起内容监测。")
        return _organization_target(obj, target_type, obj.title, reverse("offerings:detail", args=[obj.pk]))
    if target_type == TargetType.ARTICLE:
        obj = Article.objects.select_related("publisher_unit__district").filter(pk=target_id).first()
        if obj is None or obj.status != ItemStatus.PUBLISHED:
            raise ValidationError("只能对已发布的政策法规或公示公告发起内容监测。")
        unit = obj.publisher_unit if obj.publisher_kind == "line" else None
        district = (
            obj.publisher_district if obj.publisher_kind == "district" else (unit.district if unit else None)
        )
        return Target(obj, target_type, obj.title, _article_url(obj), unit=unit, authority_district=district)
    if target_type == TargetType.APPLICATION:
        obj = (
            Application.objects.select_related("organization__registration_district", "edition")
            .filter(pk=target_id)
            .first()
        )
        # The public face of an application is its published edition's directory page.
        if obj is None or not obj.is_member:
            raise ValidationError("只能对已发布的推荐目录中的社会组织发起内容监测。")
        url = reverse("directory:edition", args=[obj.edition.year])
        return _organization_target(obj, target_type, str(obj), url)
    raise ValidationError("监测对象类型无效。")


def target_url(finding):
    """The record's page, for the finding's page and notifications."""
    try:
        return resolve_target(finding.target_type, finding.target_id).url
    except ValidationError:
        return ""


# --- audiences ---------------------------------------------------------------------------


def publisher_users(finding):
    if finding.organization_id:
        return User.objects.of_organization(finding.organization_id)
    if finding.unit_id:
        return User.objects.of_unit(finding.unit_id)
    return authority_users(finding.authority_district_id)


def authority_users(district_id):
    """The registration authority's administrators: the 区民政局, or the city."""
    return User.objects.administrators_of(district_id)


def send_notice(finding, users, title, body, *, kind=Kind.FINDING, link=None):
    """A 站内信 about `finding` to `users`, linking to the finding's page (or `link`); the notifications
    sent. In the same transaction as the change: a finding and its notifications land together or not
    at all."""
    return notify(
        users=users,
        kind=kind,
        title=title,
        body=body,
        link=link or reverse("supervision:finding", args=[finding.pk]),
    )


def _audience(finding, *extra):
    seen = {}
    for user in [*publisher_users(finding), *authority_users(finding.authority_district_id), *extra]:
        if user is not None:
            seen[user.pk] = user
    return list(seen.values())


def _next_number():
    today = timezone.localdate()
    prefix = f"JC{today:%Y%m%d}"
    last = (
        Finding.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    )
    seq = int(last[0][len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


# --- services ----------------------------------------------------------------------------


def open_finding(*, by, target_type, target_id, kind, description):
    if not permissions.can_open_findings(by):
        raise PermissionDenied("只有内容监测员可以发起内容监测。")
    if kind not in FindingKind.values:
        raise ValidationError({"kind": "请选择问题类型。"})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "请填写问题描述。"})
    _check_text("description", description)
    target = resolve_target(target_type, target_id)
    with transaction.atomic():
        finding = Finding(
            target_type=target.type,
            target_id=target.obj.pk,
            target_title=target.title[:200],
            organization=target.organization,
            unit=target.unit,
            authority_district=target.authority_district,
            kind=kind,
            description=description,
            opened_by=by,
        )
        finding._change_reason = "发起内容监测"
        finding._history_user = by
        for attempt in range(5):  # two findings opened at the same moment may race for a number
            finding.number = _next_number()
            try:
                with transaction.atomic():
                    finding.save()
                break
            except IntegrityError:
                if attempt == 4:
                    raise
                finding.pk = None
        send_notice(
            finding,
            _audience(finding),
            f"内容监测：{finding.target_title}（{finding.get_kind_display()}）",
            f"内容监测员对“{finding.target_title}”（{finding.get_target_type_display()}）提出了问题"
            f"（编号 {finding.number}，类型：{finding.get_kind_display()}）：\n{description}\n\n"
            f"请发布方核实，必要时修改该信息，并于 {finding.answer_due:%Y-%m-%d} 前在平台上答复"
            f"（{settings.FINDING_ANSWER_WORKING_DAYS}个工作日）；期满未答复的，监测员可径行办结。",
        )
    return finding


# action → (from-states, to-state) of a finding (R-SUP-3): the publisher may answer again until the
# monitor closes it; a closed finding is final.
ACTIONS = {
    "answer": ({FindingStatus.OPEN, FindingStatus.ANSWERED}, FindingStatus.ANSWERED),
    "close": ({FindingStatus.OPEN, FindingStatus.ANSWERED}, FindingStatus.CLOSED),
}
TABLE = transitions.Table(
    states=tuple(FindingStatus),
    noun="问题",
    actions=ACTIONS,
    labels={"answer": "答复", "close": "办结"},
    messages={"answer": "该问题已办结，不能再答复。", "close": "该问题已经办结，不能重复办结。"},
    error=ValidationError,
    validate=False,
)


def _locked(finding):
    return Finding.objects.select_for_update().get(pk=finding.pk)


def answer_finding(*, finding, by, answer):
    if not permissions.can_answer_finding(by, finding):
        raise PermissionDenied("只有发布方可以答复。")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "请填写答复内容，说明核实和整改情况。"})
    _check_text("answer", answer)
    with transaction.atomic():
        finding = _locked(finding)
        transitions.check(TABLE, finding, "answer")
        finding.answer = answer
        finding.answered_by = by
        finding.answered_at = timezone.now()
        transitions.apply(TABLE, finding, "answer", by=by, reason="发布方答复")
        send_notice(
            finding,
            [*authority_users(finding.authority_district_id), finding.opened_by],
            f"内容监测已答复：{finding.target_title}",
            f"发布方已答复内容监测问题 {finding.number}：\n{answer}",
        )
    return finding


def close_finding(*, finding, by, result, result_text):
    if not permissions.can_close_finding(by, finding):
        raise PermissionDenied("只有内容监测员可以办结。")
    if result not in FindingResult.values:
        raise ValidationError({"result": "请选择核查结论：属实或不属实。"})
    result_text = (result_text or "").strip()
    if result == FindingResult.CONFIRMED and not result_text:
        raise ValidationError({"result_text": "核查属实的，必须填写处理结果。"})
    _check_text("result_text", result_text)
    with transaction.atomic():
        finding = _locked(finding)
        transitions.check(TABLE, finding, "close")
        if result == FindingResult.CONFIRMED and not finding.may_be_confirmed:
            raise ValidationError(
                {
                    "result": f"发布方尚未答复，答复期限至 {finding.answer_due:%Y-%m-%d}"
                    f"（{settings.FINDING_ANSWER_WORKING_DAYS}个工作日）；期满或答复后才能按“属实”办结。"
                }
            )
        finding.result = result
        finding.result_text = result_text
        finding.closed_by = by
        finding.closed_at = timezone.now()
        transitions.apply(TABLE, finding, "close", by=by, reason=f"办结：{finding.get_result_display()}")
        record = None
        if (
            result == FindingResult.CONFIRMED
            and finding.kind == FindingKind.FALSE
            and finding.organization_id
        ):
            record = CreditRecord(
                organization_id=finding.organization_id,
                recorded_on=timezone.localdate(),
                finding=finding,
                record=f"{finding.get_target_type_display()}“{finding.target_title}”存在虚假/夸大信息：{result_text}",
                created_by=by,
            )
            record._change_reason = f"内容监测 {finding.number} 核查属实"
            record._history_user = by
            record.save()
            directory_flags.flag_members(finding, record)  # a member's false evidence goes to the city
        body = f"内容监测问题 {finding.number}（“{finding.target_title}”）已办结，核查结论：{finding.get_result_display()}。"
        if result_text:
            body += f"\n处理结果：{result_text}"
        send_notice(finding, _audience(finding), f"内容监测已办结：{finding.target_title}", body)
        if record:
            send_notice(
                finding,
                _audience(finding),
                f"失信记录：{finding.organization.name}",
                f"内容监测问题 {finding.number} 属于虚假/夸大信息且核查属实，已于 "
                f"{record.recorded_on:%Y-%m-%d} 记入{finding.organization.name}的失信记录（第十七条），"
                f"作为年检的依据。\n失信情况：{record.record}",
                kind=Kind.CREDIT,
            )
    return finding
