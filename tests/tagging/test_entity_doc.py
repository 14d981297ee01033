"""Doc facts from token arrays: the same values as the Doc API, and the joined doc the same as Doc.from_docs."""

from __future__ import annotations

import re

import numpy
import pytest
import spacy
from spacy.tokens import Doc, Span

from worker.tagging import entity_doc, limits
from worker.tagging.entities import load_pipeline

TEXT = ("PSV Eindhoven beat Ajax 2-1 on Sunday.\n\nLONDON  (Reuters) - Rishi Sunak met\tJoe Biden in Washington, "
        "D.C. on 3 March; ½ a point, ١٢ fans.\n\n\n" + "Shares of Shell rose 3.5 percent in Amsterdam. " * 80)


def test_join_docs_is_the_doc_from_docs_makes():
    nlp = load_pipeline("en")
    pieces = limits.chunks(TEXT, size=300)
    assert len(pieces) > 3
    with nlp.select_pipes(enable=["ner"] + (["tok2vec"] if "tok2vec" in nlp.pipe_names else [])):
        parts = list(nlp.pipe(pieces))
    joined = entity_doc.join_docs(parts)
    expected = Doc.from_docs(parts, ensure_whitespace=False)
    assert joined.text == TEXT == expected.text
    assert joined.to_bytes() == expected.to_bytes()
    assert [(e.start, e.end, e.label_) for e in joined.ents] == [(e.start, e.end, e.label_) for e in expected.ents]
    assert joined.ents  # the model's entities came across


def test_join_docs_hands_user_data_to_doc_from_docs():
    nlp = spacy.blank("en")
    first, second = nlp("Jan de Vries "), nlp("woont in Utrecht.")
    first.user_data[("._.", "note", 0, 3)] = "x"
    joined = entity_doc.join_docs([first, second])
    assert joined.user_data == {("._.", "note", 0, 3): "x"}
    assert joined.text == "Jan de Vries woont in Utrecht."


def test_doc_facts_agree_with_the_doc_api():
    nlp = spacy.blank("en")
    for text in (TEXT, "", " ", "no digits at all", "7"):
        doc = nlp(text)
        facts = entity_doc.DocFacts(doc)
        assert facts.words == [t.text for t in doc]
        assert facts.text == doc.text == text
        assert facts.digits.tolist() == [re.search(r"\d", t.text) is not None for t in doc]


def test_doc_facts_digits_of_a_run_split_over_tokens():
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["12", "34", "x", "5", "a6b", "7"], spaces=[False, False, True, False, True, False])
    assert entity_doc.DocFacts(doc).digits.tolist() == [True, True, False, True, True, True]


def test_doc_facts_token_attributes_agree_with_the_doc_api():
    nlp = spacy.blank("en")
    for text in (TEXT, "", " ", "THE U.S. and the Netherlands", "Ajax 2-1 Twente , 3 - 1 ; ½ ١٢ \n\n 'S"):
        doc = nlp(text)
        facts = entity_doc.DocFacts(doc)
        assert facts.lower == [t.lower_ for t in doc]
        assert facts.orth.tolist() == doc.to_array("ORTH").tolist()
        assert facts.lower_ids.tolist() == doc.to_array("LOWER").tolist()
        assert facts.idx == [t.idx for t in doc]
        for name in ("is_alpha", "is_digit", "is_lower", "is_punct", "is_space", "is_stop", "is_upper",
                     "like_num"):
            assert getattr(facts, name) == [getattr(t, name) for t in doc], name
        for start in range(0, len(doc) + 1, 1 if len(doc) < 60 else 37):
            for end in range(start, len(doc) + 1):
                assert facts.span_text(start, end) == doc[start:end].text


