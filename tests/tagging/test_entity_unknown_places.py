"""Dutch: a one-word place that no list knows and nothing in the text places is dropped (entity_unknown_places)."""

from __future__ import annotations

from pytest import MonkeyPatch

from tests.tagging.line_docs import line_doc, named_doc, stage_entities
from worker.tagging import casing, gazetteer
from worker.tagging.entity_unknown_places import _transliterations, drop_unknown_places


def _kept(lines: list[str], names: list[tuple[str, str]], decided: dict[tuple[int, int], str] | None = None,
          language: str = "nl") -> list[str]:
    doc = named_doc(lines, names, language=language)
    return [e.text for e in drop_unknown_places(doc, list(doc.ents), decided or {})]


def test_a_place_no_list_knows_goes_but_the_lists_places_and_streets_stay() -> None:
    # a name the name list knows (as a person: the types' reading makes one of it), towns of the Netherlands and of
    # Poland by GeoNames, streets and squares stay; names no list knows do not
    kept = _kept(["Funckarma speelde met Cyclops en Younes .", "Groenlo en Proszowice liggen ver uit elkaar .",
                  "Het verkeer op de Vredenseweg en de Groenplaats stond stil ."],
                 [("Funckarma", "LOC"), ("Cyclops", "LOC"), ("Younes", "LOC"), ("Groenlo", "LOC"),
                  ("Proszowice", "LOC"), ("Vredenseweg", "LOC"), ("Groenplaats", "LOC")])
    assert kept == ["Younes", "Groenlo", "Proszowice", "Vredenseweg", "Groenplaats"]
    # an ending needs a stem of three letters, and "berg" ends surnames as often as hills
    assert _kept(["Weg en Zuckerberg spraken ."], [("Weg", "LOC"), ("Zuckerberg", "LOC")]) == []


def test_a_type_the_text_decided_and_other_spans_stand_and_english_is_left_alone() -> None:
    assert _kept(["Funckarma speelde ."], [("Funckarma", "LOC")], {(0, 1): "LOC"}) == ["Funckarma"]
    kept = _kept(["Cyclops Belhanda woont in Rotterdam-Zuid en niet in Zuid-Azzurri ."],
                 [("Cyclops Belhanda", "PER"), ("Rotterdam-Zuid", "LOC"), ("Zuid-Azzurri", "LOC")])
    assert kept == ["Cyclops Belhanda", "Rotterdam-Zuid", "Zuid-Azzurri"]
    assert _kept(["Zuid-Cyclops speelde tegen Rotterdam-Zuid ."],
                 [("Zuid-Cyclops", "LOC"), ("Rotterdam-Zuid", "LOC")]) == ["Rotterdam-Zuid"]
    assert _kept(["Funckarma played against Cyclops ."], [("Funckarma", "LOC"), ("Cyclops", "LOC")],
                 language="en") == ["Funckarma", "Cyclops"]


def test_the_text_places_a_word_the_lists_lack() -> None:
    # a place word before it (an article between), "op" and "over" only before an article ("op Werchter": a festival)
    assert _kept(["De schaatsers reden in het Thialf .", "Ze kwamen op de Kralingo en op Funckarma ."],
                 [("Thialf", "LOC"), ("Kralingo", "LOC"), ("Funckarma", "LOC")]) == ["Thialf", "Kralingo"]
    # "<place noun> van X"; an appositive naming a kind of place
    assert _kept(["Ten noorden van Koepjansk .", "De bewoners van Overvechtje klagen .",
                  "Vermeerdorp , een gehucht in Drenthe , kreeg water ."],
                 [("Koepjansk", "LOC"), ("Overvechtje", "LOC"), ("Vermeerdorp", "LOC"), ("Drenthe", "LOC")]) \
        == ["Koepjansk", "Overvechtje", "Vermeerdorp", "Drenthe"]
    # a kind of place right before it; two compass words ("Nieuw-West", a district)
    assert _kept(["De vulkaan Semeroe barstte uit in Oost-Cyclops en Nieuw-West ."],
                 [("Semeroe", "LOC"), ("Oost-Cyclops", "LOC"), ("Nieuw-West", "LOC")]) == ["Semeroe", "Oost-Cyclops",
                                                                                         "Nieuw-West"]
    assert _kept(["Klimmers kwamen om op de Kilimanjaro en de Evverest ."], [("Kilimanjaro", "LOC"),
                                                                                ("Evverest", "LOC")]) \
        == ["Kilimanjaro", "Evverest"]
    # a list with a known place, even one the model called a person; another mention placed so
    kept = _kept(["Sulawesi en Papoea kregen regen .", "Azzurri en Funckarma .", "Kralingo kreeg wijkagenten .",
                  "In Kralingo is het rustig ."],
                 [("Sulawesi", "PER"), ("Papoea", "LOC"), ("Azzurri", "ORG"), ("Funckarma", "LOC"), ("Kralingo", "LOC"),
                  ("Kralingo", "LOC")])
    assert kept == ["Sulawesi", "Papoea", "Azzurri", "Kralingo", "Kralingo"]


