"""The entity rules compiled to C with mypyc, used only when they were built from the sources as they are.

The rule layer (`entity_rules.EntityFixes` and the modules of `COMPILED`) is some seventy-five plain typed passes over
a document's tokens and entities, about 10 µs a token in CPython, and it is most of what the tagging stage adds to the
bare NER model (bench/RESULTS.md, sessions 51-52). mypyc compiles the same source, unchanged, to C extension
modules; the entities they give are identical (tests/tagging/test_compiled_rules.py at every test run; at the first
build, session 52, the 57,904 entities of 1,030 documents: the news files of data/ner but the held-out ones, WikiANN's
dev files, unlabelled news).

`newsworker rules build` (run by scripts/bootstrap.sh and the Dockerfile; needs the `compile` extra
and a C compiler) writes the modules to `worker/tagging/_compiled/` beside `manifest.json`: the SHA-256 of every
source file of the package, read before the build. `activate`, called when `worker.tagging` is first imported, puts
that directory before the sources on the package's `__path__` only when every digest still matches: an edited
source never runs as its stale compiled copy; it runs as Python, and the worker logs once why.

The setting `compiled_rules` (NEWSWORKER_COMPILED_RULES): `auto` (the default) uses a current build when there is
one; `off` never does; `required` raises at import when none is usable (CI's test run sets it, so its tests read the
compiled code and a failed build cannot pass unseen).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

from worker.tagging.paths import PACKAGE_DIR

log = logging.getLogger(__name__)

OUTPUT = PACKAGE_DIR / "_compiled"
MANIFEST = "manifest.json"
GROUP = "newsworker_rules"  # the shared library is the top-level module f"{GROUP}__mypyc"
EXT_SUFFIX = str(sysconfig.get_config_var("EXT_SUFFIX"))
# the rule modules, each called once or more per document. entity_doc, the facts they share, stays Python: its
# DocFacts computes each fact on first use (`functools.cached_property`), which mypyc's classes do not keep, and
# mypyc 2.4.1 fails on it as a Python class; casing too (a spaCy component class, a dict subclass). `entities` builds
# the entity records after them, the keyword stage runs once per article. A compiled module's `__file__` is under
# `_compiled/`: these take their data paths from `paths` (never compiled), not from beside their own `__file__`
COMPILED = (
    "entities", "entity_countries", "entity_evidence", "entity_given_names", "entity_heads", "entity_hygiene",
    "entity_lineups", "entity_nicknames", "entity_page_titles", "entity_products", "entity_roles", "entity_rules",
    "entity_sports", "entity_term_sheets", "entity_trade_words", "entity_unknown_places", "entity_wire",
    "entity_wire_lists", "entity_works",
    "keywords", "name_tokens",
)

# what `activate` decided: whether the compiled modules are in use, and if not, why
state: dict[str, str | bool] = {"active": False, "reason": "not activated"}


class CompiledRulesUnavailable(RuntimeError):
    """`compiled_rules` is `required` and no current build is there."""


def source_digests(package_dir: Path = PACKAGE_DIR) -> dict[str, str]:
    """The SHA-256 of every source file of the package, by name: a compiled rule module bakes in the types of what
    it imports, so an edit anywhere in the package makes the build stale."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(package_dir.glob("*.py"))}


def _library(output: Path) -> Path:
    return output / f"{GROUP}__mypyc{EXT_SUFFIX}"


def _module_files(output: Path) -> list[Path]:
    return [output / "worker" / "tagging" / f"{name}{EXT_SUFFIX}" for name in COMPILED]


def _missing_files(output: Path) -> list[str]:
    return [path.name for path in [_library(output), *_module_files(output)] if not path.is_file()]


def describe() -> str:
    """Which entity rules this process runs: "compiled", or "Python (<why>)"."""
    return "compiled" if state["active"] else f"Python ({state['reason']})"


