"""Lists of the world wire: event diaries and election tables (English, session 38, round 7).

    DIARY - SINGAPORE DECEMBER 9 - 13 .
    TUESDAY - December 10
    Keppel Corp extraordinary general meeting .

    Party of Social Democracy in Romania ( PDSR ) 91
    Democratic Convention of Romania ( CDR ) 122

A model trained on prose reads a capitalised weekday or month as a name ("DECEMBER" ORG, "TUESDAY" LOC) and cuts a
party's long name at "in" or "of" before a place. Here:

- a weekday or month name alone is no name, in any case (not "May" or "August", also names of people);
- in a document with at least `MIN_PARTY_ROWS` lines "<name> ( <ABBREVIATION> ) <number>", the abbreviation is an
  organisation, and a name from the line's start to the bracket holding a party word is one organisation.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span

from worker.tagging import entity_doc

# Weekdays and months; "May" and "August" are also people's names and stay.
DATE_WORDS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                        "february", "march", "april", "june", "july", "september", "october", "november",
                        "december"})
# Words of parties' and alliances' names.
PARTY_WORDS = frozenset({"Party", "Union", "Front", "Alliance", "Movement", "Congress", "Convention", "Bloc", "League",
                         "Democrats", "Coalition", "Forum", "Rally", "Council", "Socialists", "Liberals", "Greens",
                         "Conservatives", "Federation", "Association", "Organisation", "Organization"})
# Lines "<name> ( <ABBREVIATION> ) <number>" a document needs before they are read as a results table.
MIN_PARTY_ROWS = 2


def drop_dates(doc: Doc, ents: list[Span]) -> list[Span]:
    """Entities that are a weekday or month name alone go."""
    words = entity_doc.facts(doc).words
    return [e for e in ents if e.end - e.start != 1 or words[e.start].lower() not in DATE_WORDS]


def _abbreviation(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isalpha() and word.isupper()


def party_rows(doc: Doc, ents: list[Span], lines: Callable[[], list[tuple[int, int]]],
               country_codes: Callable[[], frozenset[str]], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Election tables: see the module docstring. `lines` gives the doc's lines, `country_codes` the codes that are
    countries in a results list ("( GER )"), never a party's (both asked only when the doc has a bracket)."""
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    if "(" not in words:
        return ents
    codes = country_codes()
    rows = []
    for start, end in lines():
        # "<name> ( ABBR ) <number> [pct]": the bracket's close is followed by a number
        for k in range(start + 1, end - 3):
            if words[k] == "(" and _abbreviation(words[k + 1]) and words[k + 2] == ")" \
                    and words[k + 1] not in codes and any(c.isdigit() for c in words[k + 3]):
                rows.append((start, k))
                break
    if len(rows) < MIN_PARTY_ROWS:
        return ents
    new = []
    for start, bracket in rows:
        new.append(Span(doc, bracket + 1, bracket + 2, label="ORG"))
        name = range(start, bracket)
        if words[start][:1].isupper() and any(words[i] in PARTY_WORDS for i in name) \
                and words[bracket - 1][:1].isupper():
            new.append(Span(doc, start, bracket, label="ORG"))
    taken = {i for span in new for i in range(span.start, span.end)}
    kept = [e for e in ents if taken.isdisjoint(range(e.start, e.end))]
    for span in new:
        decided[(span.start, span.end)] = "ORG"
    return sorted(kept + new, key=lambda e: e.start)
