"""The conformal and question-stopping benchmarks' quick modes run end to end."""

from io import StringIO

import pytest


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.django_db
def test_quick_conformal_benchmark_reports_coverage_near_the_target():
    from benchmarks.conformal import run

    out = StringIO()
    results = run(quick=True, out=out)
    assert "SYNTHETIC" in results["text"] and out.getvalue() == results["text"]
    assert abs(results["coverage"] - 0.90) < 0.03
    # Set sizes shrink as more findings are given.
    sizes = [results["by_k"][k]["mean_size"] for k in (1, 3, 5)]
    assert sizes == sorted(sizes, reverse=True)
    assert results["by_cell"]
    # Every age band x sex cell is measured on its own fresh patients and calibrated on its own scores.
    assert len(results["by_cell"]) == 18
    assert all(r["own"] == 1.0 and abs(r["coverage"] - 0.90) < 0.04 for r in results["by_cell"].values())
    # The imported (synthetic wide CSV) section measured its held-out rows, and left no rows behind.
    from mlops.models import TrainingCase

    imported = results["imported"]
    assert imported["imported"] > 0 and imported["all k"]["n"] > 0
    assert 0.8 < imported["all k"]["coverage"] <= 1.0
    assert not TrainingCase.objects.exists()
