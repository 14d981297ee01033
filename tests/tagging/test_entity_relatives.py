"""A "person" of the model followed by "which", or after a trade noun of people and firms, is none (session 49)."""

from __future__ import annotations

from tests.tagging.line_docs import named_doc
from worker.tagging import entity_relatives


def _retyped(line: str, names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    doc = named_doc([line], names)
    decided: dict[tuple[int, int], str] = {}
    return [(e.text, e.label_) for e in entity_relatives.persons_before_which(doc, list(doc.ents), decided)]


def test_a_person_before_which_is_an_organisation_or_a_known_place() -> None:
    assert _retyped("Ashanti Agro , which listed in 2019 , grew .", [("Ashanti Agro", "PER")]) == [
        ("Ashanti Agro", "ORG")]
    assert _retyped("Vestland Salmon which farms fish grew .", [("Vestland Salmon", "PER")]) == [
        ("Vestland Salmon", "ORG")]
    assert _retyped("Alberta , which borders Montana , voted .", [("Alberta", "PER")]) == [
        ("Alberta", "LOC")]


def test_a_trade_noun_of_people_and_firms_types_a_name_with_no_given_name() -> None:
    assert _retyped("a round led by Swedish investor Creandum .", [("Creandum", "PER")]) == [("Creandum", "ORG")]
    assert _retyped("fish farmer Vestland Salmon reported a fall .", [("Vestland Salmon", "PER")]) == [
        ("Vestland Salmon", "ORG")]


def test_a_given_name_a_decided_type_or_a_capitalised_noun_keeps_the_person() -> None:
    names = [("William Kaplan", "PER")]
    assert _retyped("William Kaplan , which surprised many , resigned .", names) == names
    names = [("Peter Thiel", "PER")]
    assert _retyped("billionaire investor Peter Thiel said .", names) == names
    names = [("Creandum", "PER")]
    assert _retyped("the Investor Creandum said .", names) == names
    doc = named_doc(["Creandum , which invests , said ."], names)
    decided = {(0, 1): "PER"}
    assert [(e.text, e.label_) for e in entity_relatives.persons_before_which(doc, list(doc.ents), decided)] == names
