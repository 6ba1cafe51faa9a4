"""The profile-word reader looks terms up in an entry's words instead of comparing every term at
every position, with the same answers."""

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from diagnosis.engine import profile_words
from diagnosis.engine.profile_words import _FLAG_FUZZY_CUTOFF, _may_reach_cutoff, profile_flags_from_words


@settings(max_examples=500, deadline=None)
@given(st.text("abcdefgnprst", min_size=1, max_size=16), st.text("abcdefgnprst", min_size=1, max_size=16))
def test_the_length_bound_never_rules_out_a_pair_that_reaches_the_cutoff(a, b):
    if fuzz.ratio(a, b) >= _FLAG_FUZZY_CUTOFF:
        assert _may_reach_cutoff(a, b)


def test_the_length_bound_rules_out_words_of_very_different_length():
    assert not _may_reach_cutoff("pregnant", "antidepressants")
    assert _may_reach_cutoff("pregant", "pregnant")


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
