"""The compiled entity rules and keyword stage (worker/tagging/compiled.py): used only when current, and the same
entities and key phrases as Python."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import quality
from worker.tagging import compiled, entities, entity_rules, entity_sports, keywords, tag_articles

REPO = Path(__file__).resolve().parents[2]


def _package_copy(tmp_path: Path) -> Path:
    package = tmp_path / "package"
    package.mkdir()
    for path in compiled.PACKAGE_DIR.glob("*.py"):
        shutil.copy(path, package / path.name)
    return package


def _fake_build(output: Path, package: Path, **manifest: object) -> None:
    """A build directory with every file the manifest names (empty files: only their presence is checked)."""
    (output / "worker" / "tagging").mkdir(parents=True)
    compiled._library(output).touch()
    for path in compiled._module_files(output):
        path.touch()
    fields = {"ext_suffix": compiled.EXT_SUFFIX, "modules": list(compiled.COMPILED),
              "sources": compiled.source_digests(package), **manifest}
    (output / compiled.MANIFEST).write_text(json.dumps(fields), encoding="utf-8")


def test_a_build_is_current_only_for_the_sources_it_was_made_from(tmp_path: Path) -> None:
    package = _package_copy(tmp_path)
    output = tmp_path / "out"
    assert compiled.stale_reason(output, package) == "not built"
    _fake_build(output, package)
    assert compiled.stale_reason(output, package) is None
    # any source of the package, compiled or not: compiled code bakes in the types of what it imports
    with (package / "entity_doc.py").open("a", encoding="utf-8") as source:
        source.write("\n# an edit\n")
    assert compiled.stale_reason(output, package) == "sources changed since the build: entity_doc.py"
    (package / "new_module.py").write_text("", encoding="utf-8")
    assert compiled.stale_reason(output, package) == "sources changed since the build: entity_doc.py, new_module.py"


def test_a_build_for_another_interpreter_or_module_list_or_incomplete_is_not_used(tmp_path: Path) -> None:
    package = _package_copy(tmp_path)
    _fake_build(tmp_path / "a", package, ext_suffix=".cpython-310-x86_64-linux-gnu.so")
    assert compiled.stale_reason(tmp_path / "a", package) == (
        f"built for .cpython-310-x86_64-linux-gnu.so, this interpreter loads {compiled.EXT_SUFFIX}")
    _fake_build(tmp_path / "b", package, modules=["entity_rules"])
    assert compiled.stale_reason(tmp_path / "b", package) == "built for another list of modules"
    _fake_build(tmp_path / "c", package)
    compiled._module_files(tmp_path / "c")[0].unlink()
    missing = f"{compiled.COMPILED[0]}{compiled.EXT_SUFFIX}"
    assert compiled.stale_reason(tmp_path / "c", package) == f"files missing: {missing}"
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / compiled.MANIFEST).write_text("{", encoding="utf-8")
    assert compiled.stale_reason(tmp_path / "d", package).startswith("unreadable manifest")


def test_activate_leaves_the_package_path_alone_unless_the_build_is_usable(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "state", {})
    path = ["/src/worker/tagging"]
    assert compiled.activate(path, "off", tmp_path) is False
    assert compiled.state == {"active": False, "reason": "off (compiled_rules)"}
    with caplog.at_level(logging.WARNING, logger="worker.tagging.compiled"):
        assert compiled.activate(path, "auto", tmp_path) is False  # not built: silent, Python
    assert not caplog.records and compiled.state["reason"] == "not built"
    with pytest.raises(compiled.CompiledRulesUnavailable, match=r"required, but .* unusable: not built"):
        compiled.activate(path, "required", tmp_path)
    _fake_build(tmp_path, compiled.PACKAGE_DIR, sources={"entity_rules.py": "0" * 64})
    with caplog.at_level(logging.WARNING, logger="worker.tagging.compiled"):
        assert compiled.activate(path, "auto", tmp_path) is False  # stale: said, Python
    assert "sources changed since the build" in caplog.text and "newsworker rules build" in caplog.text
    assert path == ["/src/worker/tagging"]


def test_a_current_build_is_not_put_first_once_rule_modules_are_loaded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # this process has imported the rules already: putting a build first now would mix two copies of them
    monkeypatch.setattr(compiled, "state", {})
    _fake_build(tmp_path, compiled.PACKAGE_DIR)
    path: list[str] = []
    assert compiled.activate(path, "auto", tmp_path) is False
    assert compiled.state["reason"].startswith("rule modules imported before activation: ")
    assert "entity_rules" in compiled.state["reason"]
    assert path == []


def test_the_rule_modules_are_the_compiled_ones_exactly_when_activation_said_so() -> None:
    modules = (entities, entity_rules, entity_sports, keywords)
    suffix_loaded = [module.__file__.endswith(compiled.EXT_SUFFIX) for module in modules]
    assert suffix_loaded == [compiled.state["active"]] * 4, compiled.state
    if os.environ.get("NEWSWORKER_COMPILED_RULES") == "required":  # scripts/test.sh: CI tests the compiled rules
        assert compiled.state["active"] is True


def _tags(articles: list) -> list[tuple[list[tuple[str, str, int, int | None]], list[str]]]:
    return [([(e.text, e.type, e.count, e.first_offset) for e in a.entities], a.keywords)
            for a in tag_articles(articles)]


def test_the_rules_give_the_same_entities_and_keywords_in_this_process_as_in_python(tmp_path: Path) -> None:
    """This process (the compiled rules under scripts/test.sh) against a process with compiled_rules=off, on
    news, wire copy with result tables and Dutch news."""
    files = [(REPO / "data/ner/en-news/sports_dev.txt", "en"), (REPO / "data/ner/en-news/wire.txt", "en"),
             (REPO / "data/ner/en-news/dev_s49.txt", "en"), (REPO / "data/ner/nl-news/dev_s45.txt", "nl")]
    script = (
        "import json, sys; from pathlib import Path; from bench import quality; "
        "from worker.tagging import compiled, tag_articles; "
        "assert not compiled.state['active']; "
        "files = json.loads(sys.argv[1]); "
        "arts = [a for path, lang in files for a in quality.ner_articles(Path(path), lang)]; "
        "print(json.dumps([([(e.text, e.type, e.count, e.first_offset) for e in a.entities], a.keywords) "
        "for a in tag_articles(arts)]))")
    env = {**os.environ, "NEWSWORKER_COMPILED_RULES": "off"}
    done = subprocess.run([sys.executable, "-c", script, json.dumps([(str(p), lang) for p, lang in files])],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=True)
    python = json.loads(done.stdout)
    here = _tags([a for path, lang in files for a in quality.ner_articles(path, lang)])
    assert sum(len(names) for names, _ in here) > 500  # the files hold hundreds of names
    assert sum(len(phrases) for _, phrases in here) > 150  # and key phrases
    assert here == [([tuple(e) for e in names], phrases) for names, phrases in python]


def test_rules_build_runs_even_where_the_compiled_rules_are_required() -> None:
    # `required` refuses a missing build at import; the command that makes the build must still start
    script = ("import sys; from worker import cli; assert 'worker.tagging' not in sys.modules; "
              "compiled = cli._compiled_rules_module('build'); print(compiled.state['reason'])")
    env = {**os.environ, "NEWSWORKER_COMPILED_RULES": "required"}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=True)
    assert done.stdout.strip() == "off (compiled_rules)"


def test_no_tagging_module_but_paths_finds_files_next_to_its_own_file() -> None:
    # a compiled module's __file__ is under _compiled/: a path beside it names nothing (keywords.py, which read
    # keyword_df.json so, lost its document frequencies when compiled in session 52, and its key phrases changed).
    # Every module takes its directories from paths.py, so that any module may join the build.
    assert "paths" not in compiled.COMPILED
    uses = [path.name for path in sorted(compiled.PACKAGE_DIR.glob("*.py"))
            if path.name != "paths.py" and "Path(__file__)" in path.read_text(encoding="utf-8")]
    assert uses == []
