"""The complaint-first triage layer over the shipped knowledge base, through the whole check."""

from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnosis.engine.check import run_check
from diagnosis.engine.complaints import LEVEL_ORDER, Subject, catalogue_from_files
from diagnosis.engine.predictor import kb_model
from diagnosis.triage_corpus import CORPUS, case_subject, split_cases
from tests.diagnosis.engine_helpers import whole_check as check

# Examples from issue 14 (each was gp, self_care or refused before the complaint layer) and one
# everyday phrasing of every emergency presentation the layer must cover.
EMERGENCIES = [
    ("feels like a heavy weight pressing on my chest and I'm clammy", {"age_years": 58}),
    ("her speech went slurry all of a sudden and her mouth is lopsided", {"age_years": 70, "sex": "f"}),
    ("temperature and I can't touch my chin to my chest, light hurts my eyes", {"age_years": 19}),
    ("reliever inhaler isn't doing anything and I can only say a few words", {"age_years": 30}),
    ("swallowed a whole bottle of my mum's sleeping tablets", {"age_years": 17}),
    ("sudden agony in my left testicle and I'm being sick", {"age_years": 15, "sex": "m"}),
    ("my toddler is burning up, temp 39.8, and floppy", {}),
    ("I can't breathe", {}),
    ("numb around my bum and privates and I can't pee, bad back pain", {"age_years": 45}),
    ("took 30 paracetamol an hour ago but I feel fine", {"age_years": 22}),
    ("positive pregnancy test and sharp pain low down on one side, shoulder tip pain", {"sex": "f"}),
    ("poured boiling water over my arm, the skin has gone white and I can't feel it", {}),
    ("he's choking on a sweet and can't cough or speak", {}),
    ("my dad fell off a ladder, hit his head, keeps being sick and is drowsy", {"age_years": 66}),
    ("she collapsed and isn't breathing", {}),
    ("my 5 week old has a temperature of 38.1", {}),
    ("baby hasn't had a wet nappy all day and the soft spot on his head is sunken", {"age_months": 7}),
    ("started new tablets last week, now my skin is peeling and I have sores in my mouth and eyes", {}),
    ("I've been throwing up blood", {}),
    ("my poo is black and sticky like tar", {}),
    ("lots of blood coming from my bum and I feel faint", {}),
    ("coughing up blood and really short of breath", {}),
    ("cut my hand, it won't stop bleeding after 15 minutes of pressing", {}),
    ("stomach is rock hard and I'm in agony", {}),
    ("my face dropped on one side and I can't lift my arm", {}),
    ("ate a peanut, lips and tongue swelling, throat feels tight", {}),
    ("spots that don't fade when I press a glass on them and he's got a fever", {}),
    ("my son's chest is sucking in under his ribs when he breathes", {"age_months": 20}),
    ("bad indigestion, sweating and feeling sick, I'm diabetic", {"age_years": 62, "sex": "f"}),
    ("calf is swollen and painful and now I'm breathless, flew back from Australia", {}),
    ("type 1 diabetic, vomiting, breath smells like pear drops, breathing fast", {}),
    ("worst headache of my life, came on in seconds like being hit with a bat", {}),
    ("having a fit for more than 5 minutes", {}),
    ("suddenly can't see out of my right eye", {}),
    ("hot dry skin, confused, temp 40.5 after working in the sun", {}),
    ("32 weeks pregnant, bad headache, seeing flashing lights and my face is swollen", {"sex": "f"}),
    ("34 weeks pregnant and the baby hasn't moved today", {"sex": "f"}),
    ("I have a plan to end my life tonight", {}),
]


@pytest.mark.parametrize("text, subject", EMERGENCIES)
def test_emergencies_in_everyday_words_are_emergencies(snapshot, text, subject):
    result = check(snapshot, text, **subject)
    assert result.triage == "emergency", (result.triage, result.complaints, result.red_flags, result.findings)


def test_negations_and_family_history_do_not_raise_urgency(snapshot):
    assert check(snapshot, "any chest pain? no. just a sore throat").triage != "emergency"
    result = check(snapshot, "I have neither a rash nor a headache, just a cough")
    assert "skin_rash" not in result.present and "headache" not in result.present
    assert (
        check(snapshot, "my dad had a heart attack at 50, I feel fine, just want a cholesterol test").triage
        != "emergency"
    )


def test_hay_fever_is_not_a_fever_and_earache_is_not_migraine(snapshot):
    result = check(snapshot, "I get hay fever every spring")
    assert all("fever" not in c.name.lower() for c in result.conditions)
    earache = check(snapshot, "earache")
    assert all(c.name != "Migraine" for c in earache.conditions)
    assert any("ear" in c["name"].lower() for c in earache.complaints)


