"""Clinical text understanding: tokens, clauses, ConText assertions, numbers and the subject.

A small implementation of the ConText algorithm (Harkema et al. 2009) with our own trigger
lexicon: each finding a matcher locates is asserted present, possible, negated, family history,
past history or hypothetical, by trigger words within its clause. medspaCy implements ConText
too, but needs Python 3.12 beside numpy 2, and on our labelled assertions its default rules miss
"any headache? no.", "neither ... nor", pseudo-negations and most past history and hedges
(benchmarks/context_compare.py measures both; tests/diagnosis/test_context.py).

Pure Python: no Django, no database.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .yaml_text import safe_load

MAX_INPUT_CHARS = 2000


# A word is corrected as a typo only if it is not itself a common English word (wordfreq Zipf
# frequency below this), so "hips" never becomes "lips", "earache" never becomes "headache" and
# "grasping" never becomes "gasping".
REAL_WORD_ZIPF = 2.0


@functools.lru_cache(maxsize=20000)
def is_real_word(token: str) -> bool:
    # local import: wordfreq's word list costs a few hundred ms; loaded on first use (or warm_reading)
    from wordfreq import zipf_frequency

    return zipf_frequency(token, "en") >= REAL_WORD_ZIPF


class Assertion(StrEnum):
    PRESENT = "present"
    POSSIBLE = "possible"  # hedged or asked about: counts as present for red flags
    NEGATED = "negated"
    FAMILY = "family"
    HISTORICAL = "historical"
    HYPOTHETICAL = "hypothetical"

    @property
    def counts(self) -> bool:
        return self in (Assertion.PRESENT, Assertion.POSSIBLE)


# --- normalising --------------------------------------------------------------------------------
# (pattern, replacement, literals the pattern cannot match without). A pass whose literals are all
# absent from the text is skipped (twelve regex passes were a tenth of a check's CPU: the resolver
# tokenises ~20 times a check). No literals given: "'" when the pattern needs an apostrophe.
_CONTRACTIONS = [
    (r"\bcan'?t\b", "cannot", ("can",)),
    (r"\bwon'?t\b", "will not", ("won",)),
    (r"\bain'?t\b", "is not", ("ain",)),
    (
        r"\b(do|does|did|is|are|was|were|have|has|had|would|could|should|must|need)n'?t\b",
        r"\1 not",
        ("nt", "n't"),
    ),
    (r"\b(i)'?m\b", r"\1 am", ("im", "i'm")),
    (r"\b(he|she|it|that|there|what|who)'s\b", r"\1 is", None),
    (r"\b(i|you|we|they)'ve\b", r"\1 have", None),
    (r"\b(i|you|we|they|he|she)'ll\b", r"\1 will", None),
    (r"\b(you|we|they)'re\b", r"\1 are", None),
    (r"\b(i|you|we|they|he|she)'d\b", r"\1 would", None),
    (r"'s\b", "", None),  # possessive: "baby's lips" -> "baby lips"
    (r"s'(?=\s|$)", "s", None),
]
# Words as people type them without the apostrophe that are not words of their own.
_BARE_CONTRACTIONS = {
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not", "arent": "are not",
    "wasnt": "was not", "werent": "were not", "havent": "have not", "hasnt": "has not", "hadnt": "had not",
    "wouldnt": "would not", "couldnt": "could not", "shouldnt": "should not", "cant": "cannot",
    "im": "i am", "ive": "i have", "cnt": "cannot", "dnt": "do not", "wont": "will not",
    "hes": "he is", "shes": "she is", "theres": "there is", "thats": "that is", "whats": "what is",
    "youre": "you are", "theyre": "they are", "didn": "did not", "doesn": "does not",
}  # fmt: skip
_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[a-z]+|[?!.;:,\n]|\s-\s")

_VOCABULARY = Path(__file__).resolve().parent.parent / "knowledge_base" / "vocabulary.yaml"


@functools.cache
def respellings() -> dict[str, str]:
    """The knowledge base's one map of respellings (vocabulary.yaml `respellings`: "pane" -> "pain",
    "paining" -> "hurting", "bub" -> "baby"). Applied by `tokenise` to texts and knowledge-base terms
    alike, so the terms need not list every way a word is typed. Read once per process."""
    with _VOCABULARY.open(encoding="utf-8") as fh:
        raw = (safe_load(fh) or {}).get("respellings") or {}
    out = {}
    for word, meant in raw.items():
        word, meant = str(word).strip().lower(), str(meant).strip().lower()
        if not (word.isalpha() and meant.isalpha()):
            raise ValueError(f"vocabulary.yaml respellings: {word!r} -> {meant!r} must be one word each")
        out[word] = meant
    return out


_CONTRACTION_STEPS = [
    (re.compile(pattern), replacement, needles or ("'",)) for pattern, replacement, needles in _CONTRACTIONS
]


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))[:MAX_INPUT_CHARS].lower()
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("°", " degrees ")
    text = denials_said_after(text)
    for pattern, replacement, needles in _CONTRACTION_STEPS:
        if any(needle in text for needle in needles):
            text = pattern.sub(replacement, text)
    if " or " in text:
        text = _CANNOT_X_OR_Y.sub(_both_verbs, text)
    if ":" in text:
        text = _CLOCK_WITH_COLON.sub(r"\1.\2", text)
    if "," in text:
        text = _TEMPERATURE_WITH_COMMA.sub(r"\1.\2", text)
    return text


# A finding denied after it is named, as in a self-made checklist: "blood in poo - nope", "bleeding
# from my bottom: none at all", and lines ticked off with a cross mark ("knocked out ✗", "been sick
# ❌") when two or more lines end with one, read as "no blood in poo", "no knocked out". A letter x
# is not read as a cross: it is also a kiss ("baby floppy x / won't wake x"), and misreading one
# would deny an emergency. Never for a sign of life: "is he breathing - no" says he is not.
_DENIED_AFTER = re.compile(
    r"(^|[.;!?\n]\s*)([a-z][^.;!?\n:\u2013\u2014]{1,60}?)\s+[-:\u2013\u2014]\s*"
    r"(?:nope|no|none|nil|nah|negative|never)(?:\s+at\s+all)?\s*(?=[.;!?\n]|$)"
)
_CROSSED_OFF = re.compile(r"(?m)^([ \t\-*\u2022]*)([a-z][^\n]{1,60}?)\s*(?:\u2717|\u2718|\u274c)[ \t]*$")


def _no_unless_vital(match: re.Match) -> str:
    if VITAL_SIGNS.intersection(re.findall(r"[a-z]+", match.group(2))):
        return match.group()
    return f"{match.group(1)}no {match.group(2)}"


def denials_said_after(text: str) -> str:
    """Lower-case text with each finding denied after it rewritten as denied before it."""
    if "-" in text or ":" in text or "\u2013" in text or "\u2014" in text:
        text = _DENIED_AFTER.sub(_no_unless_vital, text)
    crossed = "\n" in text and ("\u2717" in text or "\u2718" in text or "\u274c" in text)
    if crossed and len(_CROSSED_OFF.findall(text)) >= 2:
        text = _CROSSED_OFF.sub(_no_unless_vital, text)
    return text


# "are 38,9": a temperature with a decimal comma, as written across most of Europe.
_TEMPERATURE_WITH_COMMA = re.compile(r"\b(3[5-9]|4[0-2]),(\d)\b")


# "had a fit at 2:30", "19:05 can't grip her cup": a time of day is one token ("2.30"), not a number
# and a sentence end, so "at 2" is not read as an age ("had a fit at 2" years old) and a timeline's
# line stays one sentence.
_CLOCK_WITH_COLON = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")


# "can't see or hear properly on one side" says both: "cannot see properly on one side and cannot
# hear properly on one side", so a term for either reads it. The words after the second verb (up to
# six, not past "and", "but", "so", "or" or punctuation) go with each verb.
_ABILITY_VERBS = (
    "see|hear|feel|move|speak|talk|walk|stand|swallow|breathe|understand|lift|use|wake|eat|drink|grip|"
    "bend|open|close|focus|think|remember|sit|lie"
)
_CANNOT_X_OR_Y = re.compile(
    rf"\b(cannot|cant|can not|could not|couldnt|unable to) ({_ABILITY_VERBS}) or ({_ABILITY_VERBS})\b"
    r"((?: (?!and\b|but\b|so\b|or\b)[a-z0-9']+){0,6})"
)


def _both_verbs(match: re.Match) -> str:
    cannot, first, second, rest = match.groups()
    return f"{cannot} {first}{rest} and {cannot} {second}{rest}"


# Names that contain a symptom word but are not that symptom, each with how it is read: joined into
# one word when the reading is None ("hay fever" is not a fever, "keep fit" is not a fit, "fell asleep"
# is not a fall, a "CPR refresher" is a class, "a fit of giggles" is not a fit), or read as another
# word. A collapsed lung in any word order is "pneumothorax": joined as "collapsedlung" it still began
# with "collaps", which the terms for a person collapsing read. "black and blue" is a bruise (its
# "blue" was read as a cold, blue limb).
_COMPOUND_READINGS: tuple[tuple[str, str | None], ...] = (
    (r"\b(hay|glandular|scarlet|yellow) fever\b", None),
    (r"\bkeep(ing)? fit\b", None),
    (r"\bcold sores?\b", None),
    (r"\bfell asleep\b", None),
    (r"\bcpr (refresher|course|training|class|session|drill|certificate|dummy|doll)s?\b", None),
    (r"\blungs? (has |had |have )?collapsed\b", "pneumothorax"),
    (r"\bcollapsed lung\b", "pneumothorax"),
    (r"\bblack and blue\b", "bruised"),
    (r"\bfits? of (the )?(giggles|laughter|laughing|temper|rage|pique|jealousy)\b", None),
    # figures of speech: "nearly gave me a heart attack", "a heart attack of a day"
    (r"\b(nearly|almost|practically) (gave|give|giving) (me|him|her|us|them) a heart attack\b", "startled"),
    # muscles, not a rigid belly
    (
        r"\b(rock hard|rock solid) from (all )?(the )?"
        r"(sit ups|situps|sit-ups|crunches|planks|gym|the gym|workouts?|training)\b",
        "toned",
    ),
    # "choked on a crisp, coughed it straight out": over, unless the sentence says something is still wrong
    (
        r"\bchok(ed|ing) on [^,.!?]{1,30}[,.]? (and )?(then )?(coughed|coughing) (it|them|this|that) "
        r"(straight |right |back |all )?(out|up)\b(?![^.]*\bstill\b)",
        "coughed something up",
    ),
    # "eyelash stuck in my eye, rinsed it out": out again, unless the sentence says it is still there
    (
        r"\bstuck in (my|his|her|their) eye[,.]? (and )?(then )?(i |he |she |we )?(rinsed|washed|flushed|got|pulled|took|"
        r"fished|blinked) (it|them) (out|away)\b(?![^.]*\bstill\b)",
        "was in the eye, removed",
    ),
    # dev24: "choked on a grape at lunch. Two back blows and it came straight out, she's been playing":
    # over, unless what follows says something is still wrong
    (
        r"\bchok(ed|ing) on (a|my|the|some|his|her|their|a bit of|a piece of) [^!?]{1,80}?"
        r"(came|come|popped|flew|shot) (straight |right |flying |back )?(out|up)\b(?![^.]*\bstill\b)",
        "coughed something up",
    ),
    # dev23: "choked on my tea laughing at a meme, fine now just scratchy throat": over, unless the
    # sentence says something is still wrong or "not fine"
    (
        r"\bchok(ed|ing) on (my|a|the|some|his|her|their) [^,.!?]{1,30}[,.]? [^.!?]{0,30}?"
        r"(?<!not )(fine|ok|okay|alright|all good|better) now\b(?![^.]*\bstill\b)",
        "coughed something up",
    ),
    # "went down the wrong way, coughed for 30 secs then fine": over
    (
        r"\b(went|gone|goes) down the wrong way[,.]? (and )?(i |he |she |they )?(coughed|spluttered)[^.!?]{0,30}? "
        r"(then|and now|now)( he is| she is| they are| i am)? (fine|ok|okay|better|all good|alright|chatting|playing)\b",
        "coughed something up",
    ),
    # dictated: "sigh attica both legs" is sciatica
    (r"\bsigh attica\b", "sciatica"),
    # "my back is not so bad today": mild, not a denial of the back pain
    (r"\bnot (so|too|that) bad\b", "mild"),
    # "ate something dodgy": food poisoning, not a child who swallowed something
    (r"\b(ate|eaten|had) something (dodgy|dodgey|off|bad|funny|iffy|that disagreed)\b", "food poisoning"),
    # "swallowed some bathwater the wrong way, coughed for a few seconds and now he's chatting": over
    # (dev24: also "... the wrong way at dinner, coughed hard and it came up, I'm fine now")
    (
        r"\b(swallowed|drank|breathed in) (some |a bit of |a little )?([a-z]+ ){1,3}the wrong way( (at|over|during) [a-z]+)?[,.]? (and )?"
        r"(i |he |she |they )?(coughed|spluttered)[^.!?]{0,40}? ((then|and now|now)( he is| she is| they are| i am)? "
        r"(fine|ok|okay|better|all good|alright|chatting|playing|laughing|eating|back to normal)|"
        r"(i am|he is|she is|they are) (fine|ok|okay|better|alright) now)\b",
        "coughed something up",
    ),
    # "it stopped after 10 minutes of pressure": a cut that stopped, not one that will not stop
    (
        r"\b(it |bleeding |the bleeding )?stopped after (\d+|ten|fifteen|twenty|a few) (minutes|mins) of "
        r"(pressure|pressing)\b",
        "stopped with pressure",
    ),
    # "weeing and pooing normal": the toilet is normal, not pain on weeing
    (
        r"\b(weeing|peeing|wees|pees|wee|pee|waterworks|bladder)( and (pooing|poos|poo|bowels))? (are |is |all )?"
        r"(normal|normally|fine|ok|okay)\b",
        "toilet normal",
    ),
    (r"\bheart attack of a (day|week|morning|shift|meeting|month)\b", "startled"),
    # "tetanus up to date" reassures; it is not a worry about tetanus
    (
        r"\btetanus (jab |jabs |vaccine |vaccination |shot |booster )?(is |are )?(up to date|in date)\b",
        "vaccinated",
    ),
    # "can't breathe for a second" laughing, and "choking on my words": figures of speech
    (r"\b(cannot|can not|could not) breathe for a (second|sec|moment|split second)\b", "catches breath"),
    (r"\bchok(e|es|ed|ing) on (my|his|her|their|your) words\b", "tongue tied"),
    # a blocked nose, not breathlessness: "can't breathe through her nose with this cold"
    (
        r"\bcannot breathe (properly |well )?(through|out of) (my|his|her|their|the|your) nose\b",
        "blocked nose",
    ),
)
_COMPOUNDS = re.compile("|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _) in enumerate(_COMPOUND_READINGS)))


def join_compounds(text: str) -> str:
    """Each compound in `_COMPOUND_READINGS` read as one word: applied to texts and to knowledge-base
    terms alike."""
    return _COMPOUNDS.sub(_joined, text)


# The compounds that are read as another word (figures of speech, "tetanus up to date", "black and
# blue"), for the symptom resolver: it has its own masks for names such as "hay fever", so it gets
# only these. "can't breathe for a second" laughing must not reach the breathlessness red flag.
_READ_AS_OTHER_WORDS = re.compile(
    "|".join(
        f"(?P<c{i}>{pattern})"
        for i, (pattern, reading) in enumerate(_COMPOUND_READINGS)
        if reading is not None
    )
)


def read_figures_of_speech(text: str) -> str:
    """`text` with each compound that reads as another word replaced by that word; unchanged (not
    even normalised) when it has none, so the resolver's own reading of every other text stays."""
    normalised = normalise_text(text)
    if not _READ_AS_OTHER_WORDS.search(normalised):
        return text
    return _READ_AS_OTHER_WORDS.sub(_joined, normalised)


