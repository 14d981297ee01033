"""Term sheets and results tables of the financial wire: one field a line, the field's short label first.

    Borrower Toyota Motor Credit Corp
    Amt $ 100 mln Coupon 6.25 pct
    Full fees 1.875 pct Reoffer 99.60
    Denoms ( K ) 1-10-100 Sale limits US / UK / JP

A model trained on prose reads the labels as names ("Amt" ORG, "Reoffer" PER, "Denoms ( K" ORG), glues a label to its
value ("Borrower Toyota Motor Credit Corp"), calls a lead manager a person ("lead manager Nomura International") and a
sale limit's country code a company ("JP"). In a document where at least `MIN_FIELD_LINES` lines open with a field label
(session 38, round 5):

- a label is no part of a name: an entity opening with one loses it, one made only of labels goes;
- the rest of a Borrower, Issuer or Guarantor line, and a name after "lead manager(s)", "arranger(s)" or "bookrunner",
  is an organisation;
- the two-letter country codes of a Sale limits line are places;
- yes/no values, notes, currency codes are no names; a results table's company alone on the line before its figures,
  and the name after "Full name of company is" are organisations (round 6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from spacy.tokens import Doc, Span

from worker.tagging import entity_doc

# Field labels of term sheets, loan announcements and results tables, as token tuples.
FIELD_LABELS: frozenset[tuple[str, ...]] = frozenset(tuple(label.split()) for label in (
    "Borrower", "Issuer", "Guarantor", "Amt", "Amount", "Coupon", "Maturity", "Type", "Iss price", "Issue price",
    "Payment date", "Full fees", "Fees", "Reoffer", "Spread", "Listing", "Pay freq", "Denoms", "Sale limits", "Neg plg",
    "Crs deflt", "Force maj", "Governing law", "Notes", "Arrangers", "Arranger", "Margin", "Facility fee", "Tenor",
    "Net sales", "Net profit", "Net loss", "Net income", "Pretax profit", "Shr", "Revs", "Sales", "Yield", "Price",
    "Lead manager", "Lead managers", "Bookrunner", "Launch date", "Signing", "Purpose", "Commitment fee", "Redemption",
    # round 6 (dev_s38c)
    "Turnover", "Current profit", "Operating profit", "Pretax", "Co-leads", "Co-lead", "Co-managers",
))
# Labels that open a results table's lines: the capitalised line alone before one is the company (round 6).
RESULTS_LABELS: frozenset[tuple[str, ...]] = frozenset(tuple(label.split()) for label in (
    "Net sales", "Net profit", "Net loss", "Net income", "Pretax profit", "Pretax", "Turnover", "Sales", "Revs",
    "Shr", "Current profit", "Operating profit"))
# Values of a term sheet or results table that are never names: yes/no fields, notes, the wire's currency codes.
NO_NAMES = frozenset({"Yes", "No", "NOTE", "Note", "SFR", "DM", "FFR", "BFR", "DFL", "STG", "LIT", "ECU", "YEN", "C$",
                      "A$", "NZ$", "HK$", "USD", "DEM", "JPY", "GBP", "CHF", "FRF", "ITL", "NLG", "BEF", "ESP", "CAD",
                      "AUD", "XEU", "SEK", "DKK", "NOK", "FIM", "ATS", "HKD", "NZD", "ZAR"})
# Labels whose line names an organisation after them.
ORGANISATION_FIELDS: frozenset[tuple[str, ...]] = frozenset({("Borrower",), ("Issuer",), ("Guarantor",)})
# Words before a manager's name in prose: "lead manager Nomura International", "arrangers Citibank and ...".
_MANAGER_WORDS = frozenset({"manager", "managers", "arranger", "arrangers", "bookrunner"})
# Lines that must open with a field label before a document is read as a term sheet or results table.
MIN_FIELD_LINES = 3
_LONGEST = max(len(label) for label in FIELD_LABELS)
_FIRST_WORDS = frozenset(label[0] for label in FIELD_LABELS)
# Lower-case words inside a company's name alone on its line ("Bank of Baroda", "Larsen and Toubro").
_NAME_JOINS = frozenset({"of", "and", "&", "de", "-"})


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    """ISO 3166 alpha-2 codes, and "UK", which the wire's sale limits print for Britain."""
    import pycountry

    return frozenset({country.alpha_2 for country in pycountry.countries} | {"UK"})


