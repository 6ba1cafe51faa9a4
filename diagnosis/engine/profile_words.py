"""Free-text words that say the person is pregnant or breastfeeding: one list, one reader.

The words live in the knowledge base (vocabulary.yaml `pregnancy_words`, `breastfeeding_words`,
their denials, hedges and exceptions). Both the complaint layer (the words of a symptom check and
the profile notes it is given) and the recommendations' safety filter (a profile's lists) read them
through `profile_flags_from_words`, so triage and the medicine filter can never disagree about
whether "nursing my baby" or "possibly pregnant" was said.

Pure: no Django settings, ORM or database needed (the file is read directly).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from rapidfuzz import fuzz, process

from .resolver import normalise
from .yaml_text import safe_load

# Pregnancy and breastfeeding words, their denials and hedges, and allergy-only abbreviations live in
# vocabulary.yaml. They are read from the file rather than the database so that
# `profile_flags_from_words` stays a pure function the diagnosis engine can call without the ORM.

_BREAKS = re.compile("[a-z0-9]+|[,;:.!?/\u2013\u2014-]")  # words, or punctuation (en and em dashes too)
# Words that may stand between a denial and the term it denies ("not currently pregnant", "no longer
# breastfeeding", "not pregnant or breastfeeding").
_FILLERS = {
    "currently", "longer", "been", "be", "am", "i", "im", "a", "an", "yet", "now", "really",
    "actually", "any", "more", "anymore", "is", "was", "were", "are", "she", "he", "they", "we",
    "at", "the", "moment", "present", "presently", "or", "nor", "and", "shes", "hes",
}  # fmt: skip
# Misspellings: a single word of at least this length counts when this close to a one-word term
# ("pregant", "brestfeeding"); shorter words are too easily something else.
_FLAG_FUZZY_MIN_LEN = 7
_FLAG_FUZZY_CUTOFF = 85
_MISSPELT_MEMO_MAX = 20000


@dataclass(frozen=True)
class ProfileLexicon:
    pregnancy: tuple[tuple[str, ...], ...] = ()
    breastfeeding: tuple[tuple[str, ...], ...] = ()
    denials: frozenset[str] = frozenset()
    hedges: frozenset[str] = frozenset()
    exceptions: tuple[tuple[str, ...], ...] = ()  # "nursing home" is not nursing a baby
    allergy_only: dict[str, str] = field(default_factory=dict)  # abbreviation -> the word it stands for

    @functools.cached_property
    def flag_words(self) -> frozenset[str]:
        return frozenset(t[0] for t in self.pregnancy + self.breastfeeding if len(t) == 1)

    @functools.cached_property
    def skippable(self) -> frozenset[str]:
        """Words a denial may reach across ("not currently pregnant"); built once, not per term."""
        return frozenset(_FILLERS | self.flag_words)

    @functools.cached_property
    def fuzzy_words(self) -> tuple[str, ...]:
        """The one-word terms long enough to be recognised misspelt (exceptions included)."""
        terms = self.pregnancy + self.breastfeeding + self.exceptions
        return tuple(dict.fromkeys(t[0] for t in terms if len(t) == 1 and len(t[0]) >= _FLAG_FUZZY_MIN_LEN))

    @functools.cached_property
    def first_words(self) -> frozenset[str]:
        """The first word of every pregnancy or breastfeeding term: an entry with none of them and no
        word long enough to be a misspelling says neither."""
        return frozenset(t[0] for t in self.pregnancy + self.breastfeeding)

    @functools.cached_property
    def terms_by_first_word(self) -> dict[str, tuple[frozenset[str], ...]]:
        """Each pregnancy or breastfeeding term's words, by its first word."""
        out: dict[str, list[frozenset[str]]] = {}
        for term in self.pregnancy + self.breastfeeding:
            out.setdefault(term[0], []).append(frozenset(term))
        return {word: tuple(terms) for word, terms in out.items()}

    @functools.cached_property
    def _misspelt_memo(self) -> dict[str, bool]:
        return {}

    def is_misspelt_term(self, word: str) -> bool:
        """Whether `word` is close enough to a long one-word term to be read as it misspelt, as
        `_Entry.misspelt` decides; remembered per word (bounded): a pure function of the word."""
        memo = self._misspelt_memo
        found = memo.get(word)
        if found is None:
            found = len(word) >= _FLAG_FUZZY_MIN_LEN - 1 and any(
                score >= _FLAG_FUZZY_CUTOFF
                for _, score, _ in process.extract(
                    word, self.fuzzy_words, scorer=fuzz.ratio, score_cutoff=_FLAG_FUZZY_CUTOFF - 1, limit=None
                )
            )
            if len(memo) >= _MISSPELT_MEMO_MAX:
                memo.clear()
            memo[word] = found
        return found


