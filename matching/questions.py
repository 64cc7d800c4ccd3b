"""公开答疑 on a demand (issue 13 §6): one action table applied by `portal.transitions`, and the
站内信 each step sends.

- An eligible organization (any district) asks on a 有效需求; the purchaser unit is told by 站内信.
  Who asked is shown to nobody on the site, the purchaser included (the history keeps it).
- The demand's editors (`permissions.can_edit_demand`) answer: question and answer become public on
  the demand's page (and in the open data API); the organizations with an active 承接意向 and the
  asking organization are told. Or they decline with a reason that only the asking organization sees.
- The asking organization may withdraw a question while it is pending.
- At most `PENDING_LIMIT` pending questions per organization and demand (against flooding).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import permissions
from accounts.models import Role, User
from portal import confidentiality, transitions
from portal.errors import ServiceError
from portal.transitions import NEW

from .models import InterestStatus, Question, QuestionStatus
from .services import notify_about, notify_unit, refuse_unless

S = QuestionStatus
PENDING_LIMIT = 3
LIMITS = {"text": 500, "answer": 1000, "decline_reason": 300}

TABLE = transitions.Table(
    noun="问题",
    states=tuple(S.values),
    actions={
        "ask": ({NEW}, S.PENDING),
        "answer": ({S.PENDING}, S.ANSWERED),
        "decline": ({S.PENDING}, S.DECLINED),
        "withdraw": ({S.PENDING}, S.WITHDRAWN),
    },
    labels={"ask": "提出", "answer": "答复", "decline": "不予答复", "withdraw": "撤回"},
    notes={
        S.ANSWERED: "已答复的问题不能再变更。",
        S.DECLINED: "如需补充，请重新提问。",
    },
)
# action → who may take it (on the question) and the history reason
WHO = {
    "answer": (permissions.can_answer_question, "购买主体答复"),
    "decline": (permissions.can_answer_question, "购买主体不予答复"),
    "withdraw": (permissions.can_withdraw_question, "提问组织撤回"),
}


def demand_link(demand):
    return f"/demands/{demand.pk}/#questions"


def clean_text(value, field, *, required=True):
    """The text as saved, or a Chinese refusal naming the field (confidentiality included)."""
    label = Question._meta.get_field(field).verbose_name
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(f"请填写{label}。")
    if len(text) > LIMITS[field]:
        raise ServiceError(f"{label}不能超过 {LIMITS[field]} 字（现有 {len(text)} 字）。")
    problem = confidentiality.problem(text)
    if problem:
        raise ServiceError(f"{label}：{problem}")
    return text


@transaction.atomic
def ask(*, demand, by, text):
    refuse_unless(
        permissions.can_ask_question(by, demand), by, doing="提问", closed="该需求已取消或未发布，不能提问。"
    )
    text = clean_text(text, "text")
    # The organization's row is locked so that two submits at once cannot pass the limit together.
    type(by.organization).objects.select_for_update().filter(pk=by.organization_id).first()
    pending = Question.objects.filter(demand=demand, organization_id=by.organization_id, status=S.PENDING)
    if pending.count() >= PENDING_LIMIT:
        raise ServiceError(
            f"贵组织在该需求下已有 {PENDING_LIMIT} 个待答复的问题，请等待购买主体答复后再提问。"
        )
    question = Question(demand=demand, organization_id=by.organization_id, asked_by=by, text=text)
    transitions.apply(TABLE, question, "ask", by=by, reason="社会组织提问")
    notify_unit(
        demand,
        "公开答疑新问题",
        f"有社会组织就“{demand.title}”提出问题：\n{text}\n"
        "请在需求页面答复（问题和答复将公开显示，不显示提问组织），或说明不予答复的原因。",
        link=demand_link(demand),
    )
    return question


def _organization_users(organization_ids):
    return list(
        User.objects.filter(role=Role.ORGANIZATION, organization_id__in=organization_ids, is_active=True)
    )


@transaction.atomic
def act(*, question, action, by, text=""):
    """answer (with the answer), decline (with the reason), withdraw."""
    if action not in WHO:
        raise ServiceError("未知的操作。")
    question = Question.objects.select_for_update().select_related("demand").get(pk=question.pk)
    allowed, reason = WHO[action]
    if not allowed(by, question):
        raise PermissionDenied
    transitions.check(TABLE, question, action)
    demand = question.demand
    if action == "answer":
        question.answer = clean_text(text, "answer")
        question.answered_at = timezone.now()
    elif action == "decline":
        question.decline_reason = clean_text(text, "decline_reason")
        question.answered_at = timezone.now()
    transitions.apply(TABLE, question, action, by=by, reason=reason)
    if action == "answer":
        # The demand's open-data record gained a Q&A: move its 最近变更时间 so incremental sync sees it.
        type(demand).objects.filter(pk=demand.pk).update(updated_at=timezone.now())
        interested = demand.interests.exclude(status=InterestStatus.WITHDRAWN).values_list(
            "organization_id", flat=True
        )
        notify_about(
            demand,
            _organization_users({question.organization_id, *interested}),
            "公开答疑已答复",
            f"问题：{question.text}\n答复：{question.answer}",
            link=demand_link(demand),
        )
    elif action == "decline":
        notify_about(
            demand,
            _organization_users({question.organization_id}),
            "贵组织的问题不予答复",
            f"问题：{question.text}\n原因：{question.decline_reason}\n该原因只有贵组织可见。",
            link=demand_link(demand),
        )
    return question


def for_page(demand, user):
    """The questions the demand's page shows to `user`, in one query: the answered ones for everyone;
    the pending ones for its editors; every one of its own for the asking organization."""
    wanted = Q(status=S.ANSWERED)
    editor = permissions.can_edit_demand(user, demand)
    if editor:
        wanted |= Q(status=S.PENDING)
    if permissions.is_organization_user(user):
        wanted |= Q(organization_id=user.organization_id)
    rows = list(Question.objects.filter(demand=demand).filter(wanted).order_by("asked_at", "pk"))
    mine_id = user.organization_id if permissions.is_organization_user(user) else None
    return {
        "answered": [q for q in rows if q.status == S.ANSWERED],
        "pending": [q for q in rows if q.status == S.PENDING] if editor else [],
        "mine": [q for q in rows if q.organization_id == mine_id and q.status != S.ANSWERED],
        "editor": editor,
        "mine_id": mine_id,
    }


def answered_for(demand_ids):
    """{demand id: its answered questions, oldest first}, one query: what open data publishes
    (question, answer and times; never who asked)."""
    out = {}
    if not demand_ids:
        return out
    for q in Question.objects.filter(demand_id__in=list(demand_ids), status=S.ANSWERED).order_by(
        "demand_id", "asked_at", "pk"
    ):
        out.setdefault(q.demand_id, []).append(q)
    return out
