"""Sessions, caching, CSP, cookies, throttling and account enumeration."""

import re
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import IDLE_REFRESHED_AT_SESSION_KEY, LOGIN_AT_SESSION_KEY
from audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


# --- sessions -----------------------------------------------------------------------------------


def _set_login_age(client, seconds: float) -> None:
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = time.time() - seconds
    session.save()


def test_login_time_is_stamped_on_login(client, alice):
    client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert time.time() - client.session[LOGIN_AT_SESSION_KEY] < 60


def test_session_ends_12_hours_after_login_however_active(alice_client, alice):
    alice_client.get(reverse("accounts:profile"))
    _set_login_age(alice_client, 11 * 3600)
    assert alice_client.get(reverse("accounts:profile")).status_code == 200
    _set_login_age(alice_client, 12 * 3600 + 5)
    response = alice_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert "_auth_user_id" not in alice_client.session
    page = alice_client.get(response["Location"])
    assert "12-hour limit" in page.content.decode()
    event = AuditEvent.objects.get(action="logout")
    assert event.actor == alice and event.detail == "absolute_timeout"


def test_expired_session_on_the_api_gets_401_json(alice_client):
    alice_client.get(reverse("accounts:profile"))
    _set_login_age(alice_client, 13 * 3600)
    response = alice_client.get("/api/v1/schema/")
    assert response.status_code == 401
    assert response.json()["error"] == "session_expired"


def test_idle_session_expires_after_30_minutes(alice_client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert alice_client.get(reverse("accounts:profile")).status_code == 200
    Session.objects.filter(session_key=alice_client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert alice_client.get(reverse("accounts:profile")).status_code == 302


def _set_idle_refresh_age(client, seconds: float) -> None:
    session = client.session
    session[IDLE_REFRESHED_AT_SESSION_KEY] = time.time() - seconds
    session.save()


def test_a_request_pushes_the_idle_expiry_forward_once_a_minute(alice_client):
    alice_client.get(reverse("accounts:profile"))
    key = alice_client.session.session_key
    _set_idle_refresh_age(alice_client, 61)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    alice_client.get(reverse("home"))
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)
    assert "Max-Age=1800" in str(alice_client.cookies[settings.SESSION_COOKIE_NAME])


def test_requests_within_a_minute_do_not_rewrite_the_session(alice_client):
    """The refresh costs one write a minute, not one a request (a check is the hottest page)."""
    alice_client.get(reverse("accounts:profile"))
    key = alice_client.session.session_key
    _set_idle_refresh_age(alice_client, 30)
    before = timezone.now() + timedelta(minutes=10)
    Session.objects.filter(session_key=key).update(expire_date=before)
    response = alice_client.get(reverse("home"))
    assert response.status_code == 200
    assert Session.objects.get(session_key=key).expire_date == before


def test_an_expired_session_cookie_is_not_revived_by_the_refresh(alice_client):
    alice_client.get(reverse("accounts:profile"))
    key = alice_client.session.session_key
    Session.objects.filter(session_key=key).delete()
    alice_client.get(reverse("home"))
    assert not Session.objects.exists()


# --- caching ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "accounts:profile", "privacy:index", "diagnosis:check_start"])
def test_every_page_for_a_signed_in_user_is_no_store(alice_client, name):
    response = alice_client.get(reverse(name))
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_redirects_for_a_signed_in_user_are_no_store_too(alice_client):
    response = alice_client.post(reverse("accounts:consent"), {"granted": "on"})
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_anonymous_visitors_are_not_forced_no_store(client):
    response = client.get(reverse("home"))
    assert "no-store" not in response.get("Cache-Control", "")


# --- Content-Security-Policy --------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in (p.strip() for p in header.split(";")) if d}


def test_csp_header_forbids_inline_script_and_framing(client):
    policy = _csp(client.get(reverse("home")))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)


INLINE_PATTERNS = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def _inline_violations(text: str) -> list[str]:
    return [name for name, pattern in INLINE_PATTERNS.items() if pattern.search(text)]


