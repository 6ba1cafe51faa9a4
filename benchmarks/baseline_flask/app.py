"""A minimal Flask app in the seed product's style: the baseline for benchmarks/load.py.

What the seed did, reproduced on purpose (this is NOT how MedPortal works):
- a scikit-learn LinearSVC trained at start-up on SYNTHETIC 0/1 symptom vectors (drawn from our
  knowledge base's symptom frequencies), pickled to a file and unpickled to serve (a worker that
  finds the file, e.g. one gunicorn recycled, only unpickles it);
- the request's symptom names are looked up verbatim in a column dictionary (no synonyms, typos,
  negations or free text); unknown names are silently dropped;
- advice is a dictionary look-up by predicted label (description, precautions, medicines, diet);
- no users, no persistence, no red-flag rules, no contraindication checks, no calibration.

    BASELINE_MODEL_DIR=/tmp/x gunicorn app:app   (from this directory)
"""

from __future__ import annotations

import os
import pickle
import random
import tempfile
from pathlib import Path

import numpy as np
import yaml
from flask import Flask, jsonify, request
from sklearn.svm import LinearSVC

KB_DIR = Path(__file__).resolve().parents[2] / "diagnosis" / "knowledge_base"
ROWS_PER_DISEASE = 120


def _read_kb():
    symptoms = []
    for path in sorted(KB_DIR.glob("symptoms*.yaml")):
        symptoms += [row["slug"] for row in yaml.safe_load(path.read_text()) or []]
    conditions = {}
    for path in sorted((KB_DIR / "conditions").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        conditions[doc["name"]] = doc
    return sorted(set(symptoms)), conditions


def _train(columns, conditions, path: Path) -> None:
    index = {s: i for i, s in enumerate(columns)}
    rng = random.Random(7)
    X, y = [], []
    for name, doc in conditions.items():
        for _ in range(ROWS_PER_DISEASE):
            row = [0] * len(columns)
            for s in doc["symptoms"]:
                if s["symptom"] in index and rng.random() < float(s["frequency"]):
                    row[index[s["symptom"]]] = 1
            X.append(row)
            y.append(name)
    model = LinearSVC(dual="auto").fit(np.array(X, dtype=np.float32), np.array(y))
    with open(path, "wb") as fh:
        pickle.dump(model, fh)


COLUMNS, CONDITIONS = _read_kb()
COLUMN_INDEX = {s: i for i, s in enumerate(COLUMNS)}
# The seed kept advice in plain dictionaries keyed by the predicted label.
DESCRIPTION = {name: doc.get("description", "") for name, doc in CONDITIONS.items()}
PRECAUTIONS = {name: doc.get("precautions", [])[:4] for name, doc in CONDITIONS.items()}
MEDICINES = {name: [m["medicine"] for m in doc.get("medicines", [])] for name, doc in CONDITIONS.items()}
DIET = {name: doc.get("diet", []) for name, doc in CONDITIONS.items()}

_model_dir = Path(os.environ.get("BASELINE_MODEL_DIR") or tempfile.gettempdir())
_model_dir.mkdir(parents=True, exist_ok=True)
_model_path = _model_dir / "baseline-svc.pkl"
if not _model_path.exists():  # the first worker trains; a recycled worker only unpickles
    _tmp = _model_dir / f".baseline-svc-{os.getpid()}.pkl"
    _train(COLUMNS, CONDITIONS, _tmp)
    os.replace(_tmp, _model_path)
with open(_model_path, "rb") as fh:
    MODEL = pickle.load(fh)  # the seed unpickled its model file (MedPortal never unpickles)

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.post("/predict")
def predict():
    symptoms = (request.get_json(silent=True) or {}).get("symptoms") or []
    vector = np.zeros((1, len(COLUMNS)), dtype=np.float32)
    for s in symptoms:
        i = COLUMN_INDEX.get(str(s).strip())
        if i is not None:
            vector[0, i] = 1
    disease = str(MODEL.predict(vector)[0])
    return jsonify(
        disease=disease,
        description=DESCRIPTION[disease],
        precautions=PRECAUTIONS[disease],
        medications=MEDICINES[disease],
        diet=DIET[disease],
    )
