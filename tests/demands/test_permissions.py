"""Who may see and change which demand, role by role, through the URLs people (or scripts) can call.

Requirements pinned here:
- R-ROLE-3: only the purchaser unit that owns a demand publishes and maintains it.
- R-ROLE-1/2: the city administrator sees every draft; a district administrator sees its district's
  drafts; administrators read demands in the admin site but never change or add them there.
- R-ACC-4: published demands are public.
- R-ACC-5: every rule holds on the server; anything out of a user's reach answers 404 (or the admin
  site's own refusal), never the data, and a refused POST changes nothing.
"""

import pytest
from django.utils import timezone

from accounts.models import Role
from demands import services
from demands.models import Demand, Status
from tests import admin_pages
from tests.demands.lifecycle_helpers import snapshot
from tests.factories import DemandFactory, UserFactory
from tests.helpers import assert_login_redirect
from tests.html import text

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "hp_purchaser",
    "xh_purchaser",
    "hp_org_user",
    "monitor",
    "hp_admin",
    "xh_admin",
    "city_admin",
]
ACTIONS = ["edit", "publish", "cancel", "award", "evaluate"]


@pytest.fixture
def demands(hp_unit, xh_unit):
    return {
        "hp_draft": DemandFactory(unit=hp_unit, title="黄浦区草稿：老年助餐点运营", status=Status.DRAFT),
        "hp_published": DemandFactory(unit=hp_unit, title="黄浦区已发布：认知症照护服务"),
        "xh_draft": DemandFactory(unit=xh_unit, title="徐汇区草稿：助残康复服务", status=Status.DRAFT),
        "xh_published": DemandFactory(unit=xh_unit, title="徐汇区已发布：青少年成长服务"),
    }


# --- the detail page ------------------------------------------------------------------------------------

