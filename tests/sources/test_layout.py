"""The sources package's import graph: no cycles inside it, and nothing from the stages after it."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "worker" / "sources"
FORBIDDEN = ("worker.pipeline", "worker.tagging", "worker.index")


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_sources_import_no_later_stage() -> None:
    for path in SOURCES.glob("*.py"):
        if path.name == "tasks.py":  # the task layer (owned by the app) composes sources with the pipeline
            continue
        bad = [m for m in imports(path) if m.startswith(FORBIDDEN)]
        assert not bad, f"{path.name} imports {bad}"


def test_no_import_cycle_between_source_modules() -> None:
    graph = {
        f"worker.sources.{p.stem}": {m for m in imports(p) if m.startswith("worker.sources.")}
        for p in SOURCES.glob("*.py")
        if p.stem != "tasks"
    }

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == target or (nxt not in seen and reaches(nxt, target, seen | {nxt})):
                return True
        return False

    cycles = [m for m in graph if reaches(m, m, {m})]
    assert not cycles, cycles
