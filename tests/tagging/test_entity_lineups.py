"""A team's line-up in Dutch sports copy (entity_lineups.py), on hand-made documents."""

from __future__ import annotations

from tests.tagging.line_docs import named_doc
from worker.tagging import casing, entity_sports
from worker.tagging.entity_lineups import lineup_persons


def _run(lines: list[str], names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    doc = named_doc(lines, names, language="nl")
    decided: dict[tuple[int, int], str] = {}
    ents = lineup_persons(doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)),
                          decided)
    return [(e.text, e.label_) for e in ents]


def test_the_players_of_a_line_up_and_their_substitutes_are_persons() -> None:
    line = ("Frankrijk : Barthez , Thuram , Blanc , Desailly , Lizarazu , Vieira , Deschamps , Zidane , "
            "Dugarry ( 76' Anelka ) en Henry .")
    found = _run([line], [("Frankrijk", "LOC"), ("Blanc", "LOC"), ("Vieira", "LOC"), ("Anelka", "ORG")])
    assert found[0] == ("Frankrijk", "LOC")
    assert ("Blanc", "PER") in found and ("Vieira", "PER") in found and ("Anelka", "PER") in found
    assert len(found) == 12  # the team and eleven players


def test_a_short_list_or_one_broken_by_other_words_is_no_line_up() -> None:
    assert _run(["Doelpunten : 23' Henry ( 1-0 ) , 56' Totti ( 1-1 ) ."], [("Henry", "LOC")]) == [("Henry", "LOC")]
    assert _run(["Scheidsrechter : Collina ( Ita ) ."], [("Collina", "LOC")]) == [("Collina", "LOC")]
    line = "Ze bezochten : Parijs , Lyon , Nice , Marseille , Rijsel om negen uur ."
    assert _run([line], [("Lyon", "LOC")]) == [("Lyon", "LOC")]


def test_a_line_up_in_running_text_is_read_across_the_colons_sentence_break() -> None:
    from tests.tagging.line_docs import stage_entities

    text = ("Frankrijk klopt Spanje\n\nFrankrijk: Barthez, Thuram, Blanc, Desailly, Lizarazu, Vieira, Deschamps, "
            "Zidane, Djorkaeff, Dugarry (76' Anelka), Henry.\n")
    found = stage_entities("nl", text)
    assert ("Anelka", "PER") in found and ("Blanc", "PER") in found


def test_a_flemish_line_up_parts_its_lines_with_semicolons_and_writes_minutes_as_ordinals() -> None:
    line = ("Westerlo : Van Hout ; Geraerts , Van Gompel , Rogiers , Hannes ; Delen , Vanderbiest ( 60e Mertens ) , "
            "Janssens , Brogno .")
    found = _run([line], [("Westerlo", "LOC"), ("Geraerts", "LOC"), ("Rogiers", "LOC"), ("Vanderbiest", "LOC")])
    assert ("Geraerts", "PER") in found and ("Rogiers", "PER") in found and ("Vanderbiest", "PER") in found
    assert ("Mertens", "PER") in found  # the substitute, "( 60e Mertens )"
    assert ("Westerlo", "LOC") in found  # the team is left as it was


def test_a_flemish_line_up_in_running_text_is_read_across_its_semicolons() -> None:
    from tests.tagging.line_docs import stage_entities

    text = ("Brogno redt Westerlo\n\nWesterlo: Van Hout; Geraerts, Van Gompel, Rogiers, Hannes; Delen, Vanderbiest "
            "(60e Mertens), Janssens, Brogno.\n")
    found = stage_entities("nl", text)
    assert ("Geraerts", "PER") in found and ("Rogiers", "PER") in found and ("Mertens", "PER") in found


def test_a_match_reports_scorers_lose_their_ordinal_minute_and_the_referee_is_a_person() -> None:
    from worker.tagging.entity_lineups import report_lines

    lines = ["Doelpunten : 12e Kristinsson ( 0-1 ) , 44e Brogno ( 1-1 ) .", "Scheidsrechter : Allaerts .",
             "De 2e Kamer stemde ."]
    doc = named_doc(lines, [("12e Kristinsson", "PER"), ("44e Brogno", "PER"), ("2e Kamer", "ORG")], language="nl")
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in report_lines(doc, list(doc.ents), decided)]
    assert found == [("Kristinsson", "PER"), ("Brogno", "PER"), ("Allaerts", "PER"), ("2e Kamer", "ORG")]


def test_an_english_line_up_with_semicolons_and_british_substitutions_is_read_too() -> None:
    line = ("Ayr United : Sneddon ; Quinn , Patterson , Devlin , Moffat ; McAllister , Tait , Reidy ( Baird 71 ) ; "
            "Cowie and Kerr .")
    doc = named_doc([line], [("Ayr United", "ORG"), ("Quinn", "GPE"), ("Devlin", "GPE"), ("Baird", "ORG"),
                             ("Cowie and Kerr", "GPE")], language="en")
    decided: dict[tuple[int, int], str] = {}
    ents = lineup_persons(doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)),
                          decided)
    found = [(e.text, e.label_) for e in ents]
    assert ("Quinn", "PERSON") in found and ("Devlin", "PERSON") in found  # the English model's person label
    assert ("Baird", "PERSON") in found  # the substitute, "( Baird 71 )"
    assert ("Cowie", "PERSON") in found and ("Kerr", "PERSON") in found  # "and" before the last
    assert ("Ayr United", "ORG") in found and len(found) == 12
    assert set(decided.values()) == {"PER"}  # our type, which the type layer reads


def test_an_english_list_after_a_word_that_is_no_team_is_no_line_up() -> None:
    # the session-46 review: "Tags : Politics , Economy , ..." gave five persons
    line = "Tags : Politics , Economy , Brexit , Health and Education ."
    doc = named_doc([line], [("Politics", "ORG"), ("Brexit", "GPE")], language="en")
    ents = lineup_persons(doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)), {})
    assert [(e.text, e.label_) for e in ents] == [("Politics", "ORG"), ("Brexit", "GPE")]
