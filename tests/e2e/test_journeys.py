"""Whole journeys in the browser, a screenshot of every step in test-artifacts/journey-*.png.

The guest check on a phone counts its steps (every document the browser loads: the first page,
each link followed and each form submitted) and checks that the first screen of the result,
without scrolling, holds the urgency and the first thing to do.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_staff_journeys import PASSWORD, _login_with_totp, _staff

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
# Home page, the check form, its submission (redirects to the result). One more when the
# portal asks a question first and the visitor skips to the result.
MAX_GUEST_STEPS = 4


def _within_first_screen(page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None, f"{selector} is not rendered"
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"{selector} ends at {box['y'] + box['height']:.0f}px, below the first screen ({height}px)"
    )


def test_guest_check_on_a_phone_puts_the_urgency_and_first_action_in_the_first_screen(kb_live, browser, shot):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    base = kb_live.url

    page.goto(f"{base}/")
    shot(page, "journey-guest-1-home")
    page.get_by_role("link", name="Check your symptoms without an account").first.click()
    expect(page.get_by_role("heading", name="Check your symptoms without an account")).to_be_visible()
    page.fill("#id_text", "sneezing, a runny nose and a sore throat for two days, no fever")
    shot(page, "journey-guest-2-check-form")
    page.click("text=Check my symptoms")
    expect(page.locator("#not-a-diagnosis")).to_be_visible()
    asked = page.locator("#question-heading").count()
    if asked:
        shot(page, "journey-guest-3-question")
        page.click("text=Skip the questions and show my result")
    expect(page.get_by_role("heading", name="What to do now", exact=True)).to_be_visible()
    page.wait_for_load_state("load")

    # The first screen, before any scrolling: the urgency and the first action.
    assert page.evaluate("window.scrollY") == 0
    _within_first_screen(page, "#result-heading")
    _within_first_screen(page, "#triage-level")
    _within_first_screen(page, "#what-to-do .what-to-do-heading")
    _within_first_screen(page, "#what-to-do .what-to-do-heading + p")
    expect(page.locator("#triage-level")).to_have_text(re.compile(r"\w"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the result scrolls sideways on a phone ({width}px)"
    page.screenshot(path="test-artifacts/journey-guest-phone-first-screen.png")
    shot(page, "journey-guest-4-result")
    assert len(loads) == 3 + asked <= MAX_GUEST_STEPS, loads  # measured: 3 (no question asked)
    context.close()


def test_a_check_for_a_young_child_gets_the_childs_advice(kb_live, page, shot):
    """A new limp is ordinary in an adult's words but needs a same-day check in a child under 3."""
    from tests.factories import UserFactory

    UserFactory(email="carer@example.test")
    base = kb_live.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "carer@example.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.goto(f"{base}/check/")
    page.check("input[name=subject_for][value=child]")
    page.fill("#id_age_months", "20")
    page.fill("#id_text", "limping since this morning and his leg hurts")
    shot(page, "journey-child-1-check-form")
    page.click("text=Check my symptoms")
    if page.locator("#question-heading").count():
        shot(page, "journey-child-2-question")
        page.click("text=Skip the questions and show my result")
    what_to_do = page.locator("#what-to-do")
    expect(what_to_do).to_contain_text("Get your child seen today")
    expect(page.locator("#triage-level")).to_have_text(re.compile("^Urgent"))
    shot(page, "journey-child-3-result")


def test_a_clinicians_different_urgency_and_reply_reach_the_patient(kb_live, page, browser, shot):
    from feedback.models import ClinicianReview
    from tests.factories import UserFactory

    alice = UserFactory(email="alice@example.test")
    bob, secret = _staff("bob@example.test", "clinician")
    base = kb_live.url

    # The patient's check, sent to a clinician by the patient.
    patient_context = browser.new_context()
    patient = patient_context.new_page()
    patient.goto(f"{base}/accounts/login/")
    patient.fill("input[name=login]", alice.email)
    patient.fill("input[name=password]", PASSWORD)
    patient.click("form button[type=submit]")
    patient.goto(f"{base}/check/")
    patient.fill("#id_text", "sneezing, a runny nose and a sore throat for two days, no fever")
    patient.click("text=Check my symptoms")
    if patient.locator("#question-heading").count():
        patient.click("text=Skip the questions and show my result")
    expect(patient.locator("#triage-level")).to_be_visible()
    portal_urgency = patient.locator("#triage-level").inner_text()
    check_url = patient.url
    shot(patient, "journey-correction-1-patient-result")
    patient.get_by_role("button", name="Ask a clinician to look at this check").click()
    expect(patient.locator("#clinician-asked")).to_be_visible()
    shot(patient, "journey-correction-2-flagged")
    review = ClinicianReview.objects.get(session__user=alice)
    assert review.status == ClinicianReview.Status.OPEN

    # The clinician claims it, advises a more urgent level and replies.
    _login_with_totp(page, base, bob.email, secret)
    page.goto(f"{base}/feedback/review/{review.pk}/")
    shot(page, "journey-correction-3-case")
    page.click("text=Claim this case")
    page.select_option("select[name=condition]", "common_cold")
    page.select_option("select[name=triage]", "urgent")
    reply = "Your sore throat has lasted a while: please get seen by a GP or NHS 111 today."
    page.fill("textarea[name=note]", reply)
    shot(page, "journey-correction-4-reply")
    page.click("text=Send reply and close")
    review.refresh_from_db()
    assert review.status == ClinicianReview.Status.CLOSED and review.corrected_triage == "urgent"

    # The patient sees the clinician's urgency and reply at the top of the check...
    patient.goto(check_url)
    summary = patient.locator("#clinician-summary")
    expect(summary).to_contain_text("A clinician reviewed this check")
    expect(summary).to_contain_text("Urgent")
    expect(summary).to_contain_text(reply)
    assert summary.bounding_box()["y"] < patient.locator("#what-to-do").bounding_box()["y"]
    assert "Urgent" not in portal_urgency  # the clinician's level really differs from the portal's
    shot(patient, "journey-correction-5-patient-sees-reply")
    # ...and in My checks.
    patient.get_by_role("link", name="My checks").click()
    expect(patient.locator(".clinician-urgency")).to_contain_text("Urgent")
    shot(patient, "journey-correction-6-my-checks")
    patient_context.close()
