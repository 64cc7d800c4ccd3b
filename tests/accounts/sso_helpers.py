"""Shared by the SSO tests: the codes the test provider's identities carry, and one login through
the real provider (tests/accounts/idp) with Django's test client on the portal's side."""

import json
from urllib.parse import urlparse

import jwt
import requests

from accounts.validators import uscc_check_char
from tests.accounts.idp import harness


def code(first17):
    return first17 + uscc_check_char(first17)


ORG_USCC = code("52310101MJA000011")
UNIT_USCC = code("11310101000000217")
UNKNOWN_USCC = code("52310104MJB000032")
AMBIGUOUS_USCC = code("52310101MJC000043")
BAD_USCC = ORG_USCC[:17] + ("0" if ORG_USCC[17] != "0" else "1")  # the check character is wrong

IDENTITIES = {
    "org_legal": harness.identity(ORG_USCC, "上海市黄浦区乐龄家园社区服务中心", "YZT-ORG-0001", "法人"),
    "org_agent": harness.identity(ORG_USCC, "上海市黄浦区乐龄家园社区服务中心", "YZT-ORG-0002", "办事人员"),
    "unit_legal": harness.identity(UNIT_USCC, "黄浦区南京东路街道办事处", "YZT-UNIT-0001", "法人"),
    "unknown": harness.identity(UNKNOWN_USCC, "上海市徐汇区新设公益服务中心", "YZT-NEW-0001", "法人"),
    "ambiguous": harness.identity(AMBIGUOUS_USCC, "上海市重复登记服务中心", "YZT-AMB-0001", "法人"),
    "bad_code": harness.identity(BAD_USCC, "上海市校验位错误服务中心", "YZT-BAD-0001", "法人"),
}
CALLBACK = "/accounts/yzt/yzt/login/callback/"


def start_provider(extra_redirect_uris=()):
    return harness.start(IDENTITIES, [f"http://testserver{CALLBACK}", *extra_redirect_uris])


def begin(client):
    """Press 法人一证通登录: the portal answers with a redirect to the provider."""
    response = client.post("/accounts/yzt/yzt/login/")
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sso_login(client, provider, username):
    """The whole code flow; returns the portal's answer to the provider's callback."""
    callback = provider.authorize(begin(client), username)
    parsed = urlparse(callback)
    assert parsed.path == CALLBACK, callback
    return client.get(f"{parsed.path}?{parsed.query}")


class TokenTamperer:
    """A man in the middle on the token endpoint's answer: `mutate(id_token) -> id_token`."""

    def __init__(self, monkeypatch):
        self.mutate = None
        self.seen = []
        real_send = requests.Session.send

        def send(session, request, **kwargs):
            response = real_send(session, request, **kwargs)
            if request.url.endswith("/identity/o/api/token") and response.ok:
                data = response.json()
                self.seen.append(data["id_token"])
                if self.mutate is not None:
                    data["id_token"] = self.mutate(data["id_token"])
                    response._content = json.dumps(data).encode()
            return response

        monkeypatch.setattr(requests.Session, "send", send)


def resign(id_token, key_pem, **changes):
    """The token's claims with `changes`, signed again with `key_pem` under the same key id."""
    claims = jwt.decode(id_token, options={"verify_signature": False})
    claims.update(changes)
    header = jwt.get_unverified_header(id_token)
    return jwt.encode(claims, key_pem, algorithm="RS256", headers={"kid": header["kid"]})
