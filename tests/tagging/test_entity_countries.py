"""Results lists of the sports pages: a bracketed country code after a name is a place, the name a person."""

from __future__ import annotations

from tests.tagging.line_docs import named_doc
from worker.tagging.entity_countries import _codes_of, country_code_rows, country_codes


def _rows(lines: list[str], names: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    doc = named_doc(lines, names, language="nl")
    decided: dict[tuple[int, int], str] = {}
    return [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), decided)], decided


def test_codes_come_from_the_countries_names_and_iso_codes() -> None:
    assert _codes_of("Duitsland") == {"Dui", "DUI"}
    assert {"ZA", "ZAf"} <= _codes_of("Zuid-Afrika")
    assert {"VS", "VSt"} <= _codes_of("Verenigde Staten")
    codes = country_codes()
    assert {"Dui", "Ita", "Spa", "Joe", "WRu", "Svk", "SVK", "GER", "Eng"} <= codes
    # a party's letters in brackets after a politician are no country ("De Gucht ( VLD )", "( SP )")
    assert not {"VLD", "SP", "CVP", "VU", "PS", "PRL"} & codes


def test_a_results_list_types_the_riders_and_their_countries() -> None:
    found, decided = _rows(["1 . Zabel ( Dui ) 3u15:58", "2 . Di Biase ( Ita ) z.t.", "3 . Plaza ( Spa / Festina )"],
                           [("Zabel", "LOC"), ("Dui", "ORG"), ("Di Biase ( Ita", "ORG"), ("Festina", "ORG")])
    assert found == [("Zabel", "PER"), ("Dui", "LOC"), ("Di Biase", "PER"), ("Ita", "LOC"), ("Plaza", "PER"),
                     ("Spa", "LOC"), ("Festina", "ORG")]
    assert decided[(2, 3)] == "PER"


def test_one_bracketed_code_is_no_list_and_a_known_town_stays_a_place() -> None:
    found, _ = _rows(["De rit eindigt in Roubaix ( Fra ) ."], [("Roubaix", "LOC"), ("Fra", "ORG")])
    assert found == [("Roubaix", "LOC"), ("Fra", "ORG")]  # one row: no results list
    found, _ = _rows(["Roubaix ( Fra ) en Zabel ( Dui ) ."], [("Roubaix", "LOC"), ("Zabel", "LOC")])
    assert found == [("Roubaix", "LOC"), ("Fra", "LOC"), ("Zabel", "PER"), ("Dui", "LOC")]


def test_english_results_read_the_countrys_name_in_the_bracket() -> None:
    doc = named_doc(["Ivanisevic ( Croatia ) beat Rafter ( Australia ) 6-3 6-4",
                     "Stich ( Germany ) beat Ferreira ( South Africa ) 6-4 3-6 6-1"],
                    [("Ivanisevic", "GPE"), ("Croatia", "GPE"), ("Rafter ( Australia", "ORG"),
                     ("Stich ( Germany", "GPE"), ("Ferreira", "ORG")])
    found = [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), {})]
    assert found == [("Ivanisevic", "PER"), ("Croatia", "LOC"), ("Rafter", "PER"), ("Australia", "LOC"),
                     ("Stich", "PER"), ("Germany", "LOC"), ("Ferreira", "PER"), ("South Africa", "LOC")]
    # Dutch lists print codes: a bracketed name is left to the other rules there
    doc = named_doc(["Zabel ( Duitsland ) en Belli ( Italië ) ."], [("Zabel", "LOC"), ("Belli", "LOC")], language="nl")
    assert [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), {})] == [("Zabel", "LOC"),
                                                                                          ("Belli", "LOC")]


def test_a_rows_name_does_not_reach_back_over_a_line() -> None:
    doc = named_doc(["Quarterfinals", "Ivanisevic ( Croatia ) beat Rafter ( Australia ) 6-3 6-4"],
                    [("Quarterfinals Ivanisevic", "PERSON")])
    found = [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), {})]
    assert found[:2] == [("Ivanisevic", "PER"), ("Croatia", "LOC")]


def test_english_title_case_brackets_are_parties_not_countries() -> None:
    doc = named_doc(["John Smith ( Con ) 23,456", "Mary Jones ( Lab ) 20,112", "Ann Brown ( Ind ) 1,204"],
                    [("John Smith", "PERSON"), ("Mary Jones", "PERSON"), ("Ann Brown", "PERSON")])
    found = [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), {})]
    assert found == [("John Smith", "PERSON"), ("Mary Jones", "PERSON"), ("Ann Brown", "PERSON")]


def test_a_club_in_a_cup_results_row_stays_a_club() -> None:
    doc = named_doc(["Schalke ( Germany ) v Valencia ( Spain )", "Ajax ( Netherlands ) beat Juventus ( Italy )"],
                    [("Schalke", "PERSON"), ("Valencia", "ORG"), ("Ajax", "ORG"), ("Juventus", "ORG")])
    found = [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), {})]
    assert [f for f in found if f[1] != "LOC"] == [("Schalke", "PERSON"), ("Valencia", "ORG"), ("Ajax", "ORG"),
                                                    ("Juventus", "ORG")]


