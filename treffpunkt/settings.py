"""Settings for Treffpunkt, read from environment variables.

With nothing set, the embedded defaults apply: SQLite (WAL) and the in-memory channel layer, DEBUG
on. With DEBUG off, the production values are required and a missing one stops the start.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def required(name, dev_default):
    value = os.environ.get(name)
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")


SECRET_KEY = required("SECRET_KEY", "dev-only-insecure-key-treffpunkt-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
if not DEBUG and not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Not "daphne": its app only swaps in its runserver, and importing it installs Twisted's reactor,
# with an event loop, in every process that loads the settings, the pre-forking master of
# treffpunkt.serve included (a loop shared over fork() would be shared by every worker). Serve
# with `make run` or `python -m treffpunkt.serve`.
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "treffpunkt",
    "congress",
    "conversations",
    "expo",
    "matchmaking",
    "backoffice",
    "stage",
    "accessibility",
    "demo",
    "notifications",
    # Before allauth, so its templates and catalogue (formal German) override allauth's own.
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "privacy",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise's, sharing its scan of the collected files with web.static_fast.
    "web.static_fast.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.OrganizerMFAMiddleware",
    "privacy.middleware.ConsentAgainMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "treffpunkt.unavailable.DatabaseUnavailableMiddleware",
    "treffpunkt.middleware.RunMiddlewareInOneThread",
]

ROOT_URLCONF = "treffpunkt.urls"
ASGI_APPLICATION = "treffpunkt.asgi.application"
# Garbage-collector thresholds of the ASGI processes ("" keeps Python's defaults).
GC_THRESHOLD = os.environ.get("GC_THRESHOLD", "100000,50,1000")
# ASGI wrappers that answer cached public GETs before Django's request cycle, first one outermost
# (collected static files: web/static_fast.py; schedule exports: docs/exports.md).
ASGI_HTTP_FAST_PATHS = env_list(
    "ASGI_HTTP_FAST_PATHS",
    ["web.static_fast.serve_static_files", "congress.export_views.serve_cached_exports"],
)
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default, PostgreSQL (psycopg 3, pooled) from DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Keep the connection: opening one (with the WAL pragmas) cost more than a websocket
    # subscribe's queries. Sync code runs on one shared thread per process, so this is one file
    # handle per process.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_POOL", True
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Makes the pool test each connection before lending it: those that died with a restarted
    # server are replaced instead of failing a request each.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        # A down database answers 503 within about these seconds (treffpunkt/unavailable.py).
        "connect_timeout": 2,
        "pool": {
            "min_size": 1,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")),
            "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "1")),
        },
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 2
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, but no waiting for a connection while the database is known to be down
    # (treffpunkt/unavailable.py).
    DATABASES["default"]["ENGINE"] = "treffpunkt.db.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and channel layer: local memory by default, Redis from REDIS_URL. The "pages" cache stays in
# the process whatever REDIS_URL says: rendered page parts under keys that carry the programme
# version or only the language (web/page_cache.py). The rate limits on "local" count in process
# memory (treffpunkt/ratelimit.py), not in a cache.
PAGES_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, with one Redis client per pool rather than one per operation.
            "BACKEND": "treffpunkt.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "treffpunkt"),
        },
        "pages": PAGES_CACHE,
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": 50}],
                "prefix": os.environ.get("CHANNEL_PREFIX", "treffpunkt"),
            },
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": PAGES_CACHE,
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            # The hub holds one subscription per topic for the process's lifetime.
            "CONFIG": {"capacity": 10000, "group_expiry": 10 * 365 * 86400},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# accounts/allauth_locale: formal German ("Sie") for django-allauth's own texts.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "accounts" / "allauth_locale"]
TIME_ZONE = "Europe/Berlin"
# Day-first dates and 24-hour times in both languages (treffpunkt/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["treffpunkt.formats"]
# The language organizers write titles, abstracts and bios in; marked with lang= on other pages.
CONTENT_LANGUAGE = "de"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Data-protection archives: outside MEDIA_ROOT, served only to their owner (privacy app).
PRIVACY_EXPORT_ROOT = Path(os.environ.get("PRIVACY_EXPORT_ROOT", BASE_DIR / "private"))
PRIVACY_EXPORT_DAYS = int(os.environ.get("PRIVACY_EXPORT_DAYS", "7"))
PRIVACY_NOTICE_TEXT = os.environ.get("PRIVACY_NOTICE_TEXT", "")
IMPRINT_TEXT = os.environ.get("IMPRINT_TEXT", "")
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, module imports included (web/storage.py); they need `collectstatic`. With
    # DEBUG on, pages name the plain files, which WhiteNoise serves from the apps' directories.
    "staticfiles": {"BACKEND": "web.storage.HashedStaticFilesStorage"},
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "treffpunkt.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "treffpunkt.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Treffpunkt API",
    "DESCRIPTION": "Programme, live sessions, expo and matchmaking of virtual congresses.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "state"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "MeetingStateEnum": "matchmaking.models.Meeting.State",
        "ReportStateEnum": "matchmaking.models.Report.State",
        "SessionStateEnum": "congress.models.Session.State",
        "DeliveryStatusEnum": "backoffice.models.WebhookDelivery.Status",
        "ExhibitorStatusEnum": "expo.models.Exhibitor.Status",
        "EventTextKindEnum": "privacy.models.EventText.Kind",
    },
}

# Accounts (django-allauth): docs/accounts.md.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Treffpunkt] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
# The address links in mail sent by the worker point to (no request to take it from there).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(3 * 86400)))
# Invitation links: single-use, valid this many days (resending issues a new one).
INVITATION_EXPIRE_DAYS = int(os.environ.get("INVITATION_EXPIRE_DAYS", "14"))
# Notifications (docs/notifications.md): mail waits this long for a person who is online; a
# conversation digest is mailed at most once per NOTIFY_DIGEST_SECONDS; reminders come this many
# minutes before a favourited session.
NOTIFY_MAIL_AFTER = int(os.environ.get("NOTIFY_MAIL_AFTER", "600"))
NOTIFY_DIGEST_SECONDS = int(os.environ.get("NOTIFY_DIGEST_SECONDS", "3600"))
NOTIFY_REMINDER_MINUTES = int(os.environ.get("NOTIFY_REMINDER_MINUTES", "15"))
NOTIFY_STALL_SECONDS = int(os.environ.get("NOTIFY_STALL_SECONDS", "120"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Treffpunkt"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_ISSUER:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("OIDC_PROVIDER_ID", "landeskonto"),
                "name": os.environ.get("OIDC_NAME", "Landeskonto"),
                "client_id": required("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": OIDC_ISSUER},
            }
        ],
    }

# Mail: SMTP from the environment; without EMAIL_HOST it is stored and shown at /dev/outbox/.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
else:
    EMAIL_BACKEND = "accounts.mail.OutboxBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Treffpunkt <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs: Django's task framework (django-tasks backport) on the database; one
# `manage.py db_worker` process runs them (make run, the compose `worker` service).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Content-Security-Policy of every page (django-csp): scripts and styles only from this origin's
# files (the web client has no inline script), so an injected <script> does not run. Inline style
# attributes stay allowed for the track colours set in templates. /media/ sets its own, stricter
# policy (treffpunkt/media.py); the Swagger UI page initialises itself with an inline script.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        # The stage player: hls.js plays through MediaSource (blob: URLs) and may start a worker;
        # streams, posters and caption tracks come from the event's streaming servers.
        "media-src": ["'self'", "https:", "blob:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'", "https:"],
        # Embeds load only after the privacy click, and only from providers the event allows
        # (stage/streams.py decides on the server).
        "frame-src": ["'self'", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if OIDC_ISSUER:
    # "Mit Landeskonto anmelden" posts a form that redirects to the identity provider; browsers
    # apply form-action to that redirect too.
    _issuer = urlsplit(OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}"
    )
if DEBUG:
    # Development and the test suite stream from local servers over plain http.
    for directive in ("media-src", "connect-src", "frame-src"):
        CONTENT_SECURITY_POLICY["DIRECTIVES"][directive].append("http:")
SECURE_CONTENT_TYPE_NOSNIFF = True

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters of real randomness.")

# Password of the demo accounts (demo/congress.py). Only a development machine gets the known
# one; with DEBUG off it is DEMO_PASSWORD or, unset, a random one printed once by seed_demo.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD") or ("treffpunkt" if DEBUG else "")
if not DEBUG and DEMO_PASSWORD == "treffpunkt":
    raise ImproperlyConfigured("DEMO_PASSWORD must not be the public demo password.")

# Realtime gateway limits.
REALTIME = {
    # Longer requests get a `too_long` error reply, up to MAX_MESSAGE_BYTES; past it the socket
    # is closed with 1009 (treffpunkt/realtime/transport.py).
    "MAX_FRAME_BYTES": int(os.environ.get("REALTIME_MAX_FRAME_BYTES", "16384")),
    "MAX_MESSAGE_BYTES": int(os.environ.get("REALTIME_MAX_MESSAGE_BYTES", str(16 * 1024 * 1024))),
    "SEND_QUEUE": int(os.environ.get("REALTIME_SEND_QUEUE", "256")),
    "CHAT_MAX_LENGTH": 1000,
    "HISTORY": 50,
    # Per server process (treffpunkt/realtime/limits.py).
    "MAX_SOCKETS_PER_IP": int(os.environ.get("REALTIME_MAX_SOCKETS_PER_IP", "50")),
    "MAX_SOCKETS_PER_USER": int(os.environ.get("REALTIME_MAX_SOCKETS_PER_USER", "10")),
    "MAX_TOPICS": 50,
    # On SIGTERM: close every socket with 1012 and wait at most this long (realtime/shutdown.py).
    "DRAIN_SECONDS": float(os.environ.get("REALTIME_DRAIN_SECONDS", "5")),
    "MAX_UNSENT_BYTES": int(os.environ.get("REALTIME_MAX_UNSENT_BYTES", str(1024 * 1024))),
    # Socket writes per topic and second a process makes on average before it gathers a busy
    # topic's pushes into `batch` frames: a big audience then gets one frame every members / this
    # seconds (at most 0.5 s apart, bursts of four); fewer than 25 sockets get each push at
    # once; 0 turns the gathering off (treffpunkt/realtime/hub.py, docs/performance.md).
    "PUSH_FRAMES_PER_SECOND": int(os.environ.get("REALTIME_PUSH_FRAMES_PER_SECOND", "5000")),
}

# Every rate limit (treffpunkt/ratelimit.py): name → (hits, per seconds[, cache alias, or "local":
# this process's memory]).
chat_rate = int(os.environ.get("REALTIME_CHAT_RATE", "5"))
RATE_LIMITS = {
    "socket": (30, 3, "local"),  # requests on one websocket
    "subscribe": (20, 10, "local"),  # subscribes on one websocket
    # subscribes of one user, all its sockets
    "subscribe_client": (int(os.environ.get("REALTIME_SUBSCRIBES_PER_USER", "120")), 10, "local"),
    # Anonymous subscribes per client address: each costs a snapshot on the database thread, and
    # anonymous sockets cost an attacker nothing (benchmarks/abuse.py flood).
    "subscribe_anonymous": (
        int(os.environ.get("REALTIME_SUBSCRIBES_PER_IP", "20")),
        10,
        "local",
    ),
    "chat": (chat_rate, 5),  # per user: session chat and 1:1 conversations together
    "question": (chat_rate, 5),  # per user
    "contact": (chat_rate, 5),  # booth contact requests per user
    # Failed log-ins (web form and token endpoint together, treffpunkt.ratelimit.check_login)
    "login": (int(os.environ.get("LOGIN_ATTEMPTS_PER_NAME", "5")), 300),  # per address and name
    "login_ip": (int(os.environ.get("LOGIN_ATTEMPTS_PER_IP", "20")), 300),  # per address
    "login_user": (20, 900),  # per username, any address
}

# Webhooks (backoffice, docs/webhooks.md), delivered by the task worker: seconds before each retry;
# plain http to 127.0.0.1 only while DEBUG (and in tests).
WEBHOOKS = {
    "RETRY_DELAYS": [30, 120, 600, 3600, 21600],
    "ALLOW_LOCAL_HTTP": DEBUG,
}

# Webhooks and schedule imports by URL reach public addresses only (treffpunkt/outbound.py), and
# these networks (comma-separated, e.g. an intranet's pretalx: 10.20.0.0/16). Schedule imports may
# also reach this machine's loopback address while OUTBOUND_ALLOW_LOOPBACK (DEBUG by default).
OUTBOUND_ALLOWED_NETWORKS = env_list("OUTBOUND_ALLOWED_NETWORKS", [])
for _network in OUTBOUND_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"OUTBOUND_ALLOWED_NETWORKS: {_network!r} is not an address or network."
        ) from None
OUTBOUND_ALLOW_LOOPBACK = env_bool("OUTBOUND_ALLOW_LOOPBACK", DEBUG)

# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated). Empty: the
# peer's address is the client's, whatever a client sends.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Video rooms (docs/stage.md): "bigbluebutton" or "jitsi"; unset means no video rooms.
VIDEO_PROVIDER = os.environ.get("VIDEO_PROVIDER", "")
BBB_URL = os.environ.get("BBB_URL", "")
BBB_SECRET = os.environ.get("BBB_SECRET", "")
BBB_CHECKSUM = os.environ.get("BBB_CHECKSUM", "sha1")
JITSI_URL = os.environ.get("JITSI_URL", "")
JITSI_APP_ID = os.environ.get("JITSI_APP_ID", "")
JITSI_SECRET = os.environ.get("JITSI_SECRET", "")
