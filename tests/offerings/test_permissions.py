"""Who may see and change which offer, role by role, through the URLs people (or scripts) can call.

Requirements pinned here:
- R-ROLE-4: only the organization that owns an offer publishes and maintains it.
- R-ACC-4: published offers are public; drafts and withdrawn offers are not.
- R-ACC-5: every rule holds on the server: anything out of a user's reach answers 404 (or 403 for a
  page of another role, or the admin site's own refusal), never the data, and a refused POST changes
  nothing; the admin site shows a district administrator the offers of the organizations registered
  in its district only, and nobody changes offers there.
"""

import pytest
from django.urls import reverse

from offerings.models import Offering, Status
from portal.models import ImportBatch
from tests import admin_pages
from tests.factories import OfferingFactory, SocialOrganizationFactory
from tests.helpers import assert_login_redirect
from tests.html import text
from tests.offerings.excel_helpers import good_rows, sheet_rows, upload
from tests.offerings.helpers import edit_form, offering_form, snapshot

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "hp_org_user",
    "hp_colleague",
    "xh_org_user",
    "hp_purchaser",
    "monitor",
    "hp_admin",
    "xh_admin",
    "city_admin",
]
OWNERS = {"hp_org_user", "hp_colleague"}


@pytest.fixture
def offers(hp_org, xh_org):
    """One offer of each status for the 黄浦区 organization, and a published one for 徐汇区."""
    return {
        "hp_draft": OfferingFactory(organization=hp_org, title="黄浦草稿：长者助餐", status=Status.DRAFT),
        "hp_published": OfferingFactory(organization=hp_org, title="黄浦已发布：认知症照护"),
        "hp_withdrawn": OfferingFactory(
            organization=hp_org, title="黄浦已下架：老年大学", status=Status.WITHDRAWN
        ),
        "xh_published": OfferingFactory(organization=xh_org, title="徐汇已发布：助残康复"),
    }


# --- the detail page ---------------------------------------------------------------------------------------

HIDDEN_READERS = {"hp_org_user", "hp_colleague", "hp_admin", "city_admin"}


@pytest.mark.parametrize("key", ["hp_draft", "hp_withdrawn"])
@pytest.mark.parametrize("role", ROLES)
def test_a_draft_or_withdrawn_offer_opens_only_for_its_organization_its_district_admin_and_the_city(
    as_role, offers, role, key
):
    """R-ACC-4, R-ACC-5: 404 for everyone else, and the title never shows."""
    offering = offers[key]
    response = as_role(role).get(f"/offerings/{offering.pk}/")

    if role in HIDDEN_READERS:
        assert response.status_code == 200
        assert offering.title in text(response)
    elif key == "hp_withdrawn":  # once public: an old link says 已下架 with the date (issue 18)
        assert response.status_code == 200
        assert "已下架" in text(response) and offering.summary not in text(response)
    else:  # a visitor is asked to log in (a link in an e-mail), everyone else gets 404
        assert response.status_code == (302 if role == "visitor" else 404)
        assert offering.title not in text(response)


@pytest.mark.parametrize("role", ROLES)
def test_a_published_offer_opens_for_everyone(as_role, offers, role):
    """R-ACC-4."""
    response = as_role(role).get(f"/offerings/{offers['hp_published'].pk}/")
    assert response.status_code == 200


def test_a_draft_of_a_city_registered_organization_is_hidden_from_district_admins(as_role, huangpu):
    """R-ACC-5: an organization registered by the city (no registration district) is the city's alone,
    even though it is located in 黄浦区."""
    org = SocialOrganizationFactory(name="上海市益心公益基金会", registration_district=None, district=huangpu)
    draft = OfferingFactory(organization=org, status=Status.DRAFT)

    assert as_role("hp_admin").get(f"/offerings/{draft.pk}/").status_code == 404
    assert as_role("city_admin").get(f"/offerings/{draft.pk}/").status_code == 200


def test_an_unknown_offer_is_not_found(as_role, offers):
    assert as_role("hp_org_user").get("/offerings/999999/").status_code == 404
    assert as_role("visitor").get("/offerings/999999/").status_code == 404


# --- edit, publish, withdraw ---------------------------------------------------------------------------------

