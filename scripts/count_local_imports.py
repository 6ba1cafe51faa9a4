"""Count import statements inside function bodies, per app (migrations and tests left out).

A function-local import is usually how a cycle between apps is hidden from the module-level
import graph, so the number is a measure of architecture debt: it should only go down.

Not counted: imports inside ``ready()`` of an app's ``apps.py`` (``AppConfig.ready``), Django's
idiom for connecting receivers and registering handlers once the app registry is ready; such
modules import models, so they cannot be imported at the top of ``apps.py``. Every other remaining
local import should carry a ``# local import: <reason>`` comment.
Usage: .venv/bin/python scripts/count_local_imports.py [--list]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "audit", "diagnosis", "feedback", "medportal", "mlops", "recommendations")


class _Counter(ast.NodeVisitor):
    def __init__(self, *, exempt_ready: bool = False) -> None:
        self.depth = 0
        self.exempt_ready = exempt_ready
        self.hits: list[tuple[int, str]] = []

    def _function(self, node: ast.AST) -> None:
        if self.exempt_ready and getattr(node, "name", None) == "ready" and self.depth == 0:
            return  # AppConfig.ready(): the Django idiom (see the module docstring)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function
    visit_Lambda = _function

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.depth:
            if isinstance(node, ast.ImportFrom):
                target = "." * node.level + (node.module or "")
            else:
                target = ", ".join(alias.name for alias in node.names)
            self.hits.append((node.lineno, target))

    visit_Import = _import
    visit_ImportFrom = _import


def app_files(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts and not path.name.startswith("test_")
    )


def local_imports(path: Path) -> list[tuple[int, str]]:
    counter = _Counter(exempt_ready=path.name == "apps.py")
    counter.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return counter.hits


def main(argv: list[str]) -> int:
    show = "--list" in argv
    total = total_cross = 0
    print(f"{'app':16} {'local':>5} {'cross-app':>9}")
    for app in APPS:
        hits = [(path, line, target) for path in app_files(app) for line, target in local_imports(path)]
        # Imports of another app of this project: the ones that can hide a cycle between apps.
        cross = sum(
            1 for _, _, target in hits if target.split(".")[0] in APPS and target.split(".")[0] != app
        )
        total += len(hits)
        total_cross += cross
        print(f"{app:16} {len(hits):5} {cross:9}")
        if show:
            for path, line, target in hits:
                print(f"    {path.relative_to(ROOT)}:{line}  {target}")
    print(f"{'total':16} {total:5} {total_cross:9}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