def _joined(match: re.Match) -> str:
    reading = _COMPOUND_READINGS[int(match.lastgroup[1:])][1]
    return match.group(0).replace(" ", "") if reading is None else reading


def tokenise(text: str) -> list[str]:
    """Lower-case word, number and punctuation tokens; contractions expanded, respellings read as
    the word they stand for ("chest pane" -> "chest pain")."""
    out: list[str] = []
    respelt = respellings()
    text = join_compounds(normalise_text(text))
    for token in _TOKEN_RE.findall(text):
        token = token.strip() or "\n"
        if token == "-":
            token = ":"  # "chest pain - no" reads like "chest pain: no"
        expanded = _BARE_CONTRACTIONS.get(token)
        if expanded:
            out.extend(expanded.split())
        else:
            out.append(respelt.get(token, token))
    return out


# --- clauses -----------------------------------------------------------------------------------
SENTENCE_END = {".", "!", "?", ";", "\n", ":"}
# Words that end the scope of a trigger (ConText "terminators").
TERMINATORS = {
    "but", "however", "although", "though", "except", "apart", "whereas", "yet", "now", "currently",
    "today", "tonight", "anyway", "otherwise", "instead", "because", "cos", "coz",
}  # fmt: skip


# "my dad had a stroke and I have a headache": a new subject after "and" starts a new clause.
_NEW_SUBJECT = [[w] for w in ("i", "my", "me", "he", "she", "they", "we", "his", "her")]
# "it used to wriggle loads and last night it was just a couple of flutters", "I used to get loads and
# the last day or so it's been barely anything": a recent time after "and" starts a new clause, so
# the habit told before it stays in the past and what follows tells of now.
_RECENT_TIME = (
    ("last", "night"), ("the", "last", "day"), ("the", "last", "few"), ("the", "last", "couple"),
    ("the", "past", "day"), ("the", "past", "few"), ("the", "past", "couple"), ("this", "week"),
    ("these", "days"), ("since", "yesterday"), ("yesterday",),
)  # fmt: skip


def _new_clause_after_and(words: list[str], position: int) -> bool:
    after = words[position + 1 : position + 4]
    return after[:1] in _NEW_SUBJECT or opens_with_any(after, _RECENT_TIME)


def opens_with_any(words: list[str], phrases) -> bool:
    """`words` start with one of `phrases` (tuples of words)."""
    return any(words[: len(phrase)] == list(phrase) for phrase in phrases)


@dataclass
class Clause:
    tokens: list[str]
    sentence: int
    question: bool  # the sentence ends with "?"
    conditional: bool = False  # the sentence is a question that starts with "if" ("if my waters broke…?")


_CLAUSE_MARKS = frozenset({",", "(", ")"})


def clauses(tokens: list[str]) -> list[Clause]:
    """Split into clauses at punctuation and terminator words; remember questions and answers."""
    sentences: list[tuple[list[str], str]] = []
    current: list[str] = []
    for token in tokens:
        if token in SENTENCE_END:
            if current:
                sentences.append((current, token))
            current = []
        else:
            current.append(token)
    if current:
        sentences.append((current, ""))
    out: list[Clause] = []
    for number, (words, end) in enumerate(sentences):
        part: list[str] = []
        for position, word in enumerate(words):
            new_subject = word == "and" and _new_clause_after_and(words, position)
            # a bracket closes a clause as a comma does: "(12F, no known epilepsy) had a fit"
            if word in _CLAUSE_MARKS or word in TERMINATORS or new_subject:
                if part:
                    out.append(Clause(part, number, end == "?"))
                part = [] if word in _CLAUSE_MARKS else [word]
            else:
                part.append(word)
        if part:
            out.append(Clause(part, number, end in ("?", ":")))
        if end == "?" and words[:1] == ["if"] and not is_habitual(words):
            for clause in out:
                if clause.sentence == number:
                    clause.conditional = True
    return out


# "if my chest hurts when I run, should I stop?" asks about something that happens, not a
# hypothetical: a question starting with "if" that says when it happens is about a real finding.
_HABITUAL = (("when",), ("whenever",), ("every", "time"), ("each", "time"), ("everytime",))


def is_habitual(words: list[str]) -> bool:
    return any(_contains(words, phrase) >= 0 for phrase in _HABITUAL)


def sentence_answers(tokens: list[str]) -> dict[int, Assertion]:
    """Sentences answered by the next one: "any chest pain? no." negates the question."""
    sentences: list[tuple[list[str], str]] = []
    current: list[str] = []
    for token in tokens:
        if token in SENTENCE_END:
            if current:
                sentences.append((current, token))
            current = []
        elif token != ",":
            current.append(token)
    if current:
        sentences.append((current, ""))
    answers: dict[int, Assertion] = {}
    for i in range(len(sentences) - 1):
        words, end = sentences[i]
        if end not in ("?", ":"):
            continue
        reply = sentences[i + 1][0]
        if sign_of_life_answered_no(words, reply) is not None:
            continue  # "is he breathing? no" is not a denial: complaints read it as "not breathing"
        if reply[:1] and reply[0] in NEGATIVE_ANSWERS and (len(reply) <= 3 or reply[1:2] == ["just"]):
            answers[i] = Assertion.NEGATED
        elif _answered_of_own(reply):
            answers[i] = Assertion.NEGATED  # "would it be a stroke if my face dropped? mine hasn't"
        elif reply[:1] and reply[0] in POSITIVE_ANSWERS:
            answers[i] = Assertion.PRESENT
    return answers


# A short reply about the writer's own case that denies it: "mine hasn't", "it hasn't, just a twitch",
# "he isn't". Anything longer ("mine hasn't, but his has") is not read as an answer.
_OWN_ANSWER_SUBJECTS = frozenset({"mine", "it", "he", "she", "they", "his", "hers", "theirs", "i", "we"})
_OWN_ANSWER_VERBS = frozenset({"has", "have", "is", "are", "was", "did", "does", "do"})


def _answered_of_own(reply: list[str]) -> bool:
    """ "mine has not", "it has not, just a twitch": the writer's own case denied in a short reply."""
    if not reply or reply[0] not in _OWN_ANSWER_SUBJECTS:
        return False
    for at in (2, 3):  # "mine has not", "it has not been"
        if reply[at - 1 : at] == ["not"] and reply[1] in _OWN_ANSWER_VERBS:
            rest = reply[at:]
            return not rest or rest[0] == "just" or (len(rest) == 1 and rest[0] in {"been", "happened"})
    return False


# "nothing broken", "nothing serious", "nothing looks wrong": these deny; "nothing helps" does not.
NOTHING_DENIES = {
    "looks", "seems", "is", "was", "feels", "broken", "fractured", "cracked", "serious", "major", "bad",
    "wrong", "abnormal", "unusual", "else", "like", "numb", "tingly", "odd", "strange", "weird", "different",
    "funny", "worrying", "sudden",
}  # fmt: skip
NEGATIVE_ANSWERS = {"no", "nope", "nah", "none", "never", "negative", "nil"}
POSITIVE_ANSWERS = {"yes", "yeah", "yep", "yup", "definitely", "loads"}

# Signs of life a call handler asks about. "is he breathing? no" reports that he is not breathing:
# the answer describes the person, it does not deny a symptom.
VITAL_SIGNS = frozenset({"breathing", "breathe", "responding", "responsive", "conscious"})


def sign_of_life_answered_no(question: list[str], reply: list[str]) -> int | None:
    """Where a yes/no question about a sign of life ("is he breathing", "is she still responding",
    "is he breathing normally") names it, when the reply starts with "no"; None otherwise, and for
    "is my breathing ok" (the noun) or "are you breathing ok" (how well, not whether). One rule
    for both readers: `sentence_answers` does not read it as a denial, and the complaint layer
    reads it as the sign's absence."""
    if not _says_no(reply):
        return None
    for at, word in enumerate(question):
        if (
            word in VITAL_SIGNS
            and at
            and question[at - 1] not in _POSSESSIVES
            and all(w in _VITAL_SIGN_TAIL for w in question[at + 1 :])
        ):
            return at
    return None


def _says_no(reply: list[str]) -> bool:
    """ "no", "not really", or the person named again and denied: "he is not", "she isn't" (expanded
    to "she is not"), "they are not"."""
    if not reply:
        return False
    if reply[0] in NEGATIVE_ANSWERS:
        return True
    if reply[0] == "not":
        rest = reply[1:]
    elif reply[0] in _THIRD_PERSON and reply[1:2] in (["is"], ["are"], ["was"]) and reply[2:3] == ["not"]:
        rest = reply[3:]
    else:
        return False
    # "he is not coughing" answers something else; "he is not, he is blue" and "not really" answer.
    return not rest or rest[0] in _REPLY_GOES_ON


_THIRD_PERSON = frozenset({"he", "she", "they", "baby"})
_REPLY_GOES_ON = _THIRD_PERSON | VITAL_SIGNS | {"really", "at", "and", "i", "we", "anymore"}
_POSSESSIVES = frozenset({"my", "your", "his", "her", "their", "our", "the", "its"})
_VITAL_SIGN_TAIL = frozenset({"at", "all", "now", "still", "normally", "properly", "anymore"})


