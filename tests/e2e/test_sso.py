"""法人一证通 (issue #14): a social organization logs in through the identity provider's own login
page and lands on 我的工作台 as the organization its 统一社会信用代码 names; a unit the platform does
not know lands on 申请开通账号 with its name and code filled in. The provider is django-allauth's
allauth.idp.oidc, started by the test on a free port of 127.0.0.1 (tests/accounts/idp)."""

import pytest

from accounts.models import OrgType, User
from tests.accounts import sso_helpers as h
from tests.factories import SocialOrganizationFactory, district

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module")
def provider(live_server):
    provider = h.start_provider([f"{live_server.url}{h.CALLBACK}"])
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, provider):
    settings.SOCIALACCOUNT_PROVIDERS = provider.app_settings()
    # What SSO_ISSUER_URL does in portal/settings.py: the form may lead to the provider.
    policy = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]),
    }
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], provider.url]
    settings.CONTENT_SECURITY_POLICY = policy
    return provider


def through_the_provider(journey, username):
    """On the provider's own login page (not ours: no page checks there), as the person would."""
    page = journey.page
    page.wait_for_url(f"{journey.context_provider_url}/**")
    page.locator('input[name="login"]').fill(username)
    page.locator('input[name="password"]').fill(h.harness.IDP_PASSWORD)
    page.locator('form [type="submit"]').first.click()


def start(journey, sso):
    journey.context_provider_url = sso.url
    journey.goto("/accounts/login/", label="登录（含法人一证通）")
    journey.page.get_by_role("button", name="法人一证通登录").click()


def test_an_organization_logs_in_with_yizhengtong_and_lands_on_its_workbench(journey, sso):
    org = SocialOrganizationFactory(
        name="上海市黄浦区乐龄家园社区服务中心",
        uscc=h.ORG_USCC,
        org_type=OrgType.SERVICE_AGENCY,
        registration_district=district("黄浦区"),
    )
    page = journey.page
    start(journey, sso)
    through_the_provider(journey, "org_legal")
    page.wait_for_url("**/workbench/")
    journey.console_errors.clear()  # whatever the provider's own page logged is not ours to check
    journey.check("法人一证通登录后：我的工作台")
    main = page.locator("main").inner_text()
    assert org.name in main and "本账号通过法人一证通登录" in main
    user = User.objects.get(sso_code="YZT-ORG-0001")
    assert user.organization == org
    # The organization's own pages work as after a password login.
    page.get_by_role("link", name="我的服务项目").click()
    page.wait_for_url("**/offerings/mine/")
    journey.check("我的服务项目")
    journey.finish()


def test_an_unknown_unit_lands_on_the_application_with_its_name_and_code(journey, sso):
    page = journey.page
    start(journey, sso)
    through_the_provider(journey, "unknown")
    page.wait_for_url("**/accounts/apply/?from=sso")
    journey.console_errors.clear()
    journey.check("申请开通账号（一证通带入）")
    assert "尚未在平台登记" in page.locator("main").inner_text()
    assert page.get_by_label("单位或组织名称").input_value() == "上海市徐汇区新设公益服务中心"
    assert page.get_by_label("统一社会信用代码").input_value() == h.UNKNOWN_USCC
    assert not User.objects.filter(sso_code="YZT-NEW-0001").exists()
    journey.finish()
