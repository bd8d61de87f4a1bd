"""Settings, read from the environment (django-environ).

Every variable is documented in the README. With DATABASE_URL and CELERY_BROKER_URL unset the
system runs embedded: SQLite and Celery in eager mode (tasks run in the calling process).
"""
import datetime
import os
import re
import tempfile
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# "production" (the default; the app refuses to start with unsafe settings, see the end of this file) or
# "development" (`make run`, the tests, local work): relaxed transport security for plain-http loopback.
ENVIRONMENT = env("ENVIRONMENT", default="production").strip().lower()
PRODUCTION = ENVIRONMENT != "development"
# The default key is only fit for a local first look; in production the app refuses to start with it.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-only-set-SECRET_KEY-in-production")
# Production names its host names itself (the app refuses to start without them).
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_standardized_errors",
    "django_htmx",
    "django_otp",  # one-time passwords: the second factor (issue 11, D15)
    "django_otp.plugins.otp_static",  # recovery codes (issue 11)
    "django_otp.plugins.otp_totp",  # authenticator apps (TOTP) (issue 11)
    "two_factor",  # the login wizard and the 2FA set-up screens (issue 11)
    "axes",  # login lockout per account and IP (issue 11, D9)
    "vroegsignalering.common",
    "accounts",
    "audit",  # the audit trail of personal data (issue 11)
    "signals",
    "cases",
    "contacts",
    "feedback",
    "shv",
    "monitor",
    "outreach",  # reaching the resident: plans, messages, letters (issue 13)
    "kcc",  # the call centre (issue 13)
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "vroegsignalering.common.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # early, so that a redirect of the sign-in rules below also carries it
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy with a nonce per request (issue 11)
    "django_permissions_policy.PermissionsPolicyMiddleware",  # Permissions-Policy (issue 11)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vroegsignalering.common.middleware.NoStoreMiddleware",  # no-store on every dynamic answer (issue 11)
    "vroegsignalering.common.middleware.ApiVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vroegsignalering.common.ratelimit_middleware.RateLimitMiddleware",  # per-IP limits (issue 11)
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() (issue 11)
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.session.SessionTimeoutMiddleware",  # idle timeout and absolute lifetime (issue 11, D15)
    "accounts.middleware.TwoFactorRequiredMiddleware",  # no screen without a confirmed second factor (issue 11)
    "accounts.middleware.ReauthMiddleware",  # recent sign-in before admin changes and exports (issue 11)
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditMiddleware",  # writes a request's audit events in one insert (issue 11)
    "axes.middleware.AxesMiddleware",  # the lockout page (last, as axes asks) (issue 11, D9)
]

ROOT_URLCONF = "vroegsignalering.urls"
WSGI_APPLICATION = "vroegsignalering.wsgi.application"
# The Dutch API Design Rules: a path with a trailing slash is another resource (404).
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vroegsignalering" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vroegsignalering.context_processors.navigation",
                "vroegsignalering.common.csp.nonce",  # {{ csp_nonce }} for django-htmx's script tag (issue 11)
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # A file (not shared-cache memory) so that concurrent connections wait for locks as in production.
    # One file per test process, so that parallel runs do not share it.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"vroegsignalering-test-{os.getpid()}.sqlite3"
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
# Passwords, login, second factor, sessions: the block "Sign-in" at the end (issue 11).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# A delivery of 1,000 signals is about 0.7 MB; larger bodies answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CSV_IMPORT_MAX_BYTES = env.int("CSV_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION or not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms (also htmx-boosted ones) carry the token from {% csrf_token %}.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (docker-compose, docs/operations.md).
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# --- API -------------------------------------------------------------------------------------
API_VERSION = "1.0.0"
# Requests per creditor (all its keys together), e.g. "600/min"; beyond it: 429 with Retry-After.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["signals.api.authentication.CreditorApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["vroegsignalering.common.parsers.JSONParser"],  # deep nesting: 400, not 500
    "DEFAULT_THROTTLE_CLASSES": ["signals.api.throttling.CreditorKeyRateThrottle"],
    "EXCEPTION_HANDLER": "vroegsignalering.common.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_FORMATTER_CLASS": "vroegsignalering.common.problems.ProblemFormatter",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vroegsignalering Signaalpartner-API",
    "DESCRIPTION": (
        "API voor vastelastenpartners: signalen aanleveren en terugkoppeling ophalen. "
        "Authenticatie met de header `X-Api-Key`. "
        "Onder `/gemeente/…` (tag Gemeente) de gemeentelijke API voor systemen van de gemeente zelf, met een "
        "token per gebruiker of serviceaccount in de header `Authorization: Token <token>`."
    ),
    "TAGS": [
        {"name": "Gemeente", "description": (
            "De gemeentelijke API: meldingen lezen, contactpogingen registreren, sluiten met een eindresultaat, "
            "heropenen en toewijzen, met dezelfde rollen en dezelfde afscherming per gemeente als de schermen. "
            "Authenticatie: `Authorization: Token <token>` (een token per vroegsignaleerder, teamleider of "
            "serviceaccount). Sleutels van vastelastenpartners werken hier niet.")},
    ],
    "VERSION": API_VERSION,
    "CONTACT": {
        "name": "Vroegsignalering",
        "url": "https://vroegsignalering.example.nl",
        "email": "api@vroegsignalering.example.nl",
    },
    "SERVERS": [{"url": env("API_PUBLIC_URL", default="https://vroegsignalering.example.nl/api/v1")}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": False,
    "OAS_VERSION": "3.0.3",
    "POSTPROCESSING_HOOKS": ["vroegsignalering.common.openapi.postprocess"],
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
}

