"""Turn what people type into knowledge-base symptoms.

Handles exact names, synonyms and misspellings (rapidfuzz), comma-separated chips and free
sentences with several symptoms and negations ("headache and throwing up but no fever").
Nothing typed can raise: every piece of text ends up resolved, negated or unrecognised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .context import (
    OLDER_RELATIVES,
    PRESENT_TENSE,
    ClauseContext,
    continues_story,
    denials_said_after,
    goes_on_in_the_past,
    is_habitual,
    is_real_word,
    opens_with_a_past_time,
    read_figures_of_speech,
    speaks_of_self,
    temperature_c,
    tokenise,
    withdrawn,
)
from .mentions import without_mentions

MAX_INPUT_CHARS = 2000
# Words that negate what follows them within the same clause ("no fever or cough"). Only the
# contractions that deny something count ("didn't vomit"); "can't breathe", "won't stop
# hurting" and "couldn't move my arm" describe a symptom and must never hide it.
NEGATION_CUES = {
    "no", "not", "without", "never", "denies", "deny", "nor", "neither", "none", "free", "absent",
    "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "haven't", "havent", "hasn't", "hasnt",
    "hadn't", "hadnt", "isn't", "isnt", "aren't", "arent", "wasn't", "wasnt", "weren't", "werent",
}  # fmt: skip
NEGATION_PHRASES = (
    "don't have",
    "dont have",
    "do not have",
    "haven't got",
    "havent got",
    "have not got",
    "haven't had",
    "have not had",
    "didn't have",
    "did not have",
    "no sign of",
    "not any",
    "is not",
    "no more",
    # "I wouldn't say I'm breathless": a denial said politely
    "wouldn't say",
    "wouldnt say",
    "would not say",
)
# Phrases with a negation word that deny nothing: "not sure if I have chest pain", "no idea why my
# chest hurts", "it's not just a headache". Removed before negation is looked for, so an unsure
# mention counts as a mention (a possible red flag is never dropped for being hedged).
HEDGE_PHRASES = (
    "not sure if",
    "not sure whether",
    "not sure",
    "unsure if",
    "unsure whether",
    "no idea why",
    "no idea if",
    "no idea whether",
    "no idea",
    "not just",
    "not only",
    # Pseudo-negations: the symptom is there and not getting better ("no improvement in my cough").
    "no improvement in",
    "no improvement",
    "not improving",
    "not getting better",
    "no better",
    "not going away",
    "not gone away",
    "not helping",
    "no relief from",
    "no relief",
    # "crying for no reason": the symptom with no cause the person knows of
    "for no reason",
    "for no reason at all",
    "for no apparent reason",
)
# Names that contain a symptom word but are not that symptom: "hay fever" is not a fever.
MASKED_PHRASES = (
    "hay fever",
    "hayfever",
    "glandular fever",
    "scarlet fever",
    "yellow fever",
    "fever blister",
    "keep fit",
    "keeping fit",
    # Idioms that name a symptom without having it: "forms are a pain in the neck", "cold feet
    # about the wedding", "sick and tired of waiting".
    "a pain in the neck",
    "a real pain in the neck",
    "a pain in the backside",
    "a pain in the bum",
    "cold feet about",
    "cold feet over",
    "sick and tired of",
    "cabin fever",
    "got cold feet",
    "getting cold feet",
    "cough up the money",
    "cough up the cash",
)
# "any chest pain? no." — a question answered no in the next sentence denies what it asked.
ANSWERED_NO_RE = re.compile(
    r"([^.?!:\n]*)[?:]\s*(?:no|nope|nah|none|never|negative)\b(?=\s*(?:[.,;!\n]|just|$))"
)
_phrase_pattern = r"(?<![\w'])(?:{})(?![\w'])"
HEDGE_RE = re.compile(_phrase_pattern.format("|".join(map(re.escape, HEDGE_PHRASES))))
NEGATION_PHRASE_RE = re.compile(_phrase_pattern.format("|".join(map(re.escape, NEGATION_PHRASES))))
MASKED_RE = re.compile(_phrase_pattern.format("|".join(map(re.escape, MASKED_PHRASES))))
# Clause boundaries: a negation does not reach past these.
CLAUSE_SPLIT = re.compile(
    r"(?:[,;!?\n]|\.(?!\d))+|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bapart from\b|\bexcept\b"
    r"|\band (?=(?:i|i'm|im|my|me|he|she|they|we|his|her|now)\b)"
)
# Everyday ways of saying a body part hurts ("my head is pounding", "pains in my tummy", "achy
# muscles") are read as that part's pain phrase, so one rule covers what a synonym list per symptom
# would have to spell out. Only these words count as "hurts": "my head doesn't hurt" and "chest is
# fine" are left alone, and a denial before the phrase still denies it ("no pain in my chest").
BODY_PART_PAIN = {
    "head": "headache", "throat": "sore throat", "tummy": "tummy pain", "belly": "tummy pain",
    "abdomen": "tummy pain", "gut": "tummy pain", "guts": "tummy pain", "stomach": "stomach pain",
    "back": "back pain", "lower back": "back pain", "neck": "neck pain", "knee": "knee pain",
    "knees": "knee pain", "hip": "hip pain", "hips": "hip pain", "chest": "chest pain", "jaw": "jaw pain",
    "joint": "joint pain", "joints": "joint pain",
    "muscle": "muscle pain", "muscles": "muscle pain", "eye": "eye pain", "eyes": "eye pain",
    "bottom": "sore bottom", "bum": "sore bottom", "backside": "sore bottom", "bladder": "bladder pain",
    "face": "facial pain", "sinus": "sinus pain", "sinuses": "sinus pain", "cheekbones": "sinus pain",
    "tonsils": "sore throat",
}  # fmt: skip
_PART = "|".join(sorted(map(re.escape, BODY_PART_PAIN), key=len, reverse=True))
# "head's pounding" and "my heads killing me" (the apostrophe left out) are "head is pounding".
_PART_IS = rf"(?P<part>{_PART})(?:'s|s)?"
_OWNER = r"(?:(?:my|his|her|their|your|the|our|both|all my|all his|all her) )?"
_HURTS = (
    r"hurts?|hurting|aches?|aching|achy|killing(?: (?:me|him|her|them|us))?|sore|pounding|thumping"
    r"|throbbing|banging|raw|in agony|agony|painful|burning|pains|paining|in pain"
    # "my knees are playing up", "joints flare up every few weeks"
    r"|playing up|plays up|play up|flaring up|flares up|flare up|flared up|giving me gyp|giving me grief"
)
_INTENSIFIER = (
    r"(?:really|so|very|absolutely|just|bloody|proper|properly|still|constantly|always|all|a bit|quite)"
)
LAY_PAIN_RES = (
    # "headache" written as one word with its body part ("bellyache", "tummyache", "headachey")
    re.compile(rf"\b(?P<part>{_PART})aches?y?\b"),
    # "my head is pounding", "knees are killing me", "back really hurts", "head is paining"
    re.compile(
        rf"\b{_OWNER}{_PART_IS} (?:(?:is|are|has been|have been|keeps|feels|feel|gets|get|was|were) )?"
        rf"(?:{_INTENSIFIER} )?(?:(?:swollen|hot|tender|stiff|gurgling|rumbling|bloated|churning|cramping|tight|heavy)"
        rf" and |red and (?=raw))?(?:{_HURTS})\b"
    ),
    # "pains in my tummy", "ache in my jaw", "hurts in my tummy", "agony in her back"
    re.compile(
        rf"\b(?:pains?|aches?|aching|soreness|agony|hurts?|hurting|paining|heaviness) (?:in|on|around|inside|across) {_OWNER}"
        rf"(?P<part>{_PART})\b"
    ),
    # "achy muscles", "pounding head", "sore tummy"; "bad back", "bad knees" (not "bad chest": a cough)
    re.compile(
        r"\b(?:sore|aching|achy|painful|thumping|pounding|banging|throbbing|hurting) "
        rf"(?P<part>{_PART})\b"
    ),
    re.compile(r"\bbad (?P<part>head|back|lower back|knees?|hips?|neck|joints?)\b"),
    # "my back went", "without my back going", "back's seized up" ("my back went to..." is not)
    re.compile(
        rf"\b{_OWNER}(?P<part>back|lower back)(?:'s|s)? (?:has |have |keeps |keep )?(?:(?:going|went|goes|gone)"
        r"(?: again| out| on me)?(?=$| when| while| as| after| lifting| bending| picking)|seized up|seizing up|locked"
        r"|locked up|locking up|gave out|giving out|gives out)\b"
    ),
    # ... or "bad" said after it: "my back is so bad", "back's been bad for months"
    re.compile(
        rf"\b{_OWNER}(?P<part>head|back|lower back|knees?|hips?|neck|joints?)(?:'s|s)? (?:is|are|has been|have been|was"
        r"|were|been|gets|get|got|getting)(?: (?:really|so|very|pretty|quite|that))? bad\b"
    ),
    # phone autocorrect and spelling by sound: "head ace", "tummy ace", "tummy akes"
    re.compile(rf"\b(?P<part>{_PART}) (?:aces?|akes?)\b"),
)
# Pain said with what hurts to do ("pooing hurts", "it stings when I pee", "walking is painful"):
# one rule per activity instead of a synonym for every wording.
_ACTIVITY_PAIN = {
    "poo": "painful poo", "pooing": "painful poo", "pooping": "painful poo", "poop": "painful poo",
    "pee": "painful urination", "peeing": "painful urination", "wee": "painful urination",
    "weeing": "painful urination", "urinate": "painful urination", "urinating": "painful urination",
    "walk": "painful walking", "walking": "painful walking", "swallow": "painful swallowing",
    "swallowing": "painful swallowing", "bowel movements": "painful poo", "bowel movement": "painful poo",
}  # fmt: skip
_ACTIVITY = "|".join(sorted(_ACTIVITY_PAIN, key=len, reverse=True))
_STINGS = r"hurts?|hurting|painful|burns|burning|stings|stinging|is painful|is sore|sore|agony|kills|scalds|scalding"
ACTIVITY_PAIN_RES = (
    re.compile(rf"\b(?P<act>{_ACTIVITY}) (?:(?:is|really|so|always|feels|feel) )?(?:{_STINGS})\b"),
    re.compile(
        rf"\b(?:{_STINGS}|pain|pains) (?:when|while|after|if) (?:(?:i|you|he|she|they|we) )?"
        rf"(?:(?:try to|go to|have to|need to) )?(?P<act>{_ACTIVITY})\b"
    ),
)
# Aching everywhere is body aches ("aching all over", "sore all over").
ALL_OVER_RE = re.compile(
    r"\b(?:aching|achy|achey|aches|sore|hurting|hurts|painful) (?:all over|everywhere)\b"
)
# "achy" said of no body part ("so achy", "achy and shivery") is aching all over; "legs are stiff and
# achy" is about the legs and is left as it is.
BARE_ACHY_RE = re.compile(r"\b(?:achy|achey)\b")
_ANY_BODY_PART_RE = re.compile(
    rf"\b(?:{_PART}|legs?|arms?|hands?|feet|foot|fingers?|toes?|shoulders?|calf|calves|thighs?|ankles?|wrists?"
    r"|elbows?|body|limbs?|bones?|teeth|tooth|ears?)\b"
)


# Complaints said with a negation word that describe a symptom rather than deny one ("no energy",
# "not hungry"): read as the symptom before negation is looked for.
DESCRIBING_NEGATIONS = {
    r"no energy": "tired",
    r"no strength": "loss of strength",
    r"(?:not|never) hungry": "poor appetite",
    r"no appetite": "poor appetite",
    r"(?:have not|haven't|havent|not) (?:been for a poo|pooed|had a poo)": "constipated",
    r"(?:don't|dont|do not|doesn't|doesnt|does not|didn't|didnt) (?:feel|fancy) (?:like )?(?:eating|food)": "poor appetite",
    r"(?:not|isn't|isnt|is not|aren't|arent|wasn't|wasnt) (?:making (?:any )?sense|talking sense)": "confused",
    r"not feeling (?:right|myself|himself|herself|well|great|good)": "feeling unwell",
    # What the body cannot do, said with "can't" or "haven't", is the symptom ("can't keep my breakfast
    # down", "couldn't eat a thing", "haven't opened my bowels since Monday", "can't bear the heat").
    r"(?:can't|cant|cannot|couldn't|couldnt|unable to) keep (?:[a-z]+ ){1,2}down": "can't keep food down",
    r"(?:can't|cant|cannot|couldn't|couldnt) (?:face (?:eating|food|anything)|eat (?:a thing|anything))": "poor appetite",
    r"(?:not|never) (?:feeling |feel |very |that )?hungry": "poor appetite",
    r"(?:can't|cant|cannot|couldn't|couldnt|unable to) (?:go for|pass|do|have) (?:a )?(?:poo|motion|bowel movement)": "constipated",
    r"(?:haven't|havent|have not|hasn't|hasnt|not) (?:opened (?:my|his|her|their) bowels|had a (?:poo|motion|bowel movement))": "constipated",
    r"bowels (?:haven't|havent|have not|hasn't|hasnt|not) (?:moved|opened|been)": "constipated",
    r"(?:haven't|havent|have not|hasn't|hasnt|not) (?:had|done|been for|passed) (?:a |any )?(?:wee|pee|urine)": "hardly peeing",
    r"(?:barely|hardly|scarcely) (?:peed|weed|peeing|weeing|any (?:wee|pee))": "hardly peeing",
    r"(?:haven't|havent|have not|hasn't|hasnt|not) had (?:a|my|her) period": "missed periods",
    r"bleeding between (?:my |her )?periods": "abnormal periods",
    r"periods? (?:come|comes|coming|came) (?:twice a month|every (?:two|2) weeks|too often)": "irregular periods",
    r"(?:don't|dont|do not|doesn't|doesnt|does not) want to (?:be here|be alive|live|wake up)(?: any ?more)?": "suicidal thoughts",
    r"(?:can't|cant|cannot|couldn't|couldnt) get enough air(?: in)?": "short of breath",
    r"(?:without )?stopping (?:to catch (?:my |a )?breath|for (?:a )?breath)": "short of breath",
    r"short of wind": "short of breath",
    r"winds (?:me|him|her|them) up": "irritable",
    r"(?:can't|cant|cannot|couldn't|couldnt) (?:bear|tolerate|stand) the (heat|cold)": r"can't stand the \1",
    r"(?:can't|cant|cannot|couldn't|couldnt) (?:bear|tolerate|stand|cope with|handle) (?:the )?(?:hot|warm) weather": (
        "can't stand the heat"
    ),
    r"(?:can't|cant|cannot|couldn't|couldnt) (?:bear|tolerate|stand|cope with|handle) (?:the )?cold weather": (
        "can't stand the cold"
    ),
    r"(?:can't|cant|couldn't|couldnt) walk (?:in )?(?:a )?straight(?: line)?": "unsteady walking",
    r"(?:get|gets|getting|got) puffed(?: out)?|puffed (?:out )?(?:climbing|walking|going up)": "out of puff",
    r"(?:can't|cant|cannot|couldn't|couldnt) get (?:my|his|her|the) words out": "slurred speech",
    r"(?:was|been|were|got) given (?:someone else's |someone elses |donated |donor |a unit of )?blood": "blood transfusion",
    r"(?:brought|bring|bringing|brings|threw|throwing) up (?:my |his |her |all (?:my |his |her )?|the )?(?:dinner|lunch|breakfast|tea|food|meal|supper|milk|feed)": "threw up",
    # a rash that does not fade under a pressed glass (a danger sign, said with a negation word)
    r"(?:don't|dont|doesn't|doesnt|do not|does not|won't|wont|didn't|didnt) (?:fade|go white|go pale|go away|go|disappear|blanch)"
    r" (?:when|if|under|with) (?:i |you |we |it's |its |they're |theyre |they are )?"
    r"(?:press|pressed|roll|rolled|push|pushed|a glass|the glass|glass)": "non blanching rash",
    r"(?:thinking|thought|thoughts|think) (?:about|of) (?:ending it|ending my life|killing myself|suicide|hurting myself|harming myself|cutting myself)": "suicidal thoughts",
    r"(?:been|keep|started|i'm|im|i am) cutting (?:myself|my arms|my wrists|my legs)|cut(?:ting)? (?:myself|my arms|my wrists) on purpose": "self harm",
    r"(?:not|isn't|isnt|is not|wasn't|wasnt) with it": "confused",
    r"everything (?:went|goes|going|turned) (?:black|dark)": "blacked out",
    r"straining on the (?:toilet|loo)": "straining to poo",
    r"(?:stools?|poos?) (?:are |is |like )*(?:rabbit droppings|pellets|little pellets|marbles)": "hard stools",
    r"(?:can't|cant|couldn't|couldnt) get off the (?:toilet|loo)": "the runs",
    r"(?:can't|cant|cannot|couldn't|couldnt) hold (?:my|his|her) (?:water|wee|pee)": "need to pee all the time",
    r"(?:can't|cant|cannot|couldn't|couldnt) finish (?:a|my) sentences?|(?:can|could) only say a few words": "too breathless to speak",
    r"(?:whole |my |his |her |the )?(?:left|right|one) side(?: of (?:my|his|her|the) (?:body|face))?(?: (?:has|have))?(?: gone| is| went| feels| feel)? (?:floppy|weak|limp|dead|useless)": "weakness on one side of the body",
    # "one arm gone weak and floppy": one limb, said to be the one
    r"one (?:arm|leg|hand)(?: (?:has|have))?(?: gone| is| went| feels| feel)? (?:floppy|weak|limp|dead|useless)"
    r"(?: and (?:floppy|weak|limp|dead|useless))?": "weakness on one side of the body",
    r"(?:can't|cant|cannot|couldn't|couldnt|unable to) (?:put|bear) (?:any )?weight on": "painful walking",
    r"(?:feel|feels|feeling|felt) like (?:i'm|im|i am|i'll|ill|i|he's|she's) (?:going to|gonna|about to) (?:be sick|throw up|vomit|puke|spew|hurl)": "nauseous",
    r"(?:vomit|sick) (?:feeling|sensation)": "nauseous",
    r"(?:not|isn't|isnt|is not|won't|wont|not) respond(?:ing)?(?: to (?:anything|me|us|you|voices?|touch|his name|her name))?$": "unresponsive",
    r"(?:doesn't|doesnt|does not|don't|dont|didn't|didnt) know where (?:he|she|i|they) (?:is|am|are|was)": "confused",
    r"(?:vision|sight|eyesight) (?:is |has been |was )?(?:not|isn't|isnt) clear": "blurred vision",
    r"(?:didn't|didnt|did not|don't|dont|without|no) (?:use |using |wear |wearing )?(?:a )?condoms?": "unprotected sex",
    # Effects on daily life that say one symptom only: "won't eat" (a child off their food), "can't
    # turn my head" (a stiff neck), "can't feel my feet" (numbness), "doesn't know what day it is",
    # "hasn't had a wet nappy", "the cut won't heal".
    r"(?:won't|wont|will not|isn't|isnt|not|refusing to|refuses to) (?:eat|eating|feed|feeding)"
    r"(?: (?:anything|much|properly|a thing|at all))?": "poor appetite",
    r"(?:can't|cant|cannot|couldn't|couldnt|unable to) (?:turn|move|bend|twist) (?:my|his|her|their) (?:head|neck)": (
        "stiff neck"
    ),
    r"(?:can't|cant|cannot|couldn't|couldnt) feel (?:my|his|her|their) (?:feet|foot|toes|hands|hand|fingers|legs|leg"
    r"|arms|arm|face|lips)": "numbness",
    r"(?:doesn't|doesnt|does not|don't|dont|didn't|didnt) know (?:what day it is|what year it is|who (?:i am|he is"
    r"|she is|we are|i was)|where (?:he|she|i|they) (?:is|am|are|was))": "confused",
    r"(?:haven't|havent|have not|hasn't|hasnt|not|no) (?:had |done )?(?:a |any )?wet nappy|(?:no|not any) wet nappies"
    r"|(?:dry|bone dry) nappies": "hardly peeing",
    r"(?:cuts?|wounds?|sores?|grazes?|scratches)(?: [a-z]+){0,3}? (?:isn't|isnt|aren't|arent|won't|wont|not|don't"
    r"|dont|doesn't|doesnt|never) (?:heal|healing|healed|heal up|close up)": "slow healing wounds",
    # a blocked nose, not a breathing emergency
    r"(?:can't|cant|cannot|can not|hard to|struggling to|struggle to) breathe through (?:my|his|her|their|the) nose": (
        "blocked nose"
    ),
}
DESCRIBING_NEGATION_RES = [
    (re.compile(rf"(?<![\w']){p}(?![\w'])"), r) for p, r in DESCRIBING_NEGATIONS.items()
]
# Whether any of them occurs at all: one search instead of ~50 substitutions for the clauses (most)
# that say none. If none matches the clause, applying them in turn changes nothing, so the loop is
# skipped; otherwise it runs as before, in order.
DESCRIBING_NEGATION_ANY = re.compile(
    "|".join(f"(?:{pattern.pattern})" for pattern, _ in DESCRIBING_NEGATION_RES)
)
_POSSESSIVE_S_RE = re.compile(r"(?<=[a-z])'s$")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")
# Intensifiers dropped before phrases are looked up ("nose is totally blocked" reads "nose is
# blocked"); no knowledge-base phrase contains them (tests/diagnosis/test_resolver_lay_phrases.py checks).
FILLER_RE = re.compile(
    r"(?<![\w'])(?:really|totally|absolutely|completely|literally|so|super|proper"
    r"|incredibly|awfully|seriously|lowkey|low-key|low key|ngl|rn|fr|af|tbh|actual)(?![\w'])"
)


def lay_pain(clause: str) -> str:
    """ "my head is pounding" -> "headache", "pains in my tummy" -> "tummy pain", "pooing hurts" ->
    "painful poo", "aching all over" -> "body aches"."""
    for pattern in LAY_PAIN_RES:
        clause = pattern.sub(lambda m: " " + BODY_PART_PAIN[m.group("part")] + " ", clause)
    for pattern in ACTIVITY_PAIN_RES:
        clause = pattern.sub(lambda m: " " + _ACTIVITY_PAIN[m.group("act")] + " ", clause)
    clause = ALL_OVER_RE.sub(" body aches ", clause)
    if BARE_ACHY_RE.search(clause) and not _ANY_BODY_PART_RE.search(clause):
        clause = BARE_ACHY_RE.sub(" body aches ", clause)
    return " ".join(clause.split())


# Comparisons with the person's usual self ("thirstier than normal", "peeing more than usual",
# "my joints are stiffer than they used to be") say the plain symptom.
_USUAL = r"(?:usual|normal|before|ever|average|(?:it|they|i|he|she) used to(?: be)?|(?:it|they) were)"
COMPARATIVE_RES = (
    (re.compile(rf"\bmore than {_USUAL}"), " a lot more "),
    (re.compile(rf"\b(?:than|as) {_USUAL}"), " "),
)
_COMPARATIVE_WORD_RE = re.compile(r"\b([a-z]{3,}?)(ier|er)\b(?= (?:than|as)\b)")


def _plain_form(match: re.Match) -> str:
    """ "thirstier" -> "thirsty", "stiffer" -> "stiff", "bigger" -> "big", "worse" is left alone."""
    root, ending = match.group(1), match.group(2)
    candidates = [root + "y"] if ending == "ier" else [root, root[:-1], root + "e"]
    for word in candidates:
        if is_real_word(word):
            return word
    return match.group(0)


# "getting stiffer", "feeling sicker each day": a symptom said to grow is the symptom
_GROWING_WORD_RE = re.compile(
    r"\b(?P<lead>getting|gotten|growing|becoming|feeling|got|gone) (?P<root>[a-z]{3,}?)(?P<end>ier|er)\b"
)


def _plain_growing(match: re.Match) -> str:
    root, ending = match.group("root"), match.group("end")
    candidates = [root + "y"] if ending == "ier" else [root, root[:-1], root + "e"]
    for word in candidates:
        if is_real_word(word) and word not in {"bett", "bet", "lat", "lon", "wat"}:
            return f"{match.group('lead')} {word}"
    return match.group(0)


def plain_comparatives(clause: str) -> str:
    clause = _COMPARATIVE_WORD_RE.sub(_plain_form, clause)
    if "er" in clause:
        clause = _GROWING_WORD_RE.sub(_plain_growing, clause)
    for pattern, replacement in COMPARATIVE_RES:
        clause = pattern.sub(replacement, clause)
    return " ".join(clause.split())


# In British English "I've been sick" and "she was sick all night" mean vomiting; "sick with flu",
# "sick of it" and "sick leave" do not.
BEEN_SICK_RE = re.compile(
    r"\b(?:been|was|were|got|gets|get) sick\b(?! (?:with|of|and|note|notes|leave|day|days|pay|bay|list|building)\b)"
)

# In British English "she has a temperature" means a fever; "my temperature is normal" and "a
# temperature of 36.8" do not.
A_TEMPERATURE_RE = re.compile(
    r"(?<!bit of )(?<!slight )\b(?:a|running a) temp(?:erature)?\b(?! (?:of |is |was )?(?:3[0-7]|9\d)\b)"
)

# "diarrhoea with blood in it", "phlegm with streaks of blood": the symptom and blood in it (sick
# and vomit with blood are a symptom of their own, bleeding from the stomach).
_BLOOD_IN = {
    "poo": "poo", "poos": "poo", "stool": "stool", "stools": "stool", "diarrhoea": "poo", "diarrhea": "poo",
    "wee": "wee", "pee": "pee", "urine": "urine", "phlegm": "phlegm",
    "sputum": "phlegm", "mucus": "phlegm",
}  # fmt: skip
BLOOD_IN_RE = re.compile(
    rf"\b(?P<x>{'|'.join(_BLOOD_IN)})\b(?P<between>(?: [a-z]+){{0,2}}?) with (?:some |a bit of |streaks of |a little )?"
    r"blood(?: in it)?\b"
)


def _blood_in(match: re.Match) -> str:
    return f"{match.group('x')}{match.group('between')} and blood in {_BLOOD_IN[match.group('x')]}"


# "coughing fits" and "sneezing fit" are bouts of the symptom, not seizures.
BOUT_RE = re.compile(
    r"\b(coughing|sneezing|crying|laughing|giggling) fits?\b|\bfits? of (coughing|sneezing)\b"
)

# A symptom said to be over: "the dizziness has gone now", "headache free", "pain-free". A clause
# about appetite, smell, taste, energy or sight going is the symptom itself and is left alone.
RESOLVED_RE = re.compile(
    r"(?:\b(?:has|have|is|are|had)(?: all)? (?:gone|cleared|cleared up|settled|stopped|passed|disappeared)"
    r"|\bwent away|\bgone away|\bcleared up)(?: (?:now|away|off|completely|for good|last week|last month|last night"
    r"|yesterday|days ago|weeks ago|a few days ago|a week ago|a while ago|ages ago))*$"
    # "headache gone since taking paracetamol", "rash cleared up after the cream"
    r"|\b(?:gone|cleared up|went away|settled) (?:since|after|with) (?:taking|i took|using|the)\b"
)
FREE_RE = re.compile(r"\b([a-z]+)[- ]free\b")
RESOLVED_NEXT_RE = re.compile(
    r"^(?:(?:it|its|that|thats|this|they|which|those|these)(?:'s| is| has| have| had| was| were)?|now) "
    r"(?:all |completely |totally |back to )?(?:gone|cleared|better|settled|stopped|passed|went away|disappeared|fine"
    r"|normal|down)\b"
)
_GOING_IS_THE_SYMPTOM = re.compile(
    r"\b(?:appetite|smell|taste|energy|strength|sight|vision|voice|hearing|hair|periods?|breathing|pulse)\b"
)


def said_to_be_over(clause: str) -> bool:
    return bool(RESOLVED_RE.search(clause)) and not _GOING_IS_THE_SYMPTOM.search(clause)


# --- Everyday grammar: lay anatomy, real-word misspellings, colours, comparisons, functions --------
# Lay and slang names of body parts, mapped once to the word the knowledge base uses, so every rule
# above (pain grammar, word bags) works for them too ("my bonce hurts" is "my head hurts",
# "itchy back passage" is "itchy bottom", "pain at the back of my neck" is neck pain, never back pain).
LAY_ANATOMY = {
    "noggin": "head", "bonce": "head", "ticker": "heart", "peepers": "eyes", "back passage": "bottom",
    "anus": "bottom", "innards": "guts", "kneecap": "knee", "kneecaps": "knees", "belly button": "belly",
    "tummy button": "belly", "navel": "belly", "lumbar region": "lower back", "small of my back": "lower back",
    "base of my spine": "lower back", "bottom of my spine": "lower back", "pit of my stomach": "stomach",
    "number two": "poo", "number twos": "poo", "down below": "", "fingernails": "nails", "fingernail": "nail",
    "toenails": "nails", "toenail": "nail", "eyeballs": "eyes", "eyeball": "eye", "peckish": "hungry",
}  # fmt: skip
LAY_ANATOMY_RE = re.compile(
    _phrase_pattern.format("|".join(sorted(map(re.escape, LAY_ANATOMY), key=len, reverse=True)))
)
# "the back of my neck" is the neck; "back of my knee" the knee.
BACK_OF_RE = re.compile(r"\b(?:the )?back of (?:my |his |her |the |their )?(neck|head|knees?)\b")
# Misspellings that are real words, so word-level typo correction must leave them: each is replaced
# only in the company that shows what was meant ("soar throat", "wait loss", "lose motions").
HOMOPHONES = (
    (re.compile(r"\bsoar\b"), "sore"),
    (re.compile(r"\bpanes?\b(?! of glass)"), "pain"),
    (re.compile(r"\b(my|the|his|her|around|round|near) naval\b"), r"\1 belly"),
    (re.compile(r"\bnaval(?= (?:area|region)\b)"), "belly"),
    (re.compile(r"\bwait(?= (?:loss|gain)\b)"), "weight"),
    (re.compile(r"\blose(?= (?:motions?|stools?|poos?|bowels?)\b)"), "loose"),
    (re.compile(r"\bloose(?= of (?:appetite|weight|smell|balance|taste)\b)"), "loss"),
    (re.compile(r"\bbowl(?= (?:movements?|motions?|habits?)\b)"), "bowel"),
    (re.compile(r"\bwhizz(?:ing|y)\b"), "wheezing"),
    (re.compile(r"\bfeint(?:ed|ing)?\b"), "fainted"),
    (re.compile(r"\b(feel|feels|feeling|felt|am|so|very|i'm|im) week\b"), r"\1 weak"),
    (re.compile(r"\bpeace(?= of (?:blood|poo|skin)\b)"), "piece"),
    (re.compile(r"\ballot\b"), "a lot"),
    (re.compile(r"\bmy diner\b"), "my dinner"),
)


# "passing water", "hardly passing any water", "passing loads of water": peeing.
PASS_WATER_RE = re.compile(
    r"\b(?P<verb>pass|passing|passed) (?P<amount>(?:any|much|loads of|lots of|a lot of|little|very little) )?water\b"
)
_PASS_WATER = {"pass": "pee", "passing": "peeing", "passed": "peed"}


def lay_words(text: str) -> str:
    """Lay anatomy and real-word misspellings as the knowledge base's words (before typo correction,
    which never changes a real word)."""
    text = BACK_OF_RE.sub(r"\1", text)
    text = PASS_WATER_RE.sub(lambda m: f"{_PASS_WATER[m.group('verb')]} {m.group('amount') or ''}", text)
    text = LAY_ANATOMY_RE.sub(lambda m: LAY_ANATOMY[m.group()], text)
    for pattern, replacement in HOMOPHONES:
        text = pattern.sub(replacement, text)
    return text


# Colour and look of a body product ("wee looks like brandy", "motions are jet black", "neon yellow
# pee", "phlegm is the colour of rust", "lips have a bluey tinge"): one grammar, product x colour.
_PRODUCTS = {
    "pee": "wee|wees|pee|pees|urine|water", "poo": "poo|poos|poop|stool|stools|motion|motions|bowel movements?",
    "phlegm": "phlegm|sputum|mucus|spit|snot", "sick": "sick|vomit", "lips": "lips?", "skin": "skin",
    "eyes": "whites of (?:my |his |her |their |the )?eyes|eyes",
}  # fmt: skip
_COLOURS = {
    "dark": "dark|darker|brown|brownish|dark brown|orange|dark orange|amber|brandy|cola|coke|coca cola|tea|strong tea",
    "yellow": "neon yellow|neon|bright yellow|luminous|lucozade|fluorescent",
    "black": "black|jet black|tar|tarry|sticky black|black and sticky",
    "pale": "pale|white|grey|gray|clay|clay coloured|putty|chalky|light grey",
    "red": "red|maroon|bloody|pink|pinkish|red streaks|blood streaked|streaks of blood",
    "rust": "rust|rusty|rust coloured|brown|brownish",
    "clear": "white|clear|frothy white|white and frothy|frothy",
    "green": "green|yellow|greeny|yellowy|thick and yellow|thick and green|yellow green",
    "coffee": "coffee|coffee grounds|blood|bloody|red",
    "blue": "blue|bluey|bluish|purple|grey|gray|dusky",
    "yellowish": "yellow|yellowy|yellowish|a yellow tinge|mustard|mustard coloured",
}  # fmt: skip
# (product, colour) -> the knowledge-base phrase it means; other pairs are left as written.
PRODUCT_COLOURS = {
    ("pee", "dark"): "dark urine", ("pee", "yellow"): "yellow urine", ("pee", "red"): "blood in pee",
    ("poo", "black"): "black tarry stools", ("poo", "pale"): "pale stools", ("poo", "red"): "blood in poo",
    ("phlegm", "rust"): "rusty sputum", ("phlegm", "clear"): "mucoid sputum", ("phlegm", "green"): "phlegm",
    ("phlegm", "red"): "blood in sputum", ("sick", "coffee"): "blood in vomit", ("lips", "blue"): "blue lips",
    ("skin", "yellowish"): "yellowish skin", ("eyes", "yellowish"): "yellowing of eyes",
}  # fmt: skip
# Words that may stand between a product and its colour; never a negation word ("my sick isn't
# bloody" keeps its denial).
_LINK = (
    r"(?:is|are|was|were|looks?|looked|looking|has|have|had|gone|turned|turning|going|been|got|getting|comes? out"
    r"|coming out|the colour of|the color of|colour of|like|a|an|very|quite|kind of|sort of|almost|all"
    r"|bit|a bit|really|coloured|colored|thick and|sticky and|with a|tinge)"
)
_TEXTURE = r"(?:frothy|sticky|thick|watery|slimy|runny|greasy)"
_COLOUR_WORDS = "|".join(
    sorted({c for group in _COLOURS.values() for c in group.split("|")}, key=len, reverse=True)
)
_PRODUCT_WORDS = "|".join(p for p in _PRODUCTS.values())
PRODUCT_COLOUR_RES = (
    # "coughing up pink frothy spit": the whole span is the finding (the cough is in it)
    re.compile(
        rf"\b(?:coughing|cough|coughed|bringing|brought|spitting|spat|hawking) up (?:some |a lot of |loads of )?"
        rf"(?P<c>{_COLOUR_WORDS})(?: {_TEXTURE})? (?P<p>stuff|gunk|goo|gloop|muck|spit|phlegm|mucus|sputum)\b"
    ),
    # "wee looks like brandy", "motions are jet black", "phlegm is the colour of rust"
    re.compile(
        rf"\b(?P<p>{_PRODUCT_WORDS})(?: {_LINK}){{0,4}} (?P<c>{_COLOUR_WORDS})(?: tinge| coloured| colour)?\b"
    ),
    # "neon yellow pee", "maroon coloured stools", "red streaks in my poo", "coughing up frothy white stuff"
    re.compile(
        rf"\b(?P<c>{_COLOUR_WORDS})(?: coloured| colored| tinge in| bits in| streaks in| in)?(?: {_TEXTURE})?"
        rf"(?: (?:my|his|her|their|the))? (?P<p>{_PRODUCT_WORDS})\b"
    ),
    # "brought up dark brown stuff like coffee", "threw up something like coffee grounds"
    re.compile(
        r"\b(?P<p>brought up|bringing up|threw up|throwing up|vomited|been sick|was sick)(?: [a-z]+){0,4}? "
        r"(?:like |looked like |looks like |with )(?P<c>coffee grounds|coffee|blood)\b"
    ),
)


def _product_of(word: str) -> str | None:
    for product, words in _PRODUCTS.items():
        if re.fullmatch(words, word):
            return product
    if word in {"stuff", "gunk", "goo", "gloop", "muck"}:
        return "phlegm"
    if word in {"brought up", "bringing up", "threw up", "throwing up", "vomited", "been sick", "was sick"}:
        return "sick"
    return None


def _product_colour(match: re.Match, known: Container[str]) -> str:
    product = _product_of(match.group("p"))
    colour = match.group("c")
    for group, words in _COLOURS.items():
        phrase = PRODUCT_COLOURS.get((product, group)) if product else None
        if phrase and colour in words.split("|") and phrase in known:
            return f" {phrase} "
    return match.group(0)


# "brown patches on my neck", "white blotches on my face": discoloured skin (not red, which is a
# rash; not white patches in the throat, mouth or on the tonsils).
SKIN_PATCH_RE = re.compile(
    r"\b(?:white|pale|brown|dark|darker|light|lighter|paler|brownish|whitish)(?: coloured)? (?:patches|patch|blotches|marks)\b"
    r"(?! (?:in|on|at) (?:the back of )?(?:my |his |her |the )?(?:throat|tonsils?|tongue|mouth|gums?)\b)"
)


def product_colours(text: str, known: Container[str]) -> str:
    """Rewritten only into a phrase the index knows, so the words stay as written otherwise."""
    for pattern in PRODUCT_COLOUR_RES:
        text = pattern.sub(lambda m: _product_colour(m, known), text)
    if "discoloured patches of skin" in known:
        text = SKIN_PATCH_RE.sub(" discoloured patches of skin ", text)
    return text


# Pain said by comparison ("like sandpaper in my throat", "throat feels like broken glass", "like
# an elephant sitting on my chest", "stomach feels like it's on fire"): the comparison is read as
# "hurts" (or "burning" for heat), so the body-part grammar above finds the part.
_SIMILE_PAIN = (
    r"broken glass|glass|sandpaper|razor blades?|razorblades?|razors|knives|a knife|a hot knife|knife|daggers"
    r"|a hammer|hammering|hammers|(?:being )?stabbed|(?:being )?punched(?: me| him| her)?|(?:being )?kicked"
    r"(?: me| him| her)?|an elephant(?: sitting| standing)?|a drum banging|a brick|a pickaxe"
)
_SIMILE_HEAT = r"(?:a )?fire|on fire|acid|hot coals|lava|a blowtorch"
_SIMILE_TIGHT = r"(?:in )?a vice|a tight band|a band|being squeezed|something squeezing(?: it)?"
_SIMILE_LEAD = (
    r"like (?:i'm |i am |i've been |i have been |someone's |someone is |someone has |somebody's |someone |"
    r"somebody |it's |its |it is |there's |a |an )?"
)
# Comparisons that name a sensation other than pain: numb limbs, blurred sight, a racing or pounding
# heart, a spinning room, a swollen belly, weak legs, stiff joints, icy hands and feet.
_LIMB = r"(?:fingers?|hands?|feet|foot|toes?|legs?|arms?)"
_LIKE_THEY = r"like (?:they're |they are |theyre |it's |its |it is |they've been |i've got |a |an )?"
SENSATION_RES = (
    (
        re.compile(
            rf"\b(?P<part>{_LIMB})(?: (?:feel|feels|are|is|have gone|has gone|went))? {_LIKE_THEY}"
            r"(?:asleep|dead|(?:wrapped in )?cotton wool)\b"
        ),
        r" numb \g<part> ",
    ),
    (
        re.compile(
            rf"\blike (?:ants|insects|bugs) crawling (?:in|on|over|under) (?:my |his |her )?(?P<part>{_LIMB})\b"
        ),
        r" tingling \g<part> ",
    ),
    (
        re.compile(
            r"\blike (?:looking|seeing) through (?:frosted glass|a (?:steamed up |steamy |misty |dirty )?"
            r"(?:window|windscreen)|fog|a fog|a mist|mist|net curtains)\b|\blike a (?:veil|film|mist|fog) over (?:my |his |her )?eyes\b"
        ),
        " blurred vision ",
    ),
    (
        re.compile(
            r"\bheart(?:'s| is| was| keeps)? (?:going|racing|running) like (?:the clappers|a train|mad|crazy|the wind)\b"
        ),
        " heart racing ",
    ),
    (
        re.compile(
            r"\bheart(?:'s| is| was| keeps)? (?:feels |feel )?(?:beating |pounding |thumping |flapping |flipping |fluttering |banging )?"
            r"(?:over )?like (?:a |an )?(?:drum|bird|fish|butterfly|butterflies|washing machine|hammer)\b"
        ),
        " heart is pounding ",
    ),
    (
        re.compile(
            r"\blike (?:a |an |i'm on a |i am on a |being on a )?(?:merry-go-round|merry go round|roundabout|carousel|waltzer|spinning top)\b"
        ),
        " ",
    ),
    (
        re.compile(
            r"\b(?:tummy|belly|stomach)(?: feels| is| looks)?(?: tight| hard| swollen| blown up)? like (?:a |an )?"
            r"(?:football|drum|balloon|beach ball|basketball)\b"
        ),
        " belly is bloated ",
    ),
    (
        re.compile(
            r"\b(?P<part>legs|arms)(?: (?:feel|feels|are|have|has))? (?:like|turned to|gone to) (?:lead|jelly)\b"
        ),
        r" \g<part> have gone weak ",
    ),
    (
        re.compile(
            r"\bjoints?(?: (?:feel|feels|are|is))? like (?:rusty hinges|a rusty hinge|the tin man|an old gate)\b"
        ),
        " stiff joints ",
    ),
    (
        re.compile(
            r"\b(?P<part>hands|feet|fingers|toes)(?: (?:feel|are|go|turn))? (?:like )?(?:blocks of ice|ice blocks|ice)\b"
        ),
        " cold hands and feet ",
    ),
)
SENSATION_RES += (
    (
        re.compile(r"\b(?:fingers|hands|toes|feet)(?: (?:are|look|feel))? like (?:sausages|balloons)\b"),
        " swollen hands and feet ",
    ),
    (
        re.compile(
            r"\bveins?(?: (?:are|look|stick out))? like (?:worms|snakes|ropes|cords|a bunch of grapes)\b"
        ),
        " swollen blood vessels ",
    ),
    (
        re.compile(
            r"\b(?:lumps?|glands?|bumps?) like (?:peas|marbles|grapes|beans|a pea|a marble|a grape)"
            r" (?:under|in) (?:my |his |her )?(?:arm|arms|armpits?|neck|groin|jaw)\b"
        ),
        " swollen glands ",
    ),
    (
        re.compile(
            r"\b(?:cheeks|face|forehead)(?: (?:feel|feels))?(?: like (?:they are|they're|it's|it is))? full of"
            r" (?:cement|concrete|sand|glue)\b"
        ),
        " sinus pressure ",
    ),
    (
        re.compile(
            r"\b(?:brain|head)(?: (?:feels|feel|is))? like (?:cotton wool|mush|fog|porridge|treacle|soup)\b"
        ),
        " head is all foggy ",
    ),
    (
        re.compile(
            r"\b(?:feel|feels|feeling) like (?:i've|ive|i have|i) (?:been )?(?:hit|run over) by a (?:bus|truck|lorry|train|car)\b"
        ),
        " feel awful ",
    ),
    (
        re.compile(
            r"\beyes?(?: (?:feel|feels))? like (?:they're|they are|theyre|it's|it is) (?:being )?(?:pushed|popping|bulging|pressed) out\b"
        ),
        " pain behind my eyes ",
    ),
    (
        re.compile(
            r"\b(?:like )?(?:a vice|a tight band|a band|being squeezed) (?:around|round|across|on) (?:my |his |her |the )?head\b"
        ),
        " headache ",
    ),
    (
        re.compile(
            r"\b(?:went|go|goes|going|fell) down like a (?:sack of (?:potatoes|spuds)|stone|ton of bricks|felled tree)\b"
        ),
        " collapsed ",
    ),
    (
        re.compile(
            r"\b(?:liver|kidneys?)(?: (?:is|are|has|have))? (?:packing up|packed up|packed in|giving up|given up|shutting down|conking out)\b"
        ),
        " liver is failing ",
    ),
    (
        re.compile(
            r"\bone minute (?:[a-z]+ )?(?:happy|fine|laughing|up)(?: and)? (?:the )?next (?:minute )?(?:[a-z]+ )?(?:crying|sad|down|angry|raging)\b"
        ),
        " mood swings ",
    ),
    # a size said by comparison says nothing more: "a swelling like a golf ball at the front of my neck"
    (
        re.compile(r"\blike (?:a |an )?(?:golf ball|tennis ball|marble|pea|grape|egg|walnut|lemon|orange)\b"),
        " ",
    ),
)
SENSATION_RES += ((re.compile(r"\b(?:bum|bottom)(?: is)? (?:bleeds|bleeding|bled)\b"), " blood in poo "),)
SIMILE_RES = (
    (
        re.compile(rf"\b{_SIMILE_LEAD}(?P<act>swallowing|passing|peeing|weeing|pooing) (?:{_SIMILE_PAIN})\b"),
        "act",
    ),
    (re.compile(rf"\b{_SIMILE_LEAD}(?:{_SIMILE_PAIN})\b"), " hurts "),
    (re.compile(rf"\b{_SIMILE_LEAD}(?:{_SIMILE_HEAT})\b"), " burning "),
    (re.compile(rf"\b{_SIMILE_LEAD}(?:{_SIMILE_TIGHT})\b"), " tight "),
)


def similes(text: str) -> str:
    for pattern, replacement in SENSATION_RES:
        text = pattern.sub(replacement, text)
    for pattern, replacement in SIMILE_RES:
        if replacement == "act":
            text = pattern.sub(lambda m: f" {m.group('act')} hurts ", text)
        else:
            text = pattern.sub(replacement, text)
    return text


# Quantities and times that say the symptom: "lost a stone", "put on two stone", "sick three times
# this morning", "sweats in bed every night", "temp keeps spiking".
_AMOUNT = r"(?:(?:a|about|over|nearly|almost|around|half a|a couple of|\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|a few|several) )?"
_WEIGHT_UNIT = r"(?:stone|stones|st|pounds|lbs?|kilos?|kgs?|kilograms?)"
QUANTITY_RES = (
    (re.compile(rf"\b(?:lost|dropped|shed|losing|dropping) {_AMOUNT}{_WEIGHT_UNIT}\b"), " weight loss "),
    (
        re.compile(rf"\b(?:put on|gained|piled on|putting on|gaining) {_AMOUNT}{_WEIGHT_UNIT}\b"),
        " weight gain ",
    ),
    (
        re.compile(
            r"\b(?:been |was |being )?sick (?:(?:\d+|two|three|four|five|six|several|a few|many|lots of|loads of) times"
            r"|twice)\b"
        ),
        " being sick ",
    ),
    (
        re.compile(
            r"\b(?:sweats|sweating|sweaty|sweat)(?: [a-z]+){0,3}? (?:at night|every night|each night|in bed|in my sleep"
            r"|overnight|all night)\b"
        ),
        " night sweats ",
    ),
    (
        re.compile(
            r"(?<!slight )(?<!bit of )(?<!mild )(?<!low )\btemp(?:erature)? (?:for (?:\d+|two|three|four|five|six|seven|a few|several) days"
            r"|keeps? (?:spiking|going up|coming back)|spiking|spikes)\b"
        ),
        " high temperature ",
    ),
)


QUANTITY_RES += (
    (
        re.compile(
            r"\b(?:weeing|peeing|wee|pee|needing a wee|need a wee|need to pee|need to wee|need the loo)(?: like)? every"
            r" (?:hour|half hour|(?:\d+|few|five|ten|fifteen|twenty|thirty) (?:mins?|minutes))\b"
        ),
        " need to pee all the time ",
    ),
    (re.compile(r"\bbmi (?:is |of )?(?:over |above |about |around )?(?:3\d|4\d|5\d|6\d)\b"), " obesity "),
    (
        re.compile(
            r"\b(?:drink|drinking|have|having) (?:\d+|two|three|four|five|six|seven|eight|nine|ten|a few|several"
            r"|a couple of|a|half a) (?:pints|cans|beers|glasses of wine|glasses|bottles of wine|units|shots|bottle"
            r"|bottles)(?: of (?:wine|vodka|whisky|whiskey|gin|rum|cider|beer|spirits))?"
            r" (?:a|every|most|each) (?:day|days|night|nights|evening|evenings)\b"
        ),
        " drink every day ",
    ),
    # "doubled up in agony with my tummy", "screaming with tummy pain": severe tummy pain
    (
        re.compile(
            r"\b(?:doubled up|screaming|writhing|rolling around|in agony|agonising|excruciating|unbearable)"
            r"(?: [a-z]+){0,2}? (?:with|in) (?:my |his |her |the )?(?:tummy|belly|stomach|abdomen)(?: pain| ache)?\b"
        ),
        " severe tummy pain ",
    ),
    (re.compile(r"\bheadache(?: [a-z]+){0,3}? like a thunderclap\b"), " thunderclap headache "),
)


# "it runs in my family", "diabetes runs in the family": the family-history finding itself (its own
# name, which the history filter keeps), never the relative's condition as the person's symptom.
RUNS_IN_FAMILY_RE = re.compile(r"\b(?:[a-z]+ )?runs in (?:my|the|our|his|her) family\b")


def quantities(text: str, known: Container[str]) -> str:
    for pattern, replacement in QUANTITY_RES:
        if replacement.strip() in known:
            text = pattern.sub(replacement, text)
    return text


# --- What people say instead of a symptom's name: its effect on the day, what others see, a verb
# or adjective for it, two symptoms in one breath ----------------------------------------------------
_PERSON = r"(?:i|i'm|im|i've|ive|i am|he|he's|hes|she|she's|shes|they|they're|baby|baby's|babys)"
_PART_OF = r"(?:my|his|her|their|the|your)"
# Each is rewritten into a phrase the index knows (checked by `everyday_forms`), so a rule whose
# phrase is missing from a knowledge base does nothing.
EVERYDAY_RES = (
    # what others notice: "my wife says I'm yellow", "he's gone a yellowy colour"
    (
        re.compile(
            rf"\b{_PERSON}(?: (?:am|is|are|has|have|had|was|were|look|looks|looked|looking|gone|turned|turning|going"
            r"|been|getting|got|gone a|turned a|going a))* (?:a bit |a little |slightly |quite |very |all |kind of )?"
            r"(?:yellow|yellowy|yellowish|jaundiced)(?: colour| color)?\b"
            r"(?! (?:wee|pee|urine|phlegm|poo|stool|snot|mucus|sick|vomit|stuff|gunk|crust|spots|bits|discharge)\b)"
        ),
        " yellowish skin ",
    ),
    # "my speech sounds drunk", "words come out jumbled", "talking like he's drunk"
    (
        re.compile(
            rf"\b(?:{_PART_OF} )?(?:speech|words|voice|talking)(?: [a-z']+){{0,2}}? (?:drunk|slurry|slurring|jumbled"
            r"|garbled|muddled|all mixed up|mixed up)\b"
            r"|\bwords (?:keep |keeps )?(?:come|came|coming) out (?:wrong|funny|all wrong)"
            r"(?: and (?:jumbled|garbled|muddled))?\b"
        ),
        " slurred speech ",
    ),
    # two symptoms in one breath: "hot and cold all night", "hot and sweaty", "burning hot"
    (re.compile(r"\bhot and cold\b|\bhot then cold\b|\bcold then hot\b"), " high temperature and chills "),
    (
        re.compile(
            r"(?:^|"
            + "|".join(rf"(?<=\b{w} )" for w in ("feel", "feels", "feeling", "felt", "i'm", "im", "am", "is"))
            + r")hot and (?=(?:sweaty|shivery|shivering|clammy|shaky|feverish)\b)"
        ),
        " high temperature and ",
    ),
    (re.compile(r"\b(?:burning|boiling|roasting) hot\b|\bhot to (?:the )?touch\b"), " high temperature "),
    (
        re.compile(
            r"(?<!slight )(?<!bit of )(?<!mild )(?<!low )\btemp(?:erature)?s?(?: (?:is|are|has been|keeps|keep|been|going"
            r"|goes))? (?:up and down|coming and going"
            r"|comes and goes|on and off)\b"
        ),
        " high temperature ",
    ),
    # "my breathing has got worse", "breathing is harder"
    (
        re.compile(
            r"\bbreathing(?:'s| is| has| was| keeps)?(?: (?:got|gotten|getting|become|becoming|been|gone))? (?:worse"
            r"|harder|difficult|hard|laboured|labored)\b"
        ),
        " short of breath ",
    ),
    # "sucking in under the ribs": a child working to breathe
    (
        re.compile(
            rf"\b(?:sucking|pulling|drawing) in (?:under|between|below) {_PART_OF} ribs\b|\bribs (?:are )?sucking in\b"
        ),
        " struggling to breathe ",
    ),
    (
        re.compile(
            r"\bheart(?:'s| is| was| keeps| keep| kept| has been)? (?:skipping|missing|jumping|flipping|flip flopping"
            r"|dropping)(?: (?:a beat|beats))?\b"
        ),
        " heart skipping beats ",
    ),
    (
        re.compile(
            rf"\blike (?:a |an )?(?:drum|drums|hammer|bird|butterfly|butterflies) (?:beating|banging|pounding|thumping"
            rf"|fluttering|flapping) (?:in|inside) {_PART_OF} chest\b"
        ),
        " pounding heart ",
    ),
    # verbs: "scratching her bottom", "keep coughing things up", "running to the loo to wee"
    (
        re.compile(
            rf"\bscratch(?:ing|es|ed)? (?:at )?{_PART_OF} (?P<part>bottom|bum|eyes|skin|scalp|head|arms|legs|back)\b"
        ),
        "itchy",
    ),
    (
        re.compile(
            r"\b(?:cough|coughs|coughing|coughed|bring|bringing|brings|brought|hawking|hacking)"
            r" (?:up )?(?:stuff|things|gunk|goo|muck|gloop|bits|crud)(?: up)?\b"
        ),
        " coughing up phlegm ",
    ),
    (
        re.compile(
            r"\b(?:running|rushing|dashing|going|back and forth|up and down) to the (?:toilet|loo|bathroom)"
            r" (?:to|for a) (?:wee|pee)\b"
        ),
        " need to pee all the time ",
    ),
    (
        re.compile(
            r"\bwak(?:e|es|ing|ed|ing up|e up|es up|ed up)(?: up)? (?:in a |covered in |with )?(?:sweat|sweating|sweaty"
            r"|drenched|soaked|soaking|soaking wet|wet through|in a pool of sweat)\b"
            r"|\bgoing through (?:\w+ )?(?:t-shirts|t shirts|tshirts|shirts|nighties|pyjamas|sheets) a night\b"
        ),
        " night sweats ",
    ),
    (
        re.compile(rf"\boff {_PART_OF} (?:dinner|tea|breakfast|lunch|meals|grub|milk|feeds|bottle|food)\b"),
        " off food ",
    ),
    (
        re.compile(
            r"\b(?:loose|runny|watery|explosive|liquid) nappies\b|\bnappies (?:are )?(?:loose|runny|watery)\b"
        ),
        " loose stools ",
    ),
    (
        re.compile(
            rf"\bspots (?:all )?over {_PART_OF} (?:body|tummy|belly|chest|back|arms|legs|skin|trunk)\b"
        ),
        " red spots all over ",
    ),
    (
        re.compile(
            rf"\bveins? (?:on|in|down) {_PART_OF} (?:legs?|calf|calves)(?: (?:are|is))? (?:sticking out|bulging"
            r"|popping out|standing out)\b"
        ),
        " bulging veins in legs ",
    ),
    (
        re.compile(
            rf"\b(?:white|yellow|cream|creamy) (?:bits|spots|specks|dots|stuff) on {_PART_OF} tonsils\b"
        ),
        " white spots on tonsils ",
    ),
    (
        re.compile(
            r"\bappetite(?:'s| has| is)? (?:doubled|gone up|shot up|through the roof|increased|grown|huge|enormous)\b"
        ),
        " appetite increased ",
    ),
    (
        re.compile(
            r"\b(?:tummy|belly|stomach)(?:'s| has| is)?(?: (?:got|gotten|getting|grown|gone|become))?"
            r"(?: (?:so|really|very|quite))? (?:big|huge"
            r"|massive|enormous|bigger|larger)\b"
        ),
        " swollen belly ",
    ),
    (
        re.compile(r"\b(?:drink|drinks|drinking) (?:every|most|each) (?:day|night|evening)s?\b"),
        " drink every day ",
    ),
    (
        re.compile(
            r"\b(?:words|letters|print|writing|the page|text|things|everything)(?: (?:are|is|look|looks|go|goes|went"
            r"|gone|going))?(?: all)? (?:fuzzy|blurry|blurred|out of focus|swimming)\b"
        ),
        " blurred vision ",
    ),
    (
        re.compile(r"\b(?:dodgy|iffy|gippy|funny|upset|unsettled) (?:tummy|stomach|belly|guts)\b"),
        " upset stomach ",
    ),
    (
        re.compile(
            r"\b(?:tummy|belly|stomach)(?:'s| is)? (?:doing|turning) (?:somersaults|cartwheels|backflips|flips)\b"
            r"|\b(?:tummy|belly|stomach)(?:'s| is)? churning\b"
        ),
        " feeling sick ",
    ),
    (
        re.compile(
            r"\b(?:like|feel|feels|feeling|felt)(?: (?:i'm|im|i am|i was|being|he's|she's))? on a (?:boat|ship)\b"
        ),
        " vertigo ",
    ),
    # "peeing glass", "weeing razor blades": pain passing water said without "like"
    (
        re.compile(
            r"\b(?:peeing|weeing|pissing) (?:broken glass|glass|razor blades?|razors|knives|fire|acid|needles)\b"
        ),
        " painful urination ",
    ),
    # comparisons for a sensation other than pain
    (
        re.compile(
            r"\bhead(?:'s| is)?(?: feels| feel)? like (?:it's |its |it is )?(?:in a vice|being squeezed|going to (?:explode"
            r"|burst)|about to (?:explode|burst)|splitting|exploding|a balloon)\b"
        ),
        " headache ",
    ),
    (
        re.compile(
            rf"\blike (?:ants|insects|bugs|spiders) crawling (?:in|on|over|under|all over) {_PART_OF} skin\b"
        ),
        " itchy skin ",
    ),
    (
        re.compile(
            r"\blike (?:i'm |im |i am |he's |she's |i've been )?breathing through a (?:straw|pillow|wet towel|wet flannel)\b"
        ),
        " short of breath ",
    ),
    (
        re.compile(
            rf"\blike (?:a |an )?(?:balloon|football|beach ball) in {_PART_OF} (?:tummy|belly|stomach)\b"
        ),
        " bloating ",
    ),
    (
        re.compile(r"\b(?:like|feel|feels|feeling|felt) (?:a |an )?(?:zombie|walking zombie|zombies)\b"),
        " exhausted ",
    ),
    (
        re.compile(
            r"\b(?:mind|thoughts|thinking)(?:'s| is| are)?(?: feels| feel)? like (?:cotton wool|mush|fog|porridge|treacle|soup)\b"
        ),
        " head is all foggy ",
    ),
    (
        re.compile(
            r"\bskin(?:'s| is)?(?: (?:feels|looks|gone))? like (?:a )?(?:lizard|lizards|crocodile|snake|reptile|fish scales)\b"
        ),
        " flaky skin ",
    ),
)
EVERYDAY_RES += (
    # "have to sit down halfway up the hill to get my breath": stopping to breathe (never "struggling to
    # catch my breath" or "can't catch my breath", which may be severe and are left to their own phrases)
    (
        re.compile(
            r"\b(?:stop|stops|stopped|stopping|sit down|sits down|sat down|sitting down|pause|paused|pausing|rest"
            rf"|rested|resting)(?: [a-z]+){{0,4}}? to (?:get|catch) {_PART_OF} breath\b"
        ),
        " short of breath ",
    ),
    (
        re.compile(
            r"\b(?:spots|blotches|rash|rashes)(?: (?:keep|keeps|is|are|been|have been|has been))? spreading\b"
        ),
        " rash ",
    ),
    (
        re.compile(
            rf"\bscaly (?:elbows|knees|scalp|patches|plaques|bits)\b|\bscaly skin on {_PART_OF} (?:elbows|knees)\b"
        ),
        " scaly patches ",
    ),
    (
        re.compile(r"\bskin(?:'s| is)? (?:coming|came|comes|peeling) (?:away|off)\b"),
        " skin coming off ",
    ),
    # effects on the day: "fall asleep at my desk", "had to leave the meeting to be sick"
    (
        re.compile(
            r"\b(?:fall|falls|falling|fell|dropping|nodding|nod) (?:asleep|off) (?:at|during|in|on|over) (?:my |the |his "
            r"|her )?(?:desk|work|meetings?|the day|daytime|sofa|wheel|lunch|dinner|school|class|lessons?)\b"
        ),
        " tired ",
    ),
    (
        re.compile(r"\b(?:had to|have to|ran|run|rushed|rush|went|go) (?:[a-z]+ ){0,4}?to be sick\b"),
        " being sick ",
    ),
    (
        re.compile(
            r"\b(?:cuts?|grazes?|wounds?|sores?|scratches)(?: [a-z]+){0,3}? (?:take|takes|taking|took) (?:ages|weeks"
            r"|forever|months|a long time|so long|too long) to (?:heal|close|close up|go|clear)\b"
        ),
        " slow healing wounds ",
    ),
    (
        re.compile(
            rf"\b(?:lump|swelling|swollen lump|bump)(?: [a-z]+){{0,2}}? (?:at|in|on) the front of {_PART_OF}"
            r" (?:throat|neck)\b"
        ),
        " swelling in front of neck ",
    ),
)
EVERYDAY_RES += (
    (
        re.compile(
            r"\b(?:peeing|weeing)(?: (?:all through|all|most of|through|during|in))? (?:the )?(?:night|day|all the time"
            r"|constantly"
            r"|loads|lots)\b"
        ),
        " peeing a lot ",
    ),
    (
        re.compile(
            r"\b(?:sex|slept with \w+|sleeping with \w+|hooked up with \w+) without (?:protection|a condom|condoms"
            r"|using (?:protection|a condom))\b"
        ),
        " unprotected sex ",
    ),
    (
        re.compile(
            rf"\b(?:{_PART_OF} )?(?:body|forehead|skin)(?:'s| is| feels| feel)?(?: (?:very|so|really|all))? hot\b"
        ),
        " high temperature ",
    ),
    (
        re.compile(
            rf"\bblack (?:dots|spots|bits|specks|heads) on {_PART_OF} (?:nose|chin|face|forehead|cheeks)\b"
        ),
        " blackheads ",
    ),
    (
        re.compile(
            rf"\b(?:clear |water |watery |fluid )?(?:bubbles|bubbly spots) on {_PART_OF} (?:skin|hands?|feet|arms?|legs?)\b"
        ),
        " blisters ",
    ),
    (
        re.compile(
            r"\b(?:knees?|knuckles|joints?|wrists?|elbows?)(?: (?:have|has|are|is|all))? (?:puffed up|puffy|fat|swelled up"
            r"|blown up|come up|gone up)\b"
        ),
        " swollen joint ",
    ),
    (
        re.compile(r"\b(?:everything|food|things)(?: (?:smells|tastes)) of nothing\b|\bsmell nothing\b"),
        " lost sense of smell ",
    ),
    (
        re.compile(
            r"\b(?:eat|eats|ate|eaten|food|drink|drinks|milk|feeds?|meals?|it|everything)(?: [a-z]+){0,2}? (?:comes?"
            r"|coming|came|keeps coming) (?:straight |right )?back up\b"
        ),
        " throwing up ",
    ),
    (
        re.compile(
            r"\b(?:gulping|guzzling|downing|glugging)(?: down)? (?:water|squash|drinks|pints|litres|bottles)\b"
            r"|\bdrinking (?:loads|litres|gallons|pints|bottles) of (?:water|squash)\b"
        ),
        " very thirsty ",
    ),
    (
        re.compile(
            r"\beating (?:twice|double|two times) (?:what|as much as) (?:i|he|she|they) (?:used to|normally|usually)\b"
        ),
        " eating more than usual ",
    ),
    (
        re.compile(
            r"\bperiods? (?:last|lasts|lasting|go on for|goes on for|going on for) (?:\d+|eight|nine|ten|eleven|twelve"
            r"|two|three|a couple of) (?:days|weeks)\b"
        ),
        " abnormal periods ",
    ),
    (
        re.compile(
            r"\b(?:urine|pee|wee|motions|poos|stools)(?: passing)? (?:many|lots of|loads of|so many|several|\d+|ten|ten"
            r"|five|six|seven|eight) times(?: (?:a|per|in a|each) day)?\b"
        ),
        "times",
    ),
    (
        re.compile(
            rf"\b(?:hair (?:all )?(?:over|on|covering) {_PART_OF} pillow|pillow(?:'s| is)? covered in hair|clumps of hair"
            r"|hair (?:coming out|falling out) in (?:clumps|handfuls))\b"
        ),
        " hair falling out ",
    ),
)
# "can't go out in the sun without my skin blistering": what follows "without" happens every time
CANNOT_WITHOUT_RE = re.compile(r"\b((?:can't|cant|cannot|can not|couldn't|couldnt) [a-z' ]+?) without\b")
# Symptoms that are themselves past events ("had a blood transfusion years ago", "shared a needle
# years back"): read in a clause about the past, where any other symptom is history.
PAST_EXPOSURES = frozenset(
    {"blood_transfusion_history", "unsterile_injections_history", "history_of_alcohol_consumption",
     "high_risk_sexual_contact"}
)  # fmt: skip
OTHER_PEOPLE = OLDER_RELATIVES | {"friend", "friends", "mate", "mates", "neighbour", "colleague", "boss"}
# "non stop", "nonstop": a lot ("weeing non stop" is "weeing a lot").
NON_STOP_RE = re.compile(r"\bnon(?: |-)?stop\b")
# The symptom's own name said with "feel" or "felt": "felt so rough" is "feeling rough".
FEEL_RE = re.compile(r"\b(?:feel|feels|felt|feelin|am feeling|been feeling) (?=([a-z]+(?: [a-z]+)?))")
# "sick and dizzy", "sicky": feeling sick (a bare "sick" said with another complaint, not "been sick").
SICK_AND_RE = re.compile(
    r"(?:^|"
    + "|".join(rf"(?<=\b{w} )" for w in ("so", "bit", "all", "quite", "very", "i'm", "im"))
    + r")sick(?= and (?!tired\b))|\bsicky\b"
)
# "she said it was sick" is praise; "that joke was sick" is not vomiting.
# Two describing words for one body part: "red and itchy eyes" is red eyes and itchy eyes, "weak and
# wobbly legs" weak legs and wobbly legs. Only known describing words are shared, so "cough and sore
# throat" stays as it is.
_SHARED_ADJECTIVES = (
    r"red|sore|weak|stiff|dry|numb|swollen|puffy|tingly|tingling|itchy|painful|achy|aching|wobbly|flaky|raw|tender"
    r"|watery|streaming|runny|blocked|bloodshot|scaly|shaky|sweaty|cold|hot|blotchy|crusty|bleeding|throbbing|heavy"
    r"|gritty|burning|bruised|sticky|cracked"
)
_SHARED_PARTS = (
    r"eyes?|legs?|arms?|knees?|joints?|skin|hands?|feet|foot|fingers?|toes?|throat|nose|lips?|tummy|belly|chest"
    r"|back|neck|muscles|face|ankles?|gums|bum|bottom|wrists?|hips?|scalp|head"
)
SHARED_ADJECTIVE_RE = re.compile(
    rf"\b(?P<a>{_SHARED_ADJECTIVES}) and (?P<b>{_SHARED_ADJECTIVES}) (?P<part>{_SHARED_PARTS})\b"
)
# ... and two body parts sharing one describing word: "my feet and face have puffed up" is puffy
# feet and a puffy face (a sign each), not one finding spread over both.
_SHARED_STATES = {"puffed up": "puffy", "puffy": "puffy", "swollen": "swollen", "swelled up": "swollen"}
SHARED_PART_RE = re.compile(
    rf"\b(?P<a>{_SHARED_PARTS}|face) and (?:{_PART_OF} )?(?P<b>{_SHARED_PARTS}|face)"
    r" (?:(?:have|has|are|is|look|looks|feel|feels|gone|got|all|both) )*(?P<state>puffed up|puffy|swollen|swelled up)\b"
)
# a hyphen inside a word the index does not know is a space ("bunged-up nose", "non-stop")
HYPHENATED_RE = re.compile(r"\b[a-z]+(?:-[a-z]+)+\b")
# "itching to get back to work" is eagerness, not an itch ("itching to the point it bleeds" is an itch)
ITCHING_TO_RE = re.compile(r"\bitching to (?!the\b|my\b|his\b|her\b|death\b|bits\b)(?=[a-z]+)")
# "temp" or "temperature" said alone is a fever, as "a temperature" is
BARE_TEMPERATURE_RE = re.compile(r"^(?:temp|temps|temperature|a temp|high temp)$")


def _everyday_sub(match: re.Match, replacement: str, known: Container[str]) -> str:
    if replacement == "times":
        phrase = (
            "frequent urination" if match.group(0).split()[0] in {"urine", "pee", "wee"} else "loose stools"
        )
        return f" {phrase} " if phrase in known else match.group(0)
    if replacement == "itchy":
        phrase = "itchy bottom" if match.group("part") in {"bottom", "bum"} else "itchy skin"
        phrase = "itchy eyes" if match.group("part") == "eyes" else phrase
        return f" {phrase} " if phrase in known else match.group(0)
    said = (part.strip() for part in replacement.split(" and "))
    return replacement if all(part in known for part in said if part) else match.group(0)


def everyday_forms(text: str, known: Container[str]) -> str:
    """Everyday wordings rewritten into the phrase the index knows (each only if it knows it)."""
    text = ITCHING_TO_RE.sub(" eager to ", NON_STOP_RE.sub(" a lot ", text))
    for pattern, replacement in EVERYDAY_RES:
        text = pattern.sub(lambda m, r=replacement: _everyday_sub(m, r, known), text)
    text = SHARED_ADJECTIVE_RE.sub(
        lambda m: (
            m.group(0)
            if m.group(0) in known  # a name of its own: "itchy and watery eyes"
            else f"{m.group('a')} {m.group('part')} and {m.group('b')} {m.group('part')}"
        ),
        text,
    )
    text = SHARED_PART_RE.sub(
        lambda m: (
            f"{_SHARED_STATES[m.group('state')]} {m.group('a')} and {_SHARED_STATES[m.group('state')]} {m.group('b')}"
        ),
        text,
    )
    if "feeling sick" in known:
        text = SICK_AND_RE.sub(" feeling sick", text)
    return text


# Words the grammar above reads ("scalds", "tarry", "sandpaper"): typo correction leaves them alone.
GRAMMAR_WORDS = frozenset(
    re.findall(
        r"[a-z]{3,}",
        " ".join(
            (
                _HURTS,
                _STINGS,
                _COLOUR_WORDS,
                _TEXTURE,
                _PRODUCT_WORDS,
                _SIMILE_PAIN,
                _SIMILE_HEAT,
                _SIMILE_TIGHT,
            )
        ),
    )
)


# Filler that is never a symptom by itself.
STOPWORDS = {
    "i",
    "im",
    "i'm",
    "ive",
    "i've",
    "have",
    "has",
    "had",
    "got",
    "get",
    "getting",
    "a",
    "an",
    "the",
    "and",
    "or",
    "my",
    "me",
    "is",
    "am",
    "are",
    "be",
    "been",
    "feel",
    "feeling",
    "feels",
    "with",
    "of",
    "in",
    "on",
    "at",
    "some",
    "bit",
    "little",
    "very",
    "really",
    "also",
    "too",
    "since",
    "for",
    "days",
    "day",
    "week",
    "weeks",
    "today",
    "yesterday",
    "it",
    "its",
    "it's",
    "this",
    "that",
    "there",
    "lot",
    "lots",
    "quite",
    "kind",
    "sort",
    "like",
    "when",
    "after",
    "before",
    "from",
    "to",
    "all",
    "time",
    "keep",
    "keeps",
    "constant",
    "constantly",
    "bad",
    "mild",
    "slight",
    "slightly",
    "much",
    "so",
    "just",
    "having",
    "what",
    "which",
    "any",
    "do",
    "does",
    "did",
    "can",
    "cant",
    "cannot",
    "couldn't",
    "couldnt",
    "won't",
    "wont",
    "wouldn't",
    "wouldnt",
    "stop",
    "can't",
    "could",
    "about",
    "around",
    "sometimes",
    "often",
    "recently",
    "now",
    "then",
    "morning",
    "night",
    "last",
    "past",
    "few",
    "couple",
    "two",
    "three",
    "hi",
    "hello",
    "please",
    "help",
    "think",
    "maybe",
    "probably",
    "pretty",
    "terrible",
    "awful",
    "horrible",
    "suffering",
    "suffer",
    "experiencing",
    "symptoms",
    "symptom",
    "problem",
    "problems",
    "issues",
    "issue",
    "yes",
    "yeah",
    "every",
    # intensifiers and fillers of everyday speech ("nose is totally blocked")
    "totally",
    "absolutely",
    "completely",
    "literally",
    "proper",
    "properly",
    "seriously",
    "super",
    "gone",
    "loads",
    "abit",
}
FUZZY_PHRASE_CUTOFF = 87  # best balance of typo recall vs false matches on tests/diagnosis/test_resolver.py
FUZZY_CHIP_CUTOFF = 80
SUGGESTION_CUTOFF = 72


# Word-level typo correction ("fevor", "tierd", "diahrea"): a word that is neither a common English
# word nor one of the knowledge base's words is replaced by the one knowledge-base word within this
# many edits (a swap of two letters is one edit); two candidates at the same distance is no answer.
TYPO_MIN_CHARS = 4
TYPO_LONG_WORD = 9  # from this length two edits are allowed


_WORD_RE = re.compile(r"(?<![\w'])[a-z]+(?![\w'])")


# Spelling by sound: a crude English sound key (consonants as said, every vowel group one "a", a silent
# "gh", "h" or non-rhotic "r" dropped), so "cauffing" and "coughing" share "kafang" and "exorsted" and
# "exhausted" share "aksastad". Only tried on a non-word the edit distance above could not place.
SOUND_MIN_CHARS = 5
_SOUND_STEPS = (
    (r"igh", "i"), (r"(?<=[aeiou])gh", "f"), (r"gh", ""), (r"ph", "f"), (r"ck", "k"), (r"ch", "k"),
    (r"sh", "s"), (r"th", "0"), (r"tion", "sun"), (r"qu", "kw"), (r"x", "ks"), (r"c(?=[eiy])", "s"),
    (r"c", "k"), (r"q", "k"), (r"z", "s"), (r"(?<=[aeiou])[hwy]", ""), (r"(?<=[aeiou])r(?=[^aeiou]|$)", ""),
    (r"(?<=.)h", ""), (r"(?<=[^aeiou])e$", ""), (r"([a-z0])\1+", r"\1"), (r"[aeiouy]+", "a"),
)  # fmt: skip
_SOUND_RES = tuple((re.compile(pattern), replacement) for pattern, replacement in _SOUND_STEPS)


def sound_key(word: str) -> str:
    """How a word sounds, roughly: "nawshus" and "nauseous" are both "nasas"."""
    for pattern, replacement in _SOUND_RES:
        word = pattern.sub(replacement, word)
    return word


def _typo_budget(word: str) -> int:
    return 2 if len(word) >= TYPO_LONG_WORD else 1


# "pressure in my hips" is as close to "pressure in my chest" as a typo is: in phrases of several
# words the last one (usually the body part) must itself match, allowing only for typos.
LAST_WORD_CUTOFF = 60


def _typo_only(phrase: str, choice: str) -> bool:
    """A fuzzy match may only correct misspellings or word forms: every word that differs from the
    choice must be a non-word ("vomitting") or another form of one of its words ("short of breathe"),
    never another real word ("earache" is not "headache", "hips" not "lips")."""
    wanted = set(choice.split())
    stems = {stem(word) for word in wanted}
    said = phrase.split()
    said_stems = {stem(word) for word in said}
    # ... and every word of the choice must have been said in some form: "hands and feet" is not
    # "cold hands and feet".
    for word in wanted:
        if word.isalpha() and word not in STOPWORDS and stem(word) not in said_stems:
            if not any(OSA.distance(word, other) <= _typo_budget(word) for other in said):
                return False
    return all(
        word in wanted or not is_real_word(word) or stem(word) in stems for word in said if word.isalpha()
    )


def _same_last_word(phrase: str, choice: str) -> bool:
    if " " not in phrase or " " not in choice:
        return True
    return fuzz.ratio(phrase.rsplit(" ", 1)[1], choice.rsplit(" ", 1)[1]) >= LAST_WORD_CUTOFF


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("’", "'")
    text = re.sub(r"[_/\\|()\[\]{}\"“”*#+=<>~^`@$%&]", " ", text)
    text = re.sub(r"(?<![a-z])-|-(?![a-z])", " ", text)
    return " ".join(text.split())


@dataclass
class Match:
    text: str
    slug: str
    score: float


@dataclass
class Resolution:
    present: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    index: SymptomIndex | None = field(default=None, repr=False)

    @property
    def suggestions(self) -> dict[str, list[str]]:
        """Did-you-mean names per unrecognised phrase, computed on demand: fuzzy-scoring every
        leftover against every phrase was most of a check's CPU, and only pages need them."""
        if self.index is None:
            return {}
        return {text: self.index.suggest(text) for text in self.unrecognised}

    def add(self, slug: str, text: str, score: float, negated: bool) -> None:
        self.matches.append(Match(text, slug, score))
        target, other = (self.negated, self.present) if negated else (self.present, self.negated)
        if slug not in target:
            target.append(slug)
        # The later statement wins ("fever ... actually no fever").
        if slug in other:
            other.remove(slug)


