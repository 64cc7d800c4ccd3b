"""Losing the device (issue #14): the city resets a district administrator's second factor from the
admin site, recorded in the history, and the account's sessions end; out of scope answers 404."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(user):
    return f"/admin/accounts/user/{user.pk}/reset-mfa/"


def test_the_city_resets_a_district_administrators_second_factor(login, city_admin, hp_admin):
    victim_browser = Client()
    victim_browser.force_login(hp_admin)
    assert victim_browser.get("/supervision/findings/").status_code == 200
    client = login(city_admin)
    assert "重置第二因素" in client.get(f"/admin/accounts/user/{hp_admin.pk}/change/").content.decode()
    assert client.get(url(hp_admin)).status_code == 200
    response = client.post(url(hp_admin))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=hp_admin).exists()
    record = hp_admin.history.latest()
    assert record.history_user == city_admin and "重置了第二因素" in record.history_change_reason
    # The old session ended; logged in again, the administrator must set up a new authenticator.
    assert not victim_browser.get("/workbench/").wsgi_request.user.is_authenticated
    victim_browser.force_login(hp_admin)
    assert victim_browser.get("/supervision/findings/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_a_reset_of_an_account_without_a_second_factor_says_so(login, city_admin, hp_purchaser):
    response = login(city_admin).post(url(hp_purchaser), follow=True)
    assert "尚未设置第二因素" in response.content.decode()


@pytest.mark.parametrize(
    "actor, target",
    [
        ("hp_admin", "xh_admin"),
        ("hp_admin", "city_admin"),
        ("xh_admin", "hp_org_user"),
        ("hp_admin", "monitor"),
    ],
)
def test_out_of_scope_resets_answer_404(request, login, actor, target):
    actor, target = request.getfixturevalue(actor), request.getfixturevalue(target)
    target_has = Authenticator.objects.filter(user=target).count()
    if not target_has:
        from accounts import mfa

        mfa.activate_totp(target, "JBSWY3DPEHPK3PXP")
        target_has = Authenticator.objects.filter(user=target).count()
    client = login(actor)
    assert client.get(url(target)).status_code == 404
    assert client.post(url(target)).status_code == 404
    assert Authenticator.objects.filter(user=target).count() == target_has


def test_a_district_administrator_resets_an_organization_of_its_district(login, hp_admin, hp_org_user):
    from accounts import mfa

    mfa.activate_totp(hp_org_user, "JBSWY3DPEHPK3PXP")
    assert login(hp_admin).post(url(hp_org_user)).status_code == 302
    assert not Authenticator.objects.filter(user=hp_org_user).exists()


def test_nobody_resets_their_own_this_way(login, city_admin):
    assert login(city_admin).post(url(city_admin)).status_code == 404


@pytest.mark.parametrize("who", ["hp_purchaser", "hp_org_user", "monitor"])
def test_non_administrators_never_reach_it(request, login, who, hp_admin):
    response = login(request.getfixturevalue(who)).post(url(hp_admin))
    assert response.status_code in (302, 404)
    assert Authenticator.objects.filter(user=hp_admin).exists()
    if response.status_code == 302:
        assert "/login/" in response["Location"] or "/2fa/" in response["Location"]
    UserFactory  # noqa: B018 - the factory gives every administrator its authenticator
    assert Role.DISTRICT_ADMIN == hp_admin.role
