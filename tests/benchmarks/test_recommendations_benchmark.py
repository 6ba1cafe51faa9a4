"""The medicine ranking benchmark (synthetic population with per-user taste): the methods are
compared on the same held-out lists and the reported winner is the best of them."""

from io import StringIO

import pytest

from benchmarks.recommendations import METHODS, run


@pytest.mark.slow
@pytest.mark.benchmark
@pytest.mark.django_db
def test_the_benchmark_compares_every_method_on_the_same_lists_and_names_the_best():
    out = StringIO()
    result = run(quick=True, out=out)
    assert "SYNTHETIC" in out.getvalue()
    methods = result["methods"]
    assert result["cold_lists"] >= 100 and result["known_lists"] >= 100, "too few lists to compare"
    for case in ("cold", "known"):
        best = result["comparison"][case]["best_key"]
        assert methods[best][case] == max(methods[k][case] for k, _ in METHODS)
        # Learned orders beat the knowledge-base order; nothing beats the noise-free ceiling.
        for learned in ("condition_mean", "stratified", "hybrid"):
            assert methods[learned][case] > methods["kb"][case], out.getvalue()
            assert methods[learned][case] < methods["oracle"][case]
        # The stratified mean is never worse than the per-condition mean it shrinks towards.
        assert methods["stratified"][case] >= methods["condition_mean"][case], out.getvalue()
