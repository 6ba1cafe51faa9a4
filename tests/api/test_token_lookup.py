"""The token look-up runs the ORM's compiled statement again for every request
(medportal.api.token_candidates): the same tokens, users and health profiles as the queryset, one
query, and nothing about the answer kept: a token revoked or expired after the statement was
compiled is refused on its very next request."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import CONSTANTS

from accounts.models import HealthProfile
from medportal import api as medportal_api
from tests.api.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize("with_profile", [False, True])
def test_the_same_instances_as_the_queryset(alice, with_profile):
    HealthProfile.objects.update_or_create(
        user=alice,
        defaults={
            "date_of_birth": date(1990, 5, 17),
            "sex": "f",
            "conditions": ["asthma", "12 weeks pregnant"],
            "medications": ["salbutamol"],
            "height_cm": 170,
        },
    )
    bare = UserFactory()  # a user without a health profile row
    HealthProfile.objects.filter(user=bare).delete()
    for user in (alice, bare):
        _token, key = AuthToken.objects.create(user=user)
        prefix = key[: CONSTANTS.TOKEN_KEY_LENGTH]
        expected = list(medportal_api._token_query(prefix, with_profile))
        with CaptureQueriesContext(connection) as queries:
            got = medportal_api.token_candidates(prefix, with_profile)
        assert len(queries) == 1
        assert [_fields(t) for t in got] == [_fields(t) for t in expected] != []
        assert [_fields(t.user) for t in got] == [_fields(t.user) for t in expected]
        if with_profile:
            profiles = [getattr(t.user, "health_profile", None) for t in got]
            wanted = [getattr(t.user, "health_profile", None) for t in expected]
            assert [p and _fields(p) for p in profiles] == [p and _fields(p) for p in wanted]
        with CaptureQueriesContext(connection) as queries:
            for token in got:
                token.user.email  # noqa: B018 - loaded with the token, no further query
                if with_profile:
                    getattr(token.user, "health_profile", None)
        assert len(queries) == 0
    alice_token = medportal_api.token_candidates(
        AuthToken.objects.filter(user=alice).first().token_key, True
    )[0]
    assert alice_token.user.health_profile.conditions == ["asthma", "12 weeks pregnant"]
    assert alice_token.user.health_profile.date_of_birth == date(1990, 5, 17)
    assert medportal_api.token_candidates("no-such-key", with_profile) == []


def test_a_token_revoked_or_expired_after_use_is_refused_on_its_next_request(alice):
    revoked, expiring = token_client(alice), token_client(alice)
    for client in (revoked, expiring):
        assert client.get("/api/v1/checks/").status_code == 200  # the statement is compiled by now
    assert revoked.delete("/api/v1/auth/token/").status_code == 204
    assert revoked.get("/api/v1/checks/").status_code == 401
    AuthToken.objects.filter(user=alice).update(expiry=timezone.now() - timedelta(seconds=1))
    response = expiring.post("/api/v1/checks/", {"symptoms": ["headache"]}, format="json")
    assert response.status_code == 401
    assert response.json()["error"] == "token_expired"
    assert not AuthToken.objects.filter(user=alice).exists()