# --- triggers ----------------------------------------------------------------------------------
NEGATION_WORDS = {
    "no", "not", "never", "without", "nor", "neither", "none", "denies", "deny", "denied", "nil", "nothing",
    "zero",  # "zero pain, zero swelling"
}  # fmt: skip
# A negation word followed by these denies nothing ("not sure", "no improvement in my cough").
PSEUDO_NEGATION_NEXT = {
    "sure", "just", "only", "idea", "improvement", "improving", "improved", "better", "getting",
    "go", "going", "gone", "help", "helping", "helped", "work", "working", "worked", "doing", "relief",
    "able", "longer", "stop", "stopping", "stopped", "settle", "settling", "settled", "ease", "easing",
    "eased", "change", "changed", "budging", "clear", "clearing", "much", "really", "easy", "matter",
    "responding", "respond", "reacting", "waking", "wake", "breathing", "feeding", "eating", "drinking",
    "moving", "making", "fade", "fading", "leaving", "let", "letting", "enough", "use", "doubt",
    "normal", "himself", "herself", "myself", "themselves", "coming", "touch", "lift",
    "raise", "keep", "keeping", "holding", "hold", "pass", "passing", "passed", "peed", "weeing",
    "peeing", "wee", "pee", "wet", "feel", "feeling", "see", "seeing", "speak", "speaking", "talk",
    "talking", "walk", "walking", "stand", "standing", "swallow", "swallowing", "recognise", "recognising",
    "know", "knowing", "make", "right", "okay", "ok", "well", "good", "great", "fine", "sleep", "sleeping",
}  # fmt: skip
# "not sure", "no idea": the mention is uncertain, which counts as a mention.
UNCERTAINTY_WORDS = {
    "maybe",
    "might",
    "possibly",
    "possible",
    "perhaps",
    "unsure",
    "suspect",
    "probably",
    "think",
}
OLDER_RELATIVES = {
    "mum", "mom", "mother", "mam", "mummy", "dad", "father", "daddy", "grandma", "grandmother",
    "granny", "nan", "nana", "nanna", "gran", "grandad", "granddad", "grandpa", "grandfather",
    "uncle", "aunt", "auntie", "aunty", "cousin", "brother", "sister", "parents", "grandparents",
    "siblings", "family", "relatives",
}  # fmt: skip
# "My mum had a fall and can't get up" is about mum now; family history needs a condition people
# inherit or a death, so a relative's current emergency is never discounted.
FAMILY_DEATH_VERBS = {"died", "diagnosed", "history"}  # and "passed away" ("passed out" is now)
FAMILY_CONDITIONS = {
    "heart", "attack", "attacks", "stroke", "strokes", "cancer", "clot", "clots", "aneurysm", "diabetes",
    "diabetic", "haemorrhage", "hemorrhage", "bleed", "disease", "dvt", "embolism", "cholesterol",
    "epilepsy", "meningitis", "thrombosis", "tumour", "tumor", "dementia", "glaucoma", "asthma",
    "alzheimers", "alzheimer", "parkinsons", "parkinson", "melanoma", "sepsis", "pressure", "ectopic",
    "miscarriage", "shingles", "appendicitis",
}  # fmt: skip
# Words that place an event now, so "my dad had a fit 5 minutes ago" is not family history.
NOW_MARKERS = {
    "just",
    "now",
    "ago",
    "today",
    "tonight",
    "currently",
    "right",
    "minutes",
    "mins",
    "hour",
    "hours",
}
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
HISTORY_PHRASES = [
    ("years", "ago"), ("year", "ago"), ("last", "year"), ("as", "a", "child"), ("as", "a", "kid"),
    ("as", "a", "baby"), ("as", "a", "teenager"), ("as", "a", "girl"), ("as", "a", "boy"), ("as", "a", "toddler"),
    ("history", "of"), ("used", "to"), ("previously",), ("years", "back"), ("long", "time", "ago"),
    ("when", "i", "was", "a"), ("when", "i", "was", "young"), ("when", "i", "was", "little"),
    ("when", "i", "was", "younger"), ("when", "i", "was", "small"),
    ("months", "ago"), ("month", "ago"), ("in", "my", "childhood"), ("as", "a", "youngster"),
    ("when", "he", "was", "a"), ("when", "she", "was", "a"), ("when", "they", "were"), ("when", "we", "were"),
    ("with", "my", "first"), ("last", "pregnancy"), ("previous", "pregnancy"), ("previous",), ("in", "the", "past"),
    ("grew", "out", "of"), ("all", "clear"), ("fully", "recovered"), ("years", "before"),
    ("last", "season"), ("been", "treated"), ("last", "yr"), ("cleared", "up"),
    # "had chest pain last tuesday" (an episode then); "since last tuesday" is how long it has lasted
    ("last", "monday"), ("last", "tuesday"), ("last", "wednesday"), ("last", "thursday"), ("last", "friday"),
    ("last", "saturday"), ("last", "sunday"), ("last", "summer"), ("last", "winter"), ("last", "spring"),
    ("last", "autumn"), ("last", "christmas"), ("last", "easter"), *(("last", month) for month in _MONTHS),
    ("last", "term"), ("last", "semester"),  # dev23: "had a seizure at school last term"
    *(("back", "in", month) for month in _MONTHS),  # dev24: "had chest pain back in March"
    ("yrs", "ago"), ("yr", "ago"), ("yrs", "back"),
]  # fmt: skip
HYPOTHETICAL_PHRASES = [
    ("what", "if"), ("in", "case"), ("if", "ever"), ("ever",), ("hypothetically",), ("suppose",),
    ("supposing",), ("what", "are", "the", "signs"), ("signs", "of", "a"), ("how", "would", "i", "know"),
    ("how", "do", "i", "know"), ("how", "would", "you", "know"), ("what", "happens", "if"),
    ("what", "do", "you", "do", "if"), ("what", "would", "i", "do", "if"), ("just", "curious"),
    ("asking", "ahead"), ("reading", "up"), ("would", "a"), ("what", "temperature", "is", "too"),
    ("who", "do", "they", "call"), ("when", "should", "you"), ("when", "should", "i", "worry"),
    ("what", "should", "i", "do", "if"), ("what", "do", "i", "do", "if"), ("what", "to", "do", "if"),
    ("do", "if"), ("happen", "if"), ("happens", "if"),
    # dev22/dev23: "how would I even know if...", "what counts as reduced movements?", making a poster
    ("how", "would", "i", "even", "know"), ("how", "do", "i", "even", "know"), ("what", "counts", "as"),
    ("making", "a", "poster"),
    # dev27: "how many paracetamol would be an overdose?" asks about a dose, not about one taken
    ("would", "be", "an", "overdose"), ("counts", "as", "an", "overdose"),
    ("how", "to", "prevent"), ("how", "do", "i", "prevent"), ("how", "can", "i", "avoid"),
    ("what", "are", "the", "symptoms"), ("symptoms", "of", "a"), ("school", "project"), ("for", "a", "poster"),
    # questions about what an illness looks like, not about something happening now
    ("what", "does", "a"), ("what", "does", "an"), ("what", "do", "the", "signs"), ("how", "can", "i", "tell"),
    ("how", "can", "you", "tell"), ("how", "do", "you", "tell"), ("how", "to", "spot"), ("how", "do", "i", "spot"),
    ("how", "to", "recognise"), ("how", "do", "you", "recognise"), ("for", "future"), ("for", "the", "future"),
    ("want", "to", "be", "prepared"), ("just", "in", "case"),
    # reading up on an illness, or asking how two differ ("reading about sepsis for my essay, what is the
    # difference between sepsis and septic shock?")
    ("reading", "about"), ("difference", "between"),
    # asked without "the", or of anyone ("what are signs of overdose", "how do you know if a baby is
    # dehydrated"): a question about an illness; a symptom in another clause is still present
    ("what", "are", "signs"), ("what", "are", "some", "signs"), ("what", "are", "symptoms"),
    ("what", "is", "the", "sign"), ("how", "do", "you", "know"), ("how", "do", "we", "know"),
    ("how", "would", "we", "know"), ("how", "does", "someone", "know"), ("how", "could", "i", "tell"),
    ("how", "could", "you", "tell"), ("how", "can", "we", "tell"), ("how", "would", "i", "tell"),
    ("how", "would", "you", "tell"), ("what", "should", "we", "do", "if"), ("what", "should", "you", "do", "if"),
    ("what", "do", "we", "do", "if"), ("what", "would", "you", "do", "if"),
    # "if someone has a seizure, what should I do?": about anyone, not about the writer now
    ("if", "someone"), ("if", "somebody"), ("if", "anyone"), ("if", "a", "person"),
    # about people in general, as "you": "is it true that if you cannot breathe ...", "can you get a
    # heart attack from coffee?"
    ("is", "it", "true"), ("can", "you", "get"), ("can", "you", "have"), ("if", "you", "cannot"),
    ("if", "you", "get"), ("if", "you", "have"),
    # dev9: what an illness is, a first-aid lesson, and what to do "if he goes into" one
    ("what", "actually", "is"), ("what", "is", "an"), ("first", "aid", "course"), ("do", "you", "give"),
    ("how", "do", "i", "use"), ("if", "he", "goes"), ("if", "she", "goes"), ("if", "they", "go"),
    # dev10: dreams, and what counts as a fever
    ("dreams", "that"), ("dream", "that"), ("dreaming", "that"), ("dreams", "about"), ("nightmares", "about"),
    ("what", "temperature", "counts"), ("counts", "as", "a"),
    # dev11: something read or watched, and looking symptoms up
    ("post", "about"), ("article", "about"), ("video", "about"), ("programme", "about"), ("documentary", "about"),
    ("leaflet", "about"), ("card", "about"), ("poster", "about"), ("film", "where"), ("movie", "where"),
    ("show", "where"), ("episode", "where"), ("programme", "where"), ("book", "where"), ("novel", "where"),
    ("scene", "where"), ("game", "where"), ("googling",), ("first", "aid", "for"),
    ("writing", "a", "leaflet"), ("leaflet", "for"),
]  # fmt: skip
# "the worst headache I have ever had": "ever" after a superlative measures, it does not suppose.
SUPERLATIVES = frozenset(
    {"worst", "worse", "most", "biggest", "strongest", "heaviest", "highest", "sharpest", "hardest",
     "longest", "first", "only", "scariest", "weirdest", "strangest", "bad", "badly"}
)  # fmt: skip
# "started 3 weeks ago", "periods stopped 4 months ago": when something still going on began.
_ONSET_BEFORE_AGO = {"started", "start", "began", "begun", "stopped", "since", "came", "kicked"}
# "more out of breath than I used to" compares with the past; it is not past history.
# "than I used to" compares; "I've got used to feeling flutters" means accustomed, not the past.
_COMPARISON_BEFORE_USED_TO = {"than", "as", "like", "what", "got", "get", "gets", "getting"}
NEGATION_WINDOW = 6  # tokens after a negation word it reaches, within its clause


def _contains(words: list[str], phrase: tuple[str, ...]) -> int:
    if not phrase:
        return 0
    first = phrase[0]
    if first not in words:
        return -1  # one scan in C; most phrases asked about are absent
    n = len(phrase)
    last = len(words) - n
    i = words.index(first)  # only where the first word is: the same first match as every position
    while i <= last:
        if tuple(words[i : i + n]) == phrase:
            return i
        try:
            i = words.index(first, i + 1)
        except ValueError:
            return -1
    return -1


@dataclass
class Span:
    start: int
    end: int  # exclusive


