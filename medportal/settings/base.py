"""Settings shared by every environment, readable top to bottom.

Every setting is declared once, here, in the section it belongs to; nothing further down patches
a setting declared above. Configuration comes from the environment through one django-environ
``env``. The environment modules (dev, test, production) import this and only override values.
tests/medportal/test_settings.py pins the middleware order and imports every settings module.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

# =============================================================================
# Paths and environment
# =============================================================================
BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env (never committed) may hold overrides for development.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

# =============================================================================
# Applications
# =============================================================================
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
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, never a CDN
    "simple_history",
    "django_celery_beat",
    "knox",  # API tokens (see REST_KNOX)
    "csp",  # Content-Security-Policy header (see CONTENT_SECURITY_POLICY)
]
# The portal's own apps. Which may import which is enforced by import-linter (the contracts in
# pyproject.toml; README "Architecture").
LOCAL_APPS = [
    "accounts",
    "diagnosis",
    "recommendations",
    "feedback",
    "mlops",
    "audit",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# =============================================================================
# Middleware
# =============================================================================
# Order matters (each wraps the ones below it); tests/medportal/test_settings.py pins it.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP on every response, including those answered by middleware further down. The admin's
    # few fixed inline styles are allowed by hash on /admin/ only (medportal/csp.py).
    "csp.middleware.CSPMiddleware",
    "medportal.csp.AdminCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database outage answers 503 (JSON with Retry-After under /api/, a short page elsewhere)
    # instead of a 500; this early so that it also sees errors raised by the session and auth
    # middleware below.
    "medportal.errors.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and messages, before MFA enforcement, so a redirect to MFA setup is
    # also no-store, refusals are audited, and an expired session never reaches a view.
    "accounts.middleware.NoStoreForAuthenticatedMiddleware",
    "audit.middleware.AuditMiddleware",
    "accounts.middleware.SessionAbsoluteTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "accounts.middleware.EncryptionKeyErrorMiddleware",
]

# =============================================================================
# URLs and templates
# =============================================================================
ROOT_URLCONF = "medportal.urls"
WSGI_APPLICATION = "medportal.wsgi.application"

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
            ],
            # {% load nhsuk %}: design-system classes for form widgets and urgency tags.
            "libraries": {"nhsuk": "medportal.templatetags.nhsuk"},
        },
    },
]

# =============================================================================
# Database
# =============================================================================
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'medportal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite takes its write lock lazily by default, so two concurrent writers (web request and
    # Celery task) raise "database is locked"; IMMEDIATE transactions, WAL and a busy timeout
    # make them wait their turn instead.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Seconds a client is told to wait (Retry-After) when the database is unreachable (medportal.errors).
DATABASE_RETRY_AFTER_SECONDS = 30

# =============================================================================
# Authentication, allauth and MFA
# =============================================================================
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Failed sign-ins are limited per client IP and per (account, IP) pair, never per account alone:
# an account-wide lock lets anyone lock a clinician out by typing five wrong passwords. The pair key
# is built in accounts.adapters.AccountAdapter; the reasoning against OWASP ASVS is in the README.
# Per pair: 5 failures then a 5-minute pause, and at most 20 an hour (a second, longer pause).
# Per IP, across accounts (password spraying): 30 in 5 minutes and 100 an hour.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMITS", default="30/5m/ip,100/h/ip,5/5m/key,20/h/key"),
    "signup": "20/h/ip",
    "reset_password": "10/h/ip,5/h/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# No "remember me": the session cookie dies with the browser (shared computers).
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MedPortal"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# =============================================================================
# Sessions and cookies
# =============================================================================
SESSION_COOKIE_AGE = 30 * 60  # 30 minutes of inactivity
# Not every request: accounts.middleware.SessionIdleRefreshMiddleware pushes the expiry forward
# at most once a minute, which spares most requests a database write.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_IDLE_REFRESH_SECONDS = 60
# Idle sessions end after SESSION_COOKIE_AGE; this ends every session 12 hours after login however
# active (accounts.middleware.SessionAbsoluteTimeoutMiddleware).
SESSION_ABSOLUTE_MAX_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# =============================================================================
# Security headers
# =============================================================================
# Content-Security-Policy (django-csp): no inline script or style anywhere; templates use
# static files only (tests/accounts/test_hardening.py checks templates and pages). Swagger UI
# (/api/v1/docs/) loads its start-up script and page style as files (templates/api/swagger_ui.html);
# /admin/ adds hashes of the admin's fixed inline styles (medportal/csp.py), never 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# =============================================================================
# Health data encryption
# =============================================================================
# Newest key first; older keys stay readable until `rotate_encryption_key` re-saves rows.
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])

# =============================================================================
# E-mail
# =============================================================================
# Every e-mail (sign-up confirmation, password reset, a clinician's reply) comes from a named sender.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MedPortal <no-reply@medportal.invalid>")
# Error reports to ADMINS come from the same sender unless set apart.
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Shown on /contact/ for questions that are not about a check; empty: the page lists the routes
# inside the portal only.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")

# =============================================================================
# Caches
# =============================================================================
# allauth keeps rate limits and single-use TOTP codes in the cache: a database cache
# keeps both working (and shared between processes) even when Redis is down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "medportal_cache",
    },
    # API throttle counters: written on every API request, so not the database cache (six
    # statements and a commit a request). Per process here; Redis in production. The throttles
    # fail open if it is unreachable (medportal.api).
    "throttle": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "throttle",
    },
}

# =============================================================================
# Internationalisation
# =============================================================================
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# =============================================================================
# Static files
# =============================================================================
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Model artefacts: one store every app host and Celery worker sees. The database by default (next
# to the registry, no extra service); an S3-compatible store through django-storages by setting
# MODEL_STORAGE_BACKEND=storages.backends.s3.S3Storage and MODEL_STORAGE_OPTIONS (JSON: bucket_name,
# location, endpoint_url...). Each host reads artefacts through its own cache, MODEL_CACHE_DIR.
MODEL_STORAGE = {
    "BACKEND": env.str("MODEL_STORAGE_BACKEND", default="mlops.storage.DatabaseStorage"),
    "OPTIONS": env.json("MODEL_STORAGE_OPTIONS", default={}),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "models": MODEL_STORAGE,
}

# =============================================================================
# REST API: DRF, tokens, schema, limits
# =============================================================================
# An API token stops working this many days after it was issued (the client asks for a new one
# with the password); changing or resetting the password revokes it at once.
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=30)
# API tokens (django-rest-knox): only a digest is stored; sent as "Authorization: Token <key>".
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": timedelta(days=API_TOKEN_MAX_AGE_DAYS),
    "AUTO_REFRESH": False,
}
REST_FRAMEWORK = {
    # Token first so an anonymous request gets 401 with WWW-Authenticate. BasicAuthentication is
    # left out on purpose: a password in a header would bypass allauth's rate limits and MFA.
    # Staff tokens are refused (MFA; medportal.api.TokenAuthentication).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "medportal.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Bounded body size and nesting depth, JSON 400/413 errors (medportal.api.JSONParser).
    "DEFAULT_PARSER_CLASSES": ["medportal.api.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "medportal.api.AnonRateThrottle",
        "medportal.api.UserRateThrottle",
        # CHECKS_PER_DAY for POST /api/v1/checks/ only (diagnosis.throttles).
        "diagnosis.throttles.DailyCheckCapThrottle",
    ],
    # Per client; a symptom check with its questions is about 10 requests. auth_token guards
    # the password endpoint on top of allauth's per-account login_failed limit.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="240/min"),
        "auth_token": env.str("API_THROTTLE_AUTH_TOKEN", default="5/min"),
    },
    # 0: throttle by REMOTE_ADDR. DRF's default (None) trusts a client-sent X-Forwarded-For,
    # which lets anyone dodge the anonymous limits; behind one reverse proxy set 1.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "medportal.api.exception_handler",
    # No OPTIONS metadata: the schema documents the API, and DRF's metadata needs a
    # serializer_class that these views (separate input/output serializers) do not have.
    "DEFAULT_METADATA_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",  # the API parses JSON only
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MedPortal API",
    "DESCRIPTION": "Symptom checks, recommendations and feedback. Not a diagnosis.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Ids are matched as at most 18 digits (see medportal/api_urls.py), so they fit a 64-bit column.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 999999999999999999}},
    # One name per choice set shared by several fields (triage levels, yes/no/unsure answers).
    "ENUM_NAME_OVERRIDES": {
        "TriageLevelEnum": "diagnosis.models.TriageLevel",
        "YesNoUnsureEnum": [("yes", "yes"), ("no", "no"), ("unsure", "unsure")],
    },
}
# No API request needs more than a few kilobytes or four levels of nesting (medportal.api.JSONParser).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1_000_000)
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=50)

# =============================================================================
# Abuse controls
# =============================================================================
# Web symptom checks (POST /check/) share the API's per-user rate (REST_FRAMEWORK "user", i.e.
# API_THROTTLE_USER) and a per-user cap over any 24 hours, also applied to POST /api/v1/checks/:
# every emergency check can reach the clinician review queue, so one account must not be able to
# flood it. 0 turns the cap off. (medportal.limits)
CHECKS_PER_DAY = env.int("CHECKS_PER_DAY", default=50)
# Checks without an account (diagnosis.views, nothing stored) are limited per client IP: the API's
# anonymous rate (API_THROTTLE_ANON) and this many a day (0 turns the cap off). Generous, because
# a clinic or a household shares one address. (medportal.limits)
GUEST_CHECKS_PER_DAY = env.int("GUEST_CHECKS_PER_DAY", default=30)
# At most this many of one patient's checks a day enter the clinician queue by an *automatic*
# flag (red flag or low confidence); beyond it a low-confidence check is folded into the
# patient's open review (counted there, not queued again). Red-flag and emergency checks and
# checks the patient asked about are always queued; the queue shows one row per patient, so
# they cannot bury other patients either. 0 turns the cap off. (feedback.services.review_flag)
REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY = env.int("REVIEW_AUTO_FLAGS_PER_PATIENT_PER_DAY", default=5)
# Patients (queue rows) per page of the clinician review queue.
REVIEW_QUEUE_PAGE_SIZE = 25
# Within one urgency the queue puts the checks a label would teach the model most first
# (feedback/learning.py); a check waiting longer than this rises above that order, so none starves.
REVIEW_STARVATION_HOURS = env.int("REVIEW_STARVATION_HOURS", default=24)

# =============================================================================
# Celery
# =============================================================================
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A web request that queues a task must not hang on a dead broker: short connection timeouts,
# one retry, and tasks that can wait (retraining) are picked up once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4 * 3600,  # above the longest training run
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    # kombu otherwise sleeps 2 s between connection attempts: a request must not wait on a dead broker.
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# =============================================================================
# MedPortal: engine, advice and model training
# =============================================================================
# This host's read-through cache of model artefacts, one file per checksum (safe to delete).
MODEL_CACHE_DIR = Path(env.str("MODEL_CACHE_DIR", default=str(BASE_DIR / "var" / "model-cache")))
# Where releases before the shared model storage wrote artefacts: `import_model_artefacts` (run by
# `ensure_model`) copies what is still only there into the storage.
MODEL_STORE_DIR = Path(env.str("MODEL_STORE_DIR", default=str(BASE_DIR / "var" / "models")))
KNOWLEDGE_BASE_DIR = BASE_DIR / "diagnosis" / "knowledge_base"
# Each app validates and loads its own part of the knowledge-base files (a diagnosis.kb_loader
# Section), in this order: recommendations' advice needs diagnosis's conditions.
KNOWLEDGE_BASE_SECTIONS = ["diagnosis.kb_loader.SECTION", "recommendations.kb.SECTION"]
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")  # links in e-mails
EMERGENCY_NUMBER = env.str("EMERGENCY_NUMBER", default="999 (UK) / 112 (EU) / 911 (US)")
# The non-emergency urgent line named in advice ("get help from 111 today"); per deployment.
URGENT_NUMBER = env.str("URGENT_NUMBER", default="111")
# Target coverage of the conformal condition list (diagnosis/engine/conformal.py): the share of
# presentations like the calibration ones whose list holds the right condition.
CONFORMAL_COVERAGE = env.float("CONFORMAL_COVERAGE", default=0.90)
# Fresh synthetic patients per age band x sex cell that a trained version's conformal sets are
# calibrated on (each gives up to five presentations, so about 13,000 rows per cell and 2,000-3,000
# per cell x number of findings). With the natural mix the children's cells got 90-290 rows, too
# few for a cell's own quantile; with 1,000 per cell a cell's coverage still moved by about +/- 2
# points from one draw to the next (the quantile of ~900 rows, many of them tied one-finding
# scores), so one cell or another fell outside 90 +/- 2 (`benchmarks/conformal.py
# --calibration-draws`). 3,000 costs a few seconds once per knowledge base and about 1.4 MB more
# artefact.
CONFORMAL_CALIBRATION_PER_CELL = env.int("CONFORMAL_CALIBRATION_PER_CELL", default=3000)
# Continuous improvement: retrain once this many new confirmed labels exist, on this many
# synthetic cases per condition (plus imported and confirmed cases).
RETRAIN_NEW_LABELS_TRIGGER = env.int("RETRAIN_NEW_LABELS_TRIGGER", default=25)
RETRAIN_SYNTHETIC_PER_DISEASE = env.int("RETRAIN_SYNTHETIC_PER_DISEASE", default=500)
# The retrain lock lives this many seconds unless its holder's heartbeat (every third of it)
# renews it, so a killed worker blocks retraining for at most this long.
RETRAIN_LOCK_TTL = env.int("RETRAIN_LOCK_TTL", default=120)
# A nightly retrain slot that passed this many minutes ago without a nightly run (beat could not
# publish it, e.g. Redis was down) is caught up by mlops.nightly_retrain_catch_up.
RETRAIN_CATCH_UP_GRACE_MINUTES = env.int("RETRAIN_CATCH_UP_GRACE_MINUTES", default=60)
# A clinician-confirmed outcome counts this many times a synthetic or imported row in training.
TRAINING_CONFIRMED_WEIGHT = env.float("TRAINING_CONFIRMED_WEIGHT", default=3.0)
# Latency gate (mlops.gates): a diagnosis version is promoted only if its single predictions (the
# model's share of a check) keep their p99 under this many milliseconds and `predict --batch`'s one
# prediction per case runs at least this many cases a second, both measured in-process at promotion.
# 10 ms, not the 20 ms a whole check may take: the rest of a check (reading, triage, explanation)
# costs about 9-13 ms p99 whatever the version (benchmarks/triage.py), so a model under 10 ms keeps
# a whole check under about 20 ms.
DIAGNOSIS_LATENCY_P99_MS = env.float("DIAGNOSIS_LATENCY_P99_MS", default=10.0)
DIAGNOSIS_BATCH_MIN_PER_SECOND = env.float("DIAGNOSIS_BATCH_MIN_PER_SECOND", default=500.0)

# =============================================================================
# Health endpoint
# =============================================================================
# /health/ready/ (database, cache, broker and model state) is shown to staff sessions and to
# requests sending this value in the X-Health-Token header; empty: staff only (medportal.health).
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")

# =============================================================================
# Logging and error reports
# =============================================================================
# Logs and error reports never carry passwords, tokens, secrets or health values: every handler
# runs the "redact" filter (audit.redaction), and tracebacks go through the reporter filter below.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own loggers get handlers from its DEFAULT_LOGGING that bypass the redact filter:
        # route them through the filtered handlers instead (runserver's request lines include query
        # strings, e.g. the symptom autocomplete).
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "filters": {
        "redact": {"()": "audit.redaction.RedactingFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "audit.redaction.HealthDataSafeExceptionReporterFilter"
