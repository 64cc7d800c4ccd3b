"""法人一证通 as an allauth provider: allauth's own `openid_connect`, made strict.

allauth's OpenID Connect client skips the ID token's signature when the token came straight from
the token endpoint and sends no `nonce`. The platform logs public bodies into a government system,
so this subclass always checks the signature (against the issuer's JWKS), the issuer, the audience,
the expiry and a per-login nonce, and answers an unreachable provider with a Chinese message
instead of an error page. Everything about *which unit* a login is lives in `accounts.sso`.
"""