def test_english_rows_outside_sports_copy_are_left_alone() -> None:
    doc = named_doc(["The group includes Royal Dutch Shell ( Netherlands ) , Eni ( Italy ) and Repsol ( Spain ) ."],
                    [("Royal Dutch Shell", "ORG"), ("Eni", "ORG"), ("Repsol", "ORG")])
    found = country_code_rows(doc, list(doc.ents), {}, sports=lambda: False)
    assert [(e.text, e.label_) for e in found] == [("Royal Dutch Shell", "ORG"), ("Eni", "ORG"), ("Repsol", "ORG")]


def test_two_rows_joined_by_a_score_are_clubs() -> None:
    doc = named_doc(["Vorskla ( Ukraine ) 2 Brondby ( Denmark ) 1", "Kosice ( Slovakia ) 1 Aarau ( Switzerland ) 1",
                     "Olazabal ( Spain ) 70 Els ( South Africa ) 71"],
                    [("Vorskla", "GPE"), ("Brondby", "GPE"), ("Kosice", "PERSON"), ("Olazabal", "ORG"), ("Els", "ORG")])
    found = [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), {}) if e.label_ != "LOC"]
    # a golf round's two digits join no clubs: those rows stay persons
    assert found == [("Vorskla", "ORG"), ("Brondby", "ORG"), ("Kosice", "ORG"), ("Aarau", "ORG"),
                     ("Olazabal", "PER"), ("Els", "PER")]


def test_a_players_bracketed_team_is_a_club_and_a_country_stays_a_place() -> None:
    lines = ["Leading scorers in the National Basketball Association :", "Michael Jordan ( Chicago ) 18 532 29.6",
             "Shaquille O'Neal ( LA Lakers ) 19 490 25.8", "Hakeem Olajuwon ( Nigeria ) 17 400 23.5"]
    doc = named_doc(lines, [("Michael Jordan", "PERSON"), ("Chicago", "GPE"), ("LA Lakers", "ORG"),
                            ("Nigeria", "GPE")], language="en")

    def run(teams: bool) -> list[tuple[str, str]]:
        decided: dict[tuple[int, int], str] = {}
        return [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), decided, lambda: True, teams)]

    assert run(True) == [("Michael Jordan", "PER"), ("Chicago", "ORG"), ("Shaquille O'Neal", "PER"),
                         ("LA Lakers", "ORG"), ("Hakeem Olajuwon", "PER"), ("Nigeria", "LOC")]
    assert ("Chicago", "GPE") in run(False)  # without the part only the country's row is read (and one is no list)
    # a surname alone before the bracket is no row of this kind; nor a result mark ("( OT )")
    doc = named_doc(["Jordan ( Chicago ) 18", "Pippen ( Chicago ) 12", "Hartford 3 Boston 2 ( OT )"],
                    [("Chicago", "GPE"), ("Chicago", "GPE")], language="en")
    decided: dict[tuple[int, int], str] = {}
    assert [e.label_ for e in country_code_rows(doc, list(doc.ents), decided, lambda: True, True)] == ["GPE", "GPE"]


def test_a_jockey_is_no_team_and_one_club_among_countries_is_no_team_list() -> None:
    lines = ["1. Mark Of Esteem ( Frankie Dettori ) 10-3", "2. Bosra Sham ( Pat Eddery ) 10-11",
             "3. Ashkalani ( Gerald Mosse ) 5-1"]
    doc = named_doc(lines, [("Frankie Dettori", "PERSON"), ("Pat Eddery", "PERSON")], language="en")
    decided: dict[tuple[int, int], str] = {}
    assert [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), decided, lambda: True, True)] == [
        ("Frankie Dettori", "PERSON"), ("Pat Eddery", "PERSON")]
    lines = ["1. Frankie Fredericks ( Namibia ) 19.98", "2. Michael Johnson ( U.S. ) 20.01",
             "3. Ato Boldon ( Trinidad ) 20.21"]
    doc = named_doc(lines, [("Trinidad", "GPE")], language="en")
    found = [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), decided, lambda: True, True)]
    assert ("Trinidad", "GPE") in found and ("Namibia", "LOC") in found


def test_a_dutch_results_lists_home_riders_without_a_code_are_persons() -> None:
    lines = ["1 . Steels 4u49:13 -- 2 . Zabel ( Dui ) -- 3 . Vainsteins ( Let ) -- 4 . Wauters op 22\" --",
             "5 . Verbrugghe z.t. -- 6 . Vandenbroucke op 1:02 ."]
    doc = named_doc(lines, [("Steels", "LOC"), ("Wauters", "ORG"), ("Vandenbroucke", "LOC")], language="nl")

    def run(home: bool) -> list[tuple[str, str]]:
        decided: dict[tuple[int, int], str] = {}
        return [(e.text, e.label_) for e in country_code_rows(doc, list(doc.ents), decided, home_riders=home)]

    found = run(True)
    assert {("Steels", "PER"), ("Wauters", "PER"), ("Verbrugghe", "PER"), ("Vandenbroucke", "PER"),
            ("Zabel", "PER"), ("Dui", "LOC")} <= set(found)
    assert ("Steels", "LOC") in run(False)
