"""Checks without an account: the same check and result page, nothing stored beyond the visitor's
own (encrypted) session, never seen by another session, never queued, rated or trained on, a per-IP
limit, and saved to an account only when the visitor signs in and chooses to."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from diagnosis.models import SymptomSession
from diagnosis.views import GUEST_SESSION_KEY, guest_check_get
from feedback.models import ClinicianReview
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

START = reverse("diagnosis:check_start")
GUEST = reverse("diagnosis:guest_check")


def start(client, **data):
    return client.post(START, {"text": "", "chips": "", **data})


def _check_of(client) -> dict:
    """The guest check stored in a test client's session."""

    class _Request:
        session = client.session

    return guest_check_get(_Request())


def test_the_home_page_offers_a_check_without_an_account(client):
    html = client.get(reverse("home")).content.decode()
    assert "Check your symptoms without an account" in html
    assert f'href="{START}"' in html


def test_a_guest_gets_the_form_with_age_and_sex_asked_for_me(client):
    response = client.get(START)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Check your symptoms without an account</h1>" in html
    # No profile to read: the age and sex questions are marked to stay visible for "Me" too.
    assert re.search(r'<div class="subject-details" id="subject-details" data-guest>', html)
    for field in ("id_age_years", "id_sex", "id_pregnant", "id_breastfeeding"):
        assert f'id="{field}"' in html
    assert "Age in years" in html


def test_a_guest_runs_a_check_and_sees_the_result_with_nothing_stored(client, trained_champion):
    response = start(client, text="runny nose and sneezing and a sore throat", age_years="30", sex="f")
    assert response.status_code == 302 and response.headers["Location"] == GUEST
    client.post(reverse("diagnosis:guest_check_finish"))
    page = client.get(GUEST)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert html.index('id="what-to-do"') < html.index("Possible conditions")  # urgency first
    assert "This is not a diagnosis." in html and "Common cold" in html
    assert "Sign up to save this check" in html
    assert "Did this help?" not in html  # a guest's check is never rated
    assert SymptomSession.objects.count() == 0
    assert ClinicianReview.objects.count() == 0
    check = _check_of(client)
    assert check["subject"]["for"] == "me" and check["subject"]["age_months"] == 360
    assert check["subject"]["sex"] == "f"
    # The session row holds the check encrypted, not the words typed.
    stored = Session.objects.get(session_key=client.session.session_key).session_data
    assert (
        "sore throat"
        not in Session.objects.get(session_key=client.session.session_key).get_decoded()[GUEST_SESSION_KEY]
    )
    assert "sore throat" not in stored


def test_a_guest_gets_advice_that_says_their_medicines_are_unknown(client, trained_champion):
    start(client, text="runny nose and sneezing and a sore throat", age_years="30", sex="f")
    client.post(reverse("diagnosis:guest_check_finish"))
    html = client.get(GUEST).content.decode()
    assert "We don&#x27;t know your allergies, conditions or medicines" in html


def test_another_visitor_never_sees_a_guests_check(client, trained_champion):
    start(client, text="embarrassing itchy rash on my back")
    assert client.get(GUEST).status_code == 200
    other = Client()
    response = other.get(GUEST)
    assert response.status_code == 302 and response.headers["Location"] == START
    assert "itchy rash" not in other.get(START).content.decode()
    # Nor can another visitor answer or finish it.
    other.post(reverse("diagnosis:guest_check_finish"))
    assert _check_of(other) is None
    # Nor a signed-in patient.
    charlie_client = Client()
    from tests.factories import UserFactory

    charlie_client.force_login(UserFactory(email="nosy@example.test"))
    assert "itchy rash" not in charlie_client.get(reverse("diagnosis:history")).content.decode()
    assert charlie_client.get(reverse("diagnosis:guest_check_save")).status_code == 302
    assert SymptomSession.objects.count() == 0


def test_a_guest_emergency_shows_the_action_and_is_never_queued(client, trained_champion):
    start(client, text="severe difficulty breathing", age_years="60")
    html = client.get(GUEST).content.decode()
    assert "banner-emergency" in html and "<title>Emergency: call 999" in html
    assert html.index("banner-emergency") < html.index("not-a-diagnosis")
    for distraction in ('class="conditions"', "Did this help?", "Medicine options", "Sign up to save"):
        assert distraction not in html, distraction
    assert ClinicianReview.objects.count() == 0 and SymptomSession.objects.count() == 0


def test_the_subject_rules_apply_to_guests(client, trained_champion):
    child = start(client, text="cough", subject_for="child")
    assert child.status_code == 200 and "Tell us the child" in child.content.decode()
    assert "<title>Error:" in child.content.decode()
    male_pregnant = start(client, text="headache", sex="m", pregnant="yes")
    assert male_pregnant.status_code == 200
    assert "Pregnancy only applies" in male_pregnant.content.decode()
    empty = start(client)
    assert empty.status_code == 200 and "Tell us at least one symptom." in empty.content.decode()
    assert _check_of(client) is None
    baby = start(client, text="fever", subject_for="child", age_months="2")
    assert baby.status_code == 302
    check = _check_of(client)
    assert check["subject"] == {**check["subject"], "for": "child", "age_months": 2.0}
    assert check["triage"] in ("emergency", "urgent")  # a baby under 3 months with a fever


