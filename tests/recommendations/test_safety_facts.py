"""The knowledge base's breastfeeding levels and implied conditions, and how they reach the database."""

import pytest

from diagnosis.kb_loader import load, read_files
from recommendations.models import DrugClass, Medicine, OtherMedication
from recommendations.safety import current_vocabulary
from recommendations.services import safety_facts_load

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("slug", "level"),
    [
        ("pseudoephedrine", "avoid"),
        ("xylometazoline_nasal_spray", "avoid"),
        ("aspirin", "avoid"),
        ("doxycycline", "avoid"),
        ("lymecycline", "avoid"),
        ("ciprofloxacin", "avoid"),
        ("chlorphenamine", "avoid"),
        ("methotrexate", "avoid"),
        ("paracetamol", "ok"),
        ("ibuprofen", "ok"),
        ("loratadine", "ok"),
        ("naproxen", "caution"),
    ],
)
def test_breastfeeding_levels_follow_the_guidance(slug, level):
    assert current_vocabulary().medicines[slug].breastfeeding == level


def test_every_medicine_states_a_breastfeeding_level():
    files = read_files()
    assert all(m.get("breastfeeding") in ("ok", "caution", "avoid") for m in files.medicines)
    assert not any("breastfeeding" in (m.get("contraindicated_conditions") or []) for m in files.medicines)


def test_inhalers_and_diabetes_medicines_imply_their_conditions():
    vocab = current_vocabulary()
    for cls in ("beta2_agonist", "inhaled_corticosteroid", "leukotriene_receptor_antagonist"):
        assert vocab.class_implies[cls] == {"asthma"}
    for cls in ("biguanide", "insulin", "sulfonylurea"):
        assert vocab.class_implies[cls] == {"diabetes"}
    assert vocab.other_implies["levetiracetam"] == {"epilepsy"}


def test_loading_the_safety_facts_is_idempotent_and_records_real_changes_only():
    files = read_files()
    pse = Medicine.objects.get(slug="pseudoephedrine")
    pse.breastfeeding = "ok"
    pse.save()
    DrugClass.objects.get(slug="beta2_agonist").implies_conditions.clear()
    OtherMedication.objects.get(slug="levetiracetam").implies_conditions.clear()
    safety_facts_load(vocabulary=files.vocabulary, medicines=files.medicines)
    assert Medicine.objects.get(slug="pseudoephedrine").breastfeeding == "avoid"
    assert list(
        DrugClass.objects.get(slug="beta2_agonist").implies_conditions.values_list("slug", flat=True)
    ) == ["asthma"]
    assert (
        OtherMedication.objects.get(slug="levetiracetam").implies_conditions.filter(slug="epilepsy").exists()
    )
    history = Medicine.history.count()
    safety_facts_load(vocabulary=files.vocabulary, medicines=files.medicines)
    assert Medicine.history.count() == history


def test_kb_loader_stores_the_safety_facts():
    Medicine.objects.update(breastfeeding="caution")
    DrugClass.implies_conditions.through.objects.all().delete()
    load(read_files(), force=True)
    assert Medicine.objects.get(slug="pseudoephedrine").breastfeeding == "avoid"
    assert DrugClass.objects.get(slug="beta2_agonist").implies_conditions.filter(slug="asthma").exists()
