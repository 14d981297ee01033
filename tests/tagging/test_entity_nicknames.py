"""A person's name with a quoted nickname inside (entity_nicknames.py), on hand-made documents and through the stage."""

from __future__ import annotations

import spacy

from worker.tagging import entities, entity_nicknames
from worker.tagging.entity_rules import is_title

_BLANK = {"en": spacy.blank("en"), "nl": spacy.blank("nl")}


def _run(text: str, ents: list[tuple[str, str]], language: str = "en") -> tuple[list[tuple[str, str]], dict]:
    """The entities after the pass; `ents` are (text, label) of the model, each at the last place its text
    occurs (so that "Zeus" after a "Choi “Zeus” Woo-je" is the later one)."""
    doc = _BLANK[language](text)
    spans = []
    for name, label in ents:
        start = text.rindex(name)
        span = doc.char_span(start, start + len(name), label=label)
        assert span is not None, name
        spans.append(span)
    decided: dict[tuple[int, int], str] = {}
    found = entity_nicknames.nickname_persons(doc, spans, decided, lambda word: is_title(word, language))
    return [(ent.text, ent.label_) for ent in found], decided


def test_a_name_in_pieces_around_a_quoted_nickname_is_one_person() -> None:
    found, decided = _run("It was Lee “Faker” Sang-hyeok’s fourth title.",
                          [("Lee", "GPE"), ("Faker", "ORG")])
    assert found == [("Lee “Faker” Sang-hyeok", "PERSON")]
    assert list(decided.values()) == ["PER"]
    assert _run('The actor Dwayne "The Rock" Johnson spoke.', [("Johnson", "PERSON")])[0] == [
        ('Dwayne "The Rock" Johnson', "PERSON")]
    # Dutch keeps "Seong-woong" one token
    assert _run("Bae “Bengi” Seong-woong won.", [("Bae", "LOC")], "nl")[0] == [("Bae “Bengi” Seong-woong", "PER")]


def test_the_nickname_alone_elsewhere_becomes_the_person_too() -> None:
    found, _ = _run("Choi “Zeus” Woo-je played. Later Zeus said Paris was fine.",
                    [("Choi", "PERSON"), ("Zeus", "ORG"), ("Paris", "GPE")])
    assert found == [("Choi “Zeus” Woo-je", "PERSON"), ("Zeus", "PERSON"), ("Paris", "GPE")]


def test_titles_stop_words_loose_quotes_and_runs_without_a_name_stay_as_they_were() -> None:
    # a title before the nickname stays out, so no run is left on its left
    assert _run("Prime Minister “Bibi” Netanyahu spoke.", [("Netanyahu", "PERSON")])[0] == [("Netanyahu", "PERSON")]
    # a stop word before the quote
    assert _run("The “Big Four” Banks said no.", [("Big Four", "ORG")])[0] == [("Big Four", "ORG")]
    # quotes with spaces inside are a quotation, not a nickname
    assert _run("Smith “ Yes ” Jones", [("Smith", "PERSON")])[0] == [("Smith", "PERSON")]
    # a lower-case word in quotes is no nickname
    assert _run("Rock “and” Roll Hall", [("Rock", "ORG")])[0] == [("Rock", "ORG")]
    # a headline in title case quotes words between capitalised words
    assert _run("Biden “Strongly” Condemns Attack On Synagogue", [("Biden", "PERSON")])[0] == [("Biden", "PERSON")]
    assert _run('Trump Says "Fake News" Media Lied Again', [("Trump", "PERSON")])[0] == [("Trump", "PERSON")]
    # nothing the model found and no given name in the run
    assert _run("Market “Fear” Index rose; Apple fell.", [("Apple", "ORG")])[0] == [("Apple", "ORG")]


def test_the_stage_reads_the_nickname_name_as_one_person() -> None:
    nlp = entities.load_pipeline("en")
    doc = nlp("T1 won the final. Lee “Faker” Sang-hyeok lifted the trophy, and Faker thanked the fans.")
    people = [(e.text, label) for e in doc.ents if (label := entities.resolve(e, "en")[0]) == "PER"]
    assert ("Lee “Faker” Sang-hyeok", "PER") in people
    assert ("Faker", "PER") in people


def test_each_opening_quote_alone_is_enough_for_the_pass_to_act() -> None:
    # the pass returns early in a doc without an opening quote; each kind still opens a nickname on its own
    for text in ('Dwayne "Rocky" Johnson won.', "Dwayne ‘Rocky’ Johnson won.", "Dwayne „Rocky” Johnson won."):
        found, decided = _run(text, [("Dwayne", "PERSON")])
        assert found == [(text.removesuffix(" won."), "PERSON")] and list(decided.values()) == ["PER"], text
    assert _run("Dwayne Johnson won.", [("Dwayne", "PERSON")])[0] == [("Dwayne", "PERSON")]
