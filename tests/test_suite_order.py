"""The unit run hands its slowest test files to the pytest-xdist workers first (tests/conftest.py)."""

from collections import OrderedDict

from tests.conftest import ROOT, SLOW_FILES_FIRST, slow_files_first


def test_every_listed_slow_file_exists():
    """A renamed or deleted file would silently lose its early place in the queue."""
    missing = [path for path in SLOW_FILES_FIRST if not (ROOT / path).is_file()]
    assert not missing, missing


def test_the_slowest_waiting_file_is_handed_out_next():
    queue = OrderedDict((path, {}) for path in ("tests/a/test_many.py", *reversed(SLOW_FILES_FIRST[:3])))
    order = []
    while queue:
        slow_files_first(queue)
        order.append(queue.popitem(last=False)[0])
    assert order == [*SLOW_FILES_FIRST[:3], "tests/a/test_many.py"]


def test_a_queue_without_slow_files_keeps_its_order():
    queue = OrderedDict((path, {}) for path in ("tests/b/test_x.py", "tests/a/test_y.py"))
    slow_files_first(queue)
    assert list(queue) == ["tests/b/test_x.py", "tests/a/test_y.py"]
