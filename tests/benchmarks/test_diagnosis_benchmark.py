"""The diagnosis benchmark's quick mode runs end to end and keeps its accuracy floors."""

from io import StringIO

import pytest

from benchmarks.diagnosis import ADAPTIVE_START_K, SECTION_TITLES, run


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.django_db
def test_quick_benchmark_reports_every_section_and_meets_floors():
    out = StringIO()
    results = run(quick=True, out=out)
    text = out.getvalue()

    for title in SECTION_TITLES:
        assert title in text
    assert "SYNTHETIC" in text
    assert text == results["text"]

    # The test database has no registered model, so the batch is served by the KB fallback.
    assert results["batch"]["output_lines"] == results["batch"]["cases"]
    assert all(label.startswith("kb-bayes") for label in results["batch"]["model_versions"])

    assert results["accuracy"]["logistic_regression"]["by_k"][3]["top3"] >= 0.85
    for k in ADAPTIVE_START_K:
        row = results["adaptive"][k]
        assert row["patients"] > 0
        assert row["top1_after"] >= row["top1_before"], f"questions lowered top-1 from k={k}"