def test_every_list_of_places_counts_and_a_swapped_name_list_is_read_afresh(monkeypatch: MonkeyPatch) -> None:
    # GeoNames' towns of 15,000 people or more alone know "Roubaix"; the gazetteers, "Avdiivka"
    assert _kept(["Roubaix en Avdiivka ."], [("Roubaix", "LOC"), ("Avdiivka", "LOC")]) == ["Roubaix", "Avdiivka"]
    assert _kept(["Funckarma speelt vanavond ."], [("Funckarma", "LOC")]) == []
    # a CV fold swaps the name list (scripts/ner_cv.py): what was unknown under one list is read again under another
    monkeypatch.setattr(casing, "name_types", lambda language: {"Funckarma": "PER"})
    assert _kept(["Funckarma speelt vanavond ."], [("Funckarma", "LOC")]) == ["Funckarma"]


def test_a_dutch_transliteration_is_read_in_its_english_form() -> None:
    assert {"Kurakhove", "Sudzha", "Kupiansk", "Marrakesh"} <= _transliterations("Koerachove") \
        | _transliterations("Soedzja") | _transliterations("Koepjansk") | _transliterations("Marrakech")
    assert _kept(["Koerachove en Soedzja vielen ."], [("Koerachove", "LOC"), ("Soedzja", "LOC")]) == ["Koerachove",
                                                                                                    "Soedzja"]
    # also as the named part of a compass compound
    assert _kept(["Koerachove-Zuid viel ."], [("Koerachove-Zuid", "LOC")]) == ["Koerachove-Zuid"]


def test_the_places_of_five_hundred_people_are_listed_by_geonames() -> None:
    towns = gazetteer.towns_500()
    assert {"Meddo", "Groenlo", "Koningshooikt", "Proszowice"} <= towns  # villages of the Netherlands, Belgium, Poland
    assert "Younes" not in towns and "Smooth" not in towns  # a name; a word common in English
    assert not any(name.isupper() for name in towns)  # GeoNames has places named "UTC" and "KPD"


def test_the_dutch_stage_drops_a_place_no_list_knows_but_keeps_a_name_the_name_list_types() -> None:
    # the model reads "Abwehr" and "Cyclops" as places; the name list knows "Havok" as a person, which the types'
    # reading makes of it after the rules, so it is no unknown place
    assert stage_entities("nl", "Deloncles betrokkenheid met de Abwehr maakte hem een verdachte.") == []
    assert stage_entities("nl", "Hij is de jongere broer van Cyclops en de oudere broer van Havok.") == [("Havok",
                                                                                                       "PER")]
    assert stage_entities("nl", "Hij studeerde aan het Xaveriuscollege in Borgerhout.") == [("Borgerhout", "LOC")]


def test_what_the_sentence_says_of_a_word_can_make_it_a_place() -> None:
    kept = _kept(["Kralingo ligt aan de rivier .", "Osdorpo en Slotervaarto liggen ver weg .",
                  "Woenselo is de grootste wijk van Eindhoven .", "Presikhaafo en Malburgo zijn aandachtswijken ."],
                 [("Kralingo", "LOC"), ("Osdorpo", "LOC"), ("Slotervaarto", "LOC"), ("Woenselo", "LOC"),
                  ("Eindhoven", "LOC"), ("Presikhaafo", "LOC"), ("Malburgo", "LOC")])
    assert kept == ["Kralingo", "Osdorpo", "Slotervaarto", "Woenselo", "Eindhoven", "Presikhaafo", "Malburgo"]
    # a predicate read up to its first preposition: "de beste speler van de stad" says nothing of the name
    assert _kept(["Funckarma is de beste speler van de stad ."], [("Funckarma", "LOC")]) == []


def test_an_appositive_places_a_word_only_by_a_kind_of_place() -> None:
    doc = line_doc(["Cyclops , een vriend van Zuckerberg , kwam ."], [(0, 1, "LOC")], language="nl")
    assert [e.text for e in drop_unknown_places(doc, list(doc.ents), {})] == []
    doc = line_doc(["Cyclops , een dorpje in de bergen , kwam ."], [(0, 1, "LOC")], language="nl")
    assert [e.text for e in drop_unknown_places(doc, list(doc.ents), {})] == ["Cyclops"]
