"""Text helpers shared by apps."""

from __future__ import annotations

from collections.abc import Iterable

_SEPARATORS = (";", "\n")


def word_list(values: str | Iterable | None) -> list[str]:
    """A list a person typed ("Penicillin; peanuts,  hay fever") as distinct lower-case entries
    with single spaces, in the order given. Commas, semicolons and new lines separate entries."""
    if values is None:
        return []
    if isinstance(values, str):
        for separator in _SEPARATORS:
            values = values.replace(separator, ",")
        values = values.split(",")
    words: list[str] = []
    for value in values:
        word = " ".join(str(value).split()).lower()
        if word and word not in words:
            words.append(word)
    return words
