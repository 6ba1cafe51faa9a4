"""The sixth CPU pass's shortcuts give the answers of the plain code they replace.

Each shortcut is compared with the straightforward version it replaced, on generated inputs made of
the words that matter to it (scripts/engine_fingerprint.py checks the corpora as a whole)."""

import re
import shutil
import unicodedata

import numpy as np
import pytest
from django.conf import settings
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from diagnosis.engine import profile_words
from diagnosis.engine.complaints import MAX_GAP, _Element, _match_from
from diagnosis.engine.context import (
    _CANNOT_X_OR_Y,
    _CONTRACTIONS,
    MAX_INPUT_CHARS,
    NEGATION_WORDS,
    _both_verbs,
    _contains,
    normalise_text,
)
from diagnosis.engine.profile_words import recheck_profile_lexicon, shipped_profile_lexicon
from diagnosis.engine.questions import likelihood_matrix

_PLAIN_STEPS = [(re.compile(p), r) for p, r, _ in _CONTRACTIONS]


def _plain_normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))[:MAX_INPUT_CHARS].lower()
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("°", " degrees ")
    for pattern, replacement in _PLAIN_STEPS:
        text = pattern.sub(replacement, text)
    return _CANNOT_X_OR_Y.sub(_both_verbs, text)  # "can't see or hear": not a contraction step


_PIECES = [
    "i'm", "im", "I’M", "can't", "cant", "can", "won't", "wont", "ain't", "aint", "don't", "dont", "isn't",
    "hadn't", "needn't", "he's", "it's", "baby's", "babies'", "i've", "you'll", "we're", "they'd", "'s",
    "s'", "n't", "nt", "t", "m", "'", "`", "‘", "°", " ", ".", "x", "a", "won", "ain", "him",
]  # fmt: skip


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_normalise_text_skipping_absent_contractions_changes_nothing(text):
    assert normalise_text(text) == _plain_normalise(text)


def test_normalise_text_examples():
    for text in ["I'm sure I can't", "im ok", "he's fine, the baby's lips", "dont", "parents' car", ""]:
        assert normalise_text(text) == _plain_normalise(text)
    assert normalise_text("I can't breathe") == "i cannot breathe"


def _plain_contains(words, phrase):
    n = len(phrase)
    if n and phrase[0] not in words:
        return -1
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) == phrase:
            return i
    return -1


_WORDS = st.sampled_from(["a", "b", "c", "no"])


@hsettings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=9), st.lists(_WORDS, max_size=3).map(tuple))
def test_contains_finds_the_first_match_as_a_scan_of_every_position(words, phrase):
    assert _contains(words, phrase) == _plain_contains(words, phrase)
    assert _contains(tuple(words), phrase) == _plain_contains(tuple(words), phrase)


def _plain_match_from(elements, i, words, start):
    if i == len(elements):
        return start
    head = elements[i]
    if head.gap:
        for skip in range(MAX_GAP + 1):
            position = start + skip
            if skip and words[position - 1] in NEGATION_WORDS:
                return None
            if position >= len(words):
                return None
            end = _plain_match_from(elements, i + 1, words, position)
            if end is not None:
                return end
        return None
    if start < len(words) and head.matches(words[start]):
        return _plain_match_from(elements, i + 1, words, start + 1)
    return None


_ELEMENTS = st.sampled_from(
    [
        _Element(gap=True),
        _Element(words=frozenset({"pain"})),
        _Element(words=frozenset({"chest", "arm"})),
        _Element(stems=("vomit",)),
        _Element(words=frozenset({"blood"}), stems=("bleed", "b")),
    ]
)
_TEXT = st.lists(
    st.sampled_from(["pain", "chest", "arm", "vomiting", "bleeding", "blood", "bad", "not", "my"])
)


@hsettings(max_examples=500, deadline=None)
@given(st.lists(_ELEMENTS, max_size=5).map(tuple), _TEXT, st.integers(0, 3), st.integers(0, 4))
def test_match_from_in_a_loop_matches_as_the_recursion_did(elements, words, i, start):
    i = min(i, len(elements))
    start = min(start, len(words))
    assert _match_from(elements, i, words, start) == _plain_match_from(elements, i, words, start)


