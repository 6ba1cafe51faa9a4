"""The resolver's answer must not depend on Python's string-hash seed (set iteration order): two
same-size phrase bags naming one symptom used to give "wee was pinky" under some seeds and "wee was
pinky red" (with "red" no longer unrecognised) under others."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
from benchmarks.phrases import index_from_files
index = index_from_files()
out = []
for text in json.loads(sys.argv[1]):
    r = index.resolve(text)
    out.append([r.present, r.negated, r.unrecognised, [[m.slug, m.text] for m in r.matches]])
print(json.dumps(out))
"""
TEXTS = ["noticed my wee was pinky red this morning", "my pee was pinky red, no pain", "wee pinky red"]


def _resolve_under_seed(seed: int) -> list:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(TEXTS)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_same_resolution_whatever_the_hash_seed():
    results = [_resolve_under_seed(seed) for seed in (0, 1, 2, 3)]
    assert all(r == results[0] for r in results[1:])
    first = results[0][0]
    assert first[0] == ["spotting_urination"]
    assert ["spotting_urination", "wee was pinky red"] in first[3]
    assert "red" not in " ".join(first[2])
