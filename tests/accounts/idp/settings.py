"""A real OpenID provider for the SSO tests: django-allauth's own `allauth.idp.oidc`, as a second
Django project in a subprocess (tests/accounts/idp/harness.py starts it). It plays 一网通办's
legal-person identity: each of its users carries the claims of IDP_IDENTITIES."""

import json
import os

SECRET_KEY = "idp-test-only-" + os.environ.get("IDP_PORT", "0")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "allauth.idp.oidc",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
ROOT_URLCONF = "tests.accounts.idp.urls"
# The provider renders only allauth's own pages, so Django's stock context processors are all it needs.
_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _CONTEXT_PROCESSORS},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_RATE_LIMITS = False
LOGIN_URL = "/accounts/login/"
USE_TZ = True
LANGUAGE_CODE = "zh-hans"
IDP_OIDC_PRIVATE_KEY = os.environ["IDP_PRIVATE_KEY"]
IDP_OIDC_ADAPTER = "tests.accounts.idp.adapter.LegalPersonClaimsAdapter"
IDP_IDENTITIES = json.loads(os.environ.get("IDP_IDENTITIES", "{}"))
# Cookies are per host, not per port: the provider's must not overwrite the portal's on 127.0.0.1.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
