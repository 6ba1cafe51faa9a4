"""Property-based: over random profiles and every condition, no contraindicated item is returned."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnosis.models import Disease
from recommendations.models import ConditionMedicine, DrugClass, Medicine, OtherMedication, ProfileCondition
from recommendations.safety import Profile, current_vocabulary, resolve_profile
from recommendations.services import MAX_MEDICINES, advice_build

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def words(django_db_blocker):
    with django_db_blocker.unblock():
        drug_words = [m.name for m in Medicine.objects.all()] + [
            b for m in Medicine.objects.all() for b in m.brand_names
        ]
        drug_words += [c.name for c in DrugClass.objects.all()] + [
            s for c in DrugClass.objects.all() for s in c.synonyms
        ]
        drug_words += [o.name for o in OtherMedication.objects.all()]
        condition_words = [c.name for c in ProfileCondition.objects.all()] + [
            s for c in ProfileCondition.objects.all() for s in c.synonyms
        ]
        diseases = list(Disease.objects.values_list("slug", flat=True))
    return drug_words, condition_words + ["not a condition"], diseases


def profiles(drug_words, condition_words):
    return st.builds(
        Profile,
        age=st.one_of(st.none(), st.integers(0, 100)),
        sex=st.sampled_from(["", "f", "m"]),
        pregnant=st.booleans(),
        allergies=st.lists(st.sampled_from(drug_words + ["peanuts"]), max_size=3),
        conditions=st.lists(st.sampled_from(condition_words), max_size=3),
        medications=st.lists(st.sampled_from(drug_words), max_size=3),
    )


def test_no_contraindicated_medicine_is_ever_returned(words):
    drug_words, condition_words, diseases = words
    vocab = current_vocabulary()
    by_slug = {d.slug: d for d in Disease.objects.all()}
    linked_counts = {slug: ConditionMedicine.objects.filter(disease__slug=slug).count() for slug in by_slug}

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(profile=profiles(drug_words, condition_words), disease=st.sampled_from(diseases))
    def check(profile, disease):
        advice = advice_build(disease=by_slug[disease], profile=profile)
        rp = resolve_profile(vocab, profile)
        assert len(advice.medicines) <= MAX_MEDICINES
        if by_slug[disease].default_triage == "emergency":
            assert advice.medicines == []
        for item in advice.medicines:
            med = vocab.medicines[item.slug]
            assert item.slug not in rp.allergy_medicines
            assert not (med.allergy_classes & set(rp.allergy_classes)), (item.slug, profile)
            assert not (profile.pregnant and med.pregnancy == "avoid")
            assert profile.age is None or profile.age >= med.min_age_years
            assert not (med.contraindicated_conditions & set(rp.conditions))
            assert not (med.interacting_classes & set(rp.medication_classes))
            assert med.drug_class not in rp.medication_classes
        # Nothing is silently dropped: every linked medicine is offered, withheld with a reason, or past the top five.
        if not advice.emergency:
            linked = linked_counts[disease]
            assert all(w["reason"] for w in advice.withheld)
            assert len(advice.medicines) == min(linked - len(advice.withheld), MAX_MEDICINES)

    check()
