"""Accord settings: one module, everything that varies comes from the environment."""

import os
import re
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# pyHanko imports cryptography's DSA module, deprecated there; Accord seals with RSA. Startup logs
# should carry what operators must act on, not this.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")
VAR_DIR = Path(os.environ.get("ACCORD_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: a forgotten variable must never expose debug pages in production.
DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("ACCORD_TESTING", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "accord-insecure-development-key-do-not-use-in-production-0123456789"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# The signing audit chain is keyed: HMAC-SHA256 with a key that is never stored in the database
# (docs/signing.md). ACCORD_AUDIT_KEY, or the file named by ACCORD_AUDIT_KEY_FILE; without either,
# a key derived from SECRET_KEY (rotating SECRET_KEY then needs the old one in
# ACCORD_AUDIT_OLD_KEYS). ACCORD_AUDIT_OLD_KEYS: earlier keys, comma-separated, that still verify
# the entries written with them.
_audit_key_file = env_str("ACCORD_AUDIT_KEY_FILE")
try:
    ACCORD_AUDIT_KEY = env_str("ACCORD_AUDIT_KEY") or (
        Path(_audit_key_file).read_text(encoding="utf-8").strip() if _audit_key_file else ""
    )
except OSError as exc:
    raise ImproperlyConfigured(f"ACCORD_AUDIT_KEY_FILE cannot be read: {exc}") from exc
ACCORD_AUDIT_OLD_KEYS = env_list("ACCORD_AUDIT_OLD_KEYS")

# The one address of the site: links in e-mails, the verification link and QR code sealed into
# PDFs. `make run` sets it from PORT; production must say it (a PDF sealed with a wrong address
# cannot be corrected). The host it names is allowed and trusted for CSRF unless listed otherwise.
SITE_URL = env_str("SITE_URL", "" if not (DEBUG or TESTING) else "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL:
    raise ImproperlyConfigured("SITE_URL must be set when DEBUG is off (e.g. https://accord.example.org).")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname or _site.path or _site.query:
    raise ImproperlyConfigured(
        f"SITE_URL must be the site's address such as https://accord.example.org (got {SITE_URL!r})."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (
    ["127.0.0.1", "localhost", _site.hostname] if DEBUG or TESTING else [_site.hostname]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    # django.contrib.admin, with a site that lets in active superusers only (config/admin_site.py).
    "config.apps.AccordAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "django_tasks_db",
    "signatories",
    "declarations",
    "consultations",
    "signing",
    "documents",
    "backups",
]

MIDDLEWARE = [
    # First: one log line per request (status, duration, request id), errors included.
    "config.logging.RequestLogMiddleware",
    # Then an oversized body is refused before any other middleware or view reads it (UPLOAD_MAX_BYTES).
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Pages are compressed here (static files by WhiteNoise). BREACH: Django masks the CSRF token
    # per response and GZipMiddleware pads each body with random bytes (docs/security.md).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times on pages in the reader's own zone (account settings), else the secretariat's (TIME_ZONE).
    "signatories.time_zones.ReaderTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

if not (DEBUG or TESTING):
    # Static files collected with hashed names, served with far-future cache headers and compressed,
    # without a proxy in front. (runserver and the test server serve them from the apps' folders.)
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"

# The Django admin (superusers only) is mounted only when enabled: on by default with DEBUG (`make run`)
# and in tests, off in production unless ADMIN_ENABLED=1, and then at ADMIN_URL (docs/security.md).
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", DEBUG or TESTING)
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
if not re.fullmatch(r"[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*/", ADMIN_URL):
    raise ImproperlyConfigured("ADMIN_URL must be a path like 'admin/' or 'ops/back-office-7f3a/'.")
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite under var/ by default; PostgreSQL (or anything dj-database-url knows) via DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'accord.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Accord understands: {exc}") from exc
if DATABASES["default"]["ENGINE"] not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
    raise ImproperlyConfigured("DATABASE_URL must be postgres://… (production) or sqlite:///… (development).")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's connection pool (one per process): a fresh connection per request costs about 10x
    # throughput on these machines. The pool and CONN_MAX_AGE exclude each other; DB_POOL=0 falls
    # back to persistent connections (e.g. behind PgBouncer).
    if env_bool("DB_POOL", True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 2),
            "max_size": env_int("DB_POOL_MAX_SIZE", 8),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("TEST_DATABASE_NAME") or None
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL + a busy timeout let the dev server, the worker and tests share the file.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "signing:home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user object; outsiders are answered by our loaders with 404.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-axes: lock a username+IP after repeated failures; the login page explains it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# The secretariat's time zone: pages and e-mails use it for anyone who has not chosen their own
# (account settings; signatories/time_zones.py). Times are stored in UTC whatever it is.
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True
# Every time shown names its zone ("2026-09-30 18:00 KST"): config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Files go through STORAGES so several stateless web processes can share them.
if env_str("AWS_STORAGE_BUCKET_NAME"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Production: hashed names (cached for a year, immutable) and gzip/Brotli copies made once by
    # collectstatic; WhiteNoise serves them (docs/operations.md).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Console in development (mail is printed); SMTP in production unless told otherwise.
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or TESTING
    else "django.core.mail.backends.smtp.EmailBackend",
)
_email_options: dict[str, object] = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Accord <accord@localhost>")

# Background work: django.tasks in the database (django-tasks-db), run by `manage.py db_worker`,
# in development too (`make run` starts the worker next to runserver): no request ever waits for
# a PDF to render. Tests run tasks in-process (immediate backend), where they are enqueued.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# Cache and sessions. Without CACHE_URL (development, tests, `make run`): Django's per-process
# memory cache and sessions in the database. With CACHE_URL=redis://host:6379/0 (docker-compose):
# Django's Redis cache, shared by every web process (a page body is rendered once for all of them),
# and sessions read from it, written through to the database ("cached_db": the database stays the
# record, a logout deletes both). docs/operations.md, docs/performance.md.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "accord-default"},
}
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// URL.")
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "accord"),
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Security: secure by default in production, relaxed only for local HTTP development.
SESSION_COOKIE_HTTPONLY = True
# In production these follow SITE_URL's scheme: a site on https gets secure cookies, the redirect
# and HSTS; a trial on http://localhost works (secure cookies would never reach it).
_https = _site.scheme == "https" and not (DEBUG or TESTING)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", _https)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _https)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Sizes checked before anything is read (issue 18): a request body (the largest upload is a 20 MB PDF
# for /verify/), an interchange file for import_declaration, an archive for import_archive.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 25) * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 50) * 1024 * 1024
ARCHIVE_MAX_BYTES = env_int("ARCHIVE_MAX_MB", 4096) * 1024 * 1024

# The secretariat's sealing certificate for exported PDFs (see docs/pdf.md).
ACCORD_SEAL_KEY_FILE = env_str("ACCORD_SEAL_KEY_FILE", str(VAR_DIR / "seal" / "seal-key.pem"))
ACCORD_SEAL_CERT_FILE = env_str("ACCORD_SEAL_CERT_FILE", str(VAR_DIR / "seal" / "seal-cert.pem"))
ACCORD_SEAL_KEY_PASSWORD = env_str("ACCORD_SEAL_KEY_PASSWORD") or None
ACCORD_SEAL_PKCS12_FILE = env_str("ACCORD_SEAL_PKCS12_FILE")
ACCORD_SEAL_PKCS12_PASSWORD = env_str("ACCORD_SEAL_PKCS12_PASSWORD") or None
# Earlier seal certificates, so documents sealed before a key rotation still verify.
ACCORD_SEAL_TRUSTED_CERT_FILES = env_list("ACCORD_SEAL_TRUSTED_CERT_FILES")

# Everything to stderr, one line a record, each carrying the request id of the request it belongs
# to (config/logging.py); errors with their traceback. Containers collect stderr.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # A 4xx/5xx is already in the request line; the 5xx traceback comes from django.request.
        "django.server": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; only its warnings matter to operators.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Error reporting to Sentry (or a compatible service) when SENTRY_DSN is set; off otherwise.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        # Declarations, comments and signatures are not the error reporter's business.
        send_default_pii=False,
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