def _not_current(clause: str, first_person: bool) -> bool:
    """Family history, past history or a hypothetical: not a symptom the person has now."""
    return _why_not_current(clause, first_person) is not None


def _why_not_current(clause: str, first_person: bool) -> ClauseContext | None:
    """The clause's ConText when it is not current (family, history or hypothetical), else None."""
    words = tokenise(clause)
    if not words:
        return None
    context = ClauseContext.build(words, [], question=False, first_person=first_person)
    return context if context.family or context.history or context.hypothetical_from is not None else None


def _sentences_opened_in_the_past(clauses: list[str], delimiters: list[str]) -> set[int]:
    """The clauses of a sentence that opens with a past time ("long time ago, maybe 10 year, I have
    ..."), as the complaint layer reads them (`context.opens_with_a_past_time`): up to the sentence's
    end, a "but" or a clause that speaks of now."""
    out: set[int] = set()
    words = [tokenise(clause or "") for clause in clauses]
    # whether clause n is joined to the one after it within the sentence
    joined = [n < len(delimiters) and delimiters[n].strip() in {",", ";", ",,"} for n in range(len(clauses))]
    lead = False
    for n in range(len(clauses)):
        if not (n and joined[n - 1]):
            lead = opens_with_a_past_time(words[n])
        elif lead and goes_on_in_the_past(words[n]):
            out.add(n)
        else:
            lead = False
        dated_after = n + 1 < len(clauses) and joined[n] and opens_with_a_past_time(words[n + 1])
        if dated_after and goes_on_in_the_past(words[n]):
            out.add(n)  # "suicidal thoughts after our second, 4 years back"
    return out


