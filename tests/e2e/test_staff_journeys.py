import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from tests.e2e.test_accessibility import Audit
from tests.totp import current_totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "correct-horse-battery"


def _staff(email: str, role: str):
    from accounts.services import user_set_role
    from tests.factories import UserFactory

    user = user_set_role(user=UserFactory(email=email, is_superuser=role == "admin"), role=role)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _login_with_totp(page, base, email, secret):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", current_totp_code(secret))
    page.click("form button[type=submit]")


def _patient_with_flagged_check():
    from diagnosis.services import symptom_check_start
    from tests.factories import UserFactory

    alice = UserFactory(email="alice@example.test")
    return alice, symptom_check_start(user=alice, text="crushing chest pain and sweating")


def test_clinician_reviews_a_flagged_case_and_the_patient_sees_the_reply(kb_live, page, browser, shot):
    from feedback.models import ClinicianReview

    alice, session = _patient_with_flagged_check()
    bob, secret = _staff("bob@example.test", "clinician")
    base = kb_live.url
    _login_with_totp(page, base, bob.email, secret)
    page.goto(f"{base}/feedback/review/")
    expect(page.locator("main")).to_contain_text("Emergency")
    shot(page, "review-queue")
    # The case's own link (the queue also links to the model card under /feedback/review/).
    case_pk = ClinicianReview.objects.get(session=session).pk
    page.locator(f"main a[href='/feedback/review/{case_pk}/']").first.click()
    expect(page.locator("main")).to_contain_text("Chest pain")
    expect(page.locator("main")).not_to_contain_text(alice.email)
    page.click("text=Claim this case")
    page.select_option("select[name=condition]", "heart_attack")
    page.select_option("select[name=triage]", "emergency")
    page.fill("textarea[name=note]", "Please go to the emergency department now if the pain returns.")
    shot(page, "review-case")
    page.click("text=Send reply and close")
    review = ClinicianReview.objects.get(session=session)
    assert review.status == "closed" and review.outcome == "confirmed"

    context = browser.new_context()
    patient = context.new_page()
    patient.goto(f"{base}/accounts/login/")
    patient.fill("input[name=login]", alice.email)
    patient.fill("input[name=password]", PASSWORD)
    patient.click("form button[type=submit]")
    patient.goto(f"{base}/check/{session.pk}/")
    expect(patient.locator("main")).to_contain_text("Please go to the emergency department now")
    context.close()


def test_admin_promotes_a_model_version_in_django_admin(kb_live, page, shot, settings):
    from diagnosis.selectors import current_snapshot
    from mlops.models import ModelVersion
    from mlops.services import model_version_promote
    from mlops.training import build_dataset, register_candidate, train_candidate

    snapshot = current_snapshot()
    dataset = build_dataset(snapshot, per_disease=40, seed=5)
    first = register_candidate(train_candidate("naive_bayes", dataset, snapshot), dataset, snapshot)
    model_version_promote(model_version=first, reason="setup", override_reason="e2e setup: small model")
    second = register_candidate(train_candidate("logistic_regression", dataset, snapshot), dataset, snapshot)
    dana, secret = _staff("dana@example.test", "admin")
    base = kb_live.url
    _login_with_totp(page, base, dana.email, secret)
    page.set_viewport_size({"width": 1280, "height": 800})
    audit = Audit(page)  # axe-core and CSP console errors on each registry page below
    page.goto(f"{base}/admin/mlops/modelversion/")
    audit.check("admin model versions", patient=False)
    # The registry list fits a 1280 px screen: nothing cut off, no sideways scrolling.
    expect(page.locator("#result_list")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the model-version list scrolls sideways at 1280 px ({width}px)"
    # ...and the list's own scrolling box (admin's .results) does not clip it either.
    clipped = page.evaluate(
        "(el => el.scrollWidth - el.clientWidth)(document.querySelector('#changelist .results'))"
    )
    assert clipped <= 0, f"the model-version list is {clipped}px wider than its box at 1280 px"
    expect(page.locator(".metrics-chart")).to_contain_text("Accuracy (share of cases)")
    shot(page, "admin-model-versions")
    page.check(f"input[name=_selected_action][value='{second.pk}']")
    page.select_option("select[name=action]", "promote")
    page.click("button[name=index]")
    # Promote asks first: the champion it replaces, the one it would be, every gate's result now.
    expect(page.locator(".champion-change")).to_contain_text(f"Champion now: {first.label}")
    expect(page.locator(".champion-change")).to_contain_text(f"Champion after: {second.label}")
    expect(page.locator(".gate-results")).to_contain_text("refused")
    shot(page, "admin-promote-confirm")
    audit.check("admin promote confirmation", patient=False)
    assert ModelVersion.objects.get(alias="champion") == first
    page.click("input[type=submit][value='Yes, promote']")
    # A model trained on 40 cases per condition fails the gates, and the page says which.
    expect(page.locator(".messagelist")).to_contain_text("not promoted")
    audit.check("admin promote refused", patient=False)
    shot(page, "admin-promote-refused")
    page.check(f"input[name=_selected_action][value='{second.pk}']")
    page.select_option("select[name=action]", "promote_despite_gates")
    page.click("button[name=index]")
    audit.check("admin override form", patient=False)
    page.fill("#override_reason", "e2e: demonstrating an audited override")
    page.click("input[type=submit][value='Promote despite the gates']")
    expect(page.locator(".messagelist")).to_contain_text("is now the champion")
    audit.check("admin promoted", patient=False)
    shot(page, "admin-promote")
    assert ModelVersion.objects.get(alias="champion") == second

    # The change page shows the metrics as tables, the raw JSON folded away.
    page.goto(f"{base}/admin/mlops/modelversion/{second.pk}/change/")
    expect(page.locator(".gate-results")).to_contain_text("refused")
    expect(page.locator(".metrics-table").first).to_contain_text("top-1")
    expect(page.locator("details.metrics-raw pre")).not_to_be_visible()
    page.wait_for_timeout(500)
    assert not audit.console, audit.console  # the page itself applies no inline style...
    before = len(audit.problems)
    audit.check("admin model version", patient=False)
    # ...but axe-core, while it audits this page, does (the CSP refusals appear only during its run).
    audit.problems[before:] = [p for p in audit.problems[before:] if ": CSP: " not in p]
    shot(page, "admin-model-version-metrics")

    # The portal serves the new champion on the next check (readiness details: dana is staff).
    health = page.goto(f"{base}/health/ready/").json()
    assert health["model"]["serving"] == second.label
    # Chromium's own JSON viewer styles that response inline, which its CSP refuses: not ours.
    audit.console.clear()

    # Rolling back asks first too, then returns to the first champion.
    page.goto(f"{base}/admin/mlops/modelversion/")
    page.check(f"input[name=_selected_action][value='{second.pk}']")
    page.select_option("select[name=action]", "rollback")
    page.click("button[name=index]")
    expect(page.locator(".champion-change")).to_contain_text(f"Champion after: {first.label}")
    shot(page, "admin-rollback-confirm")
    audit.check("admin rollback confirmation", patient=False)
    assert ModelVersion.objects.get(alias="champion") == second
    page.click("input[type=submit][value='Yes, roll back']")
    expect(page.locator(".messagelist")).to_contain_text(f"Rolled back: {first.label}")
    assert ModelVersion.objects.get(alias="champion") == first
    assert not audit.problems, "\n".join(audit.problems)