def _words_and_breaks(text: str) -> tuple[list[str], list[bool]]:
    """Lower-case words, and for each whether punctuation ("," ":" "-") comes right before it."""
    text = normalise(text).replace("'", "")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # "breast-feeding" is "breast feeding"
    words: list[str] = []
    breaks: list[bool] = []
    pending = False
    for token in _BREAKS.findall(text):
        if token[0].isalnum():
            words.append(token)
            breaks.append(pending)
            pending = False
        else:
            pending = True
    return words, breaks


def profile_lexicon(vocabulary: dict) -> ProfileLexicon:
    """The free-text profile words of a parsed vocabulary.yaml (a dict); pure."""

    def terms(key: str) -> tuple[tuple[str, ...], ...]:
        out = []
        for phrase in vocabulary.get(key) or []:
            words = tuple(_words_and_breaks(str(phrase))[0])
            if words and words not in out:
                out.append(words)
        return tuple(out)

    return ProfileLexicon(
        pregnancy=terms("pregnancy_words"),
        breastfeeding=terms("breastfeeding_words"),
        denials=frozenset(w for t in terms("flag_denials") for w in t),
        hedges=frozenset(w for t in terms("flag_hedges") for w in t),
        exceptions=terms("flag_exceptions"),
        allergy_only={
            normalise(k): normalise(v) for k, v in (vocabulary.get("allergy_only_words") or {}).items()
        },
    )


_lexicon_lock = threading.Lock()
_lexicon_cache: tuple[Path, float, ProfileLexicon] | None = None
# Whether the file changed is asked once per knowledge snapshot built (`recheck_profile_lexicon`,
# called when a new knowledge-base version is read) and whenever the setting's directory changes, not
# on every check: the stat was a per-check cost for a file that changes only with the knowledge base.
_lexicon_generation = 0
_lexicon_checked: tuple[object, int] | None = None


def recheck_profile_lexicon() -> None:
    """Ask the file system again on the next `shipped_profile_lexicon` call."""
    global _lexicon_generation
    _lexicon_generation += 1


# Resolved once: resolving it per call cost several lstat calls on every check.
_SHIPPED_VOCABULARY = Path(__file__).resolve().parent.parent / "knowledge_base" / "vocabulary.yaml"


def _vocabulary_path() -> Path:
    if settings.configured and getattr(settings, "KNOWLEDGE_BASE_DIR", None):
        return Path(settings.KNOWLEDGE_BASE_DIR) / "vocabulary.yaml"
    return _SHIPPED_VOCABULARY


def shipped_profile_lexicon() -> ProfileLexicon:
    """The lexicon of the shipped vocabulary.yaml, read once and again whenever the file changes."""
    global _lexicon_cache, _lexicon_checked
    cached = _lexicon_cache
    directory = getattr(settings, "KNOWLEDGE_BASE_DIR", None) if settings.configured else None
    checked = _lexicon_checked
    if (
        cached is not None
        and checked is not None
        and checked[0] is directory
        and checked[1] == _lexicon_generation
    ):
        return cached[2]
    generation = _lexicon_generation
    path = _vocabulary_path()
    mtime = path.stat().st_mtime
    if cached is None or cached[0] != path or cached[1] != mtime:
        with _lexicon_lock:
            with path.open(encoding="utf-8") as fh:
                lexicon = profile_lexicon(safe_load(fh) or {})
            _lexicon_cache = cached = (path, mtime, lexicon)
    _lexicon_checked = (directory, generation)
    return cached[2]


class _Entry:
    """An entry's words with where each word occurs and its words long enough to be a misspelling,
    so that each term is looked up rather than compared at every position."""

    __slots__ = ("words", "at", "long", "fuzzy_words", "_misspelt")

    def __init__(self, words: list[str], fuzzy_words: tuple[str, ...]) -> None:
        self.words = words
        self.at: dict[str, list[int]] = {}
        for i, word in enumerate(words):
            self.at.setdefault(word, []).append(i)
        self.long = [(i, w) for i, w in enumerate(words) if len(w) >= _FLAG_FUZZY_MIN_LEN - 1]
        self.fuzzy_words = fuzzy_words
        self._misspelt: dict[str, list[int]] | None = None

    def misspelt(self) -> dict[str, list[int]]:
        """Each long term word -> the positions of the entry's long words with fuzz.ratio(word, term)
        at or above the cutoff: one rapidfuzz call per long word (computed when first needed)."""
        if self._misspelt is None:
            found: dict[str, list[int]] = {}
            for i, w in self.long:
                # A cutoff a point lower only lets rapidfuzz skip hopeless pairs early; the comparison
                # with the real cutoff is on the score itself, as `fuzz.ratio(w, term) >= cutoff` was.
                for term, score, _ in process.extract(
                    w, self.fuzzy_words, scorer=fuzz.ratio, score_cutoff=_FLAG_FUZZY_CUTOFF - 1, limit=None
                ):
                    if score >= _FLAG_FUZZY_CUTOFF:
                        found.setdefault(term, []).append(i)
            self._misspelt = found
        return self._misspelt


