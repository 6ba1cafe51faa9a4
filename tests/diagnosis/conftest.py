import pytest

from benchmarks.phrases import index_from_files


@pytest.fixture(scope="module")
def index():
    """The symptom resolver built from the knowledge-base files (a test file may define its own)."""
    return index_from_files()
