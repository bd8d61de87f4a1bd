"""Settings, part two: security (issue 11) — the audit trail, rate limits, sign-in (second factor, lockout,
passwords, sessions, single sign-on) and the hardened web surface. Read from the environment like the rest
(``vroegsignalering/settings.py`` imports this module last; every variable is in the README's table and
``docs/security.md`` says which control each one sets)."""
import datetime

from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from vroegsignalering.settings import BASE_DIR, PRODUCTION, env

# --- audit trail (issue 11) ---
# The key of the keyed hashes (HMAC-SHA256) that stand for BSNs and search terms in the audit trail. Default:
# derived from SECRET_KEY; set it in production and keep it, or older events can no longer be found by person.
AUDIT_HASH_KEY = env("AUDIT_HASH_KEY", default="")
# At most this many events in one CSV export of the audit trail.
AUDIT_EXPORT_MAX_ROWS = env.int("AUDIT_EXPORT_MAX_ROWS", default=100_000)
# The audit trail's own term in months (issue 12): the daily purge deletes older events, the admin's log and
# login attempts. At least 6 (the shortest default term of a case: the trail must outlive the data it accounts
# for, for the inzage report); docs/retention.md.
AUDIT_RETENTION_MONTHS = env.int("AUDIT_RETENTION_MONTHS", default=24)
if AUDIT_RETENTION_MONTHS < 6:
    raise ImproperlyConfigured("AUDIT_RETENTION_MONTHS moet minstens 6 (maanden) zijn.")
# --- Rate limits and log privacy (issue 11) ---
# Per client IP (vroegsignalering/common/ratelimit.py): POSTs to the sign-in pages, and API requests
# without (valid) credentials. "N/s|m|h|d" or "N/<k>m" ("20/min", "100/5m"). The creditor and user-token
# limit is API_RATE_LIMIT above.
LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", default="20/min")
LOGIN_RATE_LIMIT_PATHS = env.list("LOGIN_RATE_LIMIT_PATHS", default=["/inloggen", "/beheer/login/"])
UNAUTHENTICATED_RATE_LIMIT = env("UNAUTHENTICATED_RATE_LIMIT", default="60/min")
# Proxies in front of the app whose X-Forwarded-For entries are believed (0: use REMOTE_ADDR only).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# django-ratelimit counts in this cache (Redis in production: atomic INCR); it is not in INSTALLED_APPS,
# as its system check calls LocMemCache an error, while the embedded run is one process where it is exact.
RATELIMIT_USE_CACHE = "default"
# --- Sign-in: second factor, lockout, passwords, sessions, single sign-on (issue 11) ---
# Every interactive web user confirms a second factor (an authenticator app, TOTP; recovery codes as a
# fallback); a signed-in user without one can only set one up (accounts/middleware.py). Off only for the
# embedded demo (`make run` sets it to false for its fake data).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
TWO_FACTOR_LOGIN_TIMEOUT = 300  # seconds between the password and the code
TWO_FACTOR_TOTP_DIGITS = 6
TWO_FACTOR_REMEMBER_COOKIE_AGE = None  # no "remember this device": every sign-in asks for the code
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Vroegsignalering")
# Wrong codes slow down the next try (django-otp's throttling: 1 s, 2 s, 4 s, …).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address before the password check
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account, or from one address, that
# account or address is locked for LOGIN_LOCKOUT_MINUTES; an installation administrator unlocks in /beheer/.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.float("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = env.list("LOGIN_LOCKOUT_BY", default=["username", "ip_address"])
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # the Dutch page: registration/lockout.html
AXES_ENABLE_ADMIN = False  # registered with the installation administrator's scoping: accounts/admin_auth.py
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (AccessAttempt, AccessFailureLog); successes are not
AXES_VERBOSE = False

# Passwords (NCSC, ASVS 2.1): at least 12 characters, not a known common password, not like the user's own
# data, not made of a municipality's name, the application's name or a season and a year.
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.password_validation.ContextWordsValidator"},
]

