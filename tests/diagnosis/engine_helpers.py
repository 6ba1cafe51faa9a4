"""The complaint layer read straight from the knowledge-base files, shared by the phrasing-family
tests: the catalogue is built once per test process instead of once per test file."""

from diagnosis.engine.complaints import Subject, catalogue_from_files

CATALOGUE = catalogue_from_files()


def assess(text, **subject):
    return CATALOGUE.assess(text, Subject(**subject))


def level(text, **subject):
    """The complaint layer's level for `text` (None when nothing is recognised)."""
    return assess(text, **subject).level
