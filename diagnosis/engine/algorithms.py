"""Candidate classifiers compared by `train_models`, and the knowledge-base Bayes fallback."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import BernoulliNB, MultinomialNB
from sklearn.neural_network import MLPClassifier
from sklearn.svm import LinearSVC

from .features import N_DEMOGRAPHIC


def make_estimator(algorithm: str, seed: int = 0):
    """A fresh, unfitted estimator with fixed, hand-set parameters (evaluated, not tuned, by benchmarks/diagnosis.py)."""
    if algorithm == "naive_bayes":
        return BernoulliNB(alpha=0.5)
    if algorithm == "multinomial_nb":
        # The baseline a wide imported dataset's selected model must reach (mlops.training.select_candidate).
        return MultinomialNB(alpha=0.1)
    if algorithm == "logistic_regression":
        return LogisticRegression(C=2.0, max_iter=3000)
    if algorithm == "linear_svc":
        # The classic approach, wrapped so it returns calibrated probabilities.
        return CalibratedClassifierCV(
            LinearSVC(C=0.5, dual="auto", max_iter=5000, random_state=seed), method="sigmoid", cv=3
        )
    if algorithm == "random_forest":
        return RandomForestClassifier(n_estimators=100, min_samples_leaf=2, n_jobs=1, random_state=seed)
    if algorithm == "mlp":
        return MLPClassifier(
            hidden_layer_sizes=(256,), alpha=1e-3, early_stopping=True, max_iter=200, random_state=seed
        )
    raise ValueError(f"unknown algorithm {algorithm!r}")


ALGORITHMS = ("naive_bayes", "multinomial_nb", "logistic_regression", "linear_svc", "random_forest", "mlp")
DEFAULT_ALGORITHM = "logistic_regression"
# Selection on an imported wide dataset never ships a model below this one on its held-out rows.
BASELINE_ALGORITHM = "multinomial_nb"


def params_of(estimator) -> dict:
    return {
        k: v
        for k, v in estimator.get_params(deep=False).items()
        if isinstance(v, (int, float, str, bool, type(None)))
    }


class KnowledgeBaseBayes(ClassifierMixin, BaseEstimator):
    """Naive Bayes straight from the knowledge base's symptom frequencies; needs no training data.

    Serves when no trained model is registered or the registered artefact cannot be loaded.
    """

    def __init__(self, frequency=None, classes=None, leak: float = 0.03):
        self.frequency = frequency
        self.classes = classes
        self.leak = leak

    def fit(self, X=None, y=None):
        self.classes_ = np.asarray(self.classes)
        freq = np.clip(np.asarray(self.frequency, dtype=np.float64), self.leak, 0.97)
        self.log_yes_ = np.log(freq)
        self.log_no_ = np.log1p(-freq)
        return self

    def predict_proba(self, X):
        X = (
            np.asarray(X)[:, : self.log_yes_.shape[1]]
            if X.shape[1] > self.log_yes_.shape[1]
            else np.asarray(X)
        )
        # Only reported symptoms count as evidence, plus a mild penalty for each condition's typical
        # symptoms the patient did not mention (not mentioning is weaker than denying).
        logits = X @ self.log_yes_.T + 0.15 * ((1 - X) @ self.log_no_.T)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def kb_bayes_from_snapshot(snapshot) -> KnowledgeBaseBayes:
    return KnowledgeBaseBayes(frequency=snapshot.frequency, classes=list(snapshot.disease_slugs)).fit()


__all__ = ["ALGORITHMS", "DEFAULT_ALGORITHM", "KnowledgeBaseBayes", "N_DEMOGRAPHIC", "make_estimator"]
