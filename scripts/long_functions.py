"""List the functions of app code longer than a limit (60 lines: one screen), longest first.

A long function is a sequence of steps that were never named; split it into named steps (see
README "Architecture"). Migrations and tests are left out. Exits 1 when any function is too long,
so it can run in CI; tests/medportal/test_architecture.py runs it on every test run.
Usage: .venv/bin/python scripts/long_functions.py [--max N]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "audit", "diagnosis", "feedback", "medportal", "mlops", "recommendations")
MAX_LINES = 60


def app_files(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts and not path.name.startswith("test_")
    )


def long_functions(path: Path, max_lines: int = MAX_LINES, root: Path = ROOT) -> list[tuple[int, str, str]]:
    """(lines, path relative to ``root``, name) of each function in ``path`` over ``max_lines``
    (decorators not counted; a nested function counts in its own right and in its parent's)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > max_lines:
                out.append((lines, str(path.relative_to(root)), node.name))
    return out


def all_long_functions(max_lines: int = MAX_LINES) -> list[tuple[int, str, str]]:
    found = [hit for app in APPS for path in app_files(app) for hit in long_functions(path, max_lines)]
    return sorted(found, reverse=True)


def main(argv: list[str]) -> int:
    max_lines = int(argv[argv.index("--max") + 1]) if "--max" in argv else MAX_LINES
    found = all_long_functions(max_lines)
    for lines, path, name in found:
        print(f"{lines:4} {path} {name}")
    print(f"{len(found)} function(s) over {max_lines} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