def test_a_guest_answers_questions_and_a_stale_answer_changes_nothing(client, trained_champion):
    start(client, text="headache", age_years="35")
    check = _check_of(client)
    assert check["status"] == "asking" and check["next_question"]
    question = check["next_question"]
    html = client.get(GUEST).content.decode()
    assert f'action="{reverse("diagnosis:guest_check_answer")}"' in html
    client.post(reverse("diagnosis:guest_check_answer"), {"symptom": question, "answer": "no"})
    check = _check_of(client)
    assert check["answers"] == [{"symptom": question, "answer": "no"}] and question in check["negated"]
    client.post(reverse("diagnosis:guest_check_answer"), {"symptom": question, "answer": "yes"})
    assert len(_check_of(client)["answers"]) == 1
    bad = client.post(reverse("diagnosis:guest_check_answer"), {"symptom": question, "answer": "maybe"})
    assert bad.status_code == 302
    client.post(reverse("diagnosis:guest_check_finish"))
    check = _check_of(client)
    assert check["status"] == "complete" and check["next_question"] == ""


def test_guest_checks_count_against_the_anonymous_rate_per_ip(client, settings, trained_champion):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"},
    }
    statuses = [start(client, text="headache").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    refused = start(client, text="headache")
    assert "Too many checks at once" in refused.content.decode() and int(refused["Retry-After"]) > 0
    assert "If you feel very unwell" in refused.content.decode()
    assert f'href="{reverse("account_login")}"' in refused.content.decode()  # signed in, own limits
    assert client.get(START).status_code == 200  # the empty form is never limited
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert start(elsewhere, text="headache").status_code == 302


def test_guest_checks_have_a_daily_cap_per_ip(client, settings, trained_champion):
    settings.GUEST_CHECKS_PER_DAY = 2
    assert [start(client, text="headache").status_code for _ in range(3)] == [302, 302, 429]
    refused = start(Client(), text="headache")  # a new session from the same address
    assert refused.status_code == 429 and "Daily limit reached" in refused.content.decode()
    assert int(refused["Retry-After"]) > 23 * 3600
    settings.GUEST_CHECKS_PER_DAY = 0
    assert start(client, text="headache").status_code == 302


def test_signing_in_offers_to_save_and_saving_attaches_it(client, alice, trained_champion):
    start(client, text="runny nose and sneezing", age_years="30", sex="f")
    client.post(reverse("diagnosis:guest_check_finish"))
    guest = _check_of(client)
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("diagnosis:guest_check_save")
    page = client.get(reverse("diagnosis:guest_check_save")).content.decode()
    assert "Save your check to your account?" in page and "runny nose and sneezing" in page
    assert SymptomSession.objects.count() == 0  # nothing is saved without choosing to
    saved = client.post(reverse("diagnosis:guest_check_save"), {"action": "save"})
    session = SymptomSession.objects.get()
    assert saved.headers["Location"] == session.get_absolute_url()
    assert session.user == alice and session.entered_text == "runny nose and sneezing"
    assert session.triage == guest["triage"] and session.conditions == guest["conditions"]
    assert session.subject == guest["subject"] and session.status == "complete"
    assert _check_of(client) is None
    assert client.get(session.get_absolute_url()).status_code == 200


def test_a_signed_in_visitor_with_an_unsaved_guest_check_is_offered_the_save_page(
    client, alice, trained_champion
):
    start(client, text="runny nose and sneezing")
    client.post(reverse("diagnosis:guest_check_finish"))
    client.force_login(alice)
    html = client.get(GUEST).content.decode()
    assert f'href="{reverse("diagnosis:guest_check_save")}"' in html and "Sign up to save" not in html
    # A new check while signed in is an ordinary one; the guest check stays until chosen about.
    start(client, text="headache")
    assert SymptomSession.objects.filter(user=alice).count() == 1 and _check_of(client) is not None


def test_a_guest_check_can_be_left_unsaved(client, alice, trained_champion):
    start(client, text="headache")
    client.force_login(alice)
    response = client.post(reverse("diagnosis:guest_check_save"), {"action": "discard"})
    assert response.status_code == 302 and SymptomSession.objects.count() == 0
    assert _check_of(client) is None


def test_signing_up_and_confirming_in_the_same_browser_saves_the_check(client, trained_champion):
    start(client, text="runny nose and sneezing", age_years="30")
    html = client.get(GUEST).content.decode()
    signup_link = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', html).group(1)
    signup = client.post(
        signup_link.replace("&amp;", "&"),
        {"email": "newpat@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert signup.status_code == 302
    sent = client.get(signup.headers["Location"]).content.decode()
    assert "newpat@example.test" in sent
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == reverse("diagnosis:guest_check_save")
    client.post(reverse("diagnosis:guest_check_save"), {"action": "save"})
    session = SymptomSession.objects.get()
    assert session.user.email == "newpat@example.test"
    assert session.entered_text == "runny nose and sneezing"


def test_the_api_stays_for_signed_in_users_only(client, trained_champion):
    response = client.post("/api/v1/checks/", {"text": "headache"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert SymptomSession.objects.count() == 0


def test_a_guest_sees_conditions_as_a_patient_does(client, trained_champion):
    """The same patient wording as a signed-in check: everyday names, at most three, no ICD-10 codes."""
    from diagnosis.models import Disease

    start(client, text="heartburn, acid coming up after meals and a cough at night", age_years="45", sex="m")
    html = client.get(GUEST).content.decode()
    shown = re.findall(r'<li class="condition">\s*<h3>([^<]+)</h3>', html)
    lay_names = dict(Disease.objects.values_list("lay_name", "icd10"))
    assert 1 <= len(shown) <= 3, shown
    assert all(name in lay_names for name in shown), shown
    assert not any(lay_names[name] in html for name in shown)
