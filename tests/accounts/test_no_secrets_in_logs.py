"""No one-time key, reset link, API token or TOTP code reaches any log.

Production settings share LOGGING (handlers with audit.redaction's filter) with the test settings,
and production refuses e-mail backends that print mail (tests/accounts/test_settings.py); so this
drives password reset, e-mail confirmation, API token issuance and a TOTP sign-in through the
configured logging with every logger at DEBUG (django.template then logs whole template contexts,
reset and confirmation links included), and captures what the configured console handler writes,
every record that reaches the root logger, and the process's stdout and stderr.
"""

import io
import logging
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-New-long-enough-pass-77"
# Loggers with their own level or handlers in LOGGING, and the libraries on these paths.
LOGGERS = ["", "django", "django.request", "django.security", "django.server", "django.db.backends"]
LOGGERS += ["allauth", "knox", "rest_framework", "audit", "accounts", "medportal"]


@pytest.fixture
def all_logs(caplog, capfd):
    """Everything logged during the test, at DEBUG: what the configured console handler writes,
    every record reaching the root logger, and anything else the process prints to stdout or
    stderr (gunicorn's log is the process output: a console e-mail backend would write there)."""
    consoles = {
        handler
        for name in LOGGERS
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, logging.StreamHandler) and getattr(handler, "name", "") == "console"
    }
    assert consoles, "the configured console handler was not found"
    stream = io.StringIO()
    previous_streams = {handler: handler.setStream(stream) for handler in consoles}
    previous_levels = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        yield lambda: "\n".join([stream.getvalue(), caplog.text, *capfd.readouterr()])
    finally:
        for handler, previous in previous_streams.items():
            handler.setStream(previous)
        for name, level in previous_levels.items():
            logging.getLogger(name).setLevel(level)


def _runserver_line(path: str, status: int = 200) -> None:
    """What runserver (django.core.servers.basehttp) logs for a request: the full request line."""
    logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", status, 1234)


def _assert_absent(logs: str, secrets: dict[str, str]) -> None:
    assert logs.strip(), "nothing was captured: the capture itself is broken"
    for what, secret in secrets.items():
        assert secret, what
        # Digit-only secrets (TOTP codes) must not be matched inside longer numbers such as timestamps.
        pattern = rf"(?<!\d){re.escape(secret)}(?!\d)" if secret.isdigit() else re.escape(secret)
        assert not re.search(pattern, logs), f"{what} found in the logs"


def _audit_text() -> str:
    """The audit trail is a log too."""
    return " ".join(f"{e.object_type} {e.object_id} {e.detail}" for e in AuditEvent.objects.all())


def test_password_reset_keys_and_links_never_reach_a_log(client, alice, all_logs):
    client.post(reverse("account_reset_password"), {"email": alice.email})
    (message,) = mail.outbox
    url = re.search(r"https?://\S+/password/reset/key/\S+/", message.body).group(0)
    path = url.split("testserver", 1)[1]
    key = path.rstrip("/").rsplit("/", 1)[1]

    form = client.get(path)
    assert form.status_code == 302  # allauth moves the key into the session
    done = client.post(form["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    # The same key again (now spent), a mangled one, and one under a path that does not exist:
    # pages, a 404 logged with its path, and runserver's request lines.
    client.get(path)
    client.get(f"{path}extra/")
    _runserver_line(path, 302)
    _runserver_line(f"{path}?next=/profile/", 404)

    _assert_absent(all_logs(), {"reset key": key, "reset URL": url, "reset path": path})
    _assert_absent(_audit_text(), {"reset key": key})


def test_email_confirmation_keys_never_reach_a_log(client, all_logs):
    client.post(
        reverse("account_signup"),
        {"email": "new.person@example.test", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    (message,) = mail.outbox
    url = re.search(r"https?://\S+/confirm-email/\S+/", message.body).group(0)
    path = url.split("testserver", 1)[1]
    key = path.rstrip("/").rsplit("/", 1)[1]

    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    client.post(path)  # already confirmed
    client.get(f"{path}extra/")  # a 404 logged with its path
    _runserver_line(path, 200)

    _assert_absent(all_logs(), {"confirmation key": key, "confirmation URL": url})
    _assert_absent(_audit_text(), {"confirmation key": key})


def test_api_tokens_never_reach_a_log(alice, all_logs):
    api = APIClient()
    issued = api.post("/api/v1/auth/token/", {"email": alice.email, "password": PASSWORD}, format="json")
    assert issued.status_code == 200
    token = issued.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/checks/").status_code == 200
    api.get("/api/v1/no-such-endpoint/")  # a 404 logged with its path
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/checks/").status_code == 401  # the revoked token, logged as Unauthorized
    # A token pasted into a URL by a careless client: the path and query are logged.
    APIClient().get(f"/api/v1/checks/?token={token}")
    _runserver_line(f"/api/v1/checks/?token={token}", 401)
    # A wrong password is logged by allauth's failure signal, with no password in it.
    api.credentials()
    api.post("/api/v1/auth/token/", {"email": alice.email, "password": "Hunter2-wrong-guess"}, format="json")

    logs = all_logs()
    _assert_absent(logs, {"API token": token, "password": PASSWORD, "wrong password": "Hunter2-wrong-guess"})


def test_totp_codes_never_reach_a_log(client, bob, all_logs):
    secret = Authenticator.objects.get(user=bob, type=Authenticator.Type.TOTP).wrap().instance.data["secret"]
    response = client.post(reverse("account_login"), {"login": bob.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    now = int(time.time()) // 30
    wrong = format_hotp_value(hotp_value(secret, now + 100))
    client.post(reverse("mfa_authenticate"), {"code": wrong})
    code = format_hotp_value(hotp_value(secret, now))
    signed_in = client.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session

    _assert_absent(all_logs(), {"TOTP code": code, "wrong TOTP code": wrong, "TOTP secret": secret})
