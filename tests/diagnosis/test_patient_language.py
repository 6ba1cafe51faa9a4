"""Patient language on result pages: everyday names, no ICD-10 codes, at most three conditions,
sensitive conditions only with a specific finding, and instructions a 13-year-old can read."""

import re
from html import unescape

import pytest
import textstat
from django.urls import reverse

from diagnosis import selectors
from diagnosis.models import Disease, SymptomSession

pytestmark = pytest.mark.django_db

MAX_GRADE = 8


def _condition(slug: str, name: str, icd10: str, p: float) -> dict:
    return {
        "slug": slug,
        "name": name,
        "icd10": icd10,
        "probability": p,
        "supporting": ["Tiredness"],
        "typical_not_reported": [],
        "against": [],
    }


def _session(user, *, triage="gp", symptoms=("fatigue",), conditions=None) -> SymptomSession:
    return SymptomSession.objects.create(
        user=user,
        entered_text="tired",
        symptoms=list(symptoms),
        conditions=conditions or [],
        triage=triage,
        status="complete",
        model_label="test",
    )


def _text(html: str, element_id: str) -> str:
    """The visible words of the element with this id (its start tag to the matching close)."""
    start = html.index(f'id="{element_id}"')
    start = html.rindex("<", 0, start)
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    depth, pos = 0, start
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            pos = start + match.end()
            break
    # Headings, paragraphs and list items end a sentence for a reader: give each a full stop.
    words = re.sub(r"</(h\d|p|li)>", ".\n", html[start:pos])
    words = re.sub(r"<[^>]+>", " ", words)
    lines = (re.sub(r"\s+", " ", line).strip() for line in unescape(words).splitlines())
    return re.sub(r"([.!?:])\.", r"\1", " ".join(line for line in lines if line))


def test_every_condition_in_the_knowledge_base_has_a_lay_name(snapshot):
    missing = list(Disease.objects.filter(lay_name="").values_list("slug", flat=True))
    assert not missing
    assert Disease.objects.get(slug="heart_attack").lay_name == "Heart attack"


def test_result_page_shows_lay_names_no_icd10_and_at_most_three(alice_client, alice, snapshot):
    conditions = [
        _condition("gerd", "Gastro-oesophageal reflux disease (GERD)", "K21.9", 0.4),
        _condition("peptic_ulcer", "Peptic ulcer (stomach or duodenal ulcer)", "K27.9", 0.2),
        _condition("gastroenteritis", "Gastroenteritis (stomach bug)", "A09", 0.15),
        _condition("heart_attack", "Heart attack (myocardial infarction)", "I21.9", 0.1),
        _condition("migraine", "Migraine", "G43.9", 0.05),
    ]
    session = _session(alice, conditions=conditions)
    html = alice_client.get(session.get_absolute_url()).content.decode()
    for code in ("K21.9", "K27.9", "A09", "I21.9", "G43.9"):
        assert code not in html
    shown = re.findall(r'<li class="condition">\s*<h3>([^<]+)</h3>', html)
    assert shown == ["Acid reflux (heartburn)", "Stomach ulcer", "Stomach bug"]
    assert html.index("Acid reflux (heartburn)") < html.index("Gastro-oesophageal reflux disease")


def test_my_checks_uses_the_lay_name(alice_client, alice, snapshot):
    _session(alice, conditions=[_condition("gerd", "Gastro-oesophageal reflux disease (GERD)", "K21.9", 0.5)])
    html = alice_client.get(reverse("diagnosis:history")).content.decode()
    assert "Acid reflux (heartburn)" in html and "K21.9" not in html


def test_the_api_keeps_the_icd10_code_and_every_condition(alice_client, alice, snapshot):
    conditions = [_condition(f"c{i}", f"Condition {i}", f"A0{i}", 0.5 - i / 10) for i in range(5)]
    session = _session(alice, conditions=conditions)
    body = alice_client.get(reverse("api-check", args=[session.pk])).json()
    assert [c["icd10"] for c in body["conditions"]] == ["A00", "A01", "A02", "A03", "A04"]
    assert "icd10" not in selectors.PatientCondition.__dataclass_fields__


def test_a_condition_without_a_lay_name_shows_its_name(alice, snapshot):
    Disease.objects.filter(slug="gerd").update(lay_name="")
    session = _session(
        alice, conditions=[_condition("gerd", "Gastro-oesophageal reflux disease (GERD)", "K21.9", 0.5)]
    )
    (shown,) = selectors.patient_conditions(session)
    assert shown.name == shown.medical_name == "Gastro-oesophageal reflux disease (GERD)"


@pytest.mark.parametrize("slug", sorted(selectors.SENSITIVE_CONDITIONS))
def test_a_sensitive_condition_is_hidden_without_a_specific_finding(alice, snapshot, slug):
    conditions = [_condition(slug, slug, "B24", 0.6), _condition("common_cold", "Common cold", "J00", 0.2)]
    session = _session(alice, symptoms=["fatigue", "weight_loss", "night_sweats"], conditions=conditions)
    assert [c.slug for c in selectors.patient_conditions(session)] == ["common_cold"]


def test_a_sensitive_condition_with_a_specific_finding_is_worded_carefully_with_a_route_to_testing(
    alice_client, alice, snapshot
):
    conditions = [_condition("hiv_aids", "HIV infection / AIDS", "B24", 0.6)]
    session = _session(alice, symptoms=["fatigue", "high_risk_sexual_contact"], conditions=conditions)
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert "<h3>HIV</h3>" in html and "B24" not in html
    assert "Only a test can tell." in html
    assert "A sexual health clinic or your GP can test for this. Testing is free and confidential." in html


def test_tuberculosis_needs_blood_in_sputum_and_points_to_the_gp(alice, snapshot):
    conditions = [_condition("tuberculosis", "Tuberculosis (TB)", "A15.0", 0.6)]
    session = _session(alice, symptoms=["cough", "blood_in_sputum"], conditions=conditions)
    (shown,) = selectors.patient_conditions(session)
    assert shown.name == "TB (tuberculosis)" and shown.sensitive
    assert shown.testing.startswith("Your GP can test for this")


@pytest.mark.parametrize("level", ["emergency", "urgent", "gp", "self_care"])
def test_what_to_do_text_reads_at_grade_8_or_below(alice_client, alice, snapshot, level):
    session = _session(alice, triage=level, conditions=[_condition("common_cold", "Common cold", "J00", 0.5)])
    html = alice_client.get(session.get_absolute_url()).content.decode()
    text = _text(html, "what-to-do")
    assert len(text.split()) > 10 and "call" in text.lower()
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"{level}: grade {grade}: {text}"


@pytest.mark.parametrize("level", ["urgent", "gp", "self_care"])
def test_each_generated_line_reads_at_grade_8_or_below(alice, snapshot, level):
    """Line by line as well, so one long sentence cannot hide behind short ones."""
    shown = selectors.what_to_do(_session(alice, triage=level))
    for line in [shown.heading, *shown.actions, *shown.safety_net]:
        grade = textstat.flesch_kincaid_grade(line)
        assert grade <= MAX_GRADE, f"{level}: grade {grade}: {line}"


def test_every_red_flag_instruction_reads_at_grade_8_or_below():
    """A red flag's instruction becomes the action at the top of the result when it fires."""
    from diagnosis.kb_loader import read_files

    over = {}
    for rule in read_files().red_flags:
        grade = textstat.flesch_kincaid_grade(rule["instruction"])
        if grade > MAX_GRADE:
            over[rule["slug"]] = grade
    assert not over, over
