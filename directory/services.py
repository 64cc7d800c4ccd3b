"""Every write on the directory: editions, self-recommendations, reviews, purchaser
recommendations. One transaction and one record of who/when/what each (R-DIR, R-GEN-2)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from demands.models import Grade
from demands.models import Status as DemandStatus
from offerings.models import Status as OfferingStatus
from portal import confidentiality, transitions
from portal.errors import ServiceError
from portal.transitions import NEW
from portal.uploads import check_document, store

from . import telling
from .models import Application, AppStatus, Edition, EditionStatus, PurchaserRecommendation, ReviewStep

# action → (from-states, to-state) of an edition (R-DIR-1): it only moves forward.
EDITION_ACTIONS = {
    "collect": ({EditionStatus.PREPARING}, EditionStatus.COLLECTING),
    "review": ({EditionStatus.COLLECTING}, EditionStatus.REVIEWING),
    "publish": ({EditionStatus.REVIEWING}, EditionStatus.PUBLISHED),
}
EDITION_TABLE = transitions.Table(
    states=tuple(EditionStatus),
    noun="目录",
    actions=EDITION_ACTIONS,
    labels={action: transitions.moved_to(to) for action, (_, to) in EDITION_ACTIONS.items()},
    says_already=False,
    validate=False,
)
# action → (from-states, to-state) of a self-recommendation (R-DIR-2, R-DIR-3). "save" edits a draft
# or a returned application and keeps its status.
_EDITABLE = {AppStatus.DRAFT, AppStatus.RETURNED}
_AT_DISTRICT = "该申请不在区民政局审核环节。"
_AT_CITY = "该申请不在市民政局审核环节。"
_SUBMITTED = "申请已提交，审核期间不能修改。"
ACTIONS = {
    "create": ({NEW}, AppStatus.DRAFT),
    "save": (_EDITABLE, None),
    "submit_to_district": (_EDITABLE, AppStatus.DISTRICT),
    "submit_to_city": (_EDITABLE, AppStatus.CITY),
    "pass": ({AppStatus.DISTRICT}, AppStatus.CITY),
    "return": ({AppStatus.DISTRICT}, AppStatus.RETURNED),
    "approve": ({AppStatus.CITY}, AppStatus.APPROVED),
    "reject": ({AppStatus.CITY}, AppStatus.REJECTED),
    "remove": ({AppStatus.APPROVED}, AppStatus.REMOVED),
}
TABLE = transitions.Table(
    states=tuple(AppStatus),
    noun="申请",
    actions=ACTIONS,
    labels={
        "create": "创建",
        "save": "修改",
        "submit_to_district": "提交区民政局审核",
        "submit_to_city": "提交市民政局审核",
        "pass": "通过区审核",
        "return": "退回修改",
        "approve": "入选",
        "reject": "不予入选",
        "remove": "移出目录",
    },
    messages={
        "save": _SUBMITTED,
        "submit_to_district": _SUBMITTED,
        "submit_to_city": _SUBMITTED,
        "pass": _AT_DISTRICT,
        "return": _AT_DISTRICT,
        "approve": _AT_CITY,
        "reject": _AT_CITY,
        "remove": "只有已入选的成员才能移出目录。",
    },
    validate=False,
)
MAX_EVIDENCE = 2


def _history(obj, by, reason):
    obj._history_user = by
    obj._change_reason = reason
    return obj


@transaction.atomic
def edition_advance(*, edition, by, to):
    if not permissions.is_city_admin(by):
        raise PermissionDenied
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    action = EDITION_TABLE.action_to(to)
    transitions.check(EDITION_TABLE, edition, action)
    if action == "publish":
        waiting = edition.applications.filter(status__in=(AppStatus.DISTRICT, AppStatus.CITY)).count()
        if waiting:
            raise ServiceError(f"还有 {waiting} 份申请等待区或市审核，审核完毕后才能发布目录。")
        edition.published_at = timezone.now()
    transitions.apply(EDITION_TABLE, edition, action, by=by, reason=f"状态改为{EditionStatus(to).label}")
    if to == EditionStatus.COLLECTING:
        telling.edition_opened_told(edition)
    return edition


def _check_editable(application, by):
    if not (permissions.is_organization_user(by) and application.organization_id == by.organization_id):
        raise PermissionDenied
    transitions.check(TABLE, application, "save")
    if not application.edition.accepting:
        raise ServiceError(
            f"{application.edition.display_title}不在征集期内（截止日期 {application.edition.deadline:%Y-%m-%d}），不能修改或提交。"
        )
    org = application.organization
    org.refresh_from_db()
    if not org.is_eligible:
        raise ServiceError(
            f"{org.name} 目前{org.credit_status}，不能自荐（第八条：合格的承接主体是在民政部门登记且不在严重失信名单中的社会组织）。"
        )


def _check_evidence(application, evidence):
    # Read the offers again (locked), so one withdrawn a moment ago is not taken as evidence.
    from offerings.models import Offering

    evidence = list(
        Offering.objects.select_for_update().filter(pk__in=[o.pk for o in evidence]).order_by("pk")
    )
    if not 1 <= len(evidence) <= MAX_EVIDENCE:
        raise ServiceError("请选择1至2个本组织已发布的服务项目作为佐证（第十五条）。")
    for offering in evidence:
        if offering.organization_id != application.organization_id:
            raise ServiceError(f"“{offering.title}”不是本组织的服务项目。")
        if offering.status != OfferingStatus.PUBLISHED:
            raise ServiceError(f"“{offering.title}”未发布或已下架，不能作为佐证项目。")
    return evidence


@transaction.atomic
def application_save(*, edition, by, evidence, statement="", upload=None):
    """Create or update the organization's draft (or returned) application for an edition."""
    if not permissions.is_organization_user(by):
        raise PermissionDenied
    application = Application.objects.filter(edition=edition, organization=by.organization).first()
    if application is None:
        application = Application(edition=edition, organization=by.organization, created_by=by)
        transitions.apply(TABLE, application, "create", by=by, reason="创建")
    application = (
        Application.objects.select_for_update()
        .select_related("edition", "organization")
        .get(pk=application.pk)
    )
    _check_editable(application, by)
    evidence = _check_evidence(application, evidence)
    statement = (statement or "").strip()
    reason = confidentiality.problem(statement)
    if reason:
        raise ServiceError(f"“自荐说明”{reason}")
    if upload:
        extension = check_document(upload)
        application.form_extension = extension
        application.form_original_name = (upload.name or f"推荐意见表{extension}")[:200]
        store(application.recommendation_form, "form" + extension, upload)
    application.statement = statement
    transitions.apply(TABLE, application, "save", by=by, reason="保存")
    application.evidence.set(evidence)
    return application


