"""Saving and loading model artefacts with skops, an explicit type allow-list and a checksum.

Nothing is ever unpickled: skops refuses any type not on ``TRUSTED_TYPES``, and the file's
SHA-256 must match the registry before it is even opened. Files are written to a temp file that
is renamed into place, so a crash never leaves a half-written artefact. Where the bytes are kept
(every host's shared storage, each host's cache) is ``mlops.artefacts``'; this module only turns a
payload into bytes and a local file back into a payload.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

TRUSTED_TYPES = [
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.float64",
    "numpy.int64",
    "numpy.random._generator.Generator",
    "numpy.random._pcg64.PCG64",
    "numpy.random.mtrand.RandomState",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.NoneType",
    "sklearn.naive_bayes.BernoulliNB",
    "sklearn.naive_bayes.MultinomialNB",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
    "sklearn.neural_network._multilayer_perceptron.MLPClassifier",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.utils._bunch.Bunch",
    "sklearn.frozen._frozen.FrozenEstimator",
    "diagnosis.engine.algorithms.KnowledgeBaseBayes",
]


class ArtefactError(Exception):
    """The artefact is missing, altered or contains a type that is not trusted."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _skops_io():
    # skops lists every scikit-learn estimator when imported (~1 s CPU): only a process that saves or
    # loads a model pays it, not every manage.py command, settings check or test subprocess.
    # local import: skops's import cost, paid only by processes that save or load a model
    import skops.io

    return skops.io


def serialise(payload: dict) -> tuple[bytes, str]:
    """The skops bytes of ``payload`` and their SHA-256 (the checksum the registry keeps)."""
    data = _skops_io().dumps(payload)
    return data, hashlib.sha256(data).hexdigest()


def write_atomic(directory: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` to ``directory/filename`` through a temp file renamed into place, so a reader
    (another worker of the same host) never sees a partial file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".skops")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        final = directory / filename
        os.replace(tmp_name, final)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return final


def save_artefact(payload: dict, directory: Path, filename: str) -> tuple[Path, str]:
    data, checksum = serialise(payload)
    return write_atomic(directory, filename, data), checksum


def load_artefact(path: Path, checksum: str, name: str = "") -> dict:
    """The payload of the local file ``path``; ``name`` (default the file's) is what errors call it."""
    path = Path(path)
    label = name or path.name
    if not path.exists():
        raise ArtefactError(f"artefact {label} is missing")
    actual = sha256_of(path)
    if actual != checksum:
        raise ArtefactError(f"artefact {label} failed its checksum (altered or corrupt)")
    try:
        sio = _skops_io()
        untrusted = set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES)
        if untrusted:
            raise ArtefactError(f"artefact {label} contains untrusted types: {sorted(untrusted)}")
        return sio.load(path, trusted=TRUSTED_TYPES)
    except ArtefactError:
        raise
    except Exception as exc:  # a corrupt zip or skops schema error must not crash a request
        raise ArtefactError(f"artefact {label} could not be read ({exc.__class__.__name__})") from exc
