"""Names written as Wikipedia titles write them (English; session 34).

Round 1: a sentence that is only "Town , Region" is a page title naming one place.

News prose splits a town from its region (CoNLL-2003: "Trenton" LOC, "New Jersey" LOC), and so does the stage in a
sentence of prose. A sentence that is nothing but the pair, "Conch Key , Florida" or "Nam District , Daegu", is not
prose: it is the title of a page or a list entry, and such a title names one place (WikiANN-en, built from Wikipedia
titles, tags it so). The model read many of them as two names or half a person ("Conch Key" PER).

Left alone: a region that is a country (WikiANN keeps "Bandar Seri Begawan , Brunei" two places), a first part that
ends in an organisation's or a facility's head word ("National Indoor Arena , Birmingham") and a person the stage
found by a given name ("Rolf Vestre , Norway"). Dutch WikiANN splits these titles, so Dutch is left alone too.

Round 2: a peer's style after the name is part of the person: "Laurence Parsons , 1st Earl of Rosse" is one person,
not a person, a title read as another person and a place.

Round 3: a title's lower-case disambiguator is part of the name: a sentence that is only "Danny Malloy ( boxer )" or
"Minho ( river )" names one thing with its bracket (news writes no such sentence: a results line puts a number or a
verb beside "Pete Sampras ( U.S. )", and a country code is no lower-case word).

Measured: data/ner/README.md, session 34.
"""

from __future__ import annotations

import re
from itertools import compress, pairwise

from spacy.tokens import Doc, Span

from worker.tagging import gazetteer
from worker.tagging.entity_doc import CLOSE_BRACKET, OPEN_BRACKET, as_decided, facts, has_word
from worker.tagging.entity_heads import FACILITY_HEADS
from worker.tagging.kind_words import ORG_HEADS

# Lower-case words that may stand inside a place's name ("Isle of Man", "Santa Cruz de la Sierra").
CONNECTORS = frozenset({"of", "de", "la", "del", "du", "des", "le", "y", "and", "on", "upon", "the", "-", "am", "sur",
                        "en", "da", "do", "dos", "das"})
# Last words of a venue or an institution named before its town ("Bloomfield Stadium , Tel Aviv").
VENUE_HEADS = frozenset({"Stadium", "Arena", "School", "College", "Academy", "Zoo", "Airport", "Church", "Temple",
                         "Mosque", "Hotel", "Mall", "Library", "Gallery", "Park", "Parks", "Square", "House"})
_MARKS = frozenset("()[]{}\"'`“”‘’")
MAX_TITLE_WORDS = 12


def _name_run(words: list[str], start: int, end: int) -> bool:
    return (end > start and words[start][:1].isupper() and words[end - 1][:1].isupper()
            and all(w[:1].isupper() or w in CONNECTORS for w in words[start:end]))


def _is_country(name: str) -> bool:
    entry = gazetteer.lookup("en", name)
    return entry is not None and entry.wikidata in gazetteer.country_wikidata_ids()


def title_place(words: list[str], start: int, end: int) -> int | None:
    """The comma's index when words[start:end] (a sentence without its final full stop) is "Town , Region" as the
    module says (the person test aside), else None."""
    if end - start > MAX_TITLE_WORDS or words[start:end].count(",") != 1:
        return None
    comma = words.index(",", start, end)
    if not (_name_run(words, start, comma) and _name_run(words, comma + 1, end)):
        return None
    if any(c.isdigit() or c in _MARKS for w in words[start:end] for c in w):
        return None
    last = words[comma - 1]
    if last in ORG_HEADS["en"] or last in FACILITY_HEADS or last in VENUE_HEADS:
        return None
    region = " ".join(words[comma + 1:end])
    if not gazetteer.is_place("en", region) or _is_country(region):
        return None
    return comma


def _sentences(words: list[str], starts: list[bool]) -> list[tuple[int, int]]:
    """(start, end) of each sentence without its final full stop."""
    bounds = [*compress(range(len(starts)), starts), len(words)]
    if bounds[0] != 0:
        bounds.insert(0, 0)
    return [(start, stop - 1 if stop - start > 1 and words[stop - 1] == "." else stop)
            for start, stop in pairwise(bounds) if stop > start]


