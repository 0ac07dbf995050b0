"""Settings shared by every environment.

Values that differ between machines come from the environment through
``config.env``; the local, test and production modules adjust the rest.
"""

import warnings
from datetime import timedelta

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# authlib 1.9 warns on every import of its httpx client that a future release
# moves to httpx2. The warning needs no change in this project yet, so keep it
# out of every management command's output. authlib installs an "always"
# filter for its own warning class when imported, so import it first and add
# this filter in front of that one.
import authlib.deprecate  # noqa: E402

warnings.filterwarnings("ignore", message="The httpx module is deprecated")

# --- Secrets -----------------------------------------------------------------
# Each environment module sets SECRET_KEY, IDENTITY_ENCRYPTION_KEY and
# IDENTITY_HASH_KEY: development defaults exist only in local.py and test.py.

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# --- Applications ---------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "inservice.core",
    "inservice.audit",
    "inservice.organisations",
    "inservice.people",
    "inservice.accounts",
    "inservice.courses",
    "inservice.hours",
    "inservice.statistics",
    "inservice.sync",
    "inservice.sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "inservice.core.middleware.ContentSecurityPolicyMiddleware",
    # AxesMiddleware must stay last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "inservice.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------
# SQLite is the zero-setup default; DATABASE_URL selects PostgreSQL, for example
# postgres://postgres@127.0.0.1:5432/inservice.

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # NOTE: JIT compilation costs more than it saves on this project's short
    # aggregate queries; DATABASE_JIT=true turns it back on.
    if not env.bool("DATABASE_JIT", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while a background job writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication --------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out username is rejected before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "inservice.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "inservice.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"history_size": 3}},
]
# Password reset links work once and expire after this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60)

# Number of reverse proxies in front of the site that append to X-Forwarded-For.
# With 0 the header is ignored and the connecting address counts. Sign-in
# lockout and the audit trail read the client address this way.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Lockout after repeated failed sign-ins (django-axes): per username and per
# client address, each counted separately.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "inservice.accounts.auth.axes_username"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "inservice.accounts.auth.client_ip_address"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Language and time -------------------------------------------------------------

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Taipei"
USE_TZ = True

# --- Static files ------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"

# --- E-mail ---------------------------------------------------------------------------

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="教師進修網 <no-reply@inservice.example.tw>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery -------------------------------------------------------------------------------
# Redis is the broker in production. Without CELERY_BROKER_URL, tasks run
# in-process when called (see local.py), so `make run` needs no Redis.

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Every periodic job is declared here and nowhere else.
SYNC_NIGHTLY_HOUR = env.int("SYNC_NIGHTLY_HOUR", default=2)
SYNC_NIGHTLY_MINUTE = env.int("SYNC_NIGHTLY_MINUTE", default=0)
CELERY_BEAT_SCHEDULE = {
    "accounts-disable-inactive": {
        "task": "inservice.accounts.tasks.disable_inactive_business_accounts",
        "schedule": crontab(hour=3, minute=30),
    },
}

# --- Domain settings ---------------------------------------------------------------------

# Hours a teacher is expected to earn each school year (8/1 to 7/31) in the
# 綜合視導 view of the roster list.
ANNUAL_HOURS_TARGET = env.int("ANNUAL_HOURS_TARGET", default=18)
# Business accounts with no sign-in for this many days are disabled nightly.
BUSINESS_ACCOUNT_INACTIVE_DAYS = env.int("BUSINESS_ACCOUNT_INACTIVE_DAYS", default=180)
# One-time links for setting a teacher's first password expire after this long.
ACCOUNT_ACTIVATION_LINK_HOURS = env.int("ACCOUNT_ACTIVATION_LINK_HOURS", default=72)
SUPPORT_PHONE = env("SUPPORT_PHONE", default="(02) 7712-9098")

# --- Synchronisation (sync app) --------------------------------------------------------
# Sources, feed URLs, tokens and guards of the nightly synchronisation. The
# feed contracts are in docs/feeds/; the defaults point at the fake source
# servers that `manage.py sync_fake_server` starts on loopback. Production
# sets each SYNC_<SOURCE>_URL to the source's HTTPS address and its token.

SYNC_SOURCES: dict = {
    "kindergarten": {
        "adapter": "inservice.sync.adapters.kindergarten.KindergartenAdapter",
        "url": env("SYNC_KINDERGARTEN_URL", default="http://127.0.0.1:8701"),
        "token": env("SYNC_KINDERGARTEN_TOKEN", default="dev-kindergarten-token"),
        "hour": env.int("SYNC_KINDERGARTEN_HOUR", default=SYNC_NIGHTLY_HOUR),
        "minute": env.int("SYNC_KINDERGARTEN_MINUTE", default=SYNC_NIGHTLY_MINUTE),
        "page_size": env.int("SYNC_KINDERGARTEN_PAGE_SIZE", default=1000),
    },
    "taipei": {
        "adapter": "inservice.sync.adapters.taipei.TaipeiAdapter",
        "url": env("SYNC_TAIPEI_URL", default="http://127.0.0.1:8702"),
        "token": env("SYNC_TAIPEI_TOKEN", default="dev-taipei-token"),
        "hour": env.int("SYNC_TAIPEI_HOUR", default=SYNC_NIGHTLY_HOUR),
        "minute": env.int("SYNC_TAIPEI_MINUTE", default=SYNC_NIGHTLY_MINUTE),
        "page_size": env.int("SYNC_TAIPEI_PAGE_SIZE", default=500),
    },
}
# Seconds to wait for one page of a feed before the run fails as timed out.
SYNC_HTTP_TIMEOUT = env.float("SYNC_HTTP_TIMEOUT", default=60.0)
# A plan that would end more than this share of a source's current
# memberships (ended plus moved) is held for a system administrator.
SYNC_MAX_END_SHARE = env.float("SYNC_MAX_END_SHARE", default=0.05)
# Feed records applied per transaction; an interrupted run resumes after the
# last committed batch.
SYNC_BATCH_SIZE = env.int("SYNC_BATCH_SIZE", default=1000)
# "database": a PostgreSQL advisory lock (a process-local lock on SQLite);
# "redis": a Redis lock at SYNC_LOCK_REDIS_URL, for workers on several hosts.
SYNC_LOCK_BACKEND = env("SYNC_LOCK_BACKEND", default="database")
SYNC_LOCK_REDIS_URL = env("SYNC_LOCK_REDIS_URL", default=CELERY_BROKER_URL)
SYNC_LOCK_PREFIX = env("SYNC_LOCK_PREFIX", default="inservice:sync:lock:")
# Seconds a Redis lock lives without renewal; each batch renews it.
SYNC_LOCK_TIMEOUT = env.int("SYNC_LOCK_TIMEOUT", default=900)
# With CELERY_TASK_ALWAYS_EAGER, run "Run now" in a thread so the page can
# show progress (local.py turns it on for `make run`).
SYNC_EAGER_IN_THREAD = env.bool("SYNC_EAGER_IN_THREAD", default=False)

