"""Every settings module imports, and all of them run the same middleware in the same order.

Middleware order is behaviour: CSP must wrap responses answered further down, the database-outage
503 must see errors raised by the session and auth middleware, and the no-store/audit/absolute
timeout trio must sit between allauth and MFA enforcement (medportal/settings/base.py). Each module
is imported in a fresh interpreter: settings read the environment at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "medportal.csp.AdminCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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
    "accounts.middleware.NoStoreForAuthenticatedMiddleware",
    "audit.middleware.AuditMiddleware",
    "accounts.middleware.SessionAbsoluteTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "accounts.middleware.EncryptionKeyErrorMiddleware",
]

# Dummy values: production settings refuse to import without them.
PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/medportal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "x" * 60,
    "FIELD_ENCRYPTION_KEY": "nFoIiFwYVt0bXPjTbz3Wm3ezJi1G1vYwqsr6sYYbQ2o=",
    "ALLOWED_HOSTS": "medportal.example",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587",
}

_DUMP = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name) for name in "
    "('MIDDLEWARE', 'INSTALLED_APPS', 'DJANGO_APPS', 'THIRD_PARTY_APPS', 'LOCAL_APPS')}))"
)


def _load(module: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    if module == "production":
        env.update(PRODUCTION_ENV)
    env["DJANGO_SETTINGS_MODULE"] = f"medportal.settings.{module}"
    result = subprocess.run(
        [sys.executable, "-c", _DUMP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=["dev", "test", "production"])
def loaded(request) -> dict:
    return _load(request.param)


def test_middleware_order_is_pinned(loaded):
    assert loaded["MIDDLEWARE"] == MIDDLEWARE


def test_installed_apps_are_the_three_groups_once_each(loaded):
    apps = loaded["INSTALLED_APPS"]
    assert apps == loaded["DJANGO_APPS"] + loaded["THIRD_PARTY_APPS"] + loaded["LOCAL_APPS"]
    assert len(apps) == len(set(apps))
    assert loaded["LOCAL_APPS"] == ["accounts", "diagnosis", "recommendations", "feedback", "mlops", "audit"]


def test_the_running_test_settings_use_the_pinned_middleware(settings):
    # The in-process settings the rest of the suite runs under, not only a fresh import.
    assert settings.MIDDLEWARE == MIDDLEWARE
