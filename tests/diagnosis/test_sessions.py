import pytest
from django.db import connection
from django.urls import reverse

from accounts.services import health_profile_update
from diagnosis.models import SymptomSession
from diagnosis.services import symptom_check_start

pytestmark = pytest.mark.django_db


def start(client, **data):
    return client.post(reverse("diagnosis:check_start"), {"text": "", "chips": "", **data})


def test_patient_runs_a_check_and_sees_a_result_with_the_notice(alice_client, trained_champion):
    response = start(alice_client, chips="runny nose,sneezing", text="sore throat but no fever")
    assert response.status_code == 302
    session = SymptomSession.objects.get()
    page = alice_client.get(response.headers["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "This is not a diagnosis." in html
    assert "Common cold" in html
    assert "no-store" in page.headers["Cache-Control"]
    assert session.model_version_id == trained_champion.pk
    assert session.kb_version > 0


def test_adaptive_questions_can_be_answered_and_skipped(alice_client, trained_champion):
    start(alice_client, text="headache")
    session = SymptomSession.objects.get()
    assert session.status == "asking" and session.next_question
    question = session.next_question
    alice_client.post(
        reverse("diagnosis:check_answer", args=[session.pk]), {"symptom": question, "answer": "no"}
    )
    session.refresh_from_db()
    assert session.answers == [{"symptom": question, "answer": "no"}]
    assert question in session.negated
    # A stale repeat of the same answer changes nothing.
    alice_client.post(
        reverse("diagnosis:check_answer", args=[session.pk]), {"symptom": question, "answer": "yes"}
    )
    session.refresh_from_db()
    assert len(session.answers) == 1
    alice_client.post(reverse("diagnosis:check_finish", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == "complete" and session.next_question == ""


def test_the_page_the_api_and_the_case_page_name_symptoms_alike(alice_client, alice, bob, trained_champion):
    """Answers read as words ("Don't know", not dont_know) and a symptom that has since left the
    knowledge base still reads as words, wherever the check is shown."""
    from django.test import Client

    from feedback.services import review_claim, review_flag
    from tests.api.conftest import token_client

    start(alice_client, text="headache")
    session = SymptomSession.objects.get()
    question = session.next_question
    alice_client.post(
        reverse("diagnosis:check_answer", args=[session.pk]), {"symptom": question, "answer": "dont_know"}
    )
    SymptomSession.objects.filter(pk=session.pk).update(
        symptoms=[*SymptomSession.objects.get().symptoms, "retired_symptom_xyz"]
    )
    session.refresh_from_db()
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert "Don&#x27;t know" in html and "dont_know" not in html.replace('value="dont_know"', "")
    assert "retired symptom xyz" in html
    body = token_client(alice).get(f"/api/v1/checks/{session.pk}/").json()
    assert "retired symptom xyz" in body["symptoms"]
    review = review_flag(session=session, reasons=["patient_request"])
    review_claim(review=review, clinician=bob)
    bob_client = Client()
    bob_client.force_login(bob)
    case = bob_client.get(reverse("feedback:review_detail", args=[review.pk])).content.decode()
    assert "retired symptom xyz" in case and "Don&#x27;t know" in case


def test_bad_answer_gets_a_message_not_a_500(alice_client, trained_champion):
    start(alice_client, text="headache")
    session = SymptomSession.objects.get()
    response = alice_client.post(
        reverse("diagnosis:check_answer", args=[session.pk]), {"symptom": "x", "answer": "maybe"}
    )
    assert response.status_code == 302


def test_emergency_result_shows_the_banner_first_and_no_medicines(alice_client, trained_champion):
    response = start(alice_client, text="crushing chest pain and sweating")
    page = alice_client.get(response.headers["Location"]).content.decode()
    assert "banner-emergency" in page
    assert page.index("banner-emergency") < page.index("not-a-diagnosis")
    assert "Medicine options" not in page
    assert "<h3>Diet</h3>" not in page and "<h3>Precautions</h3>" not in page
    session = SymptomSession.objects.get()
    assert session.triage == "emergency" and session.status == "complete"


def test_an_emergency_page_shows_the_action_first_and_nothing_that_distracts(alice_client, trained_champion):
    response = start(alice_client, text="severe difficulty breathing")
    session = SymptomSession.objects.get()
    assert session.is_emergency, (session.triage, session.red_flags)
    page = alice_client.get(response.headers["Location"]).content.decode()
    main = page[page.index('<main id="main"') :]
    # The banner is inside <main>, carries the page's h1 and a tel: link, and comes first.
    assert main.index("banner-emergency") < main.index("not-a-diagnosis")
    assert '<a href="tel:999"' in main and "<h1" in main[: main.index("not-a-diagnosis")]
    assert "<title>Emergency: call 999" in page
    # No condition cards, advice, feedback or print button on an emergency page.
    for distraction in ('class="conditions"', "Did this help?", "Print report", "Medicine options"):
        assert distraction not in page, distraction


def test_unrecognised_profile_words_are_flagged_before_the_medicines(alice_client, alice, trained_champion):
    health_profile_update(user=alice, allergies=["peanuts"])
    response = start(alice_client, text="runny nose and sneezing and sore throat")
    session = SymptomSession.objects.get()
    SymptomSession.objects.filter(pk=session.pk).update(status="complete", next_question="")
    page = alice_client.get(response.headers["Location"]).content.decode()
    assert page.index("peanuts") < page.index("Medicine options")
    assert "Ask a pharmacist before taking any of them." in page


@pytest.mark.parametrize("data", [{}, {"text": "   "}, {"text": "x" * 2001}])
def test_empty_or_oversized_forms_get_a_clear_message(alice_client, data):
    response = start(alice_client, **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SymptomSession.objects.exists()


def test_an_oversized_chip_list_gets_a_visible_message(alice_client):
    response = start(alice_client, chips=",".join(["headache"] * 400))
    assert response.status_code == 200
    assert "Too many chosen symptoms" in response.content.decode()
    assert not SymptomSession.objects.exists()


def test_unrecognised_input_still_gets_a_result_with_suggestions_and_when_to_get_help(alice_client):
    response = start(alice_client, text="my elbowz feel purplish")
    session = SymptomSession.objects.get()
    assert session.triage == "gp" and not session.in_scope  # never self-care, never a bare refusal
    html = alice_client.get(response.headers["Location"]).content.decode()
    assert "elbowz" in html
    assert "can&#x27;t suggest likely conditions" in html or "can't suggest likely conditions" in html
    assert "Get help now if" in html and 'href="tel:999"' in html


def test_another_patients_check_is_404_for_every_page(client, alice, charlie, trained_champion):
    session = symptom_check_start(user=alice, text="headache and nausea")
    client.force_login(charlie)
    assert client.get(session.get_absolute_url()).status_code == 404
    assert (
        client.post(
            reverse("diagnosis:check_answer", args=[session.pk]), {"symptom": "x", "answer": "yes"}
        ).status_code
        == 404
    )
    assert client.post(reverse("diagnosis:check_finish", args=[session.pk])).status_code == 404
    assert "headache" not in client.get(reverse("diagnosis:history")).content.decode().lower()


def test_anonymous_users_are_sent_to_login(client, alice, trained_champion):
    session = symptom_check_start(user=alice, text="headache")
    response = client.get(session.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


def test_history_lists_own_checks(alice_client, alice, trained_champion):
    symptom_check_start(user=alice, text="runny nose and sneezing")
    html = alice_client.get(reverse("diagnosis:history")).content.decode()
    assert "Runny nose" in html


def test_entered_text_and_results_are_encrypted_at_rest(alice, trained_champion):
    session = symptom_check_start(user=alice, text="embarrassing itchy rash")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entered_text, symptoms, conditions FROM diagnosis_symptomsession WHERE id = %s",
            [session.pk],
        )
        raw = " ".join(cursor.fetchone())
    assert "itchy" not in raw and "skin_rash" not in raw and "Fungal" not in raw


def test_session_records_profile_snapshot_and_pregnancy_affects_red_flags(alice, trained_champion):
    from datetime import date

    health_profile_update(user=alice, date_of_birth=date(1995, 1, 1), sex="f", pregnancy="yes")
    session = symptom_check_start(user=alice, text="severe headache")
    assert session.sex == "f" and session.pregnant == "yes"
    assert session.age_band in ("18-39", "40-64")
    assert session.triage == "emergency"


def test_an_ordinary_new_check_stays_a_handful_of_statements(alice, trained_champion, snapshot):
    """The hottest write of the portal (see benchmarks/load.py): the profile, the knowledge-base
    and model versions (one statement), the insert. No existence look-ups for the user or model
    version and no review look-up for a check that cannot have a review yet."""
    from django.test.utils import CaptureQueriesContext

    symptom_check_start(user=alice, text="runny nose")  # warm the model and snapshot caches
    with CaptureQueriesContext(connection) as ctx:
        session = symptom_check_start(user=alice, text="runny nose and sneezing")
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 3, statements
    assert "diagnosis_knowledgebaseversion" in statements[1] and "mlops_modelversion" in statements[1]
    assert statements[-1].startswith('INSERT INTO "diagnosis_symptomsession"')
    assert session.pk and not session.is_emergency


def test_a_new_red_flag_check_still_reaches_the_review_queue(alice, trained_champion, snapshot):
    from feedback.models import ClinicianReview

    session = symptom_check_start(user=alice, text="crushing chest pain and sweating")
    assert session.is_emergency
    review = ClinicianReview.objects.get(session=session)
    assert "red_flag" in review.reasons


def test_the_check_form_asks_who_it_is_for_and_explains_a_missing_age(alice_client):
    response = start(alice_client, text="temperature 38.5", subject_for="child")
    assert response.status_code == 200 and not SymptomSession.objects.exists()
    html = response.content.decode()
    assert "There is a problem" in html and "child&#x27;s age" in html
    response = start(alice_client, text="temperature 38.5", subject_for="child", age_months="2")
    session = SymptomSession.objects.get()
    assert session.subject["for"] == "child" and session.triage == "emergency"
