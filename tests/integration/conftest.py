import os

import pytest


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
