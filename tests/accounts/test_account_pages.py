"""allauth's pages in the portal's layout and words: base.html, the shared field include with the
GOV.UK error pattern, "Sign in" / "Sign out" / "Create an account" everywhere, and a confirmation
e-mail that can be sent again. Plus the named sender and the contact address."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

OLD_WORDS = ("Log in", "Log out", "Sign up", "Sign In", "Sign Out", "Sign Up", "Signup", "Email Address")


def _in_portal_layout(html: str) -> None:
    assert (
        '<header class="site-header nhsuk-header"' in html
        and '<footer class="site-footer nhsuk-footer"' in html
    )
    assert "/static/vendor/nhsuk/nhsuk.css" in html and "/static/css/medportal.css" in html
    assert 'class="card narrow account-page"' in html


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _h1(html: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)).strip()


@pytest.mark.parametrize(
    "name, heading",
    [
        ("account_login", "Sign in"),
        ("account_signup", "Create an account"),
        ("account_reset_password", "Reset your password"),
        ("account_reset_password_done", "Check your e-mail"),
        ("account_email_verification_sent", "Confirm your e-mail address"),
    ],
)
def test_the_entrance_pages_use_the_portal_layout_and_words(client, name, heading):
    html = client.get(reverse(name)).content.decode()
    _in_portal_layout(html)
    assert _h1(html) == heading and _title(html) == f"{heading} · MedPortal"
    for word in OLD_WORDS:
        assert word not in html, word


def test_the_navigation_says_sign_in_sign_out_and_create_an_account(client, alice):
    html = client.get(reverse("home")).content.decode()
    nav = html[html.index('<header class="site-header nhsuk-header"') : html.index("</header>")]
    assert ">Sign in<" in nav and ">Create an account<" in nav
    client.force_login(alice)
    nav = client.get(reverse("home")).content.decode()
    nav = nav[nav.index('<header class="site-header nhsuk-header"') : nav.index("</header>")]
    assert ">Sign out<" in nav
    for word in OLD_WORDS:
        assert word not in nav, word


def test_the_logout_and_email_pages_use_the_portal_layout(alice_client):
    logout = alice_client.get(reverse("account_logout")).content.decode()
    _in_portal_layout(logout)
    assert _h1(logout) == "Sign out" and 'type="submit" class="nhsuk-button">Sign out<' in logout
    email = alice_client.get(reverse("account_email")).content.decode()
    _in_portal_layout(email)
    assert _h1(email) == "Your e-mail addresses"
    assert 'name="action_send"' in email and "Resend the e-mail" in email


def test_a_wrong_password_gets_the_error_summary_and_the_error_title(client, alice):
    html = client.post(reverse("account_login"), {"login": alice.email, "password": "wrong"}).content.decode()
    assert _title(html).startswith("Error: Sign in")
    summary = html[html.index('id="error-summary"') :]
    assert "There is a problem" in summary and 'role="alert"' in html
    assert html.index('id="error-summary"') < html.index('name="password"')


def test_signup_errors_link_from_the_summary_to_each_field(client):
    response = client.post(
        reverse("account_signup"), {"email": "not-an-address", "password1": "1", "password2": "2"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and _title(html).startswith("Error: Create an account")
    assert '<a href="#id_email">' in html
    # Each field's own message, with a hidden "Error:" for screen readers, and the field marked invalid.
    assert re.search(
        r'<p class="nhsuk-error-message" id="id_email_error"><span class="nhsuk-u-visually-hidden">Error:</span>',
        html,
    )
    assert re.search(r'<input[^>]*name="email"[^>]*aria-invalid="true"', html)
    assert re.search(r'<input[^>]*name="email"[^>]*class="nhsuk-input nhsuk-input--error"', html)


def test_a_bad_reset_link_says_so_and_offers_a_new_one(client):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    html = client.get(url, follow=True).content.decode()
    _in_portal_layout(html)
    assert _h1(html) == "This link does not work"
    assert f'href="{reverse("account_reset_password")}"' in html


def test_the_password_reset_sends_a_link_from_the_named_sender(client, alice, settings):
    client.post(reverse("account_reset_password"), {"email": alice.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL
    assert re.fullmatch(r"MedPortal <[^@<>\s]+@[^@<>\s]+>", settings.DEFAULT_FROM_EMAIL)


def _sign_up(client, email="new.person@example.test"):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_the_email_sent_page_says_where_and_can_resend_within_allauths_limit(client):
    response = _sign_up(client)
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    html = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "We have sent an e-mail to <strong>new.person@example.test</strong>" in html
    assert f'action="{reverse("account_resend_verification")}"' in html and "Resend the e-mail" in html
    assert len(mail.outbox) == 1
    # At once: allauth's "confirm_email" limit holds it back and the page says to wait.
    again = client.post(reverse("account_resend_verification"), follow=True).content.decode()
    assert len(mail.outbox) == 1 and "Please wait a few minutes" in again
    # Once the limit has passed (allauth keeps it in the cache), the e-mail goes again.
    cache.clear()
    client.post(reverse("account_resend_verification"))
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["new.person@example.test"]
    assert "confirm-email" in mail.outbox[1].body


def test_a_taken_address_gets_the_same_page_and_button(client, alice):
    """Enumeration: signing up with an address that has an account looks the same, and resending
    sends allauth's "you already have an account" e-mail, under the same limit."""
    response = _sign_up(client, email=alice.email)
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    html = client.get(reverse("account_email_verification_sent")).content.decode()
    assert f"We have sent an e-mail to <strong>{alice.email}</strong>" in html and "Resend the e-mail" in html
    sent = len(mail.outbox)
    client.post(reverse("account_resend_verification"))
    assert len(mail.outbox) == sent  # the same cooldown as a new account
    cache.clear()
    client.post(reverse("account_resend_verification"))
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [alice.email]
    assert "confirm-email" not in mail.outbox[-1].body


def test_resend_without_a_pending_sign_up_goes_to_sign_in(client):
    response = client.post(reverse("account_resend_verification"))
    assert response.status_code == 302 and response.headers["Location"] == reverse("account_login")
    assert client.get(reverse("account_resend_verification")).status_code == 405
    assert len(mail.outbox) == 0


def test_the_email_confirmation_page_uses_the_portal_words(client):
    _sign_up(client)
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    html = client.get(link).content.decode()
    _in_portal_layout(html)
    assert _h1(html) == "Confirm your e-mail address" and "new.person@example.test" in html
    expired = client.get(reverse("account_confirm_email", args=["no-such-key"])).content.decode()
    assert "This link does not work" in expired


def test_the_contact_page_shows_the_configured_address(client, settings):
    settings.CONTACT_EMAIL = "help@medportal.example"
    html = client.get(reverse("contact")).content.decode()
    assert 'href="mailto:help@medportal.example"' in html
    settings.CONTACT_EMAIL = ""
    assert "mailto:" not in client.get(reverse("contact")).content.decode()


def test_every_aria_describedby_on_an_invalid_form_names_an_element_on_the_page(client):
    """Django 5.2 points an invalid field's aria-describedby at "<id>_error": a screen reader reads
    nothing if no element carries that id, so every id named must exist."""
    response = client.post(
        reverse("account_signup"), {"email": "not-an-address", "password1": "1", "password2": "2"}
    )
    html = response.content.decode()
    named = {i for value in re.findall(r'aria-describedby="([^"]*)"', html) for i in value.split()}
    assert "id_email_error" in named
    missing = {i for i in named if f'id="{i}"' not in html}
    assert not missing, missing
