"""Who may reach what: every URL of the project against the fixed cast.

The URL list comes from the resolver at run time, so a new endpoint fails
``test_every_url_has_an_entry`` until it is given a row in ``MATRIX`` (or, for a framework page,
in one of the explicit skip lists). Each row says how to call the URL and the status code each
role gets: anonymous, ``alice`` (the patient who owns the objects), ``charlie`` (another patient),
``bob`` (clinician, MFA on) and ``dana`` (admin, MFA on).

Objects: ``{session}`` is alice's finished check, ``{review}`` the open clinician review of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from diagnosis.models import SymptomSession
from feedback.models import ClinicianReview

ROLES = ("anon", "alice", "charlie", "bob", "dana")

# allauth pages that need a one-time key, a pending login or a code sent by e-mail to be reached
# at all; the login, sign-up, reset and account pages are in MATRIX.
ALLAUTH_INTERNALS = {
    "account_inactive",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_reset_password_done",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_set_password",
    "mfa_authenticate",
    "mfa_reauthenticate",
}
# Django admin: every registered model adds URLs; the admin is covered by the admin:* rows below
# and by its own staff-only gate (admin_view + secure_admin_login).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_ROUTE_PREFIXES = ("static/", "media/", "__debug__/")


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expect: dict[str, int]
    data: dict = field(default_factory=dict)


def row(method, path, anon, alice, charlie, bob, dana, data=None) -> Row:
    return Row(method, path, dict(zip(ROLES, (anon, alice, charlie, bob, dana), strict=True)), data or {})


L = 302  # login_required (or allauth) redirecting to the login page
S = "{session}"
R = "{review}"

# name -> the calls made, each with the status expected for anon, alice, charlie, bob, dana.
MATRIX: dict[str, list[Row]] = {
    # --- portal ---------------------------------------------------------------------------------
    "home": [row("get", "/", 200, 200, 200, 200, 200)],
    "health": [row("get", "/health/", 200, 200, 200, 200, 200)],
    # Readiness details: staff sessions (or the X-Health-Token header, tests/medportal/test_health.py).
    "health-ready": [row("get", "/health/ready/", 403, 403, 403, 403, 200)],
    # Trust pages: public, about the service, never about anyone (medportal/pages.py).
    "about": [row("get", "/about/", 200, 200, 200, 200, 200)],
    "sources": [row("get", "/sources/", 200, 200, 200, 200, 200)],
    "privacy-notice": [row("get", "/privacy/notice/", 200, 200, 200, 200, 200)],
    "accessibility": [row("get", "/accessibility/", 200, 200, 200, 200, 200)],
    "contact": [row("get", "/contact/", 200, 200, 200, 200, 200)],
    "favicon": [row("get", "/favicon.ico", 301, 301, 301, 301, 301)],
    "accounts:profile": [row("get", "/profile/", L, 200, 200, 200, 200)],
    "accounts:consent": [
        row("post", "/profile/consent/", L, 302, 302, 302, 302, {"granted": ""}),
        row("get", "/profile/consent/", L, 405, 405, 405, 405),
    ],
    "privacy:index": [row("get", "/privacy/", L, 200, 200, 200, 200)],
    "privacy:export": [row("get", "/privacy/export/", L, 200, 200, 200, 200)],
    # A wrong password: nobody's account is deleted by the matrix.
    "privacy:delete": [
        row("post", "/privacy/delete/", L, 400, 400, 400, 400, {"password": "not-the-password"}),
        row("get", "/privacy/delete/", L, 405, 405, 405, 405),
    ],
    # Anyone may check without an account: a guest's check lives only in their own session.
    # Resending a confirmation e-mail: POST only; with no address typed in this browser it sends
    # nothing and points to sign-in (accounts.views.resend_verification).
    "account_resend_verification": [
        row("post", "/accounts/confirm-email/resend/", 302, 302, 302, 302, 302),
        row("get", "/accounts/confirm-email/resend/", 405, 405, 405, 405, 405),
    ],
    "diagnosis:check_start": [row("get", "/check/", 200, 200, 200, 200, 200)],
    # With no guest check in this browser there is nothing to show: back to the form (or to My
    # checks for the save page, which needs an account).
    "diagnosis:guest_check": [row("get", "/check/guest/", 302, 302, 302, 302, 302)],
    "diagnosis:guest_check_answer": [
        row("post", "/check/guest/answer/", 302, 302, 302, 302, 302, {"symptom": "cough", "answer": "yes"}),
        row("get", "/check/guest/answer/", 405, 405, 405, 405, 405),
    ],
    "diagnosis:guest_check_finish": [row("post", "/check/guest/finish/", 302, 302, 302, 302, 302)],
    "diagnosis:guest_check_save": [row("get", "/check/guest/save/", L, 302, 302, 302, 302)],
    "diagnosis:history": [row("get", "/check/history/", L, 200, 200, 200, 200)],
    "diagnosis:autocomplete": [row("get", "/check/autocomplete/?q=hea", 200, 200, 200, 200, 200)],
    "diagnosis:check_detail": [row("get", f"/check/{S}/", L, 200, 404, 404, 404)],
    "diagnosis:check_answer": [
        row("post", f"/check/{S}/answer/", L, 302, 404, 404, 404, {"symptom": "cough", "answer": "yes"})
    ],
    "diagnosis:check_finish": [row("post", f"/check/{S}/finish/", L, 302, 404, 404, 404)],
    "feedback:rate_item": [row("post", f"/feedback/check/{S}/rate-item/", L, 302, 404, 404, 404)],
    "feedback:check_feedback": [row("post", f"/feedback/check/{S}/", L, 302, 404, 404, 404)],
    # The review queue is for clinicians only; an admin is not a clinician.
    "feedback:review_queue": [row("get", "/feedback/review/", L, 404, 404, 200, 404)],
    "feedback:review_detail": [row("get", f"/feedback/review/{R}/", L, 404, 404, 200, 404)],
    "feedback:review_claim": [row("post", f"/feedback/review/{R}/claim/", L, 404, 404, 302, 404)],
    "feedback:review_close": [row("post", f"/feedback/review/{R}/close/", L, 404, 404, 200, 404)],
    "feedback:review_release": [row("post", f"/feedback/review/{R}/release/", L, 404, 404, 302, 404)],
    # The serving model's card: clinicians only, like the queue that links it (staff use admin).
    "model-card": [row("get", "/feedback/review/model/", L, 404, 404, 200, 404)],
    # --- allauth pages a person uses directly ------------------------------------------------------
    "account_login": [row("get", "/accounts/login/", 200, 302, 302, 302, 302)],
    "account_signup": [row("get", "/accounts/signup/", 200, 302, 302, 302, 302)],
    "account_logout": [row("post", "/accounts/logout/", 302, 302, 302, 302, 302)],
    "account_reset_password": [row("get", "/accounts/password/reset/", 200, 200, 200, 200, 200)],
    "account_change_password": [row("get", "/accounts/password/change/", L, 200, 200, 200, 200)],
    "account_email": [row("get", "/accounts/email/", L, 200, 200, 200, 200)],
    "account_reauthenticate": [row("get", "/accounts/reauthenticate/", L, 200, 200, 200, 200)],
    "mfa_index": [row("get", "/accounts/2fa/", L, 200, 200, 200, 200)],
    # Changing MFA needs a fresh reauthentication first (a redirect), for everyone.
    "mfa_activate_totp": [row("get", "/accounts/2fa/totp/activate/", L, 302, 302, 302, 302)],
    "mfa_deactivate_totp": [row("get", "/accounts/2fa/totp/deactivate/", L, 404, 404, 302, 302)],
    "mfa_generate_recovery_codes": [
        row("get", "/accounts/2fa/recovery-codes/generate/", L, 302, 302, 302, 302)
    ],
    "mfa_view_recovery_codes": [row("get", "/accounts/2fa/recovery-codes/", L, 404, 404, 404, 404)],
    "mfa_download_recovery_codes": [
        row("get", "/accounts/2fa/recovery-codes/download/", L, 404, 404, 404, 404)
    ],
    # --- REST API -----------------------------------------------------------------------------------
    "api-schema": [row("get", "/api/v1/schema/", 200, 200, 200, 200, 200)],
    "api-docs": [row("get", "/api/v1/docs/", 200, 200, 200, 200, 200)],
    "api-not-found": [row("get", "/api/v1/no-such-endpoint/", 404, 404, 404, 404, 404)],
    "api-auth-token": [
        row(
            "post",
            "/api/v1/auth/token/",
            400,
            400,
            400,
            400,
            400,
            {"email": "x@example.test", "password": "wrong-password"},
        )
    ],
    "api-profile": [row("get", "/api/v1/profile/", 401, 200, 200, 200, 200)],
    "api-profile-consent": [
        row("post", "/api/v1/profile/consent/", 401, 200, 200, 200, 200, {"granted": False})
    ],
    "api-symptom-autocomplete": [row("get", "/api/v1/symptoms/autocomplete/?q=hea", 200, 200, 200, 200, 200)],
    "api-checks": [row("get", "/api/v1/checks/", 401, 200, 200, 200, 200)],
    "api-check": [row("get", f"/api/v1/checks/{S}/", 401, 200, 404, 404, 404)],
    "api-check-answer": [
        row(
            "post",
            f"/api/v1/checks/{S}/answer/",
            401,
            200,
            404,
            404,
            404,
            {"symptom": "cough", "answer": "yes"},
        )
    ],
    "api-check-finish": [row("post", f"/api/v1/checks/{S}/finish/", 401, 200, 404, 404, 404)],
    "api-check-recommendations": [
        row("get", f"/api/v1/checks/{S}/recommendations/", 401, 200, 404, 404, 404)
    ],
    "api-check-ratings": [row("post", f"/api/v1/checks/{S}/ratings/", 401, 400, 404, 404, 404)],
    "api-check-feedback": [row("post", f"/api/v1/checks/{S}/feedback/", 401, 200, 404, 404, 404)],
    # Clinicians and staff only; version 1 does not exist here, so everyone allowed gets 404 too
    # (tests/mlops/test_model_cards.py reads a real card).
    "api-model-card": [row("get", "/api/v1/models/1/card/", 401, 404, 404, 404, 404)],
    # --- admin (the namespace is skipped above; these rows check its gate) ------------------------
    # Signed-in non-staff are sent to the admin login, which refuses them (403).
    "admin:index": [row("get", "/admin/", L, 302, 302, 302, 200)],
    "admin:login": [row("get", "/admin/login/", L, 403, 403, 403, 302)],
    "admin:accounts_healthprofile_changelist": [
        row("get", "/admin/accounts/healthprofile/", L, 302, 302, 302, 200)
    ],
    "admin:diagnosis_symptomsession_changelist": [
        row("get", "/admin/diagnosis/symptomsession/", L, 302, 302, 302, 200)
    ],
    "admin:audit_auditevent_changelist": [row("get", "/admin/audit/auditevent/", L, 302, 302, 302, 200)],
}
CASES = [(name, i) for name in sorted(MATRIX) for i in range(len(MATRIX[name]))]


def _all_url_names() -> dict[str, str]:
    """Every named URL as ``namespace:name`` -> route, skipping the namespaces and prefixes above."""
    found: dict[str, str] = {}
    unnamed: list[str] = []

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern):
                if route.lstrip("^").startswith(SKIPPED_ROUTE_PREFIXES):
                    continue
                if not pattern.name:
                    unnamed.append(route)
                    continue
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[name] = route

    walk(get_resolver().url_patterns)
    assert not unnamed, f"URL patterns without a name cannot be given a row: {unnamed}"
    return found


def test_every_url_has_an_entry():
    names = set(_all_url_names())
    missing = sorted(names - set(MATRIX) - ALLAUTH_INTERNALS)
    assert not missing, f"new URLs need a row in tests/test_access_matrix.py MATRIX: {missing}"


def test_matrix_has_no_stale_rows():
    names = set(_all_url_names())
    stale = sorted(n for n in MATRIX if not n.startswith("admin:") and n not in names)
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    assert not (ALLAUTH_INTERNALS - names), "skip list names a URL that no longer exists"


@pytest.fixture
def objects(alice):
    session = SymptomSession.objects.create(
        user=alice,
        entered_text="headache and fever",
        symptoms=["headache", "high_fever"],
        conditions=[
            {
                "slug": "malaria",
                "name": "Malaria",
                "icd10": "B54",
                "probability": 0.4,
                "supporting": ["Headache"],
                "typical_not_reported": [],
                "against": [],
            }
        ],
        triage="gp",
        status="complete",
        model_label="test",
    )
    review = ClinicianReview.objects.create(session=session, reasons=["low_confidence"], urgency=2)
    return {"session": session.pk, "review": review.pk}


@pytest.fixture
def cast(alice, charlie, bob, dana):
    return {"alice": alice, "charlie": charlie, "bob": bob, "dana": dana}


def _call(client, call: Row, objects: dict):
    path = call.path.format(**objects)
    method = getattr(client, call.method)
    if call.method == "get":
        return method(path)
    if path.startswith("/api/"):
        return method(path, call.data, content_type="application/json")
    return method(path, call.data)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, index", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_access(client, cast, objects, name, index, role):
    call = MATRIX[name][index]
    if role != "anon":
        client.force_login(cast[role])
    response = _call(client, call, objects)
    assert response.status_code == call.expect[role], (
        f"{name}: {call.method.upper()} {call.path} as {role} got {response.status_code}, "
        f"expected {call.expect[role]}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/check/history/", "/api/v1/checks/"])
def test_lists_show_charlie_none_of_alices_checks(client, charlie, objects, path):
    client.force_login(charlie)
    body = client.get(path).content.decode()
    assert "Malaria" not in body and f"/{objects['session']}/" not in body
