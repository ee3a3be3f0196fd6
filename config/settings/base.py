"""Settings shared by every mode. Everything that differs between machines comes from the
environment (see .env.example); the defaults are the embedded mode: SQLite, Celery eager,
local media, console e-mail."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-used-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "centres.admin_apps.ProductAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",
    "widget_tweaks",
    "dsfr",
    "crispy_forms",
    "axes",
    "centres",
    "surveys",
    "labelling",
]

MIDDLEWARE = [
    # First: its header reaches every response, static files and error pages included.
    "centres.security.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Development: absolute links follow the served host and port (centres.site).
    "centres.site.ServedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Anonymous public pages from the cache, before the work a cached copy does not need.
    "centres.public_cache.PublicPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "centres.public_cache.PrivateWhenSignedInMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Before any view reads the body (CSRF reads it in process_view): a body announced larger
    # than any upload is refused unread.
    "centres.uploads.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes wants to be last.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "centres.context_processors.shell",
            ],
        },
    },
]
# Every form of the project renders DSFR fields (labels, hints, error messages).
FORM_RENDERER = "centres.forms.rendering.DsfrFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = ["dsfr"]
CRISPY_TEMPLATE_PACK = "dsfr"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # var/ is not in git: create the database folder on a fresh clone.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "spplus",
            # A cache that stops answering must not hang requests (rate limits fail open).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "centres.User"
AUTHENTICATION_BACKENDS = [
    # django-axes wants to be first: a locked account is refused before its password is checked.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# The number of reverse proxies in front of the application, each appending the address it was
# reached from to X-Forwarded-For (1 behind the production proxy). Every rate limit and
# django-axes find the client's address through it (centres.ratelimit.client_address); 0
# ignores the header, which anyone can write.
TRUSTED_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Brute force: five wrong passwords in a row for one account from one address lock that account
# for that address during the cool-off period (the next attempt is refused before any password
# check). Someone who knows a staff address cannot lock its owner out: the owner signs in from
# another address. Password spraying (one password over many accounts) is stopped per address:
# LOGIN_ADDRESS_FAILURE_LIMIT failed sign-ins from one address within LOGIN_ADDRESS_WINDOW
# seconds, whatever the accounts, refuse the next ones from it; an office behind one address
# does not make 20 typos in an hour.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "centres.forms.accounts.sign_in_username"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "centres.ratelimit.client_address"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_ADDRESS_WINDOW = env_int("LOGIN_ADDRESS_WINDOW", 3600)  # seconds
# Password reset: requests per address and per account (existing or not) within the window;
# beyond, the same neutral answer is given and no e-mail is sent.
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 10)
PASSWORD_RESET_ACCOUNT_LIMIT = env_int("PASSWORD_RESET_ACCOUNT_LIMIT", 3)
PASSWORD_RESET_WINDOW = env_int("PASSWORD_RESET_WINDOW", 3600)  # seconds

# Sessions end after two idle hours and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch (centres.views.language) remembers the choice for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Import files wait this long for their confirmation, then are deleted (centres.uploads).
UPLOAD_STAGING_HOURS = env_int("UPLOAD_STAGING_HOURS", 24)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The manifest storage renames files; DSFR's integrity hashes would then be refused.
DSFR_USE_INTEGRITY_CHECKSUMS = False

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Services Publics+ <ne-pas-repondre@localhost>")

# The Django admin lives away from the default URL and only opens to DITP administrators.
ADMIN_URL = env_str("ADMIN_URL", "gestion-interne/").strip("/") + "/"

# Product switches. The Marianne brand block is reserved to State services.
STATE_BRAND = env_bool("STATE_BRAND", True)
PRODUCT_NAME = env_str("PRODUCT_NAME", "Services Publics +")
OPERATOR_NAME = env_str(
    "OPERATOR_NAME", "Direction interministérielle de la transformation publique"
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE: django-csp puts this request's nonce in the header (the DSFR scripts carry it).
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "centres.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Powerful browser features the product never uses, refused to every origin (itself included).
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ],
    [],
)

# Celery: eager (in-process) when no broker is configured, real workers otherwise.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Eager tasks never reach a broker, but Celery still acquires a producer: give it the
    # in-memory transport rather than a default AMQP connection to localhost.
    CELERY_BROKER_WRITE_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks write their outcome in the database; only `worker_ping` keeps a result. A request that
# dispatches a task then never waits on the result store, and with the broker down the publish
# gives up within about two seconds (the caller leaves the work for the sweeper).
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "kv": {"format": "ts=%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}

# Public pages (centres.public_cache): copies kept whole for anonymous visitors until an event
# changes them or this many seconds pass; browsers and proxies may keep them PUBLIC_PAGE_MAX_AGE.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 300)

# Survey statistics and protections (see README, Surveys).
SURVEY_MIN_SAMPLE = env_int("SURVEY_MIN_SAMPLE", 30)  # below: « échantillon insuffisant »
SURVEY_K_ANONYMITY = env_int("SURVEY_K_ANONYMITY", 5)  # smallest group shown, smallest batch
# Embedded mode has no Celery beat: there a submission queues the mixer (eager: it runs after
# the submission's commit, in its own transaction). With real services beat runs it.
SURVEY_MIX_ON_SUBMIT = env_bool("SURVEY_MIX_ON_SUBMIT", CELERY_TASK_ALWAYS_EAGER)
SURVEY_FAILED_LINK_LIMIT = env_int("SURVEY_FAILED_LINK_LIMIT", 20)  # per address and window
SURVEY_FAILED_LINK_WINDOW = env_int("SURVEY_FAILED_LINK_WINDOW", 600)  # seconds
# Citizen reviews sent to one centre from one address within the window (a day). A France
# Services counter, where citizens share one public address, helps a few dozen people a day
# with every service together: 100 reviews of one centre a day is out of its reach, not a
# spammer's, whom the honeypot and moderation stop anyway. Reading the form never counts.
REVIEW_SUBMIT_LIMIT = env_int("REVIEW_SUBMIT_LIMIT", 100)
REVIEW_SUBMIT_WINDOW = env_int("REVIEW_SUBMIT_WINDOW", 24 * 60 * 60)  # seconds
# Exports: a CSV of responses above this many rows (and every XLSX of responses) is written by
# a worker of the `exports` queue; files stay in a private folder for EXPORT_RETENTION_DAYS.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 100_000)
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(MEDIA_ROOT / "private" / "exports")))
# Audit evidence files.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# The largest file any form accepts: uploads stop being read past it (centres.uploads).
UPLOAD_MAX_BYTES = EVIDENCE_MAX_BYTES
FILE_UPLOAD_HANDLERS = [
    "centres.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
