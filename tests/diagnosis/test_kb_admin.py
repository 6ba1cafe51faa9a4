import pytest
from django.urls import reverse

from diagnosis.engine.knowledge import current_snapshot
from diagnosis.models import Disease, KnowledgeBaseVersion, Symptom
from diagnosis.selectors import knowledge_base_version

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
