from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_cache_broker_and_model(client, trained_champion):
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"
    assert body["throttle_cache"] == "ok"
    assert body["model"]["serving"] == trained_champion.label
    assert body["broker"].startswith("eager")
    assert (
        "no-store" in response.headers.get("Cache-Control", "")
        or "max-age=0" in response.headers["Cache-Control"]
    )


def test_health_reports_a_fallback_when_the_champion_file_is_corrupt(client, trained_champion, settings):
    (Path(settings.MODEL_STORE_DIR) / trained_champion.artefact_path).write_bytes(b"garbage")
    body = client.get("/health/").json()
    assert body["status"] == "ok"  # still serving checks
    assert body["model"]["serving"].startswith("kb-bayes")
    assert "could be loaded" in body["model"]["fallback_reason"]
    assert body["model"]["errors"]


def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    import medportal.health as health

    monkeypatch.setattr(health, "_database", lambda: "down: OperationalError")
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_health_reports_a_down_broker_without_failing(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    body = client.get("/health/").json()
    assert body["broker"].startswith("down")
    assert body["status"] == "ok"


def test_health_reports_a_down_throttle_cache_without_failing(client, settings, trained_champion):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "medportal.cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        },
    }
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["throttle_cache"].startswith("down") and "not enforced" in body["throttle_cache"]
