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


# --- breastfeeding ------------------------------------------------------------------------------


def test_breastfeeding_withholds_decongestants_and_says_why():
    a = advice("common_cold", breastfeeding=True)
    for name in ("pseudoephedrine", "xylometazoline nasal spray"):
        assert name not in names(a)
        assert "breastfeeding" in withheld(a)[name]
    assert {"paracetamol", "ibuprofen"} <= set(names(a))  # both fine while breastfeeding


def test_breastfeeding_withholds_aspirin_and_doxycycline():
    assert "breastfeeding" in withheld(advice("migraine", breastfeeding=True))["aspirin"]
    assert "breastfeeding" in withheld(advice("acne", breastfeeding=True))["doxycycline"]


def test_a_breastfeeding_caution_is_a_note_not_a_withholding():
    a = advice("migraine", age=30, breastfeeding=True)
    naproxen = next(m for m in a.medicines if m.slug == "naproxen")
    assert any("breastfeeding" in n for n in naproxen.notes)
    paracetamol = next(m for m in a.medicines if m.slug == "paracetamol")
    assert not any("breastfeeding" in n for n in paracetamol.notes)


def test_without_breastfeeding_nothing_is_withheld_for_it():
    a = advice("common_cold", age=30)
    assert "pseudoephedrine" in names(a)


# --- free-text pregnancy and breastfeeding ------------------------------------------------------


@pytest.mark.parametrize("field", ["conditions", "medications", "allergies"])
@pytest.mark.parametrize(
    "entry", ["I'm pregnant", "possibly pregnant", "12 weeks pregnant", "expecting", "trying for a baby"]
)
def test_pregnancy_written_in_any_list_counts_as_pregnancy(field, entry):
    a = advice("migraine", age=30, sex="f", **{field: [entry]})
    assert "ibuprofen" not in names(a) and "naproxen" not in names(a)
    assert "pregnancy" in withheld(a)["ibuprofen"] and entry in withheld(a)["ibuprofen"]
    assert "doxycycline" in withheld(advice("acne", age=30, **{field: [entry]}))
    assert not a.unrecognised_profile_words


@pytest.mark.parametrize(
    "entry", ["nursing my baby", "breastfeeding", "breast feeding", "bf my 3 month old", "chestfeeding"]
)
def test_breastfeeding_written_in_a_list_counts_as_breastfeeding(entry):
    a = advice("common_cold", age=30, conditions=[entry])
    assert "pseudoephedrine" not in names(a)
    assert entry in withheld(a)["pseudoephedrine"]
    assert "doxycycline" in withheld(advice("acne", age=30, medications=[entry]))
    assert not a.unrecognised_profile_words


def test_a_denied_pregnancy_is_understood_and_rules_nothing_out():
    a = advice("migraine", age=30, sex="f", conditions=["not pregnant", "no longer breastfeeding"])
    assert "ibuprofen" in names(a)
    assert not a.unrecognised_profile_words


def test_an_entry_can_say_pregnant_and_name_a_condition():
    rp = resolve_profile(current_vocabulary(), Profile(conditions=["asthma, and 12 weeks pregnant"]))
    assert rp.pregnant and "asthma" in rp.conditions


# --- medicines that imply a condition -----------------------------------------------------------


@pytest.mark.parametrize(
    "inhaler",
    ["salbutamol", "Ventolin", "blue inhaler", "brown inhaler", "beclometasone", "Seretide", "Symbicort",
     "clenil 2 puffs twice a day", "montelukast"],
)  # fmt: skip
def test_asthma_medicines_bring_the_asthma_rules_with_them(inhaler):
    a = advice("migraine", age=30, medications=[inhaler])
    for name in ("ibuprofen", "naproxen", "aspirin", "propranolol"):
        assert name not in names(a), (inhaler, name)
        assert "asthma" in withheld(a)[name]
    assert inhaler in withheld(a)["propranolol"]
    assert not a.unrecognised_profile_words


@pytest.mark.parametrize("medicine", ["metformin", "insulin", "Lantus", "gliclazide 80mg"])
def test_diabetes_medicines_bring_the_diabetes_rules_with_them(medicine):
    a = advice("common_cold", age=30, medications=[medicine])
    assert "pseudoephedrine" not in names(a)
    assert "diabetes" in withheld(a)["pseudoephedrine"]


def test_an_allergy_to_an_inhaler_does_not_mean_asthma():
    rp = resolve_profile(current_vocabulary(), Profile(allergies=["salbutamol"]))
    assert "asthma" not in rp.conditions and "beta2_agonist" in rp.allergy_classes


def test_warfarin_still_implies_anticoagulation():
    assert "interact" in withheld(advice("migraine", medications=["warfarin"]))["ibuprofen"]


# --- loose allergy words ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "slug", "medicine"),
    [
        ("pcn", "impetigo", "flucloxacillin"),
        ("PCN allergy", "impetigo", "flucloxacillin"),
        ("pen", "impetigo", "flucloxacillin"),
        ("allergic to pen (hives)", "impetigo", "flucloxacillin"),
        ("amox", "pneumonia", "amoxicillin"),
        ("augmentin", "pneumonia", "amoxicillin"),
        ("co-amox", "pneumonia", "amoxicillin"),
        ("fluclox", "impetigo", "flucloxacillin"),
        ("penicillin (rash)", "impetigo", "flucloxacillin"),
        ("penicillin-rash", "impetigo", "flucloxacillin"),
        ("penicillin\N{EM DASH}anaphylaxis", "impetigo", "flucloxacillin"),
        ("nurofen", "migraine", "ibuprofen"),
        ("advil", "migraine", "aspirin"),
        ("brufen", "migraine", "naproxen"),
        ("asprin", "migraine", "ibuprofen"),
        ("allergic to NSAIDs", "migraine", "ibuprofen"),
        ("nsaid allergy", "migraine", "aspirin"),
        ("ibuprofen - wheezy", "migraine", "naproxen"),
        ("sulfa", "arthritis", "sulfasalazine"),
        ("sulpha", "arthritis", "sulfasalazine"),
        ("septra", "arthritis", "sulfasalazine"),
        ("doxy", "acne", "doxycycline"),
    ],
)
def test_loose_allergy_words_withhold_the_medicine(entry, slug, medicine):
    a = advice(slug, age=30, allergies=[entry])
    assert medicine in withheld(a), entry
    assert "allergic" in withheld(a)[medicine]
    assert not a.unrecognised_profile_words


def test_pen_means_penicillin_only_in_the_allergies_list():
    a = advice("pneumonia", age=30, medications=["ozempic pen"])
    assert "amoxicillin" in names(a)
    assert a.unrecognised_profile_words == {"medications": ["ozempic pen"]}


# --- gastrointestinal bleeding ------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    ["stomach bleed", "GI bleed", "bleeding ulcer", "had a bleed from my stomach", "upper GI bleed",
     "vomited blood before", "melaena", "melena (2021)", "gastrointestinal bleeding"],
)  # fmt: skip
def test_a_past_gastrointestinal_bleed_rules_out_nsaid_tablets_and_aspirin(entry):
    a = advice("migraine", age=30, conditions=[entry])
    for name in ("ibuprofen", "naproxen", "aspirin"):
        assert name not in names(a), (entry, name)
        assert withheld(a)[name].startswith("it is not suitable for people with")
    assert "paracetamol" in names(a)
    assert not a.unrecognised_profile_words