# Sessions: a cookie for this browser session only; signed out after SESSION_IDLE_TIMEOUT minutes without a
# request and SESSION_ABSOLUTE_LIFETIME hours after signing in (accounts/session.py).
SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=env.float("SESSION_IDLE_TIMEOUT", default=15))
SESSION_ABSOLUTE_LIFETIME = datetime.timedelta(hours=env.float("SESSION_ABSOLUTE_LIFETIME", default=9))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
# Re-authentication: changes in /beheer/ and the exports ask for the password (and code) again when the last
# sign-in is older than REAUTH_MAX_AGE minutes (accounts/middleware.py).
REAUTH_MAX_AGE = datetime.timedelta(minutes=env.float("REAUTH_MAX_AGE", default=10))
REAUTH_URL_NAMES = env.list("REAUTH_URL_NAMES", default=["csv_import_results_csv", "team:visits_print",
                                                                  "audit:export", "privacy:inzage_json",
                                                                  "privacy:inzage_pdf", "ddas:export",
                                                                  # kcc (issue 13): the call list
                                                                  "kcc:call_list_export_csv",
                                                                  "kcc:call_list_export_excel",
                                                                  # outreach: the print batch's names and addresses
                                                                  "outreach:batch_pdf"])
# Single sign-on with the municipality's identity provider (OpenID Connect, accounts/oidc.py): off unless
# OIDC_RP_CLIENT_ID is set. Endpoints from OIDC_OP_ISSUER's discovery document unless set one by one.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "/inloggen?sso=mislukt"
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_ROLE_CLAIM = env("OIDC_ROLE_CLAIM", default="vroegsignalering_rol")
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})  # e.g. "VS-Medewerkers=vroegsignaleerder,VS-Leiding=teamleider"
OIDC_MUNICIPALITIES_CLAIM = env("OIDC_MUNICIPALITIES_CLAIM", default="gemeentecodes")  # CBS codes
OIDC_ALLOWED_ROLES = env.list("OIDC_ALLOWED_ROLES",
                              default=["vroegsignaleerder", "teamleider", "functioneel_beheerder", "auditor"])
OIDC_ALLOW_INSTALLATION_ADMIN = env.bool("OIDC_ALLOW_INSTALLATION_ADMIN", default=False)
# The provider's sign-in counts as the second factor only when its ID token says so.
OIDC_MFA_AMR_VALUES = env.list("OIDC_MFA_AMR_VALUES", default=["mfa", "otp", "hwk", "swk", "sc", "fpt", "face"])
OIDC_MFA_ACR_VALUES = env.list("OIDC_MFA_ACR_VALUES", default=[])
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.MunicipalOIDCBackend")
# Dutch texts for the sign-in packages (django-otp and django-axes have none).
LOCALE_PATHS = [BASE_DIR / "accounts" / "locale"]
# --- Hardened web surface and production guard rails (issue 11) -----------------------------------
# Transport: HTTPS only in production (a year of HSTS, redirect from http); off for the embedded run on
# plain-http loopback (ENVIRONMENT=development). The OpenAPI document stays reachable over http for the
# container's health check (docker-compose.yml); it holds no personal data.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/openapi\.json$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Paths carry case and signal ids: never sent to another site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles from this site only, plus the per-request nonce
# (django-htmx's script tag carries it). No inline script, style or style="…" attribute in any template
# (static: vroegsignalering/common/static/vroegsignalering/site.css and site.js); htmx runs without eval and
# without its injected indicator <style> (htmx-config in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # NONCE: the request's nonce, when a template used it
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Permissions-Policy (django-permissions-policy): no device or payment access; WebAuthn for this site only.
# (Only features Chromium knows: an unknown one is a console warning on every page.)
PERMISSIONS_POLICY = {
    **{feature: [] for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection",
        "interest-cohort", "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials", "payment",
        "picture-in-picture", "screen-wake-lock", "serial", "usb", "window-management", "xr-spatial-tracking",
    )},
    "fullscreen": "self",
    "publickey-credentials-create": "self",
    "publickey-credentials-get": "self",
}

# Request limits (the body limit is DATA_UPLOAD_MAX_MEMORY_SIZE above): fields per form or query string and
# files per upload. Beyond them: 400 (screens: a Dutch page; API: a Dutch problem+json). The query string's
# length is capped before Django: gunicorn refuses request lines over 4,094 bytes (limit_request_line, 414).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=5)

# Production guard rails: vroegsignalering.common.guard refuses to start (django.setup(): gunicorn, Celery,
# every manage.py command) in production with DEBUG on, the default or a weak SECRET_KEY, no ALLOWED_HOSTS
# (or "*"), or TWO_FACTOR_REQUIRED off.
