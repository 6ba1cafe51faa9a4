"""The profile-word reader looks terms up in an entry's words instead of comparing every term at
every position, with the same answers."""

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from diagnosis.engine import profile_words
from diagnosis.engine.profile_words import (
    _FLAG_FUZZY_CUTOFF,
    _Entry,
    profile_flags_from_words,
    shipped_profile_lexicon,
)

LEXICON = shipped_profile_lexicon()


def _misspelt(word: str) -> set[str]:
    return set(_Entry([word], LEXICON.fuzzy_words).misspelt())


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text("abcdefgilmnprstu", min_size=6, max_size=16),
        st.sampled_from(LEXICON.fuzzy_words).flatmap(
            lambda w: st.integers(0, len(w) - 1).map(lambda i: w[:i] + w[i + 1 :] + "x"[: i % 2])
        ),
    )
)
def test_one_rapidfuzz_call_per_word_finds_exactly_the_pairs_fuzz_ratio_accepts(word):
    expected = {t for t in LEXICON.fuzzy_words if fuzz.ratio(word, t) >= _FLAG_FUZZY_CUTOFF}
    assert _misspelt(word) == expected


def test_misspellings_of_long_terms_are_found():
    assert "pregnant" in _misspelt("pregant")
    assert "breastfeeding" in _misspelt("brestfeeding")
    assert not _misspelt("antidepressants")


def test_an_entry_with_no_term_word_and_no_long_word_costs_no_term_lookup(monkeypatch):
    calls = {"term_at": 0, "ratio": 0}
    term_at, ratio = profile_words._term_at, profile_words.fuzz.ratio

    def counting_term_at(*args):
        calls["term_at"] += 1
        return term_at(*args)

    def counting_ratio(*args, **kwargs):
        calls["ratio"] += 1
        return ratio(*args, **kwargs)

    monkeypatch.setattr(profile_words, "_term_at", counting_term_at)
    monkeypatch.setattr(profile_words.fuzz, "ratio", counting_ratio)
    assert profile_flags_from_words(["a bad cold", "hay fever", "sore knee"]) == (False, False)
    assert calls == {"term_at": 0, "ratio": 0}
    # Misspellings, denials and exceptions still read as before.
    assert profile_flags_from_words(["pregant 20 weeks"]) == (True, False)
    assert profile_flags_from_words(["brestfeeding my son"]) == (False, True)
    assert profile_flags_from_words(["not pregnant", "lives in a nursing home"]) == (False, False)
    assert calls["ratio"] > 0
