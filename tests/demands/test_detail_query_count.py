"""需求详情 costs a fixed number of queries whatever the demand holds (issue 15: the bench counted
3 to 10 over 200 random demands): a visitor's page of a published demand, and of an awarded or
evaluated one, each pinned with a demand that holds nothing and one that holds everything
(承接意向, 公开答疑 answered and pending, organizations already shown, an award, an evaluation and a
purchaser recommendation). Each role that sees more is pinned too. A closed demand costs fewer than a
published one because 可能合适的社会组织 (two queries and the record of what it showed) is only
shown while a demand is published: equal counts across statuses would mean running those queries
for nothing."""

import pytest

from matching import questions, services
from matching.models import SuggestionShown
from tests.factories import DemandFactory, PurchaserRecommendationFactory
from tests.matching.conftest import awarded, category, member, offer
from tests.matching.test_ranking import org

pytestmark = pytest.mark.django_db

# The demand, 可能合适的社会组织 (one query ranks the organizations on the offers and the awards of
# its category, grouped and scored in the database; then the finalists), the record of the
# organizations shown (one INSERT) and 公开答疑 (6 while offers and awards were two queries).
PUBLISHED = 5
# The demand with whether it has 承接意向 (only then is the block shown once it is closed), 公开答疑.
CLOSED = 2


@pytest.fixture
def market(xh_unit):
    """Twelve organizations offering the demands' category (so the search does not widen), some
    with awards, evaluations, directory membership and purchaser recommendations."""
    for i in range(12):
        o = org(f"机构{i}")
        offer(o, "0101")
        if i % 2:
            awarded(o, xh_unit, "0101", grade="good" if i % 4 == 1 else "")
            member(o)
        if i % 3 == 0:
            PurchaserRecommendationFactory(
                organization=o, demand=awarded(o, xh_unit, "0101", grade="excellent")
            )


def visit(client, demand, django_assert_num_queries, expected):
    url = f"/demands/{demand.pk}/"
    client.get(url)  # per-process caches
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def held(demand, hp_purchaser, org_users):
    for user in org_users:
        services.express(demand=demand, by=user, note="我们有同类项目经验。")
        q = questions.ask(demand=demand, by=user, text="服务对象是否包括独居老人？")
        questions.act(question=q, action="answer", by=hp_purchaser, text="包括，约占三成。")
    questions.ask(demand=demand, by=org_users[0], text="能否分两期实施？")


def test_a_published_demand_costs_the_same_holding_nothing_or_everything(
    client, market, hp_unit, hp_purchaser, hp_org_user, xh_org_user, django_assert_num_queries
):
    empty = DemandFactory(unit=hp_unit, category=category("0101"), title="什么都没有的需求")
    page = visit(client, empty, django_assert_num_queries, PUBLISHED)
    assert "可能合适的社会组织" in page and "机构" in page

    full = DemandFactory(unit=hp_unit, category=category("0101"), title="什么都有的需求")
    held(full, hp_purchaser, [hp_org_user, xh_org_user])
    visit(client, full, django_assert_num_queries, PUBLISHED)
    assert SuggestionShown.objects.filter(demand=full).count() == 10  # shown before: nothing new to write
    visit(client, full, django_assert_num_queries, PUBLISHED)


def test_an_awarded_or_evaluated_demand_costs_the_same_holding_nothing_or_everything(
    client, market, hp_unit, hp_org, hp_purchaser, hp_org_user, xh_org_user, django_assert_num_queries
):
    bare = awarded(hp_org, hp_unit, "0101", title="只有承接方的需求")
    visit(client, bare, django_assert_num_queries, CLOSED)

    full = DemandFactory(unit=hp_unit, category=category("0101"), title="什么都有的需求")
    held(full, hp_purchaser, [hp_org_user, xh_org_user])
    client.get(f"/demands/{full.pk}/")  # organizations shown while it was open
    full.status, full.awarded_org = "awarded", hp_org
    full.save()
    visit(client, full, django_assert_num_queries, CLOSED)
    full.status, full.eval_grade = "evaluated", "excellent"
    full.save()
    PurchaserRecommendationFactory(organization=hp_org, demand=full)
    page = visit(client, full, django_assert_num_queries, CLOSED)
    assert "可能合适的社会组织" not in page


