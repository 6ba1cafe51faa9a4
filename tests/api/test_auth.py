import base64

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

from .conftest import token_client

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"

PRIVATE = [
    ("get", "/api/v1/checks/"),
    ("post", "/api/v1/checks/"),
    ("get", "/api/v1/checks/1/"),
    ("post", "/api/v1/checks/1/answer/"),
    ("post", "/api/v1/checks/1/finish/"),
    ("get", "/api/v1/checks/1/recommendations/"),
    ("post", "/api/v1/checks/1/ratings/"),
    ("post", "/api/v1/checks/1/feedback/"),
    ("get", "/api/v1/profile/"),
    ("put", "/api/v1/profile/"),
    ("post", "/api/v1/profile/consent/"),
    ("delete", TOKEN_URL),
]


def test_patient_gets_a_token_that_works(api, alice):
    response = api.post(TOKEN_URL, {"email": "alice@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    (stored,) = AuthToken.objects.filter(user=alice)
    assert key not in {stored.digest, stored.token_key} and stored.digest != key  # only a digest is kept
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/checks/").status_code == 200
    # A second device gets its own token; the first keeps working.
    again = api.post(TOKEN_URL, {"email": "ALICE@example.test", "password": PASSWORD}, format="json")
    assert again.json()["token"] != key
    assert AuthToken.objects.filter(user=alice).count() == 2
    assert api.get("/api/v1/checks/").status_code == 200


def test_staff_with_mfa_are_refused_a_token_with_a_clear_message(api, bob):
    response = api.post(TOKEN_URL, {"email": "bob@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "mfa_required"
    assert "two-factor" in body["detail"]
    assert not AuthToken.objects.filter(user=bob).exists()


def test_a_staff_token_made_elsewhere_is_refused(bob):
    client = token_client(bob)  # e.g. created in the admin, or before a role change
    response = client.get("/api/v1/checks/")
    assert response.status_code == 401
    assert response.json()["error"] == "mfa_required"


def test_wrong_email_and_wrong_password_get_the_same_answer(api, alice):
    wrong_password = api.post(TOKEN_URL, {"email": "alice@example.test", "password": "nope-nope-nope"})
    wrong_email = api.post(TOKEN_URL, {"email": "nobody@example.test", "password": PASSWORD}, format="json")
    assert wrong_password.status_code == wrong_email.status_code == 400
    assert wrong_password.json() == wrong_email.json()
    assert wrong_email.json()["error"] == "invalid_credentials"


def test_unverified_email_gets_no_token(api, alice):
    alice.emailaddress_set.update(verified=False)
    response = api.post(TOKEN_URL, {"email": "alice@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "email_unverified"


def test_token_endpoint_is_throttled(api, alice):
    statuses = [
        api.post(
            TOKEN_URL, {"email": "alice@example.test", "password": f"guess-{i}"}, format="json"
        ).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[-1] == 429
    response = api.post(TOKEN_URL, {"email": "alice@example.test", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["error"] == "throttled"
    assert "Retry-After" in response.headers


def test_throttle_rates_follow_settings(settings, alice_api):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"},
    }
    statuses = [alice_api.get("/api/v1/profile/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_throttles_keep_counting_in_their_own_cache_not_the_database(settings, alice_api):
    from django.core.cache import caches

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"},
    }
    alice_api.get("/api/v1/profile/")
    caches["default"].clear()  # the database cache holds no throttle state...
    assert [alice_api.get("/api/v1/profile/").status_code for _ in range(2)] == [200, 429]
    caches["throttle"].clear()  # ...the throttle cache does
    assert alice_api.get("/api/v1/profile/").status_code == 200


def test_an_unreachable_throttle_cache_lets_checks_through_quickly(settings, alice_api, snapshot, caplog):
    """Redis down in production must not turn a symptom check into a 500 (or a long wait)."""
    import time

    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "medportal.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    t0 = time.monotonic()
    statuses = [
        alice_api.post("/api/v1/checks/", {"text": "runny nose and sneezing"}, format="json").status_code
        for _ in range(3)
    ]
    elapsed = time.monotonic() - t0
    assert statuses == [201, 201, 201]
    assert elapsed < 3
    assert "throttle cache unreachable" in caplog.text
    assert caplog.text.count("throttle cache unreachable") == 1  # left alone after the first failure


def test_a_token_can_be_revoked_without_signing_out_other_devices(alice_api, alice):
    other_device = token_client(alice)
    assert alice_api.delete(TOKEN_URL).status_code == 204
    assert alice_api.get("/api/v1/checks/").status_code == 401
    assert other_device.get("/api/v1/checks/").status_code == 200
    assert AuthToken.objects.filter(user=alice).count() == 1


def test_revoking_from_a_browser_session_signs_out_every_api_client(alice_client, alice):
    devices = [token_client(alice), token_client(alice)]
    assert alice_client.delete(TOKEN_URL).status_code == 204
    assert [d.get("/api/v1/checks/").status_code for d in devices] == [401, 401]
    assert not AuthToken.objects.filter(user=alice).exists()


@pytest.mark.parametrize(("method", "url"), PRIVATE)
def test_anonymous_requests_to_private_endpoints_get_401(api, method, url):
    response = getattr(api, method)(url, {}, format="json")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Token"


def test_basic_auth_is_not_accepted(api, alice):
    credentials = base64.b64encode(f"alice@example.test:{PASSWORD}".encode()).decode()
    response = api.get("/api/v1/checks/", HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


def test_a_bad_token_gets_401(api):
    response = api.get("/api/v1/checks/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_session_login_works_with_csrf(alice):
    session_client = APIClient(enforce_csrf_checks=True)
    session_client.force_login(alice)
    assert session_client.get("/api/v1/profile/").status_code == 200
    # Without the CSRF token a cookie-authenticated write is refused.
    response = session_client.post("/api/v1/profile/consent/", {"granted": True}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"


def test_an_expired_token_is_refused_with_a_clear_code_and_a_new_one_works(settings, api, alice):
    from datetime import timedelta

    from django.utils import timezone

    key = api.post(TOKEN_URL, {"email": alice.email, "password": PASSWORD}, format="json").json()["token"]
    (stored,) = AuthToken.objects.filter(user=alice)
    lifetime = stored.expiry - stored.created
    assert abs(lifetime - timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)) < timedelta(minutes=1)
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = token_client(alice, key=key).get("/api/v1/profile/")
    assert response.status_code == 401
    assert response.json()["error"] == "token_expired"
    assert not AuthToken.objects.filter(pk=stored.pk).exists()  # expired tokens are deleted
    fresh = api.post(TOKEN_URL, {"email": alice.email, "password": PASSWORD}, format="json").json()["token"]
    assert token_client(alice, key=fresh).get("/api/v1/profile/").status_code == 200


def test_token_authentication_is_knox_s_subclassed_not_copied():
    from knox.auth import TokenAuthentication as KnoxTokenAuthentication

    from medportal.api import TokenAuthentication

    assert issubclass(TokenAuthentication, KnoxTokenAuthentication)
    assert "authenticate" not in vars(TokenAuthentication)  # knox's header parsing, unchanged


def _latin1(text: str) -> str:
    """How a header with UTF-8 bytes reaches Django (WSGI headers are ISO-8859-1 strings)."""
    return text.encode("utf-8").decode("iso-8859-1")


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token \xe9\xff", "Token " + _latin1("clé"), "Token " + "f" * 500],
)
def test_malformed_token_headers_are_a_json_401_not_a_500(api, header):
    response = api.get("/api/v1/checks/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_a_non_ascii_key_sharing_a_real_token_s_prefix_is_a_401(alice):
    from knox.settings import CONSTANTS

    key = AuthToken.objects.create(user=alice)[1]
    prefix = key[: CONSTANTS.TOKEN_KEY_LENGTH]  # knox hashes only keys that match a token's prefix
    response = token_client(alice, key=prefix + _latin1("é" * 8)).get("/api/v1/checks/")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_only_the_presented_token_is_called_expired(alice):
    """Knox matches candidates by the key's first 15 characters; a different key with the same
    prefix as an expired token is just invalid (and the expired token is cleaned up anyway)."""
    from datetime import timedelta

    from django.utils import timezone

    stored, key = AuthToken.objects.create(user=alice)
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    other = key[:20] + ("0" if key[20] != "0" else "1") + key[21:]
    response = token_client(alice, key=other).get("/api/v1/checks/")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"
    assert not AuthToken.objects.filter(pk=stored.pk).exists()


def test_an_inactive_user_s_token_is_refused(alice):
    client = token_client(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = client.get("/api/v1/checks/")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_changing_the_password_signs_api_clients_out(alice_client, alice):
    from django.urls import reverse

    key = AuthToken.objects.create(user=alice)[1]
    new_password = "a-new-Passw0rd-for-alice"
    response = alice_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=alice).exists()
    assert token_client(alice, key=key).get("/api/v1/profile/").status_code == 401
