"""Integrity of the shipped knowledge base, checked on the fixture files and on the loaded DB."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from django.db.models import Count

from diagnosis.engine.resolver import normalise
from diagnosis.engine.triage import fired_red_flags, most_urgent
from diagnosis.kb_loader import ICD10_RE, read_files
from diagnosis.models import Disease, DiseaseSymptom, Symptom, SymptomSynonym, TriageLevel
from recommendations.models import ConditionMedicine, Medicine

EXPECTED_CONDITIONS = """
fungal_infection allergy gerd chronic_cholestasis drug_reaction peptic_ulcer hiv_aids diabetes
gastroenteritis bronchial_asthma hypertension migraine cervical_spondylosis brain_haemorrhage jaundice
malaria chicken_pox dengue typhoid hepatitis_a hepatitis_b hepatitis_c hepatitis_d hepatitis_e
alcoholic_hepatitis tuberculosis common_cold pneumonia haemorrhoids heart_attack varicose_veins
hypothyroidism hyperthyroidism hypoglycaemia osteoarthritis arthritis bppv acne urinary_tract_infection
psoriasis impetigo
""".split()

# The 41 `prognosis` labels of the classic symptom dataset, spelled exactly as it spells them.
CLASSIC_LABELS = {
    "Fungal infection": "fungal_infection",
    "Allergy": "allergy",
    "GERD": "gerd",
    "Chronic cholestasis": "chronic_cholestasis",
    "Drug Reaction": "drug_reaction",
    "Peptic ulcer diseae": "peptic_ulcer",
    "AIDS": "hiv_aids",
    "Diabetes ": "diabetes",
    "Gastroenteritis": "gastroenteritis",
    "Bronchial Asthma": "bronchial_asthma",
    "Hypertension ": "hypertension",
    "Migraine": "migraine",
    "Cervical spondylosis": "cervical_spondylosis",
    "Paralysis (brain hemorrhage)": "brain_haemorrhage",
    "Jaundice": "jaundice",
    "Malaria": "malaria",
    "Chicken pox": "chicken_pox",
    "Dengue": "dengue",
    "Typhoid": "typhoid",
    "hepatitis A": "hepatitis_a",
    "Hepatitis B": "hepatitis_b",
    "Hepatitis C": "hepatitis_c",
    "Hepatitis D": "hepatitis_d",
    "Hepatitis E": "hepatitis_e",
    "Alcoholic hepatitis": "alcoholic_hepatitis",
    "Tuberculosis": "tuberculosis",
    "Common Cold": "common_cold",
    "Pneumonia": "pneumonia",
    "Dimorphic hemmorhoids(piles)": "haemorrhoids",
    "Heart attack": "heart_attack",
    "Varicose veins": "varicose_veins",
    "Hypothyroidism": "hypothyroidism",
    "Hyperthyroidism": "hyperthyroidism",
    "Hypoglycemia": "hypoglycaemia",
    "Osteoarthristis": "osteoarthritis",
    "Arthritis": "arthritis",
    "(vertigo) Paroymsal  Positional Vertigo": "bppv",
    "Acne": "acne",
    "Urinary tract infection": "urinary_tract_infection",
    "Psoriasis": "psoriasis",
    "Impetigo": "impetigo",
}

DOSE_RE = re.compile(r"\d+\s?(mg|ml|mcg|g)\b", re.IGNORECASE)
TIMES_A_DAY_RE = re.compile(r"times a day", re.IGNORECASE)
NSAID_OR_SALICYLATE = {"nsaid", "salicylate"}
NSAID_SLUGS = {"ibuprofen", "aspirin", "naproxen", "diclofenac_gel", "diclofenac"}


@pytest.fixture(scope="module")
def files():
    return read_files()


def _phrase(text) -> str:
    return " ".join(str(text).lower().split())


# ---------------------------------------------------------------------------- files


def test_files_validate_without_errors(files):
    assert files.errors == [], "knowledge-base errors:\n" + "\n".join(files.errors)


def test_files_hold_every_expected_condition(files):
    slugs = [c.get("slug") for c in files.conditions]
    assert len(slugs) >= 41
    assert len(slugs) == len(set(slugs)), "a condition slug is defined twice"
    missing = sorted(set(EXPECTED_CONDITIONS) - set(slugs))
    assert not missing, f"conditions missing from the files: {missing}"


def test_files_every_referenced_symptom_and_medicine_is_defined(files):
    symptom_slugs = {s["slug"] for s in files.symptoms}
    medicine_slugs = {m["slug"] for m in files.medicines}
    problems = []
    for c in files.conditions:
        for link in c.get("symptoms") or []:
            if link.get("symptom") not in symptom_slugs:
                problems.append(f"{c['slug']}: symptom {link.get('symptom')}")
        for link in c.get("medicines") or []:
            if link.get("medicine") not in medicine_slugs:
                problems.append(f"{c['slug']}: medicine {link.get('medicine')}")
    for rule in files.red_flags:
        for s in (rule.get("all_of") or []) + (rule.get("any_of") or []):
            if s not in symptom_slugs:
                problems.append(f"red flag {rule['slug']}: symptom {s}")
    assert not problems, "undefined references:\n" + "\n".join(problems)


def test_files_no_synonym_points_at_two_symptoms(files):
    owners: dict[str, set[str]] = defaultdict(set)
    for s in files.symptoms:
        for phrase in s.get("synonyms") or []:
            owners[_phrase(phrase)].add(s["slug"])
    shared = {p: sorted(o) for p, o in owners.items() if len(o) > 1}
    assert not shared, f"synonyms shared by several symptoms: {shared}"


def test_files_no_synonym_equals_another_symptoms_name(files):
    names = {_phrase(s["name"]): s["slug"] for s in files.symptoms}
    clashes = [
        f"{s['slug']}: {phrase!r} is the name of {names[_phrase(phrase)]}"
        for s in files.symptoms
        for phrase in s.get("synonyms") or []
        if _phrase(phrase) in names and names[_phrase(phrase)] != s["slug"]
    ]
    assert not clashes, "\n".join(clashes)


def test_files_synonyms_are_lower_case(files):
    upper = [f"{s['slug']}: {p!r}" for s in files.symptoms for p in s.get("synonyms") or [] if p != p.lower()]
    assert not upper, "synonyms must be lower case: " + ", ".join(upper)


def test_files_every_medicine_has_a_drug_class_and_boolean_rx(files):
    classes = set((files.vocabulary.get("drug_classes") or {}).keys())
    bad = [
        m.get("slug")
        for m in files.medicines
        if not isinstance(m.get("rx"), bool) or m.get("drug_class") not in classes
    ]
    assert not bad, f"medicines without a known drug class or a true/false rx: {bad}"


def test_files_emergency_conditions_list_no_medicines(files):
    emergency = [c for c in files.conditions if c.get("default_triage") == "emergency"]
    assert {"heart_attack", "brain_haemorrhage"} <= {c["slug"] for c in emergency}
    for c in emergency:
        assert not c.get("medicines"), f"{c['slug']} is an emergency but lists medicines"
        assert str(c.get("emergency_guidance") or "").strip(), f"{c['slug']} has no emergency_guidance"


# ---------------------------------------------------------------------------- loaded DB


@pytest.mark.django_db
def test_db_holds_every_expected_condition():
    slugs = set(Disease.objects.values_list("slug", flat=True))
    assert len(slugs) >= 41
    missing = sorted(set(EXPECTED_CONDITIONS) - slugs)
    assert not missing, f"conditions missing from the DB: {missing}"


@pytest.mark.django_db
def test_db_every_condition_is_complete():
    problems = []
    diseases = Disease.objects.annotate(
        n_symptoms=Count("symptom_links", distinct=True),
        n_precautions=Count("precaution_items", distinct=True),
        n_diet=Count("dietadvice_items", distinct=True),
        n_activity=Count("activityadvice_items", distinct=True),
    )
    for d in diseases:
        where = d.slug
        if not ICD10_RE.match(d.icd10 or ""):
            problems.append(f"{where}: ICD-10 {d.icd10!r} malformed")
        if not d.description.strip():
            problems.append(f"{where}: empty description")
        if not d.source.strip():
            problems.append(f"{where}: empty source")
        if not 5 <= d.n_symptoms <= 15:
            problems.append(f"{where}: {d.n_symptoms} symptoms (needs 5-15)")
        if d.n_precautions < 4:
            problems.append(f"{where}: {d.n_precautions} precautions (needs >= 4)")
        if d.n_diet < 4:
            problems.append(f"{where}: {d.n_diet} diet items (needs >= 4)")
        if d.n_activity < 3:
            problems.append(f"{where}: {d.n_activity} activity items (needs >= 3)")
        warning_signs = [w for w in d.warning_signs or [] if str(w).strip()]
        if len(warning_signs) < 2:
            problems.append(f"{where}: {len(warning_signs)} warning signs (needs >= 2)")
        if not d.age_min <= d.age_mode <= d.age_max:
            problems.append(f"{where}: ages {d.age_min} <= {d.age_mode} <= {d.age_max} violated")
        if not 0 <= d.female_share <= 1:
            problems.append(f"{where}: female_share {d.female_share}")
    bad_freq = [
        f"{ds.disease.slug}/{ds.symptom.slug}: {ds.frequency}"
        for ds in DiseaseSymptom.objects.select_related("disease", "symptom")
        if not 0 < ds.frequency <= 1
    ]
    problems += [f"frequency out of (0, 1]: {b}" for b in bad_freq]
    assert Disease.objects.count() >= 41
    assert not problems, "incomplete conditions:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_db_symptom_catalogue_size_and_synonym_coverage():
    total = Symptom.objects.count()
    assert total >= 130, f"only {total} symptoms"
    with_two = Symptom.objects.annotate(n=Count("synonyms")).filter(n__gte=2).count()
    assert with_two / total >= 0.6, f"only {with_two}/{total} symptoms have >= 2 synonyms"


@pytest.mark.django_db
def test_db_synonyms_are_unique_and_never_another_symptoms_name():
    phrases = list(SymptomSynonym.objects.values_list("phrase", "symptom__slug"))
    assert phrases, "no synonyms loaded"
    by_lower: dict[str, set[str]] = defaultdict(set)
    for phrase, slug in phrases:
        by_lower[_phrase(phrase)].add(slug)
    shared = {p: sorted(s) for p, s in by_lower.items() if len(s) > 1}
    assert not shared, f"synonyms pointing at two symptoms: {shared}"
    assert len(by_lower) == len(phrases), "a synonym phrase is stored twice (case or spacing variants)"
    names = {_phrase(n): s for s, n in Symptom.objects.values_list("slug", "name")}
    clashes = [
        f"{p!r} ({s}) = name of {names[_phrase(p)]}" for p, s in phrases if names.get(_phrase(p), s) != s
    ]
    assert not clashes, "synonyms equal to another symptom's name: " + ", ".join(clashes)


@pytest.mark.django_db
def test_db_every_medicine_has_a_drug_class_and_boolean_rx():
    medicines = list(Medicine.objects.select_related("drug_class"))
    assert medicines
    bad = [
        m.slug
        for m in medicines
        if m.drug_class is None or not m.drug_class.slug or not isinstance(m.rx, bool)
    ]
    assert not bad, f"medicines without a drug class or boolean rx: {bad}"


@pytest.mark.django_db
def test_db_emergency_conditions_have_no_medicines_and_have_guidance():
    emergency = list(Disease.objects.filter(default_triage=TriageLevel.EMERGENCY))
    assert {"heart_attack", "brain_haemorrhage"} <= {d.slug for d in emergency}
    for d in emergency:
        meds = list(ConditionMedicine.objects.filter(disease=d).values_list("medicine__slug", flat=True))
        assert meds == [], f"emergency condition {d.slug} lists medicines {meds}"
        assert d.emergency_guidance.strip(), f"emergency condition {d.slug} has no emergency_guidance"


@pytest.mark.django_db
def test_db_no_two_conditions_share_an_identical_medicine_list():
    lists: dict[str, list[str]] = defaultdict(list)
    for slug, medicine in ConditionMedicine.objects.order_by("disease__slug", "rank").values_list(
        "disease__slug", "medicine__slug"
    ):
        lists[slug].append(medicine)
    by_list: dict[tuple, list[str]] = defaultdict(list)
    for slug, meds in lists.items():
        if meds:
            by_list[tuple(sorted(meds))].append(slug)
    identical = {meds: slugs for meds, slugs in by_list.items() if len(slugs) > 1}
    assert not identical, f"conditions with identical medicine lists (shifted rows?): {identical}"
    assert len(lists) >= 30, "suspiciously few conditions have medicines"
    assert not ConditionMedicine.objects.filter(disease__slug="heart_attack").exists()


@pytest.mark.django_db
def test_classic_dataset_labels_resolve(snapshot):
    unresolved = {
        label: (snapshot.disease_aliases.get(normalise(label)), slug)
        for label, slug in CLASSIC_LABELS.items()
        if snapshot.disease_aliases.get(normalise(label)) != slug
    }
    assert not unresolved, f"classic labels not resolving (got, wanted): {unresolved}"


# ---------------------------------------------------------------------------- red flags

RED_FLAG_CASES = [
    # (description, symptoms, pregnant, expected most urgent level)
    ("chest pain + sweating", ["chest_pain", "sweating"], False, "emergency"),
    ("chest pain + arm/jaw pain", ["chest_pain", "arm_or_jaw_pain"], False, "emergency"),
    ("chest pain + breathlessness", ["chest_pain", "breathlessness"], False, "emergency"),
    ("facial droop alone", ["facial_droop"], False, "emergency"),
    ("slurred speech alone", ["slurred_speech"], False, "emergency"),
    ("one-sided weakness alone", ["weakness_of_one_body_side"], False, "emergency"),
    ("severe breathlessness alone", ["severe_breathlessness"], False, "emergency"),
    ("blue lips alone", ["blue_lips"], False, "emergency"),
    ("altered sensorium alone", ["altered_sensorium"], False, "emergency"),
    ("coma", ["coma"], False, "emergency"),
    ("stomach bleeding", ["stomach_bleeding"], False, "emergency"),
    ("black tarry stools", ["black_tarry_stools"], False, "emergency"),
    ("high fever + stiff neck", ["high_fever", "stiff_neck"], False, "emergency"),
    ("non-blanching rash alone", ["non_blanching_rash"], False, "emergency"),
    ("yellow skin + confusion", ["yellowish_skin", "altered_sensorium"], False, "emergency"),
    ("yellow eyes + confusion", ["yellowing_of_eyes", "altered_sensorium"], False, "emergency"),
    ("bleeding gums + high fever", ["bleeding_gums", "high_fever"], False, "emergency"),
    ("severe dehydration (sunken eyes)", ["dehydration", "sunken_eyes"], False, "urgent"),
    ("severe dehydration (little urine)", ["dehydration", "reduced_urine_output"], False, "urgent"),
    ("dehydration with confusion", ["dehydration", "altered_sensorium"], False, "emergency"),
    ("severe headache in pregnancy", ["severe_headache"], True, "emergency"),
    ("self-harm thoughts", ["self_harm_thoughts"], False, "emergency"),
]


def _level(snapshot, symptoms, pregnant=False):
    fired = fired_red_flags(snapshot.rules, symptoms, age=40, sex="f", pregnant=pregnant)
    return (most_urgent(f.level for f in fired) if fired else None), fired


@pytest.mark.django_db
def test_red_flag_symptoms_exist(snapshot):
    used = {s for _, symptoms, _, _ in RED_FLAG_CASES for s in symptoms}
    missing = sorted(used - set(snapshot.symptoms))
    assert not missing, f"red-flag symptoms missing from the catalogue: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("symptoms", "pregnant", "expected"),
    [pytest.param(s, p, e, id=d) for d, s, p, e in RED_FLAG_CASES],
)
def test_red_flag_fires(snapshot, symptoms, pregnant, expected):
    level, fired = _level(snapshot, symptoms, pregnant)
    assert level == expected, f"{symptoms}: fired {[f.slug for f in fired]} -> {level}, expected {expected}"
    assert all(f.instruction.strip() for f in fired)


@pytest.mark.django_db
def test_red_flags_do_not_fire_on_harmless_symptoms(snapshot):
    assert _level(snapshot, [])[0] is None
    assert _level(snapshot, ["itching", "skin_rash"])[0] is None
    # Chest pain on its own is urgent, not an emergency: the emergency rules need the extra sign.
    assert _level(snapshot, ["chest_pain"])[0] == "urgent"


@pytest.mark.django_db
def test_jaundice_with_confusion_has_its_own_rule(snapshot):
    confusion_only = {f.slug for f in _level(snapshot, ["altered_sensorium"])[1]}
    for jaundice in ("yellowish_skin", "yellowing_of_eyes"):
        with_jaundice = _level(snapshot, [jaundice, "altered_sensorium"])[1]
        extra = [f for f in with_jaundice if f.slug not in confusion_only and f.level == "emergency"]
        assert extra, f"no emergency rule specific to {jaundice} + altered_sensorium"


@pytest.mark.django_db
def test_bleeding_gums_with_fever_has_its_own_rule(snapshot):
    fever_only = {f.slug for f in _level(snapshot, ["high_fever"])[1]}
    both = _level(snapshot, ["bleeding_gums", "high_fever"])[1]
    assert [f for f in both if f.slug not in fever_only and f.level == "emergency"]


@pytest.mark.django_db
def test_pregnancy_headache_rule_needs_pregnancy(snapshot):
    pregnancy_only = {r.slug for r in snapshot.rules if r.pregnant}
    assert pregnancy_only, "no pregnancy-specific red-flag rule"
    pregnant = {f.slug for f in _level(snapshot, ["severe_headache"], pregnant=True)[1]}
    pregnancy_rules_fired = pregnant & pregnancy_only
    assert pregnancy_rules_fired, "no pregnancy rule fires for a severe headache in pregnancy"
    level, fired = _level(snapshot, ["severe_headache"], pregnant=False)
    assert not ({f.slug for f in fired} & pregnancy_only), "a pregnancy-only rule fired when not pregnant"
    # ...but a sudden, very severe headache is still an emergency for anyone.
    assert level == "emergency"
    assert _level(snapshot, ["severe_headache"], pregnant=True)[0] == "emergency"


# ---------------------------------------------------------------------------- medicine safety


@pytest.mark.django_db
def test_aspirin_is_not_for_children():
    assert Medicine.objects.get(slug="aspirin").min_age_years >= 16


@pytest.mark.django_db
def test_ibuprofen_contraindications_and_interactions():
    ibuprofen = Medicine.objects.get(slug="ibuprofen")
    assert ibuprofen.contraindicated_conditions.filter(slug="peptic_ulcer").exists()
    assert ibuprofen.interacting_classes.filter(slug="anticoagulant").exists()


@pytest.mark.django_db
def test_dengue_has_no_nsaid_or_salicylate():
    links = list(
        ConditionMedicine.objects.filter(disease__slug="dengue").select_related("medicine__drug_class")
    )
    assert links, "dengue should list at least one self-care medicine (paracetamol)"
    otc = [link.medicine for link in links if not link.medicine.rx]
    assert all(m.drug_class.slug not in NSAID_OR_SALICYLATE for m in otc), [m.slug for m in otc]
    bad = [
        link.medicine.slug
        for link in links
        if link.medicine.drug_class.slug in NSAID_OR_SALICYLATE or link.medicine.slug in NSAID_SLUGS
    ]
    assert not bad, f"dengue lists NSAIDs/salicylates: {bad}"


@pytest.mark.django_db
def test_chicken_pox_has_no_nsaid():
    links = ConditionMedicine.objects.filter(disease__slug="chicken_pox").select_related(
        "medicine__drug_class"
    )
    assert links.exists()
    bad = [
        link.medicine.slug
        for link in links
        if link.medicine.drug_class.slug in NSAID_OR_SALICYLATE or link.medicine.slug in NSAID_SLUGS
    ]
    assert not bad, f"chicken pox lists NSAIDs/salicylates: {bad}"


@pytest.mark.django_db
def test_no_doses_in_medicine_notes_or_reasons():
    texts = [(f"medicine {slug} note", note) for slug, note in Medicine.objects.values_list("slug", "note")]
    texts += [
        (f"{d} -> {m} reason", reason)
        for d, m, reason in ConditionMedicine.objects.values_list("disease__slug", "medicine__slug", "reason")
    ]
    assert len(texts) > 100
    doses = [
        f"{where}: {text!r}" for where, text in texts if DOSE_RE.search(text) or TIMES_A_DAY_RE.search(text)
    ]
    assert not doses, "doses found:\n" + "\n".join(doses)


def test_dose_pattern_catches_doses():
    """Guard the guard: the patterns above do match typical dose wording."""
    assert DOSE_RE.search("take 500mg")
    assert DOSE_RE.search("5 ml spoonful")
    assert DOSE_RE.search("1 g at night")
    assert TIMES_A_DAY_RE.search("use it three times a day")
    assert not DOSE_RE.search("Take with food.")


def test_symptom_names_have_no_commas_because_commas_separate_symptoms_in_input():
    from diagnosis.kb_loader import read_files

    assert [s["name"] for s in read_files().symptoms if "," in s["name"]] == []
