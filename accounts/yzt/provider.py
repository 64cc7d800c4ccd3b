import hmac
import secrets

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.urls import reverse


class YztOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    expected_nonce = None  # set by the callback view from the login's stashed state

    def get_callback_url(self, request, app):
        url = reverse("yzt_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, url, self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("身份认证服务没有返回 ID 令牌")
        claims = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        nonce = claims.get("nonce")
        if not (
            self.expected_nonce and isinstance(nonce, str) and hmac.compare_digest(nonce, self.expected_nonce)
        ):
            raise OAuth2Error("ID 令牌的 nonce 与本次登录不符（可能是重放的令牌）")
        data = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            if str(userinfo.get("sub")) != str(claims.get("sub")):
                raise OAuth2Error("用户信息与 ID 令牌不属于同一身份")
            data["userinfo"] = {**claims, **userinfo}
        return self.get_provider().sociallogin_from_response(request, data)


class YztProvider(OpenIDConnectProvider):
    id = "yzt"
    name = "法人一证通"
    oauth2_adapter_class = YztOAuth2Adapter
    pkce_enabled_default = True

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def get_default_scope(self):
        return ["openid", "profile"]

    # Nothing from the provider is ever used to find an account by name or e-mail (accounts.sso).
    def extract_common_fields(self, data):
        return {}

    def extract_email_addresses(self, data):
        return []


provider_classes = [YztProvider]