@transaction.atomic
def application_submit(*, application, by):
    application = (
        Application.objects.select_for_update()
        .select_related("edition", "organization")
        .get(pk=application.pk)
    )
    _check_editable(application, by)
    _check_evidence(application, application.evidence.all())
    if not application.recommendation_form:
        raise ServiceError("请上传盖章的《购买主体推荐意见表》（PDF、JPG 或 PNG）。")
    application.review_district_id = application.organization.registration_district_id
    application.submitted_at = timezone.now()
    action = "submit_to_district" if application.review_district_id else "submit_to_city"
    transitions.apply(TABLE, application, action, by=by, reason="提交")
    ReviewStep.objects.create(application=application, action=ReviewStep.Action.SUBMIT, by=by)
    return application


def _locked_for_review(application):
    return (
        Application.objects.select_for_update()
        .select_related("edition", "organization")
        .get(pk=application.pk)
    )


def _opinion(opinion, required, what):
    opinion = (opinion or "").strip()
    if required and not opinion:
        raise ServiceError(f"{what}必须填写意见。")
    return opinion


@transaction.atomic
def district_review(*, application, by, passed, opinion):
    """区民政局: pass (forward to the city) or return with a reason (R-DIR-3)."""
    application = _locked_for_review(application)
    if not (permissions.is_district_admin(by) and application.review_district_id == by.district_id):
        raise PermissionDenied
    transitions.check(TABLE, application, "pass" if passed else "return")
    opinion = _opinion(opinion, not passed, "退回")
    transitions.apply(
        TABLE,
        application,
        "pass" if passed else "return",
        by=by,
        reason="区审核通过" if passed else f"退回：{opinion}",
    )
    action = ReviewStep.Action.PASS if passed else ReviewStep.Action.RETURN
    ReviewStep.objects.create(application=application, action=action, opinion=opinion, by=by)
    telling.review_step_told(application, action, opinion)
    return application


