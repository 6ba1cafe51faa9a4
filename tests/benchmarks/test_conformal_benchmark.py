"""The conformal and question-stopping benchmarks' quick modes run end to end."""

from io import StringIO

import pytest


@pytest.mark.slow
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