# --- Checks ----------------------------------------------------------------------------------
# Enqueue the checks when a delivery is stored (off only for bulk loads: the sweeper then picks them up).
CHECKS_ON_INTAKE = env.bool("CHECKS_ON_INTAKE", default=True)
# Checks in chunks (one task each, ADR 0012): a chunk stops asking the BRP after its budget (s); a check not
# finished within its lease (s) is stalled and the sweeper gives it to another worker.
CHECKS_CHUNK_SIZE = env.int("CHECKS_CHUNK_SIZE", default=200)
CHECKS_CHUNK_BUDGET = env.float("CHECKS_CHUNK_BUDGET", default=240.0)
CHECKS_LEASE_SECONDS = env.int("CHECKS_LEASE_SECONDS", default=600)

# The BRP (Haal Centraal BRP Personen v2). Default: the fake `make run` starts; an API key or OAuth2 credentials.
BRP_BASE_URL = env("BRP_BASE_URL", default="http://127.0.0.1:5010/haalcentraal/api/brp")
BRP_API_KEY = env("BRP_API_KEY", default="")
BRP_OAUTH_TOKEN_URL = env("BRP_OAUTH_TOKEN_URL", default="")
BRP_OAUTH_CLIENT_ID = env("BRP_OAUTH_CLIENT_ID", default="")
BRP_OAUTH_CLIENT_SECRET = env("BRP_OAUTH_CLIENT_SECRET", default="")
BRP_OAUTH_SCOPE = env("BRP_OAUTH_SCOPE", default="")
BRP_TIMEOUT = env.float("BRP_TIMEOUT", default=10.0)
BRP_RETRIES = env.int("BRP_RETRIES", default=3)
# BRP questions in flight per worker process in a chunk's checks (host total: processes × this; ADR 0012).
BRP_CONCURRENCY = env.int("BRP_CONCURRENCY", default=16)
# The official mock's test persons, served by the fake BRP (absent: demo persons only).
BRP_FAKE_MOCK_DATA = env(
    "BRP_FAKE_MOCK_DATA", default=str(BASE_DIR.parent / "shared/haal-centraal/personen-mock-test-data.json")
)

# The debt-assistance (SHV) register: the imported table (default) or an HTTP endpoint.
SHV_ADAPTER = env("SHV_ADAPTER", default="shv.adapters.RegisterAdapter")
SHV_HTTP_URL = env("SHV_HTTP_URL", default="")
SHV_HTTP_TIMEOUT = env.float("SHV_HTTP_TIMEOUT", default=5.0)
SHV_HTTP_API_KEY = env("SHV_HTTP_API_KEY", default="")
# Accept BSNs that fail the elfproef in the register import (test persons, demo data only).
SHV_ACCEPT_TEST_BSNS = env.bool("SHV_ACCEPT_TEST_BSNS", default=False)