DRAFT_READERS = {"hp_purchaser", "hp_admin", "city_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_opens_only_for_its_unit_its_district_admin_and_the_city(as_role, demands, role):
    """R-ACC-5, R-ROLE-1/2/3: a 黄浦区 draft is 404 for everyone but its unit, 黄浦区 and the city."""
    demand = demands["hp_draft"]
    response = as_role(role).get(f"/demands/{demand.pk}/")
    if role in DRAFT_READERS:
        assert response.status_code == 200
        assert demand.title in text(response)
    else:  # a visitor is asked to log in (a link in an e-mail), everyone else gets 404
        assert response.status_code == (302 if role == "visitor" else 404)
        assert demand.title not in text(response)


@pytest.mark.parametrize("role", ROLES)
def test_a_published_demand_opens_for_everyone(as_role, demands, role):
    """R-ACC-4: published demands are public."""
    demand = demands["hp_published"]
    response = as_role(role).get(f"/demands/{demand.pk}/")
    assert response.status_code == 200
    assert demand.title in text(response)


@pytest.mark.parametrize("role", ["visitor", "xh_purchaser", "hp_org_user", "monitor", "xh_admin"])
def test_a_draft_cancelled_before_it_was_published_stays_private(as_role, demands, hp_purchaser, role):
    """R-ACC-4, R-ACC-5: cancelling a draft must not publish it: what was never public (its content,
    its contacts) stays hidden from everyone who could not see the draft, on its page and in the
    listing's 已取消 filter."""
    demand = demands["hp_draft"]
    services.demand_cancel(demand=demand, by=hp_purchaser, reason="重复录入，作废")
    client = as_role(role)

    response = client.get(f"/demands/{demand.pk}/")
    assert response.status_code == (302 if role == "visitor" else 404)  # visitors: the login page
    assert demand.title not in text(response)
    assert demand.title not in text(client.get("/demands/", {"status": "cancelled"}))


def test_a_missing_demand_is_404(as_role, demands):
    """R-ACC-5: a missing record and a hidden one look the same."""
    assert as_role("city_admin").get("/demands/999999/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_action_buttons_show_only_to_the_owning_unit(as_role, demands, role):
    """R-ROLE-3: 调整/取消/补录 links appear only for the purchaser who may use them."""
    demand = demands["hp_published"]
    page = text(as_role(role).get(f"/demands/{demand.pk}/"))
    assert (f"/demands/{demand.pk}/edit/" in page) is (role == "hp_purchaser")
    assert (f"/demands/{demand.pk}/cancel/" in page) is (role == "hp_purchaser")


# --- edit, publish, cancel, award, evaluate ----------------------------------------------------------------


def post_data(action, demand, org):
    """A request that would succeed for the owner, so a refusal cannot come from bad data."""
    today = timezone.localdate().isoformat()
    if action == "edit":
        return {
            "title": "被他人篡改的标题",
            "budget": "380000",
            "category": str(demand.category_id),
            "purchase_type": str(demand.purchase_type_id),
            "orientation": demand.orientation,
            "service_targets": demand.service_targets,
            "district": str(demand.district_id),
            "period_start": demand.period_start.isoformat(),
            "period_end": demand.period_end.isoformat(),
            "year": str(demand.year),
            "plan_type": demand.plan_type,
            "qualification": demand.qualification,
            "contact_person": "他人",
            "contact_phone": "021-00000000",
            "reason": "越权调整",
            "action": "publish",
        }
    if action == "cancel":
        return {"reason": "越权取消"}
    if action == "award":
        return {"organization": str(org.pk), "amount": "300000", "awarded_on": today}
    if action == "evaluate":
        return {"grade": "fail", "score": "10", "summary": "越权评价", "evaluated_on": today}
    return {}


OUTSIDERS = [r for r in ROLES if r != "hp_purchaser"]


@pytest.mark.parametrize("kind", ["hp_draft", "hp_published"])
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", OUTSIDERS)
def test_only_the_owning_unit_reaches_the_action_urls(as_role, demands, hp_org, role, action, kind):
    """R-ROLE-3, R-ACC-5: every other user gets 404 (visitors: the login page) on GET and POST, and the
    demand and its history are untouched."""
    demand = demands[kind]
    before = snapshot(demand)
    client = as_role(role)
    url = f"/demands/{demand.pk}/{action}/"

    for method in ("get", "post"):
        response = getattr(client, method)(
            url, post_data(action, demand, hp_org) if method == "post" else None
        )
        if role == "visitor":
            assert_login_redirect(response)
        elif action == "publish" and method == "get":
            assert response.status_code == 405  # POST only, for everyone: reveals nothing
        else:
            assert response.status_code == 404
        assert demand.title not in text(response)
    assert snapshot(demand) == before


@pytest.mark.parametrize(
    ("action", "kind", "status"),
    [
        ("edit", "hp_draft", 200),
        ("edit", "hp_published", 200),
        ("publish", "hp_draft", 405),  # POST only: a link cannot publish
        ("cancel", "hp_draft", 200),
        ("cancel", "hp_published", 200),
        ("award", "hp_published", 200),
    ],
)
def test_the_owning_unit_opens_its_action_pages(login, hp_purchaser, demands, action, kind, status):
    """R-ROLE-3: the positive twin of the 404s above."""
    demand = demands[kind]
    response = login(hp_purchaser).get(f"/demands/{demand.pk}/{action}/")
    assert response.status_code == status


def test_the_owning_unit_can_post_a_cancel_where_another_unit_cannot(
    login, hp_purchaser, xh_purchaser, demands
):
    """R-ROLE-3, R-ACC-5: the same POST that 徐汇区 gets 404 for works for the owning 黄浦区 unit."""
    demand = demands["hp_published"]
    url = f"/demands/{demand.pk}/cancel/"
    assert login(xh_purchaser).post(url, {"reason": "越权取消"}).status_code == 404
    assert Demand.objects.get(pk=demand.pk).status == Status.PUBLISHED

    assert login(hp_purchaser).post(url, {"reason": "实施条件变化"}).status_code == 302
    assert Demand.objects.get(pk=demand.pk).status == Status.CANCELLED


def test_a_colleague_of_the_same_unit_maintains_the_demand_too(login, hp_unit, demands):
    """R-ROLE-3: demands belong to the unit, not to the person who typed them."""
    colleague = UserFactory(username="hp_buyer2", role=Role.PURCHASER, purchaser_unit=hp_unit)
    demand = demands["hp_draft"]
    response = login(colleague).post(f"/demands/{demand.pk}/publish/")
    assert response.status_code == 302
    assert Demand.objects.get(pk=demand.pk).status == Status.PUBLISHED


# --- 我的需求 and 发布需求 ---------------------------------------------------------------------------------


def test_my_demands_lists_only_the_users_own_unit(login, hp_purchaser, xh_purchaser, demands):
    """R-ROLE-3, R-ACC-5: 我的需求 holds the unit's drafts and published demands, nobody else's."""
    page = text(login(hp_purchaser).get("/demands/mine/"))
    assert demands["hp_draft"].title in page
    assert demands["hp_published"].title in page
    assert demands["xh_draft"].title not in page
    assert demands["xh_published"].title not in page

    page = text(login(xh_purchaser).get("/demands/mine/"))
    assert demands["xh_draft"].title in page
    assert demands["hp_draft"].title not in page
    assert demands["hp_published"].title not in page


@pytest.mark.parametrize("role", ["hp_org_user", "monitor", "hp_admin", "city_admin"])
def test_my_demands_is_403_for_non_purchasers(as_role, demands, role):
    """R-ROLE-3: only purchaser users have a 我的需求."""
    response = as_role(role).get("/demands/mine/")
    assert response.status_code == 403
    assert demands["hp_draft"].title not in text(response)


def test_my_demands_sends_visitors_to_log_in(client):
    """R-ACC-5: anonymous users are asked to log in."""
    assert_login_redirect(client.get("/demands/mine/"))


@pytest.mark.parametrize(
    "role", ["hp_org_user", "xh_org_user", "monitor", "hp_admin", "xh_admin", "city_admin"]
)
def test_new_demand_is_403_for_non_purchasers(as_role, role, huangpu):
    """R-ROLE-3: only purchaser users publish demands; a POST creates nothing either."""
    client = as_role(role)
    assert client.get("/demands/new/").status_code == 403
    response = client.post(
        "/demands/new/", {"title": "越权发布", "action": "publish", "district": huangpu.pk}
    )
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_new_demand_sends_visitors_to_log_in(client):
    """R-ACC-5: anonymous users are asked to log in, for GET and POST."""
    for response in (client.get("/demands/new/"), client.post("/demands/new/", {"title": "匿名发布"})):
        assert_login_redirect(response)
    assert not Demand.objects.exists()


def test_new_demand_opens_for_purchasers(login, hp_purchaser):
    """R-ROLE-3: the positive twin."""
    assert login(hp_purchaser).get("/demands/new/").status_code == 200


# --- the admin site: scoped and read-only -----------------------------------------------------------------

ADMIN_LIST = "/admin/demands/demand/"
NOT_FOUND_MESSAGE = "不存在"


def admin_change(demand):
    return f"/admin/demands/demand/{demand.pk}/change/"


def test_a_district_admin_lists_its_districts_demands_drafts_included(login, hp_admin, demands):
    """R-ROLE-2, R-ACC-5: 黄浦区 sees its drafts and published demands, nothing of 徐汇区."""
    response = login(hp_admin).get(ADMIN_LIST)
    assert response.status_code == 200
    page = text(response)
    assert demands["hp_draft"].title in page
    assert demands["hp_published"].title in page
    assert demands["xh_draft"].title not in page
    assert demands["xh_published"].title not in page


def test_the_city_admin_lists_every_districts_demands(login, city_admin, demands):
    """R-ROLE-1: the city sees all of them."""
    page = text(login(city_admin).get(ADMIN_LIST))
    for demand in demands.values():
        assert demand.title in page


@pytest.mark.parametrize("view", ["change", "history"])
def test_another_districts_admin_cannot_open_a_draft_in_the_admin_site(login, xh_admin, demands, view):
    """R-ACC-5: 徐汇区 cannot open a 黄浦区 draft's admin pages; the title never shows."""
    demand = demands["hp_draft"]
    admin_pages.assert_refused(
        login(xh_admin),
        f"/admin/demands/demand/{demand.pk}/{view}/",
        demand.title,
        then_says=NOT_FOUND_MESSAGE,
    )


def test_a_district_admin_reads_its_own_draft_in_the_admin_site(login, hp_admin, demands):
    """R-ROLE-2: the positive twin: 黄浦区 opens the same page, read-only (no save button)."""
    demand = demands["hp_draft"]
    admin_pages.assert_read_only(login(hp_admin), admin_change(demand), demand.title)


@pytest.mark.parametrize("role", ["hp_admin", "city_admin"])
def test_nobody_changes_or_adds_demands_in_the_admin_site(as_role, demands, role):
    """R-GEN-2, R-ROLE-3: changes go through the purchaser's pages and their history; the admin site
    refuses an add page and a change POST, and the demand stays as it was."""
    client = as_role(role)
    data = {"title": "管理员改过的标题", "status": "published"}
    admin_pages.assert_refuses_changes(client, ADMIN_LIST, demands["hp_draft"], data, snapshot)
    assert "/admin/demands/demand/add/" not in text(client.get(ADMIN_LIST))


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_org_user", "monitor"])
def test_non_administrators_never_reach_the_demand_admin(as_role, demands, role):
    """R-ACC-5: the admin site is for administrators only."""
    draft = demands["hp_draft"]
    admin_pages.assert_closed(as_role(role), (ADMIN_LIST, admin_change(draft)), draft.title)
