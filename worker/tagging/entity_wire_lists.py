"""Lists of the world wire: event diaries, election tables and entertainment charts (English, session 38, rounds 7 and
10).

    DIARY - SINGAPORE DECEMBER 9 - 13 .
    TUESDAY - December 10
    Keppel Corp extraordinary general meeting .

    Party of Social Democracy in Romania ( PDSR ) 91
    Democratic Convention of Romania ( CDR ) 122

A model trained on prose reads a capitalised weekday or month as a name ("DECEMBER" ORG, "TUESDAY" LOC) and cuts a
party's long name at "in" or "of" before a place. Here:

- a weekday or month name alone is no name, in any case (not "May" or "August", also names of people);
- in a document with at least `MIN_PARTY_ROWS` lines "<name> ( <ABBREVIATION> ) <number>", the abbreviation is an
  organisation, and a name from the line's start to the bracket holding a party word is one organisation;
- in a document with at least `MIN_CHART_ROWS` chart rows ("1. ( 1 ) Jerry Maguire ( TriStar ) $ 17.0 million",
  "2. ( New ) Tragic Kingdom - No Doubt ( Trauma / Interscope )", "3. Desperation , Stephen King ( Viking )"), the
  bracketed companies are organisations and the title is one MISC whatever its words ("Beavis and Butt-head Do
  America"); an author after the comma keeps the model's type.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc, Span

from worker.tagging import entity_countries, entity_doc, entity_sports, gazetteer

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
    if not entity_doc.has_word(doc, entity_doc.OPEN_BRACKET):
        return ents
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    codes = country_codes()
    rows = []
    for start, end in lines():
        # "<name> ( ABBR ) <number> [pct]": the bracket's close is followed by a number; each "(" of start + 1 ..
        # end - 4 found by list.index (no Python work per word)
        k = start
        while True:
            try:
                k = words.index("(", k + 1, max(end - 3, 0))  # (a negative stop would count from the list's end)
            except ValueError:
                break
            if _abbreviation(words[k + 1]) and words[k + 2] == ")" \
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
    return entity_doc.layout_wins(ents, new, decided)


# Chart rows a document needs before its ranked lines are read as a chart (round 10).
MIN_CHART_ROWS = 3
_RANK = re.compile(r"^\d{1,3}\.?$")
_PREVIOUS = re.compile(r"^(\d{1,3}|New|NEW|new|RE|NE|re-entry|Re-entry)$")


def _chart_row(words: list[str], spaced: Callable[[int], bool], start: int, end: int,
               ) -> tuple[tuple[int, int], list[tuple[int, int]]] | None:
    """A chart row's title and companies (or None): "1. ( 1 ) Jerry Maguire ( TriStar ) $ 17.0 million"; the title
    ends at a spaced dash before an artist or a comma before an author.
    `spaced(k)`: whether token k has a space before it (a dash inside "Butt-head" separates nothing)."""
    i = start
    if not _RANK.match(words[i]):
        return None
    i += 1
    if not words[start].endswith("."):
        if i >= end or words[i] != ".":
            return None
        i += 1
    if i + 2 < end and words[i] == "(" and _PREVIOUS.match(words[i + 1]) and words[i + 2] == ")":
        i += 3
    # the company: the last bracket of capitalised words, parts joined by "/"
    close = next((k for k in range(end - 1, i, -1) if words[k] == ")"), None)
    if close is None:
        return None
    open_ = next((k for k in range(close - 1, i, -1) if words[k] == "("), None)
    if open_ is None or open_ - i < 1 or close - open_ < 2:
        return None
    inside = range(open_ + 1, close)
    if not all(words[k][:1].isupper() or words[k] in ("/", "&", "of", "-", ".") for k in inside):
        return None
    companies, a = [], open_ + 1
    for k in [*[k for k in inside if words[k] == "/"], close]:
        if k > a:
            companies.append((a, k))
        a = k + 1
    title_end = next((k for k in range(i + 1, open_) if (words[k] == "-" and spaced(k)) or words[k] == ","), open_)
    if title_end == i or not (words[i][:1].isupper() or words[i][:1].isdigit()):
        return None
    return (i, title_end), companies


# Words naming a chart's matter; a document needs one before its ranked lines are read as a chart.
CHART_WORDS = frozenset({"chart", "charts", "album", "albums", "singles", "bestseller", "bestsellers", "best-seller",
                         "best-sellers", "ratings", "movies", "films", "distributor", "billboard", "nielsen"})
_BOX_OFFICE = re.compile(r"box[ -]office")


def _team_or_country(text: str) -> bool:
    """A results list's bracket: a country, a national team, a country's code or a club of the club list."""
    return gazetteer.is_national_team("en", text) or text in entity_countries.country_codes() \
        or text in entity_sports.club_texts()


def _physical_lines(doc: Doc, lines: Callable[[], list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The doc's lines as written: running text split at its newline tokens (the sentence splitter cuts a chart row
    at "1." and "("); a doc built from lines (an evaluation file) has no newline token and keeps `lines`."""
    doc_facts = entity_doc.facts(doc)
    breaks = [i for i, word in enumerate(doc_facts.words) if doc_facts.is_space[i] and "\n" in word]
    if not breaks:
        return lines()
    found, start = [], 0
    for end in [*breaks, len(doc)]:
        if end > start:
            found.append((start, end))
        start = end + 1
    return found


def chart_rows(doc: Doc, ents: list[Span], lines: Callable[[], list[tuple[int, int]]],
               decided: dict[tuple[int, int], str]) -> list[Span]:
    """Entertainment charts: see the module docstring."""
    if not entity_doc.has_word(doc, entity_doc.OPEN_BRACKET):
        return ents
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    if not entity_doc.has_lower(doc, CHART_WORDS) and not _BOX_OFFICE.search(doc_facts.text.lower()):
        return ents  # no chart's matter named: a ranked list is a results list ("1. Fredericks ( Namibia ) 19.98")
    rows = [row for start, end in _physical_lines(doc, lines) if end - start >= 4
            for row in [_chart_row(words, lambda k: bool(doc[k - 1].whitespace_), start, end)]
            if row and not any(_team_or_country(doc_facts.span_text(a, b)) for a, b in row[1])]
    if len(rows) < MIN_CHART_ROWS:
        return ents
    found: list[Span] = []
    for (title_start, title_end), companies in rows:
        found.append(Span(doc, title_start, title_end, label="MISC"))
        found += [Span(doc, a, b, label="ORG") for a, b in companies]
    return entity_doc.layout_wins(ents, found, decided)
