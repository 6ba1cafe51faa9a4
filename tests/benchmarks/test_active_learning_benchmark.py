"""The pure parts of benchmarks/active_learning.py (the simulation itself is run by hand)."""

import numpy as np
import pytest

from benchmarks.active_learning import (
    STRATEGIES,
    labels_to_reach,
    lac_threshold,
    markdown,
    mean_band,
    pick,
    summarise,
    verdict,
)


def test_pick_follows_each_order():
    waiting = [3, 5, 7, 9]
    scores = {3: 0.1, 5: 0.9, 7: 0.9, 9: 0.5}
    assert pick("oldest first", waiting, {}, np.random.default_rng(0), 2) == [3, 5]
    # Highest score first, equal scores in arrival order.
    assert pick("learning value", waiting, scores, np.random.default_rng(0), 3) == [5, 7, 9]
    chosen = pick("random", waiting, {}, np.random.default_rng(0), 3)
    assert len(set(chosen)) == 3 and set(chosen) <= set(waiting)
    with pytest.raises(ValueError):
        pick("newest", waiting, {}, np.random.default_rng(0), 1)


def test_mean_band_is_a_95_percent_t_interval():
    mean, band = mean_band([0.7, 0.8, 0.9])
    assert mean == pytest.approx(0.8)
    assert band == pytest.approx(4.303 * 0.1 / np.sqrt(3), rel=1e-3)
    assert mean_band([0.5]) == (0.5, 0.0)


def test_labels_to_reach_and_the_conformal_threshold():
    curve = [(0, 0.6), (50, 0.7), (100, 0.75)]
    assert labels_to_reach(curve, 0.7) == 50
    assert labels_to_reach(curve, 0.8) is None
    # 9 calibration cases, 90%: the 9th smallest non-conformity score (1 - p_true).
    p_true = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1])
    assert lac_threshold(p_true, 0.9) == pytest.approx(0.1)
    assert lac_threshold(p_true, 0.5) == pytest.approx(0.5)


def test_verdict_reports_the_share_of_labels_honestly():
    def curves(lv, old):
        return {
            "learning value": [(0, a, a, a) for a in lv[:1]]
            + [(n, a, a, a) for n, a in zip((50, 100), lv[1:], strict=True)],
            "oldest first": [
                (0, old[0], old[0], old[0]),
                (50, old[1], old[1], old[1]),
                (100, old[2], old[2], old[2]),
            ],
            "random": [(0, 0.5, 0.5, 0.5), (50, 0.5, 0.5, 0.5), (100, 0.5, 0.5, 0.5)],
        }

    summary = summarise(
        [curves([0.5, 0.7, 0.72], [0.5, 0.6, 0.7]), curves([0.5, 0.7, 0.74], [0.5, 0.6, 0.7])]
    )
    result = verdict(summary)
    assert result["top1"]["labels"] == 50 and result["top1"]["share"] == 0.5
    meta = {
        "command": "x",
        "seeds": 2,
        "algorithm": "nb",
        "pool": 1,
        "heldout": 1,
        "batch": 50,
        "seconds": 1,
        "load": "-",
    }
    text = markdown(summary, result, meta)
    assert "SYNTHETIC" in text and "target (≤ 60% of the labels) met" in text
    assert set(STRATEGIES) == set(summary)