@dataclass
class ClauseContext:
    """Trigger positions within one clause, computed once and asked about many spans."""

    words: list[str]
    protected: list[Span] = field(default_factory=list)  # spans of findings that contain their own negation
    negations: list[int] = field(default_factory=list)
    family: bool = False
    history: bool = False
    hypothetical_from: int | None = None
    hypothetical_to: int | None = None  # "how do I know if it's a stroke my face has dropped": ends at "my"
    hypothetical_again: int | None = None  # a later supposition, after hypothetical_to
    uncertain: bool = False
    other_from: int | None = None  # "a rash like my friend had": from here on, someone else's
    simile_from: int | None = None  # "like I've swallowed a cheese grater": events after it are not real
    worry_from: int | None = None  # "worried about a heart attack": conditions after it are not findings
    cannot_without: list[int] = field(default_factory=list)  # "cannot walk without wincing"
    fine_at: int | None = None  # "my testicles are fine": what ends just before the "are" is denied

    @classmethod
    def build(
        cls,
        words: list[str],
        protected: list[Span],
        question: bool,
        first_person: bool = True,
        continuation: list[str] | None = None,
    ) -> ClauseContext:
        ctx = cls(words, protected)
        inside = {i for span in protected for i in range(span.start, span.end)}
        first_time = "never" in words and "before" in words  # "never had a verruca before": it is new
        for i, word in enumerate(words):
            if first_time and word == "never":
                continue
            if word in UNCERTAINTY_WORDS or (word == "not" and words[i + 1 : i + 2] == ["sure"]):
                ctx.uncertain = True
            if word in NEGATION_WORDS and i not in inside:
                following = words[i + 1] if i + 1 < len(words) else ""
                if word == "not" and following in PSEUDO_NEGATION_NEXT:
                    continue
                if word == "no" and following in {
                    "idea",
                    "improvement",
                    "better",
                    "relief",
                    "change",
                    "longer",
                    "wonder",  # "no wonder my back aches"
                    "denying",  # "no denying I overdid it"
                }:
                    continue
                if word == "nothing" and following not in NOTHING_DENIES:
                    continue  # "nothing helps", "nothing works": the complaint is there
                ctx.negations.append(i)
        ctx.uncertain = ctx.uncertain or question
        ctx.other_from = _compared_with_someone_else(words)
        # "a cough like my friend had last year": the past and the relative belong to the comparison
        own = words if ctx.other_from is None else words[: ctx.other_from]
        ctx.family = _family_history(own, first_person) or told_of_someone_else(
            own, continuation, first_person
        )
        ctx.history = _past_history(own)
        ctx.simile_from = _simile_start(words)
        ctx.worry_from = _worry_start(words)
        ctx.cannot_without = _cannot_without(words)
        ctx.fine_at = _said_to_be_fine(words)
        # "cannot breathe in without pain in my chest": the pain after "without" is there
        ctx.negations = [at for at in ctx.negations if at not in ctx.cannot_without]
        ctx.hypothetical_from, ctx.hypothetical_to, ctx.hypothetical_again = _hypothetical_reach(words)
        return ctx

    def assertion(self, span: Span) -> Assertion:
        if self.family:
            return Assertion.FAMILY
        if self.history:
            return Assertion.HISTORICAL
        if (
            self.hypothetical_from is not None
            and self.hypothetical_from <= span.start
            and (self.hypothetical_to is None or span.start < self.hypothetical_to)
        ):
            return Assertion.HYPOTHETICAL
        if self.hypothetical_again is not None and self.hypothetical_again <= span.start:
            return Assertion.HYPOTHETICAL
        if self.other_from is not None and self.other_from <= span.start:
            return Assertion.FAMILY  # ConText "experiencer: other": like my friend had
        said = self.words[span.start : span.end]
        if (
            span.start >= 2
            and self.words[span.start - 1] in KNOWN_OTHERS
            and self.words[span.start - 2] in _OWNERS
            and CONDITION_WORDS.intersection(said)
        ):
            return Assertion.FAMILY  # "my neighbour's heart attack": an illness told as theirs
        if (
            span.start >= 2
            and self.words[span.start - 1] == "of"
            and self.words[span.start - 2] in FEAR_WORDS
            and said[0].endswith("ing")
        ):
            return Assertion.HYPOTHETICAL  # "scared of choking on my dinner": a fear, not an event
        if self.simile_from is not None and self.simile_from < span.start and EVENT_WORDS.intersection(said):
            return Assertion.HYPOTHETICAL  # a sensation compared with an event, not the event
        if (
            self.worry_from is not None
            and self.worry_from < span.start
            and CONDITION_WORDS.intersection(said)
        ):
            return Assertion.HYPOTHETICAL  # a condition worried about, not a finding
        if said[:1] in (["cannot"], ["unable"]) and any(at >= span.end for at in self.cannot_without):
            return Assertion.NEGATED  # "cannot walk without wincing": walks, and it hurts
        for at in self.negations:
            if at < span.start and span.start - at <= NEGATION_WINDOW:
                return Assertion.NEGATED
        if self.fine_at is not None and span.end == self.fine_at and not PEOPLE_WORDS.issuperset(said):
            return Assertion.NEGATED  # "my testicles are fine", "his breathing is fine now"
        for outer in self.protected:
            # "pain" inside the finding "no pain" (a painless burn) is denied, whatever "no pain" means.
            if (
                outer.start < span.start
                and span.end <= outer.end
                and self.words[outer.start] in NEGATION_WORDS
            ):
                return Assertion.NEGATED
        return Assertion.POSSIBLE if self.uncertain else Assertion.PRESENT


# A question about an illness ("how do you know if it's a stroke", "what are the signs of sepsis")
# asks about what it names; a new subject after that ("... my face has dropped", "... he is confused"),
# typed without a comma, describes now.
_QUESTION_WORDS = frozenset({"what", "how", "when"})


# Looking up how to end one's life is a warning sign (NHS "Help for suicidal thoughts"), not a
# search about an illness or a mention: "he's been googling ways to end it" is read as it stands.
_WAY_TO = (("how", "to"), ("ways", "to"))
_DYING_VERBS = frozenset({"end", "kill", "die", "overdose", "hang"})


def searches_a_way_to_die(following: list[str]) -> bool:
    """Whether the words after a search ("googled", "online") ask how to end a life."""
    return any(
        tuple(following[k : k + 2]) in _WAY_TO and following[k + 2] in _DYING_VERBS
        for k in range(len(following) - 2)
    )


def _hypothetical_reach(words: list[str]) -> tuple[int | None, int | None, int | None]:
    """Where a clause's supposition starts, where a question's one ends, and where a second one
    starts after it ("how do I use an auto-injector if he goes into anaphylaxis?")."""
    present = set(words)
    start = end = None
    starts = []
    for phrase in HYPOTHETICAL_PHRASES:
        if phrase and phrase[0] not in present:
            continue  # as `_contains` would answer, without ~70 calls per clause
        at = _contains(words, phrase)
        if phrase == ("ever",) and at >= 0 and set(words[:at]) & SUPERLATIVES:
            continue  # "the worst headache I've ever had" happens now
        if phrase == ("googling",) and at >= 0 and searches_a_way_to_die(words[at + 1 : at + 5]):
            continue
        if at >= 0:
            start = at if start is None else min(start, at)
            if phrase[0] in _QUESTION_WORDS and start == at:
                end = _question_ends(words, at + len(phrase))
            starts.append((at, at + len(phrase)))
    if _asks_what_a_term_means(words) or (words[:1] in (["would"], ["could"]) and "mean" in present):
        start, end = 0, None  # "would chest pain after running mean a heart attack?" asks, it does not say
    again = None
    if end is not None:
        # a second supposition reaching past the question's object runs to the end of the clause
        again = min((at for at, stop in starts if at > start and stop > end), default=None)
    return start, end, again


def _asks_what_a_term_means(words: list[str]) -> bool:
    """ "what does coffee ground vomit mean?", "what does saddle anaesthesia feel like to a patient?"
    and "why is clear fluid from the nose such a big deal?" ask about words, not about anyone; "what
    does it mean when my poo is black" names someone ("my") and stays a finding."""
    if not _SUBJECT_WORDS.isdisjoint(words) or "it" in words:
        return False
    if words[:2] in (["what", "does"], ["what", "do"]):
        return (
            "mean" in words
            or _contains(words, ("feel", "like")) >= 0
            or _contains(words, ("look", "like")) >= 0
        )
    return (
        words[:2] in (["why", "is"], ["why", "are"]) and _contains(words, ("such", "a", "big", "deal")) >= 0
    )


_QUESTION_OBJECT_LEAD = frozenset({"if", "of", "whether", "for", "that"})
_SUBJECT_WORDS = frozenset({"i", "my", "he", "she", "his", "her", "they", "their", "we", "our"})
_PREPOSITIONS = frozenset(
    {"in", "on", "of", "to", "with", "at", "from", "for", "about", "near", "under", "around", "behind", "by"}
)


def _question_ends(words: list[str], after: int) -> int | None:
    """Where a question's hypothetical ends: at the first subject word after the question's own object
    (its first word after "if"/"of" is the object's subject: "if my baby is dehydrated"), unless it
    follows a preposition ("a cut on my leg")."""
    start = after + int(words[after : after + 1] != [] and words[after] in _QUESTION_OBJECT_LEAD)
    for i in range(start + 1, len(words)):
        if words[i] in _SUBJECT_WORDS and words[i - 1] not in _PREPOSITIONS:
            return i
    return None


_SHORTLY = frozenset({
    "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins", "seconds", "moments", "just", "shortly", "right",
})  # fmt: skip


def episode_weeks_ago(words: list[str]) -> bool:
    """ "couple of weeks ago I had chest pain": an episode then, so past history. The complaint layer
    takes it back when the rest of the sentence says it goes on ("... and now it is crushing")."""
    return any("had" in words[i + 2 : i + 4] for i in _weeks_ago(words, onset_lookback=3))


def _weeks_ago(words: list[str], onset_lookback: int) -> Iterator[int]:
    """Where "week(s) ago" dates something, unless an onset word just before it says that is when
    something still going on began ("it started 3 weeks ago")."""
    for i in range(len(words) - 1):
        if words[i] in ("weeks", "week") and words[i + 1] == "ago":
            if _ONSET_BEFORE_AGO.isdisjoint(words[max(0, i - onset_lookback) : i]):
                yield i


_NOT_PAST = frozenset({"now", "currently", "again", "today", "tonight", "still"})


def _speaks_of_now(words: list[str]) -> bool:
    """Whether the words say something is going on now; an age given "now" ("when he was 2, he is 6
    now") only dates the story. Runs for every clause: most have none of the words, so that is
    checked first."""
    if _NOT_PAST.isdisjoint(words):
        return False
    return any(
        word in _NOT_PAST and not (word == "now" and i and words[i - 1][:1].isdigit())
        for i, word in enumerate(words)
    )


def _past_history(words: list[str]) -> bool:
    """ "had shingles years ago" is history; "worse over the last year" is how long it has lasted."""
    return not _speaks_of_now(words) and (_told_as_past(words) or episode_weeks_ago(words))


def past_history_beyond_weeks(words: list[str]) -> bool:
    """History for a reason other than an episode weeks ago ("had shingles years ago")."""
    return not _speaks_of_now(words) and _told_as_past(words)


# "my sister had surgery for cauda equina", "was treated for sepsis": an illness dealt with, unless
# the clause, or the next one joined by "and"/"but"/"now", goes on in the present ("had surgery for a
# hernia and now the lump is hard").
_TREATED_FOR = (
    ("had", "surgery", "for"), ("had", "an", "operation", "for"), ("had", "an", "op", "for"),
    ("was", "treated", "for"), ("were", "treated", "for"), ("had", "treatment", "for"),
    ("was", "operated", "on", "for"),
)  # fmt: skip
# Verbs that put the clause in the present; "now", "still", "today"... are `_speaks_of_now`'s.
_PRESENT_VERBS = frozenset(
    {"is", "are", "am", "has", "have", "keeps", "keep", "hurts", "hurt", "will", "can", "cannot"}
)  # fmt: skip
_JOINED = frozenset({"and", "but", "now", "then", "so"})


def treated_and_over(words: list[str], following: list[str]) -> bool:
    """Whether the clause tells an illness as treated and over (see `_TREATED_FOR`)."""
    for phrase in _TREATED_FOR:
        at = _contains(words, phrase)
        if at < 0:
            continue
        after = words[at:] + (following if following[:1] and following[0] in _JOINED else [])
        return _PRESENT_VERBS.isdisjoint(after) and not _speaks_of_now(after)
    return False


_AGE_IN_WEEKS = frozenset({"day", "days", "week", "weeks", "month", "months"})
# Names of episodes a bare year after them dates ("dissection 2020", "DKA 2015, 2017").
_EPISODE_NOUNS = frozenset(
    {"haemorrhage", "hemorrhage", "dissection", "syndrome", "ulcer", "embolism", "pe", "dka", "sepsis",
     "meningitis", "anaphylaxis", "arrest", "ectopic", "miscarriage", "pancreatitis", "appendicitis",
     "fracture", "clot", "dvt", "infarct", "mi", "tia", "admission", "transfusion", "scald", "burn"}
)  # fmt: skip
_DATED_EVENTS = frozenset(
    {"overdosed", "collapsed", "diagnosed", "hospitalised", "hospitalized", "admitted", "operated"}
)
# "had one febrile fit aged 2": the dated events and the episodes a child's age dates
_DATED_BY_AGED = _DATED_EVENTS | {"fit", "seizure", "convulsion", "one", "attack"}


def _dated_by_an_age(words: list[str]) -> bool:
    """An event dated by an age: "I overdosed at 17", "when he was two", "in NICU at 3 weeks old"."""
    for i in range(len(words) - 2):
        if (
            words[i] in _DATED_EVENTS
            and words[i + 1] == "at"
            and words[i + 2].isdigit()
            and 1 <= int(words[i + 2]) <= 99
            and not _clock_time(words, i + 2)
        ):
            return True  # "I overdosed at 17", "collapsed at 19": an age, not a time of day
        if (
            words[i + 1] == "aged"
            and words[i] in _DATED_BY_AGED
            and _number(words[i + 2]) is not None
            and "had" in words[:i]
        ):
            return True  # dev24: "had one febrile fit aged 2, none since"
    for i in range(len(words) - 3):
        if words[i] == "when" and words[i + 2] in ("was", "were") and _number(words[i + 3]) is not None:
            return True  # "when he was 2", "when he was two"
        if (
            words[i] == "at"
            and _number(words[i + 1]) is not None
            and words[i + 2] in _AGE_IN_WEEKS
            and words[i + 3] in ("old", "with")
            and not {"was", "were"}.isdisjoint(words[:i])
        ):
            return True  # "my baby was in NICU at 3 weeks old with a fever", "in hospital at six weeks with"
    return False


