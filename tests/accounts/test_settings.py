import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FIELD_ENCRYPTION_KEY", "ALLOWED_HOSTS", "EMAIL_URL"]
COMPLETE = {
    "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/medportal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "x" * 60,
    "FIELD_ENCRYPTION_KEY": "nFoIiFwYVt0bXPjTbz3Wm3ezJi1G1vYwqsr6sYYbQ2o=",
    "ALLOWED_HOSTS": "medportal.example",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.org:587",
}


def _import_production(env_vars: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update(env_vars, DJANGO_SETTINGS_MODULE="medportal.settings.production")
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_refuses_to_start_without(missing):
    result = _import_production({k: v for k, v in COMPLETE.items() if k != missing})
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.parametrize(
    "email_url, backend",
    [("consolemail://", "console"), ("memorymail://", "locmem"), ("dummymail://", "dummy")],
)
def test_production_refuses_an_email_backend_that_prints_or_drops_mail(email_url, backend):
    result = _import_production({**COMPLETE, "EMAIL_URL": email_url})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line and "EMAIL_URL must name a real mail server" in last_line
    assert backend in last_line


def test_production_takes_a_file_mailbox_for_a_one_machine_demo(tmp_path):
    result = _import_production({**COMPLETE, "EMAIL_URL": f"filemail:///{tmp_path}"})
    assert result.returncode == 0, result.stderr


def test_production_starts_with_everything_set_and_uses_postgresql():
    result = _import_production(COMPLETE)
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_dev_settings_need_no_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env["DJANGO_SETTINGS_MODULE"] = "medportal.settings.dev"
    code = "import django; django.setup(); from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER, settings.DATABASES['default']['ENGINE'], settings.EMAIL_BACKEND)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "True django.db.backends.sqlite3 django.core.mail.backends.console.EmailBackend" in result.stdout
