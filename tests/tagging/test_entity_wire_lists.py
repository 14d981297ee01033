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


def test_a_line_of_one_word_before_an_election_table_is_no_row() -> None:
    # (its last three words run past the doc's start: no bracket of the next lines may count as its own)
    lines = ["ROMANIA", "Party of Social Democracy in Romania ( PDSR ) 91",
             "Democratic Convention of Romania ( CDR ) 122", "Emil Constantinescu ( CDR ) 54.4 pct"]
    doc = named_doc(lines, [("Party of Social Democracy", "ORG"), ("PDSR", "GPE"), ("Emil Constantinescu", "PERSON")])
    ents = party_rows(doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)),
                      country_codes, {})
    assert [(e.text, e.label_) for e in ents] == [
        ("Party of Social Democracy in Romania", "ORG"), ("PDSR", "ORG"), ("Democratic Convention of Romania", "ORG"),
        ("CDR", "ORG"), ("Emil Constantinescu", "PERSON"), ("CDR", "ORG")]


def test_a_charts_titles_are_one_work_and_its_companies_organisations() -> None:
    from worker.tagging.entity_wire_lists import chart_rows

    lines = ["Following are the top movies at the North American box office :",
             "1. ( 1 ) Jerry Maguire ( TriStar ) $ 17.0 million", "2. ( New ) Beavis and Butt-head Do America "
             "( Paramount ) $ 12.5 million", "3. ( 2 ) Star Trek : First Contact ( Paramount ) $ 8.4 million",
             "4. ( 3 ) 101 Dalmatians ( Disney ) $ 7.8 million"]
    doc = named_doc(lines, [("Jerry Maguire", "PERSON"), ("Beavis", "GPE"), ("Star Trek", "ORG"),
                            ("First Contact", "ORG"), ("Dalmatians", "NORP")])
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in chart_rows(
        doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)), decided)]
    assert found == [("Jerry Maguire", "MISC"), ("TriStar", "ORG"), ("Beavis and Butt-head Do America", "MISC"),
                     ("Paramount", "ORG"), ("Star Trek : First Contact", "MISC"), ("Paramount", "ORG"),
                     ("101 Dalmatians", "MISC"), ("Disney", "ORG")]


def test_a_results_list_is_no_chart() -> None:
    from worker.tagging.entity_wire_lists import chart_rows

    lines = ["Results of the men 's 200 metres at the Grand Prix final , a race the films of the meeting show :",
             "1. Frankie Fredericks ( Namibia ) 19.98", "2. Michael Johnson ( U.S. ) 20.01",
             "3. Ato Boldon ( Trinidad ) 20.21"]
    doc = named_doc(lines, [("Frankie Fredericks", "PERSON"), ("Trinidad", "GPE")])
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in chart_rows(
        doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)), decided)]
    assert found == [("Frankie Fredericks", "PERSON"), ("Trinidad", "GPE")]  # two rows are countries: one row left
