import pytest
from django.urls import reverse

from diagnosis.models import Disease, KnowledgeBaseVersion, Symptom
from diagnosis.selectors import current_snapshot, knowledge_base_version

pytestmark = pytest.mark.django_db


def test_admin_edit_is_recorded_bumps_the_version_and_takes_effect_immediately(client, dana):
    client.force_login(dana)
    before = knowledge_base_version()
    assert "zzgiddy" not in current_snapshot().index.phrases
    symptom = Symptom.objects.get(slug="dizziness")
    url = reverse("admin:diagnosis_symptom_change", args=[symptom.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "name": "Dizziness",
            "synonyms-TOTAL_FORMS": "1",
            "synonyms-INITIAL_FORMS": "0",
            "synonyms-MIN_NUM_FORMS": "0",
            "synonyms-MAX_NUM_FORMS": "1000",
            "synonyms-0-phrase": "zzgiddy",
            "synonyms-0-symptom": str(symptom.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert knowledge_base_version() > before
    latest = KnowledgeBaseVersion.objects.order_by("-id").first()
    assert latest.changed_by == dana and "Dizziness" in latest.reason
    assert symptom.history.count() >= 1
    # The next check uses the edit without a restart.
    assert current_snapshot().index.resolve("zzgiddy").present == ["dizziness"]


def test_admin_kb_pages_need_staff(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:diagnosis_disease_changelist"))
    assert response.status_code in (302, 403)
    assert Disease.objects.exists()


def test_a_symptom_a_red_flag_rule_needs_cannot_be_deleted_in_admin(client, dana):
    from diagnosis.models import RedFlagRule

    client.force_login(dana)
    sweating = Symptom.objects.get(slug="sweating")
    url = reverse("admin:diagnosis_symptom_delete", args=[sweating.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Chest pain with sweating" in page.content.decode()  # listed as what protects it
    client.post(url, {"post": "yes"})
    assert Symptom.objects.filter(slug="sweating").exists()
    assert RedFlagRule.objects.get(slug="chest_pain_with_sweating").any_of.filter(slug="sweating").exists()


def test_a_rule_left_without_symptoms_fires_on_nothing(snapshot):
    from dataclasses import replace

    from diagnosis.engine.triage import fired_red_flags

    empty = replace(snapshot.rules[0], all_of=frozenset(), any_of=frozenset())
    assert fired_red_flags((empty,), ["cough", "runny_nose"], age=30, sex="", pregnant=False) == []


@pytest.mark.parametrize("phrase", ["a", "i", "!!", "the", "12"])
def test_a_synonym_that_would_match_every_sentence_is_refused(phrase):
    from django.core.exceptions import ValidationError

    from diagnosis.models import SymptomSynonym

    with pytest.raises(ValidationError):
        SymptomSynonym(symptom=Symptom.objects.get(slug="headache"), phrase=phrase).full_clean()
    ok = SymptomSynonym(symptom=Symptom.objects.get(slug="headache"), phrase="  HEADACHE   Big ")
    ok.full_clean()
    assert ok.phrase == "headache big"


def test_a_disease_age_range_must_make_sense():
    from django.core.exceptions import ValidationError

    disease = Disease.objects.get(slug="migraine")
    disease.age_min, disease.age_max, disease.age_mode = 90, 10, 200
    with pytest.raises(ValidationError) as raised:
        disease.full_clean()
    assert "age_max" in raised.value.message_dict
