"""The engine builds its knowledge snapshot from plain rows, with no database (no django_db mark)."""

from diagnosis.engine.knowledge import DiseaseSpec, RuleSpec, snapshot_from_data
from diagnosis.engine.triage import fired_red_flags


def _disease(slug: str, name: str) -> DiseaseSpec:
    return DiseaseSpec(slug, name, "J00", "gp", 0, 99, 30, 0.5, "", "")


def test_a_snapshot_is_built_from_plain_rows_without_a_database():
    rule = RuleSpec(
        "chest",
        "Chest pain",
        "emergency",
        frozenset({"chest_pain"}),
        frozenset(),
        None,
        None,
        "",
        None,
        "Call now",
    )
    snapshot = snapshot_from_data(
        version=7,
        symptoms=[("chest_pain", "Chest pain", "Do you have chest pain?"), ("cough", "Cough", "")],
        synonyms={"tight chest": "chest_pain"},
        diseases=(_disease("cold", "Common cold"), _disease("flu", "Influenza")),
        links=[("cold", "cough", 0.8), ("flu", "cough", 0.6)],
        rules=(rule,),
        disease_names=[("Common cold", "cold", ["a cold"]), ("Influenza", "flu", ["the flu", "a cold"])],
        complaints=[],
        concepts={},
    )
    assert snapshot.version == 7
    assert snapshot.symptoms == ("chest_pain", "cough")
    assert snapshot.frequency.tolist() == [[0.0, 0.8], [0.0, 0.6]]
    assert snapshot.index.resolve("tight chest").present == ["chest_pain"]
    assert snapshot.disease_aliases["a cold"] == "flu"  # a later alias wins
    assert [
        f.slug for f in fired_red_flags(snapshot.rules, {"chest_pain"}, age=40, sex="", pregnant=False)
    ] == ["chest"]
