"""法人一证通 (R-ACC-3, issue #14) end to end against a real OpenID provider: django-allauth's own
allauth.idp.oidc, started by these tests on 127.0.0.1 (tests/accounts/idp), with an RSA key made at
start and a claims adapter giving 统一社会信用代码, name, 一证通 code and 法人/办事人员."""

import logging

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from accounts.models import OrgType, PurchaserUnit, Role, SocialOrganization, UnitLevel, User
from tests.accounts import sso_helpers as h
from tests.factories import PurchaserUnitFactory, SocialOrganizationFactory, UserFactory, district

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return SocialOrganizationFactory(
        name="上海市黄浦区乐龄家园社区服务中心",
        uscc=h.ORG_USCC,
        org_type=OrgType.SERVICE_AGENCY,
        registration_district=district("黄浦区"),
    )


@pytest.fixture
def unit(db):
    return PurchaserUnitFactory(
        name="黄浦区南京东路街道办事处",
        uscc=h.UNIT_USCC,
        level=UnitLevel.DISTRICT,
        district=district("黄浦区"),
    )


def test_login_page_shows_no_sso_button_unless_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"yzt": {"APPS": []}}
    assert "法人一证通登录" not in client.get("/accounts/login/").content.decode()
    assert client.post("/accounts/yzt/yzt/login/").status_code == 404


def test_login_page_shows_the_sso_button_when_configured(client, sso):
    page = client.get("/accounts/login/").content.decode()
    assert "法人一证通登录" in page and 'action="/accounts/yzt/yzt/login/' in page


def test_first_login_creates_an_account_of_the_organization_and_lands_on_the_workbench(client, sso, org):
    response = h.sso_login(client, sso, "org_legal")
    assert response.status_code == 302 and response["Location"] == "/workbench/"
    user = User.objects.get(sso_code="YZT-ORG-0001")
    assert (user.role, user.organization, user.district) == (
        Role.ORGANIZATION,
        org,
        org.registration_district,
    )
    assert not user.has_usable_password() and user.is_sso_account and not user.must_change_password
    assert user.sso_capacity == "legal"
    assert SocialAccount.objects.get(user=user).provider == "yzt"
    assert "法人一证通首次登录，创建账号" in user.history.earliest().history_change_reason
    page = client.get("/workbench/").content.decode()
    assert org.name in page and "本账号通过法人一证通登录" in page


def test_later_logins_reuse_the_account(client, django_user_model, sso, org):
    h.sso_login(client, sso, "org_legal")
    client.logout()
    response = h.sso_login(client, sso, "org_legal")
    assert response["Location"] == "/workbench/"
    assert django_user_model.objects.filter(organization=org).count() == 1
    assert SocialAccount.objects.filter(user__organization=org).count() == 1


def test_the_agent_gets_an_account_of_its_own_for_the_same_unit(client, sso, org):
    h.sso_login(client, sso, "org_legal")
    client.logout()
    h.sso_login(client, sso, "org_agent")
    agent = User.objects.get(sso_code="YZT-ORG-0002")
    assert agent.organization == org and agent.sso_capacity == "agent" and "办事人员" in agent.full_name
    assert User.objects.filter(organization=org).count() == 2


def test_a_purchaser_unit_is_found_by_its_code_and_gets_the_purchaser_role(client, sso, unit):
    assert h.sso_login(client, sso, "unit_legal")["Location"] == "/workbench/"
    user = User.objects.get(sso_code="YZT-UNIT-0001")
    assert (user.role, user.purchaser_unit, user.district) == (Role.PURCHASER, unit, unit.district)


def test_an_account_prepared_with_the_code_is_linked_not_duplicated(client, sso, org):
    prepared = UserFactory(
        username="leling", role=Role.ORGANIZATION, organization=org, sso_code="YZT-ORG-0001"
    )
    assert h.sso_login(client, sso, "org_legal")["Location"] == "/workbench/"
    assert User.objects.filter(organization=org).count() == 1
    assert SocialAccount.objects.get(provider="yzt").user == prepared
    prepared.refresh_from_db()
    assert "关联到已有账号" in prepared.history.latest().history_change_reason