def stale_reason(output: Path = OUTPUT, package_dir: Path = PACKAGE_DIR) -> str | None:
    """None when `output` holds a complete build made from the package's sources as they are now, for this
    interpreter; otherwise why it cannot be used."""
    manifest = output / MANIFEST
    if not manifest.is_file():
        return "not built"
    try:
        built = json.loads(manifest.read_text(encoding="utf-8"))
        sources, modules, suffix = built["sources"], built["modules"], built["ext_suffix"]
    except (ValueError, KeyError, TypeError) as exc:
        return f"unreadable manifest ({exc!r})"
    if suffix != EXT_SUFFIX:
        return f"built for {suffix}, this interpreter loads {EXT_SUFFIX}"
    if modules != list(COMPILED):
        return "built for another list of modules"
    current = source_digests(package_dir)
    changed = sorted(name for name in current.keys() | sources.keys() if current.get(name) != sources.get(name))
    if changed:
        return "sources changed since the build: " + ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
    missing = _missing_files(output)
    if missing:
        return "files missing: " + ", ".join(missing[:3])
    return None


def activate(package_path: list[str], mode: str, output: Path = OUTPUT) -> bool:
    """Put the compiled modules first on the package's `__path__` (before any rule module is imported) when `mode`
    allows and the build is current; False, with the reason in `state`, otherwise."""
    if mode == "off":
        state.update(active=False, reason="off (compiled_rules)")
        return False
    reason = stale_reason(output)
    if reason is None:
        imported = [name for name in COMPILED if f"{__package__}.{name}" in sys.modules]
        if imported:
            reason = "rule modules imported before activation: " + ", ".join(imported)
    if reason is not None:
        state.update(active=False, reason=reason)
        if mode == "required":
            raise CompiledRulesUnavailable(
                f"NEWSWORKER_COMPILED_RULES=required, but the compiled entity rules are unusable: {reason}. "
                "Build them with `newsworker rules build` (pip install 'newsworker[compile]').")
        if reason != "not built":
            log.warning("compiled entity rules not used (%s); the rules run as Python. Rebuild with "
                        "`newsworker rules build`.", reason)
        return False
    library = f"{GROUP}__mypyc"
    if library not in sys.modules:  # each module's shim imports it by name: load it from the build first
        spec = importlib.util.spec_from_file_location(library, _library(output))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[library] = module
        spec.loader.exec_module(module)
    package_path.insert(0, str(output / "worker" / "tagging"))
    state.update(active=True, reason="")
    return True


def build(output: Path = OUTPUT, jobs: int = 2) -> None:
    """Compile the `COMPILED` modules with mypyc into `output` (replaced whole when the build succeeds)."""
    try:
        from mypyc.build import mypycify
        from setuptools import setup
    except ImportError as exc:
        raise SystemExit(f"compiling the rules needs mypy and setuptools: pip install 'newsworker[compile]' ({exc})"
                         ) from exc
    sources = source_digests()  # read before compiling: an edit made during the build leaves it stale
    paths = [str(PACKAGE_DIR / f"{name}.py") for name in COMPILED]
    work = Path(tempfile.mkdtemp(prefix="newsworker-compile-"))
    here = Path.cwd()
    try:
        # in a directory of its own: setuptools reads setup.cfg / pyproject.toml of the current directory,
        # and mypy its configuration; mypy finds the package from the paths' __init__ files
        os.chdir(work)
        extensions = mypycify([*paths, "--ignore-missing-imports", "--check-untyped-defs"], opt_level="3",
                              group_name=GROUP, target_dir=str(work / "c"), multi_file=jobs > 1)
        setup(name="newsworker-compiled-rules", ext_modules=extensions,
              script_args=["--quiet", "build_ext", "--build-lib", str(work / "lib"), "--build-temp",
                           str(work / "tmp"), "--parallel", str(jobs)])
        built = work / "lib"
        (built / MANIFEST).write_text(json.dumps({"ext_suffix": EXT_SUFFIX, "modules": list(COMPILED),
                                                 "sources": sources}, indent=1), encoding="utf-8")
        missing = _missing_files(built)
        if missing:
            raise SystemExit("the build is incomplete: files missing: " + ", ".join(missing[:3]))
        if output.exists():
            shutil.rmtree(output)
        shutil.move(str(built), str(output))
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)
