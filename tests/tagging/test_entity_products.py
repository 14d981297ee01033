"""A car make and its model are a product (entity_products.py), on hand-made documents."""

from __future__ import annotations

from tests.tagging.line_docs import named_doc
from worker.tagging.entity_products import car_models


def _run(line: str, names: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    doc = named_doc([line], names)
    decided: dict[tuple[int, int], str] = {}
    return [(e.text, e.label_) for e in car_models(doc, list(doc.ents), decided)], decided


def test_a_make_and_its_model_are_misc_and_the_type_is_decided() -> None:
    found, decided = _run("Moore ( Dick Johnson Racing , Ford Mustang ) and the Tesla Model Y",
                          [("Moore", "PERSON"), ("Dick Johnson Racing", "ORG"), ("Ford Mustang", "PERSON"),
                           ("Tesla Model Y", "ORG")])
    assert ("Ford Mustang", "MISC") in found and ("Tesla Model Y", "MISC") in found
    assert ("Moore", "PERSON") in found and ("Dick Johnson Racing", "ORG") in found
    assert sorted(decided.values()) == ["MISC", "MISC"]


def test_a_make_with_a_company_word_or_a_place_stays_what_it_is() -> None:
    names = [("Toyota Motor", "ORG"), ("Ford Australia", "ORG"), ("Henry Ford", "PERSON"), ("Toyota", "ORG")]
    found, decided = _run("Toyota Motor and Ford Australia , said Henry Ford of Toyota", names)
    assert found == names and not decided


def test_venues_companies_of_two_makes_and_two_word_makes_stay_what_they_are() -> None:
    # the session-46 review: "Kia Oval" LOC, "Ford Field", "Jaguar Land Rover", "Mitsubishi UFJ", "Fiat Chrysler" ORG
    # and the make "Alfa Romeo" all became MISC
    names = [("Kia Oval", "LOC"), ("Ford Field", "ORG"), ("Jaguar Land Rover", "ORG"), ("Mitsubishi UFJ", "ORG"),
             ("Fiat Chrysler", "ORG"), ("Alfa Romeo", "PERSON"), ("Martin Luther", "PERSON")]
    found, decided = _run("Kia Oval , Ford Field , Jaguar Land Rover , Mitsubishi UFJ , Fiat Chrysler , Alfa Romeo ,"
                          " Martin Luther", names)
    assert found == names and not decided
    found, _ = _run("the Land Rover Defender and the Alfa Romeo Giulia", [("Land Rover Defender", "ORG"),
                                                                         ("Alfa Romeo Giulia", "PERSON")])
    assert found == [("Land Rover Defender", "MISC"), ("Alfa Romeo Giulia", "MISC")]