def test_templates_have_nothing_the_csp_would_block():
    templates = [p for p in (ROOT / "templates").rglob("*.html")]
    templates += [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    problems = {
        str(p.relative_to(ROOT)): found for p in templates if (found := _inline_violations(p.read_text()))
    }
    assert not problems, problems


@pytest.mark.parametrize("name", ["home", "account_login", "account_signup", "account_reset_password"])
def test_rendered_public_pages_have_nothing_the_csp_would_block(client, name):
    assert _inline_violations(client.get(reverse(name)).content.decode()) == []


@pytest.mark.parametrize("name", ["accounts:profile", "privacy:index", "diagnosis:check_start", "mfa_index"])
def test_rendered_patient_pages_have_nothing_the_csp_would_block(alice_client, name):
    assert _inline_violations(alice_client.get(reverse(name)).content.decode()) == []


def test_a_check_result_page_has_nothing_the_csp_would_block(alice_client, alice):
    from diagnosis.models import SymptomSession

    condition = {"slug": "malaria", "name": "Malaria", "icd10": "B54", "probability": 0.42}
    session = SymptomSession.objects.create(
        user=alice,
        symptoms=["headache"],
        conditions=[{**condition, "supporting": ["Headache"], "typical_not_reported": [], "against": []}],
        triage="urgent",
        status="complete",
        model_label="test",
    )
    page = alice_client.get(reverse("diagnosis:check_detail", args=[session.pk])).content.decode()
    assert "Malaria" in page
    assert _inline_violations(page) == []
    session.triage = "emergency"  # the emergency page (no conditions shown) too
    session.save()
    page = alice_client.get(reverse("diagnosis:check_detail", args=[session.pk])).content.decode()
    assert "banner-emergency" in page and _inline_violations(page) == []


def test_admin_pages_have_nothing_the_csp_would_block(client, dana):
    client.force_login(dana)
    for url in ("/admin/", reverse("admin:accounts_user_changelist")):
        assert _inline_violations(client.get(url).content.decode()) == [], url


# --- cookies and passwords ----------------------------------------------------------------------


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, alice):
    client.get(reverse("account_login"))
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY is True


def test_browser_close_ends_the_session_cookie(client, alice):
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""


def test_passwords_need_ten_characters_and_are_checked_against_common_ones():
    with pytest.raises(ValidationError, match="too short"):
        validate_password("Xk9#mq2$L")
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password123")
    validate_password("Xk9#mq2$Lw")


# --- login throttling ---------------------------------------------------------------------------


def test_the_admin_login_form_cannot_be_used_directly(client, dana):
    response = client.post("/admin/login/", {"username": dana.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_six_failed_admin_logins_lock_further_attempts_for_a_while(client, dana):
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    assert login_url.startswith(reverse("account_login"))
    locked_message = "Too many failed login attempts"
    pages = [
        client.post(login_url, {"login": dana.email, "password": f"wrong-password-{i}"}).content.decode()
        for i in range(6)
    ]
    assert [locked_message in page for page in pages] == [False] * 5 + [True]
    # Even the right password is refused while locked.
    locked = client.post(login_url, {"login": dana.email, "password": PASSWORD})
    assert locked.status_code in (200, 429) and locked_message in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Five minutes later the lock is gone (dana then continues to her second factor).
    later = time.time() + 5 * 60 + 1
    with mock.patch("allauth.core.internal.ratelimit.time.time", return_value=later):
        unlocked = client.post(login_url, {"login": dana.email, "password": PASSWORD})
    assert unlocked.status_code == 302
    assert unlocked["Location"] == reverse("mfa_authenticate")


# --- account enumeration ------------------------------------------------------------------------


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": "a-Long-enough-pass-42", "password2": "a-Long-enough-pass-42"},
    )


def test_signup_answers_the_same_for_known_and_unknown_emails(client, alice):
    known = _signup(client, alice.email)
    known_mails = len(mail.outbox)
    client.logout()
    unknown = _signup(client, "brand.new@example.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert known_mails == 1 and len(mail.outbox) == 2


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, alice):
    known = client.post(reverse("account_reset_password"), {"email": alice.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 2


def test_login_error_is_the_same_for_a_wrong_password_and_an_unknown_email(client, alice):
    def error(email):
        html = client.post(reverse("account_login"), {"login": email, "password": "wrong-password-1"})
        return re.findall(r'<li>(.*?)</li>|class="nhsuk-error-message"[^>]*>(.*?)</p>', html.content.decode())

    assert error(alice.email) == error("nobody@example.test")
