"""The one settings file. Every value comes from the environment (see README's configuration table).

With no DATABASE_URL / REDIS_URL the demo runs on embedded defaults: SQLite, the in-memory channel layer
and Celery tasks executed in-process. Production sets both.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from helpdesk.env import (
    attachment_storage,
    database_from_url,
    envbool,
    envint,
    envlist,
    envmap,
    envnetworks,
    envsecret,
    envsecret_required,
    envstr,
    envsubset,
    redis_namespace,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("HELPDESK_DEBUG", False)

SECRET_KEY = envsecret_required(
    "HELPDESK_SECRET_KEY", debug=DEBUG, debug_value="insecure-debug-only-key-never-used-in-production"
)
# The exchange's backend signs widget tokens (HS256) with this secret. HS256 wants a key at least as long as its
# 32-byte hash (RFC 7518 §3.2): a shorter one can be guessed offline from any token a customer holds.
WIDGET_SECRET_MIN_BYTES = 32
WIDGET_SECRET = envsecret_required(
    "HELPDESK_WIDGET_SECRET",
    debug=DEBUG,
    debug_value="insecure-debug-widget-secret-change-me",
    min_bytes=WIDGET_SECRET_MIN_BYTES,
)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
AGENT_SOCKET_ORIGINS = envlist("HELPDESK_AGENT_ORIGINS")

INSTALLED_APPS = [
    "accounts.apps.HelpdeskAdminConfig",  # django.contrib.admin, signing in through the limits
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "tickets",
    "chat",
    "recovery",
    "pnl",
    "supervisor",
    "helpdesk.apps.HelpdeskConfig",  # the wiring on top: no models, the commands that span the apps (seed_demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bad input is refused at the door, in the reader's language (after LocaleMiddleware), with request.user known
    # for the page; API errors are JSON whatever produced them. See helpdesk/middleware.py.
    "helpdesk.middleware.ApiErrorsAsJson",
    "helpdesk.middleware.RefuseUnreadableInput",
    "django_otp.middleware.OTPMiddleware",
    # Ends staff sessions past their hours or ended elsewhere; holds a password-only session at the second step.
    "accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
ASGI_APPLICATION = "helpdesk.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.navigation",
                "accounts.context_processors.signin",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------------------------

DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = envint("HELPDESK_DB_CONN_MAX_AGE", 0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("HELPDESK_SQLITE_PATH", str(BASE_DIR / "demo.sqlite3")),
            # The demo's ASGI process writes from several threads; wait rather than fail.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

REDIS_URL = envstr("REDIS_URL")
# Every name this deployment gives Redis (channel layer, Celery queue and keys, cache) starts with this, so that
# deployments sharing a Redis server never see each other (helpdesk/env.py says why; README, "Several deployments
# on one Redis").
REDIS_NAMESPACE = redis_namespace(REDIS_URL, envstr("HELPDESK_INSTANCE"))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub with local delivery and batched publishes: helpdesk/channel_layer.py and BENCHMARKS.md.
            "BACKEND": envstr("HELPDESK_CHANNEL_BACKEND", "helpdesk.channel_layer.RedisPubSubChannelLayer"),
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py 8 times reads out after 5 s by default; the core layer blocks longer than that.
                        "socket_timeout": 15,
                        "socket_connect_timeout": 5,
                        # redis-py's pool raises when full; thousands of sockets joining need more than 100.
                        "max_connections": envint("HELPDESK_REDIS_MAX_CONNECTIONS", 2000),
                    }
                ],
                "prefix": envstr("HELPDESK_CHANNEL_PREFIX", f"{REDIS_NAMESPACE}."),
                # Used by the core layer only.
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Celery ----------------------------------------------------------------------------------------

CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in-process; without a URL kombu warned it was "reverting to default 'localhost'" (untrue).
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_VISIBILITY_TIMEOUT = envint("HELPDESK_CELERY_VISIBILITY_TIMEOUT", 600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # kombu scanned for overdue unacknowledged tasks on every 10th look, 10 s apart: a killed worker's task came back
    # up to 100 s late. Scan on every look, a fifth of the timeout apart (at most 10 s; one ZRANGE each).
    "unacked_restore_throttle": 1,
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 5)),
    # The queue, its bindings, the unacknowledged-task hash and the control channels, under our own name.
    "global_keyprefix": f"{REDIS_NAMESPACE}:",
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_NAMESPACE}:"}
CELERY_TASK_DEFAULT_QUEUE = envstr("HELPDESK_CELERY_QUEUE", REDIS_NAMESPACE)
# The broker may lose tasks; PostgreSQL keeps the work: overdue work is sent again by the sweepers (celery beat).
# They only send tasks: no periodic task changes a conversation or a ticket (tests/chat/test_no_timer.py).
SWEEP_SECONDS = envint("HELPDESK_SWEEP_SECONDS", 60)
STALE_SECONDS = envint("HELPDESK_STALE_SECONDS", 120)
CELERY_BEAT_SCHEDULE = {
    name: {"task": name, "schedule": float(SWEEP_SECONDS), "options": {"expires": float(SWEEP_SECONDS)}}
    for name in ("recovery.lookups_sweep", "tickets.deliveries_sweep")
}

# --- Auth ------------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_RATE_LIMIT = envint("HELPDESK_LOGIN_RATE_LIMIT", 10)  # failed attempts per 15 minutes per address
# Per account, whatever the address: higher, so that one guessing address is stopped first and a colleague's typos
# do not lock an agent out; low enough to stop a guesser spread over many addresses.
LOGIN_ACCOUNT_RATE_LIMIT = envint("HELPDESK_LOGIN_ACCOUNT_RATE_LIMIT", 20)

# --- Staff sign-in: second factor, single sign-on, session lifetime (docs/SECURITY.md) ----------------

STAFF_ROLES = {"agent", "supervisor", "admin"}
# Roles that must pass a second factor (TOTP, a passkey or a recovery code) before reaching anything.
MFA_REQUIRED_ROLES = envsubset("HELPDESK_MFA_REQUIRED", "supervisor,admin", STAFF_ROLES)
# false: no password sign-in anywhere (this page, the admin's, passkey-only sign-in): the identity provider only.
PASSWORD_LOGIN = envbool("HELPDESK_PASSWORD_LOGIN", True)
# Absolute, not sliding: a session signed in at 08:00 ends at 20:00 however busy it was.
STAFF_SESSION_HOURS = envint("HELPDESK_STAFF_SESSION_HOURS", 12)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600
AUTHENTICATION_BACKENDS = [
    "accounts.signin_limits.SignInLimitsBackend",  # first: the failed-attempt limits hold for every way in
    "accounts.backends.PasswordBackend",
    "django_otp_webauthn.backends.WebAuthnBackend",
    "accounts.backends.SsoBackend",
]
OTP_TOTP_ISSUER = envstr("HELPDESK_MFA_ISSUER", "Helpdesk")
# Passkeys are bound to this domain: a look-alike domain cannot use them (the browser refuses).
OTP_WEBAUTHN_RP_ID = envstr(
    "HELPDESK_WEBAUTHN_RP_ID",
    next((host.lstrip(".") for host in ALLOWED_HOSTS if not host[:1].isdigit() and host != "*"), "localhost"),
)
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = envlist(
    "HELPDESK_WEBAUTHN_ORIGINS", "http://localhost:8000" if DEBUG else f"https://{OTP_WEBAUTHN_RP_ID}"
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = PASSWORD_LOGIN
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "accounts.passkeys"

# OpenID Connect: set the issuer (its /.well-known/openid-configuration is read on first use) to offer SSO.
OIDC_ISSUER = envstr("HELPDESK_OIDC_ISSUER").rstrip("/")
OIDC_CLIENT_ID = envstr("HELPDESK_OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = envsecret("HELPDESK_OIDC_CLIENT_SECRET")
OIDC_SCOPES = envstr("HELPDESK_OIDC_SCOPES", "openid email profile")
OIDC_ROLE_CLAIM = envstr("HELPDESK_OIDC_ROLE_CLAIM", "helpdesk_role")
# IdP value -> helpdesk role; a claim holding none of these is refused.
OIDC_ROLE_MAP = envmap("HELPDESK_OIDC_ROLE_MAP", "agent=agent,supervisor=supervisor,admin=admin")
# false: the identity provider's own MFA stands for ours; true: SSO sign-ins also pass our second step.
OIDC_LOCAL_MFA = envbool("HELPDESK_OIDC_LOCAL_MFA", False)
if set(OIDC_ROLE_MAP.values()) - STAFF_ROLES:
    raise ImproperlyConfigured(f"HELPDESK_OIDC_ROLE_MAP maps to unknown roles; use {', '.join(sorted(STAFF_ROLES))}")
if OIDC_ISSUER and not OIDC_CLIENT_ID:
    raise ImproperlyConfigured("HELPDESK_OIDC_CLIENT_ID is required with HELPDESK_OIDC_ISSUER")
if not PASSWORD_LOGIN and not OIDC_ISSUER:
    raise ImproperlyConfigured("HELPDESK_PASSWORD_LOGIN=false needs HELPDESK_OIDC_ISSUER: nobody could sign in")

# --- I18n ------------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("zh-hans", "简体中文"),
    ("fil", "Filipino"),
    ("bn", "বাংলা"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("HELPDESK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("HELPDESK_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if not envbool("HELPDESK_STATIC_MANIFEST", not DEBUG)
        else "helpdesk.static_storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = envbool("HELPDESK_STATIC_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Security --------------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the console's JS reads it for POSTs
SESSION_COOKIE_SECURE = envbool("HELPDESK_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("HELPDESK_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("HELPDESK_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("HELPDESK_HSTS_PRELOAD", not DEBUG)
if envbool("HELPDESK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Only these peers' X-Forwarded-For names the client (helpdesk/proxy.py); default none: the peer is the client.
TRUSTED_PROXIES = envnetworks("HELPDESK_TRUSTED_PROXIES")

# A strict policy: no inline scripts or styles anywhere (templates load small ES modules).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'", "ws:", "wss:"] if DEBUG else ["'self'", "wss:"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}

# --- Product ---------------------------------------------------------------------------------------

CHAT_MAX_BODY = envint("HELPDESK_CHAT_MAX_BODY", 8000)
CHAT_RATE_PER_10S = envint("HELPDESK_CHAT_RATE_PER_10S", 30)  # frames a socket may send in 10 s
CHAT_REPLAY_LIMIT = envint("HELPDESK_CHAT_REPLAY_LIMIT", 5000)
CHAT_AUTO_OFFER = envbool("HELPDESK_AUTO_OFFER", True)  # invite an agent; never assigns
# The history pager counts at most this many conversations ("1,000+"): a common word must not read every match.
HISTORY_COUNT_CAP = envint("HELPDESK_HISTORY_COUNT_CAP", 1000)
CHAINS_FILE = envstr("HELPDESK_CHAINS_FILE", str(BASE_DIR / "recovery" / "chains.default.toml"))
WIDGET_EMBED_ORIGINS = envlist("HELPDESK_WIDGET_ORIGINS", "'self'")
DEMO = envbool("HELPDESK_DEMO", DEBUG)
# Address poisoning: a recipient sharing this many characters at each end (after 0x) with one of the customer's own
# addresses is called a look-alike (recovery/poisoning.py).
POISONING_MATCH = envint("HELPDESK_POISONING_MATCH", 4)
# The exchange's own domains: links whose domain imitates one of them are flagged for staff (chat/screening.py).
# Empty: the check is off.
OFFICIAL_DOMAINS = [domain.lower().strip(".") for domain in envlist("HELPDESK_OFFICIAL_DOMAINS") if domain.strip(".")]
# Webhooks to the exchange: attempts per delivery, and the first retry delay (then doubled each time).
WEBHOOK_MAX_ATTEMPTS = envint("HELPDESK_WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = envint("HELPDESK_WEBHOOK_RETRY_BASE_SECONDS", 10)
# An agent's reply unread this long while the customer has no socket open: the chat.reply_waiting webhook.
REPLY_WAITING_SECONDS = envint("HELPDESK_REPLY_WAITING_SECONDS", 120)

# --- Attachments (chat/attachments/, docs/protocol.md) -------------------------------------------------

ATTACHMENT_MAX_BYTES = envint("HELPDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_PIXELS = envint("HELPDESK_ATTACHMENT_MAX_PIXELS", 50_000_000)  # width x height x frames
ATTACHMENT_URL_SECONDS = envint("HELPDESK_ATTACHMENT_URL_SECONDS", 600)  # signed links live this long
ATTACHMENT_UPLOADS_PER_MINUTE = envint("HELPDESK_ATTACHMENT_UPLOADS_PER_MINUTE", 20)  # per customer, per staff user
# Files are stored under random names, never served by the web server or the bucket directly: only through
# signed links to our own view, which sets the headers. The filesystem by default (the demo); a bucket if named.
MEDIA_ROOT = Path(envstr("HELPDESK_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES["attachments"] = attachment_storage(MEDIA_ROOT / "attachments")  # HELPDESK_S3_BUCKET: a private bucket

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The API speaks JSON only, both ways (docs/api.md): no form encodings, no browsable HTML pages.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_METADATA_CLASS": "tickets.api_input.ApiMetadata",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "tickets.api_input.JsonAlways",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",  # DRF's test client speaks the API's only language
    "DEFAULT_PAGINATION_CLASS": "tickets.api_input.ApiPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk exchange integration API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components, so "required, not blank" (minLength) is documented where it holds.
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("HELPDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "web3": {"level": "WARNING"},  # it logs every provider disconnect at INFO
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    redis_cache = {"LOCATION": REDIS_URL, "KEY_PREFIX": f"{REDIS_NAMESPACE}.cache"}
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", **redis_cache}
