"""A second factor for administrators (issue #14): city and district administrators and the monitor
set up TOTP (allauth.mfa) before the admin site and every supervision, review or statistics page;
purchasers and organizations may. Codes are computed with pyotp, as an authenticator app would."""

import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache

from accounts.models import Role
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, district

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/admin/",
    "/supervision/findings/",
    "/directory/review/",
    "/accounts/applications/",
    "/data/dashboard/",
    "/notices/messages/",
]
ACTIVATE = "/accounts/2fa/totp/activate/"


def make(role, **kwargs):
    if role == Role.DISTRICT_ADMIN:
        kwargs.setdefault("district", district("黄浦区"))
    return UserFactory(role=role, totp=False, **kwargs)


def password_login(client, user):
    return client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})


def fresh_code(secret):
    """The current code, not yet used in this test (allauth refuses a code twice)."""
    cache.clear()
    return pyotp.TOTP(secret).now()


def reauthenticated_post(client, path):
    response = client.post(path)
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        # allauth continues the interrupted request after the password (it may answer at once).
        response = client.post(response["Location"], {"password": PASSWORD})
        if response.status_code == 302 and response["Location"] == path:
            response = client.post(path)
    return response


def activate(client):
    page = client.get(ACTIVATE)
    if page.status_code == 302 and page["Location"].startswith("/accounts/reauthenticate/"):
        # Setting up a second factor asks for the password once more (allauth's reauthentication).
        again = client.post(page["Location"], {"password": PASSWORD})
        assert again["Location"] == ACTIVATE
        page = client.get(ACTIVATE)
    assert page.status_code == 200, page.status_code
    secret = page.context["form"].secret
    response = client.post(ACTIVATE, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret, response


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.MONITOR])
@pytest.mark.parametrize("path", PROTECTED)
def test_an_administrator_without_a_second_factor_is_sent_to_set_one_up(client, role, path):
    user = make(role)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ACTIVATE}?next=")


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.MONITOR])
@pytest.mark.parametrize("path", PROTECTED)
def test_with_a_second_factor_the_same_pages_answer_as_before(client, role, path):
    user = make(role)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    client.force_login(user)
    response = client.get(path)
    assert not response.get("Location", "").startswith(ACTIVATE)


@pytest.mark.parametrize("role", [Role.PURCHASER, Role.ORGANIZATION])
@pytest.mark.parametrize("path", PROTECTED)
def test_purchasers_and_organizations_need_no_second_factor(client, role, path, hp_unit, hp_org):
    links = {"purchaser_unit": hp_unit} if role == Role.PURCHASER else {"organization": hp_org}
    client.force_login(make(role, **links))
    response = client.get(path)
    assert not response.get("Location", "").startswith(ACTIVATE)


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.MONITOR])
def test_pages_outside_supervision_review_and_statistics_stay_open_without_it(client, role):
    client.force_login(make(role))
    for path in ["/workbench/", "/demands/", "/data/", "/accounts/2fa/"]:
        assert client.get(path).status_code == 200, path


def test_setting_up_totp_offers_the_recovery_codes_once_then_opens_the_admin_site(client):
    admin = make(Role.DISTRICT_ADMIN)
    assert password_login(client, admin).status_code == 302
    assert client.get("/admin/")["Location"].startswith(ACTIVATE)
    secret, response = activate(client)
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    first = client.get(response["Location"])
    codes = first.context["unused_codes"]
    assert len(codes) == 10 and codes[0] in first.content.decode()
    assert "只显示这一次" in first.content.decode()
    second = client.get(response["Location"]).content.decode()
    assert codes[0] not in second
    assert client.get("/admin/").status_code == 200
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).count() == 1


def test_a_wrong_code_does_not_activate(client):
    admin = make(Role.CITY_ADMIN)
    password_login(client, admin)
    client.post(client.get(ACTIVATE)["Location"], {"password": PASSWORD})
    response = client.post(ACTIVATE, {"code": "000000"})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert not Authenticator.objects.filter(user=admin).exists()


@pytest.mark.parametrize("steps_ago, accepted", [(1, True), (-1, True), (2, False), (-2, False)])
def test_a_code_one_step_either_side_is_accepted_and_two_steps_are_not(client, steps_ago, accepted):
    """A code typed as it changes (or from a phone a few seconds slow) counts; an old one does not."""
    admin = make(Role.CITY_ADMIN)
    password_login(client, admin)
    client.post(client.get(ACTIVATE)["Location"], {"password": PASSWORD})
    secret = client.get(ACTIVATE).context["form"].secret
    if time.time() % 30 > 27:  # not across a step change between the code and the server's check
        time.sleep(30 - time.time() % 30 + 0.1)
    code = pyotp.TOTP(secret).at(time.time() - 30 * steps_ago)
    response = client.post(ACTIVATE, {"code": code})
    assert (response.status_code == 302) is accepted
    assert Authenticator.objects.filter(user=admin).exists() is accepted


def test_after_setup_the_login_asks_for_the_code(client):
    admin = make(Role.MONITOR)
    password_login(client, admin)
    secret, _ = activate(client)
    client.logout()
    response = password_login(client, admin)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not client.get("/workbench/").wsgi_request.user.is_authenticated
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    ok = client.post("/accounts/2fa/authenticate/", {"code": fresh_code(secret)})
    assert ok.status_code == 302 and ok["Location"] == "/workbench/"
    assert client.get("/supervision/findings/").status_code == 200


def test_a_recovery_code_works_once_at_login(client):
    admin = make(Role.CITY_ADMIN)
    password_login(client, admin)
    activate(client)
    code = client.get("/accounts/2fa/recovery-codes/").context["unused_codes"][0]
    client.logout()
    password_login(client, admin)
    assert client.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/workbench/"
    client.logout()
    password_login(client, admin)
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert again.status_code == 200


def test_an_administrator_cannot_turn_the_second_factor_off(client, hp_admin):
    password_login(client, hp_admin)
    client.post("/accounts/2fa/authenticate/", {"code": fresh_code(TOTP_SECRET)})
    response = reauthenticated_post(client, "/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200 and "不能自行停用" in response.content.decode()
    assert Authenticator.objects.filter(user=hp_admin, type=Authenticator.Type.TOTP).exists()


def test_an_organization_may_turn_it_on_and_off(client, hp_org_user):
    password_login(client, hp_org_user)
    secret, _ = activate(client)
    client.logout()
    assert password_login(client, hp_org_user)["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": fresh_code(secret)})
    assert reauthenticated_post(client, "/accounts/2fa/totp/deactivate/")["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=hp_org_user, type=Authenticator.Type.TOTP).exists()


def test_the_workbench_says_whether_the_second_factor_is_set(client):
    admin = make(Role.CITY_ADMIN)
    client.force_login(admin)
    assert "未设置，管理员必须设置" in client.get("/workbench/").content.decode()
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    assert "已启用" in client.get("/workbench/").content.decode()
