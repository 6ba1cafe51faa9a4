"""The CSP lets Django admin and Swagger UI work without 'unsafe-inline' (medportal/csp.py)."""

import re

import pytest
from django.urls import reverse

from medportal.csp import admin_style_hashes, csp_hash

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in (p.strip() for p in header.split(";")) if d}


def test_csp_hash_matches_the_browser_format():
    # echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
    assert csp_hash("alert(1)") == "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"


def test_admin_changelist_allows_the_admins_inline_style_by_hash_only(client, dana):
    client.force_login(dana)
    response = client.get(reverse("admin:diagnosis_disease_changelist"))
    assert response.status_code == 200
    policy = _policy(response)
    elements, attributes = admin_style_hashes()
    assert elements and attributes
    assert policy["style-src"] == " ".join(["'self'", *elements])
    assert policy["style-src-attr"] == " ".join(["'unsafe-hashes'", *attributes])
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_admin_hash_is_the_hash_of_the_style_django_renders(client, dana, monkeypatch):
    """A change list without an actions bar renders the admin's <style>; its hash is in the header."""
    from django.contrib import admin

    from diagnosis.models import Disease

    model_admin = admin.site._registry[Disease]
    monkeypatch.setattr(model_admin, "actions_on_top", False)
    monkeypatch.setattr(model_admin, "actions_on_bottom", False)
    client.force_login(dana)
    response = client.get(reverse("admin:diagnosis_disease_changelist"))
    styles = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert styles, "expected the admin's inline <style> on a change list without actions"
    assert all(csp_hash(s) in _policy(response)["style-src"] for s in styles)


def test_patient_pages_keep_the_strict_policy(client):
    policy = _policy(client.get(reverse("home")))
    assert policy["style-src"] == "'self'" and "style-src-attr" not in policy


def test_swagger_ui_page_needs_nothing_inline_and_has_a_language(client, dana):
    client.force_login(dana)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "/static/css/swagger-ui-page.css" in html and "?script=" in html
    policy = _policy(response)
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
