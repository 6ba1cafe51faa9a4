"""Production settings: every secret and service address comes from the environment.

Missing DATABASE_URL, REDIS_URL, SECRET_KEY, FIELD_ENCRYPTION_KEY, ALLOWED_HOSTS or EMAIL_URL
(or an EMAIL_URL that prints or drops mail) stops the process at import with ImproperlyConfigured.
"""

from django.core.exceptions import ImproperlyConfigured

from accounts.checks import NON_DELIVERING_EMAIL_BACKENDS

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env.str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
# API throttle counters shared by every gunicorn worker; short timeouts because the throttles
# let requests through when this cache is unreachable (medportal.api).
CACHES["throttle"] = {  # noqa: F405
    "BACKEND": "medportal.cache.ReusedClientRedisCache",
    "LOCATION": env.str("THROTTLE_CACHE_URL", default=REDIS_URL),
    "KEY_PREFIX": "throttle",
    "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"

# Mail carries password-reset and e-mail-confirmation links: a backend that prints them (console)
# puts account takeovers in the logs, and one that drops them (locmem, dummy) breaks sign-up. No
# default: a real server (smtp://, smtp+tls://...) or, for a one-machine demo, filemail:// (make prod).
EMAIL_CONFIG = env.email_url("EMAIL_URL")
if EMAIL_CONFIG["EMAIL_BACKEND"] in NON_DELIVERING_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"EMAIL_URL must name a real mail server (smtp://, smtp+tls://, smtps://) under production "
        f"settings, not {EMAIL_CONFIG['EMAIL_BACKEND'].rsplit('.', 2)[-2]}: that backend would print "
        f"password-reset and confirmation links to the log or drop them."
    )
vars().update(EMAIL_CONFIG)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "models": MODEL_STORAGE,  # noqa: F405
}

# --- HTTPS, cookies and proxies -------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
# __Host- cookies are refused by browsers unless Secure, host-only and Path=/: a sub-domain or a
# plain-HTTP response cannot plant or overwrite them. (HttpOnly, SameSite, the referrer, opener and
# frame policies are the same everywhere: base.py.)
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# allauth's login rate limits and the audit trail key on the client IP. Behind N reverse proxies
# set API_NUM_PROXIES=N (the same knob DRF's throttles use): with 0 every request seems to come
# from the proxy and one person's failed logins would lock everyone out; with too high a number
# a client could choose its own IP through X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = REST_FRAMEWORK.get("NUM_PROXIES") or 0  # noqa: F405
