"""Typed hand-offs between stages: what a source declares reaches the Article without metadata strings."""

from __future__ import annotations

from worker.config import get_settings
from worker.pipeline import normalise_items
from worker.sources.documents import document_item
from worker.tagging.language import tag_language

DOC = """title Een test
author Piet Jansen; Anna de Vries
language en
date 2021-04

De gemeenteraad vergaderde gisteren over de begroting van het komende jaar en besloot tot nieuwe plannen.
"""


def test_document_author_header_lands_in_authors_and_language_is_declared() -> None:
    item = document_item(DOC, name="a.txt")
    assert item.authors == ["Piet Jansen", "Anna de Vries"]
    assert item.declared_language == "en"
    assert "author" not in item.metadata and "declared_language" not in item.metadata
    [article] = normalise_items([item], get_settings()).articles
    assert article.authors == ["Piet Jansen", "Anna de Vries"]
    # The text is Dutch, but the declared language wins (with confidence 1).
    [tagged] = tag_language([article])
    assert (tagged.language, tagged.language_confidence) == ("en", 1.0)