def test_a_demand_cancelled_after_publication_costs_the_closed_count(
    client, market, hp_unit, hp_purchaser, hp_org_user, xh_org_user, django_assert_num_queries
):
    full = DemandFactory(unit=hp_unit, category=category("0101"), title="取消了的需求")
    held(full, hp_purchaser, [hp_org_user, xh_org_user])
    full.status, full.cancel_reason = "cancelled", "预算调整"
    full.save()
    page = visit(client, full, django_assert_num_queries, CLOSED)
    assert "取消原因：预算调整" in page and "可能合适的社会组织" not in page
    assert 'id="interest-title"' in page  # it has 承接意向: the block stays, read with the demand


def test_a_closed_demand_without_interests_shows_no_interest_block(
    client, market, hp_unit, hp_org, django_assert_num_queries
):
    bare = awarded(hp_org, hp_unit, "0101", title="只有承接方的需求")
    page = visit(client, bare, django_assert_num_queries, CLOSED)
    assert 'id="interest-title"' not in page


# Each role that sees more than a visitor, on a published demand and on a closed one, whatever the
# demand holds. Logged in, every page reads the session, the user and the 站内信 count, and the
# demand's history (4 more than a visitor). The demand's purchaser unit and the administrators over it
# read the 承接意向 with contacts, also on a closed demand that has none (then the block stays hidden):
# one query. An organization reads its own organization and its own 承接意向, and its public offers
# while it may still express one (2 and 3). One imported from another platform costs the same.
ROLE_COUNTS = {
    "visitor": (PUBLISHED, CLOSED),
    "xh_purchaser": (PUBLISHED + 4, CLOSED + 4),
    "monitor": (PUBLISHED + 4, CLOSED + 4),
    "hp_purchaser": (PUBLISHED + 5, CLOSED + 5),
    "hp_admin": (PUBLISHED + 5, CLOSED + 5),
    "city_admin": (PUBLISHED + 5, CLOSED + 5),
    "hp_org_user": (PUBLISHED + 7, CLOSED + 6),
    "xh_org_user": (PUBLISHED + 7, CLOSED + 6),
}


@pytest.mark.parametrize("role", list(ROLE_COUNTS))
def test_each_role_costs_the_same_on_every_demand_of_a_status_whatever_it_holds(
    role, as_role, market, hp_unit, hp_org, hp_purchaser, hp_org_user, xh_org_user, django_assert_num_queries
):
    published, closed_count = ROLE_COUNTS[role]
    empty = DemandFactory(unit=hp_unit, category=category("0101"), title="什么都没有的需求")
    full = DemandFactory(unit=hp_unit, category=category("0101"), title="什么都有的需求")
    held(full, hp_purchaser, [hp_org_user, xh_org_user])
    imported = DemandFactory(
        unit=hp_unit, category=category("0101"), source="民政局项目库", external_id="MZ-2026-001"
    )
    bare = awarded(hp_org, hp_unit, "0101", title="只有承接方的需求")
    closed = DemandFactory(unit=hp_unit, category=category("0101"), title="评价过的需求")
    held(closed, hp_purchaser, [hp_org_user, xh_org_user])
    closed.status, closed.awarded_org, closed.eval_grade = "evaluated", hp_org, "excellent"
    closed.save()
    PurchaserRecommendationFactory(organization=hp_org, demand=closed)

    client = as_role(role)
    for demand in (empty, full, imported):
        visit(client, demand, django_assert_num_queries, published)
    page = visit(client, imported, django_assert_num_queries, published)
    assert "来源：民政局项目库" in page and "可能合适的社会组织" in page
    page = visit(client, bare, django_assert_num_queries, closed_count)
    assert 'id="interest-title"' not in page  # none expressed: hidden, for those who read the list too
    page = visit(client, closed, django_assert_num_queries, closed_count)
    assert 'id="interest-title"' in page and "可能合适的社会组织" not in page
    if role in ("hp_purchaser", "hp_admin", "city_admin"):
        assert "我们有同类项目经验。" in page  # the 承接意向 with their notes, read in that one query
