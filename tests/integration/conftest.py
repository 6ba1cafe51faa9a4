import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def require_service(name: str, env_var: str) -> None:
    """Skip locally when a server is not installed; in CI a missing server is a failure."""
    if os.environ.get(env_var):
        return
    message = f"{name} is not available (run through scripts/with_services.py; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def postgres_required():
    require_service("PostgreSQL", "PG_PORT")


@pytest.fixture
def redis_required():
    require_service("Redis", "REDIS_PORT")


@pytest.fixture(scope="session")
def static_manifest():
    """Production settings serve hashed static files from a manifest (var/staticfiles): built once
    per run for every test that starts gunicorn (test_faults, test_model_storage)."""
    from tests.integration.test_faults import _production_env_base

    env = {**_production_env_base(), "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
