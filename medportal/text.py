"""Text helpers shared by apps."""

from __future__ import annotations

import argparse
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


def age_from_input(value, field: str = "age") -> int | None:
    """An age in whole years from JSON or a command line ("30", 30, 30.0); None when not given.

    Anything else (true, 30.7, Infinity, 1e400, "old") raises ValueError with a message naming
    `field`, for the batch commands to report as one line."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{field} must be a whole number of years")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{field} must be a whole number of years") from None
    if not number.is_integer() or not 0 <= number <= 130:
        raise ValueError(f"{field} must be a whole number of years between 0 and 130")
    return int(number)


def positive_int(value: str) -> int:
    """argparse type for counts such as --per-disease: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number
