"""公开答疑 (issue 13 §6): who may ask, answer, decline and withdraw, for every role in and out of the
district; organizations on the 严重失信名单 cannot ask; the purchaser is told of each question and the
interested organizations and the asker of each answer; the asker's name is never shown; the action
table walks through `portal.transitions` with history (R-GEN-2); a limit against flooding."""

import itertools

import pytest

from inbox.models import Notification
from matching import questions, services
from matching.models import Question
from portal import transitions
from portal.errors import ServiceError
from portal.transitions import NEW
from tests.factories import DemandFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "hp_purchaser", "xh_purchaser", "hp_org_user", "xh_org_user", "hp_admin", "xh_admin"]
ROLES += ["city_admin", "monitor"]


@pytest.fixture
def demand(hp_unit):
    return DemandFactory(unit=hp_unit, title="南京东路居家养老项目")


@pytest.fixture
def pending(demand, xh_org, xh_org_user):
    return questions.ask(demand=demand, by=xh_org_user, text="服务对象是否包括独居老人？")


def ask(client, demand, text="服务对象是否包括独居老人？"):
    return client.post(f"/demands/{demand.pk}/questions/", {"text": text})


def act(client, question, action, text=""):
    return client.post(f"/questions/{question.pk}/{action}/", {"text": text})


# --- asking ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_ask(as_role, demand, role):
    """Any eligible organization, of its district or another (第一条); nobody else (R-ROLE)."""
    response = ask(as_role(role), demand)
    may = role in ("hp_org_user", "xh_org_user")
    if role == "visitor":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif may:
        assert response.status_code == 302 and response["Location"] == f"/demands/{demand.pk}/#questions"
    else:
        assert response.status_code == 404
    assert Question.objects.filter(demand=demand).count() == (1 if may else 0)


def test_the_purchaser_is_told_of_each_question_without_the_askers_name(
    demand, hp_purchaser, xh_org, xh_org_user
):
    q = questions.ask(demand=demand, by=xh_org_user, text="能否分两期实施？")
    assert (q.status, q.organization, q.asked_by) == ("pending", xh_org, xh_org_user)
    note = Notification.objects.get(recipient=hp_purchaser)
    assert note.kind == "matching" and "能否分两期实施？" in note.body
    assert note.link == f"/demands/{demand.pk}/#questions"
    assert xh_org.name not in note.title + note.body


def test_a_listed_organization_cannot_ask(as_role, demand, hp_org, hp_org_user, list_serious):
    list_serious(hp_org)
    client = as_role("hp_org_user")
    assert ask(client, demand).status_code == 302
    assert not Question.objects.exists()
    with pytest.raises(ServiceError, match="严重失信名单"):
        questions.ask(demand=demand, by=type(hp_org_user).objects.get(pk=hp_org_user.pk), text="可以提问吗？")
    page = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "不能提问" in page and 'name="text"' not in page


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_no_question_on_a_draft_or_a_cancelled_demand(as_role, hp_unit, hp_org_user, status):
    demand = DemandFactory(unit=hp_unit, status=status, cancel_reason="实施条件变化")
    response = ask(as_role("hp_org_user"), demand)
    assert response.status_code == (404 if status == "draft" else 302)
    assert not Question.objects.exists()


def test_an_unknown_demand_is_404(as_role):
    assert as_role("hp_org_user").post("/demands/999999/questions/", {"text": "问题"}).status_code == 404


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "请填写问题"),
        ("   ", "请填写问题"),
        ("问" * 501, "问题不能超过 500 字"),
        ("联系人身份证 110101199003074514 可否提供？", "问题：含有疑似身份证号码"),
        ("附件为机密文件吗？", "问题：含有“机密”"),
        ("方向\u202e控制", "问题：含有不可见的控制字符"),
    ],
)
def test_hostile_or_bad_questions_are_refused_in_chinese_and_nothing_is_saved(as_role, demand, text, message):
    client = as_role("hp_org_user")
    response = ask(client, demand, text)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert message in page
    assert not Question.objects.exists() and not Notification.objects.exists()


