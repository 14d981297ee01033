"""The bad-input corpus end to end in-process: read -> document item -> normalise + tag.

Every case ends as exactly one Article or one failure with a human-readable reason, never an exception.
The corpus is made by scripts/make_bad_input.py (small cases committed under tests/data/bad_input/,
large ones and special files made here in a temporary directory).
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

from worker.article import Article, RawItem
from worker.config import get_settings
from worker.normalise import escape_for_terminal
from worker.pipeline import process_items
from worker.sources.documents import DocumentError, document_item, iter_document_paths, read_document

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "bad_input"
MAX_BYTES = 5_000_000
# Lucene refuses a keyword term over 32,766 bytes: the article would fail indexing on every replay.
MAX_TERM_BYTES = 32_766
# What `normalise_items` writes for an exception it did not foresee ("TypeError: ..."): a bug, not a reason.
UNFORESEEN = re.compile(r"^[A-Z]\w*(Error|Exception|Warning)\b")


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_bad_input", REPO / "scripts" / "make_bad_input.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_bad_input = _generator()


def test_committed_corpus_is_what_the_generator_makes() -> None:
    expected = {f"{name}.txt": data for name, data in make_bad_input.small_cases().items()}
    on_disk = {p.name: p.read_bytes() for p in CORPUS.glob("*.txt")}
    assert on_disk == expected, "run: python scripts/make_bad_input.py"


def _human(reason: str) -> bool:
    return bool(reason.strip()) and escape_for_terminal(reason) == reason and not UNFORESEEN.match(reason)


def _keyword_values(article: Article) -> list[str]:
    values = [article.source, article.id, article.content_hash, *article.authors, *article.keywords]
    values += [article.url or "", *article.metadata.values(), *article.metadata.keys()]
    for entity in article.entities:
        values += [entity.text, *entity.forms]
    return values


@pytest.fixture(scope="module")
def corpus_paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    large = tmp_path_factory.mktemp("large")
    for name, data in make_bad_input.large_cases().items():
        (large / f"{name}.txt").write_bytes(data)
    special = make_bad_input.special_files(tmp_path_factory.mktemp("special"))
    return sorted(CORPUS.glob("*.txt")) + sorted(large.glob("*.txt")) + special


def test_corpus_has_at_least_150_cases_across_the_classes(corpus_paths: list[Path]) -> None:
    classes = Counter(p.name.split("-")[0] for p in corpus_paths)
    assert len(corpus_paths) >= 150
    expected = {"empty", "whitespace", "headers", "binary", "nul", "utf16", "invalid", "cp1252", "control"}
    expected |= {"ansi", "dates", "huge", "odd", "misc"}
    assert expected <= set(classes)


def test_every_case_ends_as_an_article_or_a_failure_with_a_reason(corpus_paths: list[Path]) -> None:
    refused: dict[str, str] = {}
    items: list[RawItem] = []
    for path in corpus_paths:
        try:
            items.append(document_item(read_document(path, max_bytes=MAX_BYTES)))
        except DocumentError as exc:
            assert exc.stage == "read" and exc.path == str(path)
            refused[path.name] = exc.reason
    processed = process_items(items, get_settings())

    outcomes: dict[str, str] = {name: "read: " + reason for name, reason in refused.items()}
    for failure in processed.failures:
        raw = (failure.payload or {}).get("raw") or {}
        name = Path(raw.get("document_path") or "?").name
        assert name not in outcomes, f"{name} ended twice"
        outcomes[name] = f"{failure.stage}: {failure.reason}"
        assert _human(failure.reason), f"{name}: {failure.reason!r}"
    for article in processed.articles:
        name = article.metadata["document"]
        assert name not in outcomes, f"{name} ended twice"
        outcomes[name] = "article"
        assert article.title and article.body.strip()
        assert escape_for_terminal(article.body.replace("\n", " ")) == article.body.replace("\n", " ")
    for name, reason in refused.items():
        assert _human(reason), f"{name}: {reason!r}"

    assert sorted(outcomes) == sorted(p.name for p in corpus_paths), "some case ended nowhere"
    assert len({a.id for a in processed.articles}) == len(processed.articles), "distinct files collapsed"
    summary = Counter(outcome.split(":")[0] for outcome in outcomes.values())
    print(f"\nbad-input corpus: {len(outcomes)} cases, {dict(summary)}")


def test_no_keyword_field_of_an_article_exceeds_the_term_limit(tmp_path: Path) -> None:
    items = []
    for name, data in make_bad_input.large_cases().items():
        path = tmp_path / f"{name}.txt"
        path.write_bytes(data)
        try:
            items.append(document_item(read_document(path, max_bytes=MAX_BYTES)))
        except DocumentError:
            continue
    over = {
        article.metadata["document"]: value[:40]
        for article in process_items(items, get_settings()).articles
        for value in _keyword_values(article)
        if len(value.encode("utf-8")) > MAX_TERM_BYTES
    }
    assert over == {}


@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        ("empty-00-zero-bytes", "read"),
        ("whitespace-00", "normalise"),
        ("headers-only-03", "normalise"),
        ("binary-06-random", "read"),
        ("nul-00-first-byte", "read"),
        ("nul-05-after-8000-bytes", "article"),
        ("utf16-bom-utf16le-headers", "article"),
        ("utf16-nobom-utf16le-text", "read"),
        ("invalid-utf8-00-truncated-end", "article"),
        ("invalid-utf8-06-mostly-bad", "read"),
        ("cp1252-00-dutch", "article"),
        ("ansi-01-source-clear-screen", "article"),
        ("dates-iso-00", "article"),
        ("dates-bad-00", "article"),
    ],
)
def test_each_class_ends_where_it_should(name: str, outcome: str) -> None:
    path = CORPUS / f"{name}.txt"
    try:
        item = document_item(read_document(path, max_bytes=MAX_BYTES))
    except DocumentError:
        assert outcome == "read"
        return
    processed = process_items([item], get_settings()) if outcome == "article" else _normalise_only(item)
    if outcome == "article":
        assert len(processed.articles) == 1 and not processed.failures
    else:
        assert [f.stage for f in processed.failures] == [outcome]


def _normalise_only(item: RawItem):  # type: ignore[no-untyped-def]
    from worker.pipeline import normalise_items

    return normalise_items([item], get_settings())


def test_a_walk_over_special_files_reports_each_and_reads_the_rest(tmp_path: Path) -> None:
    special = make_bad_input.special_files(tmp_path / "docs")
    entries = list(iter_document_paths([tmp_path / "docs"]))
    readable = {p.name for p in entries if isinstance(p, Path)}
    reported = {Path(e.path).name for e in entries if isinstance(e, DocumentError)}
    assert readable | reported >= {p.name for p in special} - {"odd-06-directory.txt"}
    assert {"odd-00-good.txt", "odd-07-link-to-good.txt"} <= readable
    assert {"odd-01-fifo.txt", "odd-02-dangling-link.txt", "odd-03-link-loop.txt"} <= reported
