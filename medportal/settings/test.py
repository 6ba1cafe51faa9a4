"""Settings for the test suite.

The encryption key below protects nothing but throw-away test rows. DATABASE_URL and
REDIS_URL may point the integration run at real PostgreSQL and Redis servers.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="test-only-secret-key-not-for-production-use-0123456789")
FIELD_ENCRYPTION_KEY = env.list(
    "FIELD_ENCRYPTION_KEY", default=["nFoIiFwYVt0bXPjTbz3Wm3ezJi1G1vYwqsr6sYYbQ2o="]
)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Tests train many versions: a third of the production calibration draw keeps every cell x
# findings group above the fallback size (tests/diagnosis/test_conformal_cells.py) at a third of
# the cost; the coverage it gives is measured by benchmarks/conformal.py, not by the suite.
CONFORMAL_CALIBRATION_PER_CELL = env.int("CONFORMAL_CALIBRATION_PER_CELL", default=1000)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "models": MODEL_STORAGE,  # noqa: F405
}
