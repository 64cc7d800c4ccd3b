"""The admin site's permission rules from the outside through /admin/ URLs: who reaches the admin
site at all (R-ACC-5), and that a district administrator reads only its own district's rows (R-ROLE-2)
while the city administrator reads every district's (R-ROLE-1). Out-of-scope rows answer with a
refusal that shows none of their data."""

import pytest
from django.urls import reverse

from accounts.models import PurchaserUnit
from tests.accounts.admin_helpers import SCOPED_MODELS, admin_url, assert_refused_without_data, url_for
from tests.html import text

pytestmark = pytest.mark.django_db

# --- 1. who reaches the admin site -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["city_admin", "hp_admin", "xh_admin"])
def test_administrators_can_open_the_admin_index(request, login, role):
    response = login(request.getfixturevalue(role)).get("/admin/")
    assert response.status_code == 200
    assert admin_url(PurchaserUnit, "changelist") in text(response)


@pytest.mark.parametrize("role", ["hp_purchaser", "hp_org_user", "monitor", "anonymous"])
@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/accounts/purchaserunit/", "/admin/accounts/socialorganization/{org}/change/"]
)
def test_non_administrators_are_sent_to_a_login_page_and_never_see_admin_data(
    request, client, login, pairs, role, path
):
    if role != "anonymous":
        client = login(request.getfixturevalue(role))
    path = path.format(org=pairs["socialorganization"].hp.pk)

    response = client.get(path)

    assert response.status_code == 302
    assert "login" in response.url
    final = client.get(path, follow=True)
    if role == "anonymous":
        assert final.status_code == 200
        assert final.redirect_chain[-1][0].startswith(reverse("account_login"))
    else:
        assert final.status_code == 403
    for pair in pairs.values():
        assert pair.hp_name not in text(final)
        assert pair.xh_name not in text(final)


# --- 2. district administrators read only their own district ---------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize(
    "admin, shows_xuhui", [("hp_admin", False), ("city_admin", True)], ids=["huangpu-admin", "city-admin"]
)
def test_changelist_shows_huangpu_rows_and_xuhui_rows_only_to_the_city(
    request, login, pairs, model, admin, shows_xuhui
):
    """The 黄浦区 administrator sees 黄浦区's rows and not 徐汇区's; the city administrator every district's."""
    pair = pairs[model]
    response = login(request.getfixturevalue(admin)).get(admin_url(pair.hp, "changelist"))
    assert response.status_code == 200
    assert pair.hp_name in text(response)
    assert (pair.xh_name in text(response)) is shows_xuhui


@pytest.mark.parametrize("view", ["change", "history", "version"])
@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize("role, side", [("hp_admin", "xh"), ("xh_admin", "hp")])
def test_district_admin_cannot_open_another_districts_object_by_url(
    request, login, pairs, role, side, model, view
):
    obj, name = pairs[model].side(side)
    client = login(request.getfixturevalue(role))
    assert_refused_without_data(client, client.get(url_for(obj, view)), name)


@pytest.mark.parametrize("view", ["change", "history", "version"])
@pytest.mark.parametrize("model", SCOPED_MODELS)
@pytest.mark.parametrize("role, side", [("city_admin", "xh"), ("city_admin", "hp"), ("hp_admin", "hp")])
def test_city_admin_opens_every_object_and_district_admin_its_own(
    request, login, pairs, role, side, model, view
):
    obj, name = pairs[model].side(side)
    response = login(request.getfixturevalue(role)).get(url_for(obj, view))
    assert response.status_code == 200
    assert name in text(response)


@pytest.mark.parametrize("view", ["change", "history", "old-version"])
def test_huangpu_admin_cannot_open_a_unit_moved_to_xuhui_even_through_its_old_versions(
    login, hp_admin, unit_moved_to_xuhui, view
):
    unit, old_version = unit_moved_to_xuhui
    client = login(hp_admin)
    url = old_version if view == "old-version" else admin_url(unit, view)
    assert_refused_without_data(client, client.get(url), unit.name)
