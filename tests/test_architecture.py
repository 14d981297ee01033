"""The import graph stays as ARCHITECTURE.md draws it: no cycles, sources below the pipeline, one file
that configures Celery."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "worker"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """worker.* modules each module imports (anywhere in it, functions included). `from pkg import sub`
    of a submodule is an edge to the submodule only."""
    modules = {module_name(path) for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("worker"):
                names = [f"{node.module}.{a.name}" for a in node.names]
                found.update(names)
                if not all(name in modules for name in names):
                    found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("worker"))
        graph[module_name(path)] = found
    return {m: {i for i in deps if i in modules and i != m} for m, deps in graph.items()}


def test_the_import_graph_has_no_cycle() -> None:
    graph = imports()
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in done:
            return
        assert module not in visiting, f"import cycle: {' -> '.join([*path, module])}"
        visiting.add(module)
        for dep in sorted(graph.get(module, ())):
            visit(dep, [*path, module])
        visiting.discard(module)
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_sources_never_import_the_pipeline_tagging_index_or_tasks() -> None:
    forbidden = ("worker.pipeline", "worker.tagging", "worker.index", "worker.tasks")
    for module, deps in imports().items():
        if module.startswith("worker.sources") and module not in ("worker.sources.tasks", "worker.sources.cli"):
            bad = [d for d in deps if d.startswith(forbidden)]
            assert not bad, f"{module} imports {bad}"


def test_only_the_app_module_configures_celery() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        if module_name(path) == "worker.app":
            continue
        assert "Celery(" not in text and "conf.update" not in text and "app.conf." not in text, path