# --- the profile lexicon is not asked of the file system on every check ---------------------------------
def test_the_lexicon_file_is_stat_ed_once_until_a_new_knowledge_snapshot(monkeypatch):
    recheck_profile_lexicon()
    first = shipped_profile_lexicon()
    calls = []
    real_stat = profile_words.Path.stat

    def counting_stat(self, *args, **kwargs):
        calls.append(self)
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(profile_words.Path, "stat", counting_stat)
    for _ in range(5):
        assert shipped_profile_lexicon() is first
    assert calls == []
    recheck_profile_lexicon()  # what building a knowledge snapshot does
    assert shipped_profile_lexicon() is first  # the file did not change: the same lexicon
    assert len(calls) == 1


def test_building_a_knowledge_snapshot_asks_again(monkeypatch):
    from diagnosis.engine import knowledge

    asked = []
    monkeypatch.setattr(knowledge, "recheck_profile_lexicon", lambda: asked.append(1))
    knowledge.snapshot_from_data(
        version=1,
        symptoms=[("cough", "Cough", "Do you cough?")],
        synonyms={},
        diseases=(),
        links=[],
        rules=(),
        disease_names=[],
        complaints=[],
        concepts={},
    )
    assert asked == [1]


def test_another_knowledge_base_directory_is_read_at_once(tmp_path):
    target = tmp_path / "knowledge_base"
    shutil.copytree(settings.KNOWLEDGE_BASE_DIR, target)
    vocabulary = target / "vocabulary.yaml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8").replace(
            "pregnancy_words: [", "pregnancy_words: [gravidish, ", 1
        ),
        encoding="utf-8",
    )
    shipped = shipped_profile_lexicon()
    assert ("gravidish",) not in shipped.pregnancy
    with override_settings(KNOWLEDGE_BASE_DIR=target):
        assert ("gravidish",) in shipped_profile_lexicon().pregnancy
        assert profile_words.profile_flags_from_words(["gravidish"]) == (True, False)
    assert ("gravidish",) not in shipped_profile_lexicon().pregnancy


# --- a profile's notes are read once per distinct notes ---------------------------------------------------
def test_profile_notes_flags_are_the_readers_answer_and_read_once(monkeypatch):
    from diagnosis import services
    from diagnosis.engine.context import pregnancy_and_breastfeeding, tokenise

    services._notes_flags_cache.clear()
    reads = []
    monkeypatch.setattr(
        services,
        "pregnancy_and_breastfeeding",
        lambda tokens: reads.append(tokens) or pregnancy_and_breastfeeding(tokens),
    )
    notes = ["asthma", "12 weeks pregnant"]
    expected = pregnancy_and_breastfeeding(tokenise(" . ".join(notes)))
    assert expected == (True, False)
    assert services._notes_flags(notes) == expected
    assert services._notes_flags(list(notes)) == expected
    assert len(reads) == 1
    assert services._notes_flags(["not pregnant", "breastfeeding"]) == (False, True)
    assert services._notes_flags([]) == (False, False)
    assert len(reads) == 2


def test_profile_notes_cache_is_bounded_and_emptied_for_a_new_lexicon(monkeypatch):
    from diagnosis import services

    services._notes_flags_cache.clear()
    monkeypatch.setattr(services, "_NOTES_FLAGS_MAX", 3)
    for i in range(7):
        services._notes_flags([f"note {i}"])
        assert len(services._notes_flags_cache) <= 3
    services._notes_flags_lexicon[0] = object()  # as if vocabulary.yaml had been read again
    services._notes_flags(["pregnant"])
    assert list(services._notes_flags_cache) == [("pregnant",)]