ACTIONS = {
    "edit": lambda offering: edit_form(offering, title="被别人改过的名称"),
    "publish": lambda offering: {},
    "withdraw": lambda offering: {},
}


@pytest.mark.parametrize("key", ["hp_draft", "hp_published", "hp_withdrawn"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", [r for r in ROLES if r not in OWNERS])
def test_only_the_owning_organization_reaches_the_edit_publish_and_withdraw_urls(
    as_role, offers, role, action, key
):
    """R-ROLE-4, R-ACC-5: others get 404 (visitors the login page) on GET and POST; nothing changes."""
    offering = offers[key]
    before = snapshot(offering)
    client = as_role(role)
    url = f"/offerings/{offering.pk}/{action}/"

    get = client.get(url)
    post = client.post(url, ACTIONS[action](offering))

    if role == "visitor":
        assert_login_redirect(get)
        assert_login_redirect(post)
    else:
        # publish and withdraw accept POST only: a GET is refused (405) before anything is looked up.
        assert get.status_code == (404 if action == "edit" else 405)
        assert post.status_code == 404
        assert offering.title not in text(get) + text(post)
    assert snapshot(offering) == before


@pytest.mark.parametrize("role", sorted(OWNERS))
def test_every_user_of_the_owning_organization_reaches_them(as_role, offers, role):
    """R-ROLE-4: the positive twin: both accounts of 黄浦区's organization may edit and withdraw."""
    offering = offers["hp_published"]
    client = as_role(role)

    assert client.get(f"/offerings/{offering.pk}/edit/").status_code == 200
    assert client.post(f"/offerings/{offering.pk}/withdraw/").status_code == 302
    offering.refresh_from_db()
    assert offering.status == Status.WITHDRAWN


def test_an_organization_cannot_touch_another_organizations_offer(as_role, offers):
    """R-ACC-5: 徐汇区's organization editing 黄浦区's offer by its number gets 404, the offer is unchanged."""
    offering = offers["hp_published"]
    before = snapshot(offering)
    client = as_role("xh_org_user")

    assert (
        client.post(f"/offerings/{offering.pk}/edit/", edit_form(offering, title="改名")).status_code == 404
    )
    assert client.post(f"/offerings/{offering.pk}/withdraw/").status_code == 404
    assert snapshot(offering) == before


# --- creating -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["hp_purchaser", "monitor", "hp_admin", "city_admin"])
def test_the_new_offer_page_is_forbidden_to_other_roles(as_role, offers, role):
    """R-ROLE-4, R-ACC-5: 403 for purchasers, administrators and the monitor, and a POST saves nothing."""
    client = as_role(role)
    count = Offering.objects.count()

    assert client.get("/offerings/new/").status_code == 403
    assert client.post("/offerings/new/", {**offering_form(), "action": "publish"}).status_code == 403
    assert Offering.objects.count() == count


def test_visitors_are_sent_to_the_login_page_from_the_new_offer_page(client, offers):
    """R-ACC-5."""
    assert_login_redirect(client.get("/offerings/new/"))
    assert_login_redirect(client.post("/offerings/new/", {**offering_form(), "action": "publish"}))
    assert Offering.objects.count() == len(offers)


def test_an_organization_user_opens_the_new_offer_page(as_role):
    assert as_role("hp_org_user").get("/offerings/new/").status_code == 200


# --- the organization's own pages: mine, export, bulk upload ------------------------------------------------

ORG_PAGES = ["offerings:mine", "offerings:export", "offerings:import", "offerings:import_template"]


@pytest.mark.parametrize("url_name", ORG_PAGES)
@pytest.mark.parametrize("role", ["hp_purchaser", "monitor", "hp_admin", "city_admin"])
def test_the_organizations_own_pages_are_forbidden_to_other_roles(as_role, offers, role, url_name):
    """R-ACC-5."""
    assert as_role(role).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", ORG_PAGES)
def test_visitors_are_sent_to_the_login_page_from_the_organizations_pages(client, offers, url_name):
    assert_login_redirect(client.get(reverse(url_name)))


def test_another_role_cannot_upload_a_file(as_role, offers):
    """R-ACC-5: a purchaser posting a file gets 403 and nothing is kept."""
    response = upload(as_role("hp_purchaser"), good_rows(2))

    assert response.status_code == 403
    assert ImportBatch.objects.count() == 0
    assert Offering.objects.count() == len(offers)


def test_my_offerings_lists_the_users_organization_only(as_role, offers):
    """R-ACC-5: drafts and withdrawn offers of the organization, nothing of another one."""
    page = text(as_role("hp_org_user").get(reverse("offerings:mine")))

    for key in ("hp_draft", "hp_published", "hp_withdrawn"):
        assert offers[key].title in page
    assert offers["xh_published"].title not in page


def test_the_export_holds_the_users_organization_only(as_role, offers):
    """R-ACC-5: the export has every offer of the organization and none of another one."""
    response = as_role("xh_org_user").get(reverse("offerings:export"))

    assert response.status_code == 200
    _, rows = sheet_rows(response.content)
    assert [r["项目名称"] for r in rows] == [offers["xh_published"].title]
    assert [r["编号"] for r in rows] == [offers["xh_published"].pk]


# --- the admin site: scoped and view-only ------------------------------------------------------------------

ADMIN_LIST = "/admin/offerings/offering/"


def admin_change(offering):
    return f"/admin/offerings/offering/{offering.pk}/change/"


def test_a_district_admin_lists_the_offers_of_organizations_registered_in_its_district(as_role, offers):
    """R-ACC-5: 黄浦区 sees its organizations' drafts, published and withdrawn offers, nothing of 徐汇区."""
    response = as_role("hp_admin").get(ADMIN_LIST)

    assert response.status_code == 200
    page = text(response)
    for key in ("hp_draft", "hp_published", "hp_withdrawn"):
        assert offers[key].title in page
    assert offers["xh_published"].title not in page


def test_the_district_is_the_registration_district_not_the_service_area(as_role, offers, xh_org):
    """R-ACC-5: a 徐汇区 organization serving 黄浦区 is still 徐汇区's to see."""
    serving_huangpu = OfferingFactory(organization=xh_org, title="徐汇组织服务黄浦", status=Status.DRAFT)

    assert serving_huangpu.title not in text(as_role("hp_admin").get(ADMIN_LIST))
    assert serving_huangpu.title in text(as_role("xh_admin").get(ADMIN_LIST))


def test_the_city_admin_lists_every_offer(as_role, offers):
    page = text(as_role("city_admin").get(ADMIN_LIST))
    for offering in offers.values():
        assert offering.title in page


@pytest.mark.parametrize("view", ["change", "history"])
def test_another_districts_admin_cannot_open_an_offer_in_the_admin_site(as_role, offers, view):
    """R-ACC-5: 徐汇区 cannot open a 黄浦区 draft's admin pages; the title never shows."""
    offering = offers["hp_draft"]
    admin_pages.assert_refused(
        as_role("xh_admin"), f"/admin/offerings/offering/{offering.pk}/{view}/", offering.title
    )


def test_a_district_admin_reads_its_own_offer_in_the_admin_site_without_a_save_button(as_role, offers):
    """R-ACC-5: view-only."""
    draft = offers["hp_draft"]
    admin_pages.assert_read_only(as_role("hp_admin"), admin_change(draft), draft.title)


@pytest.mark.parametrize("role", ["hp_admin", "city_admin"])
def test_nobody_adds_or_changes_offers_in_the_admin_site(as_role, offers, role):
    """R-GEN-2, R-ROLE-4: the add page and a change POST are refused; the offer stays as it was."""
    offering = offers["hp_draft"]
    client = as_role(role)
    data = {"title": "管理员改过的名称", "status": "published"}
    admin_pages.assert_refuses_changes(client, ADMIN_LIST, offering, data, snapshot)
    assert client.post(f"/admin/offerings/offering/{offering.pk}/delete/").status_code in (403, 404)
    assert Offering.objects.filter(pk=offering.pk).exists()


@pytest.mark.parametrize("role", ["hp_org_user", "hp_purchaser", "monitor"])
def test_non_administrators_never_reach_the_offer_admin(as_role, offers, role):
    """R-ACC-5: the admin site is for administrators only."""
    draft = offers["hp_draft"]
    admin_pages.assert_closed(as_role(role), (ADMIN_LIST, admin_change(draft)), draft.title)
