"""Django settings, read from the environment.

With nothing set, the archive runs on one machine (the embedded default):
SQLite, a local object directory and a file-based task broker, all under
``ARCHIVE_DATA_DIR`` (default ``./var``). Production sets ``DATABASE_URL``,
``CELERY_BROKER_URL``, ``ARCHIVE_STORAGE=s3`` with its ``S3_*`` values, as
docker-compose.yml does. A bad value stops the start with the variable's name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import (env_bool, env_choice, env_data_dir, env_database, env_int, env_list,
                  env_networks, env_str)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_data_dir("ARCHIVE_DATA_DIR", str(BASE_DIR / "var"))


def _secret_key() -> str:
    """Use DJANGO_SECRET_KEY, else one made once and kept in the data directory."""
    if key := env_str("DJANGO_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _field_keys() -> list[str]:
    """Use ARCHIVE_FIELD_KEY (Fernet keys, newest first), else one made once in the data directory."""
    from django.core.exceptions import ImproperlyConfigured

    from kernel.fieldcrypt import parse_keys

    if value := env_str("ARCHIVE_FIELD_KEY"):
        name = "ARCHIVE_FIELD_KEY"
    else:
        path = DATA_DIR / "field_key"
        name = f"{path} (read when ARCHIVE_FIELD_KEY is unset)"
        if not path.exists():
            from cryptography.fernet import Fernet

            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(Fernet.generate_key())
        value = path.read_text()
    try:
        return parse_keys(value)
    except ValueError:
        # The value is a secret: name where it came from, never echo it.
        raise ImproperlyConfigured(
            f"{name} is invalid: expected comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each)") from None


# Encrypts secrets stored in the database (the core clients' callback signing secrets).
ARCHIVE_FIELD_KEYS = _field_keys()


def _audit_key() -> str | None:
    """Use ARCHIVE_AUDIT_KEY when set; unset, the key file is made on first use (archive.anchor)."""
    from django.core.exceptions import ImproperlyConfigured

    value = env_str("ARCHIVE_AUDIT_KEY")
    if value is not None and len(value) < 32:
        raise ImproperlyConfigured("ARCHIVE_AUDIT_KEY is invalid: expected at least 32 characters")
    return value


# Keys the MAC of every audit event and checkpoint: kept outside the database, so a
# database writer cannot recompute the chain (README, "The audit trail").
ARCHIVE_AUDIT_KEY = _audit_key()
ARCHIVE_AUDIT_KEY_FILE = str(DATA_DIR / "audit_key")
ARCHIVE_AUDIT_CHECKPOINT_FILE = env_str("ARCHIVE_AUDIT_CHECKPOINT_FILE",
                                        str(DATA_DIR / "audit" / "checkpoints.log"))
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Transport and headers ----------------------------------------------------------------
# In production the agency's TLS-terminating proxy sits in front (README.md, "Production") and
# sets X-Forwarded-Proto and X-Forwarded-For. Saying so turns https-only, secure cookies and
# HSTS on by default; the embedded default serves plain http on loopback and keeps them off.
_behind_tls_proxy = env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _behind_tls_proxy else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _behind_tls_proxy)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", _behind_tls_proxy)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", _behind_tls_proxy)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS",
                              365 * 24 * 3600 if _behind_tls_proxy else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# The proxies whose X-Forwarded-For is believed (addresses or networks): kernel/http.py.
ARCHIVE_TRUSTED_PROXIES = env_networks("ARCHIVE_TRUSTED_PROXIES")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Counter staff sign out after this long without a request; other roles keep SESSION_COOKIE_AGE.
ARCHIVE_COUNTER_SESSION_SECONDS = env_int("ARCHIVE_COUNTER_SESSION_SECONDS", 15 * 60, minimum=60)
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=60)

# No inline script anywhere (archive/middleware.py adds inline style on Wagtail's admin pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

INSTALLED_APPS = [
    "catalog",
    "archive",
    "search",
    "ingest",
    "retention",
    "wagtail.users",
    "wagtail.admin",
    "wagtail.search",
    # Wagtail's admin shell expects these two; their menus are hidden (archive/wagtail_hooks.py).
    "wagtail.images",
    "wagtail.documents",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise: static files may be cached; every other answer is not (no-store).
    "archive.middleware.NoStoreMiddleware",
    "archive.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "archive.middleware.CounterSessionMiddleware",
    "archive.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "archive.middleware.RequestActorMiddleware",
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
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", DATA_DIR / "archive.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "catalog.passwords.CitizenIdPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Brute-force lockout (archive.lockout), counted in the cache below.
AUTHENTICATION_BACKENDS = ["archive.lockout.LockoutBackend"]
WAGTAILADMIN_USER_LOGIN_FORM = "archive.lockout.LockoutLoginForm"
LOGIN_FAILURES_PER_USERNAME = env_int("LOGIN_FAILURES_PER_USERNAME", 5, minimum=1)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
# Repeated refusals (sign-ins, core API calls) past the first: one audit event per this many.
AUDIT_REPEATS_EVERY = env_int("AUDIT_REPEATS_EVERY", 100, minimum=1)
LOGIN_REDIRECT_URL = "wagtailadmin_home"

# Chinese whatever the browser asks for; a user picks English in the admin's account settings.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "media")}},
    # Not the manifest variant: Wagtail's CSS names images of apps we do not install.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "社会保险业务档案管理系统"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False  # closed networks: never call out
# The archive has no pages to moderate and no media collections: Wagtail's CMS parts stay off.
WAGTAIL_WORKFLOW_ENABLED = False
# Every time is shown in the archive's zone: officers are not offered another one.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_COMMENTS_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- 档号 templates (per deployment) ------------------------------------------------
# Records bound in a volume (按卷) and records filed as items on their own (按件).
ARCHIVE_CODE_TEMPLATE_VOLUME = env_str(
    "ARCHIVE_CODE_TEMPLATE_VOLUME", "{fonds}-{year}-{category}-{stage}-{volume}-{page}-{retention}")
ARCHIVE_CODE_TEMPLATE_ITEM = env_str(
    "ARCHIVE_CODE_TEMPLATE_ITEM", "{fonds}-{category}·{year}-{retention}-{item:04}")

# The fonds (全宗) archive_setup creates on first start; its code and name head every 档号
# and certified copy (manage.py archive_setup --fonds-code/--fonds-name override them).
ARCHIVE_FONDS_CODE = env_str("ARCHIVE_FONDS_CODE")
ARCHIVE_FONDS_NAME = env_str("ARCHIVE_FONDS_NAME")
# The stage a non-accounting destruction register is filed under as a permanent record
# (accounting registers go to their category's 会计档案销毁清册 stage, XXnn.10).
ARCHIVE_DESTRUCTION_REGISTER_STAGE = env_str("ARCHIVE_DESTRUCTION_REGISTER_STAGE", "JH03")

# --- Ingest --------------------------------------------------------------------------------
INGEST_MAX_FILE_MB = env_int("INGEST_MAX_FILE_MB", 500, minimum=1)
INGEST_MAX_PAGES = env_int("INGEST_MAX_PAGES", 2000, minimum=1)
INGEST_PROCESSES = env_int("INGEST_PROCESSES", 0, minimum=0)  # 0: one per core
INGEST_CLASSIFY_THRESHOLD = float(env_int("INGEST_CLASSIFY_THRESHOLD_PERCENT", 60, minimum=0)) / 100
# A title, name or date read from the pages is applied at this confidence; below, it stays
# a suggestion for the officer (ingest/extract.py).
INGEST_EXTRACT_THRESHOLD = float(env_int("INGEST_EXTRACT_THRESHOLD_PERCENT", 70, minimum=0)) / 100
INGEST_STUCK_MINUTES = env_int("INGEST_STUCK_MINUTES", 30, minimum=1)

# --- OCR ------------------------------------------------------------------------------------
# One engine behind ingest.ocr's interface. benchmarks/ocr_quality.py chose RapidOCR (PP-OCRv4):
# on benchmarks/forms.py's forms CER 6.4 % and every name and ID number read; Tesseract chi_sim
# 14.7 % and 90 % of the names (chi_sim+eng, today's: 17.3 %, 80 %).
OCR_ENGINE = env_choice("OCR_ENGINE", ("rapidocr", "tesseract"), "rapidocr")
_ocr_timeout = env_int("OCR_TIMEOUT_SECONDS", 300, minimum=1)
ARCHIVE_OCR = {
    "tesseract": {"BACKEND": "ingest.ocr.tesseract.TesseractOcr",
                  "OPTIONS": {"lang": env_str("OCR_TESSERACT_LANG", "chi_sim"),
                              "timeout": _ocr_timeout}},
    # Upright scans: no angle classifier (same quality, slower); one thread, parallelism from
    # processes (2 threads bought nothing); pages scaled to 2000 px: the lowest error rate
    # (1500 px: +0.3 points CER for 25 % less time; set OCR_RAPID_MAX_SIDE to trade).
    "rapidocr": {"BACKEND": "ingest.ocr.rapid.RapidOcr",
                 "OPTIONS": {"use_angle_cls": False, "threads": 1,
                             "max_side_len": env_int("OCR_RAPID_MAX_SIDE", 2000, minimum=320),
                             "timeout": _ocr_timeout}},
}[OCR_ENGINE]

# --- Object storage -------------------------------------------------------------------
ARCHIVE_STORAGE_KIND = env_choice("ARCHIVE_STORAGE", ("local", "s3"), "local")
if ARCHIVE_STORAGE_KIND == "s3":
    def _required(name: str) -> str:
        from django.core.exceptions import ImproperlyConfigured
        value = env_str(name)
        if value is None:
            raise ImproperlyConfigured(f"{name} is required when ARCHIVE_STORAGE=s3")
        return value

    ARCHIVE_STORAGE = {
        "BACKEND": "archive.storage.s3.S3ObjectStore",
        "OPTIONS": {
            "endpoint": _required("S3_ENDPOINT"),
            "access_key": _required("S3_ACCESS_KEY"),
            "secret_key": _required("S3_SECRET_KEY"),
            "bucket": env_str("S3_BUCKET", "archive-objects"),
            "secure": env_bool("S3_SECURE", False),
            "region": env_str("S3_REGION"),
        },
    }
else:
    ARCHIVE_STORAGE = {
        "BACKEND": "archive.storage.local.LocalObjectStore",
        "OPTIONS": {"root": str(DATA_DIR / "objects")},
    }

# The sweep (manage.py objects_sweep, daily on beat) keeps an object no row names for this
# long after it was last put: the row naming it is written after the put.
ARCHIVE_SWEEP_GRACE_HOURS = env_int("ARCHIVE_SWEEP_GRACE_HOURS", 24, minimum=1)
# Large request bodies are spooled here, not to the system's /tmp: private to the archive's
# user, and the sweep removes those a killed process left.
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "uploads")
(DATA_DIR / "uploads").mkdir(mode=0o700, exist_ok=True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社会保险业务档案管理系统 API",
    "DESCRIPTION": "Archive search for programs, and the intake API of the declaration-and-"
                   "collection core (申报征收核心系统).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["config.openapi.public_api_only"],
    # Swagger UI and ReDoc from the sidecar package: no CDN on closed networks.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Shared counters (the core API's rate limit): Redis in production, this process otherwise.
_cache_url = env_str("CACHE_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": _cache_url} if _cache_url else
          {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Core intake (申报征收核心系统) ------------------------------------------------------
# Calls with a missing or refused token, per address and minute, before 429 answers.
CORE_REFUSED_CALLS_PER_MINUTE = env_int("CORE_REFUSED_CALLS_PER_MINUTE", 30, minimum=1)
CORE_MAX_FILE_MB = env_int("CORE_MAX_FILE_MB", 100, minimum=1)
CORE_MAX_MEMBERS = env_int("CORE_MAX_MEMBERS", 1000, minimum=1)
CORE_CALLBACK_TIMEOUT_SECONDS = env_int("CORE_CALLBACK_TIMEOUT_SECONDS", 10, minimum=1)
CORE_CALLBACK_BACKOFF_SECONDS = env_int("CORE_CALLBACK_BACKOFF_SECONDS", 30, minimum=0)
CORE_CALLBACK_BACKOFF_MAX_SECONDS = env_int("CORE_CALLBACK_BACKOFF_MAX_SECONDS", 3600, minimum=1)
CORE_CALLBACK_MAX_RETRIES = env_int("CORE_CALLBACK_MAX_RETRIES", 12, minimum=0)

# --- Search -------------------------------------------------------------------------------
# Elasticsearch when ELASTICSEARCH_URL is set, else the embedded tantivy index.
_es_url = env_str("ELASTICSEARCH_URL")
if _es_url:
    if not _es_url.startswith(("http://", "https://")):
        from django.core.exceptions import ImproperlyConfigured
        raise ImproperlyConfigured(
            f"ELASTICSEARCH_URL={_es_url!r} is invalid: expected an http:// or https:// URL")
    ARCHIVE_SEARCH = {
        "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
        "OPTIONS": {
            "url": _es_url,
            "index": env_str("ELASTICSEARCH_INDEX", "si-archive-pages"),
            "ca_certs": env_str("ELASTICSEARCH_CA_CERTS"),
            "api_key": env_str("ELASTICSEARCH_API_KEY"),
        },
    }
else:
    ARCHIVE_SEARCH = {
        "BACKEND": "search.backends.tantivy.TantivyBackend",
        "OPTIONS": {"path": str(DATA_DIR / "search")},
    }

# --- Celery -------------------------------------------------------------------------------
_broker = env_str("CELERY_BROKER_URL")
if _broker is None:
    # Embedded default: a file-based broker under the data directory, so one
    # worker beside the web process needs no Redis.
    _queue_dir = DATA_DIR / "broker" / "queue"
    _processed_dir = DATA_DIR / "broker" / "processed"
    _control_dir = DATA_DIR / "broker" / "control"
    for _path in (_queue_dir, _processed_dir, _control_dir):
        _path.mkdir(parents=True, exist_ok=True)
    # A host name the file broker ignores: without one kombu logs "No hostname
    # was supplied. Reverting to default 'localhost'" on every connection.
    CELERY_BROKER_URL = "filesystem://localhost"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        # Kombu puts broadcast (pidbox) files in ./control unless told otherwise.
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND",
                                    "file://" + str(DATA_DIR / "broker" / "results"))
    (DATA_DIR / "broker" / "results").mkdir(parents=True, exist_ok=True)
else:
    if not _broker.startswith(("redis://", "rediss://")):
        from django.core.exceptions import ImproperlyConfigured
        raise ImproperlyConfigured(
            f"CELERY_BROKER_URL={_broker!r} is invalid: expected a redis:// URL")
    CELERY_BROKER_URL = _broker
    CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _broker)
    # Longer than the longest task, so a slow task is not delivered twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600, minimum=5)}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# OCR runs on its own queue so long scans never hold up other work.
CELERY_TASK_ROUTES = {"ingest.tasks.process_page": {"queue": "ocr"}}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "fixity-check-nightly": {
        "task": "archive.tasks.fixity_check_task",
        "schedule": env_int("FIXITY_CHECK_INTERVAL_SECONDS", 24 * 3600, minimum=60),
    },
    "objects-sweep-daily": {
        "task": "archive.tasks.objects_sweep_task",
        "schedule": env_int("OBJECTS_SWEEP_INTERVAL_SECONDS", 24 * 3600, minimum=60),
    },
    # Anchor the audit chain's head outside the database (skipped while it stays).
    "audit-checkpoint": {
        "task": "archive.tasks.audit_checkpoint_task",
        "schedule": env_int("AUDIT_CHECKPOINT_INTERVAL_SECONDS", 600, minimum=60),
    },
    # Count what fell due for appraisal, for the dashboard (retention/services/due.py).
    "retention-due-list-daily": {
        "task": "retention.tasks.due_list_task",
        "schedule": env_int("RETENTION_DUE_LIST_INTERVAL_SECONDS", 24 * 3600, minimum=60),
    },
    "ingest-sweep": {
        "task": "ingest.tasks.sweep_stuck_records",
        "schedule": 300,
    },
    # Take up destruction items a killed worker or a long outage left queued.
    "destruction-resume": {
        "task": "retention.tasks.destruction_resume_task",
        "schedule": env_int("DESTRUCTION_RESUME_INTERVAL_SECONDS", 300, minimum=30),
    },
    # Index whatever the catalogue queued while the broker or search engine was down.
    "search-index-pending": {
        "task": "search.tasks.index_pending_task",
        "schedule": 60,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Wagtail's background reference-index tasks log every run at INFO.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}

