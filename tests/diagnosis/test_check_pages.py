"""The check form (combobox, character counter, who the check is for) and question pages (one h1:
the question, focused on load)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from diagnosis.models import SymptomSession

pytestmark = pytest.mark.django_db


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _tag(html: str, tag: str, element_id: str) -> str:
    match = re.search(rf'<{tag}\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no <{tag} id={element_id}>"
    return match.group(0)


def _h1s(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)]


# --- the check form ----------------------------------------------------------------------------


def test_every_aria_describedby_on_the_check_form_points_to_an_element_on_the_page(alice_client):
    html = alice_client.get(reverse("diagnosis:check_start")).content.decode()
    ids = _ids(html)
    referenced = {i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()}
    assert {"id_text_helptext", "id_text_counter", "symptom-search-help"} <= referenced
    assert referenced <= ids, f"missing ids: {referenced - ids}"


def test_description_box_has_a_counter_and_no_maxlength_that_would_cut_text_silently(alice_client):
    html = alice_client.get(reverse("diagnosis:check_start")).content.decode()
    textarea = _tag(html, "textarea", "id_text")
    assert " maxlength=" not in textarea
    assert 'data-maxlength="2000"' in textarea
    assert 'id="id_text_counter"' in html and "You can enter up to 2000 characters." in html


def test_a_description_over_2000_characters_is_refused_with_a_message_and_kept_in_the_box(alice_client):
    text = "headache " * 600  # 5,400 characters
    response = alice_client.post(reverse("diagnosis:check_start"), {"text": text, "chips": ""})
    assert response.status_code == 200
    assert not SymptomSession.objects.exists()
    html = response.content.decode()
    assert "at most 2000 characters" in html
    assert "<title>Error:" in html
    textarea = _tag(html, "textarea", "id_text")
    assert 'aria-invalid="true"' in textarea
    assert "id_text_error" in textarea and 'id="id_text_error"' in html
    assert text.strip() in html  # nothing was cut off


def test_symptom_search_is_a_combobox_with_a_live_status_for_no_matches(alice_client):
    html = alice_client.get(reverse("diagnosis:check_start")).content.decode()
    combobox = _tag(html, "input", "symptom-search")
    for attribute in ('role="combobox"', 'aria-expanded="false"', 'aria-controls="symptom-suggestions"'):
        assert attribute in combobox
    assert "aria-activedescendant" not in combobox  # nothing is pre-selected
    status = _tag(html, "p", "symptom-search-status")
    assert 'role="status"' in status and 'aria-live="polite"' in status
    assert 'role="listbox"' in _tag(html, "ul", "symptom-suggestions")


def test_autocomplete_script_selects_nothing_first_and_shows_canonical_names_only():
    script = open(finders.find("js/symptom-input.js"), encoding="utf-8").read()
    assert "r.matched" not in script  # the misspelling that matched is never shown
    assert "No matches" in script
    assert "setActive(-1); // nothing is chosen" in script


def test_autocomplete_answers_carry_the_canonical_name_for_a_misspelling(client):
    results = client.get(reverse("diagnosis:autocomplete"), {"q": "vommit"}).json()["results"]
    assert results and "vommit" not in results[0]["name"].lower()


def test_who_is_this_for_shows_every_question_without_javascript(alice_client):
    html = alice_client.get(reverse("diagnosis:check_start")).content.decode()
    details = _tag(html, "div", "subject-details")
    assert "hidden" not in details  # the script hides them for "Me"; without it they stay
    for field in ("id_age_years", "id_age_months", "id_sex", "id_pregnant", "id_breastfeeding"):
        assert f'id="{field}"' in html
    assert 'id="pregnancy-questions"' in html
    assert '<script src="/static/js/symptom-input.js" defer></script>' in html


def test_a_check_for_a_child_still_works_from_the_form(alice_client, trained_champion):
    response = alice_client.post(
        reverse("diagnosis:check_start"),
        {
            "text": "runny nose and sneezing",
            "chips": "",
            "subject_for": "child",
            "age_years": "6",
            "sex": "m",
        },
    )
    assert response.status_code == 302
    assert SymptomSession.objects.get().subject.get("for") == "child"


# --- question pages --------------------------------------------------------------------------------


@pytest.fixture
def asking(alice, snapshot):
    return SymptomSession.objects.create(
        user=alice,
        entered_text="cough",
        symptoms=["cough"],
        conditions=[{"slug": "common_cold", "name": "Common cold", "icd10": "J00", "probability": 0.5}],
        triage="gp",
        status="asking",
        next_question="high_fever",
        model_label="test",
    )


def test_a_question_page_has_one_h1_and_it_is_the_question(alice_client, asking, snapshot):
    html = alice_client.get(asking.get_absolute_url()).content.decode()
    question = snapshot.symptom_questions.get("high_fever") or "Do you have"
    h1s = _h1s(html)
    assert len(h1s) == 1 and h1s[0].startswith(question[:12])
    heading = _tag(html, "h1", "question-heading")
    assert 'tabindex="-1"' in heading  # focusable from script, not in the Tab order
    assert "Question 1 of up to 5" in html
    assert html.index('id="question-heading"') < html.index('id="what-to-do"')
    assert re.search(r'<h2 id="result-heading"[^>]*>What to do now \(so far\)</h2>', html)
    assert f"<title>{h1s[0]}" in html


def test_a_question_page_moves_focus_to_the_question(alice_client, asking):
    html = alice_client.get(asking.get_absolute_url()).content.decode()
    assert '<script src="/static/js/check-detail.js" defer></script>' in html
    script = open(finders.find("js/check-detail.js"), encoding="utf-8").read()
    assert 'getElementById("question-heading")' in script and ".focus()" in script


def test_a_finished_result_keeps_what_to_do_now_as_its_h1(alice_client, asking):
    asking.status = "complete"
    asking.next_question = ""
    asking.save()
    html = alice_client.get(asking.get_absolute_url()).content.decode()
    assert _h1s(html) == ["What to do now"]
    assert "check-detail.js" not in html and 'id="question-heading"' not in html


def test_an_emergency_page_is_unchanged_action_only_with_a_tel_link(alice_client, asking):
    asking.triage = "emergency"
    asking.save()
    html = alice_client.get(asking.get_absolute_url()).content.decode()
    assert len(_h1s(html)) == 1
    assert 'href="tel:' in re.search(r'<h1 id="emergency-heading"[^>]*>(.*?)</h1>', html, re.S).group(1)
    assert html.index("<main") < html.index('id="emergency-heading"')
    for distraction in ('id="question-heading"', "Did this help?", "Print report"):
        assert distraction not in html
