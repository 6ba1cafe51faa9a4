"""Zero-setup development settings: SQLite, eager Celery, console e-mail.

Secrets are generated once into var/dev_secrets.json (git-ignored) so no key lives in the repo
and no environment variable is needed.
"""

import json

from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import BASE_DIR, env


def _dev_secrets() -> dict:
    path = BASE_DIR / "var" / "dev_secrets.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(
            json.dumps(
                {
                    "SECRET_KEY": get_random_secret_key(),
                    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
                }
            )
        )
        path.chmod(0o600)
    return json.loads(path.read_text())


_secrets = _dev_secrets()
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=_secrets["SECRET_KEY"])
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[_secrets["FIELD_ENCRYPTION_KEY"]])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