def _told_as_past(words: list[str]) -> bool:
    """Said as the past: "when he was 2", "had depression before", "in 2021 ...", "... years ago"."""
    if _dated_by_an_age(words):
        return True

    had = words.index("had") if "had" in words else -1
    if had >= 0 and "before" in words[had:] and words[had - 1 : had] != ["never"]:
        # "never had one before" says this one is the first, not that something is past
        at = words.index("before", had)
        if words[at - 1] not in _SHORTLY and _BEFORE_A_TIME_TODAY.isdisjoint(words[at + 1 : at + 2]):
            # "I've had depression before"; "2 hours before" and "another before lunch" say when, today
            return True
    for i in range(1, len(words)):
        if (
            words[i].isdigit()
            and len(words[i]) == 4
            and 1950 <= int(words[i]) <= 2025
            and words[i - 1]
            in ("bleed", "attack", "stroke", "op", "operation", "surgery", "overdose", "fit", "seizure")
        ):
            return True  # "had stomach ulcer bleed 2015": an event dated by its year alone
        if (
            words[i].isdigit()
            and len(words[i]) == 4
            and 1950 <= int(words[i]) <= 2025
            and (words[i - 1] in _MONTHS or words[i - 1] in _EPISODE_NOUNS)
        ):
            return True  # "heart attack March 2019", "subarachnoid haemorrhage 2013", "SJS 2014"
        if words[i - 1] in ("in", "back") and words[i].isdigit() and 1900 <= int(words[i]) <= 2100:
            # "In 2021 I overdosed and was treated", "my seizure was in 2019", "had my appendix out in
            # 2015" ("since 2019" goes on)
            return True
    if "had" in words:
        at = words.index("had")
        for i in range(at + 1, len(words) - 1):
            if words[i] in {"at", "aged", "age"} and words[i + 1][:1].isdigit():
                if words[i] == "at" and _clock_time(words, i + 1):
                    continue  # "she had one fit at 2pm": when, today
                return True  # "had a collapsed lung at 19"
    if _one_off_event_weeks_ago(words):
        return True
    for phrase in HISTORY_PHRASES:
        at = _contains(words, phrase)
        if at < 0:
            continue
        if phrase[-1] == "ago" and set(words[max(0, at - 5) : at]) & _ONSET_BEFORE_AGO:
            # "my periods stopped 4 months ago", "it started 3 weeks ago", "since I started the
            # pill 2 months ago": still going on
            continue
        if (
            phrase[0] == "last"
            and at > 0
            and words[at - 1] in {"the", "over", "for", "past", "this", "since"}
        ):
            continue
        if phrase == ("used", "to") and set(words[max(0, at - 3) : at]) & _COMPARISON_BEFORE_USED_TO:
            continue
        return True
    return False


_BEFORE_A_TIME_TODAY = frozenset(
    {"lunch", "breakfast", "dinner", "tea", "supper", "bed", "bedtime", "noon", "midnight", "school", "work"}
)


def _clock_time(words: list[str], at: int) -> bool:
    """ "2 pm", "10am", "2.20", "7:30": a time of day, not an age."""
    after = words[at + 1] if at + 1 < len(words) else ""
    return after in {"am", "pm", "oclock"} or words[at].endswith(("am", "pm")) or not words[at].isdigit()


# One-off events: dated weeks back they are over ("a colleague who collapsed at work 5 weeks ago").
_ONE_OFF_EVENTS = frozenset({"collapsed", "fainted", "overdosed", "fitted", "blacked", "resuscitated", "cpr"})


def _one_off_event_weeks_ago(words: list[str]) -> bool:
    """ "collapsed ... 5 weeks ago" is history; "started 3 weeks ago" is not (an onset word, or a
    verb of something that goes on, is not a one-off event)."""
    return any(_ONE_OFF_EVENTS.intersection(words[:i]) for i in _weeks_ago(words, onset_lookback=5))


FEAR_WORDS = frozenset(
    {"scared", "afraid", "frightened", "terrified", "petrified", "fear", "phobia", "phobic"}
)
_TIME_WORDS = frozenset({"since", "after", "when", "because"})
# Not _POSSESSIVES (above, for sign-of-life questions): reusing that name here rebound it for
# `sign_of_life_answered_no` too, so "is the breathing ok? no" lost its exclusion.
_RELATIVE_POSSESSIVES = frozenset({"my", "his", "her", "their", "our"})


def _bereavement_as_time(words: list[str], i: int) -> bool:
    """'since mum died he keeps saying ...': a loss that dates what follows is not family history."""
    before = words[i - 1] if i >= 1 else ""
    if before in _RELATIVE_POSSESSIVES:
        before = words[i - 2] if i >= 2 else ""
    return before in _TIME_WORDS


def _at_an_age(words: list[str]) -> bool:
    """ "at 50", "aged 60": the age at which something happened."""
    return any(
        word in ("at", "aged") and nxt[:1].isdigit() for word, nxt in zip(words, words[1:], strict=False)
    )


def _family_history(words: list[str], first_person: bool) -> bool:
    if _contains(words, ("runs", "in")) >= 0 or _contains(words, ("family", "history")) >= 0:
        return True
    if first_person and any(
        _contains(words, p) >= 0 for p in (("in", "my", "family"), ("in", "the", "family"))
    ):
        return True  # "everyone in my family has high blood pressure"
    if set(words) & NOW_MARKERS:
        return False
    for i, word in enumerate(words):
        if word not in OLDER_RELATIVES or _bereavement_as_time(words, i):
            continue
        following = words[i + 1 : i + 4]
        if set(following) & FAMILY_DEATH_VERBS or _contains(following, ("passed", "away")) >= 0:
            return True
        if first_person and "had" in following and set(words[i + 1 :]) & FAMILY_CONDITIONS:
            return True
        if (
            first_person
            and following[:1]
            and following[0] in FAMILY_CONDITIONS
            and _at_an_age(words[i + 1 :])
        ):
            return True  # "my uncle heart attack at 50, I am 42" ("mum's diabetic" describes mum now)
        if first_person and following[:2] == ["was", "in"] and set(words[i + 1 :]) & FAMILY_CONDITIONS:
            return True  # "my mum was in ICU with sepsis last month"
    return False


# --- whose finding, and is it one (experiencer, withdrawals, similes, worries) ---------------------------
# People other than the one the check is about, when their illness is told as a finished story
# ("my friend's baby had a fever and it turned out serious"): ConText's "experiencer: other".
# Partners and children are left out: "my husband is clutching his chest" is who the check is for.
OTHER_PEOPLE = frozenset(
    {
        "friend", "friends", "colleague", "colleagues", "coworker", "coworkers", "workmate", "workmates",
        "mate", "mates", "neighbour", "neighbours", "neighbor", "neighbors", "someone", "somebody", "boss",
        "classmate", "flatmate", "housemate", "roommate", "pal", "bloke", "guy", "lady", "woman", "man",
    }
)  # fmt: skip
# People the writer knows (not a stranger the writer may be helping now: "a man had a fit in front of
# me" is an emergency now); their "had" is a story when the writer speaks of themselves elsewhere.
KNOWN_OTHERS = OTHER_PEOPLE - {"someone", "somebody", "bloke", "guy", "lady", "woman", "man"}
_KNOWN_PLACES = frozenset({("at", "work"), ("at", "school"), ("i", "know"), ("in", "my")})
_OWNERS = frozenset({"my", "our", "his", "her", "their", "a", "the"})
_THEIR_PEOPLE = frozenset(
    {"baby", "son", "daughter", "kid", "kids", "child", "toddler", "husband", "wife", "partner", "mum", "dad",
     "mom", "brother", "sister", "boy", "girl"}
)  # fmt: skip
# A story that is over: how it ended ...
STORY_ENDED = [
    ("turned", "out"), ("ended", "up"), ("died",), ("passed", "away"), ("recovered",), ("in", "the", "end"),
]  # fmt: skip
# ... or when it happened. A time in the past is enough for a friend or a colleague, not for a parent:
# "Mum started allopurinol last month. Today her lips are covered in sores" is about mum now.
STORY_PAST = [
    ("last", "week"), ("last", "month"), ("last", "year"), ("last", "summer"), ("last", "winter"),
    ("last", "time"), ("years", "ago"), ("year", "ago"), ("months", "ago"), ("month", "ago"), ("weeks", "ago"),
    ("week", "ago"), ("once",), ("was", "diagnosed"), ("got", "diagnosed"), ("the", "other", "day"),
    ("was", "admitted"), ("was", "rushed"),
    # dev23: "neighbour got taken off in an ambulance last night": others are looking after it
    ("got", "taken"), ("was", "taken"),
]  # fmt: skip
# Words that describe someone now: a story with one of them is not over ("my mum had a fall and
# cannot get up", "my friend had a seizure and is not waking up").
PRESENT_TENSE = frozenset(
    {
        "is", "are", "am", "has", "have", "cannot", "can", "will", "keeps", "keep", "still", "now",
        "currently", "today", "tonight", "right", "just", "seems", "looks", "getting", "going", "being",
        "having", "minutes", "mins", "hour", "hours", "does", "do", "feels", "feel", "help", "please",
    }
)  # fmt: skip
THIRD_PERSON = frozenset({"he", "she", "his", "her", "him", "they", "their", "them"})
_PRONOUNS = THIRD_PERSON
# "my mate had chest pain like this last year": the writer has it too.
_LIKE_MINE = [("like", "this"), ("like", "mine"), ("as", "mine"), ("like", "i", "have"), ("like", "me")]


def _over(words: list[str], continuation: list[str] | None) -> bool:
    """Nothing in the clause, or in the clauses that go on about the same person ("... and she
    cannot lift her arm"), says the person is like this now; "she is fine" says it is over."""
    if continuation and len(continuation) <= 4 and _said_to_be_fine(continuation) is not None:
        continuation = None  # "my friend had a seizure once, she is fine"
    return not (PRESENT_TENSE & set(words) or PRESENT_TENSE & set(continuation or ()))


# A pet is never the one the check is about: "the cat had a fit", "our dog collapsed and isn't breathing
# right" (ConText "experiencer: other"). Not when the animal acts on a person ("the dog bit my son",
# "the horse threw him"), and not in a clause that also speaks of a person ("... and gave me a fright").
PETS = frozenset(
    {"dog", "dogs", "puppy", "pup", "cat", "cats", "kitten", "horse", "pony", "rabbit", "bunny", "hamster",
     "budgie", "parrot", "ferret", "tortoise", "pet", "gerbil"}
)  # fmt: skip
_PET_LEAD = frozenset({"the", "our", "my", "his", "her", "their", "your", "a", "and"})
_ANIMAL_ACTS_ON_SOMEONE = frozenset(
    {"bit", "bite", "bites", "biting", "bitten", "nipped", "scratched", "scratch", "scratches", "attacked",
     "attack", "mauled", "jumped", "knocked", "pulled", "dragged", "tripped", "kicked", "trod", "stood",
     "threw", "thrown", "chased", "licked", "landed", "fell", "ran"}
)  # fmt: skip
_A_PERSON_TOO = frozenset(
    {"i", "me", "myself", "we", "us", "him", "himself", "herself", "them", "you", "he", "she", "they", "my",
     "his", "her", "their", "husband", "wife", "partner", "son", "daughter", "baby", "child", "kid", "boy",
     "girl", "toddler", "someone", "somebody", "man", "woman", "friend", "neighbour", "neighbor"}
) | OLDER_RELATIVES  # fmt: skip


def an_animal_is_the_subject(words: list[str]) -> bool:
    for i, word in enumerate(words[:3]):
        # a determiner first: a bare "cat" or "pet" may be a person's name ("Cat collapsed")
        if word in PETS and i and _PET_LEAD.issuperset(words[:i]):
            rest = words[i + 1 :]
            return _ANIMAL_ACTS_ON_SOMEONE.isdisjoint(rest) and _A_PERSON_TOO.isdisjoint(rest)
    return False


# "me grandad's in hospital with a stroke and I've come out in a rash", "my best friend is in ICU after
# an overdose ... I can't sleep", "colleague went off in an ambulance, he's doing ok": someone else's
# emergency that hospital or ambulance staff have in hand, in a message whose writer speaks of
# themselves elsewhere (the writer's own findings are read as usual).
_IN_CARE = [
    ("in", "hospital"), ("in", "icu"), ("in", "intensive", "care"), ("in", "resus"), ("rushed", "in"),
    ("rushed", "to"), ("taken", "to", "hospital"), ("took", "off", "in"), ("taken", "off", "in"),
    ("went", "off", "in"), ("in", "an", "ambulance"), ("by", "ambulance"), ("ambulance", "came"),
    ("paramedics", "came"), ("paramedics", "checked"), ("paramedics", "took"), ("blue", "lighted"),
    ("was", "admitted"), ("been", "admitted"), ("is", "admitted"),
]  # fmt: skip
_PEOPLE_IN_CARE = OTHER_PEOPLE | OLDER_RELATIVES | _THEIR_PEOPLE | {"grandson", "granddaughter"}


