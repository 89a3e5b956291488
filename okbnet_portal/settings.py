"""Settings for the OKBNET member portal, read from the environment (DESIGN.md §4).

The defaults are the embedded run of `make run`: SQLite and Celery's filesystem
transport under var/, no server needed. Production sets DJANGO_DEBUG=0, a real
DJANGO_SECRET_KEY, DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_choice, env_float, env_host_port, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OKBNET_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "accounts",
    "mailsettings",
    "support",
    "network",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "okbnet_portal.middleware.QueryLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "okbnet_portal.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "okbnet_portal.urls"
WSGI_APPLICATION = "okbnet_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "okbnet_portal.context_processors.support_center",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not IS_POSTGRES:
    # SQLite: let concurrent web and worker writers wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Take the write lock when a transaction starts: a read that later writes (select, then
    # insert) would otherwise fail at once with "database is locked" beside a busy worker.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The test database in a file, not Django's shared-cache in-memory default: there a read beside
    # another thread's write (the in-process test worker's) fails at once with "database table is
    # locked" instead of waiting the timeout above.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}
# FreeRADIUS's SQL tables (network.radius_models): in their own database when RADIUS_DATABASE_URL
# is set (alias "radius", network.routers.RadiusRouter), else in the portal's own.
RADIUS_DATABASE_URL = env_str("RADIUS_DATABASE_URL")
if RADIUS_DATABASE_URL:
    DATABASES["radius"] = dj_database_url.parse(RADIUS_DATABASE_URL, conn_max_age=60, conn_health_checks=True)
RADIUS_DATABASE_ALIAS = "radius" if RADIUS_DATABASE_URL else "default"
DATABASE_ROUTERS = ["network.routers.RadiusRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (Redis when configured: shared by web processes for rate limits) --
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "okbnet_portal.cache.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.MemberLoginBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "mypage"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Count failures under the identity the log-in backend resolves (case, width, spaces do not matter).
AXES_USERNAME_CALLABLE = "accounts.login_names.axes_username"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False

# --- Internationalisation: Japanese first ---------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "static/"
# Where `collectstatic` puts the files nginx (or WhiteNoise) serves: any path on each web host.
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail (sent by the worker, never inside a request) ------------------
_email = dj_email_url.parse(env_str("EMAIL_URL", "console://" if DEBUG else "smtp://127.0.0.1:25"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OKBNET <support@okbnet.ne.jp>")

# --- Security (production values when DEBUG is off) -----------------------
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips a client's own): trusted
# blindly, any client could claim HTTPS. nginx: `proxy_set_header X-Forwarded-Proto $scheme;`.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],  # Swagger UI sets inline styles
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "okbnet_portal.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["okbnet_portal.api.permissions.HasClientKeyOrStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "okbnet_portal.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "okbnet_portal.api.errors.exception_handler",
    # OPTIONS is a 405: the OpenAPI schema is the description of every operation.
    "DEFAULT_METADATA_CLASS": None,
    # Per client (API key or staff user) and per view scope, on the shared cache (Redis when CACHE_URL is set).
    "DEFAULT_THROTTLE_CLASSES": ["okbnet_portal.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "verdict": env_str("API_RATE_VERDICT", "6000/min"),
        "read": env_str("API_RATE_READ", "6000/min"),
        "search": env_str("API_RATE_SEARCH", "3000/min"),
        "write": env_str("API_RATE_WRITE", "600/min"),
    },
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["okbnet_portal.api.parsers.BoundedJSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OKBNET member portal API",
    "DESCRIPTION": (
        "API for the OKBNET call-center tool: OP25B verdicts, members, tickets and fixed-IP plan "
        "changes. Authenticate with `Authorization: Api-Key <key>` (create one with "
        "`python manage.py create_api_key <client-name>`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # drf-spectacular's enum hook first (shared enum components), then ours (error components,
    # named enum members, one enum per concept, nullable references, headers).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "okbnet_portal.api.schema.postprocess",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MemberStatusEnum": "accounts.models.Member.Status",
        "TicketStatusEnum": "support.models.Ticket.Status",
        "PlanChangeStatusEnum": "accounts.models.PlanChangeRequest.Status",
        "TicketPriorityEnum": "support.models.Ticket.Priority",
        "TicketCategoryEnum": "support.models.Ticket.Category",
        "MailProgramEnum": "mailsettings.models.MailProgram",
    },
}

# --- Celery ---------------------------------------------------------------
CELERY_DATA_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_IS_REDIS_BROKER = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("queue", "processed", "results", "control"):
        (CELERY_DATA_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
elif _IS_REDIS_BROKER:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Above the longest task time limit plus the longest countdown.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        # How often kombu looks for unacked messages of dead workers to restore (seconds).
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
        # A broker that is down must not hold up a page (okbnet_portal.enqueue): connect fails
        # within 2 s (a black-holed host) or at once (refused), and is not retried on publish.
        # The worker's own reconnect loop is separate (broker_connection_retry).
        "socket_connect_timeout": 2,
        "max_retries": 0,
    }
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND",
    CELERY_BROKER_URL if _IS_REDIS_BROKER else f"file://{CELERY_DATA_DIR / 'results'}",
)
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A worker killed mid-task leaves its message unacked: Redis re-delivers it after the
# visibility timeout, and the task is idempotent, so the work is done exactly once.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-plan-changes": {
        "task": "accounts.sweep_plan_changes",
        "schedule": timedelta(seconds=env_int("PLAN_CHANGE_SWEEP_SECONDS", 60)),
        "options": {"expires": 55},
    },
    # Expired refusal-list entries drop out of the Postfix tables within a minute.
    "network-export-refusal-tables": {"task": "network.export_refusal_tables", "schedule": 60.0},
    # OKBNET's own mail domain on the dashboard (a stored result within its TTL is kept).
    "mailsettings-check-okbnet-domain": {"task": "mailsettings.check_okbnet_domain", "schedule": 600.0},
    # Session-log uploads stored while the broker was down.
    "network-sweep-session-imports": {"task": "network.sweep_session_imports", "schedule": 300.0},
    # The dashboard's SPF status of OKBNET's relays.
    "network-refresh-spf-status": {"task": "network.refresh_spf_status", "schedule": 3600.0},
    # RADIUS (network.provisioning): outbox entries left by an outage, old user names past their
    # end date, and rows changed behind the portal's back.
    "network-radius-outbox": {"task": "network.radius_outbox_sweep", "schedule": 60.0},
    "network-radius-retire-names": {"task": "network.radius_retire_names", "schedule": 3600.0},
    "network-radius-reconcile": {
        "task": "network.radius_reconcile",
        "schedule": float(env_int("RADIUS_RECONCILE_SECONDS", 3600)),
    },
}
# The Postfix tables are files on the mail gateway host: their export goes to the queue that the
# worker on that host consumes (README "Deploying"); the embedded run has only the default queue.
CELERY_TASK_ROUTES = {"network.export_refusal_tables": {"queue": env_str("OKBNET_POSTFIX_QUEUE", "celery")}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- OKBNET ---------------------------------------------------------------
OKBNET_MAIL_DOMAIN = env_str("OKBNET_MAIL_DOMAIN", "okbnet.ne.jp")
# Where members open the portal: the links in e-mails sent by a worker (no request to build them from).
OKBNET_PORTAL_URL = env_str("OKBNET_PORTAL_URL", "http://127.0.0.1:8000")
# The support center as every page's footer gives it (hours are a translated text in the template).
OKBNET_SUPPORT_PHONE = env_str("OKBNET_SUPPORT_PHONE", "0120-25-0587")
OKBNET_DNS_NAMESERVERS = env_list("OKBNET_DNS_NAMESERVERS")
# Seconds a DNS look-up waits: one try at one server, and the whole question with its retries.
OKBNET_DNS_TIMEOUT = 2.0
OKBNET_DNS_LIFETIME = 3.0
# OKBNET's outgoing relays (what gw.<domain> must point to, what SPF must authorise): the one list.
OKBNET_RELAY_ADDRESSES = env_list("OKBNET_RELAY_ADDRESSES", ["203.0.113.25", "203.0.113.26", "2001:db8:25::25"])
# The SPF include that authorises the relays (OKBNET publishes it); the advice tells members to add it.
OKBNET_SPF_INCLUDE = env_str("OKBNET_SPF_INCLUDE", "_spf.okbnet.ne.jp")
# What members' own domains point to (own-domain checks and the zone snippet); empty: derived
# from OKBNET_MAIL_DOMAIN (mx.<domain>, autoconfig.<domain>, keys under <domain>, dmarc-reports@<domain>).
OKBNET_MX_HOSTS = env_list("OKBNET_MX_HOSTS")
OKBNET_DKIM_SELECTORS = env_list("OKBNET_DKIM_SELECTORS", ["okbnet"])
OKBNET_DKIM_KEY_DOMAIN = env_str("OKBNET_DKIM_KEY_DOMAIN", "")
OKBNET_AUTOCONFIG_HOST = env_str("OKBNET_AUTOCONFIG_HOST", "")
OKBNET_DMARC_RUA = env_str("OKBNET_DMARC_RUA", "")
# A member may ask for a DNS check again at most this often (per domain).
OKBNET_DNS_RECHECK_SECONDS = env_int("OKBNET_DNS_RECHECK_SECONDS", 60)
# ... and one client address may ask for at most this many checks an hour (all domains together).
OKBNET_DNS_CHECKS_PER_CLIENT_HOUR = env_int("OKBNET_DNS_CHECKS_PER_CLIENT_HOUR", 30)
# The submission probe (mailsettings.smtpprobe, DESIGN §7b). ALLOW: CIDRs it may connect to beyond
# public unicast addresses (empty in production; tests use 127.0.0.0/8). PORTS: tests only, remap
# 587/465 to free ports ("587=10587,465=10465"). Timeouts in seconds: each step, the whole probe.
OKBNET_SMTP_PROBE_ALLOW = env_list("OKBNET_SMTP_PROBE_ALLOW")
# On: the probe connects ONLY to addresses in OKBNET_SMTP_PROBE_ALLOW (tests and benchmarks, where
# only loopback may ever be a target, whatever a test zone says). Off in production.
OKBNET_SMTP_PROBE_ONLY_ALLOWED = env_bool("OKBNET_SMTP_PROBE_ONLY_ALLOWED", False)
OKBNET_SMTP_PROBE_PORTS = env_str("OKBNET_SMTP_PROBE_PORTS", "")
OKBNET_SMTP_PROBE_CONNECT_TIMEOUT = env_float("OKBNET_SMTP_PROBE_CONNECT_TIMEOUT", 5.0)
OKBNET_SMTP_PROBE_TIMEOUT = env_float("OKBNET_SMTP_PROBE_TIMEOUT", 15.0)
# At most this many probes at once in one worker process; a host is probed at most this often an hour
# (beyond what the stored result's TTL already saves), and one client may start this many an hour.
OKBNET_SMTP_PROBE_CONCURRENCY = env_int("OKBNET_SMTP_PROBE_CONCURRENCY", 4)
OKBNET_SMTP_PROBES_PER_HOST_HOUR = env_int("OKBNET_SMTP_PROBES_PER_HOST_HOUR", 6)
OKBNET_PROVIDER_CHECKS_PER_CLIENT_HOUR = env_int("OKBNET_PROVIDER_CHECKS_PER_CLIENT_HOUR", 30)
# How long a probe's answer is kept: a clear yes/no, and "could not tell" (timeouts, certificates).
OKBNET_SMTP_PROBE_TTL = env_int("OKBNET_SMTP_PROBE_TTL", 86400)
OKBNET_SMTP_PROBE_UNSURE_TTL = env_int("OKBNET_SMTP_PROBE_UNSURE_TTL", 600)
# The name the probe gives in EHLO; an extra CA file to trust (tests: their own CA), else the system's.
OKBNET_SMTP_PROBE_HELO = env_str("OKBNET_SMTP_PROBE_HELO", f"portal.{OKBNET_MAIL_DOMAIN}")
OKBNET_SMTP_PROBE_CAFILE = env_str("OKBNET_SMTP_PROBE_CAFILE", "")
try:
    import ipaddress as _ipaddress

    for _net in OKBNET_SMTP_PROBE_ALLOW:
        _ipaddress.ip_network(_net, strict=False)
except ValueError as _exc:
    raise ImproperlyConfigured(f"OKBNET_SMTP_PROBE_ALLOW: {_exc}") from None
if OKBNET_SMTP_PROBE_PORTS and not all(
    _item.replace("=", ":").partition(":")[0].strip() in ("587", "465")
    and _item.replace("=", ":").partition(":")[2].strip().isdigit()
    for _item in OKBNET_SMTP_PROBE_PORTS.split(",")
):
    raise ImproperlyConfigured(f"OKBNET_SMTP_PROBE_PORTS={OKBNET_SMTP_PROBE_PORTS!r}: use 587=PORT,465=PORT")
# Where the Postfix access tables of the inbound refusal list are written (network.refusals).
OKBNET_POSTFIX_DIR = Path(env_str("OKBNET_POSTFIX_DIR", str(VAR_DIR / "postfix")))
# RADIUS (network.provisioning, network.disconnect): the Framed-Pool of the `dynamic` group, and
# the RFC 5176 Disconnect-Request to the NAS holding a session (its secret from the `nas` table,
# else this one).
RADIUS_DYNAMIC_POOL = env_str("RADIUS_DYNAMIC_POOL", "okbnet-dynamic")
RADIUS_DISCONNECT_PORT = env_int("RADIUS_DISCONNECT_PORT", 3799)
RADIUS_DISCONNECT_SECRET = env_str("RADIUS_DISCONNECT_SECRET", "")
RADIUS_DISCONNECT_TIMEOUT = env_int("RADIUS_DISCONNECT_TIMEOUT", 3)
RADIUS_DISCONNECT_RETRIES = env_int("RADIUS_DISCONNECT_RETRIES", 2)

# The mail gateway's Postfix policy service (network.policy, `manage.py policy_server`).
OKBNET_POLICY_BIND = env_host_port("OKBNET_POLICY_BIND", "127.0.0.1:10040")
# Its counters and change signal: Redis (default: CACHE_URL's); empty: this process's memory only.
OKBNET_POLICY_REDIS_URL = env_str("OKBNET_POLICY_REDIS_URL", CACHE_URL if CACHE_URL.startswith("redis") else "")
OKBNET_POLICY_REDIS_TIMEOUT = env_int("OKBNET_POLICY_REDIS_TIMEOUT_MS", 500) / 1000
# How often each policy process adds its counts in Redis (and learns the other processes').
OKBNET_POLICY_SYNC_MS = env_int("OKBNET_POLICY_SYNC_MS", 500)
# When Redis or the database cannot answer: DUNNO (let the mail through unchecked) or DEFER (4xx: retry later).
OKBNET_POLICY_ON_ERROR = env_choice("OKBNET_POLICY_ON_ERROR", "DEFER", ("DUNNO", "DEFER"))
# The member directory is reloaded this often in any case, and on a change signal seen within CHECK seconds.
OKBNET_POLICY_REFRESH_SECONDS = env_int("OKBNET_POLICY_REFRESH_SECONDS", 60)
OKBNET_POLICY_CHANGE_CHECK_SECONDS = env_int("OKBNET_POLICY_CHANGE_CHECK_SECONDS", 1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
