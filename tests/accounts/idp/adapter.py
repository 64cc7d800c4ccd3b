from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.conf import settings


class LegalPersonClaimsAdapter(DefaultOIDCAdapter):
    """Adds a legal-person identity's claims (统一社会信用代码, name, 一证通 code, 法人/办事人员)."""

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs):
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        claims.update(settings.IDP_IDENTITIES.get(user.username, {}).get("claims", {}))
        return claims