def town_region_titles(doc: Doc, ents: list[Span], starts: list[bool],
                       decided: dict[tuple[int, int], str]) -> list[Span]:
    """Each sentence that is only "Town , Region" becomes one LOC; the names found inside it go."""
    words = facts(doc).words
    given = gazetteer.given_names()[0]
    titles: list[tuple[int, int]] = []
    for start, end in _sentences(words, starts):
        comma = title_place(words, start, end)
        if comma is None:
            continue
        if any(e.start == start and e.end == comma and e.label_ in ("PER", "PERSON") and words[start] in given
               for e in ents):
            continue
        titles.append((start, end))
    return as_decided(doc, ents, titles, "LOC", decided) if titles else ents


# The styles of peers and royals that follow a name after a comma ("Henry Howard , Earl of Surrey").
STYLES = frozenset({"Duke", "Duchess", "Earl", "Countess", "Baron", "Baroness", "Baronet", "Marquess", "Marquis",
                    "Count", "Viscount", "Lord", "Lady", "Prince", "Princess", "King", "Queen"})
_ORDINAL = re.compile(r"^\d{1,2}(?:st|nd|rd|th)$")
_STYLE_CONNECTORS = frozenset({"of", "de", "von", "van", "the", "and"})


def style_end(words: list[str], comma: int, starts: list[bool] | None = None) -> int | None:
    """The end of a style that starts after the comma at `comma` ("1st Earl of Rosse"), or None: an optional
    ordinal, a style word, then capitalised words and connectors, ending in a capitalised word, all in the comma's
    sentence (`starts`: where sentences start)."""
    i = comma + 1
    if i < len(words) and _ORDINAL.match(words[i]):
        i += 1
    if i >= len(words) or words[i] not in STYLES:
        return None
    end = i + 1
    j = end
    while j < len(words) and (words[j][:1].isupper() or words[j] in _STYLE_CONNECTORS) \
            and not (starts is not None and starts[j]):
        j += 1
        if words[j - 1][:1].isupper():
            end = j
    return end


def noble_styles(doc: Doc, ents: list[Span], starts: list[bool], decided: dict[tuple[int, int], str]) -> list[Span]:
    """A person followed by ", [Nth] Style of Place" becomes one person; the names inside the style go."""
    if not has_word(doc, STYLES):
        return ents  # no style: style_end finds none
    words = facts(doc).words
    joined: list[tuple[int, int]] = []
    for ent in ents:
        if ent.label_ not in ("PER", "PERSON") or ent.end >= len(words) or words[ent.end] != ",":
            continue
        if joined and ent.start < joined[-1][1]:
            continue
        end = style_end(words, ent.end, starts)
        if end is not None:
            joined.append((ent.start, end))
    return as_decided(doc, ents, joined, "PER", decided, span_label="PERSON") if joined else ents


MAX_DISAMBIGUATOR_WORDS = 8


def disambiguated_titles(doc: Doc, ents: list[Span], starts: list[bool],
                         decided: dict[tuple[int, int], str]) -> list[Span]:
    """A sentence that is only a name the stage found, then "(" lower-case words ")" (no digit, bracket or name
    inside; a final full stop allowed): the name takes the bracket in, its label kept."""
    if not (has_word(doc, OPEN_BRACKET) and has_word(doc, CLOSE_BRACKET)):  # the disambiguator's brackets
        return ents
    words = facts(doc).words
    by_start = {e.start: e for e in ents}
    fixed: dict[int, Span] = {}
    for start, end in _sentences(words, starts):
        ent = by_start.get(start)
        if ent is None or ent.end >= end - 2 or words[ent.end] != "(" or words[end - 1] != ")":
            continue
        inside = words[ent.end + 1:end - 1]
        if not inside or len(inside) > MAX_DISAMBIGUATOR_WORDS or not inside[0][:1].islower():
            continue
        if any(c.isdigit() or c in "()[]" for w in inside for c in w):
            continue
        if any(e.start > ent.start and e.start < end for e in ents):
            continue  # a name inside the bracket: a list's entry, not a disambiguator
        fixed[ent.start] = Span(doc, ent.start, end, label=ent.label_, kb_id=ent.kb_id_)
        if (ent.start, ent.end) in decided:
            decided[(ent.start, end)] = decided.pop((ent.start, ent.end))
    return [fixed.get(e.start, e) for e in ents] if fixed else ents
