import pytest

from diagnosis.models import Disease
from recommendations.safety import Profile, current_vocabulary, resolve_profile
from recommendations.services import advice_build

pytestmark = pytest.mark.django_db


def advice(slug, **profile):
    return advice_build(disease=Disease.objects.get(slug=slug), profile=Profile(**profile))


def names(a):
    return [m.name.lower() for m in a.medicines]


def withheld(a):
    return {w["name"].lower(): w["reason"] for w in a.withheld}


def test_no_profile_gets_up_to_five_options_with_reasons():
    a = advice("migraine")
    assert 1 <= len(a.medicines) <= 5
    assert all(m.reason for m in a.medicines)
    assert a.precautions and a.diet and a.activity


def test_penicillin_allergy_withholds_penicillins_and_says_why():
    a = advice("impetigo", allergies=["penicillin"])
    assert "flucloxacillin" not in names(a)
    assert "allergic to penicillin" in withheld(a)["flucloxacillin"]


def test_brand_name_allergy_resolves_to_the_ingredient_and_its_class():
    a = advice("migraine", allergies=["nurofen"])
    assert "ibuprofen" not in names(a)
    assert "aspirin" not in names(a)  # NSAID allergy rules out salicylates too


def test_sulfa_allergy_rules_out_sulfonamides():
    a = advice("arthritis", allergies=["sulfa"])
    assert "sulfasalazine" not in names(a)
    assert "sulfasalazine" in withheld(a)


def test_aspirin_is_withheld_under_16():
    a = advice("migraine", age=12)
    assert "aspirin" not in names(a)
    assert "under 16" in withheld(a)["aspirin"]


def test_pregnancy_withholds_nsaids():
    a = advice("migraine", sex="f", pregnant=True)
    assert "ibuprofen" not in names(a)
    assert "pregnancy" in withheld(a)["ibuprofen"]


def test_warfarin_rules_out_nsaids_as_an_interaction():
    a = advice("osteoarthritis", medications=["warfarin"])
    assert "ibuprofen" not in names(a) and "naproxen" not in names(a)
    assert "interact" in withheld(a)["ibuprofen"] and "warfarin" in withheld(a)["ibuprofen"]


def test_conditions_rule_out_classes():
    a = advice("osteoarthritis", conditions=["stomach ulcer"])
    assert "ibuprofen" not in names(a)
    assert "ulcer" in withheld(a)["ibuprofen"]


def test_already_taking_the_same_medicine_is_flagged_as_a_double_dose():
    a = advice("migraine", medications=["paracetamol"])
    assert "paracetamol" not in names(a)
    assert "double dose" in withheld(a)["paracetamol"]


def test_unknown_profile_words_are_reported_not_ignored():
    a = advice("migraine", allergies=["peanuts", "penicilin"], conditions=["wobbly knee syndrome"])
    assert "peanuts" in a.unrecognised_profile_words["allergies"]
    assert "penicilin" not in a.unrecognised_profile_words["allergies"]  # typo still resolved
    assert a.unrecognised_profile_words["conditions"] == ["wobbly knee syndrome"]


def test_emergency_conditions_never_get_medicines():
    for slug in ("heart_attack", "brain_haemorrhage"):
        a = advice(slug)
        assert a.emergency and a.medicines == [] and a.emergency_guidance


def test_emergency_triage_suppresses_medicines_for_any_condition():
    a = advice_build(disease=Disease.objects.get(slug="migraine"), profile=Profile(), emergency=True)
    assert a.medicines == [] and a.emergency


def test_emergency_advice_is_the_guidance_alone():
    # "After a heart attack, attend cardiac rehabilitation" is for later, not while calling for help.
    for a in (
        advice("heart_attack"),
        advice_build(disease=Disease.objects.get(slug="migraine"), profile=Profile(), emergency=True),
    ):
        assert a.precautions == [] and a.diet == [] and a.activity == []


@pytest.mark.parametrize(
    ("field", "entry", "slug", "medicine"),
    [
        ("medications", "warfarin 5mg", "osteoarthritis", "ibuprofen"),
        ("medications", "on warfarin", "osteoarthritis", "ibuprofen"),
        ("medications", "warfarin tablets daily", "osteoarthritis", "naproxen"),
        ("medications", "sertraline 50 mg daily", "migraine", "sumatriptan"),
        ("medications", "paracetamol 500mg", "migraine", "paracetamol"),
        ("medications", "2 x 20mg omeprazole and warfarin", "osteoarthritis", "ibuprofen"),
        # A word never matched alone still counts inside a phrase: "pill" in "on the pill".
        ("medications", "on the pill", "tuberculosis", "rifampicin"),
        ("allergies", "allergic to penicillin", "impetigo", "flucloxacillin"),
        ("allergies", "penicillin allergy", "impetigo", "flucloxacillin"),
        ("allergies", "penicillin (rash)", "impetigo", "flucloxacillin"),
        ("allergies", "ibuprofen - hives", "migraine", "ibuprofen"),
        ("allergies", "allergic to sulphur", "arthritis", "sulfasalazine"),
        ("conditions", "stomach ulcer (2019)", "osteoarthritis", "ibuprofen"),
    ],
)
def test_a_dose_or_extra_words_never_hide_a_contraindication(field, entry, slug, medicine):
    a = advice(slug, **{field: [entry]})
    assert medicine not in names(a), entry
    assert medicine in withheld(a)
    assert not a.unrecognised_profile_words


def test_none_in_a_list_box_is_not_reported_as_an_unknown_word():
    a = advice("migraine", allergies=["None", "no known allergies"], medications=["n/a"], conditions=["nil"])
    assert a.unrecognised_profile_words == {}
    assert advice("migraine", allergies=["latex"]).unrecognised_profile_words == {"allergies": ["latex"]}


def test_paracetamol_brands_count_as_paracetamol():
    for brand in ("Lemsip", "Beechams"):
        assert "double dose" in withheld(advice("migraine", medications=[brand]))["paracetamol"]


def test_prescription_items_are_labelled():
    a = advice("tuberculosis")
    assert a.medicines and all(m.rx for m in a.medicines)
    assert all(m.label == "prescription only — talk to a doctor" for m in a.medicines)


def test_dengue_never_offers_nsaids_or_aspirin_whatever_the_profile():
    vocab = current_vocabulary()
    a = advice("dengue")
    assert {vocab.medicines[m.slug].drug_class for m in a.medicines}.isdisjoint({"nsaid", "salicylate"})


def test_resolution_maps_words_to_classes():
    rp = resolve_profile(
        current_vocabulary(),
        Profile(allergies=["NSAIDs"], medications=["coumadin"], conditions=["kidney disease"]),
    )
    assert "nsaid" in rp.allergy_classes
    assert "anticoagulant" in rp.medication_classes
    assert "kidney_disease" in rp.conditions