def _conditional_questions(clauses: list[str], delimiters: list[str]) -> set[int]:
    """The clauses of a question that starts with "if" ("if I get chest pain on the plane what should
    I do?"): hypothetical, exactly as the complaint layer reads them (`context.clauses`)."""
    out: set[int] = set()
    sentence: list[int] = []
    for n in range(len(clauses)):
        sentence.append(n)
        end = delimiters[n] if n < len(delimiters) else "."
        if not set(end) & set(".?!;\n"):
            continue
        first = next((clauses[m] for m in sentence if (clauses[m] or "").strip()), "") or ""
        if "?" in end and first.split()[:1] == ["if"]:
            if is_habitual(tokenise(" ".join(clauses[m] or "" for m in sentence))):
                sentence = []
                continue  # "if my chest hurts when I run, should I stop?": it happens
            out.update(sentence)
        sentence = []
    return out


# Words that join what the person has now to what follows ("chest pain and a family history of
# heart disease"): the current part ends at the last of them before the family or past history.
_JOINERS = frozenset({"and", "with", "plus", "&"})
# Words that list two findings: a longer phrase never reaches across them ("phlegm and blood").
_LISTING = frozenset({"and", "or", "with", "plus", "&", "nor"})


def _current_part(clause: str, first_person: bool) -> tuple[str, str]:
    """The words of a clause before its family history, past history or hypothetical begins
    ("I have chest pain and a family history of heart disease" -> "I have chest pain"), cut at
    the last joining word before that point ("" when the clause is not current from its start),
    and the words after that joining word."""
    words = clause.split()
    for end in range(1, len(words) + 1):
        context = _why_not_current(" ".join(words[:end]), first_person)
        if context is not None:
            joins = [i for i in range(end - 1) if words[i] in _JOINERS]
            if not joins or _one_past_episode(words[: joins[-1]], context):
                return "", ""
            return " ".join(words[: joins[-1]]), " ".join(words[joins[-1] + 1 :])
    return clause, ""


