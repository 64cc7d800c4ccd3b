"""公开答疑 on the demand's page (issue 13 §6): the answered questions for everyone and never who
asked; the pending ones with the answer forms for the purchaser; its own ones (with a declined
question's reason) for the asking organization; empty states; one query for the section whatever
the number of questions and the role."""

import pytest

from demands import services as demand_services
from matching import questions
from tests.factories import DemandFactory
from tests.html import select
from tests.html import text_of as folded_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand(hp_unit):
    return DemandFactory(unit=hp_unit, title="南京东路居家养老项目")


@pytest.fixture
def answered(demand, xh_org_user, hp_purchaser):
    q = questions.ask(demand=demand, by=xh_org_user, text="服务对象是否包括独居老人？")
    return questions.act(question=q, action="answer", by=hp_purchaser, text="包括，约占三成。")


def section(client, demand):
    response = client.get(f"/demands/{demand.pk}/")
    assert response.status_code == 200
    found = select(response, "#questions")
    return found[0] if found else None


def text_of(node):
    return folded_text(node) if node is not None else ""


@pytest.mark.parametrize(
    "role",
    [
        "visitor",
        "hp_purchaser",
        "xh_purchaser",
        "hp_org_user",
        "xh_org_user",
        "hp_admin",
        "city_admin",
        "monitor",
    ],
)
def test_everyone_sees_the_answered_question_without_who_asked(as_role, demand, answered, xh_org, role):
    node = section(as_role(role), demand)
    shown = text_of(node)
    assert "服务对象是否包括独居老人？" in shown and "包括，约占三成。" in shown
    html = as_role(role).get(f"/demands/{demand.pk}/").content.decode()
    assert xh_org.name not in html and xh_org.uscc not in html
    # Only the asking organization is told that the question was its own.
    assert ("贵组织的提问" in shown) is (role == "xh_org_user")


def test_empty_states(as_role, demand):
    assert "尚无已答复的问题" in text_of(section(as_role("visitor"), demand))
    assert "登录" in text_of(section(as_role("visitor"), demand))
    purchaser = text_of(section(as_role("hp_purchaser"), demand))
    assert "没有待答复的问题" in purchaser and "我要提问" not in purchaser
    assert "我要提问" in text_of(section(as_role("hp_org_user"), demand))


def test_the_purchaser_sees_pending_questions_with_the_answer_and_decline_forms(as_role, demand, xh_org_user):
    q = questions.ask(demand=demand, by=xh_org_user, text="能否分两期实施？")
    node = section(as_role("hp_purchaser"), demand)
    assert "能否分两期实施？" in text_of(node) and "待答复的问题（1 个）" in text_of(node)
    actions = {f.get("action") for f in node.cssselect("form")}
    assert actions == {f"/questions/{q.pk}/answer/", f"/questions/{q.pk}/decline/"}
    # Another unit's purchaser and the administrators do not see it.
    for role in ("xh_purchaser", "hp_admin", "city_admin", "visitor", "hp_org_user"):
        assert "能否分两期实施？" not in text_of(section(as_role(role), demand)), role


def test_the_asker_sees_its_pending_question_and_can_withdraw_it(as_role, demand, xh_org_user):
    q = questions.ask(demand=demand, by=xh_org_user, text="能否分两期实施？")
    node = section(as_role("xh_org_user"), demand)
    assert "待答复" in text_of(node)
    assert f"/questions/{q.pk}/withdraw/" in {f.get("action") for f in node.cssselect("form")}


def test_no_section_on_a_draft(as_role, hp_unit):
    draft = DemandFactory(unit=hp_unit, status="draft")
    assert section(as_role("hp_purchaser"), draft) is None


def test_a_cancelled_demand_keeps_its_answers_and_takes_no_new_questions(
    as_role, demand, answered, hp_purchaser
):
    demand_services.demand_cancel(demand=demand, by=hp_purchaser, reason="实施条件变化")
    node = section(as_role("hp_org_user"), demand)
    assert "包括，约占三成。" in text_of(node) and "我要提问" not in text_of(node)


# The whole page, pinned per role: the section is one query of these (questions.for_page). The
# demand's category has no offers and no awards: 可能合适的社会组织 is its one ranking query (three
# before issue 15: the offers, the offers of its field, the awards), and nobody to record as shown.
PAGE_QUERIES = {"visitor": 3, "hp_purchaser": 8, "xh_org_user": 10}


@pytest.mark.parametrize("role", sorted(PAGE_QUERIES))
def test_the_section_costs_one_query_whatever_the_number_of_questions(
    as_role, demand, xh_org_user, hp_purchaser, role, django_assert_num_queries
):
    client = as_role(role)
    url = f"/demands/{demand.pk}/"
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES[role]):
        client.get(url)
    for i in range(3):
        q = questions.ask(demand=demand, by=xh_org_user, text=f"问题 {i}")
        questions.act(question=q, action="answer", by=hp_purchaser, text=f"答复 {i}")
    questions.ask(demand=demand, by=xh_org_user, text="待答复的问题")
    with django_assert_num_queries(PAGE_QUERIES[role]):
        client.get(url)
