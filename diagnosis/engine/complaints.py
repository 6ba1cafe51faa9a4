"""Complaint-first triage: presenting complaints and their discriminators decide a minimum urgency.

Runs before, and independently of, the condition model: it covers anything a person may bring
(earache, an overdose, a baby with a fever), not only the conditions the model knows. Terms come
from the knowledge base (diagnosis/knowledge_base/complaints/, format in SCHEMA.md); each term
found in the text gets a ConText assertion, and only present or possible findings count.

Pure Python over plain data. `python -m diagnosis.engine.complaints "text"` reads the YAML files
directly and prints what the layer finds, for people writing knowledge-base content.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .context import (
    FAMILY_CONDITIONS,
    NEGATION_WORDS,
    NOW_MARKERS,
    OLDER_RELATIVES,
    Assertion,
    ClauseContext,
    Span,
    age_months_from_text,
    clauses,
    continues_history,
    continues_story,
    duration_days,
    episode_weeks_ago,
    goes_on_about_them,
    goes_on_in_the_past,
    is_real_word,
    join_compounds,
    one_of_a_pair,
    opens_with_a_past_time,
    past_history_beyond_weeks,
    pregnancy_and_breastfeeding,
    sentence_answers,
    sign_of_life_answered_no,
    speaks_of_self,
    tablets_taken,
    temperature_c,
    thing_said_to_be_fine,
    tokenise,
    treated_and_over,
    withdrawn,
)
from .mentions import without_mentions
from .yaml_text import safe_load

logger = logging.getLogger(__name__)

LEVEL_ORDER = {"emergency": 0, "urgent": 1, "gp": 2, "self_care": 3}
MAX_GAP = 3


def most_urgent_level(levels) -> str | None:
    levels = [level for level in levels if level]
    return min(levels, key=LEVEL_ORDER.__getitem__) if levels else None


# --- the catalogue --------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiscriminatorSpec:
    slug: str
    name: str
    level: str
    instruction: str
    groups: tuple[tuple[str, ...], ...]  # every group must be found; a group is any of its terms
    standalone: bool = False
    sex: str = ""
    sex_known: bool = False  # with ``sex``: only when the subject is known to be of that sex
    pregnant: bool = False
    age_below_months: float | None = None
    age_from_months: float | None = None
    age_from_subject: bool = False  # age limits read the subject's age only, not an age in the words
    min_temperature_c: float | None = None
    min_duration_days: float | None = None
    min_tablets: int | None = None


@dataclass(frozen=True)
class ComplaintSpec:
    slug: str
    name: str
    body_system: str
    level: str
    instruction: str
    safety_net: tuple[str, ...]
    source: str
    terms: tuple[str, ...]
    discriminators: tuple[DiscriminatorSpec, ...]


class CatalogueError(ValueError):
    """A complaint, term or concept that cannot be used (reported by the loader's validation)."""


def expand_terms(terms, concepts: dict[str, list[str]], where: str) -> tuple[str, ...]:
    """Terms with every "@concept" replaced by each of the concept's terms (also inside a term),
    and every ( | ) group with a multi-word option spelled out as separate terms."""
    out: list[str] = []
    for term in terms or []:
        for expanded in _expand_one(str(term).strip().lower(), concepts, where, depth=0):
            out.extend(_expand_alternations(expanded))
    return tuple(dict.fromkeys(t for t in out if t))


_MULTIWORD_GROUP = re.compile(r"\(([^()]*\s[^()]*)\)")


def _expand_alternations(term: str) -> list[str]:
    match = _MULTIWORD_GROUP.search(term)
    if not match:
        return [term]
    out = []
    for option in match.group(1).split("|"):
        out.extend(_expand_alternations(term[: match.start()] + option.strip() + term[match.end() :]))
    return out


def _expand_one(term: str, concepts: dict[str, list[str]], where: str, depth: int) -> list[str]:
    if "@" not in term:
        return [term]
    if depth > 3:
        raise CatalogueError(f"{where}: concepts refer to each other too deeply in {term!r}")
    parts = term.split()
    for i, part in enumerate(parts):
        if part.startswith("@"):
            name = part[1:]
            if name not in concepts:
                raise CatalogueError(f"{where}: unknown concept @{name}")
            out = []
            for option in concepts[name]:
                replaced = " ".join(parts[:i] + [str(option).strip().lower()] + parts[i + 1 :])
                out.extend(_expand_one(replaced, concepts, where, depth + 1))
            return out
    return [term]


def complaint_from_dict(row: dict, concepts: dict[str, list[str]]) -> ComplaintSpec:
    slug = row["slug"]
    discriminators = []
    for d in row.get("discriminators") or []:
        groups = tuple(
            expand_terms(group if isinstance(group, list) else [group], concepts, f"{slug}/{d['slug']}")
            for group in d.get("all_of") or []
        )
        discriminators.append(
            DiscriminatorSpec(
                slug=d["slug"],
                name=d["name"],
                level=d["level"],
                instruction=d.get("instruction") or "",
                groups=groups,
                standalone=bool(d.get("standalone")),
                sex=d.get("sex") or "",
                sex_known=bool(d.get("sex_known")),
                pregnant=bool(d.get("pregnant")),
                age_below_months=d.get("age_below_months"),
                age_from_months=d.get("age_from_months"),
                age_from_subject=bool(d.get("age_from_subject")),
                min_temperature_c=d.get("min_temperature_c"),
                min_duration_days=d.get("min_duration_days"),
                min_tablets=d.get("min_tablets"),
            )
        )
    return ComplaintSpec(
        slug=slug,
        name=row["name"],
        body_system=row.get("body_system") or "general",
        level=row["level"],
        instruction=row.get("instruction") or "",
        safety_net=tuple(row.get("safety_net") or ()),
        source=row.get("source") or "",
        terms=expand_terms(row.get("terms"), concepts, slug),
        discriminators=tuple(discriminators),
    )


# --- term patterns ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Element:
    gap: bool = False
    words: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()  # "vomit*": any word starting so

    def matches(self, token: str) -> bool:
        return token in self.words or any(token.startswith(stem) for stem in self.stems)


# Equal elements are shared: ~19,000 terms hold ~230,000 elements but only a few thousand distinct
# ones ("pain", "my", "(chest|ribs)"), and every worker carries the compiled terms (about 25 MB of
# objects when each term had its own copies).
_ELEMENTS: dict[_Element, _Element] = {}


def _shared(element: _Element) -> _Element:
    return _ELEMENTS.setdefault(element, element)


@functools.lru_cache(maxsize=50000)
def _term_tokens(text: str) -> tuple[str, ...]:
    """A term's words read exactly as the text's are (cached: the catalogue has ~15,000 terms)."""
    return tuple(tokenise(text))


def _word_element(options: list[str]) -> _Element:
    words, stems = set(), []
    for option in options:
        if option.endswith("*") and len(option) > 1:
            stems.append((_term_tokens(option[:-1]) or (option[:-1],))[0])
        else:
            words.update(_term_tokens(option)[:1])
    return _shared(_Element(words=frozenset(words), stems=tuple(stems)))


@functools.lru_cache(maxsize=50000)
def compile_term(term: str) -> tuple[_Element, ...]:
    elements: list[_Element] = []
    for raw in tokenise_term(join_compounds(term.lower())):
        if raw == "...":
            elements.append(_shared(_Element(gap=True)))
        elif raw.startswith("(") and raw.endswith(")"):
            elements.append(_word_element([o.strip() for o in raw[1:-1].split("|") if o.strip()]))
        elif raw.endswith("*"):
            elements.append(_word_element([raw]))
        else:
            elements.extend(_shared(_Element(words=frozenset([w]))) for w in _term_tokens(raw))
    while elements and elements[0].gap:
        elements.pop(0)
    while elements and elements[-1].gap:
        elements.pop()
    return tuple(e for e in elements if e.gap or e.words or e.stems)


def forget_term_caches() -> None:
    """Free the two term caches. They only speed building a catalogue (each of ~19,000 terms is
    compiled once per build and kept in the trie), so a server that has built its catalogue can drop
    them: about 2.6 MB of objects every worker would otherwise carry. A later rebuild refills them."""
    compile_term.cache_clear()
    _term_tokens.cache_clear()
    _ELEMENTS.clear()  # the compiled terms keep the elements they share


_TERM_PART = re.compile(r"\([^)]*\)|\.\.\.|[^\s]+")


def tokenise_term(term: str) -> list[str]:
    parts = []
    for part in _TERM_PART.findall(term.lower()):
        if part == "...":
            parts.append(part)
        elif part.startswith("(") or part.endswith("*"):
            parts.append(part.rstrip(",."))
        else:
            parts.append(part)
    return parts


class _Node:
    """A node of the term trie: the terms that end here and what may follow. Terms sharing their first
    elements share nodes, so a word is compared once per distinct next element, not once per term."""

    __slots__ = ("terms", "words", "stems", "short_stems", "gap", "more")

    def __init__(self) -> None:
        self.terms: list[str] = []  # terms whose elements all lie on the path to this node
        self.words: dict[str, list[_Node]] = {}  # a following word -> the children it enters
        # A following word starting with a stem enters its child; stems kept by their first two letters.
        self.stems: dict[str, list[tuple[str, _Node]]] = {}
        self.short_stems: list[tuple[str, _Node]] = []  # one-letter stems (not looked for at a start)
        self.gap: _Node | None = None  # "...": up to MAX_GAP words skipped
        self.more = False  # anything may follow (else only terms end here)

    def child(self, element: _Element, children: dict) -> _Node:
        key = (id(self), element)
        node = children.get(key)
        if node is None:
            node = children[key] = _Node()
            self.more = True
            if element.gap:
                self.gap = node
            else:
                for word in element.words:
                    self.words.setdefault(word, []).append(node)
                for stem in element.stems:
                    if len(stem) < 2:
                        self.short_stems.append((stem, node))
                    else:
                        self.stems.setdefault(stem[:2], []).append((stem, node))
        return node


class _Tail:
    """A trie branch holding a single term: the term's remaining elements are matched directly, so
    the ~16,000 terms do not cost a node per element (megabytes per worker)."""

    __slots__ = ("term", "elements", "at")

    def __init__(self, term: str, elements: tuple[_Element, ...], at: int) -> None:
        self.term, self.elements, self.at = term, elements, at


_NO_CHILDREN: Mapping = MappingProxyType({})


def _compress(node: _Node, depth: int, patterns: dict[str, tuple[_Element, ...]]) -> str | None:
    """Replace every branch below `node` that leads to one term only by a _Tail, and freeze the
    containers. Returns the term when `node` itself is such a branch (`depth`: elements consumed)."""
    kids = list(dict.fromkeys([*(k for ks in node.words.values() for k in ks),
                               *(k for ks in node.stems.values() for _, k in ks),
                               *(k for _, k in node.short_stems),
                               *([node.gap] if node.gap is not None else [])]))  # fmt: skip
    tails: dict[int, _Tail] = {}
    for kid in kids:
        term = _compress(kid, depth + 1, patterns)
        if term is not None:  # a gap's tail starts at the gap itself, a word's after its word
            tails[id(kid)] = _Tail(term, patterns[term], depth if kid is node.gap else depth + 1)
    node.terms = tuple(node.terms)
    node.words = {w: tuple(tails.get(id(k), k) for k in ks) for w, ks in node.words.items()} or _NO_CHILDREN
    node.stems = {
        p: tuple((stem, tails.get(id(k), k)) for stem, k in ks) for p, ks in node.stems.items()
    } or _NO_CHILDREN
    node.short_stems = tuple((stem, tails.get(id(k), k)) for stem, k in node.short_stems)
    if node.gap is not None:
        node.gap = tails.get(id(node.gap), node.gap)
    if not node.terms and len(kids) == 1 and id(kids[0]) in tails:
        return tails[id(kids[0])].term
    if len(node.terms) == 1 and not kids:
        return node.terms[0]
    return None


def _match_from(elements: tuple[_Element, ...], i: int, words: list[str], start: int) -> int | None:
    """End index (exclusive) of the shortest match of elements[i:] starting at `start` (a gap skips
    at most MAX_GAP words, fewest first, and never a negation)."""
    # Word elements in a loop, recursing only at a gap (a call per element was most of its cost).
    count, n = len(elements), len(words)
    while i < count:
        head = elements[i]
        if head.gap:
            for skip in range(MAX_GAP + 1):
                position = start + skip
                if skip and words[position - 1] in NEGATION_WORDS:
                    return None
                if position >= n:
                    return None
                end = _match_from(elements, i + 1, words, position)
                if end is not None:
                    return end
            return None
        if start >= n:
            return None
        token = words[start]
        if token not in head.words and not token.startswith(head.stems):  # as `head.matches`
            return None
        i += 1
        start += 1
    return start


def _walk(node: _Node, words: list[str], position: int, found: dict[str, int], short: bool = True) -> None:
    """Record in `found` the end of each term matched on a path through `node` (whose own terms the
    caller recorded), `position` being the next word. A term's skip choices are visited in the order a
    term-by-term scan tries them (fewest words skipped at the first gap first), so the first end
    recorded is that scan's shortest match. A node is entered only when the next word can go on."""
    n = len(words)
    if position < n:
        token = words[position]
        entered = node.words.get(token, ())
        stems = node.stems.get(token[:2], ())
        if short and node.short_stems:
            stems = stems + node.short_stems
        if stems:
            by_stem = [child for stem, child in stems if token.startswith(stem)]
            if by_stem:
                entered = list(dict.fromkeys([*entered, *by_stem]))  # an element once per word
        after = position + 1
        for child in entered:
            if type(child) is _Tail:
                if child.term not in found:
                    end = _match_from(child.elements, child.at, words, after)
                    if end is not None:
                        found[child.term] = end
                continue
            for term in child.terms:
                if term not in found:
                    found[term] = after
            if child.more and after < n:
                following = words[after]
                if (
                    child.gap is not None
                    or following in child.words
                    or following[:2] in child.stems
                    or child.short_stems
                ):
                    _walk(child, words, after, found)
    gap = node.gap
    if type(gap) is _Tail:
        if gap.term not in found:
            end = _match_from(gap.elements, gap.at, words, position)
            if end is not None:
                found[gap.term] = end
    elif gap is not None:
        for skip in range(MAX_GAP + 1):
            at = position + skip
            if skip and words[at - 1] in NEGATION_WORDS:
                return  # a gap never skips a negation
            if at >= n:
                return
            following = words[at]
            if gap.gap is not None or following in gap.words or following[:2] in gap.stems or gap.short_stems:
                _walk(gap, words, at, found)


@dataclass
class TermHit:
    term: str
    clause: int  # the sentence it was found in
    span: Span  # positions within that sentence (commas left out)
    assertion: Assertion = Assertion.PRESENT
    text: str = ""


_POSITIONS_MEMO_MAX = 20000


class TermIndex:
    """Every distinct term of the catalogue: a trie of their elements (`find`) and, by first word, the
    order in which hits are listed (`candidates`)."""

    def __init__(self, terms):
        self.patterns: dict[str, tuple[_Element, ...]] = {}
        self.by_word: dict[str, list[str]] = {}
        self.by_stem: dict[str, list[tuple[str, str]]] = {}
        self.vocabulary: set[str] = set()
        self.with_negation: set[str] = set()
        self.stems: set[str] = set()
        for term in terms:
            if term in self.patterns:
                continue
            elements = compile_term(term)
            if not elements:
                continue
            self.patterns[term] = elements
            head = elements[0]
            for stem in head.stems:
                self.by_stem.setdefault(stem[:2], []).append((stem, term))
            for word in head.words:
                self.by_word.setdefault(word, []).append(term)
            for element in elements:
                self.vocabulary |= element.words
                for stem in element.stems:
                    self.vocabulary |= {stem + s for s in ("", "s", "ed", "ing", "y", "ness")}
                    self.stems.add(stem)
                if element.words & NEGATION_WORDS and not all(
                    e.gap or (e.words and e.words <= NEGATION_WORDS) for e in elements
                ):
                    self.with_negation.add(term)  # a bare "nothing" describes nothing: it still denies
        # Typo candidates by first letter (alphabetical within, as one sorted list was) and stems by
        # their first two letters: `correct` looks only where a correction can come from.
        self._vocabulary_by_letter: dict[str, list[str]] = {}
        for word in sorted(w for w in self.vocabulary if len(w) >= 4 and w.isalpha()):
            self._vocabulary_by_letter.setdefault(word[0], []).append(word)
        self._stems_by_prefix: dict[str, list[str]] = {}
        for stem in self.stems:
            self._stems_by_prefix.setdefault(stem[:2], []).append(stem)
        self.root = _Node()
        children: dict = {}
        for term, elements in self.patterns.items():
            node = self.root
            for element in elements:
                node = node.child(element, children)
            node.terms.append(term)
        _compress(self.root, 0, self.patterns)
        self._positions: dict[str, dict[str, list[int]]] = {}  # find's memo: word -> term -> places

    def candidates(self, token: str) -> list[str]:
        found = list(self.by_word.get(token, ()))
        for stem, term in self.by_stem.get(token[:2], ()):
            if token.startswith(stem):
                found.append(term)
        return found

    def correct(self, token: str) -> str:
        """A typo of a knowledge-base word ("vommiting", "testical"), else the token unchanged."""
        if len(token) < 5 or not token.isalpha() or token in self.vocabulary or is_real_word(token):
            return token
        if any(token.startswith(stem) for stem in self._stems_by_prefix.get(token[:2], ())):
            return token
        limit = 1 if len(token) <= 9 else 2  # two edits at 8-9 letters made "ingrowing" "indrawing"
        best = process.extractOne(
            token,
            [w for w in self._vocabulary_by_letter.get(token[0], ()) if abs(len(w) - len(token)) <= limit],
            scorer=Levenshtein.distance,
            score_cutoff=limit,
        )
        if best is None or best[0] in NEGATION_WORDS:
            return token
        return best[0]

    def find(self, clause_words: list[str], clause_number: int) -> list[TermHit]:
        """Every term found at every start, each with its shortest match, in the order of
        `candidates` (the trie finds them; the candidate list only orders the few found)."""
        hits = []
        root = self.root
        root_words, root_stems, root_gap = root.words, root.stems, root.gap
        for start, token in enumerate(clause_words):
            if root_gap is None and token not in root_words and token[:2] not in root_stems:
                continue  # no term starts with this word: `_walk` would find nothing
            found: dict[str, int] = {}
            _walk(root, clause_words, start, found, short=False)  # as `candidates` looks a term up
            if found:
                # The found terms in `candidates` order (a term listed twice is hit twice), without
                # walking lists of up to ~300 candidates for the few found.
                positions = self._positions.get(token)
                if positions is None:
                    positions = {}
                    for at, term in enumerate(self.candidates(token)):
                        positions.setdefault(term, []).append(at)
                    if len(self._positions) >= _POSITIONS_MEMO_MAX:
                        self._positions.clear()
                    self._positions[token] = positions
                ordered = sorted((at, term) for term in found for at in positions.get(term, ()))
                hits.extend(TermHit(term, clause_number, Span(start, found[term])) for _, term in ordered)
        return hits


# --- the subject ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subject:
    """Who the check is about. Unknown facts stay None/"" and never exclude a red flag."""

    age_years: float | None = None
    age_months: float | None = None
    sex: str = ""
    pregnant: bool | None = None  # None = unknown; "might be" is passed as True (conservative)
    breastfeeding: bool | None = None

    @property
    def months(self) -> float | None:
        if self.age_months is not None:
            return float(self.age_months)
        if self.age_years is not None:
            return float(self.age_years) * 12
        return None


# --- assessing ----------------------------------------------------------------------------------------
@dataclass
class Finding:
    text: str
    assertion: str
    complaint: str = ""


@dataclass
class Fired:
    slug: str
    name: str
    level: str
    instruction: str
    complaint: str


@dataclass
class RecognisedComplaint:
    slug: str
    name: str
    level: str
    instruction: str
    safety_net: list[str]


@dataclass
class TriageAssessment:
    level: str | None  # None: no complaint recognised at all
    complaints: list[RecognisedComplaint] = field(default_factory=list)
    fired: list[Fired] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    temperature_c: float | None = None
    duration_days: float | None = None
    tablets: int | None = None
    age_months: float | None = None
    pregnant: bool = False

    @property
    def recognised(self) -> bool:
        return bool(self.complaints or self.fired)

    def as_dict(self) -> dict:
        return asdict(self)


class ComplaintCatalogue:
    def __init__(self, complaints: tuple[ComplaintSpec, ...]):
        self.complaints = complaints
        terms: list[str] = []
        for c in complaints:
            terms.extend(c.terms)
            for d in c.discriminators:
                for group in d.groups:
                    terms.extend(group)
        self.index = TermIndex(terms)
        # Which complaints a found term can concern, so that a check looks at those few and not at
        # all ~150: a complaint is recognised by any of its terms, and a discriminator can fire only
        # when a term of its first group is found (one without groups always can).
        recognised_by: dict[str, dict[int, None]] = {}
        may_fire_by: dict[str, dict[int, None]] = {}
        self._may_always_fire: set[int] = set()
        for i, c in enumerate(complaints):
            for term in c.terms:
                recognised_by.setdefault(term, {})[i] = None
            for d in c.discriminators:
                if not d.groups:
                    self._may_always_fire.add(i)
                    continue
                for term in d.groups[0]:
                    may_fire_by.setdefault(term, {})[i] = None
        # Tuples, not sets: ~16,000 small sets cost megabytes per worker.
        self._recognised_by = {term: tuple(ix) for term, ix in recognised_by.items()}
        self._may_fire_by = {term: tuple(ix) for term, ix in may_fire_by.items()}

    @classmethod
    def from_dicts(
        cls, rows: list[dict], concepts: dict[str, list[str]], *, skip_invalid: bool = False
    ) -> ComplaintCatalogue:
        """The catalogue; with ``skip_invalid`` a complaint whose phrases cannot be read (an admin
        edit naming an unknown concept) is left out and logged instead of failing every check."""
        complaints = []
        for row in rows:
            try:
                complaints.append(complaint_from_dict(row, concepts))
            except (CatalogueError, KeyError, TypeError) as exc:
                if not skip_invalid:
                    raise
                logger.error("complaint %s left out of triage: %s", row.get("slug"), exc)
        return cls(tuple(complaints))

    def read(self, text: str) -> tuple[list[str], list[TermHit]]:
        """Tokens (typos corrected) and every term hit with its assertion.

        Terms are found over a whole sentence ("red, warm, swollen and getting bigger" is one list),
        and each hit is asserted by the triggers of the clause it starts in (negation never
        crosses a comma or a "but")."""
        tokens = [self.index.correct(t) for t in tokenise(without_mentions(text))]
        first_person = speaks_of_self(tokens)
        answered = sentence_answers(tokens)
        all_clauses = clauses(tokens)
        hits: list[TermHit] = []
        by_sentence: dict[int, list[int]] = {}
        for number, clause in enumerate(all_clauses):
            by_sentence.setdefault(clause.sentence, []).append(number)
        for sentence, numbers in by_sentence.items():
            words = [w for n in numbers for w in all_clauses[n].tokens]
            starts, position = [], 0
            for n in numbers:
                starts.append(position)
                position += len(all_clauses[n].tokens)
            reply = [w for m in by_sentence.get(sentence + 1, []) for w in all_clauses[m].tokens]
            past_lead = len(numbers) > 1 and opens_with_a_past_time(all_clauses[numbers[0]].tokens)
            search = _words_to_search([all_clauses[n] for n in numbers], reply)
            found = _drop_denials_read_as_findings(
                self.index.find(search, sentence), search, self.index.with_negation
            )
            found = _drop_near_miss_falls(_drop_never_had_without_before(found, words), words)
            for k, n in enumerate(numbers):
                clause, offset = all_clauses[n], starts[k]
                end = offset + len(clause.tokens)
                mine = [h for h in found if offset <= h.span.start < end]
                protected = [
                    Span(h.span.start - offset, h.span.end - offset)
                    for h in mine
                    if h.term in self.index.with_negation
                ]
                later = [all_clauses[m].tokens for m in numbers[k + 1 :]]
                previous = all_clauses[numbers[k - 1]].tokens if k else None
                context = _clause_context(
                    clause, protected, first_person, later, words, previous, past_lead=bool(k) and past_lead
                )
                following = all_clauses[n + 1].tokens if n + 1 < len(all_clauses) else []
                if following[:1] and following[0] in CONTRASTS and not moves_on(following):
                    context.fine_at = (
                        None  # "the cut looks fine but it is bleeding heavily": the cut is there
                    )
                taken_back = withdrawn(clause.tokens, following)
                for hit in mine:
                    hit.assertion = context.assertion(Span(hit.span.start - offset, hit.span.end - offset))
                    override = answered.get(clause.sentence)
                    if override is not None and hit.assertion in (Assertion.PRESENT, Assertion.POSSIBLE):
                        hit.assertion = override
                    if taken_back and hit.assertion.counts:
                        hit.assertion = Assertion.NEGATED  # "thought it was blood but it was beetroot"
                    hit.text = " ".join(words[hit.span.start : hit.span.end])
            hits.extend(found)
        return tokens, hits

    def assess(self, text: str, subject: Subject | None = None) -> TriageAssessment:
        subject = subject or Subject()
        tokens, hits = self.read(text)
        found = {h.term for h in hits if h.assertion.counts}
        months = subject.months
        text_months = age_months_from_text(tokens)
        if text_months is not None and (months is None or text_months < months):
            months = text_months  # the words describe someone younger: a child's rules apply
        pregnant = bool(subject.pregnant) or pregnancy_and_breastfeeding(tokens)[0]
        facts = {
            "temperature": temperature_c(tokens),
            "duration": duration_days(tokens),
            "tablets": tablets_taken(tokens),
        }
        result = TriageAssessment(
            level=None,
            temperature_c=facts["temperature"],
            duration_days=facts["duration"],
            tablets=facts["tablets"],
            age_months=months,
            pregnant=pregnant,
        )
        levels = []
        recognised_complaints: set[int] = set()
        looked_at = set(self._may_always_fire)
        for term in found:
            recognised_complaints.update(self._recognised_by.get(term, ()))
            looked_at.update(self._may_fire_by.get(term, ()))
        for i in sorted(recognised_complaints | looked_at):  # the catalogue's order, as before
            complaint = self.complaints[i]
            recognised = i in recognised_complaints
            if recognised:
                result.complaints.append(
                    RecognisedComplaint(
                        complaint.slug,
                        complaint.name,
                        complaint.level,
                        complaint.instruction,
                        list(complaint.safety_net),
                    )
                )
                levels.append(complaint.level)
            for d in complaint.discriminators:
                if (recognised or d.standalone) and _fires(d, found, subject, months, pregnant, facts):
                    result.fired.append(Fired(d.slug, d.name, d.level, d.instruction, complaint.slug))
                    levels.append(d.level)
        result.fired.sort(key=lambda f: LEVEL_ORDER[f.level])
        result.level = most_urgent_level(levels)
        result.findings = [Finding(h.text, h.assertion.value) for h in _distinct(hits)]
        return result


def _clause_context(
    clause, protected, first_person, later, words, previous, past_lead: bool = False
) -> ClauseContext:
    """ConText for one clause, with what the clauses before and after it say about its findings.
    `past_lead`: an earlier clause of the sentence named only a past time (`opens_with_a_past_time`)."""
    context = ClauseContext.build(clause.tokens, protected, clause.question, first_person, _going_on(later))
    _extend_context(context, clause.tokens, first_person, words)
    if clause.conditional and context.hypothetical_from is None:
        context.hypothetical_from = 0
    if previous is not None and continues_story(previous, clause.tokens, first_person):
        context.family = True  # "my mum had a stroke and her face drooped"
    elif previous is not None and continues_history(previous, clause.tokens):
        context.history = True  # "my appendix burst when I was 9 and I had peritonitis"
    if treated_and_over(clause.tokens, later[0] if later else []):
        context.history = True  # "my sister had surgery for cauda equina"
    dated = past_lead or bool(later and opens_with_a_past_time(later[0]))
    if dated and goes_on_in_the_past(clause.tokens):
        # "long time ago, maybe 10 year, I have the blood vomit"; "... suicidal thoughts after our
        # second, 4 years back"
        context.history = True
    return context


def _going_on(later: list[list[str]]) -> list[str]:
    """The words of the clauses that go on about the same person ("... and she cannot lift her arm")."""
    out: list[str] = []
    for tokens in later:
        if not goes_on_about_them(tokens):
            break
        out.extend(tokens)
    return out


def _drop_denials_read_as_findings(
    hits: list[TermHit], words: list[str], with_negation: set[str]
) -> list[TermHit]:
    """A finding that contains its own negation ("not coughing", "not sleeping") is a denial after
    all when a longer finding starts inside it ("not coughing up any blood") or it heads a list
    ("not sleepy or floppy"): then the negation word denies, and that finding is dropped."""
    dropped = set()
    for i, hit in enumerate(hits):
        if hit.term not in with_negation:
            continue
        start, end = hit.span.start, hit.span.end
        # Only when the negation word leads and the longer finding starts right after it.
        superseded = words[start] in NEGATION_WORDS and any(
            o.span.start == start + 1 and o.span.end > end for o in hits
        )
        listed = words[end : end + 1] in (["or"], ["nor"]) and any(
            o.span.start in (end + 1, end + 2) for o in hits if o is not hit
        )
        if superseded or listed:
            dropped.add(i)
    return [h for i, h in enumerate(hits) if i not in dropped]


# The complaint layer's own additions to the shared ConText triggers (context.py serves the resolver
# too): a hedged denial ("I doubt it's a stroke") denies; "without goggles" or "without a helmet"
# denies only the protection, not what happened ("without goggles and something flew into my eye");
# a relative's allergy or anaphylaxis is family history like a relative's heart attack; and "everyone
# in my family has high blood pressure" is family history even when the writer never says "I".
DOUBT_WORDS = {"doubt", "doubtful"}
PROTECTION = {
    "goggles", "glasses", "helmet", "gloves", "protection", "mask", "seatbelt", "belt", "suncream",
    "sunscreen", "sunblock", "shoes", "boots", "hat", "armbands", "lifejacket", "spacer",
}  # fmt: skip
_BEFORE_PROTECTION = {
    "a",
    "any",
    "my",
    "his",
    "her",
    "their",
    "the",
    "safety",
    "eye",
    "protective",
    "wearing",
}
NEW_NOW = {"now", "today", "tonight", "yesterday", "started", "got", "getting"}
# An episode weeks ago that the same sentence says goes on ("... and it is still there", "... back again").
STILL_GOING = NEW_NOW | {"still", "again", "worse", "back", "currently", "since", "keeps", "ongoing"}
NOT_A_DOUBT_BEFORE = {"no", "without", "not"}  # "no doubt it is a stroke" affirms
# Negation words that affirm what follows: "not the worst sore throat I've had", "headache, not that
# bad", "he never stops crying".
AFFIRMING_NEGATIONS = {
    (neg, *rest)
    for neg in ("not", "never")
    for rest in (
        ("the", "worst"), ("the", "first"), ("the", "only"), ("the", "best"), ("that", "bad"), ("too", "bad"),
        ("so", "bad"), ("stops",), ("stop",), ("ends",), ("lets", "up"),
    )
}  # fmt: skip
FAMILY_EXTRA_CONDITIONS = {"anaphylaxis", "anaphylactic", "allergy", "allergies"}
# A question about what causes something ("just wondering if flashing lights can cause one") is
# hypothetical when it asks about causes and points at nothing current ("my", "this", "it"): asking
# "when should I go" or "wondering if chest pain is serious" may come from someone who has it, and stays present.
WONDER_WORDS = {"wondering", "wonder", "curious"}
CAUSE_PHRASES = [("can", "cause"), ("could", "cause"), ("does", "cause"), ("do", "cause"), ("cause", "a")]
CURRENT_POINTERS = {"my", "this", "these", "his", "her", "our", "their", "its", "it", "he", "she", "i"}
FAMILY_GROUP_PHRASES = [("in", "my", "family"), ("in", "our", "family")]


# A clause that goes on with a contrast keeps what it called fine ("the cut looks fine but it is
# bleeding heavily", "my chest is fine but still hurts when I cough"), unless the contrast moves on to
# something else with a new subject: "my testicles are fine but my tummy hurts" denies the testicles
# and the tummy still counts; "he says he's fine but his lips are blue" keeps the blue lips.
CONTRASTS = frozenset({"but", "however", "although", "though", "yet", "except", "apart", "whereas"})
NEW_SUBJECT_WORDS = frozenset(
    {"my", "his", "her", "their", "our", "your", "the", "i", "he", "she", "we", "a", "an", "me"}
)


# "...but the other one is swollen", "...but my left one is killing me": the same thing again.
BACK_REFERENCES = frozenset({
    "other", "one", "ones", "same", "it", "its", "they", "them", "both", "left", "right", "either", "another",
})  # fmt: skip


def moves_on(following: list[str]) -> bool:
    """The contrast clause ("but my tummy hurts") starts with a new subject, not with "it", a verb
    or a word pointing back ("the other one"); when unsure, what was called fine stays found."""
    return (
        len(following) > 1
        and following[1] in NEW_SUBJECT_WORDS
        and BACK_REFERENCES.isdisjoint(following[1:4])
    )


def _words_to_search(sentence_clauses: list, reply: list[str]) -> list[str]:
    """The sentence's words as terms are matched against them, word for word (spans unchanged):
    pointers back to what was called fine resolved, and a question about a sign of life answered
    "no" read as its absence ("is he breathing? no" is "is not breathing")."""
    search = _back_references_resolved([c.tokens for c in sentence_clauses])
    asked = sign_of_life_answered_no(search, reply) if sentence_clauses[-1].question else None
    if asked is not None:
        search[asked - 1] = "not"
    return search


# After "the other" these say that "other" stands alone for the thing ("the other went dark").
_VERBS_AFTER_OTHER = frozenset({
    "is", "was", "has", "had", "went", "goes", "looks", "feels", "seems", "keeps", "started", "became",
    "got", "hurts", "hurt", "turned", "swelled", "swollen", "cannot", "can",
})  # fmt: skip


def _back_references_resolved(sentence_clauses: list[list[str]]) -> list[str]:
    """The sentence's words for matching, with a contrast's pointers back to what was called fine
    put in its place: "my head is fine but I hit it and have been sick" (the head was hit), "my
    leg is fine but my other one is cold and white" (the other leg), "normal in one eye but the
    other went dark" (the other eye). Word for word, so every span stays where it was; the words
    shown to the person are still their own."""
    words = [w for tokens in sentence_clauses for w in tokens]
    start = 0
    for k, tokens in enumerate(sentence_clauses[:-1]):
        start += len(tokens)
        following = sentence_clauses[k + 1]
        if not following or following[0] not in CONTRASTS or moves_on(following):
            continue
        thing = thing_said_to_be_fine(tokens)
        if thing is None:
            continue
        pair = one_of_a_pair(tokens) or thing
        for j, word in enumerate(following):
            before = following[j - 1] if j else ""
            after = following[j + 1] if j + 1 < len(following) else ""
            if word == "it":
                words[start + j] = thing
            elif word in ("one", "ones") and before == "other":
                words[start + j] = pair
            elif word == "other" and after in _VERBS_AFTER_OTHER:
                words[start + j] = pair
    return words


def _extend_context(
    context: ClauseContext, words: list[str], first_person: bool, sentence: list[str] | None = None
) -> None:
    """Add the complaint layer's extra negation and family-history triggers to one clause's context
    (`sentence`: the whole sentence the clause is in)."""
    if "never" in words and "before" in words and set(sentence or words) & NEW_NOW:
        # "never had a verruca before and now I've got one" is new: neither past nor denied
        context.history = False
        context.protected = [span for span in context.protected if words[span.start] != "never"]
    for i, word in enumerate(words):
        if word in DOUBT_WORDS and (i == 0 or words[i - 1] not in NOT_A_DOUBT_BEFORE):
            context.negations.append(i)
        if i in context.negations and tuple(words[i : i + 3]) in AFFIRMING_NEGATIONS:
            context.negations.remove(i)
        if word == "without" and i in context.negations and _names_protection(words[i + 1 : i + 4]):
            context.negations.remove(i)
    if (
        WONDER_WORDS & set(words)
        and any(_find(words, p) >= 0 for p in CAUSE_PHRASES)
        and not CURRENT_POINTERS & set(words)
    ):
        context.hypothetical_from = 0
    if (
        context.history
        and episode_weeks_ago(words)
        and set(sentence or words) & STILL_GOING
        and not past_history_beyond_weeks(words)
    ):
        context.history = False  # "2 weeks ago I had chest pain and now it is crushing": it goes on
    if context.family or set(words) & NOW_MARKERS:
        return
    if (
        any(_find(words, p) >= 0 for p in FAMILY_GROUP_PHRASES)
        and set(words) & FAMILY_CONDITIONS
        and "having" not in words  # "everyone in my family thinks dad is having a stroke" is now
    ):
        context.family = True  # "everyone in my family has high blood pressure"
        return
    if not first_person:
        return
    for i, word in enumerate(words):
        if (
            word in OLDER_RELATIVES
            and {"had", "has"} & set(words[i + 1 : i + 3])
            and FAMILY_EXTRA_CONDITIONS & set(words[i + 1 :])
        ):
            context.family = True
            return


def _find(words: list[str], phrase: tuple[str, ...]) -> int:
    n = len(phrase)
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) == phrase:
            return i
    return -1


