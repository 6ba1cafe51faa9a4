"""Ordinary phrases: how many everyday phrasings of the 41 conditions' symptoms the resolver knows.

Issue 14: about a third of the ordinary phrases in vignettes of the 41 conditions were not
recognised; the target is at most 10% unrecognised. `benchmarks/phrases_corpus/` holds 412
phrasings written the way patients write ("my head is pounding", "running to the loo all day"),
each labelled with the knowledge-base symptom(s) it should resolve to, written before the
resolver was run on them and split at random into `dev.jsonl` (309, tuned on) and
`heldout.jsonl` (103, never tuned on: only its totals are printed). `dev2.jsonl` (432, tuned on)
was written later, again before any run: body-part grammar, typos and autocorrect, UK/US/Indian/
Australian English, third person, children, comparatives, phrases inside longer sentences, and 59
negative items whose `not_symptoms` is a trap that must not be read ("hay fever" is not a fever,
"pins and needles" is not a needle, "no fever", "my dad had a heart attack"). `dev3.jsonl` (507,
tuned on) was written after dev2 was tuned, again before any run: function rather than names
("can't keep food down"), comparisons ("like sandpaper in my throat"), lay anatomy ("waterworks",
"back passage"), colours and textures of pee, poo, skin and phlegm, frequency words, older
people's and teenagers' words, non-native English, misspellings that are real words ("soar
throat"), and 69 trap items. `dev4.jsonl` (431, tuned on) was written after dev3 was tuned, again
before any run: symptoms told through their effect on daily life ("can't do up my shoes"), what
others notice ("my wife says I'm yellow"), duration and change words, two symptoms in one clause
("hot and cold", "sick and dizzy"), adjectives and verbs ("achy", "I keep scratching"), metaphors,
spelling by sound, very short fragments, children told by parents, and 50 trap items.

Each phrase goes through the symptom resolver (`SymptomIndex.resolve`, the one free text and
chips go through) built from the knowledge-base files exactly as `snapshot_from_data` builds it
(names, slugs and synonyms), so no database is needed.

    .venv/bin/python benchmarks/phrases.py     # writes benchmarks/results/phrases.md

A phrase is *unrecognised* when no symptom is read as present; it is *right* when every labelled
symptom is read as present. Any symptom read that was not labelled is a false positive (precision).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from diagnosis.engine.resolver import SymptomIndex  # noqa: E402

CORPUS = ROOT / "benchmarks" / "phrases_corpus"
KB_DIR = ROOT / "diagnosis" / "knowledge_base"
RESULTS_FILE = ROOT / "benchmarks" / "results" / "phrases.md"
SPLITS = ("dev", "dev2", "dev3", "dev4", "heldout")
# Only the splits that are tuned on list their misses.
TUNED_SPLITS = ("dev", "dev2", "dev3", "dev4")


def index_from_files(directory: Path = KB_DIR) -> SymptomIndex:
    """The resolver's index as `diagnosis.engine.knowledge.snapshot_from_data` builds it from the
    database the loader fills (synonyms lower-cased and whitespace-joined as the loader does)."""
    symptoms = []
    for path in sorted(directory.glob("symptoms*.yaml")):
        symptoms.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    names = {s["slug"]: s["name"] for s in symptoms}
    phrases = {name: slug for slug, name in names.items()}
    phrases.update({slug.replace("_", " "): slug for slug in names})
    for s in symptoms:
        for synonym in s.get("synonyms") or []:
            phrases[" ".join(str(synonym).lower().split())] = s["slug"]
    return SymptomIndex(phrases, names)


def load_split(split: str) -> list[dict]:
    path = CORPUS / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@dataclass
class SplitResult:
    split: str
    total: int = 0  # phrases with at least one labelled symptom
    unrecognised: list[tuple[dict, list[str]]] = field(default_factory=list)
    right: int = 0
    wrong: list[tuple[dict, list[str]]] = field(default_factory=list)  # recognised, not the labelled symptom
    # Negative items: a trap ("hay fever" is not a fever) in `not_symptoms`, or nothing labelled.
    negatives: int = 0
    trapped: list[tuple[dict, list[str]]] = field(default_factory=list)  # a trap read as present
    # Symptoms read as present: labelled ones (true) and any other (false positives).
    true_positives: int = 0
    false_positives: list[tuple[dict, list[str]]] = field(default_factory=list)
    labelled: int = 0

    @property
    def unrecognised_share(self) -> float:
        return len(self.unrecognised) / self.total

    @property
    def right_share(self) -> float:
        return self.right / self.total

    @property
    def false_positive_count(self) -> int:
        return sum(len(extra) for _, extra in self.false_positives)

    @property
    def precision(self) -> float:
        read = self.true_positives + self.false_positive_count
        return self.true_positives / read if read else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.labelled if self.labelled else 1.0


def measure(split: str, index: SymptomIndex | None = None) -> SplitResult:
    index = index or index_from_files()
    result = SplitResult(split)
    for phrase in load_split(split):
        present = index.resolve(phrase["text"]).present
        expected = set(phrase["symptoms"])
        traps = set(phrase.get("not_symptoms") or ())
        result.labelled += len(expected)
        result.true_positives += len(expected & set(present))
        extra = [slug for slug in present if slug not in expected]
        if extra:
            result.false_positives.append((phrase, extra))
        if traps or not expected:
            result.negatives += 1
            if traps & set(present):
                result.trapped.append((phrase, present))
        if not expected:
            continue
        result.total += 1
        if not present:
            result.unrecognised.append((phrase, present))
        elif expected <= set(present):
            result.right += 1
        else:
            result.wrong.append((phrase, present))
    return result


def _share(count: int, total: int) -> str:
    return f"{count}/{total} ({100 * count / total:.1f}%)"


def render(results: list[SplitResult], before: str) -> str:
    lines = [
        "# Ordinary phrases: everyday phrasings of the 41 conditions' symptoms",
        "",
        "Generated by `.venv/bin/python benchmarks/phrases.py` from `benchmarks/phrases_corpus/`",
        "(written by us the way patients write, each labelled with its symptom(s), before the resolver",
        "was run on them; dev, dev2, dev3 and dev4 are tuned on, held-out never). Unrecognised: no symptom",
        "read as present.",
        "Right: every labelled symptom read as present.",
        "",
        "Precision: of the symptoms read as present, the share that were labelled (anything else is a",
        'false positive). Traps: negative items (`not_symptoms`: "hay fever" is not a fever, a denied',
        "symptom, a family member's illness) whose trap was read as present. 'phrases' counts the items",
        "with at least one labelled symptom; dev2, dev3 and dev4 also hold items labelled with none (each a trap).",
        "",
        "| split | phrases | unrecognised | resolved to the right symptom | recognised, other symptom "
        "| precision | traps read |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.split} | {r.total} | {_share(len(r.unrecognised), r.total)} | "
            f"{_share(r.right, r.total)} | {_share(len(r.wrong), r.total)} | {100 * r.precision:.1f}% | "
            f"{len(r.trapped)}/{r.negatives} |"
        )
    if before:
        lines += ["", before.strip()]
    for r in results:
        if r.split not in TUNED_SPLITS:
            continue
        lines += ["", f"## {r.split}: unrecognised ({len(r.unrecognised)})", ""]
        lines += [f"- {p['text']} (→ {', '.join(p['symptoms'])})" for p, _ in r.unrecognised]
        lines += ["", f"## {r.split}: recognised as another symptom ({len(r.wrong)})", ""]
        lines += [
            f"- {p['text']} (→ {', '.join(p['symptoms'])}; read as {', '.join(got)})" for p, got in r.wrong
        ]
        if r.negatives:
            lines += ["", f"## {r.split}: traps read as present ({len(r.trapped)})", ""]
            lines += [
                f"- {p['text']} (not {', '.join(p.get('not_symptoms') or ['anything'])}; read as {', '.join(got)})"
                for p, got in r.trapped
            ]
        lines += ["", f"## {r.split}: false positives ({r.false_positive_count})", ""]
        lines += [
            f"- {p['text']} (→ {', '.join(p['symptoms']) or 'nothing'}; also read {', '.join(extra)})"
            for p, extra in r.false_positives
        ]
    return "\n".join(lines) + "\n"


# Measured on the untouched knowledge base when the corpus was committed, kept in the report.
BEFORE = """
Before the changes of issue 14 (the knowledge base and resolver as they were when the corpus was
committed): dev 173/309 unrecognised (56.0%), 118/309 right (38.2%); held-out 57/103 unrecognised
(55.3%), 41/103 right (39.8%).

