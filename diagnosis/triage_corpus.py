"""Reading the triage corpus (``benchmarks/triage_corpus``): one reader for the wording net's
training, the triage benchmark, the fingerprint script and the corpus tests, so that all of them
see the same cases and the same person in each case.

The corpus is synthetic: texts written by us in the ways people write (see its README). Each
split is a folder of JSON-lines files; a case has ``text``, ``expected`` and ``kind``, and may
give ``age``, ``age_months``, ``sex`` and ``pregnant``.
"""

from __future__ import annotations

import json
from pathlib import Path

from .engine.complaints import Subject

# Beside the code, not under settings.BASE_DIR: scripts that read it without Django (the
# fingerprint script) find it too.
CORPUS = Path(__file__).resolve().parents[1] / "benchmarks" / "triage_corpus"


def split_cases(folder: Path) -> list[dict]:
    """Every case in one split's folder, in file order."""
    cases = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                cases.append(json.loads(line))
    return cases


def case_subject(case: dict) -> Subject:
    """The person a case is about (age, age in months, sex, pregnancy), as the engine takes it."""
    return Subject(
        age_years=case.get("age"),
        age_months=case.get("age_months"),
        sex=case.get("sex") or "",
        pregnant=True if case.get("pregnant") else None,
    )
