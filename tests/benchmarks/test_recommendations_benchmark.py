"""The hybrid medicine ranker must beat the knowledge-base order and popularity (synthetic benchmark)."""

from io import StringIO

import pytest

from benchmarks.recommendations import run


@pytest.mark.slow
@pytest.mark.django_db
def test_hybrid_ranker_beats_baselines_on_ndcg_at_5():
    out = StringIO()
    result = run(quick=True, out=out)
    assert "SYNTHETIC" in out.getvalue()
    methods = result["methods"]
    hybrid = methods["hybrid"]  # HybridMF with the production defaults
    assert "production defaults" in hybrid["label"]
    for case in ("cold", "known"):
        assert hybrid[f"{case}_lists"] >= 100, f"too few {case} lists to compare"
        for baseline in ("kb", "popularity"):
            assert hybrid[case] > methods[baseline][case], (
                f"{case}: hybrid NDCG@5 {hybrid[case]:.4f} <= {baseline} {methods[baseline][case]:.4f}\n"
                + out.getvalue()
            )