_PAST_VERBS = frozenset(
    {"bled", "had", "was", "were", "went", "got", "took", "threw", "came", "felt", "fell"}
)


def _one_past_episode(before: list[str], dated: ClauseContext) -> bool:
    """ "bled from an ulcer and vomited blood in 2019": a date at the end of a clause told in the past
    dates all of it, not only the words after the last "and". "chest pain and had shingles years ago"
    keeps its chest pain: no verb before the "and" says it was past. `dated`: the whole clause's
    ConText, already built to find that it is not current."""
    tokens = tokenise(" ".join(before))
    if PRESENT_TENSE.intersection(tokens) or not any(
        t in _PAST_VERBS or (t.endswith("ed") and len(t) > 4) for t in tokens
    ):
        return False
    return dated.history and not dated.family and dated.hypothetical_from is None


# Word forms read as one, so "my eyes are itching" finds "itchy eyes" and "ankles have swelled"
# finds "swollen ankles" (see SymptomIndex._bag_hit).
_IRREGULAR_STEMS = {
    "swollen": "swell", "swelled": "swell", "swelling": "swell", "swell": "swell", "ache": "ache", "aches": "ache",
    "aching": "ache", "achy": "ache", "achey": "ache", "ached": "ache", "hurts": "hurt", "hurting": "hurt",
    "bled": "bleed", "bleeding": "bleed", "pooing": "stool", "pooping": "stool", "pooed": "stool", "feet": "foot", "teeth": "tooth", "lost": "lose", "losing": "lose",
    "blurry": "blur", "blurred": "blur", "wee": "pee", "weeing": "pee", "peeing": "pee", "urine": "pee",
    "tummy": "belly", "stomach": "belly", "poo": "stool", "stools": "stool", "poop": "stool",
}  # fmt: skip
SINGLE_STEM_MIN_CHARS = 4  # "fits" -> "fit" is too short a stem to trust on its own
BAG_MIN_WORDS = 2  # one word alone is left to exact and typo matching ("runs" is not "the runs")
BAG_MAX_WORDS = 4
BAG_MAX_SPAN = 7  # tokens a bag of words may spread over ("glands in my neck are up")