# Webhooks for creditor feedback (docs/webhooks.md): seconds per request; http allowed besides
# https (development and tests only); hours after which an undelivered item is given up.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=DEBUG)
# Deliver to (and accept) addresses on loopback or private/link-local networks: tests and development only
# (otherwise whoever sets a webhook address could probe the internal network; docs/webhooks.md).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)
WEBHOOK_GIVE_UP_AFTER = datetime.timedelta(hours=env.float("WEBHOOK_GIVE_UP_AFTER_HOURS", default=24))

# --- Outreach: SMS and e-mail through a Notify gateway (issue 13, the gateway part; docs/outreach-gateway.md) ---
# NotifyNL (https://api.notifynl.nl) or GOV.UK Notify. In development the defaults are the fake on loopback that
# `make run` starts (`manage.py run_fake_notify`) with a key it accepts; in production there are no defaults,
# so nothing is sent until the gateway is set (a step then fails visibly, never to the fake).
_NOTIFY_DEV_KEY = "vroegsignalering_dev-6f0c6d7e-4b7a-4f4e-9a51-0d1e2c3b4a59-3d0f8b2e-9c41-4e57-8a6b-5f2d1c0e9b73"
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="" if PRODUCTION else "http://127.0.0.1:5020")
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="" if PRODUCTION else _NOTIFY_DEV_KEY)
NOTIFY_TIMEOUT = env.float("NOTIFY_TIMEOUT", default=10.0)
# One Notify template per channel whose body is only ((inhoud)) (and subject ((onderwerp))): our texts are sent.
NOTIFY_SMS_TEMPLATE_ID = env("NOTIFY_SMS_TEMPLATE_ID",
                             default="" if PRODUCTION else "a1b2c3d4-0000-4000-8000-000000000501")
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID",
                               default="" if PRODUCTION else "a1b2c3d4-0000-4000-8000-000000000502")
NOTIFY_SMS_SENDER_ID = env("NOTIFY_SMS_SENDER_ID", default="")
NOTIFY_EMAIL_REPLY_TO_ID = env("NOTIFY_EMAIL_REPLY_TO_ID", default="")
# The bearer token Notify sends with its delivery callbacks (set the same in Notify's admin; ≥ 32 random
# characters). Empty: every callback is refused (401).
NOTIFY_CALLBACK_TOKEN = env("NOTIFY_CALLBACK_TOKEN",
                            default="" if PRODUCTION else "ontwikkel-afleverstatus-token-niet-voor-productie")
# E-mail through Notify (default) or through SMTP with Django's mail settings below.
OUTREACH_EMAIL_VIA = env("OUTREACH_EMAIL_VIA", default="notify").strip().lower()
if OUTREACH_EMAIL_VIA not in ("notify", "smtp"):
    raise environ.ImproperlyConfigured("OUTREACH_EMAIL_VIA moet 'notify' of 'smtp' zijn.")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
                    else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="vroegsignalering@gemeente.example")
# The queue of the steps that wait on the gateway (``outreach_step_run``): empty = the default queue. Set to
# "outreach" with a thread-pool worker per core on it (docker-compose.yml `worker-outreach`): ~100 ms of waiting
# per message needs many in flight, which a prefork worker of 2 processes cannot give (bench/outreach.py).
OUTREACH_QUEUE = env("OUTREACH_QUEUE", default="")

# --- DDAS v1.2 export (docs/monitor.md) --------------------------------------------------------
def _software_version() -> str:
    """``softwareVersion`` from publiccode.yml (the one place the version is kept)."""
    try:
        text = (BASE_DIR / "publiccode.yml").read_text(encoding="utf-8")
    except OSError:
        return "onbekend"
    match = re.search(r"""^softwareVersion:\s*["']?([^"'\s]+)""", text, re.MULTILINE)
    return match[1] if match else "onbekend"