def in_someone_elses_care(words: list[str]) -> bool:
    """The clause is led by someone else (a relative, a friend) who is in hospital or was taken in."""
    person = next((i for i, word in enumerate(words[:4]) if word in _PEOPLE_IN_CARE), None)
    if person is None:
        return False
    after = words[person + 1 :]
    for phrase in _IN_CARE:
        at = _contains(after, phrase)
        # "my dad took me to hospital": the writer is in the story; "my cousin was rushed in last
        # week and it's made me anxious" is about the writer only after it
        if at >= 0 and FIRST_PERSON.isdisjoint(after[: at + len(phrase)]):
            return True
    return False


def told_of_someone_else(
    words: list[str], continuation: list[str] | None = None, first_person: bool = False
) -> bool:
    """Someone else's illness told as a finished story: "my friend had a fever last week", "my
    grandad coughed up blood before he died", "my mum had a stroke and her face drooped" (and no
    word saying it is now).
    `continuation`: the words of the clauses after it that go on with "he", "she", "her"...;
    `first_person`: the writer speaks of themselves elsewhere ("my friend had meningitis at uni,
    I've just got a sore throat"), which makes a friend's "had" a story, as does a friend's child
    ("my friend's baby had a fever"). A stranger ("a woman had a fit on the bus, what do I do") or a
    bare "my friend had a seizure" may be happening now and counts."""
    if an_animal_is_the_subject(words) and _A_PERSON_TOO.isdisjoint(continuation or ()):
        return True  # not when a "he" or "she" goes on: "the dog barked, she collapsed" is about her
    if first_person and in_someone_elses_care(words + (continuation or [])):
        return True  # "my friend had a heart attack yesterday, she's stable in hospital"
    if not _over(words, continuation) or any(_contains(words, p) >= 0 for p in _LIKE_MINE):
        return False
    for i, word in enumerate(words[:4]):  # the story's subject leads its clause
        if word in OTHER_PEOPLE and not (word == "man" and words[i - 1 : i] == ["my"]):
            after = words[i + 1 :]
            if any(_contains(after, p) >= 0 for p in STORY_ENDED + STORY_PAST):
                return True
            known = word in KNOWN_OTHERS or tuple(after[:2]) in _KNOWN_PLACES  # "someone at work"
            if known and after[:2] in (["at", "work"], ["at", "school"]):
                after = after[2:]
            if "had" in after[:4] and known:
                if after[:1] and after[0] in _THEIR_PEOPLE:
                    return True  # "my friend's baby had a fever": never the one the check is about
                if first_person and FIRST_PERSON.isdisjoint(words):
                    return True  # "my friend had meningitis at uni, I've just got a sore throat"
        if word in OLDER_RELATIVES:
            after = words[i + 1 :]
            if any(_contains(after, p) >= 0 for p in STORY_ENDED):
                return True
            # "my mum had a stroke and her face drooped" without how it ended may be happening now:
            # a carer writes in the past tense too, so it counts (the cautious reading).
    return False


# A relative's story is finished when it is dated or ended by a death: "my dad had a stroke last year
# and his face dropped", "mum had a heart attack at 52 - crushing pain into her jaw, grey and sweaty"
# (mentions.py cuts what follows the dash). Words that still say now end it ("is", "has", "now").
STILL_TRUE = PRESENT_TENSE - {"going", "getting", "being", "having"}  # "pain going into her jaw"
# in the story's own clause: "she has", "he is" say it is not over
_STILL_TRUE_HERE = frozenset({"is", "are", "am", "has", "have", "still", "keeps", "keep", "now"})


def a_finished_family_story(words: list[str], first_person: bool) -> bool:
    """A relative's illness told as over: dated in the past or ended by a death ("mum had cauda equina
    in 2021", "my brother was scalded as a toddler"); never with a word that says now."""
    if not NOW_MARKERS.isdisjoint(words):
        return False
    relative = any(w in OLDER_RELATIVES or w in _THEIR_PEOPLE or w in KNOWN_OTHERS for w in words[:4])
    told = _family_history(words, first_person) or (relative and not _STILL_TRUE_HERE.intersection(words))
    return told and bool(
        _told_as_past(words)
        or _at_an_age(words)
        or FAMILY_DEATH_VERBS & set(words)
        or any(_contains(words, p) >= 0 for p in HISTORY_PHRASES)
    )


def a_finished_episode_of_mine(words: list[str]) -> bool:
    """The writer's own past episode, dated: "had a PE in 2020 after my knee op", "heart attack March
    2019", "subarachnoid haemorrhage 2013" (what follows a dash or bracket spells it out)."""
    return NOW_MARKERS.isdisjoint(words) and not _STILL_TRUE_HERE.intersection(words) and _told_as_past(words)


def goes_on_about_them(words: list[str]) -> bool:
    """The clause starts with "he", "she", "her"... (after "and"): it goes on about the same person."""
    start = words[1:] if words[:1] == ["and"] else words
    return bool(start[:1]) and start[0] in _PRONOUNS


def continues_story(previous: list[str], words: list[str], first_person: bool = False) -> bool:
    """ "my mum had a stroke and her face drooped": the clause after a story about someone else
    goes on with it when it starts with "he"/"her"... and says nothing of now. A relative's story
    that is finished ("my dad had a stroke last year and his face dropped") is history to its end."""
    if not goes_on_about_them(words) or not _over(words, None):
        return False
    return told_of_someone_else(previous, words) or (
        NOW_MARKERS.isdisjoint(words) and a_finished_family_story(previous, first_person)
    )


_PAST_STORY_OPENERS = (["i", "had"], ["he", "had"], ["she", "had"], ["they", "had"], ["we", "had"])


_TIME_ONLY = frozenset({
    "long", "time", "ago", "year", "years", "month", "months", "back", "many", "some", "a", "few", "maybe",
    "about", "around", "nearly", "almost", "over", "in", "the", "past", "when", "i", "was", "we", "were",
    "he", "she", "young", "little", "child", "kid", "before", "previously", "once", "like", "yr", "yrs",
})  # fmt: skip


_PAST_TIME_MARKERS = frozenset({"ago", "back", "when", "previously", "before"})


def opens_with_a_past_time(first: list[str]) -> bool:
    """ "Long time ago, maybe 10 year, I have the blood vomit from ulcer": a sentence that opens with a
    short clause naming only a past time is history to its end, as a ConText historical trigger's
    scope runs to the end of the sentence (see `goes_on_in_the_past`). Only a bare time: "nan had a
    stroke at 80, I'm 28 and have a stiff neck" opens with a story, not a time."""
    return (
        0 < len(first) <= 6
        and all(word in _TIME_ONLY or word[:1].isdigit() for word in first)
        and not _PAST_TIME_MARKERS.isdisjoint(first)
    )


def goes_on_in_the_past(words: list[str]) -> bool:
    """A later clause of such a sentence stays in the past unless it opens with a terminator ("but",
    "now") or speaks of now."""
    return bool(words) and words[0] not in TERMINATORS and not _speaks_of_now(words)


def continues_history(previous: list[str], words: list[str]) -> bool:
    """ "my appendix burst when I was 9 and I had peritonitis": the clause after one told as the past
    goes on with it when it starts "and I had" and says nothing of now."""
    rest = words[1:] if words[:1] == ["and"] else words
    opens = rest[:2] in _PAST_STORY_OPENERS or rest[:1] == ["had"]
    return opens and not _speaks_of_now(words) and past_history_beyond_weeks(previous)


_COMPARED = {"like", "as"}


def _compared_with_someone_else(words: list[str]) -> int | None:
    """ "a rash like my friend had", "same as my colleague's": what follows is the other person's."""
    if "like" not in words and "as" not in words:
        return None
    for i, word in enumerate(words):
        if word in _COMPARED and i + 2 < len(words) and words[i + 1] in {"my", "a", "his", "her"}:
            person = words[i + 2 : i + 4]
            if set(person) & (OTHER_PEOPLE | OLDER_RELATIVES) and {"had", "did", "got"} & set(
                words[i + 2 : i + 6]
            ):
                return i
    return None


# Withdrawn findings: "thought I saw blood in my sick but it was the beetroot".
WITHDRAWING_THOUGHT = frozenset({"thought", "assumed", "figured", "reckoned"})
# What a withdrawn finding turned out to be: "just pen", "the beetroot", "nothing". "a coin" is left
# out: "I thought he swallowed a battery but it was a coin" takes back the battery, not the swallowing.
_EXPLAINED_AS = frozenset(
    {
        "just",
        "only",
        "actually",
        "nothing",
        "the",
        "from",
        "because",
        "fine",
        "ok",
        "okay",
        "normal",
        "harmless",
    }
)
# Harmless outcomes said without "thought": "it turned out to be nothing" (not "to be a clot").
_HARMLESS = frozenset({"just", "only", "nothing", "fine", "ok", "okay", "normal", "harmless"})
_STILL_A_LITTLE = frozenset({"little", "bit", "few", "small", "tiny", "some", "slight", "spotting", "mild"})


def withdrawn(words: list[str], following: list[str]) -> bool:
    """The finding in `words` is taken back by the clause after it: "I thought it was a rash"
    + "but it's just pen", "... but it turned out to be nothing", "... false alarm". An explanation
    taken back ("I thought it was indigestion but the pain is spreading") withdraws nothing found,
    and nor does an outcome that is itself an illness ("it turned out to be a clot")."""
    after = following[1:] if following[:1] == ["but"] else following
    if after[:2] == ["false", "alarm"]:
        return True
    if WITHDRAWING_THOUGHT & set(words) and _found_after_all(after):
        return True  # "thought she'd swallowed one of my tablets" + "but I found it under the sofa"
    if after[:1] not in (["it"], ["that"], ["this"]):
        return False
    rest = after[1:]
    thought = bool(WITHDRAWING_THOUGHT & set(words))
    if rest[:2] == ["turned", "out"]:
        if thought:
            return True  # "I thought it was a pulled muscle but it turned out to be a clot": the clot is said after
        outcome = rest[2:4] if rest[2:3] != ["to"] else rest[4:6]  # "turned out (to be) nothing"
        return bool(outcome) and outcome[0] in _HARMLESS and not _STILL_A_LITTLE & set(outcome)
    if not thought:
        return False
    if rest[:1] in (["was"], ["is"]) and rest[1:2]:
        return rest[1] in _EXPLAINED_AS and not _STILL_A_LITTLE & set(rest[1:4])
    return False


_FOUND = (("i", "found", "it"), ("found", "it"), ("i", "found", "them"), ("found", "them"))
_STILL_ON_THEM = frozenset({"mouth", "throat", "nose", "ear", "hand", "hands", "empty", "open"})


def _found_after_all(after: list[str]) -> bool:
    """What was feared swallowed was found, or counted and none is missing: "but I found it under the
    sofa", "but counted them twice and none are missing". Not "found it in his mouth"."""
    if not _STILL_ON_THEM.isdisjoint(after):
        return False
    if opens_with_any(after, _FOUND):
        return True
    counted = "counted" in after[:3]
    return counted and (_contains(after, ("none", "missing")) >= 0 or _contains(after, ("all", "there")) >= 0)


# Events that, inside a comparison, describe a sensation: "like I've swallowed a cheese grater", "as
# if I've been hit by a bus". "Stabbed" is left out on purpose: "pain like being stabbed" is how
# people say a sudden severe pain, and the stab-wound red flag is what keeps such a pain an emergency
# while the knowledge base has no severity phrase for it. A comparison naming medicines or a poison is not one ("feels like I've
# taken too many tablets" is a hedge about an overdose), nor is "looks like" (an inference).
EVENT_WORDS = frozenset(
    {
        "swallowed", "swallowing", "swallow", "ate", "eaten", "hit", "punched", "kicked", "shot", "run", "ran", "trampled", "hammered", "electrocuted", "burnt", "burned", "scalded", "bitten",
        "bit", "stung", "fell", "fallen", "attacked", "assaulted", "beaten", "crushed", "knocked", "overdose",
        "overdosed", "poisoned", "drank",
    }
)  # fmt: skip
_REAL_EVENT_WORDS = frozenset(
    {
        "tablets", "tablet", "pills", "pill", "medicine", "medicines", "medication", "poison", "bleach",
        "battery", "batteries", "magnet", "magnets", "chemicals", "too", "overdose", "drugs", "something",
        "paracetamol", "ibuprofen", "alcohol",
    }
)  # fmt: skip
_INFERRED_LIKE = frozenset(
    {"looks", "look", "looked", "seems", "seem", "seemed", "sounds", "sounded", "would"}
)


# A comparison names who or what did it: "like I've swallowed", "like being hit", "like someone
# punched me", "like a bus hit me". "like" as a filler ("he fell like 2 metres", "he was like
# shaking and then he like fell") or a quote ("she was like I'm fine") compares nothing.
_SIMILE_OPENERS = frozenset({"i", "being", "someone", "somebody", "a", "an", "getting", "you"})
_NOT_BEFORE_SIMILE = _INFERRED_LIKE | {"was", "were", "am", "are", "just", "and", "then", "so", "like"}


