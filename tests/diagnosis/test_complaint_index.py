"""The complaint layer's term trie: the same hits as trying every candidate term at every word, and
work per word bounded by the trie, not by the size of the catalogue."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnosis.engine import complaints
from diagnosis.engine.complaints import MAX_GAP, ComplaintCatalogue, Subject, catalogue_from_files
from diagnosis.engine.context import NEGATION_WORDS, tokenise

CONCEPTS = {"severe": ["severe", "agony", "really bad"], "vomiting": ["vomit*", "being sick", "throw* up"]}
ROWS = [
    {"slug": "testicle", "name": "Testicle pain", "level": "gp",
     "terms": ["(testicle*|ball*) ... (pain*|hurt*|sore|agony)", "(pain*|agony) ... (testicle*|ball*)"],
     "discriminators": [{"slug": "torsion", "name": "Torsion", "level": "emergency",
                         "all_of": [["@severe"], ["@vomiting"]]}]},
    {"slug": "chest", "name": "Chest pain", "level": "urgent",
     "terms": ["chest pain", "chest ... tight*", "pain in (my|the) chest", "chest ... ... crush*"]},
    {"slug": "head", "name": "Headache", "level": "self_care", "terms": ["headache*", "head ... hurt*", "not sleeping"]},
    {"slug": "sick", "name": "Vomiting", "level": "self_care", "terms": ["@vomiting", "(sick|vomit*) ... blood"]},
]  # fmt: skip
WORDS = [
    "chest", "pain", "tight", "tightness", "crushing", "in", "my", "the", "head", "hurts", "headaches",
    "testicle", "balls", "sore", "agony", "vomiting", "being", "sick", "throwing", "up", "blood", "not",
    "no", "and", "really", "bad", "severe", "sleeping", "a", "bit",
]  # fmt: skip


def _reference_match(elements, words, start):
    """The definition of a term match: the shortest, a gap skipping at most MAX_GAP words and never a
    negation (the term-by-term scan the trie replaced)."""
    if not elements:
        return start
    head, rest = elements[0], elements[1:]
    if head.gap:
        for skip in range(MAX_GAP + 1):
            position = start + skip
            if skip and words[position - 1] in NEGATION_WORDS:
                return None
            if position >= len(words):
                return None
            end = _reference_match(rest, words, position)
            if end is not None:
                return end
        return None
    if start < len(words) and head.matches(words[start]):
        return _reference_match(rest, words, start + 1)
    return None


def _reference_find(index, words):
    hits = []
    for start, token in enumerate(words):
        for term in index.candidates(token):
            end = _reference_match(index.patterns[term], words, start)
            if end is not None:
                hits.append((term, start, end))
    return hits


def _find(index, words):
    return [(h.term, h.span.start, h.span.end) for h in index.find(words, 0)]


@pytest.fixture(scope="module")
def small():
    return ComplaintCatalogue.from_dicts(ROWS, CONCEPTS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=14))
def test_the_trie_finds_what_trying_every_term_finds(small, words):
    assert _find(small.index, words) == _reference_find(small.index, words)


@pytest.mark.parametrize(
    "text",
    [
        "crushing pain in my chest and my left arm feels heavy, I'm sweating",
        "not coughing up any blood but I've been throwing up since last night",
        "my baby has a temperature of 38.5 and is not feeding, no wet nappies today",
        "sudden agony in my left testicle and I'm being sick",
        "I never had a headache like this before, worst of my life",
        "took 30 paracetamol an hour ago, feel fine, no pain",
    ],
)
def test_the_shipped_catalogue_finds_the_same_hits_as_trying_every_term(shipped, text):
    words = tokenise(text)
    expected = _reference_find(shipped.index, words)
    assert expected, "the sample must hit something for the comparison to mean anything"
    assert _find(shipped.index, words) == expected


@pytest.fixture(scope="module")
def shipped():
    return catalogue_from_files()


def _walks(monkeypatch, index, words) -> int:
    calls = 0
    walk = complaints._walk

    def counting(*args, **kwargs):
        nonlocal calls
        calls += 1
        return walk(*args, **kwargs)

    monkeypatch.setattr(complaints, "_walk", counting)
    try:
        index.find(words, 0)
    finally:
        monkeypatch.setattr(complaints, "_walk", walk)
    return calls


def test_work_per_word_does_not_grow_with_the_catalogue(small, monkeypatch):
    """400 more chest complaints ("chest qab", ...) sharing the first word: a term-by-term scan tried
    each of them at every "chest"; the trie enters the chest node once and follows only the next word."""
    letters = "abcdefghijklmnopqrst"
    extra = [
        {"slug": f"x{a}{b}", "name": "x", "level": "gp", "terms": [f"chest q{a}{b}", f"chest ... q{a}{b}z"]}
        for a in letters
        for b in letters
    ]
    big = ComplaintCatalogue.from_dicts(ROWS + extra, CONCEPTS)
    words = tokenise(
        "pain in my chest and my chest is tight, chest crushing, not sleeping, being sick with blood"
    )
    assert len(big.index.candidates("chest")) > 800 > len(small.index.candidates("chest"))
    assert _find(big.index, words) == _find(small.index, words) == _reference_find(small.index, words)
    assert _walks(monkeypatch, big.index, words) == _walks(monkeypatch, small.index, words)


def test_a_check_looks_only_at_the_complaints_its_terms_concern(small):
    """Recognition and discriminators as before, without testing every complaint's terms."""
    result = small.assess("really bad pain in my left testicle and I'm being sick", Subject(sex="m"))
    assert [c.slug for c in result.complaints] == ["testicle", "sick"]
    assert [f.slug for f in result.fired] == ["torsion"]
    assert result.level == "emergency"
    assert small.assess("my elbow itches").level is None


def _nodes(node, seen=None) -> int:
    """_Node objects in a trie (a single-term branch is a _Tail, not counted)."""
    seen = set() if seen is None else seen
    if type(node) is not complaints._Node or id(node) in seen:
        return 0
    seen.add(id(node))
    kids = [k for ks in node.words.values() for k in ks] + [k for ks in node.stems.values() for _, k in ks]
    kids += [k for _, k in node.short_stems] + ([node.gap] if node.gap is not None else [])
    return 1 + sum(_nodes(k, seen) for k in kids)


def test_terms_of_their_own_cost_no_trie_nodes(small, shipped):
    """Memory: a branch that leads to one term only is kept as that term's remaining elements, so 800
    terms with their own second word add no node (a node per element cost ~16 MB per worker)."""
    letters = "abcdefghijklmnopqrst"
    extra = [
        {
            "slug": f"x{a}{b}",
            "name": "x",
            "level": "gp",
            "terms": [f"chest q{a}{b} zz", f"chest ... q{a}{b}z"],
        }
        for a in letters
        for b in letters
    ]
    big = ComplaintCatalogue.from_dicts(ROWS + extra, CONCEPTS)
    assert _nodes(big.index.root) == _nodes(small.index.root)
    assert _nodes(shipped.index.root) < len(shipped.index.patterns) // 2
