"""Triage benchmark: the patient-written corpus in benchmarks/triage_corpus/ through the real check.

Every case goes through `run_check` (complaint layer, red-flag rules, condition model) with the
knowledge base loaded from the repo's fixtures. The splits are reported separately: `dev` (the
cases the knowledge base was tuned on), `dev2` (a second development set written on 2026-12-06
before the matcher was run on it; its untuned result was recorded, then it was tuned on),
`dev3` (a third development set in deliberately different styles, written on 2026-12-06 before
the matcher was run on it; measured untuned once, then tuned on), `dev4` (a fourth development set
written on 2026-12-06 before the matcher was run on it, in styles dev..dev3 under-represent: text
shorthand, capitals, can't-do and comparison descriptions, questions, carers, blood thinners, chemo,
diabetes, after surgery or travel; measured untuned once), `dev5` (a fifth development set written on
2026-12-06 before the matcher was run on it, in voices dev..dev4 under-represent: non-native and
US/UK/Indian/Australian English, very short messages, long run-ons, voice-to-text errors, teenage slang,
formal older phrasing, the body described by what it cannot do; measured untuned once), `dev6` (a sixth
development set written on 2026-12-06 before the matcher was run on it, in angles dev..dev5 under-represent:
what a partner or parent sees, the order of events, amounts, euphemisms, minimisers, capitals, emoji words,
several complaints in one message, pregnancy in trimesters, brand-name medicines, and the harmless twin of
each; measured untuned once), `dev7` (a seventh development set written on 2026-12-06 before the matcher was
run on it, in voices dev..dev6 lack: carers, teachers, neighbours and care-home staff in the third person,
older people, learning disability and dementia, non-native English, UK slang, US English, timelines over
days, "is it normal...?" questions, the red flag last after a long harmless story, and controls that name
an emergency harmlessly; measured untuned once), `dev8` (an eighth development set written on 2026-12-07
before the matcher was run on it, in angles dev..dev7 lack: numbers from devices and home tests, comparisons
with the person's own past, metaphors and sensations, what an onlooker saw in pieces, forwarded texts, voice
notes and slash lists, settings such as the gym, DIY, festivals, building sites and holidays, and ages at the
edges; measured untuned once), `recog1` (written on 2026-12-06 before the matcher was run on it to test
recognition of what people bring: every presenting complaint in one-word, body-part-free, can't-do,
slang, brand-name and non-native wordings, plus controls with no symptom at all; measured untuned once),
`recog2` (written on 2026-12-07 before the matcher was run on it, in wordings recog1 does not use: body
parts in slang, anatomy or children's words, problem words beyond pain, can't-do complaints, every body
system, plus controls with no symptom; measured untuned once), `ctl1` (written on 2026-12-07 before the matcher was run on it: controls that
name an emergency harmlessly (lessons, jobs, fiction, reading, fears of recurrence, what-if questions,
services and vaccines, pets, other people long ago, events over and done, breathing exercises, normal
exertion and readings) and a present-tense emergency twin close in wording to each; measured untuned once),
`ug1` (written on 2026-12-07 before the matcher was run on it, to test under-triage: same-day and GP
presentations a naive checker answers self-care, told casually, with everyday and emergency cases in the
same voices and controls; measured untuned once), `dev9` (written on 2026-12-07 before the matcher was
run on it, emergency-heavy, in angles the earlier sets lack: misspelt medical words, numbers as words
and unusual units, babies' ages in weeks or days, clock times, asking permission to wait, what a
professional said earlier and what changed since, strangers and flatmates, anatomy words, comparisons,
minimising; measured untuned once), `dev10` (written on 2026-12-07 before the matcher was run on it:
12 emergencies in each of the 12 categories where held-out or fresh still miss one, in unusual
wordings (the sign without its medical word, slang and world Englishes, a wrong guess at the cause,
what was already done, the emergency not first, odd measures), with cases just below an emergency
and controls close in wording; measured untuned once), `dev11` (written on 2026-12-07 before the matcher
was run on it: 60 controls that name an emergency harmlessly in new angles (a yes/no form answered no,
figures of speech, hobbies, leaflets, normal readings) each with a present-tense emergency twin, 50
same-day problems asked in a calm, pharmacy-seeking voice, and 30 minor problems that sound scary;
measured untuned once), `dev12` (written on 2026-12-07 before the matcher was run on it: minimised
emergencies in 12 categories, told calmly and asking for a home remedy, eye and other same-day
problems, and past-history and pseudo-negation controls; measured untuned once), `dev13` (written on
2026-12-07 before the matcher was run on it: emergencies in 13 categories, eye and same-day cases and
controls, in the voices of people who do not use the medical words: children, very old people,
limited English, euphemism only, what is seen on someone else, badly transcribed voice notes;
measured untuned once), `dev14` (written on 2026-12-07 before the matcher was run on it: emergencies in
13 categories, same-day cases and controls shaped like real app input: form answers run together,
bullet lists, the emergency in a P.S., an unrelated question first, transcripts and quotes, heavy
abbreviations, mixed languages, clock times and dates; measured untuned once), `dev15` (written on
2026-12-07 before the matcher was run on it: 15 emergencies in each of the ten categories where
held-out or fresh still miss one, chosen by category only, with same-day cases and harmless-mention
controls on the same topics; measured untuned once), `dev16` (written on 2026-12-07 before the matcher was
run on it: same-day and GP cases in ten categories, pseudo-negation, past-history and family-history
controls, and choking with five other emergencies, the categories chosen from where held-out still
misses, by category name only; measured untuned once), `dev17` (written on 2026-12-07 before the matcher was
run on it: emergencies in the ten categories where held-out or fresh still miss, and same-day eye and
toe cases, each told beside an everyday complaint so that it sounds like self-care; measured untuned
once), `dev18` (written on 2026-12-07 before the matcher was run on it: the nine emergency categories
fresh and held-out still miss, eye, shingles and toenail cases, and history, pseudo-negation and
everyday controls, the decisive fact told indirectly: as a number, a consequence, a request to wait,
or second-hand; measured untuned once), `dev19` (written on 2026-12-07 before the matcher was run on
it: eleven emergency categories, eye, shingles, urine-infection and toenail cases, and history,
pseudo-negation, family-history and everyday controls, in the voices of people writing English as a
second language, carers and care staff with clinical shorthand, and older people writing formally;
measured untuned once), `dev20` (written on 2026-12-07 before the matcher was run on it: ten emergency
categories, eye, shingles and urine-infection cases, and history, pseudo-negation, family-history and
everyday controls, typed or dictated on a phone in a hurry, with voice-to-text and autocorrect errors;
measured untuned once), `dev21` (written on 2026-12-07 before the matcher was run on it: ten emergency
categories, same-day cases and past-history, pseudo-negation, family-history, hypothetical and
everyday controls, each mixing a past event with what is happening now; measured untuned once),
`dev22` (written on 2026-12-07 before the matcher was run on it: the six emergency categories
held-out and fresh still miss and ten others, same-day and GP cases, and negated, history,
hypothetical and everyday controls, half from people who play it down and apologise, half long
stories with the deciding fact once in the middle; measured untuned once), `dev23` (written on 2026-12-07 before the matcher was run on it: the six emergency categories
held-out and fresh still miss and ten others, same-day and GP cases, and history, family-history,
hypothetical and everyday controls, half in young people's texting voice (slang, emoji, loose
"dead" and "killing me") and half relayed or forwarded by someone else; measured untuned once),
`dev24` (written on 2026-12-07 before the matcher was run on it: the same mix as dev22, each message
a practical or admin request (a fit note, a repeat prescription, can I fly or drive) with the
health facts as background; measured untuned once), `dev25` (written on 2026-12-07 before the
matcher was run on it: the same mix, in English from outside the UK: American, Canadian,
Australian and New Zealand, Irish, South African and Caribbean words for the same things;
measured untuned once),
`dev26` (written on 2026-12-07 before the matcher was run on it: the same mix, each writer leading
with their own harmless explanation, "just a migraine", "my IBS"; measured untuned once), `dev27`
(written on 2026-12-07 before the matcher was run on it: the same mix, with readings from home
devices and counts carrying the deciding fact; measured untuned once),
`dev28` (written on 2026-12-07 before the matcher was run on it: the same mix, each written by someone who is not family and not a medic (a teacher, a carer, a coach, a colleague) on the person's behalf; measured untuned once),
`dev29` (written on 2026-12-07 before the matcher was run on it: the same mix, each written as a timeline or diary with times and days, the deciding fact in any line; measured untuned once),
`dev30` (written on 2026-12-07 before the matcher was run on it: the same mix, very terse search-box messages, most under ten words; measured untuned once),
`dev31` (written on 2026-12-07 before the matcher was run on it: the same mix, in UK regional and community English (Scots, Geordie, Scouse, Yorkshire, Welsh, Northern Irish, West Country, Multicultural London English); measured untuned once),
`dev32` (written on 2026-12-07 before the matcher was run on it: the same mix, figurative language, metaphors and exaggeration carrying the symptom, and the same figures in harmless controls; measured untuned once),
`dev33` (written on 2026-12-07 before the matcher was run on it: the same mix, each message a question with the symptoms inside it, often comparing with an earlier episode; measured untuned once),
`dev34` (written on 2026-12-07 before the matcher was run on it: ten emergencies each of testicular torsion, head injury, heavy rectal bleeding, baby movements, choking and fever under 3 months, two each of ten others, and the usual same-day, GP and control cases, code-switching as in UK multilingual households (English mixed with Hinglish, Urdu, Punjabi, Polish, Spanish, Portuguese, Arabic, Somali, Romanian, Bengali, Yoruba, Cantonese), a third of the emergencies told only in the other language; measured untuned once),
`dev35` (written on 2026-12-07 before the matcher was run on it: the same mix as dev34, embarrassment and euphemism about bodies, the toilet, sex and mental health; measured untuned once),
`dev36` (written on 2026-12-07 before the matcher was run on it: the same mix as dev34, health and care workers writing about themselves or family in clinical jargon and abbreviations; measured untuned once),
`dev37` (written on 2026-12-07 before the matcher was run on it: the same mix as dev34, phonetic and dyslexic spelling with no autocorrect; measured untuned once),
`dev38` (written on 2026-12-07 before the matcher was run on it: the same mix as dev34, follow-ups and updates in a conversation thread, the deciding fact the change since last time; measured untuned once),
`dev39` (written on 2026-12-07 before the matcher was run on it: the same mix as dev34, symptom dumps, long lists of many symptoms and background with the red flag inside; measured untuned once),
`dev40` (written on 2026-12-07 before the matcher was run on it: the same mix as dev34 but twelve emergencies each of head injury, heavy rectal bleeding and fever under 3 months and the rest spread over the other categories, answers to a chatbot's unseen questions, in fragments; measured untuned once),
`dev41` (written on 2026-12-07 before the matcher was run on it: eighty emergencies weighted to babies and toddlers (fever under 3 months, dehydration, choking, fits, sepsis, head injury), exhausted parents at night about babies and toddlers, ages in weeks and days, feeds and nappies; measured untuned once),
`dev42` (written on 2026-12-07 before the matcher was run on it: the same kinds of cases, emergencies weighted to head injury and heavy rectal bleeding in older people, older people and their grown-up children, formal or old-fashioned words, blood thinners and frailty; measured untuned once),
`dev43` (written on 2026-12-07 before the matcher was run on it: the same mix as dev40, machine-translated English, idioms and false friends translated word for word; measured untuned once),
`dev44` (written on 2026-12-07 before the matcher was run on it: the same mix as dev40, written reports and handovers (a school first-aider's slip, a workplace accident form, a care-home handover, a nursery accident report) pasted in; measured untuned once),
`dev45` (written on 2026-12-07 before the matcher was run on it: the same mix as dev40, denial checklists, the deciding fact between or after many denials, every form of negation; measured untuned once),
`dev46` (written on 2026-12-07 before the matcher was run on it: the same mix as dev47, controls weighted to family history, family group chats and relatives' stories told in detail beside the writer's own problem; measured untuned once),
`dev47` (written on 2026-12-07 before the matcher was run on it: eighty emergencies over all 32 categories, each the twin of a kind of control, and controls weighted to hypothetical, threshold and general-knowledge questions, what-if and when-do-I-go questions, some about nothing happening now and some with a present emergency inside the question; measured untuned once),
`dev48` (written on 2026-12-07 before the matcher was run on it: the same mix as dev47, controls weighted to past history, medical histories with dates listed before the current problem, the past emergency described in full; measured untuned once),
`heldout` (written by someone
else, never tuned on) and `fresh` (a third author, unusual
wordings, written after tuning ended).
The cases are written by us in the way patients write; they are not real patients' words, and
the expected levels are our reading of NHS / NICE guidance (each case names its source).

    .venv/bin/python benchmarks/triage.py            # full corpus, writes benchmarks/results/triage.md
    .venv/bin/python benchmarks/triage.py --split dev
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medportal.settings.dev")

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from scipy.stats import beta  # noqa: E402

from benchmarks._common import Report, load_average  # noqa: E402
from diagnosis.engine.alarm_text import NEVER_TRAIN  # noqa: E402
from diagnosis.engine.alarm_text import SLUG as ALARM_SLUG  # noqa: E402
from diagnosis.engine.check import run_check  # noqa: E402
from diagnosis.engine.complaints import LEVEL_ORDER  # noqa: E402
from diagnosis.triage_corpus import CORPUS, case_subject, split_cases  # noqa: E402

RESULTS_FILE = ROOT / "benchmarks" / "results" / "triage.md"
# fresh: a second independent set (unusual wordings) written after tuning ended, never tuned on.
# dev2 .. dev7 (2026-12-06), dev8 .. dev48 (2026-12-07): written before the matcher saw them, measured untuned once, then tuned on.
SPLITS = {
    "dev": CORPUS / "dev",
    "dev2": CORPUS / "dev2",
    "dev3": CORPUS / "dev3",
    "dev4": CORPUS / "dev4",
    "dev5": CORPUS / "dev5",
    "dev6": CORPUS / "dev6",
    "dev7": CORPUS / "dev7",
    "dev8": CORPUS / "dev8",
    "recog1": CORPUS / "recog1",
    "recog2": CORPUS / "recog2",
    "ctl1": CORPUS / "ctl1",
    "ug1": CORPUS / "ug1",
    "dev9": CORPUS / "dev9",
    "dev10": CORPUS / "dev10",
    "dev11": CORPUS / "dev11",
    "dev12": CORPUS / "dev12",
    "dev13": CORPUS / "dev13",
    "dev14": CORPUS / "dev14",
    "dev15": CORPUS / "dev15",
    "dev16": CORPUS / "dev16",
    "dev17": CORPUS / "dev17",
    "dev18": CORPUS / "dev18",
    "dev19": CORPUS / "dev19",
    "dev20": CORPUS / "dev20",
    "dev21": CORPUS / "dev21",
    "dev22": CORPUS / "dev22",
    "dev23": CORPUS / "dev23",
    "dev24": CORPUS / "dev24",
    "dev25": CORPUS / "dev25",
    "dev26": CORPUS / "dev26",
    "dev27": CORPUS / "dev27",
    "dev28": CORPUS / "dev28",
    "dev29": CORPUS / "dev29",
    "dev30": CORPUS / "dev30",
    "dev31": CORPUS / "dev31",
    "dev32": CORPUS / "dev32",
    "dev33": CORPUS / "dev33",
    "dev34": CORPUS / "dev34",
    "dev35": CORPUS / "dev35",
    "dev36": CORPUS / "dev36",
    "dev37": CORPUS / "dev37",
    "dev38": CORPUS / "dev38",
    "dev39": CORPUS / "dev39",
    "dev40": CORPUS / "dev40",
    "dev41": CORPUS / "dev41",
    "dev42": CORPUS / "dev42",
    "dev43": CORPUS / "dev43",
    "dev44": CORPUS / "dev44",
    "dev45": CORPUS / "dev45",
    "dev46": CORPUS / "dev46",
    "dev47": CORPUS / "dev47",
    "dev48": CORPUS / "dev48",
    "heldout": CORPUS / "heldout",
    "fresh": CORPUS / "fresh",
}
SPLIT_TITLES = {
    "dev2": "dev2 (written 2026-12-06, tuned on after the first measurement)",
    "dev3": "dev3 (written 2026-12-06 in other styles, tuned on after the first measurement)",
    "dev4": "dev4 (written 2026-12-06 in further styles, tuned on after the first measurement)",
    "dev5": "dev5 (written 2026-12-06 in new voices, tuned on after the first measurement)",
    "dev6": "dev6 (written 2026-12-06 in new angles, tuned on after the first measurement)",
    "dev7": "dev7 (written 2026-12-06 in voices nobody wrote yet, tuned on after the first measurement)",
    "dev8": "dev8 (written 2026-12-07 in angles nobody wrote yet, tuned on after the first measurement)",
    "recog1": "recog1 (written 2026-12-06 to test recognition, tuned on after the first measurement)",
    "recog2": "recog2 (written 2026-12-07 to test recognition in other wordings, tuned on after the first measurement)",
    "ctl1": "ctl1 (written 2026-12-07: harmless mentions of emergencies and their present-tense twins, tuned on after the first measurement)",
    "ug1": "ug1 (written 2026-12-07 to test under-triage of same-day and GP presentations, tuned on after the first measurement)",
    "dev9": "dev9 (written 2026-12-07, emergency-heavy, in angles nobody wrote yet, tuned on after the first measurement)",
    "dev10": "dev10 (written 2026-12-07, emergencies in unusual wordings, tuned on after the first measurement)",
    "dev11": "dev11 (written 2026-12-07, controls with emergency twins and minimised same-day cases, tuned on after the first measurement)",
    "dev12": "dev12 (written 2026-12-07, minimised emergencies, eye and same-day cases, past-history controls, tuned on after the first measurement)",
    "dev13": "dev13 (written 2026-12-07 in the voices of people who do not use the medical words, tuned on after the first measurement)",
    "dev14": "dev14 (written 2026-12-07, shaped like real app input: forms, lists, P.S., transcripts, abbreviations, tuned on after the first measurement)",
    "dev15": "dev15 (written 2026-12-07, 15 emergencies in each category where held-out or fresh still miss, tuned on after the first measurement)",
    "dev16": "dev16 (written 2026-12-07, same-day cases, pseudo-negation, past and family history controls, choking, tuned on after the first measurement)",
    "dev17": "dev17 (written 2026-12-07, emergencies and same-day eye cases told beside an everyday complaint, tuned on after the first measurement)",
    "dev18": "dev18 (written 2026-12-07, the decisive fact told indirectly: a number, a consequence, a request to wait, second-hand, tuned on after the first measurement)",
    "dev19": "dev19 (written 2026-12-07 in the voices of second-language writers, carers with clinical shorthand and older people, tuned on after the first measurement)",
    "dev20": "dev20 (written 2026-12-07, typed or dictated on a phone in a hurry: voice-to-text and autocorrect errors, tuned on after the first measurement)",
    "dev21": "dev21 (written 2026-12-07, the boundary between the past and now, and between denial and presence, tuned on after the first measurement)",
    "dev22": "dev22 (written 2026-12-07, people who play it down and long stories with the deciding fact buried, tuned on after the first measurement)",
    "dev23": "dev23 (written 2026-12-07, young people's texting voice and messages relayed by someone else, tuned on after the first measurement)",
    "dev24": "dev24 (written 2026-12-07, the problem told inside a practical or admin request, tuned on after the first measurement)",
    "dev25": "dev25 (written 2026-12-07, English from outside the UK and its health-system words, tuned on after the first measurement)",
    "dev26": "dev26 (written 2026-12-07, writers who have already decided it is something harmless, tuned on after the first measurement)",
    "dev27": "dev27 (written 2026-12-07, readings from home devices and counts carry the deciding fact, tuned on after the first measurement)",
    "dev28": "dev28 (written 2026-12-07, each written by someone who is not family and not a medic (a teacher, a carer, a coach, a colleague) on the person's behalf, tuned on after the first measurement)",
    "dev29": "dev29 (written 2026-12-07, each written as a timeline or diary with times and days, the deciding fact in any line, tuned on after the first measurement)",
    "dev30": "dev30 (written 2026-12-07, very terse search-box messages, most under ten words, tuned on after the first measurement)",
    "dev31": "dev31 (written 2026-12-07, in UK regional and community English (Scots, Geordie, Scouse, Yorkshire, Welsh, Northern Irish, West Country, Multicultural London English), tuned on after the first measurement)",
    "dev32": "dev32 (written 2026-12-07, figurative language, metaphors and exaggeration carrying the symptom, and the same figures in harmless controls, tuned on after the first measurement)",
    "dev33": "dev33 (written 2026-12-07, each message a question with the symptoms inside it, often comparing with an earlier episode, tuned on after the first measurement)",
    "dev34": "dev34 (written 2026-12-07, code-switching as in UK multilingual households (English mixed with Hinglish, Urdu, Punjabi, Polish, Spanish, Portuguese, Arabic, Somali, Romanian, Bengali, Yoruba, Cantonese), a third of the emergencies told only in the other language, tuned on after the first measurement)",
    "dev35": "dev35 (written 2026-12-07, embarrassment and euphemism about bodies, the toilet, sex and mental health, tuned on after the first measurement)",
    "dev36": "dev36 (written 2026-12-07, health and care workers writing about themselves or family in clinical jargon and abbreviations, tuned on after the first measurement)",
    "dev37": "dev37 (written 2026-12-07, phonetic and dyslexic spelling with no autocorrect, tuned on after the first measurement)",
    "dev38": "dev38 (written 2026-12-07, follow-ups and updates in a conversation thread, the deciding fact the change since last time, tuned on after the first measurement)",
    "dev39": "dev39 (written 2026-12-07, symptom dumps, long lists of many symptoms and background with the red flag inside, tuned on after the first measurement)",
    "dev40": "dev40 (written 2026-12-07, answers to a chatbot's unseen questions, in fragments, tuned on after the first measurement)",
    "dev41": "dev41 (written 2026-12-07, exhausted parents at night about babies and toddlers, ages in weeks and days, feeds and nappies, tuned on after the first measurement)",
    "dev42": "dev42 (written 2026-12-07, older people and their grown-up children, formal or old-fashioned words, blood thinners and frailty, tuned on after the first measurement)",
    "dev43": "dev43 (written 2026-12-07, machine-translated English, idioms and false friends translated word for word, tuned on after the first measurement)",
    "dev44": "dev44 (written 2026-12-07, written reports and handovers (a school first-aider's slip, a workplace accident form, a care-home handover, a nursery accident report) pasted in, tuned on after the first measurement)",
    "dev45": "dev45 (written 2026-12-07, denial checklists, the deciding fact between or after many denials, every form of negation, tuned on after the first measurement)",
    "dev46": "dev46 (written 2026-12-07, family group chats and relatives' stories told in detail beside the writer's own problem, tuned on after the first measurement)",
    "dev47": "dev47 (written 2026-12-07, what-if and when-do-I-go questions, some about nothing happening now and some with a present emergency inside the question, tuned on after the first measurement)",
    "dev48": "dev48 (written 2026-12-07, medical histories with dates listed before the current problem, the past emergency described in full, tuned on after the first measurement)",
}
# Only the splits that are tuned on print their per-case misses: all but the held-out ones.
TUNED_SPLITS = tuple(name for name in SPLITS if name not in NEVER_TRAIN)


def load_cases(split: str) -> list[dict]:
    return split_cases(SPLITS[split])


def miss_rate_upper_bound(misses: int, n: int, confidence: float = 0.95) -> float:
    """One-sided Clopper–Pearson upper bound of a miss rate (0 misses in 300 gives < 1%)."""
    if n == 0:
        return 1.0
    if misses >= n:
        return 1.0
    return float(beta.ppf(confidence, misses + 1, n - misses))


def evaluate(cases: list[dict], snapshot, model) -> list[dict]:
    rows = []
    for case in cases:
        start = time.perf_counter()
        result = run_check(
            snapshot, model, text=case["text"], subject=case_subject(case), ask_questions=False
        )
        elapsed = time.perf_counter() - start
        fired = [f["slug"] for f in result.red_flags]
        rows.append(
            {
                **case,
                "got": result.triage,
                "ms": elapsed * 1000,
                # The wording net (alarm_text.py) recognises nothing: only rules and complaints count.
                "recognised": bool(result.complaints or result.present or set(fired) - {ALARM_SLUG}),
                "fired": fired,
            }
        )
    return rows


def more_urgent(a: str, b: str) -> bool:
    return LEVEL_ORDER[a] < LEVEL_ORDER[b]


def summarise(rows: list[dict]) -> dict:
    emergencies = [r for r in rows if r["expected"] == "emergency"]
    by_category: dict[str, list[dict]] = defaultdict(list)
    for r in emergencies:
        by_category[r["category"]].append(r)
    non_urgent = [r for r in rows if r["kind"] == "everyday" and r["expected"] in ("self_care", "gp")]
    controls = [r for r in rows if r["kind"] == "control"]
    urgent_gp = [r for r in rows if r["kind"] == "urgent_gp" and r["expected"] != "emergency"]
    not_self_care = [r for r in rows if r["expected"] in ("emergency", "urgent")]
    misses = [r for r in emergencies if r["got"] != "emergency"]
    by_net_alone = [r for r in emergencies if ALARM_SLUG in r["fired"]]
    latencies = sorted(r["ms"] for r in rows)
    return {
        "cases": len(rows),
        "emergencies": len(emergencies),
        "emergency_misses": misses,
        "by_category": {
            c: (len(rs), sum(r["got"] == "emergency" for r in rs)) for c, rs in sorted(by_category.items())
        },
        "sensitivity": 1 - len(misses) / len(emergencies) if emergencies else None,
        "miss_upper_bound": miss_rate_upper_bound(len(misses), len(emergencies)),
        "caught_by_net_alone": by_net_alone,
        "self_care_when_urgent": [r for r in not_self_care if r["got"] == "self_care"],
        "non_urgent": len(non_urgent),
        "over_triage": [r for r in non_urgent if more_urgent(r["got"], r["expected"])],
        "urgent_gp": len(urgent_gp),
        "under_triage_urgent_gp": [r for r in urgent_gp if more_urgent(r["expected"], r["got"])],
        "controls": len(controls),
        "controls_escalated": [r for r in controls if more_urgent(r["got"], r["expected"])],
        "controls_to_emergency": [r for r in controls if r["got"] == "emergency"],
        "controls_self_care": [
            r for r in controls if r["got"] == "self_care" and r["expected"] != "self_care"
        ],
        "nothing_recognised": [r for r in rows if not r["recognised"]],
        # Controls often name nothing happening now (a family history, a question), and reading nothing
        # there is right; this row counts only the messages that describe a symptom.
        "symptom_cases": len(rows) - len(controls),
        "nothing_recognised_symptoms": [r for r in rows if not r["recognised"] and r["kind"] != "control"],
        "exact": sum(r["got"] == r["expected"] for r in rows),
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] if latencies else 0.0,
    }


def _share(part, whole) -> str:
    return f"{len(part)}/{whole} ({len(part) / whole:.1%})" if whole else "-"


def report(split: str, summary: dict, out: Report, show_misses: bool) -> None:
    out.section(f"{SPLIT_TITLES.get(split, split)}: {summary['cases']} cases")
    out.table(
        ["measure", "value"],
        [
            [
                "emergency sensitivity",
                f"{summary['emergencies'] - len(summary['emergency_misses'])}/{summary['emergencies']}"
                f" ({summary['sensitivity']:.1%})",
            ],
            ["95% upper bound of the emergency miss rate", f"{summary['miss_upper_bound']:.2%}"],
            [
                "emergencies caught by the wording net alone",
                f"{len(summary['caught_by_net_alone'])}/{summary['emergencies']}",
            ],
            [
                "emergency or urgent answered self_care",
                _share(summary["self_care_when_urgent"], summary["cases"]),
            ],
            [
                "over-triage of non-urgent everyday cases",
                _share(summary["over_triage"], summary["non_urgent"]),
            ],
            [
                "urgent/GP cases under-triaged",
                _share(summary["under_triage_urgent_gp"], summary["urgent_gp"]),
            ],
            ["controls escalated above expected", _share(summary["controls_escalated"], summary["controls"])],
            [
                "controls escalated to emergency",
                _share(summary["controls_to_emergency"], summary["controls"]),
            ],
            [
                "controls answered self_care below expected",
                _share(summary["controls_self_care"], summary["controls"]),
            ],
            ["cases with no finding recognised", _share(summary["nothing_recognised"], summary["cases"])],
            [
                "symptom messages (not controls) with no finding recognised",
                _share(summary["nothing_recognised_symptoms"], summary["symptom_cases"]),
            ],
            ["exact level agreement", f"{summary['exact']}/{summary['cases']}"],
            ["p99 check latency (ms, in-process)", f"{summary['p99_ms']:.1f}"],
        ],
    )
    out.line()
    out.table(
        ["emergency category", "n", "caught", "sensitivity"],
        [[c, n, k, f"{k / n:.0%}"] for c, (n, k) in summary["by_category"].items()],
    )
    if show_misses:
        for title, key in (
            ("missed emergencies", "emergency_misses"),
            ("controls escalated", "controls_escalated"),
            ("over-triaged everyday cases", "over_triage"),
            ("under-triaged urgent/GP cases", "under_triage_urgent_gp"),
            ("controls answered self_care below expected", "controls_self_care"),
            ("cases with no finding recognised", "nothing_recognised"),
        ):
            if summary[key]:
                out.line()
                out.line(f"{title}:")
                for r in summary[key]:
                    out.line(f"  {r['id']}: expected {r['expected']}, got {r['got']}: {r['text'][:110]}")


def run(splits=tuple(SPLITS), out=sys.stdout, show_misses: bool = True) -> dict:
    from django.core.management import call_command

    from diagnosis.engine.predictor import current_model
    from diagnosis.selectors import current_snapshot

    # The benchmark loads the shipped knowledge base itself, so it brings its database up to date
    # first (a pulled migration would otherwise stop the load).
    call_command("migrate", verbosity=0)
    call_command("load_knowledge_base", verbosity=0)
    snapshot = current_snapshot()
    model = current_model(snapshot)
    rep = Report(out)
    rep.line("Triage benchmark on the patient-style corpus (written by us, not real patients).")
    rep.line(f"Condition model: {model.label}; knowledge base v{snapshot.version}; load {load_average()}.")
    results = {}
    for split in splits:
        summary = summarise(evaluate(load_cases(split), snapshot, model))
        report(split, summary, rep, show_misses=show_misses and split in TUNED_SPLITS)
        results[split] = summary
    results["text"] = rep.text
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=list(SPLITS), action="append")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite benchmarks/results/triage.md")
    args = parser.parse_args(argv)
    results = run(tuple(args.split or SPLITS))
    if not args.no_write and not args.split:
        RESULTS_FILE.write_text(
            "# Triage benchmark\n\nGenerated by `benchmarks/triage.py`. The corpus is written by us in the way"
            " patients write; it is not real patients' words.\n\n```text\n" + results["text"] + "```\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