def _names_protection(following: list[str]) -> bool:
    for word in following:
        if word in PROTECTION:
            return True
        if word not in _BEFORE_PROTECTION:
            return False
    return False


# "never had X before" / "never had a headache like this" say X is new; without them "never had a
# seizure" denies the seizure, so a "never had" finding is dropped and its "never" negates.
_NEW_NOT_DENIED = {"before", "like", "until", "till"}


def _drop_never_had_without_before(hits: list[TermHit], words: list[str]) -> list[TermHit]:
    if _NEW_NOT_DENIED & set(words):
        return hits
    return [h for h in hits if words[h.span.start] != "never"]


# "nearly fell out of the window but caught myself": a fall that did not happen is no fall from a
# height. Only falls: "nearly fainted" is a symptom, "nearly jumped off the bridge" a warning.
_NEAR_MISS = frozenset({"nearly", "almost", "narrowly"})
_FALL_WORDS = frozenset({"fell", "fall", "fallen", "falling", "tumbled", "toppled", "slipped"})


def _drop_near_miss_falls(hits: list[TermHit], words: list[str]) -> list[TermHit]:
    return [
        h
        for h in hits
        if not (words[h.span.start] in _FALL_WORDS and h.span.start and words[h.span.start - 1] in _NEAR_MISS)
    ]


