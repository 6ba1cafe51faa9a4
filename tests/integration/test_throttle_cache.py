"""The production throttle cache (medportal.cache) against a real Redis, as the API uses it."""

import threading

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def redis_throttle_cache(redis_required, settings):
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "medportal.cache.ReusedClientRedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "throttle-test",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    cache = caches["throttle"]
    cache.clear()
    yield cache
    cache.clear()


def test_one_redis_client_serves_every_operation_from_every_thread(redis_throttle_cache):
    cache = redis_throttle_cache
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is first

    def hammer(n: int) -> None:
        for i in range(50):
            cache.set(f"k{n}-{i}", [n, i], 30)
            assert cache.get(f"k{n}-{i}") == [n, i]

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get("k7-49") == [7, 49]
    assert cache._cache.get_client() is first


def test_the_api_throttle_counts_in_redis(redis_throttle_cache, settings, db):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"},
    }
    user = UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    responses = [client.get("/api/v1/profile/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    # DRF's Retry-After: the window (60 s) less the time since the oldest request, to within the test's run.
    assert 55 <= int(responses[2]["Retry-After"]) <= 60
    # The window lives in Redis, as a sorted set of the two allowed requests' times.
    key = redis_throttle_cache.make_and_validate_key(f"throttle_user_{user.pk}_log")
    assert redis_throttle_cache._cache.get_client(key).zcard(key) == 2


def test_a_throttled_api_request_costs_one_redis_round_trip(redis_throttle_cache, db, monkeypatch):
    import redis.connection
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    user = UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    assert client.get("/api/v1/profile/").status_code == 200  # loads the script into Redis
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    for _ in range(5):
        assert client.get("/api/v1/profile/").status_code == 200
    # DRF's own throttle sends a GET and a SET of the pickled history: two a request.
    assert len(sent) == 5