def stem(word: str) -> str:
    """A crude English stem: enough to make "itching", "itches" and "itchy" one word."""
    if word in _IRREGULAR_STEMS:
        return _IRREGULAR_STEMS[word]
    for suffix in ("ing", "ish", "ed", "es", "s", "y", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # "runn" -> "run"
    return word


# "can't" and "won't" carry the meaning of a phrase ("won't wake up" is not "wake up"), so they
# stay in its bag of words as one form each.
MODAL_NEGATIVES = {
    "can't": "cant", "cant": "cant", "cannot": "cant", "couldn't": "cant", "couldnt": "cant",
    "won't": "cant", "wont": "cant", "wouldn't": "cant", "wouldnt": "cant",
}  # fmt: skip


def content_bag(words: list[str]) -> frozenset[str]:
    return frozenset(
        MODAL_NEGATIVES.get(w) or stem(w) for w in words if w not in STOPWORDS or w in MODAL_NEGATIVES
    )


def _word_bags(phrases: dict[str, str]) -> dict[frozenset[str], str]:
    """Each phrase as a set of word stems, for phrases said in another order or form ("nose is
    streaming" is "streaming nose"). A set two symptoms share is left out rather than guessed."""
    bags: dict[frozenset[str], str | None] = {}
    for phrase, slug in phrases.items():
        words = phrase.replace("'", "").split()
        if set(words) & NEGATION_CUES or set(phrase.split()) & NEGATION_CUES:
            continue
        bag = content_bag(words)
        if len(bag) < BAG_MIN_WORDS:
            continue
        bags[bag] = slug if bags.get(bag, slug) == slug else None
    return {bag: slug for bag, slug in bags.items() if slug}


class SymptomIndex:
    """An in-memory phrase index built from the knowledge base (a few thousand phrases)."""

    def __init__(
        self, phrases: dict[str, str], names: dict[str, str], never_suggest: frozenset[str] = frozenset()
    ):
        # Red-flag symptoms are never offered as a "did you mean" for a typo: a guess must not put
        # a danger sign in someone's mouth (they are still recognised when typed).
        self.never_suggest = never_suggest
        self.phrases = {normalise(p): slug for p, slug in phrases.items() if normalise(p)}
        self.names = names  # slug -> display name
        self.max_words = max((len(p.split()) for p in self.phrases), default=1)
        self._choices = list(self.phrases)
        # Sorted display entries for autocomplete: (normalised phrase, slug).
        self._autocomplete = sorted(self.phrases.items(), key=lambda kv: (len(kv[0]), kv[0]))
        self._normalised_names = {slug: normalise(name) for slug, name in names.items()}
        self._bags = _word_bags(self.phrases)
        # One-word phrases by stem, for other forms of the word ("coughed", "itches", "sneezed").
        singles: dict[str, str | None] = {}
        for phrase, slug in self.phrases.items():
            if " " not in phrase and phrase.isalpha() and phrase not in STOPWORDS:
                key = stem(phrase)
                if len(key) >= SINGLE_STEM_MIN_CHARS:
                    singles[key] = slug if singles.get(key, slug) == slug else None
        self._singles = {key: slug for key, slug in singles.items() if slug}
        # Every word of the knowledge-base phrases, for correcting one misspelt word at a time.
        # Negation words are left out so a typo never becomes one.
        self._vocabulary = frozenset(
            word
            for phrase in self.phrases
            for word in phrase.replace("'", " ").split()
            if word.isalpha() and len(word) >= 3 and word not in NEGATION_CUES
        )
        self._vocabulary_list = sorted(self._vocabulary)
        self._vocabulary_stems = frozenset(stem(word) for word in self._vocabulary)
        self._word_slugs: dict[str, set[str]] = {}
        for phrase, slug in self.phrases.items():
            for word in phrase.replace("'", " ").split():
                if word in self._vocabulary:
                    self._word_slugs.setdefault(word, set()).add(slug)
        self._corrections: dict[str, str] = {}
        self._hyphenated = frozenset(
            word for phrase in self.phrases for word in phrase.split() if "-" in word.strip("-")
        )
        # The knowledge base's words by how they sound, for spelling by sound ("cauffing", "nawshus").
        self._sounds: dict[str, set[str]] = {}
        for word in self._vocabulary:
            if len(word) >= TYPO_MIN_CHARS:
                self._sounds.setdefault(sound_key(word), set()).add(word)
        self._bags_by_stem: dict[str, list[frozenset[str]]] = {}
        for bag in self._bags:
            for word in bag:
                self._bags_by_stem.setdefault(word, []).append(bag)

    # --- resolving ------------------------------------------------------------------------
    def resolve(self, text: str = "", chips: list[str] | tuple = ()) -> Resolution:
        result = Resolution(index=self)
        for chip in chips or []:
            self._resolve_chip(str(chip)[:200], result)
        self._resolve_text(without_mentions(str(text or "")[:MAX_INPUT_CHARS]), result)
        return result

    def correct(self, word: str) -> str:
        """A misspelt word as the knowledge-base word it most likely is ("fevor" -> "fever"); any
        other word unchanged. Real words are never changed, so one body part never becomes another."""
        if (
            len(word) < TYPO_MIN_CHARS
            or not word.isalpha()
            or word in self._vocabulary
            or word in STOPWORDS
            or word in NEGATION_CUES
            or word in GRAMMAR_WORDS
            or stem(word) in self._vocabulary_stems  # another form of a known word ("paining")
        ):
            return word
        if word in self._corrections:
            return self._corrections[word]
        fixed = word
        if not is_real_word(word):
            budget = _typo_budget(word)
            found = process.extract(
                word, self._vocabulary_list, scorer=OSA.distance, score_cutoff=budget, limit=3
            )
            if found:
                best = min(distance for _, distance, _ in found)
                closest = {choice for choice, distance, _ in found if distance == best}
                if len(closest) > 1:  # "fevor": "fever" rather than the listed misspelling "fevar"
                    real = {choice for choice in closest if is_real_word(choice)}
                    # "diahrea" is as near "diarhea" as "diarea": both only ever mean diarrhoea
                    only = {frozenset(self._word_slugs[choice]) for choice in closest}
                    closest = (
                        real if real else closest if len(only) == 1 and len(next(iter(only))) == 1 else set()
                    )
                if len(closest) >= 1 and len({frozenset(self._word_slugs[c]) for c in closest}) == 1:
                    fixed = sorted(closest)[0]
            if fixed == word and len(word) >= SOUND_MIN_CHARS:
                # Spelling by sound ("cauffing", "nawshus", "exorsted"): the knowledge-base words that
                # sound the same and start with the same letter, if they all mean the same symptoms.
                key = sound_key(word)
                same = {c for c in self._sounds.get(key, ()) if c[0] == word[0]}
                if len({frozenset(self._word_slugs[c]) for c in same}) > 1:
                    same = {c for c in same if is_real_word(c)}  # "cauff": "cough" before "caugh"
                if len(key) >= 3 and same and len({frozenset(self._word_slugs[c]) for c in same}) == 1:
                    fixed = sorted(same)[0]
        if len(self._corrections) < 5000:
            self._corrections[word] = fixed
        return fixed

    def _resolve_text(self, text: str, result: Resolution) -> None:
        # Typos are corrected first so a misspelt name is still masked ("hay fevor" is hay fever).
        text = lay_words(normalise(denials_said_after(read_figures_of_speech(text).lower())))
        if "-" in text:
            text = HYPHENATED_RE.sub(
                lambda m: m.group() if m.group() in self._hyphenated else m.group().replace("-", " "), text
            )
        text = MASKED_RE.sub(" ", _WORD_RE.sub(lambda m: self.correct(m.group()), text))
        text = everyday_forms(product_colours(text, self.phrases), self.phrases)
        text = quantities(similes(text), self.phrases)
        text = RUNS_IN_FAMILY_RE.sub(" . family history of the condition . ", text)
        text = ANSWERED_NO_RE.sub(lambda m: f" no {m.group(1)}. ", text)
        text = BOUT_RE.sub(lambda m: m.group(1) or m.group(2), text)
        text = BLOOD_IN_RE.sub(_blood_in, text)
        text = BEEN_SICK_RE.sub("being sick", text)
        text = A_TEMPERATURE_RE.sub("high temperature", text)
        text = FREE_RE.sub(r"no \1", text)
        first_person = speaks_of_self(tokenise(text))
        clauses = CLAUSE_SPLIT.split(text)
        delimiters = [m.group() for m in CLAUSE_SPLIT.finditer(text)]
        conditional = _conditional_questions(clauses, delimiters)
        in_the_past = _sentences_opened_in_the_past(clauses, delimiters)
        story: list[str] | None = None  # the clause that opened someone else's story still being told
        for n, clause in enumerate(clauses):
            clause = clause or ""
            went_on = False
            if n in in_the_past:
                continue  # "long time ago, maybe 10 year, I have the blood vomit from ulcer"
            following = " ".join((clauses[n + 1] or "").split()) if n + 1 < len(clauses) else ""
            if said_to_be_over(" ".join(clause.split())) or RESOLVED_NEXT_RE.match(following):
                clause = "no " + clause  # "the dizziness has gone now", "a fever but it's gone"
            elif n in conditional:
                clause = ""  # "if I get chest pain on the plane, what should I do?": not happening
            elif withdrawn(tokenise(clause), tokenise(following)):
                clause = ""  # "thought I saw blood in my sick" + "but it was the beetroot"
            elif n and continues_story(
                story or tokenise(clauses[n - 1] or ""), tokenise(clause), first_person
            ):
                # "my mum had a stroke at 72" + "her face dropped" + "she couldn't speak": still her story
                story = story or tokenise(clauses[n - 1] or "")
                clause, went_on = "", True
            if not went_on:
                story = None
            if self.phrases.get(" ".join(clause.split())):
                pass  # a symptom's own name ("previous blood transfusion", "family history of ...")
            elif _not_current(clause, first_person):
                self._past_exposures(clause, first_person, result)
                clause, rest = _current_part(clause, first_person)
                if self.phrases.get(rest):  # "... and family history of the condition" (a name)
                    self._resolve_clause(rest, result)
            self._temperature(clause, result)
            self._resolve_clause(clause.strip(), result)

    def _past_exposures(self, clause: str, first_person: bool, result: Resolution) -> None:
        """A past exposure said in the past ("had a blood transfusion years ago") is the finding; a
        relative's or a hypothetical one is not."""
        words = tokenise(clause)
        if OTHER_PEOPLE.intersection(words):
            return  # "my dad had a blood transfusion years ago": his history, not the person's
        context = ClauseContext.build(words, [], question=False, first_person=first_person)
        if not context.history or context.family or context.hypothetical_from is not None:
            return
        scratch = Resolution()
        self._resolve_clause(clause.strip(), scratch)
        for slug in scratch.present:
            if slug in PAST_EXPOSURES:
                result.add(slug, clause.strip(), 100.0, False)

    def _temperature(self, clause: str, result: Resolution) -> None:
        """A temperature given as a number ("temp of 39", "38.5 temperature", "101 F") is a fever."""
        # (ASCII text, nearly always: digits are 0-9, one regex search instead of a test per character)
        if not (_ASCII_DIGIT_RE.search(clause) if clause.isascii() else any(ch.isdigit() for ch in clause)):
            return
        tokens = tokenise(clause)
        value = temperature_c(tokens)
        if value is None or not set(tokens) & {"temp", "temperature", "fever", "degrees", "f", "c"}:
            return
        slug = "high_fever" if value >= 38 else "mild_fever" if value >= 37.5 else None
        if slug and slug in self.names:
            negated = bool(set(tokens) & (NEGATION_CUES | {"not"}))
            result.add(slug, clause.strip(), 100.0, negated)

    def _exact_or_fuzzy(self, phrase: str, cutoff: float) -> tuple[str, float] | None:
        slug = self.phrases.get(phrase)
        if slug:
            return slug, 100.0
        if len(phrase) < 4 or cutoff > 100:
            return None
        for choice, score, _index in process.extract(
            phrase, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
        ):
            if _same_last_word(phrase, choice) and _typo_only(phrase, choice):
                return self.phrases[choice], score
        return None

    def _resolve_chip(self, chip: str, result: Resolution) -> None:
        phrase = normalise(chip)
        if not phrase:
            return
        negated = False
        for cue in ("no ", "not ", "without "):
            if phrase.startswith(cue):
                negated, phrase = True, phrase[len(cue) :]
        found = self._exact_or_fuzzy(phrase, FUZZY_CHIP_CUTOFF)
        if found is None:
            # A chip may be a short sentence ("bad headache"): read it like free text.
            before = len(result.matches)
            self._resolve_text(("no " if negated else "") + phrase, result)
            if len(result.matches) == before and chip.strip() not in result.unrecognised:
                self._unrecognised(chip.strip(), result)
            return
        result.add(found[0], chip, found[1], negated)

    def _feeling(self, match: re.Match) -> str:
        """ "felt rough" as "feeling rough" when that is a phrase the index knows."""
        words = match.group(1).split()
        for size in (2, 1):
            if len(words) >= size and " ".join(["feeling", *words[:size]]) in self.phrases:
                return "feeling "
        return match.group(0)

    def _resolve_clause(self, clause: str, result: Resolution) -> None:
        if not clause:
            return
        if BARE_TEMPERATURE_RE.match(clause) and "high temperature" in self.phrases:
            clause = "high temperature"
        if "without" in clause:
            clause = CANNOT_WITHOUT_RE.sub(r"\1 with", clause)
        if DESCRIBING_NEGATION_ANY.search(clause):
            for pattern, symptom in DESCRIBING_NEGATION_RES:
                clause = pattern.sub(symptom, clause)
        clause = plain_comparatives(FILLER_RE.sub(" ", HEDGE_RE.sub(" ", clause)))
        if "fe" in clause:
            clause = FEEL_RE.sub(self._feeling, clause)
        clause = lay_pain(" ".join(NEGATION_PHRASE_RE.sub(" no ", clause).split()))
        # "vision's gone blurry", "baby's nappies": the 's of a contraction or possessive is dropped
        words = [_POSSESSIVE_S_RE.sub("", w).strip("'") if "'" in w else w for w in clause.split()]
        words = [w for w in words if w]
        negated = False
        leftovers: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word in NEGATION_CUES:
                negated = True
                i += 1
                continue
            hit = self._hit_at(words, i)
            if hit:
                result.add(hit[0], hit[3], hit[1], negated)
                i += hit[2]
                continue
            if word not in STOPWORDS and not word.isdigit():
                leftovers.append(word)
            i += 1
        if leftovers:
            leftover = " ".join(leftovers)
            # Word order varies ("my nose is runny"): compare the leftover words as a set.
            best = None
            if 2 <= len(leftovers) <= 4:
                best = process.extractOne(
                    leftover, self._choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_PHRASE_CUTOFF
                )
            if best and _typo_only(leftover, best[0]):
                result.add(self.phrases[best[0]], leftover, best[1], negated)
            else:
                self._unrecognised(leftover, result)

    def _hit_at(self, words: list[str], i: int) -> tuple[str, float, int, str] | None:
        """The symptom said at word `i` (slug, score, words used, text): an exact phrase, longest
        first; the phrase's words in another order or form; a one-word symptom's stem; a typo."""
        word = words[i]
        hit = None
        # Longest exact phrase first, then fuzzy on the same windows.
        for size in range(min(self.max_words, len(words) - i), 0, -1):
            window = " ".join(words[i : i + size])
            slug = self.phrases.get(window)
            if slug:
                hit = (slug, 100.0, size, window)
                break
        if hit is None and (word not in STOPWORDS or word in MODAL_NEGATIVES):
            hit = self._bag_hit(words, i)
        elif hit and hit[2] == 1 and word not in STOPWORDS:
            # A one-word name gives way to a longer phrase said around it: "itching on my bottom" is
            # an itchy bottom, not itching.
            bag = self._bag_hit(words, i)
            if bag and bag[2] > 1 and bag[1] >= 95.0 and not _LISTING.intersection(words[i : i + bag[2]]):
                hit = bag
        if hit is None and word not in STOPWORDS and word.isalpha():
            slug = self._singles.get(stem(word))
            hit = (slug, 95.0, 1, word) if slug else None
        if hit is None and word not in STOPWORDS:
            for size in range(min(4, len(words) - i), 0, -1):
                window_words = words[i : i + size]
                if window_words[-1] in STOPWORDS or NEGATION_CUES.intersection(window_words):
                    continue  # a typo match never swallows a denial ("the room isn't spinning")
                window = " ".join(window_words)
                cutoff = FUZZY_PHRASE_CUTOFF if size > 1 or len(window) >= 6 else 101
                found = self._exact_or_fuzzy(window, cutoff) if len(window) >= 5 else None
                if found:
                    hit = (found[0], found[1], size, window)
                    break
        return hit

    def _bag_hit(self, words: list[str], i: int) -> tuple[str, float, int, str] | None:
        """The largest run of content words from `i` (stopwords skipped, never past a negation) whose
        stems are exactly a phrase's: "eyes are itching" is "itchy eyes"."""
        positions = []
        for j in range(i, min(len(words), i + BAG_MAX_SPAN)):
            if words[j] in NEGATION_CUES:
                break
            if words[j] not in STOPWORDS or words[j] in MODAL_NEGATIVES:
                positions.append(j)
        for count in range(min(BAG_MAX_WORDS, len(positions)), BAG_MIN_WORDS - 1, -1):
            used = positions[:count]
            slug = self._bags.get(content_bag([words[j] for j in used]))
            if slug:
                end = used[-1] + 1
                return slug, 95.0, end - i, " ".join(words[i:end])
        # Then the largest phrase whose words are all among them, with other words between
        # ("pain going down my left arm" holds "left arm pain"); two symptoms tied is no answer.
        stems = {j: MODAL_NEGATIVES.get(words[j]) or stem(words[j]) for j in positions}
        if not positions or positions[0] != i:
            return None
        window = set(stems.values())
        candidates = {bag for bag in self._bags_by_stem.get(stems[i], []) if bag <= window}
        if not candidates:
            return None
        size = max(len(bag) for bag in candidates)
        best = {self._bags[bag] for bag in candidates if len(bag) == size}
        if len(best) != 1:
            return None
        # Several bags of that size can name the one symptom ("pinky" + "wee", "red" + "wee"): the
        # words used run to the furthest of their last words, whatever order the set iterates in
        # (it used to be the first bag met, which changed with the string-hash seed).
        end = max(max(j for j in positions if stems[j] in bag) for bag in candidates if len(bag) == size) + 1
        return best.pop(), 90.0, end - i, " ".join(words[i:end])

    def _unrecognised(self, text: str, result: Resolution) -> None:
        text = text[:120]
        if text in result.unrecognised:
            return
        result.unrecognised.append(text)

    # --- suggestions and autocomplete ---------------------------------------------------------
    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Display names of the closest symptoms, for "did you mean ...?"."""
        phrase = normalise(text)
        if not phrase:
            return []
        hits = process.extract(
            phrase, self._choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=SUGGESTION_CUTOFF
        )
        names: list[str] = []
        for choice, _score, _ in hits:
            if self.phrases[choice] in self.never_suggest:
                continue
            name = self.names.get(self.phrases[choice])
            if name and name not in names:
                names.append(name)
            if len(names) == limit:
                break
        return names

    def autocomplete(self, prefix: str, limit: int = 8) -> list[dict]:
        """Symptoms matching what was typed: names before synonyms, word starts before substrings."""
        query = normalise(prefix)[:60]
        if len(query) < 2:
            return []
        tiers: list[list[tuple[str, str]]] = [[], [], [], []]
        for phrase, slug in self._autocomplete:
            name = self._normalised_names[slug]
            if name.startswith(query) or f" {query}" in f" {name}":
                tier = 0 if name.startswith(query) else 1
                phrase = name
            elif phrase.startswith(query) or f" {query}" in phrase:
                tier = 2
            elif query in phrase:
                tier = 3
            else:
                continue
            tiers[tier].append((phrase, slug))
        out: list[dict] = []
        seen: set[str] = set()
        for phrase, slug in (hit for tier in tiers for hit in tier):
            if slug in seen:
                continue
            seen.add(slug)
            name = self.names[slug]
            out.append(
                {
                    "slug": slug,
                    "name": name,
                    "matched": "" if phrase == self._normalised_names[slug] else phrase,
                }
            )
            if len(out) == limit:
                return out
        if not out and len(query) >= 4:
            for name in self.suggest(query, limit=min(limit, 3)):
                slug = next(s for s, n in self.names.items() if n == name)
                out.append({"slug": slug, "name": name, "matched": ""})
        return out
