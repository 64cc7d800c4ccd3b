"""Where the suggestions appear (issue 13 §3): 可能合适的社会组织 on a published demand's page,
可能匹配的需求 on a public offer's page and on an organization's 工作台; a listed organization
neither appears nor is offered demands; the block's query count is pinned."""

import pytest

from tests.factories import DemandFactory
from tests.matching.conftest import category, offer

pytestmark = pytest.mark.django_db


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def demand(hp_unit):
    return DemandFactory(unit=hp_unit, category=category("0101"), title="南京东路居家养老项目")


def test_a_published_demand_suggests_organizations_with_their_reasons(client, demand, hp_org, xh_org):
    offer(hp_org, "0101")
    offer(xh_org, "0101", districts="310104")
    page = html(client, f"/demands/{demand.pk}/")
    assert "可能合适的社会组织" in page
    assert f'href="/organizations/{hp_org.pk}/"' in page
    assert "同类服务项目 1 个 · 服务区域覆盖黄浦区" in page
    assert "徐汇区</span>" in page  # the other district's organization is marked


def test_an_awarded_demand_suggests_nobody(client, demand, hp_org):
    offer(hp_org, "0101")
    demand.status, demand.awarded_org = "awarded", hp_org
    demand.save()
    assert "可能合适的社会组织" not in html(client, f"/demands/{demand.pk}/")


def test_a_listed_organization_is_not_on_the_demands_page(login, demand, hp_org, xh_purchaser, list_serious):
    offer(hp_org, "0101")
    list_serious(hp_org)
    page = html(login(xh_purchaser), f"/demands/{demand.pk}/")
    assert "可能合适的社会组织" in page and hp_org.name not in page


def test_an_offer_page_suggests_matching_open_demands(client, demand, hp_org):
    o = offer(hp_org, "0101", title="乐龄居家照护")
    page = html(client, f"/offerings/{o.pk}/")
    assert "可能匹配的需求" in page and "南京东路居家养老项目" in page
    assert "与“乐龄居家照护”同类" in page


def test_the_organizations_workbench_suggests_demands(login, demand, hp_org, hp_org_user):
    offer(hp_org, "0101")
    page = html(login(hp_org_user), "/workbench/")
    assert "可能匹配的需求" in page and "南京东路居家养老项目" in page


def test_a_listed_organizations_workbench_offers_no_demands(login, demand, hp_org, hp_org_user, list_serious):
    offer(hp_org, "0101")
    list_serious(hp_org)
    page = html(login(hp_org_user), "/workbench/")
    assert "南京东路居家养老项目" not in page
    assert "暂不推荐需求" in page


@pytest.mark.parametrize("role", ["hp_purchaser", "monitor", "hp_admin"])
def test_other_roles_workbench_has_no_demand_suggestions(request, login, demand, role):
    assert "可能匹配的需求" not in html(login(request.getfixturevalue(role)), "/workbench/")


def test_the_demand_page_with_its_suggestions_costs_a_fixed_number_of_queries(
    client, demand, hp_org, xh_org, django_assert_num_queries
):
    offer(hp_org, "0101")
    url = f"/demands/{demand.pk}/"
    html(client, url)
    # The demand + the block's two (the ranking, widened to its field in the same query when the
    # category is thin, and the finalists) + the record of the organizations shown (one INSERT,
    # issue 13 §7) + 公开答疑 (one query, §6): 5 (7 while the ranking read offers and awards apart).
    with django_assert_num_queries(5):
        html(client, url)
    for i in range(4):
        offer(xh_org, "0101", title=f"更多{i}")
        offer(hp_org, "0103", title=f"同领域{i}")
    with django_assert_num_queries(5):
        html(client, url)