def test_markup_in_a_question_is_shown_as_text(as_role, demand, hp_org_user, hp_purchaser):
    q = questions.ask(demand=demand, by=hp_org_user, text="<script>alert(1)</script>")
    questions.act(question=q, action="answer", by=hp_purchaser, text="<b>不含</b>")
    page = as_role("visitor").get(f"/demands/{demand.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "&lt;b&gt;不含&lt;/b&gt;" in page


def test_at_most_three_pending_questions_per_organization_and_demand(demand, hp_org_user, xh_org_user):
    for i in range(questions.PENDING_LIMIT):
        questions.ask(demand=demand, by=hp_org_user, text=f"第 {i} 个问题")
    with pytest.raises(ServiceError, match="已有 3 个待答复的问题"):
        questions.ask(demand=demand, by=hp_org_user, text="第四个问题")
    # Another organization is not held back, and another account of the same one is.
    questions.ask(demand=demand, by=xh_org_user, text="另一个组织的问题")
    colleague = UserFactory(role="organization", organization=hp_org_user.organization)
    with pytest.raises(ServiceError):
        questions.ask(demand=demand, by=colleague, text="同事的问题")
    # Withdrawing one frees a place.
    first = Question.objects.filter(organization=hp_org_user.organization).first()
    questions.act(question=first, action="withdraw", by=hp_org_user)
    questions.ask(demand=demand, by=colleague, text="撤回一个后可以再问")


# --- answering and declining -------------------------------------------------------------------


@pytest.mark.parametrize("action", ["answer", "decline"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_demands_editor_answers_or_declines(as_role, pending, role, action):
    response = act(as_role(role), pending, action, "将在第二期开始前确定。")
    pending.refresh_from_db()
    if role == "hp_purchaser":
        assert response.status_code == 302
        assert pending.status == ("answered" if action == "answer" else "declined")
    else:
        assert response.status_code == (302 if role == "visitor" else 404)
        assert pending.status == "pending"


def test_an_imported_demand_is_answered_on_its_own_platform(hp_unit, hp_purchaser, xh_org_user):
    """`can_edit_demand`: a project from another platform is maintained there (R-INT-1)."""
    demand = DemandFactory(unit=hp_unit, source="上海市政府采购云平台", external_id="EXT-1")
    q = questions.ask(demand=demand, by=xh_org_user, text="问题")
    with pytest.raises(Exception) as refused:
        questions.act(question=q, action="answer", by=hp_purchaser, text="答复")
    assert refused.type.__name__ == "PermissionDenied"


def test_an_answer_tells_the_asker_and_the_interested_organizations(
    demand, pending, hp_purchaser, hp_org, hp_org_user, xh_org_user, city_org
):
    services.express(demand=demand, by=hp_org_user, note="我们有意承接")
    withdrawn = UserFactory(role="organization", organization=city_org)
    services.act(interest=services.express(demand=demand, by=withdrawn), action="withdraw", by=withdrawn)
    Notification.objects.all().delete()
    questions.act(question=pending, action="answer", by=hp_purchaser, text="包括独居老人。")
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {hp_org_user.username, xh_org_user.username}  # not the one that withdrew
    note = Notification.objects.get(recipient=hp_org_user)
    assert "包括独居老人。" in note.body and pending.text in note.body
    assert "xh" not in note.body and pending.organization.name not in note.body


def test_a_declined_questions_reason_is_for_the_asker_only(
    as_role, demand, pending, hp_purchaser, xh_org_user
):
    questions.act(question=pending, action="decline", by=hp_purchaser, text="与本项目无关")
    note = Notification.objects.get(recipient=xh_org_user)
    assert "与本项目无关" in note.body
    url = f"/demands/{demand.pk}/"
    assert "与本项目无关" in as_role("xh_org_user").get(url).content.decode()
    for role in ("visitor", "hp_org_user", "hp_purchaser", "hp_admin", "city_admin", "monitor"):
        page = as_role(role).get(url).content.decode()
        assert "与本项目无关" not in page and pending.text not in page, role


@pytest.mark.parametrize(
    "action, text, message",
    [
        ("answer", "", "请填写答复"),
        ("answer", "答" * 1001, "答复不能超过 1000 字"),
        ("answer", "卡号 6222020200112345679", "答复：含有疑似银行卡号"),
        ("decline", "", "请填写不予答复的原因"),
        ("decline", "内部资料不便公开", "不予答复的原因：含有“内部资料”"),
    ],
)
def test_a_bad_answer_or_reason_is_refused_and_nothing_changes(as_role, pending, action, text, message):
    client = as_role("hp_purchaser")
    response = act(client, pending, action, text)
    assert message in client.get(response["Location"]).content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.answer, pending.decline_reason) == ("pending", "", "")


def test_an_unknown_action_is_404(as_role, pending):
    assert act(as_role("hp_purchaser"), pending, "delete").status_code == 404
    assert as_role("hp_purchaser").get(f"/questions/{pending.pk}/answer/").status_code == 405


# --- withdrawing -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_asking_organization_withdraws(as_role, pending, role):
    response = act(as_role(role), pending, "withdraw")
    pending.refresh_from_db()
    if role == "xh_org_user":
        assert response.status_code == 302 and pending.status == "withdrawn"
    else:
        assert response.status_code == (302 if role == "visitor" else 404)
        assert pending.status == "pending"


def test_an_answered_question_cannot_be_withdrawn_or_answered_again(as_role, pending, hp_purchaser):
    questions.act(question=pending, action="answer", by=hp_purchaser, text="包括。")
    client = as_role("xh_org_user")
    response = act(client, pending, "withdraw")
    assert "已答复的问题不能再变更" in client.get(response["Location"]).content.decode()
    with pytest.raises(ServiceError, match="该问题已经答复"):
        questions.act(question=pending, action="answer", by=hp_purchaser, text="再答一次")
    pending.refresh_from_db()
    assert (pending.status, pending.answer) == ("answered", "包括。")


# --- the table and the history -----------------------------------------------------------------


def test_every_step_is_in_the_history_with_who_and_why(pending, hp_purchaser, xh_org_user):
    questions.act(question=pending, action="answer", by=hp_purchaser, text="包括。")
    steps = [
        (h.status, h.history_user, h.history_change_reason) for h in pending.history.order_by("history_id")
    ]
    assert steps == [("pending", xh_org_user, "社会组织提问"), ("answered", hp_purchaser, "购买主体答复")]


PAIRS = list(itertools.product((NEW, *questions.TABLE.states), questions.TABLE.actions))


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s or 'new'}:{a}" for s, a in PAIRS])
def test_every_state_and_action_is_allowed_or_refused_as_the_table_says(demand, hp_org, state, action):
    """As tests/portal/test_transitions.py does for the other records."""
    table = questions.TABLE
    if state is NEW:
        q = QuestionFactory.build(demand=demand, organization=hp_org, asked_by=UserFactory())
    else:
        q = QuestionFactory(demand=demand, organization=hp_org, status=state)
    by = UserFactory()
    before = None if q.pk is None else q.history.count()
    sources, target = table.actions[action]
    if state in sources:
        transitions.apply(table, q, action, by=by, reason="测试")
        fresh = Question.objects.get(pk=q.pk)
        assert fresh.status == target
        assert fresh.history.count() == (before or 0) + 1
        assert fresh.history.order_by("-history_id").first().history_user == by
    else:
        with pytest.raises(ServiceError) as refused:
            transitions.apply(table, q, action, by=by, reason="测试")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
        if q.pk is None:
            assert q.pk is None and not Question.objects.exists()
        else:
            fresh = Question.objects.get(pk=q.pk)
            assert (fresh.status, fresh.history.count()) == (state, before)