def test_the_word_table_is_bounded_and_kept_per_vocab(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct word's row is kept per vocab (lexical flags differ by language) and the table is emptied
    when full; the facts stay those of the Doc API either way."""
    monkeypatch.setattr(entity_doc, "_WORD_ROWS_MAX", 5)
    english, dutch = spacy.blank("en"), spacy.blank("nl")
    first = english("one two three four five six seven")
    assert entity_doc.DocFacts(first).words == [t.text for t in first]
    table = entity_doc._word_rows(english.vocab)  # full (7 >= 5): emptied for the next doc
    second = english("Eight nine 10 De de")
    facts = entity_doc.DocFacts(second)
    assert facts.words == [t.text for t in second] and facts.is_stop == [t.is_stop for t in second]
    assert facts.lower == [t.lower_ for t in second] and facts.digits.tolist() == [False, False, True, False, False]
    assert len(table) == 5
    dutch_doc = dutch("De de")  # "de" is a Dutch stop word, not an English one: its own table
    assert entity_doc.DocFacts(dutch_doc).is_stop == [t.is_stop for t in dutch_doc] != facts.is_stop[-2:]


def test_facts_are_kept_for_the_doc_asked_about_last_only():
    nlp = spacy.blank("en")
    doc, other = nlp("Ajax 2 Twente 1"), nlp("Ajax 2 Twente 1")
    assert entity_doc.facts(doc) is entity_doc.facts(doc)
    assert entity_doc.facts(other) is not entity_doc.facts(doc)
    assert entity_doc.facts(doc).doc is doc


def test_sentence_starts_on_arrays_agree_with_the_per_token_rule_on_news_text():
    from worker.tagging.casing import sentence_start, sentence_starts

    nlp = spacy.blank("en")
    text = ("\u201cWe won,\u201d he said.  (Reuters) - \u2014 \u2018Next\u2019 ... Leeds 2 Everton 1\n"
            "Total: 3; -- \" ' \n  \n \u00ab Oui \u00bb! ?Yes\t\tno\n\n") * 5
    for doc in (nlp(text), nlp("- \" (  "), nlp(". ."), nlp("\n")):
        assert sentence_starts(doc) == [sentence_start(doc, i) for i in range(len(doc))]
    given = Doc(nlp.vocab, words=["\u201c", "A", ".", "b", "C"], sent_starts=[True, False, None, False, True])
    assert sentence_starts(given) == [sentence_start(given, i) for i in range(len(given))]


def test_sentence_starts_are_computed_once_for_the_doc_asked_about_last(monkeypatch):
    from worker.tagging import casing

    nlp = spacy.blank("en")
    first, second = nlp("One. Two three."), nlp("Four five. Six.")
    calls = []
    compute = casing._SENTENCE_STARTS.make
    monkeypatch.setattr(casing._SENTENCE_STARTS, "make", lambda doc: calls.append(doc) or compute(doc))
    starts = casing.sentence_starts(first)
    assert casing.sentence_starts(first) is starts and calls == [first]  # the same doc again: not recomputed
    assert casing.sentence_starts(second) == [True, False, False, True, False] and calls == [first, second]
    assert casing.sentence_starts(first) == starts and calls == [first, second, first]  # another doc came between


def test_sentence_start_evidence_is_shared_for_the_doc_asked_about_last_only():
    from worker.tagging.casing import evidence_of

    nlp = spacy.blank("en")
    doc, other = nlp("Leeds beat Chelsea 2-1."), nlp("Leeds beat Chelsea 2-1.")
    assert evidence_of(doc) is evidence_of(doc)
    assert evidence_of(other).doc is other
    assert evidence_of(doc).doc is doc
    assert evidence_of(doc).starts == [i == 0 for i in range(len(doc))]


def test_set_entities_sets_what_the_ents_setter_sets():
    from spacy.tokens import Span

    nlp = load_pipeline("en")
    text = "Rishi Sunak met Joe Biden in Washington on Monday with NATO and the EU."
    first, second = nlp(text), nlp(text)
    assert first.to_bytes() == second.to_bytes() and first.ents
    for doc in (first, second):  # a relabelled span, one with a knowledge-base id and a span id, a new one
        ents = list(doc.ents)
        assert ents[0].start == 0 and ents[1].start >= 3
        spans = [Span(doc, 0, 1, label="ORG"),
                 Span(doc, ents[1].start, ents[1].end, label="PERSON", kb_id="Q6279", span_id="x"),
                 Span(doc, 2, 3, label="GPE"), *ents[3:]]
        spans.sort(key=lambda e: e.start)
        if doc is first:
            doc.ents = spans
        else:
            entity_doc.set_entities(doc, spans)
    assert first.to_bytes() == second.to_bytes()
    assert [(e.start, e.end, e.label_, e.kb_id_, e.id_) for e in first.ents] \
        == [(e.start, e.end, e.label_, e.kb_id_, e.id_) for e in second.ents]
    assert any(e.kb_id_ == "Q6279" for e in second.ents)


def test_entity_spans_are_the_docs_entities():
    nlp = load_pipeline("en")
    docs = [nlp(TEXT), nlp(""), nlp("no names here"), spacy.blank("en")("Jan de Vries woont in Utrecht .")]
    blank = docs[-1]
    blank.set_ents([Span(blank, 0, 3, label="PER", span_id="Q1"), Span(blank, 5, 6, label="LOC", kb_id="Q803")])
    parsed = Doc(blank.vocab, words=["Ajax", "won", "in", "Leeds"], heads=[1, 1, 1, 2],
                 deps=["nsubj", "ROOT", "prep", "pobj"])
    parsed.set_ents([Span(parsed, 0, 1, label="ORG", span_id="x"), Span(parsed, 2, 4, label="LOC", span_id="y")])
    for doc in [*docs, parsed]:
        assert entity_doc.entity_spans(doc) == [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]
    assert entity_doc.entity_spans(blank) == [(0, 3, "PER", "Q1"), (5, 6, "LOC", "")]
    bad = spacy.blank("en")("Ajax won")
    bad.from_array(["ENT_IOB", "ENT_TYPE"], numpy.array([[2, 0], [1, bad.vocab.strings.add("ORG")]], dtype="uint64"))
    with pytest.raises(ValueError):  # an I token outside an entity: Doc.ents raises, so does this
        entity_doc.entity_spans(bad)


def test_isin_is_numpys_for_sorted_ids():
    rng = numpy.random.default_rng(7)
    for size in (0, 1, 5, 300):
        ids = numpy.unique(rng.integers(0, 2**63, size=size, dtype="uint64") * 2)  # sorted, like string_ids
        values = numpy.concatenate([ids[: size // 2], rng.integers(0, 2**64 - 1, size=200, dtype="uint64"),
                                    numpy.array([0, 2**64 - 1], dtype="uint64")])
        assert entity_doc.isin(values, ids).tolist() == numpy.isin(values, ids).tolist()
    assert entity_doc.isin(numpy.zeros(0, dtype="uint64"), ids).tolist() == []


def test_word_presence_is_the_docs_tokens_as_written_and_lower_cased():
    doc = spacy.blank("en")("The Minister met PSV fans in London.")
    assert entity_doc.has_word(doc, frozenset({"Minister", "nowhere"}))
    assert not entity_doc.has_word(doc, frozenset({"minister", "psv"}))  # as written only
    assert entity_doc.has_lower(doc, frozenset({"minister"})) and entity_doc.has_lower(doc, frozenset({"psv"}))
    assert not entity_doc.has_lower(doc, frozenset({"Minister", "paris"}))
    assert not entity_doc.has_word(doc, frozenset()) and not entity_doc.has_lower(spacy.blank("en")(""),
                                                                                    frozenset({"x"}))
    assert entity_doc.facts(doc).word_set == frozenset(t.text for t in doc)
    assert entity_doc.facts(doc).lower_set == frozenset(t.lower_ for t in doc)
