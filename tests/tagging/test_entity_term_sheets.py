"""Term sheets and results tables of the financial wire (entity_term_sheets.py), on hand-made documents."""

from __future__ import annotations

from spacy.tokens import Doc

from tests.tagging.line_docs import named_doc
from worker.tagging import casing, entity_sports
from worker.tagging.entity_term_sheets import term_sheet_entities

SHEET = ["The following bond was announced by lead manager Nomura International .",
         "Borrower Toyota Motor Credit Corp", "Amt $ 100 mln Coupon 6.25 pct", "Full fees 1.875 pct Reoffer 99.60",
         "Denoms ( K ) 1-10-100 Sale limits US / UK / JP", "Listing Luxembourg Pay freq Annual"]


def _run(doc: Doc) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    decided: dict[tuple[int, int], str] = {}
    ents = term_sheet_entities(doc, list(doc.ents), lambda: entity_sports.line_bounds(doc, casing.sentence_starts(doc)),
                               decided)
    return [(e.text, e.label_) for e in ents], decided


def test_labels_are_no_names_and_the_borrower_and_manager_are_organisations() -> None:
    doc = named_doc(SHEET, [("Nomura International", "PERSON"), ("Borrower Toyota Motor Credit Corp", "ORG"),
                            ("Amt", "ORG"), ("Reoffer", "PERSON"), ("Denoms ( K", "ORG"), ("JP", "ORG"),
                            ("Luxembourg Pay", "GPE")])
    found, decided = _run(doc)
    assert found == [("Nomura International", "ORG"), ("Toyota Motor Credit Corp", "ORG"), ("US", "LOC"),
                     ("UK", "LOC"), ("JP", "LOC"), ("Luxembourg", "GPE")]
    assert decided[(12, 16)] == "ORG" and decided[(8, 10)] == "ORG"


def test_prose_with_a_few_label_words_is_no_term_sheet() -> None:
    doc = named_doc(["Type Ltd said the Coupon Group would follow .", "Borrower Smith said so ."],
                    [("Type Ltd", "ORG"), ("Coupon Group", "ORG"), ("Borrower Smith", "PERSON")])
    assert _run(doc)[0] == [("Type Ltd", "ORG"), ("Coupon Group", "ORG"), ("Borrower Smith", "PERSON")]


def test_yes_no_values_currencies_and_units_are_no_names_and_a_results_company_is_one() -> None:
    doc = named_doc([*SHEET, "Neg plg Yes Crs deflt No", "Amt SFR 200 mln"],
                    [("Yes", "ORG"), ("No", "ORG"), ("SFR", "ORG")])
    assert _run(doc)[0][-3:] == [("US", "LOC"), ("UK", "LOC"), ("JP", "LOC")]  # the three went
    table = ["Half-year results to September 30 ( in millions unless stated ) :", "Telco",
             "Net sales 36,521 vs 29,411", "Net profit 3,120 vs 2,410", "Shr ( rupees ) 12.20 vs 9.45",
             "NOTE - Full name of company is Tata Engineering and Locomotive Co Ltd ."]
    doc = named_doc(table, [("rupees", "GPE"), ("NOTE", "ORG"), ("Tata Engineering", "ORG"),
                            ("Locomotive Co Ltd", "ORG")])
    assert _run(doc)[0] == [("Telco", "ORG"), ("Tata Engineering and Locomotive Co Ltd", "ORG")]
