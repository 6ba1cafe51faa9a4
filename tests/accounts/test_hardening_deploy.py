"""Production settings pass Django's deployment checks and set every secure-cookie/HSTS option.

Runs in subprocesses: production settings read the environment at import (except the e-mail
check, which runs in-process against overridden settings).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "medportal.settings.production",
    "DATABASE_URL": "postgres://medportal:pw@127.0.0.1:5432/medportal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # A realistic key: Django's check (security.W009) rejects short or repetitive ones.
    "SECRET_KEY": secrets.token_urlsafe(64),
    "FIELD_ENCRYPTION_KEY": "nFoIiFwYVt0bXPjTbz3Wm3ezJi1G1vYwqsr6sYYbQ2o=",
    "ALLOWED_HOSTS": "medportal.example",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587",
}


def _run(args: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and not k.startswith("DJANGO_")}
    env.update(PRODUCTION_ENV)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_warning():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_hsts_and_headers():
    code = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY", "SESSION_COOKIE_AGE", "SESSION_ABSOLUTE_MAX_AGE", "MIDDLEWARE",
]}))
"""
    result = _run(["-c", code])
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    for name in (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_CONTENT_TYPE_NOSNIFF",
    ):
        assert values[name] is True, name
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SESSION_COOKIE_AGE"] == 30 * 60
    assert values["SESSION_ABSOLUTE_MAX_AGE"] == 12 * 3600
    for middleware in (
        "csp.middleware.CSPMiddleware",
        "accounts.middleware.NoStoreForAuthenticatedMiddleware",
        "accounts.middleware.SessionAbsoluteTimeoutMiddleware",
        "audit.middleware.AuditMiddleware",
    ):
        assert middleware in values["MIDDLEWARE"]


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    ],
)
def test_check_deploy_fails_when_mail_would_be_printed_or_dropped(settings, backend):
    settings.EMAIL_BACKEND = backend
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check", deploy=True)


def test_check_deploy_accepts_an_smtp_backend_and_warns_about_a_file_mailbox(settings, tmp_path):
    from accounts.checks import email_backend_delivers

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert email_backend_delivers(None) == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    assert [m.id for m in email_backend_delivers(None)] == ["accounts.W002"]


def test_the_email_check_runs_only_with_deploy(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    call_command("check")  # development keeps its console backend
