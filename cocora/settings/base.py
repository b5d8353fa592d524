"""Settings shared by every environment. Each value comes from the environment with a safe
default for a local first look; the environment modules (local, test, production) hold deltas."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# SECTION: core
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
ROOT_URLCONF = "cocora.urls"
WSGI_APPLICATION = "cocora.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1

# SECTION: apps
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
]
LOCAL_APPS = [
    "cocora.core",
    "cocora.accounts",
    "cocora.organisations",
    "cocora.audit",
    "cocora.privacy",
    "cocora.documents",
    "cocora.notifications",
    "cocora.api",
    "programmes",
    "partners",
    "ambassadors",
    "evaluation",
    "impact",
    "training",
    "families",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# SECTION: middleware
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP, Permissions-Policy and no-store on every response, including other middleware's.
    "cocora.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Before the tenant transaction: a session past its 12 hours runs as anonymous from here on.
    "cocora.core.middleware.SessionLifetimeMiddleware",
    # After it and after LocaleMiddleware: a signed-in person's saved language beats the
    # browser's; a session that has expired no longer speaks for anyone.
    "cocora.accounts.language.UserLanguageMiddleware",
    "cocora.organisations.middleware.TenantTransactionMiddleware",
    # After it: reading the user's memberships needs the user set for the transaction.
    "cocora.core.middleware.MFARequiredMiddleware",
    # Last of the chain, yet before anything reads the body: the CSRF check reads it in
    # process_view, which runs after every middleware's own call. Its 413 page is a full page.
    "cocora.core.uploads.RequestSizeLimitMiddleware",
]

# SECTION: templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cocora.organisations.context_processors.navigation",
                "cocora.organisations.context_processors.layout",
            ],
        },
    }
]

# SECTION: uploads
# The largest file a form accepts (a logo; a participant import is smaller) and the most the other
# fields of a request may hold. A body that declares more is refused before it is read, an upload
# that streams more is stopped at the cap (cocora/core/uploads.py); the reverse proxy should
# refuse earlier still (docs/deployment.md).
COCORA_MAX_UPLOAD_BYTES = env.int("COCORA_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A file larger than this is written to a temporary file rather than kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "cocora.core.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# SECTION: database
# DATABASE_URL names the role the application connects as. On PostgreSQL that role must not own
# the tables, so that row-level security applies to it; migrations run with DATABASE_URL pointing
# at the owner role. See docs/tenancy.md.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cocora.sqlite3'}"),
}
# Every view runs in one transaction: the organisation is set for that transaction only.
# Organisation pages open their own instead (OrgViewMixin.dispatch); on PostgreSQL the request
# runs in one besides (TenantTransactionMiddleware).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_POOL", default=False
):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # A statement run five times on a connection is kept prepared there (psycopg's default
    # threshold), so that PostgreSQL parses it, applies the row-level security policies and
    # plans it once, not at every request: planning under the policies cost more than running
    # most of our queries (docs/performance.md). Parameters are then sent apart from the SQL
    # (server-side binding), which is what makes the same statement recur. Turn it off behind
    # a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.22;
    # docs/deployment.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", default=5),
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (`make run`) serving several browsers at once. Each request is one transaction;
    # a deferred one starts as a reader and fails at once ("database is locked"), without
    # waiting, when it must write while another request writes. So every transaction starts as
    # the writer (IMMEDIATE) and waits up to `timeout` seconds for its turn, and WAL lets pages
    # read while one request writes (synchronous=NORMAL is safe with WAL and much faster).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# The runtime role that post-migrate grants table privileges to (PostgreSQL only).
COCORA_DB_APP_ROLE = env("COCORA_DB_APP_ROLE", default="")

# SECTION: cache
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cocora",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered parts of pages (the home page's panels), in each process's own memory, keyed on the
# organisation's data version (cocora/organisations/page_cache.py, docs/performance.md).
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "cocora-pages",
    "OPTIONS": {"MAX_ENTRIES": env.int("COCORA_PAGE_CACHE_ENTRIES", default=500)},
}
# The versions must reach every process: on by default only where they live in Redis. A single
# process (the development server, the test suite) may keep them in its own memory.
COCORA_PAGE_CACHE = env.bool("COCORA_PAGE_CACHE", default=bool(REDIS_URL))

# SECTION: auth
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "cocora.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "cocora.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# A person hears by email of every change to their password, address or second factor, so
# that a change they did not make does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# The sixth failed login for the same account within five minutes is refused. The limit per
# address is higher, because behind a proxy or a school's network many people share one; set
# COCORA_TRUSTED_PROXY_COUNT to the number of proxies in front of the application so that the
# real client address is used.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "30/5m/ip,5/5m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("COCORA_TRUSTED_PROXY_COUNT", default=0)
# /healthz tells which part failed only to internal addresses and to callers with this token
# (`Authorization: Bearer <token>`); anyone else reads "ok" or "fail".
COCORA_HEALTHZ_TOKEN = env("COCORA_HEALTHZ_TOKEN", default="")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cocora"

# SECTION: sessions and security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# SECTION: internationalisation
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("fr", _("French")),
    ("it", _("Italian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["cocora.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# SECTION: static and media
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("COCORA_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# SECTION: email
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cocora <cocora@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SECTION: celery
# With a broker configured, tasks go to Redis and run in workers; without one (the embedded
# default of `make run`), they run eagerly in the process that sends them.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"

# SECTION: REST framework
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "cocora.api.schema.OrgAutoSchema",
    # Bearer first: its challenge makes a missing sign-in a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cocora.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["cocora.api.throttling.TokenRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "cocora.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "cocora.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": False,
}
# Requests per token (or per signed-in person) through the API.
COCORA_API_RATE = env("COCORA_API_RATE", default="600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Cocora API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Everything the pages of an organisation can do, for integrations. Every path lives "
        "under `/api/v1/o/{org_slug}/`, answers under the same roles as the pages, and leaves "
        "the same audit lines. Sign in with a personal access token (`Authorization: Bearer "
        "ccr_…`, created on your profile for one organisation) or the browser session. Errors "
        'share one shape: `{"code", "message", "errors"}`. See docs/api.md.'
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1/o/\{org_slug\}",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cocora.api.schema.add_error_responses",
    ],
    # One name per choice set, whatever field it appears in.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "cocora.settings.base.LANGUAGES",
        "RoleEnum": "cocora.organisations.models.Role",
        "DeliveryStatusEnum": "cocora.notifications.models.DeliveryStatus",
        "ProgrammeKindEnum": "programmes.models.ProgrammeKind",
        "InstrumentKindEnum": "evaluation.models.InstrumentKind",
        "ItemKindEnum": "evaluation.models.ItemKind",
        "WaveKindEnum": "evaluation.models.WaveKind",
        "ActivityMethodEnum": "programmes.models.ActivityMethod",
        "EnrolmentStageEnum": "programmes.models.EnrolmentStage",
        "SessionStatusEnum": "programmes.models.SessionStatus",
        "AttendanceStatusEnum": "programmes.models.AttendanceStatus",
        "HandbookExportStatusEnum": "programmes.models.HandbookExportStatus",
        "PartnerKindEnum": "partners.models.PartnerKind",
        "PartnerStatusEnum": "partners.models.PartnerStatus",
        "CheckOutcomeEnum": "partners.models.CheckOutcome",
        "CollaborationKindEnum": "partners.models.CollaborationKind",
        "ProposalKindEnum": "partners.models.ProposalKind",
        "ProposalStatusEnum": "partners.models.ProposalStatus",
        "AmbassadorStatusEnum": "ambassadors.models.AmbassadorStatus",
        "OutreachTaskKindEnum": "ambassadors.models.TaskKind",
        "OutreachTaskStatusEnum": "ambassadors.models.TaskStatus",
        "PeerInsightKindEnum": "ambassadors.models.InsightKind",
        "PeerInsightStatusEnum": "ambassadors.models.InsightStatus",
        "PeerInsightReviewStatusEnum": "ambassadors.api.serializers.INSIGHT_REVIEW_CHOICES",
        "IndicatorKindEnum": "impact.models.IndicatorKind",
        "IndicatorDirectionEnum": "impact.models.Direction",
        "ReportPdfStatusEnum": "impact.models.ReportPdfStatus",
        "FamilyActivityKindEnum": "families.models.FamilyActivityKind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# SECTION: logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO; failures still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# Failed look-ups of a guardian link (an unknown or mistyped secret) allowed per address and
# window before the page answers 429 for the rest of the window.
COCORA_GUARDIAN_LINK_FAILURES = env.int("COCORA_GUARDIAN_LINK_FAILURES", default=20)
COCORA_GUARDIAN_LINK_WINDOW_SECONDS = 600
COCORA_BASE_URL = env("COCORA_BASE_URL", default="http://127.0.0.1:8000")

# SECTION: field encryption (see docs/security.md)
# Comma-separated Fernet keys, newest first: new values are encrypted with the first key, stored
# values are read with any of them. Their own secret, never derived from SECRET_KEY. Rotate by
# putting a new key in front, running `manage.py rotate_keys`, then dropping the old key.
# local.py and test.py fall back to a published development key; production.py requires it.
COCORA_FIELD_KEYS = env.list("COCORA_FIELD_KEYS", default=[])
# The key of the pseudonymous pairing keys and survey links (see evaluation/pairing.py):
# its own secret, so that rotating SECRET_KEY does not break the pairing of baseline and end
# answers. Without it a key is derived from SECRET_KEY (fine locally; set it in production).
COCORA_EVALUATION_KEY = env("COCORA_EVALUATION_KEY", default="")
# TOTP secrets and recovery-code seeds are stored encrypted with the same keys.
MFA_ADAPTER = "cocora.core.mfa.MFAAdapter"

# SECTION: sessions, MFA and headers (see docs/security.md)
# Idle timeout: a session ends 30 minutes after its last request (29 at the least). The expiry
# date lives in the session row (server side) and moves forward with the requests, at most once
# a minute (cocora.core.middleware.SessionLifetimeMiddleware), not with a write on every request.
SESSION_COOKIE_AGE = env.int("COCORA_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
# Absolute timeout: signed out 12 hours after signing in, however active
# (cocora.core.middleware.SessionLifetimeMiddleware).
COCORA_SESSION_ABSOLUTE_SECONDS = env.int("COCORA_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
# Organisation roles that must use an authenticator app (TOTP); platform staff must too whenever
# this is not empty. Until they set one up, every page sends them to the set-up page
# (cocora.core.middleware.MFARequiredMiddleware). Off here and in the demo (`make run`);
# production.py defaults to admin,coordinator.
COCORA_MFA_REQUIRED_ROLES = env.list("COCORA_MFA_REQUIRED_ROLES", default=[])
# No inline script or style, no third-party host: every script and style sheet is a static file.
# `data:` images are the QR code of the authenticator set-up and Bootstrap's form icons.
COCORA_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
COCORA_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# SECTION: data protection and retention (see docs/data-protection.md)
# The nightly retention run (cocora/privacy/tasks.py), at 02:30 in CELERY_TIMEZONE, when the
# nights are quiet. Run by `celery -A cocora beat` (docker-compose's beat service).
from celery.schedules import crontab  # noqa: E402 -- imported in its own section, on purpose

CELERY_BEAT_SCHEDULE = {
    "privacy-retention-nightly": {
        "task": "privacy.retention_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
    # Expired sessions (30 minutes idle) are removed from the database every night.
    "sessions-clear-nightly": {
        "task": "core.sessions_clear",
        "schedule": crontab(hour=3, minute=15),
    },
}

# SECTION: handbook PDFs (see docs/handbooks.md)
# Generated documents (handbook PDFs) are kept here, outside any public address and outside the
# folders the PDF fetcher may read; inside the media volume by default so that backups keep them.
COCORA_PRIVATE_MEDIA_ROOT = Path(
    env("COCORA_PRIVATE_MEDIA_ROOT", default=str(MEDIA_ROOT / "private"))
)
# A handbook still "rendering" after this many seconds is taken to be lost (its worker died) and
# may be rendered again by a redelivered task or a new request.
COCORA_HANDBOOK_RENDER_TIMEOUT = env.int("COCORA_HANDBOOK_RENDER_TIMEOUT", default=900)
# Processes that render a handbook's chapters side by side (cocora/documents/book.py): 0 means
# one per CPU, 1 renders them one after the other in the worker itself. Each takes some 100 MiB
# while it works; a machine running several Celery workers may want fewer.
COCORA_DOCUMENT_WORKERS = env.int("COCORA_DOCUMENT_WORKERS", default=0)
# Rendered parts of handbooks are cached so that editing a module renders one part again; a
# part that no export wrote or read for this many days is deleted every night at 03:45.
COCORA_HANDBOOK_PART_CACHE_DAYS = env.int("COCORA_HANDBOOK_PART_CACHE_DAYS", default=30)
CELERY_BEAT_SCHEDULE["handbook-parts-prune-nightly"] = {
    "task": "programmes.handbook_parts_prune",
    "schedule": crontab(hour=3, minute=45),
}
# The handbook task lives in a sub-package that Celery's autodiscovery does not look into.
CELERY_IMPORTS = (*globals().get("CELERY_IMPORTS", ()), "programmes.handbooks.tasks")


# SECTION: reminders and email delivery (see docs/notifications.md)
# Planning runs every 15 minutes: each rule says what is due (a session within 24 hours, the
# Monday digest) and the same run re-dispatches deliveries left claimed by a dead worker.
# A claim older than NOTIFICATIONS_CLAIM_TIMEOUT seconds is taken over by the next batch: it must
# be far longer than a chunk takes to send, and far shorter than the broker's visibility timeout.
NOTIFICATIONS_CLAIM_TIMEOUT = env.int("COCORA_NOTIFICATIONS_CLAIM_TIMEOUT", default=600)
# Recipients per send task, all over one SMTP connection.
NOTIFICATIONS_CHUNK_SIZE = env.int("COCORA_NOTIFICATIONS_CHUNK_SIZE", default=50)
CELERY_BEAT_SCHEDULE.update(
    {
        "notifications-plan": {
            "task": "notifications.plan_all",
            "schedule": crontab(minute="*/15"),
        },
    }
)
