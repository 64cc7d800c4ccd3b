"""The admin site's permission rules for accounts (R-ROLE-2): which accounts a district administrator
may change (its district's purchasers and organizations, never administrators), and what it may set."""

import pytest
from django.urls import reverse

from accounts.models import AccountApplication, Role
from tests.accounts.admin_helpers import (
    NEW_PASSWORD,
    admin_url,
    assert_refused_without_data,
    user_form,
    version_url,
)
from tests.factories import PASSWORD
from tests.html import text

pytestmark = pytest.mark.django_db

# --- 5. which accounts a district administrator may change -----------------------------------------------


def test_huangpu_admin_sees_a_fellow_huangpu_admin_read_only_and_cannot_change_it(login, hp_admin, hp_admin2):
    client = login(hp_admin)

    page = client.get(admin_url(hp_admin2, "change"))
    assert page.status_code == 200
    assert 'name="full_name"' not in text(page)
    response = client.post(admin_url(hp_admin2, "change"), user_form(hp_admin2, full_name="已被黄浦区修改"))
    assert response.status_code == 403
    hp_admin2.refresh_from_db()
    assert hp_admin2.full_name == "黄浦区第二管理员"


def test_huangpu_admin_can_neither_open_nor_change_the_city_admin(login, hp_admin, city_admin):
    client = login(hp_admin)
    name = city_admin.full_name

    assert_refused_without_data(client, client.get(admin_url(city_admin, "change")), name)
    response = client.post(admin_url(city_admin, "change"), user_form(city_admin, full_name="已被黄浦区修改"))
    assert_refused_without_data(client, response, name)
    city_admin.refresh_from_db()
    assert city_admin.full_name == name


def test_huangpu_admin_can_change_a_huangpu_purchaser_account(login, hp_admin, hp_purchaser):
    client = login(hp_admin)
    assert 'name="full_name"' in text(client.get(admin_url(hp_purchaser, "change")))
    response = client.post(admin_url(hp_purchaser, "change"), user_form(hp_purchaser, full_name="钱小丽"))
    assert response.status_code == 302
    hp_purchaser.refresh_from_db()
    assert hp_purchaser.full_name == "钱小丽"


@pytest.mark.parametrize("target", ["hp_admin2", "city_admin", "xh_purchaser", "hp_purchaser"])
def test_huangpu_admin_resets_passwords_only_of_accounts_it_manages(request, login, hp_admin, target):
    account = request.getfixturevalue(target)
    response = login(hp_admin).post(
        # Django's UserAdmin names this URL after auth.User whatever the user model is.
        reverse("admin:auth_user_password_change", args=[account.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    account.refresh_from_db()
    if target == "hp_purchaser":
        assert response.status_code == 302
        assert account.check_password(NEW_PASSWORD)
    else:
        assert response.status_code in (403, 404)
        assert account.check_password(PASSWORD)


def test_huangpu_admin_cannot_change_a_fellow_district_admin_through_the_history_version_form(
    login, hp_admin, hp_admin2, hp_unit
):
    # The version page is readable (same district); posting to it must not become a back door for changes.
    form = user_form(
        hp_admin2, full_name="已被黄浦区修改", role=Role.PURCHASER, purchaser_unit=hp_unit.pk, is_active=""
    )
    response = login(hp_admin).post(version_url(hp_admin2), form)
    assert response.status_code in (302, 403, 404)
    hp_admin2.refresh_from_db()
    assert (hp_admin2.role, hp_admin2.full_name, hp_admin2.is_active) == (
        Role.DISTRICT_ADMIN,
        "黄浦区第二管理员",
        True,
    )


@pytest.mark.parametrize("role", ["city_admin", "hp_admin"])
def test_account_applications_cannot_be_changed_through_the_admin_history_version_form(
    request, login, pairs, role
):
    # Applications are reviewed on the site's own pages; the admin only reads them.
    application = pairs["accountapplication"].hp
    version = version_url(application)  # the version "pending" as submitted
    AccountApplication.objects.filter(pk=application.pk).update(
        status=AccountApplication.Status.REJECTED, review_reason="材料不全"
    )
    login(request.getfixturevalue(role)).post(version, {"_save": "保存"})
    application.refresh_from_db()
    assert application.status == AccountApplication.Status.REJECTED