# The nightly runs, one per source, at each source's hour in CELERY_TIMEZONE.
CELERY_BEAT_SCHEDULE.update(
    {
        f"sync-{name}": {
            "task": "inservice.sync.tasks.sync_scheduled_run",
            "schedule": crontab(hour=config["hour"], minute=config["minute"]),
            "args": (name,),
        }
        for name, config in SYNC_SOURCES.items()
    }
)

# --- Roaming sign-in (sso app) -------------------------------------------------------------
# The MOE education identity service (OpenID Connect) as seen by this relying party.

SSO_ENABLED = env.bool("SSO_ENABLED", default=False)
# The issuer URL exactly as the provider's discovery document states it; the
# relying party reads {issuer}/.well-known/openid-configuration.
SSO_ISSUER = env("SSO_ISSUER", default="")
SSO_CLIENT_ID = env("SSO_CLIENT_ID", default="")
SSO_CLIENT_SECRET = env("SSO_CLIENT_SECRET", default="")
# Must match a redirect URI registered with the provider, e.g. https://host/sso/callback/.
SSO_REDIRECT_URI = env("SSO_REDIRECT_URI", default="")
SSO_SCOPES = env("SSO_SCOPES", default="openid email profile eduinfo personid")
# client_secret_basic or client_secret_post, as registered with the provider.
SSO_TOKEN_ENDPOINT_AUTH_METHOD = env("SSO_TOKEN_ENDPOINT_AUTH_METHOD", default="client_secret_basic")
# Clock skew tolerated on the ID token's exp and iat, in seconds.
SSO_CLOCK_LEEWAY_SECONDS = env.int("SSO_CLOCK_LEEWAY_SECONDS", default=60)
# Timeout of each request to the provider (discovery, JWKS, token, UserInfo), in seconds.
SSO_HTTP_TIMEOUT_SECONDS = env.float("SSO_HTTP_TIMEOUT_SECONDS", default=10.0)
# How long a started sign-in may wait for the provider's callback, in seconds.
SSO_ATTEMPT_MAX_AGE_SECONDS = env.int("SSO_ATTEMPT_MAX_AGE_SECONDS", default=600)
# How long the discovery document is cached before it is read again, in seconds.
SSO_DISCOVERY_CACHE_SECONDS = env.int("SSO_DISCOVERY_CACHE_SECONDS", default=3600)

# --- Courses and hours (courses, hours, statistics apps) --------------------------------------

COURSE_UPLOAD_MAX_BYTES = env.int("COURSE_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# Open courses move to 報名截止 at this interval once their enrolment window has ended.
CELERY_BEAT_SCHEDULE["courses-close-expired-enrolment"] = {
    "task": "inservice.courses.tasks.close_expired_enrolment",
    "schedule": crontab(minute="*/15"),
}
# An XLSX upload is a ZIP archive: these bound its entry count and unpacked size
# before openpyxl reads it, so a small file cannot expand into a huge one.
COURSE_UPLOAD_MAX_ARCHIVE_ENTRIES = env.int("COURSE_UPLOAD_MAX_ARCHIVE_ENTRIES", default=200)
COURSE_UPLOAD_MAX_UNCOMPRESSED_BYTES = env.int("COURSE_UPLOAD_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
# Data rows an attendance list may have.
ATTENDANCE_MAX_ROWS = env.int("ATTENDANCE_MAX_ROWS", default=10000)
# Codes of the CourseTag rows the kindergarten rules count (Appendix B of the spec):
# 18 hours of 幼兒園教保專業知能 per calendar year, 3 hours of 安全教育 in two calendar years.
KINDERGARTEN_PROFESSIONAL_TAG = env("KINDERGARTEN_PROFESSIONAL_TAG", default="kg_professional")
KINDERGARTEN_PROFESSIONAL_HOURS = env.int("KINDERGARTEN_PROFESSIONAL_HOURS", default=18)
KINDERGARTEN_SAFETY_TAG = env("KINDERGARTEN_SAFETY_TAG", default="safety_education")
KINDERGARTEN_SAFETY_HOURS = env.int("KINDERGARTEN_SAFETY_HOURS", default=3)

# --- Logging -------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

PAGE_SIZES = (10, 20, 50, 100)
