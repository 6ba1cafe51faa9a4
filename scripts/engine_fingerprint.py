"""One sha256 per corpus file of everything the engine's word layers say about its texts.

Used to show that a speed-up of the complaint layer, the profile-word reader or the ConText helpers
changes no result: run it before and after, the fingerprints must be identical. Per text it
serialises the complaint layer's tokens and every term hit with its assertion (`read`), the whole
assessment (`assess` with the case's subject), the resolver's present/negated/unrecognised symptoms
and the pregnancy/breastfeeding flags of the text, of each clause and of a set of profile entries.

It prints only a digest and a count per file, never a text or a per-case result: the held-out and
fresh splits must stay unread for tuning. It runs under PYTHONHASHSEED=0 (re-executing itself).

    .venv/bin/python scripts/engine_fingerprint.py
    .venv/bin/python scripts/engine_fingerprint.py --time   # CPU ms per text, dev splits only
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

# The resolver's fuzzy windows depend on set order ("wee was pinky red" or "wee was pinky", same
# symptom): one fixed string-hash seed keeps the digests comparable between runs.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.phrases import index_from_files  # noqa: E402
from diagnosis.engine.complaints import Subject, catalogue_from_files  # noqa: E402
from diagnosis.engine.context import clauses, tokenise  # noqa: E402
from diagnosis.engine.profile_words import flag_entries, profile_flags_from_words  # noqa: E402
from diagnosis.triage_corpus import case_subject  # noqa: E402

TRIAGE = ROOT / "benchmarks" / "triage_corpus"
PHRASES = ROOT / "benchmarks" / "phrases_corpus"

# Profile entries as people type them: plain, denied, hedged, misspelt, exceptions, lists.
PROFILE_SAMPLES = [
    "12 weeks pregnant", "I'm pregnant", "I'm not pregnant", "not pregnant", "never been pregnant",
    "pregnant: no", "might be pregnant", "possibly pregnant", "not sure if I'm pregnant",
    "I don't think I'm pregnant", "asthma, and 12 weeks pregnant", "pregnancy", "pregnant",
    "breastfeeding", "breast feeding", "breast-feeding my son", "breastfeeding (6 month old)",
    "no longer breastfeeding", "stopped breastfeeding last year", "not pregnant or breastfeeding",
    "not pregnant, breastfeeding", "nursing my baby", "nursing", "lives in a nursing home",
    "bf my 3 month old", "medicine x: breastfeeding", "pregant", "pregnent 20 weeks",
    "brestfeeding", "breastfeading", "expecting a baby in may", "expectant mother",
    "currently not pregnant", "pregnancy test positive", "breastfeeding - no", "pregnat?",
    "not preganant", "im breastfeding twins", "allergic to penicillin", "hayfever, eczema",
    "", "  ", "PREGNANT!!!", "not currently breastfeeding or pregnant", "nursing home resident",
]  # fmt: skip


def _flags(text: str) -> list:
    entries = [" ".join(c.tokens) for c in clauses(tokenise(text))]
    return [list(profile_flags_from_words([text])), list(profile_flags_from_words(entries))]


def fingerprint_case(text: str, subject: Subject, catalogue, index) -> dict:
    tokens, hits = catalogue.read(text)
    resolution = index.resolve(text)
    return {
        "tokens": tokens,
        "hits": [[h.term, h.clause, h.span.start, h.span.end, h.assertion.value, h.text] for h in hits],
        "assessment": catalogue.assess(text, subject).as_dict(),
        "resolution": [resolution.present, resolution.negated, resolution.unrecognised],
        "matches": [asdict(m) for m in resolution.matches],
        "flags": _flags(text),
    }


def _digest(results: list) -> str:
    blob = json.dumps(results, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def timing(catalogue, repeats: int = 5) -> None:
    """CPU ms per text of the complaint layer's `assess` and of the profile-word flags of its clauses,
    over the dev splits' triage texts: best of `repeats` whole passes (process time)."""
    texts = [c["text"] for split in ("dev", "dev2", "dev3") for p in sorted((TRIAGE / split).glob("*.jsonl"))
             for c in _read_jsonl(p)]  # fmt: skip
    entries = [[" ".join(c.tokens) for c in clauses(tokenise(t))] for t in texts]
    runs = {
        "assess": lambda: [catalogue.assess(t) for t in texts],
        "read": lambda: [catalogue.read(t) for t in texts],
        "profile flags": lambda: [profile_flags_from_words(e) for e in entries],
    }
    for name, run in runs.items():
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
        print(
            f"{name:14s} {best / len(texts) * 1000:.3f} CPU ms per text (best of {repeats}, {len(texts)} texts)"
        )


def main() -> int:
    catalogue = catalogue_from_files()
    if "--time" in sys.argv[1:]:
        timing(catalogue)
        return 0
    index = index_from_files()
    files = sorted(TRIAGE.glob("*/*.jsonl")) + sorted(PHRASES.glob("*.jsonl"))
    start = time.process_time()
    total = 0
    for path in files:
        cases = _read_jsonl(path)
        results = [fingerprint_case(c["text"], case_subject(c), catalogue, index) for c in cases]
        total += len(cases)
        print(f"{path.relative_to(ROOT)}  n={len(cases)}  sha256={_digest(results)}")
    samples = [
        [list(profile_flags_from_words([s])), list(flag_entries([s])), _flags(s)] for s in PROFILE_SAMPLES
    ]
    samples.append(list(flag_entries(PROFILE_SAMPLES)))
    print(f"profile samples  n={len(PROFILE_SAMPLES)}  sha256={_digest(samples)}")
    print(f"total texts {total}; {time.process_time() - start:.1f} CPU s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