def _label_at(words: Sequence[str], i: int, end: int) -> int:
    """The end of the field label starting at token i (i itself when none does), the longest first."""
    if words[i] not in _FIRST_WORDS:
        return i
    for n in range(min(_LONGEST, end - i), 0, -1):
        if tuple(words[i:i + n]) in FIELD_LABELS:
            return i + n
    return i


def _name_after(words: Sequence[str], i: int, end: int) -> int:
    """The end of a capitalised name starting at i ("Credit Suisse First Boston", "Bank of Tokyo-Mitsubishi")."""
    j = i
    while j < end and (words[j][:1].isupper() or (j > i and words[j] in ("of", "&", "de", "und", "-"))):
        j += 1
    while j > i and not words[j - 1][:1].isupper():
        j -= 1
    return j


def term_sheet_entities(doc: Doc, ents: list[Span], lines: Callable[[], list[tuple[int, int]]],
                        decided: dict[tuple[int, int], str]) -> list[Span]:
    """The entities of a term sheet or results table retyped (see the module docstring); `lines` gives the doc's
    lines (asked only when a label occurs); `decided` receives the types chosen here."""
    if not entity_doc.has_word(doc, _FIRST_WORDS):
        return ents  # no label anywhere: the common case, no per-line work
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    bounds = lines()
    field_lines = [(start, end) for start, end in bounds if _label_at(words, start, end) > start]
    if len(field_lines) < MIN_FIELD_LINES:
        return ents
    labels: set[int] = set()  # token positions of labels on field lines
    new: list[Span] = []
    for start, end in field_lines:
        i = start
        while i < end:
            j = _label_at(words, i, end)
            # inside a line, a one-word label only after a value ("Amt $ 100 mln Coupon"), not after a name's word;
            # a longer one anywhere ("Listing Luxembourg Pay freq Annual")
            if j > i and (i == start or j - i > 1 or not words[i - 1][:1].isupper()):
                labels.update(range(i, j))
                if tuple(words[i:j]) in ORGANISATION_FIELDS and i == start and j < end and words[j][:1].isupper():
                    new.append(Span(doc, j, end, label="ORG"))
                elif words[i:j] == ["Sale", "limits"]:
                    new += [Span(doc, k, k + 1, label="LOC") for k in range(j, end) if words[k] in _country_codes()]
                i = j
            else:
                i += 1
    for n, (start, end) in enumerate(bounds[:-1]):  # a results table's company, alone on its line
        following = bounds[n + 1]
        if _label_at(words, following[0], following[1]) > following[0] \
                and tuple(words[following[0]:_label_at(words, following[0], following[1])]) in RESULTS_LABELS \
                and _label_at(words, start, end) == start \
                and all(words[k][:1].isupper() or words[k] in _NAME_JOINS for k in range(start, end)) \
                and words[start][:1].isupper() and words[end - 1][:1].isupper():
            new.append(Span(doc, start, end, label="ORG"))
    for k in range(len(words) - 2):  # "NOTE - Full name of company is Tata Engineering and Locomotive Co Ltd ."
        if words[k] == "Full" and words[k:k + 5] == ["Full", "name", "of", "company", "is"] and k + 5 < len(words):
            end = next((e for e in range(k + 5, len(words)) if words[e] == "." or doc_facts.is_space[e]), len(words))
            if end > k + 5 and words[k + 5][:1].isupper():
                new.append(Span(doc, k + 5, end, label="ORG"))
    for k in range(len(words) - 1):
        if words[k].lower() in _MANAGER_WORDS and words[k + 1][:1].isupper() and k + 1 not in labels:
            line_end = next((b for a, b in bounds if a <= k < b), len(words))
            name_end = _name_after(words, k + 1, line_end)
            if name_end > k + 1:
                new.append(Span(doc, k + 1, name_end, label="ORG"))
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        while start < end and (start in labels or words[start] in ("(", ")")):
            start += 1
        cut = next((k for k in range(start, end) if k in labels), end)  # a label inside: the name ends before it
        end = cut
        while end > start and not any(c.isalnum() for c in words[end - 1]):
            end -= 1
        if end - start == 1 and (len(words[start]) == 1 or words[start] in NO_NAMES or (
                words[start].islower() and start > 1 and words[start - 1] == "(" and words[start - 2] == "Shr")):
            continue  # "K" of "Denoms ( K )", "Neg plg Yes", "Amt SFR 200 mln", "Shr ( rupees )"
        if start < end:
            fixed.append(ent if (start, end) == (ent.start, ent.end)
                         else Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_))
    return entity_doc.layout_wins(fixed, entity_doc.filter_spans(new), decided)
