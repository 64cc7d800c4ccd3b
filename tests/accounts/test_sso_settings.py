"""法人一证通 is configured by environment variables only and off unless they are set (issue #14);
`manage.py check --deploy` stays clean with it on, and TRUSTED_PROXIES is empty by default."""

from tests.helpers import fresh_process_json
from tests.portal.test_deploy_settings import PRODUCTION, run_manage

SSO = {
    "SSO_ISSUER_URL": "https://yzt.example.gov.cn/oidc",
    "SSO_CLIENT_ID": "gxpt",
    "SSO_CLIENT_SECRET": "s3cret-from-the-identity-provider",
    "SSO_CLAIM_CODE": "certCode",
    "TRUSTED_PROXIES": "10.0.0.2, 10.0.1.0/24",
}
PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SSO_ENABLED, s.SOCIALACCOUNT_PROVIDERS['yzt']['APPS'], s.SSO_CLAIM_USCC, "
    "s.SSO_CLAIM_CODE, s.TRUSTED_PROXIES]))"
)


def settings_with(env):
    return fresh_process_json(PRINT, env, drop=("SSO_", "TRUSTED_PROXIES"))


def test_sso_is_off_and_no_proxy_trusted_by_default():
    enabled, apps, uscc_claim, code_claim, proxies = settings_with({})
    assert (enabled, apps, proxies) == (False, [], [])
    assert (uscc_claim, code_claim) == ("socialCreditCode", "yztCode")


def test_the_variables_configure_the_provider_and_the_claim_names():
    enabled, apps, uscc_claim, code_claim, proxies = settings_with(SSO)
    assert (
        enabled
        and apps[0]["client_id"] == "gxpt"
        and apps[0]["settings"]["server_url"] == SSO["SSO_ISSUER_URL"]
    )
    assert (uscc_claim, code_claim) == ("socialCreditCode", "certCode")
    assert proxies == ["10.0.0.2", "10.0.1.0/24"]


def test_half_a_configuration_leaves_it_off():
    enabled, apps, *_ = settings_with({"SSO_ISSUER_URL": SSO["SSO_ISSUER_URL"], "SSO_CLIENT_ID": "gxpt"})
    assert (enabled, apps) == (False, [])


def test_check_deploy_stays_clean_with_sso_on():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", extra_env={**PRODUCTION, **SSO})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "?:" not in result.stderr
