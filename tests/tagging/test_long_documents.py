"""Bounded work per document: tagging linear in length, long texts read in pieces, a cap on what is tagged."""

from __future__ import annotations

import hashlib
import time

import pytest
import spacy
from spacy.tokens import Span

from worker.article import Article
from worker.config import get_settings
from worker.tagging import limits
from worker.tagging.casing import sentence_start, sentence_starts
from worker.tagging.entities import tag_entities
from worker.tagging.entity_rules import EntityFixes
from worker.tagging.keywords import tag_keywords
from worker.tagging.topics import tag_topics


def make_article(body: str, *, language: str, title: str = "Nieuws") -> Article:
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    digest = hashlib.sha1(body.encode()).hexdigest()
    return Article(id=digest[:16], source="test", title=title, body="\n\n".join(paragraphs),
                   paragraphs=paragraphs, content_hash=digest, language=language)


def test_sentence_starts_in_one_pass_agree_with_the_per_token_rule():
    nlp = spacy.blank("nl")
    texts = [
        'Het kabinet valt. "Morgen" zei hij: Nee!\n\nVandaag - zegt Jan - regent het.\nKop zonder punt\n'
        "(Tussen haakjes) en \u201cquotes\u201d ... Einde",
        '"  \n" Begin', "", "Een", " \n\n  Twee  woorden . ' \u2013 Drie",
    ]
    for text in texts:
        doc = nlp(text)
        assert sentence_starts(doc) == [sentence_start(doc, i) for i in range(len(doc))], text
    annotated = spacy.tokens.Doc(nlp.vocab, words=["A", "b", "C", "d"], sent_starts=[True, False, True, False])
    assert sentence_starts(annotated) == [True, False, True, False]


def _sentence_start_doc(sentences: int) -> spacy.tokens.Doc:
    """Sentences that each open with a capitalised common word tagged as an entity: the case the old
    sentence-start check rescanned the whole document for, once per entity."""
    nlp = spacy.blank("en")
    doc = nlp(" ".join(["Thousands gathered outside the court in the rain."] * sentences))
    doc.ents = [Span(doc, t.i, t.i + 1, label="CARDINAL") for t in doc if t.text == "Thousands"]
    return doc


def _fix_seconds(sentences: int) -> float:
    fixes = EntityFixes(titles=True, edges=True, consistency=True)
    best = float("inf")
    for _ in range(5):
        doc = _sentence_start_doc(sentences)
        start = time.perf_counter()
        fixes(doc)
        best = min(best, time.perf_counter() - start)
    return best


def test_entity_rules_take_linear_time_in_document_length():
    small = _fix_seconds(500)
    large = _fix_seconds(500 * 16)
    # linear: about 16x; the old per-entity rescan was quadratic (about 256x). 48x leaves room for a noisy,
    # shared machine (the small case must not be so small that timer noise dominates it).
    assert large < 48 * small, (small, large)
    # the rule still applies: a common word opening every sentence, never capitalised inside one, is dropped
    assert EntityFixes(titles=True, edges=True, consistency=True)(_sentence_start_doc(3)).ents == ()


def test_chunks_join_back_exactly_and_respect_the_size():
    text = ("Eerste alinea met een zin. En nog een zin.\n\n" * 200 + "x" * 6000 + " slot.\nregel\n") * 2
    pieces = limits.chunks(text, 500)
    assert "".join(pieces) == text
    assert all(0 < len(p) <= 500 for p in pieces)
    assert pieces[0].endswith("\n\n")  # cut at a paragraph break when there is one
    assert limits.chunks("kort", 500) == ["kort"]


def test_long_text_read_in_pieces_gets_the_same_entities(monkeypatch: pytest.MonkeyPatch):
    paragraph = ("Premier Mark Rutte sprak in Den Haag met Olaf Scholz over de NAVO. "
                 "Daarna reisde Scholz naar Berlijn, waar Siemens een fabriek opent.")
    body = "\n\n".join(f"{paragraph} Dag {n}." for n in range(60))  # about 9,000 characters
    article = make_article(body, language="nl")
    [pieces] = tag_entities([article])
    monkeypatch.setattr(limits, "NER_CHUNK_CHARS", 1_000_000)
    monkeypatch.setattr(limits.chunks, "__defaults__", (1_000_000,))
    [whole] = tag_entities([article])
    assert [(e.text, e.type, e.count, e.first_offset) for e in pieces.entities] == \
        [(e.text, e.type, e.count, e.first_offset) for e in whole.entities]
    assert {"Mark Rutte", "Den Haag"} <= {e.text for e in pieces.entities}


def test_only_the_first_max_tagged_chars_are_tagged(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSWORKER_TAG_MAX_CHARS", "300")
    get_settings.cache_clear()
    early = "De Nederlandse regering en minister Hoekstra spraken in Brussel over de begroting. " * 4
    late = "\n\nVoetballer Zlatan Ibrahimovic scoorde drie doelpunten tegen Ajax in de Johan Cruijff ArenA. " * 5
    article = make_article(early + late, language="nl", title="Begroting")
    [tagged] = tag_keywords(tag_topics(tag_entities([article])))
    names = {e.text for e in tagged.entities}
    assert "Brussel" in names
    assert not names & {"Zlatan Ibrahimovic", "Ajax", "Johan Cruijff ArenA"}
    assert not any("ibrahimovic" in k.lower() or "doelpunt" in k.lower() for k in tagged.keywords)
    assert "15000000" not in [t.code for t in tagged.topics]  # sport is only in the untagged part
    assert limits.max_tagged_chars() == 300
    monkeypatch.delenv("NEWSWORKER_TAG_MAX_CHARS")
    get_settings.cache_clear()


def test_model_batches_are_bounded_in_pieces_and_characters():
    pieces = ["a" * 300] * 10 + ["b" * 5000, "c" * 10]
    groups = list(limits.batches(pieces, 1000, 32))
    assert [p for g in groups for p in g] == pieces
    assert all(sum(map(len, g)) <= 1000 or len(g) == 1 for g in groups)
    assert [len(g) for g in groups] == [3, 3, 3, 1, 1, 1]
    assert [len(g) for g in limits.batches(["x"] * 70, 1000, 32)] == [32, 32, 6]