def _term_at(entry: _Entry, term: tuple[str, ...]) -> list[int]:
    """Where the term starts in the entry's words (a single long word also when misspelt)."""
    n, words = len(term), entry.words
    starts = entry.at.get(term[0], ())
    if n == 1:
        hits = list(starts)
    else:
        hits = [i for i in starts if tuple(words[i : i + n]) == term]
    if not hits and n == 1 and len(term[0]) >= _FLAG_FUZZY_MIN_LEN:
        hits = list(entry.misspelt().get(term[0], ()))
    return hits


def _denied(words: list[str], breaks: list[bool], start: int, end: int, lexicon: ProfileLexicon) -> bool:
    """True when the term at words[start:end] is denied: "not pregnant", "no longer breastfeeding",
    "pregnant: no". Punctuation before the term stops the search for a denial ("not pregnant,
    breastfeeding" still says breastfeeding)."""
    skippable = lexicon.skippable
    j = start - 1
    while j >= 0 and not breaks[j + 1]:
        if words[j] in lexicon.denials:
            return True
        if words[j] not in skippable:
            break
        j -= 1
    rest = words[end:]
    return (
        bool(rest)
        and all(w in lexicon.denials or w in _FILLERS for w in rest)
        and bool(lexicon.denials & set(rest))
    )


def _entry_flags(entry: str, lexicon: ProfileLexicon) -> tuple[bool, bool, bool]:
    """(says pregnant, says breastfeeding, mentions either at all: "not pregnant" is understood too)."""
    words, breaks = _words_and_breaks(entry)
    indexed = _Entry(words, lexicon.fuzzy_words)
    if lexicon.first_words.isdisjoint(indexed.at) and (not indexed.long or not indexed.misspelt()):
        return False, False, False  # no term's first word, and no word is a misspelt term
    for phrase in lexicon.exceptions:
        starts = _term_at(indexed, phrase)
        for start in starts:
            words[start : start + len(phrase)] = ["|"] * len(phrase)  # "|" matches no term
        if starts:
            indexed = _Entry(words, lexicon.fuzzy_words)
    hedged = bool(lexicon.hedges & set(words))
    mentioned = False

    at = indexed.at
    misspelt = indexed.misspelt() if indexed.long else {}

    def said(terms) -> bool:
        nonlocal mentioned
        for term in terms:
            if term[0] not in at and (len(term) > 1 or term[0] not in misspelt):
                continue  # neither there nor misspelt there
            for start in _term_at(indexed, term):
                mentioned = True
                if hedged or not _denied(words, breaks, start, start + len(term), lexicon):
                    return True
        return False

    return said(lexicon.pregnancy), said(lexicon.breastfeeding), mentioned


def may_say_flags(words: Iterable[str], lexicon: ProfileLexicon | None = None) -> bool:
    """Whether entries made of these words (a check's tokens) could say or even mention pregnancy or
    breastfeeding. False only when no term has all its words among them and no long word is a
    misspelt term: then `_entry_flags` finds no term in any entry built from them (an exception
    only ever removes words), so the per-clause reading can be skipped."""
    lexicon = lexicon or shipped_profile_lexicon()
    present: set[str] = set()
    for word in words:
        if word.isascii() and word.isalpha() and word.islower():
            present.add(word)
        else:
            present.update(_words_and_breaks(word)[0])  # "38.6" is read as "38" and "6"
    by_first = lexicon.terms_by_first_word
    for word in present:
        terms = by_first.get(word)
        if terms is not None and any(term <= present for term in terms):
            return True
        if len(word) >= _FLAG_FUZZY_MIN_LEN - 1 and lexicon.is_misspelt_term(word):
            return True
    return False


def flag_entries(words: Iterable[str], lexicon: ProfileLexicon | None = None) -> tuple[str, str]:
    """The first entry that says the person is pregnant, and the first that says they breastfeed
    ("" when none does), so that a reason can quote the patient's own words."""
    lexicon = lexicon or shipped_profile_lexicon()
    pregnant = breastfeeding = ""
    for entry in words:
        if not isinstance(entry, str) or not entry.strip():
            continue
        is_pregnant, is_breastfeeding, _ = _entry_flags(entry, lexicon)
        if is_pregnant and not pregnant:
            pregnant = entry
        if is_breastfeeding and not breastfeeding:
            breastfeeding = entry
    return pregnant, breastfeeding


def profile_flags_from_words(
    words: Iterable[str], lexicon: ProfileLexicon | None = None
) -> tuple[bool, bool]:
    """(pregnant, breastfeeding) from free-text profile entries such as "12 weeks pregnant",
    "possibly pregnant", "nursing my baby" or "bf my 3 month old". Conservative: a hedge ("might
    be", "not sure if") counts as yes, and only a plain denial ("not pregnant", "stopped
    breastfeeding") does not. Pure: no database; `lexicon` defaults to the shipped vocabulary.yaml."""
    pregnant, breastfeeding = flag_entries(words, lexicon)
    return bool(pregnant), bool(breastfeeding)
