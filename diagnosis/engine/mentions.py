"""Emergencies named without happening: a lesson, a job, a film, something read, a fear of it
coming back, a clinic's name. ConText's triggers work clause by clause; these frames reach over
the commas of their sentence ("lifeguard training this week, we covered drowning, I've got a sore
throat"), so the mentioned words are cut from the text before either layer reads it.

A frame ends where the text turns to someone now: "now", "then", "suddenly", "when"; a person
doing something that is not watching, learning or working ("... and now my friend has collapsed",
"I realised my son is floppy"); or something going on ("a pupil is having an attack").
Pure Python: no Django, no database.
"""

from __future__ import annotations

import functools
import re

from .context import (
    FIRST_PERSON,
    NOW_MARKERS,
    OLDER_RELATIVES,
    OTHER_PEOPLE,
    PETS,
    STILL_TRUE,
    THIRD_PERSON,
    a_finished_episode_of_mine,
    a_finished_family_story,
    normalise_text,
    opens_with_any,
    searches_a_way_to_die,
    tokenise,
    told_of_someone_else,
)

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:[-.'][a-z0-9]+)*|[^\sa-z0-9]")
_SENTENCE_END = frozenset({".", "!", "?", ";", "\n"})
_SEGMENT_END = _SENTENCE_END | {",", ":", "(", ")"}

# Where a mention starts. A setting (a lesson, a film, a book) only with what it was about after it
# ("a course on choking", "a film where someone overdosed", "training this week, we covered ..."):
# "collapsed during my spin class, heart pounding" is now.
SETTINGS = frozenset(
    {"course", "courses", "training", "class", "workshop", "lesson", "lessons", "refresher", "seminar", "talk",
     "film", "movie", "soap", "documentary", "programme", "episode", "podcast", "cartoon", "novel", "thriller",
     "article", "game", "show", "news", "book", "story", "drama", "series"}
)  # fmt: skip
_WATCHING = frozenset({"watching", "watched", "watch"})
_ABOUT = frozenset(
    {"on", "about", "where", "covered", "covering", "taught", "today", "this", "last", "we", "they", "had",
     "said", "says", "showed", "made", "which"}
)  # fmt: skip
_NEED_A_DETERMINER = frozenset({"talk", "show", "game", "news", "story"})
# A job, said as one ("I'm a paramedic", "as a care worker", "vet nurse here"): what the writer sees at work.
JOBS = frozenset(
    {"paramedic", "nurse", "midwife", "lifeguard", "officer", "handler", "firefighter", "worker"}
)
_JOB_LEAD = (("i", "am", "a"), ("i", "am", "an"), ("as", "a"), ("as", "an"), ("i", "work", "as"))
# Something read, heard, learnt or practised.
FRAMES = (
    ("learnt", "about"), ("learned", "about"), ("practised",), ("practiced",), ("i", "work", "in"),
    ("i", "work", "on"), ("i", "work", "at"), ("i", "read"), ("i", "have", "read"), ("read", "that"),
    ("i", "have", "heard"), ("heard", "that"), ("googled",), ("online",),
    ("website",), ("leaflet",), ("poster",),
)  # fmt: skip
# A person doing these goes on with the mention ("we see dogs that collapse", "I help residents who
# cannot breathe", "my nan wants to know the signs"); any other act by a person ends it.
MENTION_VERBS = frozenset(
    {
        "see", "seen", "saw", "deal", "dealt", "attend", "attended", "treat", "treated", "help", "helped",
        "talk", "talked", "teach", "taught", "covered", "learnt", "learned", "practised", "practiced",
        "watched", "watch", "read", "heard", "know", "knew", "pull", "look", "care", "nurse", "work",
        "through", "explained", "showed", "told", "said", "says", "discussed", "wondering", "curious",
    }
)  # fmt: skip
PERSONS = frozenset({"i", "my", "he", "she", "we", "they", "his", "her", "our", "their", "mine"})
TURNS_TO_NOW = frozenset({"now", "then", "suddenly", "when", "while", "whilst"})
# "Nurse, re husband 31: sudden severe testicular pain": the writer's own family ends what a job
# frames; what follows is about them, not about work. Only a job's frame: "a course where they taught
# what to do if a baby stops breathing" and "a novel where the grandad has a stroke" stay framed.
_FAMILY_ENDS_A_FRAME = frozenset(
    {"husband", "wife", "partner", "son", "daughter", "mum", "mam", "mom", "dad", "baby", "toddler",
     "boyfriend", "girlfriend", "brother", "sister", "nan", "grandad", "grandma", "granny", "kid", "kids"}
)  # fmt: skip
_GOING_ON_VERBS = frozenset({"is", "are", "has", "have", "keeps", "keep", "does", "do", "did"})
_GOING_ON_NEXT = frozenset({"not", "just", "been", "got", "still", "gone", "stopped", "had", "taken"})
# Something that happened to someone just now ("a lad collapsed"), unless it is the story's own.
_STORY_LINKS = frozenset({"where", "who", "that", "which", "when", "if", "whether"})
_EVENTS = frozenset({"collapsed", "fainted", "fell", "stopped", "passed", "seized", "fitted"})
_DETERMINERS = frozenset({"a", "an", "the", "this", "that"})

# A fear of it coming back: "worried I'll get another clot", "my fear is that I'll have a seizure
# again". Not a fear of now ("scared he's not breathing", "worried it might be a heart attack").
FEARS = frozenset(
    {"worried", "worry", "worrying", "worries", "scared", "afraid", "terrified", "fear", "frightened",
     "nervous", "anxious", "paranoid"}
)  # fmt: skip
_MODALS = frozenset({"will", "might", "could", "may", "would"})
_FEAR_REACH = 6

# A clinic, a ward or a jab named after what it treats: "the chest pain clinic", "flu jab".
SERVICE_NOUNS = frozenset({"clinic", "clinics", "ward", "appointment", "team"})
_SERVICE_LEAD = frozenset({"the", "a", "my", "his", "her", "our", "their", "for", "at", "is", "when", "to"})


def _starts(words: list[str], at: int, first_segment: bool) -> int:
    """Length of the frame starting at ``words[at]`` (0 when none does)."""
    word = words[at]
    if word in SETTINGS and _WATCHING.intersection(words[max(0, at - 3) : at]):
        return 1  # "watching a hospital drama, a woman with an ectopic had ..."
    if word in SETTINGS:
        before = words[at - 1] if at else ""
        if word in _NEED_A_DETERMINER and before not in _DETERMINERS | {"video", "tv"} or before == "of":
            return 0  # "wanted to talk about my mood", "of course"
        return 1 if _ABOUT.intersection(words[at + 1 : at + 3]) else 0
    if word in JOBS:
        by_lead = any(
            at - k - len(p) >= 0 and tuple(words[at - k - len(p) : at - k]) == p
            for p in _JOB_LEAD
            for k in (0, 1, 2)
        )
        said_as_one = first_segment and at <= 2 and words[at + 1 : at + 2] in ([], ["here"])
        return 1 if by_lead or said_as_one else 0
    if words[at : at + 2] == ["i", "know"] and _knows_a_fact(words, at):
        return 2
    for frame in FRAMES:
        if tuple(words[at : at + len(frame)]) == frame:
            return 0 if searches_a_way_to_die(words[at + len(frame) : at + len(frame) + 4]) else len(frame)
    return 0


_ASKS = frozenset({"would", "do", "does", "did", "to", "how", "when", "will", "can", "could", "not"})
_NOT_A_FACT = frozenset({"if", "whether", "what", "how", "when", "why", "it", "this"})


def _knows_a_fact(words: list[str], at: int) -> bool:
    """ "I know swelling of the lips is an emergency" states a fact; "how would I know if", "I know
    he is not breathing" do not."""
    following = words[at + 2 : at + 3]
    if not following or following[0] in PERSONS or following[0] in _NOT_A_FACT:
        return False
    return not (at and words[at - 1] in _ASKS)


def _a_person_acts(words: list[str], at: int) -> bool:
    """ "my son is floppy", "I have got a sore throat": a person doing something other than
    watching, learning or working."""
    if words[at] not in PERSONS or words[at + 1 : at + 2] in (["character"], ["hero"], ["heroine"]):
        return False
    ahead = words[at + 1 : at + 4]
    return MENTION_VERBS.isdisjoint(ahead)


def _going_on(words: list[str], at: int) -> int | None:
    """ "a pupil is having an attack", "blood is pouring", "a lad collapsed": where that statement
    starts (None when the word at ``at`` starts none)."""
    word = words[at]
    following = words[at + 1] if at + 1 < len(words) else ""
    if word in _EVENTS or word in {"has", "have"}:
        if not _STORY_LINKS.isdisjoint(words[max(0, at - 3) : at]):
            return None  # "a film where someone collapsed", "what to do if someone has a seizure"
        if word in {"has", "have"} and (not following or following in MENTION_VERBS):
            return None  # "I have seen plenty of heavy bleeding"
    elif word not in _GOING_ON_VERBS or not following:
        return None
    elif word in {"does", "do", "did"}:
        if following != "not":
            return None  # "the rash does not fade" is said of now; "do you know" is not
    elif word not in {"keeps", "keep"} and following not in _GOING_ON_NEXT and not following.endswith("ing"):
        return None
    if at and words[at - 1] in {"who", "that", "which"}:
        return None  # "people who are not breathing": the people of the mention
    for back in range(at - 1, max(-1, at - 4), -1):
        if words[back] in _DETERMINERS or words[back] in PERSONS:
            return back
    return at


def _end_of_frame(words: list[str], start: int, job: bool = False) -> int:
    family_ends = _FAMILY_ENDS_A_FRAME if job else frozenset()
    for at in range(start, len(words)):
        if words[at] in TURNS_TO_NOW or words[at] in family_ends or _a_person_acts(words, at):
            return at
        going = _going_on(words, at)
        if going is not None:
            return max(going, start)
    return len(words)


def _framed(segments: list[list[str]], first_sentence: bool) -> list[set[int]]:
    """Per segment of one sentence, the positions a mention covers (carried over its commas)."""
    out: list[set[int]] = [set() for _ in segments]
    carrying = job = False
    for n, words in enumerate(segments):
        at = 0
        if carrying:
            end = _end_of_frame(words, 0, job)
            out[n].update(range(end))
            carrying = end == len(words)
            at = end
        while at < len(words):
            length = _starts(words, at, first_sentence and n == 0)
            if not length:
                at += 1
                continue
            job = words[at] in JOBS
            end = _end_of_frame(words, at + length, job)
            out[n].update(range(at, end))
            carrying = end == len(words)
            at = max(end, at + 1)
    return out


_FEAR_NOUNS = frozenset({"worry", "fear", "dread"})
_A_THING = frozenset({"a", "an", "getting", "having"})


def _feared(words: list[str]) -> set[int]:
    for i, word in enumerate(words):
        if word not in FEARS and word not in _FEAR_NOUNS:
            continue
        if (
            word in _FEAR_NOUNS
            and words[i + 1 : i + 2] == ["is"]
            and words[i + 2 : i + 3]
            and words[i + 2] in _A_THING
        ):
            return set(range(i, len(words)))  # "my biggest worry is a heart attack": not one now
        for j in range(i + 1, min(i + 1 + _FEAR_REACH, len(words) - 1)):
            if words[j] in _MODALS and _ahead(words, j) and "now" not in words[i:]:
                end = next((k for k in range(j, len(words)) if words[k] in _FEAR_ENDS), len(words))
                return set(range(i, end))
    return set()


# A fear's scope ends where a reason or something else begins ("worried I will die because my chest
# is crushing").
_FEAR_ENDS = frozenset({"because", "cos", "as", "since", "but", "and", "now", "so"})
_ONE_TO_COME = frozenset({"a", "an", "another", "one", "some", "it", "them", "this", "that"})


def _ahead(words: list[str], at: int) -> bool:
    """The modal at ``at`` looks ahead ("I'll have a seizure", "could have a miscarriage"), not at now
    ("might be a stroke", "may have had a stroke", "could have taken too many")."""
    following = words[at + 1]
    if following in {"be", "been"}:
        return False
    if following == "have" and words[at] != "will":
        return words[at + 2 : at + 3] != [] and words[at + 2] in _ONE_TO_COME
    return True


def _services(words: list[str]) -> set[int]:
    out: set[int] = set()
    for i, word in enumerate(words):
        if word in SERVICE_NOUNS and i:
            first = i - 1
            while first > 0 and i - first < 2 and words[first - 1] not in _SERVICE_LEAD:
                first -= 1
            if first == 0 or words[first - 1] in _SERVICE_LEAD:
                out.update(range(first, i + 1))
    return out


# Over and done: "nearly choked on a crisp", "choked on a grape, it came out, he's been normal since".
_NEARLY = frozenset({"nearly", "almost"})
_CHOKE_WORDS = frozenset({"choked", "choking", "choke", "chokes"})
_CAME_OUT = (
    ("coughed", "it", "up"), ("coughed", "it", "out"), ("came", "out"), ("spat", "it", "out"),
    ("brought", "it", "up"), ("got", "it", "out"), ("came", "back", "up"), ("came", "up"),
)  # fmt: skip
_WELL_SINCE = (
    ("fine", "now"), ("normal", "since"), ("fine", "since"), ("back", "to", "normal"), ("breathing", "fine"),
    ("breathing", "normally"), ("been", "fine"), ("been", "normal"), ("totally", "normal"), ("ok", "now"),
)  # fmt: skip
_NOT_OVER = frozenset(
    {"still", "keeps", "wheezing", "wheezy", "blue", "cannot", "struggling", "noisy", "drooling", "gasping",
     "not", "unconscious", "floppy", "drowsy", "limp", "grey", "purple", "pale", "choking", "stuck"}
)  # fmt: skip


# The writer says the thing mentioned is theirs: nothing is cut.
_THAT_IS_ME = (
    ("what", "i", "have"), ("what", "i", "am", "having"), ("what", "i", "have", "got"), ("that", "is", "me"),
    ("like", "mine"), ("i", "have", "all"), ("all", "of", "them"), ("all", "of", "those"), ("all", "of", "these"),
    ("i", "have", "those"), ("i", "have", "these"), ("i", "have", "that"), ("sounds", "like", "me"),
    ("exactly", "like"), ("same", "as", "me"), ("which", "i", "have"), ("i", "have", "both"),
    ("what", "he", "has"), ("what", "she", "has"), ("sounds", "like", "him"), ("sounds", "like", "her"),
    ("what", "is", "happening"), ("happening", "to", "me"), ("happening", "to", "him"), ("happening", "to", "her"),
)  # fmt: skip


def _has(words: list[str], phrases) -> bool:
    """Whether any of the phrases (tuples of words) occurs in `words`. Only the places where a
    phrase's first word stands are compared: this runs on every check's text."""
    starts: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        starts.setdefault(word, []).append(i)
    for phrase in phrases:
        for i in starts.get(phrase[0], ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                return True
    return False


def _over_and_done(tokens: list[str]) -> bool:
    """The choking is over: the thing came out and they have been fine since, nothing still wrong."""
    return _has(tokens, _CAME_OUT) and _has(tokens, _WELL_SINCE) and _NOT_OVER.isdisjoint(tokens)


def _near_misses(words: list[str], done: bool, tokens: list[str]) -> set[int]:
    """ "nearly choked" when nothing in the whole text is still wrong, or every choking word when it
    is over and done."""
    if not _NOT_OVER.isdisjoint(tokens):
        return set()
    out: set[int] = set()
    for i, word in enumerate(words):
        if word in _CHOKE_WORDS and (done or (i and words[i - 1] in _NEARLY)):
            out.update({i - 1, i} if i and words[i - 1] in _NEARLY else {i})
    return out


# "can't lift my arm above my head" for weeks is a stiff shoulder, not a weak arm; said suddenly, or
# with weakness, it is left as it is.
_CANNOT = frozenset({"cannot", "unable"})
_LIFT = frozenset({"lift", "raise", "get", "put", "move"})
_ABOVE = frozenset({"above", "over", "past", "up"})
_SHOULDER_END = frozenset({"head", "shoulder", "shoulders"})
_SUDDEN = frozenset(
    {"sudden", "suddenly", "weak", "weakness", "numb", "droop", "drooping", "dropped", "slurred"}
)


def _raised_arm(words: list[str], tokens: list[str]) -> tuple[int, int] | None:
    """Span of "cannot lift my arm above my head" (to "head" or "shoulder"), when nothing is sudden."""
    if not _SUDDEN.isdisjoint(tokens):
        return None
    for i, word in enumerate(words):
        if word not in _CANNOT:
            continue
        rest = words[i + 1 : i + 10]
        lift = next((k for k, w in enumerate(rest[:3]) if w in _LIFT), None)
        if lift is None or "arm" not in rest[lift : lift + 3] and "arms" not in rest[lift : lift + 3]:
            continue
        above = next((k for k, w in enumerate(rest) if w in _ABOVE and k > lift), None)
        end = next(
            (k for k, w in enumerate(rest) if w in _SHOULDER_END and above is not None and k > above), None
        )
        if end is not None:
            return i, i + 2 + end + (rest[end + 1 : end + 2] == ["height"])
    return None


# Breathing done on purpose to calm down ("slowly breathing in and out helps my anxiety", "box breathing
# when I panic") and breathlessness from exercise that settles within minutes ("out of breath after
# running for the bus but fine after a minute") are not breathing trouble; not when anything else is
# wrong, at rest, or when the writer cannot do it.
_CALMING = frozenset(
    {"helps", "help", "helped", "calms", "calm", "exercise", "exercises", "technique", "app", "yoga",
     "meditation", "relax", "relaxes", "therapist", "lessons", "singing"}
)  # fmt: skip
_BREATHING_ON_PURPOSE = (
    ("breathing", "in", "and", "out"), ("breathe", "in", "and", "out"), ("box", "breathing"),
    ("deep", "breaths"), ("breathe", "deeply"), ("breathe", "slowly"), ("slowly", "breathing"),
    ("breathing", "slowly"), ("breathing", "exercises"), ("hold", "my", "breath"), ("breathe", "fast"),
)  # fmt: skip
_EXERCISE = frozenset(
    {"running", "run", "ran", "gym", "spin", "swimming", "swim", "lengths", "hiit", "workout", "exercise",
     "exercising", "5k", "jog", "jogging", "sprint", "sprinting", "football", "training", "bus", "class"}
)  # fmt: skip
_SETTLES = (
    ("fine", "after"), ("fine", "once"), ("fine", "when"), ("recovers",), ("recover",), ("back", "to", "normal"),
    ("settles",), ("normal", "again"), ("goes", "back"), ("fine", "within"),
)  # fmt: skip
_OUT_OF_BREATH = (
    ("out", "of", "breath"), ("breathless",), ("puffed", "out"), ("puffed",), ("gasping", "for", "air"),
    ("gasping",), ("heart", "pounding"), ("heart", "racing"), ("heart", "races"), ("short", "of", "breath"),
    ("panting",), ("breathing", "hard"),
)  # fmt: skip
_WRONG_TOO = frozenset(
    {"cannot", "not", "chest", "pain", "faint", "fainted", "dizzy", "blue", "collapsed", "collapse", "tight",
     "tightness", "wheezing", "wheezy", "asthma", "cough", "coughing", "still", "worse", "sitting", "lying", "night", "pregnant", "swollen", "blood"}
)  # fmt: skip


_AT_REST = (("at", "rest"), ("while", "resting"), ("when", "resting"), ("even", "resting"))


def _phrase_spans(words: list[str], phrases) -> set[int]:
    out: set[int] = set()
    for phrase in phrases:
        for i in range(len(words) - len(phrase) + 1):
            if tuple(words[i : i + len(phrase)]) == phrase:
                out.update(range(i, i + len(phrase)))
    return out


def _harmless_breathing(words: list[str], tokens: list[str]) -> set[int]:
    """Positions of breathing done on purpose, or of breathlessness from exercise that settles."""
    if not _WRONG_TOO.isdisjoint(tokens) or _has(tokens, _AT_REST):
        return set()
    if not _CALMING.isdisjoint(tokens):
        on_purpose = _phrase_spans(words, _BREATHING_ON_PURPOSE)
        if on_purpose:
            return on_purpose
    if not _EXERCISE.isdisjoint(tokens) and _has(tokens, _SETTLES):
        return _phrase_spans(words, _OUT_OF_BREATH)
    return set()


def _sentences(tokens: list[str]) -> list[list[list[str]]]:
    sentences: list[list[list[str]]] = [[[]]]
    for token in tokens:
        if token in _SENTENCE_END:
            sentences.append([[]])
        elif token in _SEGMENT_END:
            sentences[-1].append([])
        else:
            sentences[-1][-1].append(token)
    return sentences


# A question that is not about now: asked for a lesson ("when should I go to hospital for chest
# pain? asking for a first aid course I'm running"), or answered by the writer's own "mine has not"
# ("would it be a stroke if my face dropped? mine hasn't").
_FOR_A_LESSON = SETTINGS | {"project", "homework", "essay", "assignment", "presentation", "poster", "leaflet"}
_DENIED_OF_MINE = frozenset({"has", "have", "is", "does", "did", "was"})


# dev36: "thunderclap HA - what are the red flags? prepping a teaching session"
_PREPARING = frozenset({"prepping", "preparing", "planning", "writing"})
_TEACHING = frozenset({"teaching", "training", "session", "lesson", "lecture", "talk", "course", "tutorial"})


def _asked_for_a_lesson(tokens: list[str]) -> bool:
    for i in range(len(tokens) - 1):
        if tokens[i : i + 2] == ["asking", "for"] and not _FOR_A_LESSON.isdisjoint(tokens[i + 2 : i + 6]):
            return True
        if tokens[i] in _PREPARING and not _TEACHING.isdisjoint(tokens[i + 1 : i + 4]):
            return True
    return False


def _mine_denied(words: list[str]) -> bool:
    """ "mine has not", "mine is 5 months and has not had one", "mine never has"."""
    if words[:1] != ["mine"]:
        return False
    rest = words[1:9]
    return "never" in rest or any(
        w in _DENIED_OF_MINE and rest[k + 1 : k + 2] == ["not"] for k, w in enumerate(rest)
    )


def _questions_not_about_now(sentences: list[list[list[str]]], tokens: list[str]) -> set[int]:
    """Numbers of the question sentences that ask about an illness, not about now."""
    ends, position = [], 0
    for sentence in sentences:
        position += sum(len(words) for words in sentence) + len(sentence) - 1
        ends.append(tokens[position] if position < len(tokens) else "")
        position += 1
    lesson = _asked_for_a_lesson(tokens)
    out = set()
    for number, end in enumerate(ends):
        if end != "?":
            continue
        following = (
            [w for words in sentences[number + 1] for w in words] if number + 1 < len(sentences) else []
        )
        if lesson or _mine_denied(following):
            out.add(number)
    return out


# A pet at the vet: "the dog got stung and his face swelled up, he's at the vet now" goes on about the
# dog ("he", "his" after it), not about a person.
_VETS = frozenset({"vet", "vets", "veterinary", "vet's"})
_ITS_PRONOUNS = frozenset({"he", "she", "his", "her", "it", "its", "him"})


_A_PERSON = frozenset(
    {"son", "daughter", "husband", "wife", "partner", "baby", "child", "kid", "boy", "girl", "toddler", "mum",
     "dad", "friend", "man", "woman", "someone", "somebody", "grandad", "nan", "brother", "sister", "me",
     "myself", "bit", "bitten", "scratched", "attacked"}
)  # fmt: skip


def _pet_at_the_vet(tokens: list[str]) -> bool:
    """A pet leads the message, it is at the vet, and no person (or a bite) comes into it."""
    return not PETS.isdisjoint(tokens[:3]) and not _VETS.isdisjoint(tokens) and _A_PERSON.isdisjoint(tokens)


def _about_the_pet(words: list[str]) -> set[int]:
    """From "and his/her ..." on, and whole segments that start with "he", "his" ...: the pet's."""
    for i, word in enumerate(words):
        if word in _ITS_PRONOUNS and (i == 0 or words[i - 1] == "and"):
            return set(range(max(0, i - 1), len(words)))
    return set()


_SPELLS_OUT = frozenset({"-", ":", "–", "—", "("})
_FIRST_WORDS = frozenset({"i", "i'm", "im", "me", "my", "we", "our", "but", "and", "now"})
# "the same pain again since this morning", "it started this afternoon": the story reaches now
_GOES_ON = frozenset(
    {"again", "since", "recurred", "returned", "this", "yesterday", "morning", "afternoon", "evening", "started",
     "starting", "woke"}
)  # fmt: skip


_PAST_NEGATIONS = (["could", "not"], ["did", "not"], ["would", "not"], ["was", "not"])


def _says_still_true(words: list[str]) -> bool:
    """A present-tense word, not one after a past negation ("couldn't feel herself wee" is past)."""
    return any(
        w in STILL_TRUE and words[max(0, i - 2) : i] not in _PAST_NEGATIONS for i, w in enumerate(words)
    )


_FINE_NOW = (
    ("is", "fine"),
    ("is", "ok"),
    ("is", "okay"),
    ("is", "well"),
    ("is", "doing", "well"),
    ("is", "great"),
)


def _but_fine_now(words: list[str]) -> list[str]:
    """The words before "she is fine now" that ends a story: how it ended, not a sign it goes on."""
    for at in range(1, len(words)):
        if words[at - 1] in ("he", "she", "they") and opens_with_any(words[at:], _FINE_NOW):
            return words[: at - 1]
    return words


_PERSON_WORDS = (
    OLDER_RELATIVES
    | OTHER_PEOPLE
    | {"son", "daughter", "baby", "husband", "wife", "partner", "nephew", "niece"}
)


def _may_spell_out_after_a_comma(tokens: list[str], start: int, at: int) -> bool:
    """A comma may open what someone else's story spells out only when a person leads the sentence
    (checked first: the story tests are dearer and most commas are not after a story)."""
    if tokens[at] != "," or not _FIRST_WORDS.isdisjoint(tokens[at + 1 : at + 2]):
        return False
    return any(t.split("'")[0] in _PERSON_WORDS for t in tokens[start : start + 4])


def _someone_elses_story(story: list[str]) -> bool:
    """Someone else's finished story: a relative's dated one, or one told as over (the dearer tests,
    asked last)."""
    return a_finished_family_story(story, first_person=True) or told_of_someone_else(story, None, True)


def _spelt_out_by_a_finished_story(tokens: list[str]) -> set[int]:
    """What a finished story spells out after a dash, colon or bracket, to the end of its sentence
    (or bracket): someone else's ("mum had a heart attack at 52 - crushing chest pain into her jaw,
    grey and sweaty", "saw a man collapse at the station last week - he wasn't breathing") or the
    writer's own dated episode ("had a PE in 2020 - couldn't breathe, chest pain, the lot",
    "bleeding ulcer 2012 (black tarry poo, collapsed)"). Not when it speaks of now, or of it going on
    or coming back ("dad had a stroke in 2019 - now his face has dropped again"); someone else's
    story not when it speaks of the writer."""
    out: set[int] = set()
    start = 0
    for at, token in enumerate(tokens):
        if token in _SENTENCE_END:
            start = at + 1
        elif (token in _SPELLS_OUT or _may_spell_out_after_a_comma(tokens, start, at)) and at > start:
            closing = ")" if token == "(" else None
            end = next(
                (e for e in range(at + 1, len(tokens)) if tokens[e] in _SENTENCE_END or tokens[e] == closing),
                len(tokens),
            )
            story = tokenise(" ".join(tokens[start:at]))
            told = _but_fine_now(tokenise(" ".join(tokens[at + 1 : end])))
            if len(told) < 2 or "like" in story or "same" in story:
                continue  # "like my pre-eclampsia last pregnancy: puffy face, bad headache" is now
            if not NOW_MARKERS.isdisjoint(told) or _says_still_true(told) or not _GOES_ON.isdisjoint(told):
                continue
            mine = a_finished_episode_of_mine(story)
            if token == "(":
                spelt = mine  # a bracket after someone else's story is an aside ("(diverticular)")
            elif token == ",":
                # after a comma only someone else's story, and only what is said to be theirs ("white
                # peeling skin all over his chest"): "dad died of a heart attack at 60, crushing chest
                # pain and sweating" may be the writer's own, so it stays
                spelt = (
                    not THIRD_PERSON.isdisjoint(told)
                    and _someone_elses_story(story)
                    and (mine or FIRST_PERSON.isdisjoint(told))
                )
            else:
                spelt = mine or (FIRST_PERSON.isdisjoint(told) and _someone_elses_story(story))
            if spelt:
                out.update(range(at + 1, end))
    return out


# One check reads its text three times (symptom resolver, complaint layer, wording net), each
# through this cut: the cache makes it one computation per check, and the three readers cannot
# disagree about what was cut. Small: a check's text is seldom seen again after its request.
@functools.lru_cache(maxsize=64)
def without_mentions(text: str) -> str:
    """The text with emergencies only mentioned cut out; the text itself when nothing is."""
    tokens = _TOKEN_RE.findall(normalise_text(text))
    kept: list[str] = []
    cut = False
    position = 0
    if _has(tokens, _THAT_IS_ME):
        return text  # "I read chest pain and sweating can be a heart attack, that is what I have"
    done = _over_and_done(tokens)
    sentences = _sentences(tokens)
    asked_only = _questions_not_about_now(sentences, tokens)
    spelt_out = (
        _spelt_out_by_a_finished_story(tokens) if "," in tokens or _SPELLS_OUT.intersection(tokens) else set()
    )
    pet = _pet_at_the_vet(tokens)
    for number, sentence in enumerate(sentences):
        covered = _framed(sentence, number == 0)
        for n, words in enumerate(sentence):
            drop = covered[n] | _feared(words) | _services(words) | _near_misses(words, done, tokens)
            drop |= {i for i in range(len(words)) if position + i in spelt_out}
            if number in asked_only:
                drop |= set(range(len(words)))
            if pet:
                led_by_the_pet = number == 0 and n == 0 or not PETS.isdisjoint(words[:3])
                drop |= set(range(len(words))) if led_by_the_pet else _about_the_pet(words)
            drop |= _harmless_breathing(words, tokens)
            shoulder = _raised_arm(words, tokens)
            if shoulder is not None:
                drop |= set(range(shoulder[0] + 1, shoulder[1]))
            cut = cut or bool(drop)
            kept.extend(
                "stiff shoulder" if shoulder and i == shoulder[0] else w
                for i, w in enumerate(words)
                if i not in drop or (shoulder and i == shoulder[0])
            )
            position += len(words)
            if position < len(tokens):
                kept.append(tokens[position])  # the punctuation that ended the segment
                position += 1
    return " ".join(kept) if cut else text
