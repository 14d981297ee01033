"""Hand-made spaCy documents for the layout rules' tests: one sentence a line, entities given by token span."""

from __future__ import annotations

from collections.abc import Sequence

import spacy
from spacy.tokens import Doc, Span


def line_doc(lines: list[str], ents: Sequence[tuple[int, int, str]] = (), language: str = "en") -> Doc:
    """A document of the lines' space-separated words (each line a sentence) with these entities."""
    words = [w for line in lines for w in line.split(" ")]
    starts = [i == 0 for line in lines for i in range(len(line.split(" ")))]
    doc = Doc(spacy.blank(language).vocab, words=words, sent_starts=starts)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc


def named_doc(lines: list[str], names: Sequence[tuple[str, str]], language: str = "en") -> Doc:
    """A document of the lines with each (name, label) tagged at its next place after the one before, in order."""
    words = " ".join(lines).split(" ")
    ents, at = [], 0
    for name, label in names:
        parts = name.split(" ")
        at = next(i for i in range(at, len(words)) if words[i:i + len(parts)] == parts)
        ents.append((at, at + len(parts), label))
        at += len(parts)
    return line_doc(lines, ents, language)


def stage_entities(language: str, text: str) -> list[tuple[str, str]]:
    """The whole entity stage on running text, as the worker reads it: (text, type) of each span it scores."""
    from worker.tagging import entities

    doc = next(entities.pipe_texts(entities.load_pipeline(language), [text]))
    return [(doc[start:end].text, str(label)) for start, end, label in entities.mapped_spans(doc, language)]
