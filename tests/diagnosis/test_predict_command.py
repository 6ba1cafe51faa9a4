import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command("predict", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_single_prediction_json_follows_the_contract(trained_champion):
    line = json.loads(
        run(
            symptoms="itching, skin rash, nodal skin eruptions, dischromic patches",
            age=30,
            sex="f",
            as_json=True,
        )
    )
    # The contract's fields, plus the optional ones it allows (in_scope, red_flags, prediction_set, coverage).
    assert {"id", "triage", "conditions", "unrecognised", "model_version"} <= set(line)
    assert set(line) - {"id", "triage", "conditions", "unrecognised", "model_version"} <= {
        "in_scope",
        "red_flags",
        "prediction_set",
        "coverage",
    }
    assert line["triage"] in ("emergency", "urgent", "gp", "self_care")
    assert line["conditions"][0]["name"] == "Fungal skin infection (ringworm, athlete's foot, jock itch)"
    assert set(line["conditions"][0]) == {"name", "icd10", "probability"}
    assert line["model_version"] == trained_champion.label


def test_batch_mode_reads_jsonl_and_writes_one_line_per_case(tmp_path, trained_champion):
    batch = tmp_path / "cases.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(c)
            for c in [
                {"id": 1, "symptoms": ["chest pain", "sweating"], "age": 60, "sex": "m"},
                {"id": "b", "symptoms": ["tummy ache", "diarrea", "qwertyuiop"]},
                {"id": 3, "symptoms": []},
            ]
        )
        + "\n\n"
    )
    lines = [json.loads(x) for x in run(batch=str(batch), as_json=True).strip().splitlines()]
    assert [x["id"] for x in lines] == [1, "b", 3]
    assert lines[0]["triage"] == "emergency"
    assert lines[1]["unrecognised"] == ["qwertyuiop"]
    assert lines[2]["conditions"] == []


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json\n", "line 1"),
        ('{"id": 1, "symptoms": 5}\n', "symptoms must be a list"),
        ('{"id": 1, "symptoms": ["cough"], "age": 999}\n', "age"),
        ('{"id": 1, "symptoms": ["cough"], "age": 1e400}\n', "age"),
        ('{"id": 1, "symptoms": ["cough"], "age": Infinity}\n', "age"),
        ('{"id": 1, "symptoms": ["cough"], "age": NaN}\n', "age"),
        ('{"id": 1, "symptoms": ["cough"], "age": true}\n', "age"),
        ('{"id": 1, "symptoms": ["cough"], "age": 30.7}\n', "whole number"),
        ("[1, 2]\n", "JSON object"),
        ('{"id": 1, "symptoms": ["cough"], "sex": "x"}\n', "sex"),
    ],
)
def test_bad_batch_input_exits_non_zero_with_a_message(tmp_path, content, message):
    batch = tmp_path / "bad.jsonl"
    batch.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(batch=str(batch), as_json=True)


def test_missing_file_and_missing_arguments_are_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(batch=str(tmp_path / "nope.jsonl"))
    with pytest.raises(CommandError, match="exactly one"):
        run()
