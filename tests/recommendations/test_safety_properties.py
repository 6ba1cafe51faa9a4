"""Property-based: over random profiles and every condition, no contraindicated item is returned."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnosis.models import Disease
from recommendations.models import ConditionMedicine, DrugClass, Medicine, OtherMedication, ProfileCondition
from recommendations.safety import Profile, current_vocabulary, resolve_profile
from recommendations.services import MAX_MEDICINES, advice_build

pytestmark = pytest.mark.django_db

# Independent oracles: words a person may type, and what each must rule out whatever else the
# profile says. Written here by hand, not read from the vocabulary the filter uses.
PREGNANT_WORDS = ["I'm pregnant", "possibly pregnant", "12 weeks pregnant", "expecting", "trying for a baby"]
BREASTFEEDING_WORDS = [
    "nursing my baby",
    "breastfeeding",
    "breast feeding",
    "bf my 3 month old",
    "chestfeeding",
]
ASTHMA_MEDICINES = ["salbutamol", "ventolin", "blue inhaler", "brown inhaler", "beclometasone", "seretide"]
GI_BLEED_WORDS = [
    "stomach bleed",
    "GI bleed",
    "had a bleed from my stomach",
    "vomited blood before",
    "melaena",
]
PENICILLIN_ALLERGY_WORDS = ["pcn", "pen", "amox", "augmentin", "penicillin (rash)"]
NSAID_ALLERGY_WORDS = ["nurofen", "advil", "brufen", "asprin", "allergic to NSAIDs", "ibuprofen - wheezy"]
DENIALS = ["not pregnant", "no longer breastfeeding"]


@pytest.fixture(scope="module")  # after django_db_setup: the test database, never the dev one
def words(django_db_setup, django_db_blocker):
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
    flags = PREGNANT_WORDS + BREASTFEEDING_WORDS + DENIALS
    # Each list draws half its entries from the oracle words, so every rule is exercised often.
    return (
        (drug_words + ["peanuts"], flags + PENICILLIN_ALLERGY_WORDS + NSAID_ALLERGY_WORDS),
        (condition_words + ["not a condition"], flags + GI_BLEED_WORDS),
        (drug_words, flags + ASTHMA_MEDICINES),
        diseases,
    )


def entries(vocabulary_words, oracle_words):
    word = st.one_of(st.sampled_from(vocabulary_words), st.sampled_from(oracle_words))
    return st.lists(word, max_size=3)


def profiles(allergy_words, condition_words, medication_words):
    return st.builds(
        Profile,
        age=st.one_of(st.none(), st.integers(0, 100)),
        sex=st.sampled_from(["", "f", "m"]),
        pregnant=st.booleans(),
        breastfeeding=st.booleans(),
        allergies=entries(*allergy_words),
        conditions=entries(*condition_words),
        medications=entries(*medication_words),
    )


def test_no_contraindicated_medicine_is_ever_returned(words):
    allergy_words, condition_words, medication_words, diseases = words
    vocab = current_vocabulary()
    by_slug = {d.slug: d for d in Disease.objects.all()}
    linked_counts = {slug: ConditionMedicine.objects.filter(disease__slug=slug).count() for slug in by_slug}

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        profile=profiles(allergy_words, condition_words, medication_words), disease=st.sampled_from(diseases)
    )
    def check(profile, disease):
        advice = advice_build(disease=by_slug[disease], profile=profile)
        rp = resolve_profile(vocab, profile)
        typed = profile.allergies + profile.conditions + profile.medications
        pregnant = profile.pregnant or any(w in PREGNANT_WORDS for w in typed)
        breastfeeding = profile.breastfeeding or any(w in BREASTFEEDING_WORDS for w in typed)
        asthma = any(w in ASTHMA_MEDICINES for w in profile.medications)
        gi_bleed = any(w in GI_BLEED_WORDS for w in profile.conditions)
        penicillin_allergy = any(w in PENICILLIN_ALLERGY_WORDS for w in profile.allergies)
        nsaid_allergy = any(w in NSAID_ALLERGY_WORDS for w in profile.allergies)
        assert rp.pregnant >= pregnant and rp.breastfeeding >= breastfeeding
        assert len(advice.medicines) <= MAX_MEDICINES
        if by_slug[disease].default_triage == "emergency":
            assert advice.medicines == []
        for item in advice.medicines:
            med = vocab.medicines[item.slug]
            assert item.slug not in rp.allergy_medicines
            assert not (med.allergy_classes & set(rp.allergy_classes)), (item.slug, profile)
            assert not (rp.pregnant and med.pregnancy == "avoid")
            assert not (pregnant and med.pregnancy == "avoid"), (item.slug, profile)
            assert not (breastfeeding and med.breastfeeding == "avoid"), (item.slug, profile)
            assert profile.age is None or profile.age >= med.min_age_years
            assert not (med.contraindicated_conditions & set(rp.conditions))
            assert not (asthma and "asthma" in med.contraindicated_conditions), (item.slug, profile)
            assert not (gi_bleed and item.slug in {"ibuprofen", "naproxen", "aspirin"}), (item.slug, profile)
            assert not (penicillin_allergy and med.drug_class == "penicillin"), (item.slug, profile)
            assert not (nsaid_allergy and med.drug_class in {"nsaid", "salicylate"}), (item.slug, profile)
            assert not (med.interacting_classes & set(rp.medication_classes))
            assert med.drug_class not in rp.medication_classes
        # Nothing is silently dropped: every linked medicine is offered, withheld with a reason, or past the top five.
        if not advice.emergency:
            linked = linked_counts[disease]
            assert all(w["reason"] for w in advice.withheld)
            assert len(advice.medicines) == min(linked - len(advice.withheld), MAX_MEDICINES)
        # A flag word is understood, never reported back as unrecognised.
        flagged = set(PREGNANT_WORDS + BREASTFEEDING_WORDS + DENIALS)
        assert not any(w in flagged for ws in rp.unrecognised.values() for w in ws)

    check()
