"""/health/ (public liveness) and /health/ready/ (readiness for staff or a configured token)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

TOKEN = "readiness-token-for-tests"
READY = "/health/ready/"


@pytest.fixture
def health_token(settings):
    settings.HEALTH_TOKEN = TOKEN
    return {"HTTP_X_HEALTH_TOKEN": TOKEN}


def _no_store(response) -> bool:
    cache_control = response.headers.get("Cache-Control", "")
    return "no-store" in cache_control or "max-age=0" in cache_control


# --- liveness ------------------------------------------------------------------------------------


def test_liveness_says_ok_and_nothing_else_without_touching_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert _no_store(response)
    assert len(queries) == 0  # no cache-table write, no query at all


def test_liveness_answers_head_for_load_balancers(client):
    assert client.head("/health/").status_code == 200


def test_liveness_stays_ok_with_the_database_down(client, monkeypatch):
    import medportal.health as health

    monkeypatch.setattr(health, "_database", lambda: "down")
    assert client.get("/health/").json() == {"status": "ok"}


# --- who may read readiness ----------------------------------------------------------------------


def test_readiness_is_refused_to_anonymous_visitors_and_patients(client, alice, health_token):
    response = client.get(READY)
    assert response.status_code == 403 and "database" not in response.json()
    client.force_login(alice)
    assert client.get(READY).status_code == 403


def test_readiness_refuses_a_wrong_token_and_any_token_when_none_is_configured(client, settings):
    settings.HEALTH_TOKEN = TOKEN
    assert client.get(READY, HTTP_X_HEALTH_TOKEN="not-the-token").status_code == 403
    settings.HEALTH_TOKEN = ""
    assert client.get(READY, HTTP_X_HEALTH_TOKEN="").status_code == 403


def test_an_admin_without_mfa_is_sent_to_set_it_up_first(client):
    from accounts.models import Role
    from accounts.services import user_create

    admin = user_create(email="root@example.test", password="a-Long-enough-pass-42", role=Role.ADMIN)
    client.force_login(admin)
    assert client.get("/health/").status_code == 200  # liveness stays open
    response = client.get(READY)
    assert response.status_code == 302 and "database" not in response.content.decode()


def test_readiness_with_the_token_reports_every_part(client, health_token, trained_champion):
    response = client.get(READY, **health_token)
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok" and body["failing"] == []
    assert body["database"] == "ok" and body["cache"] == "ok" and body["throttle_cache"] == "ok"
    assert body["broker"].startswith("eager")
    assert body["model"]["serving"] == trained_champion.label
    assert body["outbox_pending"] == 0
    assert _no_store(response)


def test_readiness_for_a_staff_session(client, dana, trained_champion):
    client.force_login(dana)
    assert client.get(READY).json()["model"]["serving"] == trained_champion.label


def test_readiness_writes_nothing(client, health_token, trained_champion):
    with CaptureQueriesContext(connection) as queries:
        client.get(READY, **health_token)
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


# --- degraded and unavailable --------------------------------------------------------------------


def test_a_down_broker_is_degraded_and_named(client, settings, health_token, trained_champion):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(READY, **health_token)
    body = response.json()
    assert response.status_code == 200  # checks are still served; work waits in the outbox
    assert body["status"] == "degraded" and body["failing"] == ["broker"]
    assert body["broker"] == "down"


def test_a_down_throttle_cache_is_degraded_and_named(client, settings, health_token, trained_champion):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "medportal.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    response = client.get(READY, **health_token)
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded" and body["failing"] == ["throttle_cache"]


def test_a_down_cache_is_degraded_and_named(client, health_token, trained_champion, monkeypatch):
    import medportal.health as health

    real = health._cache
    monkeypatch.setattr(health, "_cache", lambda alias: "down" if alias == "default" else real(alias))
    body = client.get(READY, **health_token).json()
    assert body["status"] == "degraded" and body["failing"] == ["cache"]


def test_a_down_database_is_503_unavailable(client, health_token, monkeypatch):
    import medportal.health as health

    monkeypatch.setattr(health, "_database", lambda: "down")
    response = client.get(READY, **health_token)
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable" and response.json()["failing"] == ["database"]


def test_parts_never_show_exception_text(client, settings, health_token, trained_champion):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = "redis://:hunter2-secret@127.0.0.1:1/0"
    body = client.get(READY, **health_token).content.decode()
    assert "hunter2" not in body and "Error" not in body and "refused" not in body.lower()


def test_a_corrupt_champion_file_names_the_fallback_without_the_error(
    client, health_token, trained_champion, settings, tamper_artefact
):
    tamper_artefact(trained_champion, b"garbage")
    body = client.get(READY, **health_token).json()
    assert body["status"] == "ok"  # still serving checks
    assert body["model"]["serving"].startswith("kb-bayes")
    assert "could be loaded" in body["model"]["fallback_reason"]
    assert body["model"]["failed_versions"] == [trained_champion.label]
    assert str(settings.MODEL_CACHE_DIR) not in str(body) and "checksum" not in str(body)
