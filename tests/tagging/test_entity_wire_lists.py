"""Diaries and election tables of the world wire (entity_wire_lists.py), on hand-made documents."""

from __future__ import annotations

from tests.tagging.line_docs import named_doc
from worker.tagging import casing, entity_sports
from worker.tagging.entity_countries import country_codes
from worker.tagging.entity_wire_lists import drop_dates, party_rows


def test_weekdays_and_months_alone_are_no_names_but_may_and_august_stay() -> None:
    doc = named_doc(["TUESDAY - December 10", "May said so in August ."],
                    [("TUESDAY", "LOC"), ("December", "ORG"), ("May", "PERSON"), ("August", "PERSON")])
    assert [e.text for e in drop_dates(doc, list(doc.ents))] == ["May", "August"]


def test_an_election_tables_parties_and_abbreviations_are_organisations() -> None:
    lines = ["Final results ( seats ) :", "Party of Social Democracy in Romania ( PDSR ) 91",
             "Democratic Convention of Romania ( CDR ) 122", "Emil Constantinescu ( CDR ) 54.4 pct"]
    doc = named_doc(lines, [("Party of Social Democracy", "ORG"), ("Romania", "GPE"), ("PDSR", "GPE"),
                            ("Emil Constantinescu", "PERSON")])
    decided: dict[tuple[int, int], str] = {}
    ents = party_rows(doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)),
                      country_codes, decided)
    assert [(e.text, e.label_) for e in ents] == [
        ("Party of Social Democracy in Romania", "ORG"), ("PDSR", "ORG"), ("Democratic Convention of Romania", "ORG"),
        ("CDR", "ORG"), ("Emil Constantinescu", "PERSON"), ("CDR", "ORG")]
    # one row is no table; a country's code in brackets is no party
    doc = named_doc(["Jan Ullrich ( GER ) 4:31:12", "Bjarne Riis ( DEN ) 4:31:15"], [("GER", "ORG")])
    assert [(e.text, e.label_) for e in party_rows(doc, list(doc.ents), lambda: entity_sports.line_bounds(
        doc, casing.sentence_starts(doc)), country_codes, decided)] == [("GER", "ORG")]
