from hypothesis import given
from hypothesis import strategies as st

from medportal.text import word_list


def test_a_typed_list_becomes_distinct_lower_case_entries_in_order():
    assert word_list("Penicillin;  peanuts,\nHay   Fever, penicillin,,") == [
        "penicillin",
        "peanuts",
        "hay fever",
    ]


def test_lists_none_and_blanks():
    assert word_list(["  Ibuprofen ", "", "IBUPROFEN", 5]) == ["ibuprofen", "5"]
    assert word_list(None) == [] and word_list("") == [] and word_list(" , ;\n") == []


@given(st.lists(st.text(max_size=20), max_size=8))
def test_normalising_twice_changes_nothing(values):
    once = word_list(values)
    assert word_list(once) == once
    assert all(w == w.lower().strip() and "  " not in w for w in once)