@pytest.mark.django_db
def test_the_subject_still_counts_pregnancy_written_in_the_profile():
    from diagnosis.services import subject_for_check

    profile = {"age": 30, "sex": "f", "pregnant": False, "pregnancy": "", "notes": ["nursing my baby"]}
    assert subject_for_check(profile=profile, given=None)["breastfeeding"] == "yes"
    profile["notes"] = ["lives in a nursing home"]
    assert subject_for_check(profile=profile, given=None)["breastfeeding"] == ""


# --- a snapshot's derived tables ------------------------------------------------------------------------
@pytest.mark.django_db
def test_snapshot_derived_tables_equal_what_each_check_computed():
    from diagnosis.selectors import current_snapshot

    snapshot = current_snapshot()
    assert snapshot.symptom_columns == {s: i for i, s in enumerate(snapshot.symptoms)}
    assert snapshot.disease_rows == {s: i for i, s in enumerate(d.slug for d in snapshot.diseases)}
    assert snapshot.disease_names == {d.slug: d.name for d in snapshot.diseases}
    assert np.array_equal(snapshot.likelihood, likelihood_matrix(snapshot.frequency))
    assert snapshot.likelihood is snapshot.likelihood
    with pytest.raises(ValueError):
        snapshot.likelihood[0, 0] = 1.0  # shared by every check: nobody may change it


# --- a check's words are read clause by clause only when a term could be among them -------------------
def _plain_pregnancy_and_breastfeeding(tokens):
    from diagnosis.engine.context import clauses_about_the_writer, weeks_along

    pregnant, breastfeeding = profile_words.profile_flags_from_words(clauses_about_the_writer(tokens))
    return pregnant or weeks_along(tokens), breastfeeding


def _dev_texts() -> list[str]:
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "benchmarks" / "triage_corpus"
    return [
        json.loads(line)["text"]
        for path in sorted(root.glob("dev*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_pregnancy_and_breastfeeding_skipping_clauses_without_a_term_changes_nothing():
    from diagnosis.engine.context import pregnancy_and_breastfeeding, tokenise

    samples = _dev_texts() + [
        "12 weeks pregnant", "pregant", "brestfeeding twins", "not pregnant", "I am 20 weeks and bleeding",
        "lives in a nursing home", "temp 38.6 for 3 days", "bf my 3 month old", "chest pain", "my baby",
        "expecting", "up the duff", "",
    ]  # fmt: skip
    flagged = 0
    for text in samples:
        tokens = tokenise(text)
        expected = _plain_pregnancy_and_breastfeeding(tokens)
        assert pregnancy_and_breastfeeding(tokens) == expected, text
        flagged += any(expected)
    assert flagged > 20  # the samples do say pregnant or breastfeeding, often


def test_may_say_flags_only_rules_out_words_without_a_term():
    from diagnosis.engine.profile_words import may_say_flags

    assert may_say_flags(["im", "pregnant"])
    assert may_say_flags(["pregant"])  # misspelt
    assert may_say_flags(["up", "the", "duff"])
    assert not may_say_flags(["up", "the", "hill"])
    assert not may_say_flags(["chest", "pain", "38.6"])
    lexicon = shipped_profile_lexicon()
    assert lexicon.is_misspelt_term("brestfeeding") and not lexicon.is_misspelt_term("headache")


def test_forgetting_the_term_caches_keeps_a_built_catalogue_working_and_a_rebuild_the_same():
    from diagnosis.engine import complaints

    catalogue = complaints.catalogue_from_files()
    before = catalogue.assess(
        "sudden agony in my left testicle and I'm being sick", complaints.Subject(sex="m")
    )
    complaints.forget_term_caches()
    assert complaints.compile_term.cache_info().currsize == 0
    assert complaints._term_tokens.cache_info().currsize == 0
    after = catalogue.assess(
        "sudden agony in my left testicle and I'm being sick", complaints.Subject(sex="m")
    )
    assert (after.level, [f.slug for f in after.fired]) == (before.level, [f.slug for f in before.fired])
    assert after.level == "emergency"
    rebuilt = complaints.catalogue_from_files()
    again = rebuilt.assess("sudden agony in my left testicle and I'm being sick", complaints.Subject(sex="m"))
    assert again.level == "emergency"