def _simile_start(words: list[str]) -> int | None:
    if "like" not in words and "as" not in words:
        return None
    for i, word in enumerate(words):
        start = None
        if (
            word == "like"
            and words[i + 1 : i + 2]
            and words[i + 1] in _SIMILE_OPENERS
            and (i == 0 or words[i - 1] not in _NOT_BEFORE_SIMILE)
        ):
            start = i
        elif word == "as" and words[i + 1 : i + 2] in (["if"], ["though"]):
            start = i
        if start is not None:
            if _REAL_EVENT_WORDS & set(words[start:]):
                return None
            return start
    return None


# "is it normal to worry about a heart attack": a condition named as a worry, with no symptom.
WORRY_PHRASES = [
    ("worry", "about"), ("worried", "about"), ("worrying", "about"), ("worries", "about"),
    ("scared", "of"), ("afraid", "of"), ("frightened", "of"), ("terrified", "of"), ("anxious", "about"),
    ("paranoid", "about"), ("fear", "of"), ("worried", "of"), ("nervous", "about"), ("risk", "of"),
    ("chance", "of"), ("chances", "of"),
    # an illness met in a story, the news or a lesson, with nothing present: "reading about stroke signs",
    # "a TV show where someone had a heart attack", "a novel where the heroine overdoses". Only a setting
    # that names its subject counts ("show where", "book about"): "watching TV when he had a stroke" is now.
    ("reading", "about"), ("read", "about"), ("article", "about"), ("article", "on"), ("learning", "about"),
    ("learnt", "about"), ("learned", "about"), ("lesson", "on"), ("lesson", "about"), ("course", "on"),
    ("talk", "on"), ("show", "where"), ("show", "about"), ("film", "where"), ("film", "about"),
    ("movie", "where"), ("movie", "about"), ("novel", "where"), ("novel", "about"), ("book", "where"),
    ("book", "about"), ("programme", "where"), ("programme", "about"), ("documentary", "about"),
    ("documentary", "on"), ("episode", "where"), ("episode", "about"), ("series", "where"), ("series", "about"),
    ("show", "where", "the"), ("film", "where", "the"), ("movie", "where", "the"), ("novel", "where", "the"),
    ("book", "where", "the"), ("programme", "where", "the"), ("episode", "where", "the"), ("series", "where", "the"),
]  # fmt: skip
_WORRY_SKIP = frozenset(
    {"getting", "having", "a", "an", "another", "going", "to", "get", "have", "being", "maybe"}
)
# "worried about my chest pain", "scared of this lump": the worry points at something current.
# Only names of illnesses are discounted, never a body part or a sensation ("worried about a
# fluttering in my heart", "a pressure in my chest", "a bleed from my bottom" are findings).
_POINTS_AT_NOW = frozenset({"my", "his", "her", "the", "this", "these", "that", "our", "their", "it", "its"})
CONDITION_WORDS = (
    FAMILY_CONDITIONS - {"heart", "pressure", "bleed", "haemorrhage", "hemorrhage"}
) | frozenset(
    {"overdose", "overdosing", "overdoses", "sids", "cot", "death", "dying", "appendicitis", "pneumonia", "covid"}
)  # fmt: skip


_WORRY_WORDS = frozenset(p[0] for p in WORRY_PHRASES)


def _worry_start(words: list[str]) -> int | None:
    if _WORRY_WORDS.isdisjoint(words):
        return None
    for phrase in WORRY_PHRASES:
        at = _contains(words, phrase)
        if at < 0:
            continue
        j = at + len(phrase)
        while j < len(words) and words[j] in _WORRY_SKIP:
            j += 1
        if j < len(words) and words[j] not in _POINTS_AT_NOW:
            return at
    return None


# "cannot walk without wincing" says walking hurts, not that it is impossible ("cannot walk without
# help" is).
_PAIN_AFTER_WITHOUT = frozenset(
    {"wincing", "pain", "hurting", "hurts", "hurt", "discomfort", "limping", "limp", "aching", "grimacing",
     "twinges", "twinge", "soreness", "it"}
)  # fmt: skip


def _cannot_without(words: list[str]) -> list[int]:
    if "without" not in words:
        return []
    out = []
    for i, word in enumerate(words):
        if word == "without" and {"cannot", "unable"} & set(words[:i]):
            following = words[i + 1 : i + 3]
            if following[:1] and following[0] in _PAIN_AFTER_WITHOUT:
                if following[0] != "it" or following[1:2] in (["hurting"], ["aching"]):
                    out.append(i)
    return out


# "my testicles are fine", "his breathing is fine now": what the clause names just before "is fine" is
# denied. The person is not ("my baby is fine apart from a fever" keeps the baby), nor is anything
# else ("he has a cold and is fine" keeps the cold), nor "not fine".
_FINE_COPULAS = frozenset({"is", "are", "was", "were", "seems", "seem", "looks", "look", "feels", "feel"})
_FINE_WORDS = frozenset({"fine", "ok", "okay", "alright", "normal"})
# "my balls are totally fine": an intensifier between the copula and "fine" changes nothing.
_FINE_INTENSIFIERS = frozenset({
    "totally", "completely", "absolutely", "perfectly", "all", "quite", "pretty", "just", "fully", "really", "100",
})  # fmt: skip
PEOPLE_WORDS = (
    OTHER_PEOPLE | OLDER_RELATIVES | _THEIR_PEOPLE | _PRONOUNS
    | {"i", "me", "my", "babies", "infant", "newborn", "children", "toddler", "little", "one", "lo", "mine"}
)  # fmt: skip


def _said_to_be_fine(words: list[str]) -> int | None:
    if _FINE_WORDS.isdisjoint(words):
        return None
    for i, word in enumerate(words[1:-1], start=1):
        if word not in _FINE_COPULAS:
            continue
        after = i + 1
        while after < len(words) - 1 and words[after] in _FINE_INTENSIFIERS:
            after += 1
        if words[after] in _FINE_WORDS:
            return i
    return None


_NOT_A_THING = frozenset({"it", "that", "this", "everything", "all", "things", "everyone", "everybody"})


def thing_said_to_be_fine(words: list[str]) -> str | None:
    """What a clause calls fine ("my head is fine" -> "head"); None when it is a person ("he's
    fine") or nothing in particular ("everything is fine")."""
    at = _said_to_be_fine(words)
    if at is None:
        return None
    thing = words[at - 1]
    return None if thing in PEOPLE_WORDS or thing in _NOT_A_THING else thing


def one_of_a_pair(words: list[str]) -> str | None:
    """ "normal in one eye" -> "eye": the pair a later "the other" points back to."""
    for i, word in enumerate(words[:-1]):
        if word == "one" and words[i + 1] not in PEOPLE_WORDS and words[i + 1] not in _NOT_A_THING:
            return words[i + 1]
    return None


FIRST_PERSON = {"i", "me", "myself"}


def speaks_of_self(tokens: list[str]) -> bool:
    """The writer talks about themselves somewhere ("I", "me"), so a relative's past is history."""
    return bool(FIRST_PERSON & set(tokens))


# --- numbers -------------------------------------------------------------------------------------
_DURATION_UNITS = {
    "minute": 1 / 1440, "minutes": 1 / 1440, "mins": 1 / 1440, "min": 1 / 1440,
    "hour": 1 / 24, "hours": 1 / 24, "hrs": 1 / 24, "hr": 1 / 24,
    "day": 1, "days": 1, "dys": 1, "dayz": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "weks": 7, "wkz": 7,
    "month": 30, "months": 30, "mths": 30, "mnths": 30, "mos": 30, "monts": 30, "year": 365, "years": 365,
    "yrs": 365, "yr": 365,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "few": 3, "couple": 2, "several": 3,
}  # fmt: skip
_TABLET_WORDS = {
    "tablets", "tablet", "pills", "pill", "tabs", "capsules", "caps", "paracetamol", "paracetamols",
    "ibuprofen", "aspirin", "co", "codeine", "sleeping", "antidepressants", "painkillers", "of",
}  # fmt: skip
_TEMPERATURE_WORDS = {
    "temp", "temperature", "fever", "degrees", "c", "f", "celsius", "fahrenheit", "pyrexia", "thermometer", "thermometre",
}  # fmt: skip


def _number(token: str) -> float | None:
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    try:
        return float(token)
    except ValueError:
        return None


# Numbers said in words, as voice-to-text writes them: "thirty eight point four", "thirty nine", "a
# hundred and one", "one oh two".
_DIGIT_WORDS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
}  # fmt: skip
_TEEN_WORDS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SPOKEN_START = frozenset(_TENS_WORDS) | frozenset(_TEEN_WORDS) | {"hundred", "one"}


def _below_hundred(tokens: list[str], i: int) -> tuple[int, int] | None:
    """(value, tokens used) of "thirty", "thirty eight", "nineteen" or "two" at ``tokens[i]``."""
    word = tokens[i] if i < len(tokens) else ""
    if word in _TENS_WORDS:
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if following in _DIGIT_WORDS and _DIGIT_WORDS[following] > 0 and following not in ("o", "oh"):
            return _TENS_WORDS[word] + _DIGIT_WORDS[following], 2
        return _TENS_WORDS[word], 1
    if word in _TEEN_WORDS:
        return _TEEN_WORDS[word], 1
    if word in _DIGIT_WORDS and word not in ("o", "oh", "zero"):
        return _DIGIT_WORDS[word], 1
    return None


def _spoken_number(tokens: list[str], i: int) -> tuple[str, int] | None:
    """A number said in words starting at ``tokens[i]``, as digits, and how many tokens it used."""
    word, rest = tokens[i], tokens[i + 1 : i + 4]
    if word in ("a", "one") and rest[:1] == ["hundred"] or word == "hundred":
        j = i + (1 if word == "hundred" else 2)
        j += tokens[j : j + 1] == ["and"]
        tail = _below_hundred(tokens, j)
        value, j = (100 + tail[0], j + tail[1]) if tail else (100, j)
    elif word == "one" and rest[:1] in (["oh"], ["o"], ["zero"]) and rest[1:2] and rest[1] in _DIGIT_WORDS:
        value, j = 100 + _DIGIT_WORDS[rest[1]], i + 3  # "one oh two"
    elif word in _TENS_WORDS or word in _TEEN_WORDS:
        value, used = _below_hundred(tokens, i) or (0, 1)
        j = i + used
    else:
        return None
    if tokens[j : j + 1] == ["point"]:
        digits = ""
        while j + 1 < len(tokens) and tokens[j + 1] in _DIGIT_WORDS:
            digits += str(_DIGIT_WORDS[tokens[j + 1]])
            j += 1
        if digits:
            return f"{value}.{digits}", j + 1 - i
    if tokens[j : j + 3] == ["and", "a", "half"]:
        return f"{value}.5", j + 3 - i
    return str(value), j - i


def spoken_numbers(tokens: list[str]) -> list[str]:
    """Tokens with numbers said in words written as digits ("thirty eight point four" -> "38.4")."""
    if _SPOKEN_START.isdisjoint(tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        found = _spoken_number(tokens, i) if tokens[i] in _SPOKEN_START or tokens[i] == "a" else None
        if found is None:
            out.append(tokens[i])
            i += 1
        else:
            out.append(found[0])
            i += found[1]
    return out


def temperature_c(tokens: list[str]) -> float | None:
    """The highest body temperature given, in °C: "38.5", "temp of 39", "101 F", "102.3", and the same
    said in words ("thirty eight point four", "a hundred and one F", "one oh two")."""
    tokens = spoken_numbers(tokens)
    best = None
    for i, token in enumerate(tokens):
        value = _number(token) if token[:1].isdigit() else None
        if value is None:
            continue
        and_a_bit = tokens[i + 1 : i + 4] == ["and", "a", "bit"]  # "38 and a bit on the thermometer"
        near = set(tokens[max(0, i - 4) : i + (8 if and_a_bit else 3)])
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        value += 0.1 if and_a_bit else 0
        celsius = None
        if 35 <= value <= 43.5 and (near & _TEMPERATURE_WORDS or "." in token):
            celsius = value
        elif 95 <= value <= 110 and (near & _TEMPERATURE_WORDS or after in {"f", "fahrenheit"}):
            celsius = round((value - 32) * 5 / 9, 1)
        elif 99 <= value <= 108 and "." in token:
            celsius = round((value - 32) * 5 / 9, 1)  # "101.3 on the forehead scanner": a reading in F
        if celsius is not None and after not in {"weeks", "years", "days", "kg", "mg", "minutes"}:
            best = celsius if best is None else max(best, celsius)
    return best


# A number and a unit followed by one of these words is an age, a pregnancy or a time point
# ("3 weeks pregnant", "2 days ago", "6 week check"), not how long something has lasted ...
_NOT_DURATION_AFTER = frozenset(
    {
        "old", "olds", "pregnant", "gone", "ago", "postpartum", "later", "jabs", "jab", "vaccinations",
        "vaccines", "injections", "check", "checkup", "scan", "appointment", "review", "boy", "girl",
        "son", "daughter", "kid", "child", "baby", "toddler", "grandson", "granddaughter", "twins",
    }
)  # fmt: skip
# ... and so is one after these ("every 2 days", "aged 3 years", "my baby 6 weeks").
_NOT_DURATION_BEFORE = frozenset(
    {"every", "is", "aged", "age", "am", "turned", "at", "was", "baby", "son", "daughter", "she", "he"}
)
# "for 20 weeks" is a duration; "20 weeks" alone is most likely weeks of pregnancy.
_DURATION_LEAD_INS = frozenset({"for", "since", "past", "last", "about", "nearly", "almost", "over"})
_VAGUE_DURATIONS = {"weeks": 14, "months": 60, "years": 365, "ages": 30}  # "for months"


def duration_days(tokens: list[str]) -> float | None:
    """The longest duration given: "for 3 weeks", "since 2 days", "for a month", "5 days now"."""
    best = None
    for i in range(len(tokens) - 1):
        days = _duration_at(tokens, i)
        if days is not None:
            best = days if best is None else max(best, days)
    for i, token in enumerate(tokens[:-1]):  # "for months", "for weeks"
        if token in {"for", "since"} and tokens[i + 1] in _VAGUE_DURATIONS:
            days = _VAGUE_DURATIONS[tokens[i + 1]]
            best = days if best is None else max(best, days)
    for i, token in enumerate(tokens[:-2]):  # "for the last month", "over the past week"
        window = i > 0 and tokens[i - 1] in {"in", "within"}  # "3 UTIs in the last year" counts
        if (
            token == "the"
            and not window
            and tokens[i + 1] in {"last", "past"}
            and tokens[i + 2] in _UNIT_WITHOUT_NUMBER
        ):
            days = _UNIT_WITHOUT_NUMBER[tokens[i + 2]]
            best = days if best is None else max(best, days)
    days = _weekday_span(tokens)
    if days is not None:
        best = days if best is None else max(best, days)
    return best


# "the last month" has lasted a month; "last week I fell" (no "the") is when something happened.
_UNIT_WITHOUT_NUMBER = {"week": 7, "fortnight": 14, "month": 30, "year": 365}


# Full names only: "sat on the loo", "sun was out" and "wed" are words too.
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
             "sunday": 6, "tues": 1, "weds": 2, "thurs": 3}  # fmt: skip
