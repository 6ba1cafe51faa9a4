"""A small hybrid matrix-factorisation model (LightFM-style) on numpy/scipy.

Every user and item is described by features; its embedding and bias are the sums of its
features' embeddings and biases. A patient nobody has seen still has an age band, a sex and
conditions, and a new medicine still has a drug class, an OTC/prescription flag and a
condition, so cold starts get a sensible order.

    predicted rating(u, i) = mu + Σ b_f(u) + Σ b_g(i) + <Σ V_f(u), Σ W_g(i)>

Trained by full-batch gradient descent with Adam on squared error and L2 regularisation
(sparse matrix products, so 100k ratings train in seconds on 2 cores).
Why not a library: LightFM (the standard for this) does not build here, and cornac installs
but its models take side information as text, images or graphs, not categorical user features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class RatingRow:
    user_features: tuple[str, ...]
    item_features: tuple[str, ...]
    rating: float


def user_features(
    *, age_band: str = "", sex: str = "", conditions=(), user_key: str | None = None
) -> tuple[str, ...]:
    feats = [f"age:{age_band or 'unknown'}", f"sex:{sex or 'unknown'}"]
    feats += [f"cond:{c}" for c in sorted(set(conditions))]
    if user_key:
        feats.append(f"user:{user_key}")
    return tuple(feats)


def item_features(*, medicine: str, drug_class: str, rx: bool, disease: str) -> tuple[str, ...]:
    return (
        f"med:{medicine}",
        f"class:{drug_class}",
        f"rx:{int(rx)}",
        f"disease:{disease}",
        f"med_in:{disease}:{medicine}",
    )


class HybridMF:
    def __init__(
        self, k: int = 8, iterations: int = 300, learning_rate: float = 0.05, reg: float = 0.01, seed: int = 0
    ):
        self.k, self.iterations, self.learning_rate, self.reg, self.seed = (
            k,
            iterations,
            learning_rate,
            reg,
            seed,
        )

    def _matrix(self, rows_features, index) -> sparse.csr_matrix:
        data, cols, indptr = [], [], [0]
        for feats in rows_features:
            known = [index[f] for f in feats if f in index]
            weight = 1.0 / np.sqrt(len(known)) if known else 0.0
            cols += known
            data += [weight] * len(known)
            indptr.append(len(cols))
        return sparse.csr_matrix((data, cols, indptr), shape=(len(rows_features), len(index)))

    def fit(self, rows: list[RatingRow]) -> HybridMF:
        rng = np.random.default_rng(self.seed)
        self.user_index_ = {f: i for i, f in enumerate(sorted({f for r in rows for f in r.user_features}))}
        self.item_index_ = {f: i for i, f in enumerate(sorted({f for r in rows for f in r.item_features}))}
        U = self._matrix([r.user_features for r in rows], self.user_index_)
        Imat = self._matrix([r.item_features for r in rows], self.item_index_)
        y = np.array([r.rating for r in rows], dtype=np.float64)
        self.mu_ = float(y.mean())
        params = {
            "V": rng.normal(0, 0.05, (len(self.user_index_), self.k)),
            "W": rng.normal(0, 0.05, (len(self.item_index_), self.k)),
            "bu": np.zeros(len(self.user_index_)),
            "bi": np.zeros(len(self.item_index_)),
        }
        m = {k: np.zeros_like(v) for k, v in params.items()}
        v2 = {k: np.zeros_like(v) for k, v in params.items()}
        n = len(y)
        for t in range(1, self.iterations + 1):
            P, Q = U @ params["V"], Imat @ params["W"]
            err = (self.mu_ + U @ params["bu"] + Imat @ params["bi"] + (P * Q).sum(axis=1)) - y
            grads = {
                "V": (U.T @ (err[:, None] * Q)) / n + self.reg * params["V"],
                "W": (Imat.T @ (err[:, None] * P)) / n + self.reg * params["W"],
                "bu": (U.T @ err) / n,
                "bi": (Imat.T @ err) / n,
            }
            for key, g in grads.items():
                m[key] = 0.9 * m[key] + 0.1 * g
                v2[key] = 0.999 * v2[key] + 0.001 * g * g
                mhat, vhat = m[key] / (1 - 0.9**t), v2[key] / (1 - 0.999**t)
                params[key] -= self.learning_rate * mhat / (np.sqrt(vhat) + 1e-8)
        self.V_, self.W_, self.bu_, self.bi_ = params["V"], params["W"], params["bu"], params["bi"]
        self.train_rmse_ = float(np.sqrt(np.mean(err**2)))
        return self

    def predict(self, user_feats: tuple[str, ...], items: list[tuple[str, ...]]) -> np.ndarray:
        U = self._matrix([user_feats], self.user_index_)
        Imat = self._matrix(items, self.item_index_)
        p = (U @ self.V_)[0]
        return self.mu_ + (U @ self.bu_)[0] + Imat @ self.bi_ + (Imat @ self.W_) @ p

    def to_payload(self) -> dict:
        return {
            "k": self.k,
            "mu": self.mu_,
            "V": self.V_,
            "W": self.W_,
            "bu": self.bu_,
            "bi": self.bi_,
            "user_features": list(self.user_index_),
            "item_features": list(self.item_index_),
        }

    @classmethod
    def from_payload(cls, payload: dict) -> HybridMF:
        model = cls(k=int(payload["k"]))
        model.mu_ = float(payload["mu"])
        model.V_, model.W_ = np.asarray(payload["V"]), np.asarray(payload["W"])
        model.bu_, model.bi_ = np.asarray(payload["bu"]), np.asarray(payload["bi"])
        model.user_index_ = {f: i for i, f in enumerate(payload["user_features"])}
        model.item_index_ = {f: i for i, f in enumerate(payload["item_features"])}
        return model
