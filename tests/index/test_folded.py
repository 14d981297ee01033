"""The folded search fields written beside each article, and bounded keyword fields in the template."""

from __future__ import annotations

from typing import Any

from worker.article import Article, Entity, Topic
from worker.index.store import document, folded_fields, load_template


def test_folded_fields_hold_case_and_diacritic_free_copies() -> None:
    article = Article(
        id="1",
        source="NOS.nl",
        title="Steun voor Oekraïne",
        body="Curaçao en Oekraïne.",
        content_hash="h",
        authors=["José Müller"],
        entities=[Entity(text="NAVO", type="ORG", forms=["NAVO", "Navo"], wikidata="Q7184")],
        topics=[Topic(code="11000000", label="politiek en overheid", score=0.8)],
    )
    folded = folded_fields(article)
    assert folded["title"] == "Steun voor Oekraine" and folded["body"] == "Curacao en Oekraine."
    assert folded["source"] == "nos.nl" and folded["authors"] == ["Jose Muller"]
    assert folded["entity_keys"] == ["navo", "q7184"] and folded["entity_types"] == ["ORG"]
    assert folded["entity_ids"] == ["Q7184"]
    unlinked = article.model_copy(update={"entities": [Entity(text="Mark Rutte", type="PER")]})
    assert folded_fields(unlinked)["entity_ids"] == ["PER:mark rutte"]
    assert {"11000000", "politiek en overheid", "politics and government"} <= set(folded["topics"])
    assert document(article, revision="r", first_seen=None)["folded"] == folded


def _keywords(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("keyword", "flattened"):
            found.append((path, node))
        for key, value in node.items():
            found += _keywords(value, f"{path}.{key}")
    return found


def test_every_indexed_keyword_field_has_ignore_above() -> None:
    # One token over Lucene's 32 KB term limit would otherwise reject the article on every replay.
    mappings = load_template()["mappings"]
    unbounded = [p for p, m in _keywords(mappings) if m.get("index", True) and "ignore_above" not in m]
    assert unbounded == []
