from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from worker.article import Article
from worker.index.store import load_template, revision_hash, without_language_analyzers

TEMPLATE = Path(__file__).resolve().parents[2] / "worker" / "index" / "templates" / "articles.json"


def _analyzers(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "analyzer"]
        return found + [a for v in node.values() for a in _analyzers(v)]
    return []


def test_full_distribution_template_is_valid_json_with_language_analyzers() -> None:
    data = json.loads(TEMPLATE.read_text())
    assert data["mappings"]["dynamic"] == "strict"
    assert {"dutch", "english"} <= set(_analyzers(data["mappings"]))


def test_fallback_replaces_only_the_language_analyzers() -> None:
    mappings = load_template()["mappings"]
    fallback = without_language_analyzers(mappings)
    assert set(_analyzers(fallback)) == {"standard"}
    # Same fields, same types: only analyzer names differ.
    assert json.dumps(fallback).replace('"standard"', "X") == json.dumps(mappings).replace('"dutch"', "X").replace(
        '"english"', "X"
    ).replace('"standard"', "X")


def test_every_article_field_is_mapped() -> None:
    # The mapping is strict: a field missing here would make Elasticsearch reject every article.
    properties = load_template()["mappings"]["properties"]
    assert set(Article.model_fields) <= set(properties)
    for nested in ("entities", "topics"):
        model = Article.model_fields[nested].annotation.__args__[0]  # type: ignore[union-attr]
        assert set(model.model_fields) <= set(properties[nested]["properties"])


def test_revision_ignores_when_an_article_was_seen() -> None:
    a = Article(id="1", source="s", title="t", body="b", content_hash="h")
    b = a.model_copy(update={"ingested_at": a.ingested_at.replace(year=2000)})
    c = a.model_copy(update={"title": "other"})
    assert revision_hash(a) == revision_hash(b)
    assert revision_hash(a) != revision_hash(c)