@transaction.atomic
def city_review(*, application, by, approved, opinion):
    """市民政局: approve or reject each forwarded application, with a reason (R-DIR-3)."""
    application = _locked_for_review(application)
    if not permissions.is_city_admin(by):
        raise PermissionDenied
    action = "approve" if approved else "reject"
    transitions.check(TABLE, application, action)
    if application.edition.status == EditionStatus.PUBLISHED:
        raise ServiceError("该年度目录已经发布。")
    opinion = _opinion(opinion, True, "审核")
    application.decided_at = timezone.now()
    transitions.apply(
        TABLE, application, action, by=by, reason=f"{'入选' if approved else '未入选'}：{opinion}"
    )
    action = ReviewStep.Action.APPROVE if approved else ReviewStep.Action.REJECT
    ReviewStep.objects.create(application=application, action=action, opinion=opinion, by=by)
    telling.review_step_told(application, action, opinion)
    return application


def can_recommend(user, demand):
    return (
        permissions.can_edit_demand(user, demand)
        and demand.status == DemandStatus.EVALUATED
        and demand.eval_grade in (Grade.EXCELLENT, Grade.GOOD)
        and demand.awarded_org_id is not None
    )


@transaction.atomic
def recommend(*, demand, by, reason):
    """R-DIR-5: the purchaser recommends the organization that did well on its demand (良好 or better)."""
    if not permissions.can_edit_demand(by, demand):
        raise PermissionDenied
    if not can_recommend(by, demand):
        raise ServiceError("只能推荐绩效评价为“良好”及以上的项目的承接社会组织。")
    reason = _opinion(reason, True, "推荐")
    problem = confidentiality.problem(reason)
    if problem:
        raise ServiceError(f"“推荐理由”{problem}")
    if PurchaserRecommendation.objects.filter(demand=demand).exists():
        raise ServiceError("该项目已经推荐过承接的社会组织。")
    rec = PurchaserRecommendation(
        demand=demand, organization=demand.awarded_org, unit=demand.unit, reason=reason, by=by
    )
    _history(rec, by, "推荐").save()
    return rec


@transaction.atomic
def member_remove(*, application, by, reason):
    """市民政局 removes a member from a published edition, with a reason (issue 18: e.g. a 失信记录 for
    false information on its evidence). Never deleted: the row stays, marked removed with the date."""
    application = _locked_for_review(application)
    if not permissions.is_city_admin(by):
        raise PermissionDenied
    if application.edition.status != EditionStatus.PUBLISHED:
        raise ServiceError("只能从已发布的目录中移出成员；审核中的申请请在审核时决定。")
    reason = _opinion(reason, True, "移出目录")
    problem = confidentiality.problem(reason)
    if problem:
        raise ServiceError(f"“移出原因”{problem}")
    application.removed_at = timezone.now()
    application.removal_reason = reason
    application.removed_by = by
    transitions.apply(TABLE, application, "remove", by=by, reason=f"移出目录：{reason}")
    ReviewStep.objects.create(application=application, action=ReviewStep.Action.REMOVE, opinion=reason, by=by)
    telling.member_removed_told(application, reason)
    return application
