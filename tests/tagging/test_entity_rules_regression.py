from __future__ import annotations

from worker.article import Article
from worker.tagging.entities import tag_entities


def test_entity_text_with_a_line_break_does_not_crash_label_propagation() -> None:
    # An entity span crossing a hard line wrap ("Dam\nin") once raised KeyError in consistent_labels.
    body = "Op de Dam\nin Amsterdam stond Jan de Vries. Later liep Dam naar huis. De Dam was vol."
    article = Article(id="1", source="s", title="t", body=body, paragraphs=[body], content_hash="h", language="nl")
    entities = tag_entities([article])[0].entities
    assert any(e.text == "Amsterdam" and e.type == "LOC" for e in entities)
