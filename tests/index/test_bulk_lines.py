"""The bulk writer's lines: one dump per article for revision and document, orjson with a json fallback."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from worker.article import Article, Enrichment, Entity, Topic
from worker.index.store import _serialise, document, revision_hash, revision_of

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _article(**update: object) -> Article:
    article = Article(
        id="a1", source="nos.nl", title="Steun voor Oekraïne", body="Curaçao en Oekraïne — “zei” hij.\n\nTwee.",
        paragraphs=["Curaçao en Oekraïne — “zei” hij.", "Twee."], content_hash="h", language="nl",
        language_confidence=0.9731, entities=[Entity(text="NAVO", type="ORG", forms=["Navo"], wikidata="Q7184")],
        topics=[Topic(code="11000000", label="politiek", score=0.8)], keywords=["steun"], metadata={"k": "v"},
        enrichment=Enrichment(version="v1", models={"ner": "x"}, tagged_at=AT), first_seen=AT, ingested_at=AT,
    )  # fmt: skip
    return article.model_copy(update=update)


def _previous_revision_hash(article: Article) -> str:
    """The definition stored revisions were made with (before the writer dumped each article once)."""
    data = article.model_dump(mode="json", exclude={"ingested_at", "first_seen"})
    data.get("enrichment", {}).pop("tagged_at", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def test_the_revision_of_a_dump_is_the_stored_revision() -> None:
    for article in (_article(), _article(enrichment=Enrichment()), _article(first_seen=None, entities=[])):
        dumped = article.model_dump(mode="json")
        assert revision_of(dumped) == _previous_revision_hash(article) == revision_hash(article)
        assert dumped == article.model_dump(mode="json")  # the dump is reused for the document: left unchanged
    seen_again = datetime(2027, 1, 1, tzinfo=UTC)
    retagged = Enrichment(version="v1", models={"ner": "x"}, tagged_at=seen_again)
    later = _article(ingested_at=seen_again, enrichment=retagged)
    assert revision_hash(later) == revision_hash(_article())  # when we saw or tagged it: no new revision
    assert revision_hash(_article(title="Anders")) != revision_hash(_article())


def test_the_document_from_a_dump_is_the_document_from_the_article() -> None:
    article = _article()
    dumped = article.model_dump(mode="json")
    assert document(article, revision="r", first_seen="2020-01-01T00:00:00Z", dumped=dumped) == document(
        article, revision="r", first_seen="2020-01-01T00:00:00Z"
    )
    assert "revision" not in dumped and "folded" not in dumped


def test_bulk_lines_are_the_same_json_as_before() -> None:
    doc = document(_article(), revision="r", first_seen=None)
    line = _serialise(doc)
    assert json.loads(line) == doc
    assert "Oekraïne" in line and "\n" not in line  # UTF-8 as is, one line
    assert line == json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def test_what_orjson_refuses_is_written_by_json() -> None:
    odd = {"index": {"_id": "x"}, "text": "lone \ud800 surrogate", "big": 1 << 70}
    assert json.loads(_serialise(odd)) == odd
