"""Family history, past history and hypotheticals take only the words they govern: what the person
has now, said before them in the same clause, is still read ("chest pain and a family history of
heart disease" lost the chest pain when the whole clause was set aside)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(snapshot):
    return snapshot.index


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("I have chest pain and a family history of heart disease", ["chest_pain"]),
        ("headache and vomiting and my dad had a stroke", ["headache", "vomiting"]),
        ("cough with a history of asthma years ago", ["cough"]),
        ("Previous blood transfusion", ["blood_transfusion_history"]),  # a symptom's own name
        (
            "Cold hands and feet and Family history of the condition",
            ["cold_hands_and_feet", "family_history"],
        ),
    ],
)
def test_the_current_part_of_a_clause_is_still_read(index, text, present):
    assert sorted(index.resolve(text).present) == sorted(present)


@pytest.mark.parametrize(
    "text",
    ["my dad had a heart attack", "family history of chest pain", "what if I get a rash"],
)
def test_what_is_not_current_stays_out(index, text):
    assert index.resolve(text).present == []
