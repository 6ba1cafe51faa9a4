import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_renders_and_documents_every_endpoint(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/symptoms/autocomplete/",
        "/api/v1/checks/",
        "/api/v1/checks/{id}/",
        "/api/v1/checks/{id}/answer/",
        "/api/v1/checks/{id}/finish/",
        "/api/v1/checks/{id}/recommendations/",
        "/api/v1/checks/{id}/ratings/",
        "/api/v1/checks/{id}/feedback/",
        "/api/v1/profile/",
        "/api/v1/profile/consent/",
    ):
        assert path in paths, path
    create = paths["/api/v1/checks/"]["post"]["responses"]
    assert {"201", "400", "401", "429"} <= create.keys()
    assert "basicAuth" not in schema["components"]["securitySchemes"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_docs_page_renders_without_inline_script(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "<script>" not in html  # the CSP allows only script files
    script = api.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