def test_a_check_about_a_child_uses_the_childs_age(snapshot):
    # The account holder is an adult; the words say who the check is about.
    result = check(snapshot, "my 6 week old has a temp of 38.3", age_years=34, sex="f")
    assert result.triage == "emergency" and result.subject["age_months"] < 3


def test_nothing_recognised_is_never_self_care_and_names_no_condition(snapshot):
    result = check(snapshot, "blorp zzkt")
    assert result.triage == "gp" and not result.conditions and not result.in_scope


def test_a_condition_is_shown_only_with_a_supporting_finding(snapshot):
    result = check(snapshot, "headache")
    assert result.conditions and all(c.supporting for c in result.conditions)


# --- adding a finding never lowers the urgency ---------------------------------------------------
_CATALOGUE = catalogue_from_files()
_PHRASES = sorted(
    {
        t
        for c in _CATALOGUE.complaints
        for t in (*c.terms, *(term for d in c.discriminators for g in d.groups for term in g))
        if "*" not in t and "..." not in t and "(" not in t
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.lists(st.sampled_from(_PHRASES), min_size=0, max_size=4),
    extra=st.sampled_from(_PHRASES),
    months=st.one_of(st.none(), st.integers(0, 1200)),
    pregnant=st.sampled_from([None, True]),
)
def test_adding_a_finding_never_lowers_the_triage_layers_urgency(base, extra, months, pregnant):
    subject = Subject(age_months=months, pregnant=pregnant)
    before = _CATALOGUE.assess(". ".join(base), subject).level or "self_care"
    after = _CATALOGUE.assess(". ".join([*base, extra]), subject).level or "self_care"
    assert LEVEL_ORDER[after] <= LEVEL_ORDER[before], (base, extra, before, after)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(findings=st.lists(st.sampled_from(_PHRASES), min_size=1, max_size=4))
def test_the_condition_model_never_lowers_the_triage_layers_urgency(snapshot, findings):
    text = ". ".join(findings)
    layer = _CATALOGUE.assess(text).level or "self_care"
    assert LEVEL_ORDER[check(snapshot, text).triage] <= LEVEL_ORDER[layer]


# --- the corpus: a fast slice of benchmarks/triage.py -----------------------------------------------
def _triage(snapshot, case) -> str:
    check = run_check(
        snapshot, kb_model(snapshot), text=case["text"], subject=case_subject(case), ask_questions=False
    )
    return check.triage


# Every split in the corpus folder: a new one fails here until it has ceilings below.
@pytest.mark.parametrize("split", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
def test_corpus_emergencies_are_caught_and_controls_are_not_escalated(snapshot, split):
    cases = [
        c
        for c in split_cases(CORPUS / split)
        if c["expected"] in ("emergency", "urgent") or c["kind"] == "control"
    ]
    triage = {c["id"]: _triage(snapshot, c) for c in cases}  # each case checked once
    missed = [c["id"] for c in cases if c["expected"] == "emergency" and triage[c["id"]] != "emergency"]
    alarmed = [c["id"] for c in cases if c["kind"] == "control" and triage[c["id"]] == "emergency"]
    self_care = [
        c["id"] for c in cases if c["expected"] in ("emergency", "urgent") and triage[c["id"]] == "self_care"
    ]
    ceiling = CEILINGS[split]
    assert len(missed) <= ceiling.missed, missed
    assert len(alarmed) <= ceiling.alarmed, alarmed
    assert len(self_care) <= ceiling.self_care, self_care


# Ceilings from the measured run (benchmarks/results/triage.md, knowledge-base model): a regression
# fails the suite. The held-out ones are what the held-out set measured, not a target: the target
# is 0 everywhere (issue 14), and held-out cases are never used to tune.
# dev2 was written 2026-12-06 and tuned on after its first (untuned) measurement: 7 missed, 2 alarmed,
# 2 self-care then; the ceilings below are the tuned run's.
# dev3 (other writing styles) was written 2026-12-06 and measured untuned once
# (benchmarks/results/triage_dev3_untuned.md): 14 missed, 4 alarmed, 5 self-care; the ceilings below
# are the tuned run's. Its 2 alarmed controls come through the resolver's symptoms, not the complaint
# layer. Held-out and fresh ceilings lowered to the same run's measurements (9, 6; 27).
# dev4 (further styles) was written 2026-12-06 and measured untuned once
# (benchmarks/results/triage_dev4_untuned.md): 17 missed, 3 alarmed, 5 self-care; the ceilings below
# are the tuned run's. Its 3 alarmed controls: two ("my friend's baby had a fever", "thought I saw blood
# in my sick but it was beetroot") come through the resolver's symptoms and context; the third ("is it
# normal to worry about a heart attack when you've just got heartburn?") names a heart attack, which
# stays an emergency in any words (narrowing it missed "dad heart attack").
# Fresh missed lowered 27 -> 26 by the same run.
# dev5 (new voices) was written 2026-12-06 and measured untuned once
# (benchmarks/results/triage_dev5_untuned.md): 18 missed, 2 alarmed, 8 self-care; the ceilings below
# are the tuned run's. Its one miss, "coughing blood" with no amount, is urgent in the knowledge base
# as NHS advises; the case was labelled emergency (the cautious reading) before any run. Its 2 alarmed
# controls ("what are signs of overdose...", "if I get chest pain on the plane...") are questions that
# the context rules and the symptom resolver read as present. Fresh missed lowered 26 -> 24 by the same run.
# The context work that followed (someone else's story, withdrawn findings, similes, worries, questions
# about signs, conditional questions, "X is fine") lowered the alarmed ceilings to what the run after
# it measured: dev4 3 -> 0, dev5 2 -> 0, held-out 4 -> 3.
# dev6 (new angles: what others see, order of events, amounts, euphemisms, minimisers) was written
# 2026-12-06 and measured untuned once (benchmarks/results/triage_dev6_untuned.md): 31 missed,
# 2 alarmed, 8 self-care; the ceilings below are the tuned run's. Its one alarmed control ("would it be
# a stroke if my face dropped? mine hasnt, ...") is passed by the complaint layer now and raised by the
# symptom resolver, which reads the face drop as present. The same run lowered held-out to 7 missed and
# 5 self-care, and fresh to 22 missed and 6 self-care.
# dev7 (voices nobody wrote yet: carers, care homes, non-native and US English, slang, questions, the red
# flag last) was written 2026-12-06 and measured untuned once (benchmarks/results/triage_dev7_untuned.md):
# 23 missed, 8 alarmed, 6 self-care; the ceilings below are the tuned run's (0, 3 and 1). Its 3 alarmed
# controls: a first-aid course "today on choking and CPR" (the "today" starts a new clause, so the course
# no longer covers it), "my fear is that it's a heart attack" (any heart attack named stays an emergency,
# see dev4) and "is it normal for babies to have a fever after vaccines? mine is 5 months and hasn't had
# one" (the reply does not withdraw the fever). Held-out and fresh are unchanged by the dev7 tuning.
# recog1 (recognition of what people bring: one-word, body-part-free, can't-do, slang, brand-name
# wordings and no-symptom controls) was written 2026-12-06 and measured untuned once
# (benchmarks/results/triage_recog1_untuned.md): 2 missed, 0 alarmed, 2 self-care; the ceilings below
# are the tuned run's (a child pulled out of a pond and kettle water down a toddler's chest are now
# recognised, and their discriminators make them emergencies).
# recog2 (recognition in wordings recog1 does not use: slang and children's body-part words, problem
# words beyond pain, can't-do complaints) was written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_recog2_untuned.md): 3 missed, 0 alarmed, 2 self-care; the ceilings below
# are the tuned run's (the shared body-part grammar and the injury signs said another way).
# dev8 (angles nobody wrote yet: numbers from home devices, comparisons with the person's own past,
# metaphors, an onlooker's pieces, forwarded texts and voice notes, settings, ages at the edges) was written
# 2026-12-07 and measured untuned once (benchmarks/results/triage_dev8_untuned.md): 45 missed, 3 alarmed,
# 9 self-care; the ceilings below are the tuned run's (2, 2 and 1). Its 2 misses: "coughing blood, lots,
# cant stop" (the amount stands in its own clause) and "sat on the loo and it was like a tap running,
# bright red" (the bleeding is never named). Its 2 alarmed controls: dark poo on iron tablets (kept an
# emergency on purpose: it is hard to tell from bleeding at home) and a choke that was coughed up at once.
# The same run lowered fresh to 18 missed.
# ctl1 (harmless mentions of emergencies: lessons, jobs, fiction, reading, fears of recurrence,
# what-if questions, services, pets, other people long ago, events over and done, breathing exercises,
# normal exertion and readings, a stiff shoulder; with a present-tense emergency twin for each) was
# written 2026-12-07 and measured untuned once (benchmarks/results/triage_ctl1_untuned.md): 4 missed,
# 45 alarmed, 0 self-care; the ceilings below are the tuned run's (0, 2 and 0). The mention rules
# (diagnosis/engine/mentions.py) also lowered the alarmed ceilings of dev3 1 -> 0, dev6 1 -> 0 and
# dev7 3 -> 1; held-out and fresh are unchanged.
# The wording net under the rules (diagnosis/engine/alarm_text.py, trained on the development sets
# only, threshold chosen out of set: 0.85 once dev8, recog2 and ctl1 joined its training data) lowered
# held-out to 2 missed and 3 self-care, fresh to 12 and 4, dev5 to 0 missed and dev8 to 1 (and 1
# alarmed), with no control raised by it on any split.
# The thirteenth round mended dev8's two misses in the rules (blood coughed up that won't stop; a
# toilet "like a tap ... bright red"): dev8 missed 1 -> 0; held-out and fresh unchanged.
# The fourteenth round mended the tuned splits' last emergency or urgent cases answered self-care
# (spreading red skin listed with commas, constipation with a swollen tummy, a fever dated weekday to
# weekday, a cut with "not going to do more"): dev, dev4, dev7 and dev8 self-care 1 -> 0; and a
# collapsed lung is no longer a person collapsing: ctl1 alarmed 2 -> 1.
# ug1 (same-day and GP presentations told casually, to test under-triage) was written 2026-12-07 and
# measured untuned once (benchmarks/results/triage_ug1_untuned.md): 1 missed, 4 alarmed, 9 self-care;
# the ceilings below are the tuned run's (0, 0 and 0). Held-out and fresh unchanged.
# dev9 (emergency-heavy, in angles nobody wrote yet) was written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev9_untuned.md): 9 missed, 8 alarmed, 6 self-care; tuned to 0, 4 and 0.
# The 4 alarmed are kept on purpose (README): black poo on iron tablets, chest pain still sore after
# A&E, "overdose??" after 4 paracetamol in a day, and the wording net on "haven't felt the baby move
# yet" at 16 weeks.
# dev10 (emergencies in unusual wordings, in the 12 categories where held-out or fresh still miss
# one) was written 2026-12-07 and measured untuned once (benchmarks/results/triage_dev10_untuned.md):
# 15 missed, 11 alarmed, 4 self-care; tuned to 0, 5 and 0 (the 5 alarmed: black poo on iron or on
# bismuth, kept on purpose; the cauda equina signs listed by a physio; numbness after hours on a bike
# saddle; clear fluid from the ear heard on a TV show). Fresh 148 -> 149 of 160 caught.
# dev11 (controls with emergency twins, minimised same-day cases) was written 2026-12-07 and measured
# untuned once (benchmarks/results/triage_dev11_untuned.md): 1 missed, 10 alarmed, 4 self-care; tuned
# to 0, 5 and 0 (kept: black poo on iron or after liquorice, "I can't breathe lol" about a deadline,
# a cousin's overdose last month, a CO alarm chirping with "nobody feels ill"). Held-out self-care
# answers 3 -> 2 and under-triaged 5 -> 4 of 39.
# dev12 (minimised emergencies, eye and same-day cases, past-history controls) was written 2026-12-07
# and measured untuned once (benchmarks/results/triage_dev12_untuned.md): 22 missed, 12 alarmed,
# 12 self-care; tuned to 2, 5 and 0. The 2 missed are flat plans with no method named ("decided on
# the date. Sunday", "picked the spot n time. tomorrow"): no rule reads a date alone as a plan
# without also reading "picked a date for the wedding". Held-out 109 -> 110 of 111 caught, fresh
# controls raised to emergency 2 -> 1 of 40.
# dev13 (people who do not use the medical words) was written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev13_untuned.md): 14 missed, 5 alarmed, 4 self-care; tuned to 0, 4 and
# 0 (kept: black poo on iron or liquorice, a choke on coffee coughed up, a leaflet question). Fresh
# 149 -> 150 of 160 caught.
# dev14 (shaped like real app input) was written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev14_untuned.md): 17 missed, 3 alarmed, 5 self-care; tuned to 2, 2 and
# 1. Left: the sign said only in another language (vision lost, in Arabic, answered self-care as a
# headache; vomiting blood, in Polish), a child who choked on water and "coughed hard", and "a
# heart-attack-of-a-day at work".
# dev15 (15 emergencies in each category where held-out or fresh still miss one) was written
# 2026-12-07 and measured untuned once (benchmarks/results/triage_dev15_untuned.md): 17 missed,
# 11 alarmed, 3 self-care; tuned to 0, 7 (6 after dev17's history rule) and 0 (kept: black-green poo on iron, sick after red wine
# or a red ice lolly, a fear of cauda equina named with the signs denied, "was worried it was an
# ectopic", a fever at 4 weeks old long cleared, peritonitis "last month" now healed). Fresh 150 -> 151
# of 160 caught.
# dev16 (same-day cases, pseudo-negation, past and family history controls, choking) was written
# 2026-12-07 and measured untuned once (benchmarks/results/triage_dev16_untuned.md): 0 missed,
# 1 alarmed, 1 self-care, 11/60 same-day cases under-triaged; tuned to 0, 0, 0 and 0/60. Held-out
# under-triaged 4 -> 2 of 39; fresh controls raised to emergency 1 -> 0 of 40.
# dev17 (emergencies and same-day eye cases told beside an everyday complaint) was written
# 2026-12-07 and measured untuned once (benchmarks/results/triage_dev17_untuned.md): 22 missed,
# 5 alarmed, 12 self-care, 12/40 same-day cases under-triaged; tuned to 0, 3, 0 and 0/40 (kept:
# black-green poo on iron). "Had surgery for X" / "was treated for X" then counts as over unless the
# clause goes on in the present: dev15 and dev17 controls raised 7 -> 6 and 3 -> 2. The symptom
# resolver then read the same figures of speech as the complaint layer (a toddler who "can't
# breathe for a second" laughing): dev17 2 -> 1.
# dev18 (the decisive fact told indirectly: a number, a consequence, a request to wait, second-hand)
# was written 2026-12-07 and measured untuned once (benchmarks/results/triage_dev18_untuned.md):
# 19 missed, 2 alarmed, 10 self-care, 14/36 same-day and GP cases under-triaged; tuned to 0, 0, 0
# and 0/36 (twins in test_complaint_families_dev18.py). dev12 and dev15 controls raised 5 -> 4 and
# 6 -> 5 (a fever "at 6 weeks old" told as the past). Held-out self-care answers 2 -> 1 of 240 and
# same-day under-triage 2 -> 1 of 39; fresh emergencies 151 -> 152 of 160, self-care 3 -> 2.
# dev19 (second-language writers, carers with clinical shorthand, older people) was written
# 2026-12-07 and measured untuned once (benchmarks/results/triage_dev19_untuned.md): 14 missed,
# 4 alarmed, 8 self-care, 9/40 same-day and GP cases under-triaged; tuned to 0, 0, 0 and 1/40
# (twins in test_complaint_families_dev19.py). Held-out and fresh unchanged by dev19.
# dev20 (typed or dictated on a phone in a hurry) was written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev20_untuned.md): 8 missed, 3 alarmed, 3 self-care, 3/30 same-day
# cases under-triaged; tuned to 0, 1, 0 and 0/30 (twins in test_complaint_families_dev20.py; kept: a
# dictated run-on with no punctuation in which the symptom resolver reads a past "high temperature"
# as now, and an everyday febrile-fit story told the same way). Held-out and fresh unchanged by dev20.
# dev21 (the boundary between the past and now, and between denial and presence) was written
# 2026-12-07 and measured untuned once (benchmarks/results/triage_dev21_untuned.md): 3 missed,
# 8 alarmed, 2 self-care, 2/30 same-day cases under-triaged; tuned to 0, 2, 0 and 0/30 (twins in
# test_complaint_families_dev21.py; kept: "Dad has a nut allergy with anaphylaxis" written by a parent
# about a baby, where nothing says the writer is not the one with the allergy, and "I get muddled",
# which the symptom resolver reads as new confusion). Held-out and fresh unchanged by dev21.
# The wording net was then retrained with dev9 to dev21 (diagnosis/engine/alarm_text.py says by
# what rule): dev9 controls raised 4 -> 3, dev14 missed 2 -> 1 and self-care 1 -> 0; a dev13 skin
# reaction and a dev21 eye case only the old net had raised got rules (twins in
# test_complaint_families_net_retrain.py). Held-out emergencies missed 1 -> 2 (one gained, two lost),
# fresh 8 -> 4 and fresh self-care 2 -> 0.
# dev22 (people who play it down and apologise, and long stories with the deciding fact buried) and
# dev23 (young people's texting voice, and messages relayed by someone else) were written 2026-12-07
# and measured untuned once (benchmarks/results/triage_dev22_untuned.md, ..._dev23_untuned.md):
# 4 and 2 missed, 10 and 6 alarmed, 4 and 0 self-care, 3/30 and 2/30 same-day or GP cases
# under-triaged; tuned to 0 and 0, 9 and 3, 0 and 0, 0/30 and 0/30 (twins in
# test_complaint_families_dev22_dev23.py). dev12 controls raised 4 -> 3 ("choked on my tea ..., fine
# now"). Held-out and fresh unchanged by the rules of this round. With dev22 and dev23 in the wording
# net too: dev23 controls raised 3 -> 2, held-out emergencies missed 2 -> 1 (fresh unchanged).
# With dev24 to dev27 in the wording net too: fresh emergencies missed 4 -> 3.
# Held-out and fresh are at the eighteenth round's measured run (1, 3, 1 and 3, 0, 0).
# dev24 (the problem told inside a practical or admin request) and dev25 (English from outside the
# UK) were written 2026-12-07 and measured untuned once (benchmarks/results/triage_dev24_untuned.md,
# ..._dev25_untuned.md): 5 and 1 missed, 9 and 6 alarmed, 2 and 0 self-care, 3/30 and 5/30 same-day or
# GP cases under-triaged; tuned to 0 and 0, 7 and 5, 0 and 0, 0/30 and 2/30 (twins in
# test_complaint_families_dev24_dev25.py; kept in dev25: a diabetic foot sore and diarrhoea after
# travel answered gp, not same day). dev22 controls raised 9 -> 8. Held-out and fresh unchanged.
# dev26 (writers who have already decided it is something harmless) and dev27 (readings from home
# devices and counts) were written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev26_untuned.md, ..._dev27_untuned.md): 7 and 3 missed, 5 and 12 alarmed,
# 4 and 1 self-care, 2/30 and 4/30 same-day or GP cases under-triaged; tuned to 1 and 0, 5 and 11,
# 0 and 0, 1/30 and 2/30 (twins in test_complaint_families_dev26_dev27.py; kept: "prob the beetroot,
# except it's actual clots of blood, loads of it", which says nothing of where the blood is, and
# dev27's controls with old or someone else's readings). Held-out and fresh unchanged.
# dev28 to dev33 (bystanders, timelines, terse search-box messages, UK regional English, figurative
# language, questions) were written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev28_untuned.md .. _dev33_untuned.md): 2, 8, 3, 3, 2 and 2 missed, 4, 7,
# 3, 4, 6 and 8 alarmed, 0, 4, 1, 1, 1 and 2 self-care; tuned to 0 missed and 0 self-care in all six,
# 4, 6, 2, 2, 4 and 6 alarmed (twins in test_complaint_families_dev28_dev33.py; kept: a faint in the
# heat that is over, "what do I do if ... a seizure" asked by a bus driver, and someone else's
# emergency told without a hospital or ambulance word). Held-out and fresh unchanged by those rules.
# With dev28 to dev33 in the wording net (the standing rule: a development set joins once measured
# untuned and tuned on), held-out emergencies stay 1 missed (a testicular-torsion case instead of a
# baby-movements one) and held-out emergency or urgent cases answered self-care go 1 -> 2: the
# torsion case the older net had raised falls back to the rules' self-care answer. Fresh unchanged.
# dev34 to dev39 (code-switching, euphemism, clinical jargon, phonetic spelling, thread updates, symptom
# dumps; ten emergencies each of torsion, head injury, rectal bleeding, baby movements, choking and fever
# under 3 months) were written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev34_untuned.md .. _dev39_untuned.md): 33, 2, 11, 3, 1 and 0 missed, 5, 3,
# 9, 6, 3 and 6 alarmed, 3, 1, 2, 2, 1 and 0 self-care; tuned to 29, 0, 1, 0, 0 and 0 missed, 0
# self-care in all six, 5, 3, 8, 6, 3 and 6 alarmed (twins in test_complaint_families_dev34_dev39.py).
# dev34's 29 are told only in another language: the checker reads English (with a few single words
# from other languages in the respellings), so they stay missed, answered gp, never self-care.
# Held-out and fresh unchanged by these rules. With dev34 to dev39 in the wording net (threshold 0.85 ->
# 0.80 by the same out-of-set rule): held-out emergencies 111/111 (the torsion case caught) and
# self-care answers 2 -> 1/240; fresh unchanged; in-sample dev14, dev26 and dev34 gain 1, 1 and 7.

# dev40 to dev45 (answers to a chatbot's unseen questions, parents of babies at night, older people and
# their grown-up children, machine-translated English, written reports and handovers, denial
# checklists; emergencies weighted to head injury, heavy rectal bleeding and fever under 3 months, the
# three categories fresh still misses, and controls weighted to negations and family history) were
# written 2026-12-07 and measured untuned once (benchmarks/results/triage_dev40_untuned.md ..
# _dev45_untuned.md): 5, 3, 0, 4, 2 and 2 missed, 2, 8, 7, 10, 9 and 14 alarmed, 2, 1, 1, 3, 0 and 1
# self-care; tuned to 5, 1, 0, 1, 0 and 0 missed, 2, 5, 5, 10, 5 and 5 alarmed, 2, 0, 0, 0, 0 and 0
# self-care (twins in test_complaint_families_dev40_dev45.py). dev40's five are answers to questions
# the set does not show ("this filled the pan, twice", "yes still going ... gone through 2 pads"):
# without the question no rule can tell what they answer. The new readers (a relative's finished
# story spelt out after a dash, denials said after the finding, a story told over several clauses, a
# relative admitted to hospital, "in seconds" a headache word only beside a headache) also lowered
# dev13, dev23, dev24, dev26, dev27 and dev35 by one alarmed control each and dev25 by two. Held-out
# and fresh unchanged in level; one held-out emergency that the bare "in seconds" rule had caught is
# now caught by the wording net alone (6 -> 7 of 111). With dev40 to dev45 in the wording net (the
# out-of-set rule now gives threshold 0.85: 15/5,477 raised out of set, 0.80 would raise 35): held-out
# and fresh unchanged (111/111 and 157/160); in-sample, controls raised fall by 1, 1 and 2 in dev40,
# dev41 and dev43, and emergencies only the 0.80 net caught are missed: one each in dev14 (vomiting
# blood said only in Polish) and dev26 ("actual clots of blood, loads of it", no place named), and
# four more of dev34's told only in another language. A Polish word list was tried for the first and
# reverted: reading "vomiting" alone in a Polish message about a testicle gave self-care.
# dev46 to dev48 (family group chats and relatives' stories, what-if and when-do-I-go questions,
# medical histories with dates; controls weighted to family history, questions and past history, each
# emergency the twin of a kind of control) were written 2026-12-07 and measured untuned once
# (benchmarks/results/triage_dev46_untuned.md .. _dev48_untuned.md): 0, 3 and 0 missed, 20, 9 and 19
# alarmed, 0 self-care; tuned to 0, 0 and 0 missed, 15, 9 and 7 alarmed (twins in
# test_complaint_families_dev40_dev45.py): a finished story, the writer's own dated episode or a
# relative's, keeps what it spells out after a dash, colon or bracket ("PE in 2020 - couldn't
# breathe, chest pain, the lot"; not a comparison, "like my pre-eclampsia last pregnancy: puffy face",
# and not when it reaches now: "again", "since", "this morning"); a bare year after an episode's name
# dates it; a baby "not felt since lunchtime" at 34 weeks; a count after "took" when the message names
# tablets; rescue medicine that has not stopped a fit; someone else's story spelt out after a comma
# when the words are said to be theirs ("... all over his chest"), or ended "she's fine now".
# With dev46 to dev48 in the wording net (threshold stays 0.85: 15/5,777 raised out of set; 0.80
# would raise 32): fresh unchanged (157/160); in-sample dev34 and dev40 gain 1 and 2; held-out
# emergencies 111 -> 110/111: a choking case is missed (answered below emergency, not self-care),
# most likely the one that became net-only with this round's "in seconds" change (held-out's net-only
# count went 6 -> 7 then, with no level changed; the bare "in seconds" rule raised any "in seconds"
# to 999, so it had caught that case by accident). We keep
# the standing rule (a set joins once measured untuned and tuned on) rather than choose the net by
# its held-out score, and the held-out ceiling says so.


class Ceiling(NamedTuple):
    missed: int  # emergencies answered below emergency
    alarmed: int  # controls raised to emergency
    self_care: int  # emergency or urgent cases answered self-care


CEILINGS = {
    "dev": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev2": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev3": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev4": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev5": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev6": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev7": Ceiling(missed=0, alarmed=1, self_care=0),
    "dev8": Ceiling(missed=0, alarmed=1, self_care=0),
    "recog1": Ceiling(missed=0, alarmed=0, self_care=0),
    "recog2": Ceiling(missed=0, alarmed=0, self_care=0),
    "heldout": Ceiling(missed=1, alarmed=3, self_care=1),
    "fresh": Ceiling(missed=3, alarmed=0, self_care=0),
    "ctl1": Ceiling(missed=0, alarmed=1, self_care=0),
    "ug1": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev9": Ceiling(missed=0, alarmed=3, self_care=0),
    "dev10": Ceiling(missed=0, alarmed=5, self_care=0),
    "dev11": Ceiling(missed=0, alarmed=5, self_care=0),
    "dev12": Ceiling(missed=2, alarmed=3, self_care=0),
    "dev13": Ceiling(missed=0, alarmed=3, self_care=0),
    "dev14": Ceiling(missed=1, alarmed=2, self_care=0),
    "dev15": Ceiling(missed=0, alarmed=5, self_care=0),
    "dev16": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev17": Ceiling(missed=0, alarmed=1, self_care=0),
    "dev18": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev19": Ceiling(missed=0, alarmed=0, self_care=0),
    "dev20": Ceiling(missed=0, alarmed=1, self_care=0),
    "dev21": Ceiling(missed=0, alarmed=2, self_care=0),
    "dev22": Ceiling(missed=0, alarmed=8, self_care=0),
    "dev23": Ceiling(missed=0, alarmed=1, self_care=0),
    "dev24": Ceiling(missed=0, alarmed=6, self_care=0),
    "dev25": Ceiling(missed=0, alarmed=3, self_care=0),
    "dev26": Ceiling(missed=1, alarmed=4, self_care=0),
    "dev27": Ceiling(missed=0, alarmed=10, self_care=0),
    "dev28": Ceiling(missed=0, alarmed=4, self_care=0),
    "dev29": Ceiling(missed=0, alarmed=6, self_care=0),
    "dev30": Ceiling(missed=0, alarmed=2, self_care=0),
    "dev31": Ceiling(missed=0, alarmed=2, self_care=0),
    "dev32": Ceiling(missed=0, alarmed=4, self_care=0),
    "dev33": Ceiling(missed=0, alarmed=5, self_care=0),
    "dev34": Ceiling(missed=25, alarmed=5, self_care=0),
    "dev35": Ceiling(missed=0, alarmed=2, self_care=0),
    "dev36": Ceiling(missed=1, alarmed=7, self_care=0),
    "dev37": Ceiling(missed=0, alarmed=6, self_care=0),
    "dev38": Ceiling(missed=0, alarmed=3, self_care=0),
    "dev39": Ceiling(missed=0, alarmed=6, self_care=0),
    "dev40": Ceiling(missed=3, alarmed=1, self_care=1),
    "dev41": Ceiling(missed=1, alarmed=4, self_care=0),
    "dev42": Ceiling(missed=0, alarmed=5, self_care=0),
    "dev43": Ceiling(missed=1, alarmed=8, self_care=0),
    "dev44": Ceiling(missed=0, alarmed=5, self_care=0),
    "dev45": Ceiling(missed=0, alarmed=5, self_care=0),
    "dev46": Ceiling(missed=0, alarmed=15, self_care=0),
    "dev47": Ceiling(missed=0, alarmed=9, self_care=0),
    "dev48": Ceiling(missed=0, alarmed=7, self_care=0),
}


# NHS "Bleeding from the bottom": a streak of bright red blood with known piles is a GP visit, bloody
# diarrhoea is same-day, and heavy bleeding or blood with dizziness is an emergency (red_flags.yaml).
def test_a_streak_of_blood_from_piles_is_gp_but_the_danger_signs_still_escalate(snapshot):
    assert (
        check(snapshot, "a smear of bright red blood on the tissue, I get piles", age_years=40).triage == "gp"
    )
    assert check(snapshot, "bloody diarrhoea since yesterday", age_years=40).triage == "urgent"
    assert check(snapshot, "blood in my poo and I feel dizzy", age_years=40).triage == "emergency"
    assert check(snapshot, "blood in my poo, the toilet water turned red", age_years=40).triage == "emergency"


# --- who the check is for --------------------------------------------------------------------------
def test_free_text_pregnancy_in_the_profile_counts_for_triage(alice):
    from accounts.services import health_profile_update
    from diagnosis.services import symptom_check_start

    health_profile_update(
        user=alice, sex="f", conditions=["I'm 30 weeks pregnant"], medications=["nursing my baby"]
    )
    session = symptom_check_start(user=alice, text="bad headache and my vision is blurry")
    assert session.subject["pregnant"] == "yes" and session.subject["breastfeeding"] == "yes"
    assert session.triage == "emergency"  # pre-eclampsia signs need the pregnancy to be known


def test_a_check_for_someone_else_does_not_use_the_account_holders_profile(alice):
    from django.core.exceptions import ValidationError

    from accounts.services import health_profile_update
    from diagnosis.services import symptom_check_start

    health_profile_update(user=alice, sex="f", conditions=["pregnant"])
    session = symptom_check_start(
        user=alice, text="temperature 38.4", subject={"for": "child", "age_months": 2, "sex": "m"}
    )
    assert session.subject == {
        "for": "child",
        "age_months": 2.0,
        "sex": "m",
        "pregnant": "",
        "breastfeeding": "",
    }
    assert session.triage == "emergency" and session.age_band == "0-11"
    with pytest.raises(ValidationError):
        symptom_check_start(user=alice, text="cough", subject={"for": "child"})  # a child's age is needed
    with pytest.raises(ValidationError):
        symptom_check_start(user=alice, text="cough", subject={"for": "other", "sex": "m", "pregnant": "yes"})


def test_a_typo_is_never_answered_with_a_red_flag_suggestion(snapshot):
    assert "Chest pain" not in snapshot.index.suggest("chset pian")
    assert snapshot.index.resolve("chest pain").present == ["chest_pain"]  # typed, it is recognised