SOFTWARE_VERSION = _software_version()
# codeGegevensleverancier: the software supplier's name and version (DDAS FAQ), or the hosting party's code.
DDAS_SUPPLIER_CODE = env("DDAS_SUPPLIER_CODE", default=f"Vroegsignalering {SOFTWARE_VERSION}")

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=None)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ROUTES = {"outreach.tasks.outreach_step_run": {"queue": OUTREACH_QUEUE}} if OUTREACH_QUEUE else {}
# A static schedule in code; no jobs between 02:00 and 03:00 (backups, DST changes).
CELERY_BEAT_SCHEDULE: dict = {
    # Matching and routing: each municipality's ended period, checked every morning.
    "periods-close": {"task": "cases.tasks.periods_close", "schedule": crontab(minute=30, hour=6)},
    # The 28-day window: hourly, so a case closes within the hour its window ends.
    "cases-close-expired": {"task": "cases.tasks.cases_close_expired", "schedule": crontab(minute=5, hour="0-1,3-23")},
    "signals-attach-late": {"task": "cases.tasks.signals_attach_late",
                            "schedule": crontab(minute="*/15", hour="0-1,3-23")},
    "checks-sweep": {
        "task": "signals.tasks.checks_sweep",
        "schedule": crontab(minute="*/5", hour="0-1,3-23"),
    },
    "csv-import-sweep": {
        "task": "signals.tasks.csv_import_sweep",
        "schedule": crontab(minute="*/15", hour="0-1,3-23"),
    },
    # Outreach letters (issue 13): stalled print batches, unfinished handovers, batch PDFs past their 14 days.
    "print-batches-sweep": {"task": "outreach.tasks.print_batches_sweep",
                            "schedule": crontab(minute="7-59/15", hour="0-1,3-23")},
    # Feedback: publish what committed, push it to webhooks, retry due webhook deliveries.
    "feedback-sweep": {"task": "feedback.tasks.feedback_sweep", "schedule": crontab(minute="*", hour="0-1,3-23")},
    # Retention: destroy the personal data past its term, nightly (docs/retention.md). At 01:30, not in the
    # 02:00–03:00 hour that summer time skips or doubles (docs/operations.md, "Periodic jobs").
    "personal-data-purge": {"task": "privacy.tasks.personal_data_purge", "schedule": crontab(minute=30, hour=1)},
    # --- outreach engine (issue 13): start plans, send due steps, re-enqueue lost ones ---
    "outreach-sweep": {"task": "outreach.tasks.outreach_sweep", "schedule": crontab(minute="*/5", hour="0-1,3-23")},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "vroegsignalering.common.request_id.RequestIdLogFilter"},
        # No personal data in logs (D13): URL patterns instead of paths with ids, then masking of query
        # strings, BSN-like numbers, e-mail addresses and phone numbers (vroegsignalering/common/logging.py).
        "request_path": {"()": "vroegsignalering.common.logging.RequestPathFilter"},
        "personal_data": {"()": "vroegsignalering.common.logging.PersonalDataFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "filters": ["request_id", "request_path", "personal_data"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO").upper()},
    # httpx logs every request at INFO; the BSN-bearing traffic to the BRP stays out of the logs.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # axes logs every successful login's clean-up at INFO; lockouts and repeated failures stay (WARNING).
        "axes": {"level": "WARNING"},
        # Even at LOG_LEVEL=DEBUG: template lookups log the whole context (names, birth dates) and SQL
        # its parameters (BSNs); neither may reach a log (D13).
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # runserver's request lines (the embedded run) through the filtered handler, not Django's default one.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Eager Celery (the embedded default) would log every task run in the web process.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}

# --- API and CSV input (issue 11) ---
# Imports of one creditor or one uploader that may wait or run at once (each holds its file, up to
# CSV_IMPORT_MAX_BYTES, in the database until it ends); a further upload is refused with a message.
CSV_IMPORT_MAX_OPEN = env.int("CSV_IMPORT_MAX_OPEN", default=2)

# --- kcc (issue 13): the call centre's search -------------------------------------------------------------
# Searches per KCC employee (a call takes minutes; more is someone browsing addresses); beyond it: 429.
KCC_SEARCH_RATE_LIMIT = env("KCC_SEARCH_RATE_LIMIT", default="60/h")
# How long (seconds) a search result's token lets the employee register "inwoner belde".
KCC_TOKEN_MAX_AGE = env.int("KCC_TOKEN_MAX_AGE", default=15 * 60)

# --- Security (issue 11): the audit trail, rate limits, sign-in, the hardened surface ------------------
from vroegsignalering.settings_security import *  # noqa: E402,F403
