"""Running text is tokenized as CoNLL tokenized the models' training news: hyphenated names stay whole, names
paired by a hyphen are split, the Dutch "'s-" places are one token (session 35)."""

from __future__ import annotations

import pytest

from tests.tagging.line_docs import stage_entities
from worker.tagging import entities
from worker.tagging.name_tokens import hyphenated_name


@pytest.mark.parametrize("word", ["Rees-Mogg", "Mazar-e-Sharif", "Stratford-upon-Avon", "Port-au-Prince",
                                  "Anglo-Dutch", "NINE-MONTH", "O'Neill-Smith", "Jaish-e-Mohammed"])
def test_hyphenated_names(word: str) -> None:
    assert hyphenated_name(word)


@pytest.mark.parametrize("word", ["Paris-based", "Labour-led", "F-16", "U.S.-led", "pro-Russian", "Anti-Taliban",
                                  "Rees-Mogg's", "long-term", "Covid-19", "Ex-Minister"])
def test_words_that_are_no_hyphenated_name(word: str) -> None:
    assert not hyphenated_name(word)


def _tokens(language: str, text: str) -> list[str]:
    return [t.text for t in entities.load_pipeline(language).make_doc(text)]


def test_english_running_text_keeps_hyphenated_names_whole() -> None:
    tokens = _tokens("en", "Jacob Rees-Mogg met (Rees-Mogg's aide) in a Paris-based Anti-Taliban office.")
    assert tokens[:2] == ["Jacob", "Rees-Mogg"]
    assert tokens[4:6] == ["Rees-Mogg", "'s"]  # the possessive still goes
    assert "Paris" in tokens and "based" in tokens and "Taliban" in tokens


def test_a_hyphenated_name_is_one_entity() -> None:
    found = stage_entities("en", "Yves-François Blanchet spoke in Saint-Etienne about Jean-Pierre Dardenne.")
    assert ("Yves-François Blanchet", "PER") in found
    assert all("-" not in text or text in ("Yves-François Blanchet", "Saint-Etienne", "Jean-Pierre Dardenne")
               for text, _ in found)


def test_names_paired_by_a_hyphen_are_split_again() -> None:
    text = "The Alito-Prelogar exchange was tense. Alito asked, and Prelogar answered."
    assert _tokens("en", text)[1:4] == ["Alito", "-", "Prelogar"]
    assert stage_entities("en", text)[:2] == [("Alito", "PER"), ("Prelogar", "PER")]
    # parts the gazetteer knows are names on their own; a whole it knows stays whole
    tokens = _tokens("en", "Israeli-Palestinian talks and the Russia-Ukraine war reached Guinea-Bissau.")
    assert tokens[:3] == ["Israeli", "-", "Palestinian"]
    assert "Guinea-Bissau" in tokens and "Ukraine" in tokens
    # a surname whose parts the document never writes alone stays one token
    assert "Alexander-Arnold" in _tokens("en", "Trent Alexander-Arnold scored.")


def test_a_doc_built_from_conll_tokens_is_not_split() -> None:
    from spacy.tokens import Doc

    nlp = entities.load_pipeline("en")
    doc = nlp(Doc(nlp.vocab, words=["The", "Alito-Prelogar", "exchange", ".", "Alito", "asked", "."]))
    assert len(doc) == 7


def test_dutch_places_written_with_an_apostrophe_s_are_one_token() -> None:
    tokens = _tokens("nl", "Treinen tussen Utrecht en 's-Hertogenbosch, en naar ('s-Gravenhage).")
    assert "'s-Hertogenbosch" in tokens and "'s-Gravenhage" in tokens
    assert ("'s-Hertogenbosch", "LOC") in stage_entities("nl", "Er rijden geen treinen naar 's-Hertogenbosch.")


def test_no_entity_span_ends_on_a_newline() -> None:
    found = stage_entities("en", "CARDINALS ELECT POPE, WHO TAKES THE NAME LEO XIV\n"
                            "VATICAN CITY, May 8 (Reuters) - The new pope spoke.")
    assert found and all(not text.endswith("\n") and not text.startswith("\n") for text, _ in found)


def test_the_gazetteer_keeps_dutch_towns_written_with_apostrophe_s() -> None:
    from worker.tagging import gazetteer

    for name in ("'s-Hertogenbosch", "Den Bosch", "'s-Gravenhage"):
        entry = gazetteer.lookup("nl", name)
        assert entry is not None and entry.type == "LOC", name
    assert gazetteer._usable("'s-Hertogenbosch") and not gazetteer._usable("'s avonds")


def test_a_sentences_full_stop_is_split_off_a_name_in_capitals() -> None:
    assert _tokens("en", "Modi posted on X.")[-2:] == ["X", "."]
    assert _tokens("en", "He wrote on X.\nThen he left.")[3:5] == ["X", "."]
    # initials, abbreviations with inner stops and words in lower case keep theirs
    tokens = _tokens("en", "George W. Bush flew to the U.S. on Monday.")
    assert "W." in tokens and "U.S." in tokens
    assert _tokens("nl", "De coalitie bestaat uit Vooruit en CD&V.")[-2:] == ["CD&V", "."]
    assert _tokens("nl", "Ook te zien via VRT MAX. Daarna niet.")[5:7] == ["MAX", "."]
    found = stage_entities("en", "Modi posted on X.")
    assert ("X", "ORG") in found or ("X", "MISC") in found


def test_x_before_the_next_sentence_loses_its_stop_but_initials_keep_theirs() -> None:
    tokens = _tokens("en", "Modi posted on X. Kejriwal left with George W. Bush after goals by A. Shearer.")
    assert tokens[3:6] == ["X", ".", "Kejriwal"]
    assert "W." in tokens and "A." in tokens