dev2 untuned (its one run before any change, `benchmarks/results/phrases_dev2_untuned.md`): 83/387
unrecognised (21.4%), 289/387 right (74.7%), precision 93.6%, 7/59 traps read; dev 1.0% and
held-out 24.3% unrecognised at that point. Tuning on dev2 used phrasing families, not single
phrases: one body-part and pain-word grammar, word-level typo correction against the knowledge
base's own words (real English words are never changed), comparatives, symptoms said to be over,
idioms, numbers, regional slang words. Held-out moved from 24.3% to 18.4%.

dev3 untuned (its one run before any change, `benchmarks/results/phrases_dev3_untuned.md`): 203/453
unrecognised (44.8%), 216/453 right (47.7%), precision 82.8%, 7/69 traps read; dev 0.6%, dev2 8.0%
and held-out 18.4% unrecognised at that point. dev3 was written to find what dev and dev2 lacked,
and the tuning on it added grammar rather than phrases: lay anatomy mapped once onto the knowledge
base's words ("bonce", "back passage", "passing water"; "the back of my neck" is the neck),
real-word misspellings read only in their company ("soar throat", "wait loss"), one product x
colour grammar (pee, poo, phlegm, sick, lips, skin, eyes), pain and other sensations said by
comparison ("like sandpaper in my throat", "like looking through frosted glass"), what the body
cannot do said with "can't" or "haven't" ("couldn't keep my breakfast down", "a rash that doesn't
fade under a glass"), quantities and times ("lost a stone", "sweats in bed every night"), and a
typo match that may never hold a negation word. Held-out moved from 18.4% to 11.7%.

dev4 untuned (its one run before any change, `benchmarks/results/phrases_dev4_untuned.md`): 111/383
unrecognised (29.0%), 244/383 right (63.7%), precision 90.6%, 8/50 traps read; dev 0.6%, dev2 6.2%,
dev3 7.5% and held-out 11.7% unrecognised at that point. dev4 was written to find what dev..dev3
lacked, and the tuning on it added general rules: what others notice ("my wife says I'm yellow",
"my speech sounds drunk"), effects on the day ("can't turn my head", "fall asleep at my desk",
"won't eat", "no wet nappy", "cuts take ages to heal"), two symptoms in one breath ("hot and cold",
"sick and dizzy"; "red and itchy eyes" shares its describing word, "cough and sore throat" stays
two), adjectives and verbs ("achy" when no body part is named, "sicky", "scratching her bottom",
"coughing things up", "weeing non stop", "felt rough" as "feeling rough"), a symptom said to grow
("getting stiffer"), spelling by sound (a sound key tried only on a non-word that edit distance could
not place, same first letter, one meaning: "cauffing", "nawshus", "jawndis"), "can't X without Y",
a past exposure read in a past clause ("shared a needle years back", never a relative's), a
symptom over "last week", "itching to" as eagerness, and more comparisons ("like breathing through a
straw", "like ants crawling under my skin"). Precision and traps did not get worse on any split.
Held-out moved from 11.7% to the figure above.

The 10% target is now met on every split, held-out included, but only just there (10 of 103): the
held-out figure is what the general rules carry to unseen wordings. All parts were written by us,
so even the held-out figure is likely optimistic for real patients' words. The dev4 traps still read
are questions about a symptom ("is a cough a sign of covid?": a question may be the person's own
worry, so it is read), a relative's or a friend's illness told with no ending ("my grandma had
jaundice", "my friend is always coughing"), "pins and needles in the sewing box" and "that joke
was sick". The two dev3 traps still read are
a relative's illness told as a story ("my mum had a stroke and her face drooped", "my grandad
coughed up blood before he died"): the context rules keep a relative's event (a stroke) as
current unless it is said to be past, so that a stroke happening now is never discounted, and look
for a relative's death only in the three words after the relative; left as they are.
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="where to write the report")
    args = parser.parse_args(argv)
    index = index_from_files()
    results = [measure(split, index) for split in SPLITS]
    for r in results:
        print(
            f"{r.split}: {r.total} phrases, unrecognised {_share(len(r.unrecognised), r.total)}, "
            f"right {_share(r.right, r.total)}, other symptom {_share(len(r.wrong), r.total)}, "
            f"precision {100 * r.precision:.1f}%, recall {100 * r.recall:.1f}%, "
            f"traps read {len(r.trapped)}/{r.negatives}"
        )
    if not args.no_write:
        args.results.write_text(render(results, BEFORE))
        print(f"written {args.results.resolve().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