def _fires(d: DiscriminatorSpec, found: set[str], subject: Subject, months, pregnant: bool, facts) -> bool:
    if not all(not found.isdisjoint(group) for group in d.groups):
        return False
    if d.sex and (subject.sex or d.sex_known) and subject.sex != d.sex:
        return False
    if d.pregnant and not pregnant:
        return False
    if d.age_from_subject:
        months = subject.months
    if d.age_below_months is not None and (months is None or months >= d.age_below_months):
        return False
    if d.age_from_months is not None and (months is None or months < d.age_from_months):
        return False
    for attr, key in (
        ("min_temperature_c", "temperature"),
        ("min_duration_days", "duration"),
        ("min_tablets", "tablets"),
    ):
        limit = getattr(d, attr)
        if limit is not None and (facts[key] is None or facts[key] < limit):
            return False
    return True


def _distinct(hits: list[TermHit]) -> list[TermHit]:
    """The longest hit at each place, once."""
    best: dict[tuple[int, int], TermHit] = {}
    for hit in hits:
        key = (hit.clause, hit.span.start)
        if key not in best or hit.span.end > best[key].span.end:
            best[key] = hit
    kept, covered = [], set()
    for hit in sorted(best.values(), key=lambda h: (h.clause, h.span.start, -(h.span.end - h.span.start))):
        positions = {(hit.clause, i) for i in range(hit.span.start, hit.span.end)}
        if positions & covered:
            continue
        covered |= positions
        kept.append(hit)
    return kept


# --- reading the YAML directly (content authors, benchmarks without a database) -------------------------
def catalogue_from_files(directory=None) -> ComplaintCatalogue:
    directory = Path(directory or Path(__file__).resolve().parent.parent / "knowledge_base" / "complaints")
    concepts: dict[str, list[str]] = {}
    rows: list[dict] = []
    for path in sorted(directory.glob("*.yaml")):
        data = safe_load(path.read_text(encoding="utf-8")) or {}
        concepts.update(data.get("concepts") or {})
        rows.extend(data.get("complaints") or [])
    return ComplaintCatalogue.from_dicts(rows, concepts)


def main(argv=None) -> int:  # pragma: no cover - a helper for content authors
    parser = argparse.ArgumentParser(description="What the complaint layer finds in a text.")
    parser.add_argument("text")
    parser.add_argument("--age-months", type=float)
    parser.add_argument("--age", type=float)
    parser.add_argument("--sex", default="")
    parser.add_argument("--pregnant", action="store_true")
    args = parser.parse_args(argv)
    catalogue = catalogue_from_files()
    subject = Subject(args.age, args.age_months, args.sex, args.pregnant or None)
    print(json.dumps(catalogue.assess(args.text, subject).as_dict(), indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
