"""English: a company told by its trade's words ("Heathrow chief executive", "co-founded DeepMind"); buildings of
worship, castles and bridges are places by their head."""

from __future__ import annotations

from tests.tagging.line_docs import line_doc
from worker.tagging.entity_heads import head_type
from worker.tagging.entity_trade_words import trade_word_companies


def test_names_before_or_after_a_trades_words_are_organisations() -> None:
    doc = line_doc(["Heathrow chief executive Thomas Woldbye spoke .", "Hassabis co-founded DeepMind in 2010 .",
                    "They bought a stake in Northvolt and Shares of Nvidia fell ."],
                   [(0, 1, "PERSON"), (3, 5, "PERSON"), (7, 8, "PERSON"), (9, 10, "PERSON"), (11, 12, "DATE"),
                    (18, 19, "GPE"), (22, 23, "PERSON")])
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in trade_word_companies(doc, list(doc.ents), decided)]
    assert found == [("Heathrow", "ORG"), ("Thomas Woldbye", "PERSON"), ("Hassabis", "PERSON"), ("DeepMind", "ORG"),
                     ("2010", "DATE"), ("Northvolt", "ORG"), ("Nvidia", "ORG")]
    assert decided == {(0, 1): "ORG", (9, 10): "ORG", (18, 19): "ORG", (22, 23): "ORG"}


def test_people_named_in_full_and_other_words_stay() -> None:
    doc = line_doc(["Steve Jobs co-founder Steve Wozniak said London shares fell ."],
                   [(0, 2, "PERSON"), (3, 5, "PERSON"), (6, 7, "GPE")])
    found = [(e.text, e.label_) for e in trade_word_companies(doc, list(doc.ents), {})]
    assert found == [("Steve Jobs", "PERSON"), ("Steve Wozniak", "PERSON"), ("London", "GPE")]


def test_buildings_of_worship_castles_and_bridges_are_places() -> None:
    for name in (("Sistine", "Chapel"), ("Umayyad", "Mosque"), ("Caesars", "Superdome"), ("Windsor", "Castle"),
                 ("London", "Bridge"), ("St", "Peter's", "Basilica")):
        assert head_type(name, "en") == "LOC", name
    assert head_type(("Iron", "Dome"), "en") is None


def test_a_person_written_in_camel_case_is_an_organisation_but_not_a_surname_or_a_handle() -> None:
    doc = line_doc(["Google DeepMind and OpenAI hired LeBron James , Rory McIlroy and Kang “ TheShy ” Seung-lok ;",
                    "TheShy won ."],
                   [(0, 2, "PERSON"), (3, 4, "PERSON"), (5, 7, "PERSON"), (8, 10, "PERSON"), (11, 16, "PERSON"),
                    (17, 18, "PERSON")])
    found = [(e.text, e.label_) for e in trade_word_companies(doc, list(doc.ents), {})]
    assert found == [("Google DeepMind", "ORG"), ("OpenAI", "ORG"), ("LeBron James", "PERSON"),
                     ("Rory McIlroy", "PERSON"), ("Kang “ TheShy ” Seung-lok", "PERSON"), ("TheShy", "PERSON")]


def test_a_trades_word_alone_without_camel_case_is_enough_for_the_rule_to_act() -> None:
    # trade_word_companies returns early in a doc with neither a trade's word nor a word in camel case
    for line, ents, label in ((["Heathrow chief executive Thomas Woldbye spoke ."], [(0, 1, "PERSON")], "ORG"),
                              (["They bought a stake in Northvolt ."], [(5, 6, "GPE")], "ORG"),
                              (["They visited Northvolt ."], [(2, 3, "GPE")], "GPE")):
        doc = line_doc(line, ents)
        assert [e.label_ for e in trade_word_companies(doc, list(doc.ents), {})] == [label], line
