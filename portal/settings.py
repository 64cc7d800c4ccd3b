"""Settings for the 供需对接平台.

One file; every deploy-time value comes from an environment variable with a safe
default for local use. Production: DEBUG=0 and SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL
(and optionally REDIS_URL, EMAIL_*, CSRF_TRUSTED_ORIGINS) set; then
`python manage.py check --deploy` prints no warnings.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("生产环境（DEBUG=0）必须设置环境变量 SECRET_KEY。")
    SECRET_KEY = "local-development-only-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "accounts.yzt",  # 法人一证通: allauth's openid_connect provider with signature and nonce always checked
    "allauth.mfa",
    "simple_history",
    "django_filters",
    "csp",
    "portal",
    "accounts",
    "demands",
    "offerings",
    "directory",
    "notices",
    "supervision",
    "inbox",
    "dashboard",
    "opendata",
    "matching",
    "home",
]

# `make bench` only (bench/city_load.py): the two reference pages of bench/views.py and their template.
BENCH_FLOORS = os.environ.get("PORTAL_BENCH_FLOORS") == "1"
if BENCH_FLOORS:
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "portal.logs.RequestIdMiddleware",
    "portal.replica.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.params.ParameterGuard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "accounts.middleware.RequireAdminMFAMiddleware",
    "portal.middleware.LoginForHiddenPagesMiddleware",
]

ROOT_URLCONF = "portal.urls"
CSRF_FAILURE_VIEW = "portal.params.csrf_failure"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "inbox.context_processors.unread",
            ],
        },
    },
    # The hot, repeated fragments (the listings' cards, the pagination), included from the Django templates
    # with {% jinja %} (portal/jinja.py; issue 15). Its own directory: the Django engine never reads it.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates_jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "portal.jinja.environment"},
    },
]
# Django's form renderer, with <select> written in Python instead of two templates per option (issue 15).
FORM_RENDERER = "portal.form_renderer.FastSelectRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# The covering indexes' INCLUDE columns (issue 15) are a PostgreSQL speed-up; SQLite builds the same
# indexes without them, which `make run` need not be warned about at every start.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W039", "models.W040"]
# Optional read replica (issue 16 §2): public listing and search pages and the public API read from it;
# every write, and every read by a user within REPLICA_PIN_SECONDS of their own write, goes to the
# primary (portal/replica.py). Without DATABASE_REPLICA_URL there is one database and nothing changes.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
# Behind pgbouncer in transaction pooling mode, server-side cursors (.iterator() on PostgreSQL) break.
if env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False):
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every worker process: login rate limits live here (R-ACC-1).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Degrades to an empty cache when Redis is down (portal/cache_backends.py).
    # With Redis down it falls back to the database cache (portal/cache_backends.py); the second alias is
    # there so that `createcachetable` (run by the migrations and `make migrate`) makes that table too.
    CACHES = {
        "default": {"BACKEND": "portal.cache_backends.ResilientRedisCache", "LOCATION": REDIS_URL},
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    }

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.NotCurrentPasswordValidator"},
    {"NAME": "accounts.password_validation.NotUsernameValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: username + password, no self-registration (R-ACC-1).
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Every login POST from one address (a flood guard only): 200 staff behind one office NAT log in
    # at nine o'clock.
    "login": "300/m/ip",
    # Wrong passwords and second-factor codes are limited by LOGIN_LIMITS (accounts/login_limits.py).
    "login_failed": None,
    "change_password": "5/m/user",
    "reset_password": "20/m/ip,5/m/key",
}

# (failures, fixed window in seconds): per (address, username) pair; per address, a much higher ceiling
# (one office NAT of 200 staff); per username from every address, above the pair's (credential stuffing).
LOGIN_LIMITS = {"pair": (5, 300), "address": (200, 600), "username": (20, 900)}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploads are kept outside the web root and served only through views that check permissions.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Every uploaded and generated file goes through Django's storage API (`default_storage`, FileFields),
# never a path on disk, so that several web hosts and workers share the files (issue 16 §2). With
# STORAGE_S3_BUCKET set: an S3-compatible object store (django-storages; private objects, served only
# through the permission-checking views); without it the local disk under MEDIA_ROOT.
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
if STORAGE_S3_BUCKET:
    DEFAULT_FILE_STORAGE_CONFIG = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_KEY") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),
            "addressing_style": os.environ.get("STORAGE_S3_ADDRESSING_STYLE") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_FILE_STORAGE_CONFIG = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": DEFAULT_FILE_STORAGE_CONFIG,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Every e-mail goes through the outbox (inbox/mail.py) and is delivered by a task through
# OUTBOX_DELIVERY_BACKEND (EMAIL_BACKEND in the environment: SMTP in production, the console by default).
EMAIL_BACKEND = "inbox.mail.OutboxBackend"
OUTBOX_DELIVERY_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))

# Background work (celery). With CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1) `make run` starts a
# worker and beat; without one, tasks run in-process (eager), so SQLite alone serves everything.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE = {
    "flush-outbox": {"task": "inbox.flush_outbox", "schedule": 60.0},
    "daily-reminders": {"task": "portal.send_reminders", "schedule": crontab(hour=8, minute=15)},
    # Hourly: abandoned uploads (24 hours old) and expired jobs' files (JOB_KEEP_HOURS).
    "cleanup-imports": {"task": "portal.cleanup_imports", "schedule": crontab(minute=30)},
    "daily-subscriptions": {"task": "portal.send_subscriptions", "schedule": crontab(hour=8, minute=30)},
}
# Long work as a job with a progress bar (portal/jobs.py): Excel imports above JOB_IMPORT_ROWS rows, exports
# above JOB_EXPORT_ROWS rows; smaller ones are answered at once. Generated files are kept JOB_KEEP_HOURS; a
# job without news from its worker for JOB_STALE_MINUTES is marked 未完成 (its owner may start it again).
JOB_IMPORT_ROWS = int(os.environ.get("JOB_IMPORT_ROWS", "300"))
JOB_EXPORT_ROWS = int(os.environ.get("JOB_EXPORT_ROWS", "5000"))
JOB_KEEP_HOURS = int(os.environ.get("JOB_KEEP_HOURS", "24"))
JOB_STALE_MINUTES = int(os.environ.get("JOB_STALE_MINUTES", "10"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "供需对接平台 <noreply@localhost>")
# Links in e-mails (站内信 copies) point here.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# The daily reminder command repeats a reminder at most once in this many days.
REMINDER_REPEAT_DAYS = int(os.environ.get("REMINDER_REPEAT_DAYS", "7"))
# 内容监测: the publisher has this many working days to answer before a finding may be closed as 属实
# without its answer (0: no waiting).
FINDING_ANSWER_WORKING_DAYS = int(os.environ.get("FINDING_ANSWER_WORKING_DAYS", "5"))
# Working days (portal/workdays.py): public holidays and weekend days worked instead, ISO dates.
PORTAL_HOLIDAYS = [d.strip() for d in os.environ.get("PORTAL_HOLIDAYS", "").split(",") if d.strip()]
PORTAL_MAKEUP_WORKDAYS = [
    d.strip() for d in os.environ.get("PORTAL_MAKEUP_WORKDAYS", "").split(",") if d.strip()
]

# Security headers. Strict in production; the development server stays on plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers ask the health checks over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp 4): nothing from other hosts, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# A request id on every line (portal/logs.py); JSON lines with LOG_FORMAT=json. Errors also go to ADMINS
# by e-mail (through the outbox) and to Sentry when SENTRY_DSN is set.
ADMINS = [("", a.strip()) for a in os.environ.get("ADMINS", "").split(",") if a.strip()]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "portal.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "plain",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console", "mail_admins"], "level": "ERROR", "propagate": False}
    },
}

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN, send_default_pii=False, environment=os.environ.get("SENTRY_ENVIRONMENT", "")
    )

# The portal's own settings.
PORTAL_NAME = "上海市政府购买社会组织服务供需对接平台"
PORTAL_HOTLINE = os.environ.get("PORTAL_HOTLINE", "962200")
PORTAL_CONTACT_EMAIL = os.environ.get("PORTAL_CONTACT_EMAIL", "gxpt@mzj.sh.gov.cn")
SIMPLE_HISTORY_REVERT_DISABLED = True

# 我要购买服务 (R-DEM-2, R-DEM-5)
PROCUREMENT_THRESHOLD_YUAN = int(os.environ.get("PROCUREMENT_THRESHOLD_YUAN", "1000000"))
DEMAND_ADDED_PUBLISH_DAYS = 20  # 第四条(三): added projects within 20 days of budget approval
DEMAND_AWARD_GRACE_DAYS = int(os.environ.get("DEMAND_AWARD_GRACE_DAYS", "30"))
DEMAND_EVALUATION_GRACE_DAYS = int(os.environ.get("DEMAND_EVALUATION_GRACE_DAYS", "60"))
# 绩效评价 (R-DEM-4): the lowest score of each grade, best first; below the last one is 不合格.
DEMAND_GRADE_MIN_SCORES = {"excellent": 90, "good": 80, "pass": 60}
# Whether an evaluation must wait for the end of the service (otherwise its start is enough).
DEMAND_EVALUATION_AFTER_END = os.environ.get("DEMAND_EVALUATION_AFTER_END", "0") == "1"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
DOCUMENT_MAX_UPLOAD_BYTES = int(os.environ.get("DOCUMENT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
ACCOUNT_APPLICATION_RATE_LIMIT = (5, 24 * 3600)  # 申请开通账号: applications per address per day
MESSAGE_RATE_LIMIT = (3, 600)  # 留言区: messages per address per 10 minutes
# The public 数据概览 is computed at most once per this many seconds (0: every request).
OVERVIEW_CACHE_SECONDS = int(os.environ.get("OVERVIEW_CACHE_SECONDS", "300"))
EXPORT_RATE_LIMIT = (20, 600)  # Excel exports of public listings per account or address per 10 minutes


# --- accounts (issue #14): 法人一证通 SSO, a second factor for administrators, recovery ---------------
# Addresses of the reverse proxies (IPs or CIDR networks, comma-separated) whose X-Forwarded-For is
# believed. Empty: the client address is REMOTE_ADDR, whatever headers say (portal.http.client_ip).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

# 法人一证通 through OpenID Connect (R-ACC-3), off unless the issuer, client id and secret are set.
SSO_ISSUER_URL = os.environ.get("SSO_ISSUER_URL", "")
SSO_CLIENT_ID = os.environ.get("SSO_CLIENT_ID", "")
SSO_CLIENT_SECRET = os.environ.get("SSO_CLIENT_SECRET", "")
SSO_SCOPES = env_list("SSO_SCOPES", ["openid", "profile"])
SSO_NAME = os.environ.get("SSO_NAME", "法人一证通")
# The claim names of 一网通办's legal-person identity (accounts/sso.py maps them to a unit).
SSO_CLAIM_USCC = os.environ.get("SSO_CLAIM_USCC", "socialCreditCode")
SSO_CLAIM_NAME = os.environ.get("SSO_CLAIM_NAME", "name")
SSO_CLAIM_CODE = os.environ.get("SSO_CLAIM_CODE", "yztCode")
SSO_CLAIM_CAPACITY = os.environ.get("SSO_CLAIM_CAPACITY", "personType")
# Values of the capacity claim meaning "the 法人 itself" (anything else: an agent, 办事人员).
SSO_LEGAL_PERSON_VALUES = env_list("SSO_LEGAL_PERSON_VALUES", ["法人", "legal", "1"])
SSO_TIMEOUT_SECONDS = int(os.environ.get("SSO_TIMEOUT_SECONDS", "10"))
SSO_ENABLED = bool(SSO_ISSUER_URL and SSO_CLIENT_ID and SSO_CLIENT_SECRET)


def origin_of(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# The 法人一证通 button posts to the portal, which redirects to the provider: the browser applies
# form-action to that redirect too. SSO_FORM_ACTION adds origins if the login page lives elsewhere.
SSO_FORM_ACTION = [origin_of(SSO_ISSUER_URL)] * SSO_ENABLED + env_list("SSO_FORM_ACTION", [])
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += SSO_FORM_ACTION

SOCIALACCOUNT_ADAPTER = "accounts.adapters.PortalSocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never match an account by e-mail
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = SSO_TIMEOUT_SECONDS
SOCIALACCOUNT_PROVIDERS = {
    "yzt": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": "yzt",
                    "name": SSO_NAME,
                    "client_id": SSO_CLIENT_ID,
                    "secret": SSO_CLIENT_SECRET,
                    "settings": {"server_url": SSO_ISSUER_URL, "fetch_userinfo": True},
                }
            ]
            if SSO_ENABLED
            else []
        ),
        "SCOPE": SSO_SCOPES,
    }
}

# A second factor (allauth.mfa, TOTP) for the city's and districts' administrators and the monitor.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "上海市社会组织服务供需对接平台")
MFA_RECOVERY_CODES_SHOW_ONCE = True
# One 30-second step either side (RFC 6238 §5.2): a code typed as it changes, or read off a phone whose
# clock runs a little slow, still counts; each code is still accepted once only.
MFA_TOTP_TOLERANCE = 1
MFA_ALLOW_UNVERIFIED_EMAIL = True  # the platform does not verify addresses at sign-up (there is none)
MFA_ADAPTER = "accounts.adapters.PortalMFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms_mfa.PortalAuthenticateForm",
    "reauthenticate": "accounts.forms_mfa.PortalReauthenticateForm",
    "activate_totp": "accounts.forms_mfa.PortalActivateTOTPForm",
}

# Password reset by e-mail only for verified addresses; an unknown address gets no e-mail and the
# same answer on the page as a known one.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_FORMS = {
    "reset_password": "accounts.forms_recovery.PortalResetPasswordForm",
    "add_email": "accounts.forms_recovery.PortalAddEmailForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "【供需对接平台】"