_SPAN_END_BEFORE = {"by", "until", "till", "til", "now", "today", "still", "and", "is", "its"}


def _weekday_span(tokens: list[str]) -> float | None:
    """Days between an onset weekday and a later one: "started Monday with a temp, by Saturday still
    38.7" has lasted 5 days. Both days must be named; "since Monday" alone needs today's date, which
    the engine does not have. The same weekday twice says nothing about the span."""
    named = [(i, _WEEKDAYS[token]) for i, token in enumerate(tokens) if token in _WEEKDAYS]
    if len(named) < 2:
        return None
    (start, first), (end, last) = named[0], named[-1]
    if not _ONSET_BEFORE_AGO.intersection(tokens[max(0, start - 3) : start]):
        return None  # "saw the GP on Monday": a day, not when it began
    if not _SPAN_END_BEFORE.intersection(tokens[max(start + 1, end - 3) : end]):
        return None
    span = (last - first) % 7
    return float(span) if span else None


def _duration_at(tokens: list[str], i: int) -> float | None:
    """Days, if ``tokens[i]`` is a number followed by a unit that says how long it has lasted."""
    unit = tokens[i + 1]
    if unit not in _DURATION_UNITS:
        return None
    value = _number(tokens[i])
    if value is None:
        return None
    after = tokens[i + 2] if i + 2 < len(tokens) else ""
    before = tokens[i - 1] if i > 0 else ""
    if after == "ago" and set(tokens[max(0, i - 3) : i]) & _ONSET_BEFORE_AGO:
        return value * _DURATION_UNITS[unit]  # "my cough started 4 weeks ago": it has lasted 4 weeks
    if after in _NOT_DURATION_AFTER or (before in _NOT_DURATION_BEFORE and not _that_is_so_long(tokens, i)):
        return None  # an age, a pregnancy or a time point, not how long it has lasted
    if unit in ("week", "weeks", "wk", "wks") and 12 <= value <= 42 and before not in _DURATION_LEAD_INS:
        return None  # "33 weeks, pain in my stomach": weeks of pregnancy
    return value * _DURATION_UNITS[unit]


def _that_is_so_long(tokens: list[str], i: int) -> bool:
    """ "so that's 5 days now", "it's 3 weeks today": the time something has gone on, not an age."""
    return tokens[i - 2 : i] in (["that", "is"], ["it", "is"], ["this", "is"]) and tokens[i + 2 : i + 3] != [
        "old"
    ]


def tablets_taken(tokens: list[str]) -> int | None:
    """How many tablets someone says were taken or swallowed: "took 30 paracetamol"."""
    best = None
    for i, token in enumerate(tokens):
        if token not in {"took", "taken", "take", "swallowed", "ate", "had", "necked", "downed"} and not (
            token in {"taking", "swallowing"} and tokens[i - 1 : i] in (["after"], ["since"])
        ):
            continue  # "after taking 24 paracetamol" counts; "taking 10 tablets a day" (usual medicines) not
        # the count after the verb, or before it: "30 paracetamol I took this afternoon"
        for j in (*range(i + 1, min(i + 4, len(tokens) - 1)), *range(max(0, i - 4), i - 1)):
            value = _number(tokens[j])
            if value is not None and tokens[j] not in {"a", "an"} and _tablets_follow(tokens, j + 1):
                best = int(value) if best is None else max(best, int(value))
    for count in _counts_dated_today(tokens):
        best = count if best is None else max(best, count)
    return best


def _tablets_follow(tokens: list[str], at: int) -> bool:
    """A tablet word at `at`, or a strength between ("24 x 500 mg paracetamol")."""
    if tokens[at] in _TABLET_WORDS:
        return True
    return tokens[at] == "x" and any(word in _TABLET_WORDS for word in tokens[at + 1 : at + 4])


# "is 20 paracetamol this morning dangerous?": a count of tablets dated to today was taken, with or
# without a verb; not a regimen ("I have to take 12 tablets today for my bowel prep").
_REGIMEN_BEFORE_A_COUNT = frozenset(
    {"take", "takes", "taking", "need", "needs", "supposed", "prescribed", "should", "meant", "allowed"}
)
_TODAY_AFTER_A_COUNT = (
    ("this", "morning"), ("this", "afternoon"), ("this", "evening"), ("last", "night"), ("earlier",),
    ("today",), ("tonight",), ("an", "hour", "ago"), ("just", "now"),
    # dev45: a staggered overdose, "about 20 tablets since yesterday morning"
    ("since", "yesterday"), ("since", "this"), ("since", "last", "night"), ("in", "the", "last", "day"),
)  # fmt: skip


_TOOK_ABOUT = frozenset({"took", "taken", "swallowed", "about", "around", "roughly", "maybe"})


def _counts_dated_today(tokens: list[str]) -> list[int]:
    """Counts dated today: "20 paracetamol this morning", and a bare count after "took" when the
    message names tablets elsewhere ("how many paracetamol is too many? she took about 20 this
    afternoon")."""
    out = []
    tablets_named = not _TABLET_WORDS.isdisjoint(tokens)
    for j in range(len(tokens) - 2):
        value = _number(tokens[j]) if tokens[j][:1].isdigit() else None
        if value is None:
            continue
        if tokens[j + 1] not in _TABLET_WORDS:
            bare = (
                tablets_named
                and j > 0
                and tokens[j - 1] in _TOOK_ABOUT
                and "took" in tokens[max(0, j - 3) : j]
            )
            if bare and value >= 2 and opens_with_any(tokens[j + 1 : j + 4], _TODAY_AFTER_A_COUNT):
                out.append(int(value))
            continue
        if not _REGIMEN_BEFORE_A_COUNT.isdisjoint(tokens[max(0, j - 3) : j]):
            continue
        if opens_with_any(tokens[j + 2 : j + 5], _TODAY_AFTER_A_COUNT):
            out.append(int(value))
    return out


# --- the subject -----------------------------------------------------------------------------------
_CHILD_WORDS = {"newborn": 0, "newborns": 0}
_AGE_UNIT_MONTHS = {"day": 1 / 30, "days": 1 / 30, "week": 7 / 30, "weeks": 7 / 30, "wk": 7 / 30,
                    "month": 1, "months": 1, "mth": 1, "mo": 1, "year": 12, "years": 12, "yr": 12,
                    "yrs": 12, "yo": 12}  # fmt: skip


# "baby 2 months": a baby's age given straight after the word (not "my son 5 days of fever").
_BABY_WORDS = {"baby", "babies", "newborn", "infant"}
# "my 5 yr olds bum", "a 3 week old baby", "my 2 year old son": the number and unit are an age.
_AGE_NOUNS_AFTER = frozenset(
    {"old", "olds", "baby", "boy", "girl", "son", "daughter", "kid", "child", "toddler"}
)
_BABY_AGE_UNITS = {"day", "days", "week", "weeks", "wk", "month", "months", "mth", "mo"}


def age_months_from_text(tokens: list[str]) -> float | None:
    """The age of the person described, when the words give it: "my 6 week old", "2 year old"."""
    for i, token in enumerate(tokens):
        if token in _CHILD_WORDS:
            return float(_CHILD_WORDS[token])
        value = _number(token) if token[:1].isdigit() or token in _NUMBER_WORDS else None
        if value is None or i + 1 >= len(tokens):
            continue
        unit = tokens[i + 1]
        after = tokens[i + 2] if i + 2 < len(tokens) else ""
        before = tokens[i - 1] if i > 0 else ""
        if before == "at":
            continue  # "in hospital at 6 weeks old": when something happened, not the age now
        if unit == "yo" or (unit in _AGE_UNIT_MONTHS and after in _AGE_NOUNS_AFTER):
            return round(value * _AGE_UNIT_MONTHS[unit], 2)
        if unit in _BABY_AGE_UNITS and before in _BABY_WORDS and after not in {"pregnant", "ago"}:
            return round(value * _AGE_UNIT_MONTHS[unit], 2)  # "my baby 2 months, fever 38.6"
        if (
            unit in _AGE_UNIT_MONTHS
            and before in {"is", "aged", "age", "turned"}
            and after != "pregnant"
            and not _that_is_so_long(tokens, i)
        ):
            if unit in ("week", "weeks", "wk") and value > 16:
                continue  # "my wife is 35 weeks": a pregnancy, not a baby's age
            return round(value * _AGE_UNIT_MONTHS[unit], 2)  # "baby is 9 months"
    if "toddler" in tokens:
        return 24.0
    return None


def pregnancy_and_breastfeeding(tokens: list[str]) -> tuple[bool, bool]:
    """(pregnant, breastfeeding) said in these words ("I'm 30 weeks pregnant", "nursing my baby"),
    unless denied; a hedge ("not sure if pregnant") counts. Read clause by clause with the knowledge
    base's one list of words (vocabulary.yaml, through `profile_words.profile_flags_from_words`), the
    same reader the medicine filter uses, so triage and the filter never disagree. A relative's
    story ("my cousin had an ectopic pregnancy") is family history, not this person's pregnancy, unless
    the clause also speaks of the writer ("my sister had an ectopic so I'm worried as I'm pregnant");
    the person's own past pregnancies still count (the cautious reading: she may be pregnant again)."""
    # local import: true cycle, profile_words imports resolver, which imports this module
    from .profile_words import may_say_flags, profile_flags_from_words

    if not may_say_flags(tokens):
        return weeks_along(tokens), False  # no clause could say either: nothing to read clause by clause
    pregnant, breastfeeding = profile_flags_from_words(clauses_about_the_writer(tokens))
    return pregnant or weeks_along(tokens), breastfeeding


def clauses_about_the_writer(tokens: list[str]) -> list[str]:
    """Each clause as text, less a relative's story that does not also speak of the writer ("my
    cousin had an ectopic pregnancy"): what the pregnancy and breastfeeding words are read in."""
    return [
        " ".join(clause.tokens)
        for clause in clauses(tokens)
        if "i" in clause.tokens or not _family_history(clause.tokens, first_person=True)
    ]


_WEEK_WORDS = frozenset({"weeks", "week", "wks", "wk"})
_NOT_ALONG = frozenset(
    {"old", "postpartum", "post", "after", "since", "ago", "postnatal", "of", "into", "in"}
)


def weeks_along(tokens: list[str]) -> bool:
    """ "I'm 16 weeks and bleeding": a woman who gives her own weeks is pregnant (a baby's age is
    "he is 6 weeks", never "I am"); not "I am 6 weeks postpartum" or "I'm 3 weeks after my op"."""
    for at in range(len(tokens) - 3):
        if tokens[at : at + 2] != ["i", "am"] or tokens[at + 3] not in _WEEK_WORDS:
            continue
        count = tokens[at + 2]
        following = tokens[at + 4] if at + 4 < len(tokens) else ""
        if count.isdigit() and 4 <= int(count) <= 42 and following not in _NOT_ALONG:
            return True
    return False
