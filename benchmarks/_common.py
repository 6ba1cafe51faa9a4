"""What the benchmark scripts share: a plain-text report, the load average, a read-only guard and the
loaded knowledge base."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager

_WRITE_SQL = re.compile(r"^\s*(insert|update|delete|replace|create|drop|alter|truncate)\b", re.IGNORECASE)


def load_average() -> str:
    """The 1/5/15-minute load average, printed with every figure: the machine is shared."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "-"


@contextmanager
def read_only_database():
    """Fail loudly if a benchmark that only measures writes to the database it measures."""
    from django.db import connection

    def guard(execute, sql, params, many, context):
        if _WRITE_SQL.match(sql):
            raise RuntimeError(f"the benchmark must not write to the database: {sql[:120]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield


def loaded_snapshot():
    """The current knowledge snapshot, or a clear error when the knowledge base was never loaded
    (a fresh database): every benchmark needs its conditions."""
    from diagnosis.selectors import current_snapshot

    snapshot = current_snapshot()
    if not snapshot.diseases:
        raise RuntimeError(
            "the knowledge base is empty: run `.venv/bin/python manage.py migrate && "
            ".venv/bin/python manage.py load_knowledge_base`"
        )
    return snapshot


class Report:
    """Writes to `out` as it goes (a full run takes minutes) and keeps the text for the results file."""

    def __init__(self, out):
        self.out = out
        self.lines: list[str] = []

    def line(self, text: str = "") -> None:
        self.lines.append(text)
        self.out.write(text + "\n")
        self.out.flush()

    def section(self, title: str) -> None:
        self.line()
        self.line(title)
        self.line("=" * len(title))

    def table(self, headers: list[str], rows: list[list]) -> None:
        cells = [headers] + [[cell(v) for v in row] for row in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

        def fmt(row):
            first = row[0].ljust(widths[0])
            rest = [v.rjust(w) for v, w in zip(row[1:], widths[1:], strict=True)]
            return "  ".join([first, *rest]).rstrip()

        self.line(fmt(cells[0]))
        self.line("  ".join("-" * w for w in widths))
        for row in cells[1:]:
            self.line(fmt(row))

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def write_results(path, title: str, intro: str, text: str, root=None) -> None:
    """Write a benchmark's plain-text report as a markdown results file (title, one line saying how it
    was made and what the data is, then the report in a text block) and say where it went."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n{intro}\n\n```text\n{text}```\n", encoding="utf-8")
    shown = path.relative_to(root) if root else path
    print(f"[bench] tables written to {shown}", file=sys.stderr)
