"""Hand-made spaCy documents for the layout rules' tests: one sentence a line, entities given by token span."""

from __future__ import annotations

from collections.abc import Sequence

import spacy
from spacy.tokens import Doc, Span


def line_doc(lines: list[str], ents: Sequence[tuple[int, int, str]] = ()) -> Doc:
    """A document of the lines' space-separated words (each line a sentence) with these entities."""
    words = [w for line in lines for w in line.split(" ")]
    starts = [i == 0 for line in lines for i in range(len(line.split(" ")))]
    doc = Doc(spacy.blank("en").vocab, words=words, sent_starts=starts)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc
