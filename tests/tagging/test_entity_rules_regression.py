from __future__ import annotations

from worker.article import Article
from worker.tagging.entities import tag_entities


def test_entity_text_across_title_and_body_does_not_crash_label_propagation() -> None:
    # The title's last word and the body's first line joined by a line break once raised KeyError('Dam').
    title = "Joodse gemeenschap viert Chanoeka op de Dam"
    body = "Op de Dam in Amsterdam is de eerste kaars van een grote chanoekia aangestoken."
    article = Article(id="1", source="s", title=title, body=body, paragraphs=[body], content_hash="h", language="nl")
    entities = tag_entities([article])[0].entities
    assert any(e.text == "Amsterdam" and e.type == "LOC" for e in entities)
