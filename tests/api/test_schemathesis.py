"""Property-based conformance: the running app against its own OpenAPI schema.

Schemathesis loads /api/v1/schema/ from the Django WSGI app in-process, so every request runs
inside this test's database transaction (the knowledge base is loaded once per session by
tests/conftest.py) and nothing listens on a port. Bounded and derandomised for a stable CI.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from diagnosis.services import symptom_check_start
from tests.factories import UserFactory

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture
def patient(db, settings):
    # Hundreds of requests from one user in a minute: lift the limits the throttle tests cover.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "auth_token": "100000/min"},
    }
    return UserFactory(email="schemathesis@example.test")


@pytest.fixture
def patient_check(patient, trained_champion):
    """A real check, so the {id} operations reach their handlers instead of only 404s."""
    return symptom_check_start(user=patient, chips=["runny nose", "sneezing", "sore throat"]).pk


@pytest.fixture(autouse=True)
def _pytest9_node_id(request):
    # schemathesis 4.32's lazy loader reads and relabels `node._nodeid`, which pytest 9.2 no longer
    # has (it keeps `_id`); giving it the attribute back is harmless: pytest ignores it.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def api_schema(patient):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", WSGIHandler())


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@hypothesis_settings(
    max_examples=15,  # per operation, for the fuzzing phase; examples and coverage add their own
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, patient, patient_check):
    if "id" in (case.path_parameters or {}):
        case.path_parameters["id"] = patient_check
    # Fetched per request: DELETE /auth/token/ is among the operations and revokes it.
    _token, key = AuthToken.objects.create(user=patient)
    case.call_and_validate(
        headers={"Authorization": f"Token {key}"},
        checks=CHECKS,
        # The WSGI test client sends no client address; allauth's login limits need one.
        environ_overrides={"REMOTE_ADDR": "127.0.0.1"},
    )
