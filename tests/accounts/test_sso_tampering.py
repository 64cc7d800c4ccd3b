"""法人一证通 (issue #14): a token that was tampered with, and a provider that is down, are refused
with a Chinese message, create nothing and log nobody in. The ID token is altered on its way back
from the real provider's token endpoint (tests/accounts/idp), so allauth and accounts.yzt see
exactly what a man in the middle would hand them."""

import time

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import OrgType, User
from tests.accounts import sso_helpers as h
from tests.accounts.idp.harness import free_port, rsa_private_pem
from tests.factories import SocialOrganizationFactory, district

pytestmark = pytest.mark.django_db

REFUSED = "法人一证通登录未成功"


@pytest.fixture
def org(db):
    return SocialOrganizationFactory(
        uscc=h.ORG_USCC, org_type=OrgType.SERVICE_AGENCY, registration_district=district("黄浦区")
    )


@pytest.fixture
def tamper(monkeypatch):
    return h.TokenTamperer(monkeypatch)


def assert_refused(client, response):
    assert response.status_code in (200, 400, 401, 403), response.status_code
    assert REFUSED in response.content.decode()
    assert not SocialAccount.objects.exists() and not User.objects.filter(sso_code__gt="").exists()
    assert not client.get("/workbench/").wsgi_request.user.is_authenticated


def test_the_untampered_flow_logs_in(client, sso, org, tamper):
    assert h.sso_login(client, sso, "org_legal")["Location"] == "/workbench/"
    assert len(tamper.seen) == 1


def test_a_token_signed_with_another_key_is_refused(client, sso, org, tamper):
    stranger = rsa_private_pem()
    tamper.mutate = lambda token: h.resign(token, stranger)
    assert_refused(client, h.sso_login(client, sso, "org_legal"))


def test_a_token_with_a_forged_claim_but_the_old_signature_is_refused(client, sso, org, tamper):
    def forge(token):
        header, payload, signature = token.split(".")
        other = h.resign(token, sso.private_pem, socialCreditCode=h.UNIT_USCC).split(".")[1]
        return ".".join([header, other, signature])

    tamper.mutate = forge
    assert_refused(client, h.sso_login(client, sso, "org_legal"))


def test_a_token_for_another_audience_is_refused(client, sso, org, tamper):
    tamper.mutate = lambda token: h.resign(token, sso.private_pem, aud="another-relying-party")
    assert_refused(client, h.sso_login(client, sso, "org_legal"))


def test_an_expired_token_is_refused(client, sso, org, tamper):
    now = int(time.time())
    tamper.mutate = lambda token: h.resign(token, sso.private_pem, iat=now - 900, exp=now - 300)
    assert_refused(client, h.sso_login(client, sso, "org_legal"))


def test_a_token_of_an_earlier_login_is_refused(client, sso, org, tamper):
    """Replay: a valid token of an earlier login (its nonce, its jti) handed to a new login."""
    h.sso_login(client, sso, "org_legal")
    earlier = tamper.seen[-1]
    client.logout()
    SocialAccount.objects.all().delete()
    User.objects.filter(sso_code__gt="").delete()
    tamper.mutate = lambda token: earlier
    assert_refused(client, h.sso_login(client, sso, "org_legal"))


def test_a_token_carrying_the_nonce_of_an_earlier_login_is_refused(client, sso, org, tamper):
    """Replayed nonce only: a fresh jti, a valid signature and audience, but the nonce of another login."""
    import jwt

    h.sso_login(client, sso, "org_legal")
    old_nonce = jwt.decode(tamper.seen[-1], options={"verify_signature": False})["nonce"]
    client.logout()
    SocialAccount.objects.all().delete()
    User.objects.filter(sso_code__gt="").delete()
    tamper.mutate = lambda token: h.resign(token, sso.private_pem, nonce=old_nonce, jti="fresh-jti-0001")
    assert_refused(client, h.sso_login(client, sso, "org_legal"))


def test_a_token_without_a_nonce_is_refused(client, sso, org, tamper):
    def strip(token):
        import jwt

        claims = jwt.decode(token, options={"verify_signature": False})
        claims.pop("nonce", None)
        kid = jwt.get_unverified_header(token)["kid"]
        return jwt.encode(claims, sso.private_pem, algorithm="RS256", headers={"kid": kid})

    tamper.mutate = strip
    assert_refused(client, h.sso_login(client, sso, "org_legal"))


def test_the_same_callback_cannot_be_used_twice(client, sso, org):
    from urllib.parse import urlparse

    callback = sso.authorize(h.begin(client), "org_legal")
    path = f"{urlparse(callback).path}?{urlparse(callback).query}"
    assert client.get(path)["Location"] == "/workbench/"
    client.logout()
    second = client.get(path)
    assert second.status_code != 500 and REFUSED in second.content.decode()


def test_a_provider_that_is_down_gets_a_chinese_message_not_an_error(client, settings, caplog):
    dead = f"http://127.0.0.1:{free_port()}"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "yzt": {
            "APPS": [
                {
                    "provider_id": "yzt",
                    "name": "法人一证通",
                    "client_id": "x",
                    "secret": "y",
                    "settings": {"server_url": dead},
                }
            ]
        }
    }
    response = client.post("/accounts/yzt/yzt/login/")
    assert response.status_code in (200, 401, 503) and REFUSED in response.content.decode()
    assert "身份认证服务没有响应" in response.content.decode()
    assert any("法人一证通不可用" in r.getMessage() for r in caplog.records)


def test_a_provider_that_goes_down_before_the_callback_gets_a_chinese_message(client, settings, sso, org):
    location = h.begin(client)
    callback = sso.authorize(location, "org_legal")
    app = sso.app_settings()
    app["yzt"]["APPS"][0]["settings"]["server_url"] = f"http://127.0.0.1:{free_port()}"
    settings.SOCIALACCOUNT_PROVIDERS = app
    from urllib.parse import urlparse

    response = client.get(f"{urlparse(callback).path}?{urlparse(callback).query}")
    assert_refused(client, response)


def test_the_provider_saying_access_denied_is_no_error(client, sso):
    h.begin(client)
    state = list(client.session["socialaccount_states"].keys())[0]
    response = client.get(f"{h.CALLBACK}?error=access_denied&state={state}")
    assert response.status_code == 302 and response["Location"] == "/accounts/3rdparty/login/cancelled/"
    assert "已取消法人一证通登录" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("query", ["", "?code=x", "?state=nonsense&code=x", "?state=&code=%00", "?error=%ff"])
def test_no_callback_parameter_causes_a_500(client, sso, query):
    response = client.get(f"{h.CALLBACK}{query}")
    assert response.status_code < 500