def test_no_account_is_matched_by_name_or_email(client, sso, org):
    other = SocialOrganizationFactory(name="上海市黄浦区乐龄家园社区服务中心（旧）")
    same_name = UserFactory(
        username="org_legal",
        full_name="上海市黄浦区乐龄家园社区服务中心",
        role=Role.ORGANIZATION,
        organization=other,
    )
    EmailAddress.objects.create(user=same_name, email="org_legal@example.org", verified=True, primary=True)
    h.sso_login(client, sso, "org_legal")
    assert not SocialAccount.objects.filter(user=same_name).exists()
    assert User.objects.get(sso_code="YZT-ORG-0001").organization == org


def test_an_unknown_code_creates_nothing_and_leads_to_the_application_with_name_and_code(client, sso):
    counts = (User.objects.count(), PurchaserUnit.objects.count(), SocialOrganization.objects.count())
    response = h.sso_login(client, sso, "unknown")
    assert response.status_code == 302 and response["Location"] == "/accounts/apply/?from=sso"
    assert (User.objects.count(), PurchaserUnit.objects.count(), SocialOrganization.objects.count()) == counts
    assert not SocialAccount.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "尚未在平台登记" in page
    assert 'value="上海市徐汇区新设公益服务中心"' in page and f'value="{h.UNKNOWN_USCC}"' in page
    assert not client.get("/workbench/").wsgi_request.user.is_authenticated


def test_a_code_failing_the_gb_32100_check_is_refused_and_logged(client, sso, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.sso"):
        response = h.sso_login(client, sso, "bad_code")
    assert response.status_code == 403
    assert "GB 32100-2015" in response.content.decode()
    assert any("fails GB 32100-2015" in r.getMessage() for r in caplog.records)
    assert not User.objects.filter(sso_code="YZT-BAD-0001").exists()


def test_a_code_held_by_two_units_is_refused(client, sso, caplog):
    SocialOrganizationFactory(uscc=h.AMBIGUOUS_USCC)
    PurchaserUnitFactory(uscc=h.AMBIGUOUS_USCC)
    with caplog.at_level(logging.WARNING, logger="accounts.sso"):
        response = h.sso_login(client, sso, "ambiguous")
    assert response.status_code == 403 and "对应多个单位" in response.content.decode()
    assert any("held by 2 units" in r.getMessage() for r in caplog.records)
    assert not User.objects.filter(sso_code="YZT-AMB-0001").exists()


def test_a_deactivated_account_is_refused(client, sso, org, caplog):
    h.sso_login(client, sso, "org_legal")
    client.logout()
    User.objects.filter(sso_code="YZT-ORG-0001").update(is_active=False)
    with caplog.at_level(logging.WARNING, logger="accounts.sso"):
        response = h.sso_login(client, sso, "org_legal")
    assert response.status_code == 403 and "该账号已停用" in response.content.decode()
    assert any("inactive" in r.getMessage() for r in caplog.records)
    assert not client.get("/workbench/").wsgi_request.user.is_authenticated


def test_an_organization_on_the_serious_list_logs_in_but_cannot_publish(client, sso, org):
    SocialOrganization.objects.filter(pk=org.pk).update(on_serious_list=True)
    assert h.sso_login(client, sso, "org_legal")["Location"] == "/workbench/"
    page = client.get("/offerings/mine/").content.decode()
    assert "列入严重失信名单，不能发布服务项目" in page


def test_district_scope_is_unchanged_for_accounts_made_by_sso(client, sso, org, hp_admin, xh_admin):
    h.sso_login(client, sso, "org_legal")
    user = User.objects.get(sso_code="YZT-ORG-0001")
    client.logout()
    client.force_login(hp_admin)
    assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200
    client.force_login(xh_admin)
    assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code in (302, 404)
    assert user.username not in client.get("/admin/accounts/user/").content.decode()


def test_an_sso_account_never_gets_a_local_password(client, sso, org):
    h.sso_login(client, sso, "org_legal")
    user = User.objects.get(sso_code="YZT-ORG-0001")
    EmailAddress.objects.create(user=user, email="leling@example.org", verified=True, primary=True)
    assert client.get("/accounts/password/set/").status_code == 403
    assert (
        client.post(
            "/accounts/password/set/", {"password1": "Aa-new-pass-2026", "password2": "Aa-new-pass-2026"}
        ).status_code
        == 403
    )
    client.logout()
    response = client.post("/accounts/password/reset/", {"email": "leling@example.org"})
    assert response.status_code == 302 and mail.outbox == []
    user.refresh_from_db()
    assert not user.has_usable_password()
