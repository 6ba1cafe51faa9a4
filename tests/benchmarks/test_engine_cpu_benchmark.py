"""benchmarks/engine_cpu.py runs: it reads the corpus through the diagnosis app's reader and times
each part (a speed figure is not asserted: the machine is shared)."""

import pytest

from benchmarks import engine_cpu


@pytest.mark.django_db
def test_one_pass_over_one_split_times_every_part(capsys):
    assert engine_cpu.main(["--repeats", "1", "--split", "dev4"]) == 0
    out = capsys.readouterr().out
    assert "texts (dev4)" in out
    for part in ("run_check", "complaints.assess", "resolver.resolve", "alarm_text.probability"):
        assert f"{part} " in out and "CPU ms per text" in out
