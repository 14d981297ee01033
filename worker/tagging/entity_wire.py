"""English wire layout: the place of a dateline line ("MELBOURNE 2026-01-21", "ASSEN , Netherlands 2026-06-28"),
the portfolio of a government role ("Secretary of State", "Defence Secretary") that is no name, and names the
model ran across a result word, a venue or a score ("Bulls beat Knicks", "Arsenal at St James ' Park",
"Bath 28-20").

Every story in the CoNLL-2003 Reuters layout opens with such a line, and the English model reads the place
and the date as one name: "Melbourne 2026-01-21", "Paris 1996-08-30", "Rome ..." came out EVENT (so MISC, and
the place lost) for 8 of 15 capitals probed; "Como" was not tagged at all. A line that is only capitalised
words (commas between places) followed by an ISO date names the places where the story was filed: each
comma-separated part is a LOC, whatever the model said, and the decision is kept over the name lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy
from spacy.tokens import Doc, Span

from worker.tagging.casing import DATELINES_KEY
from worker.tagging.entity_doc import facts

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Words before the date at most ("ST. PETERSBURG , Russia" is four; a sentence ending in a date is longer).
DATELINE_MAX_TOKENS = 6


# Lower-case words inside a place name ("Val d'Isere", "Stratford-upon-Avon" is one token, "Frankfurt am Main").
_PLACE_JOINERS = frozenset({"de", "del", "der", "di", "do", "da", "la", "le", "les", "am", "an", "sur", "upon", "on",
                            "of", "the", "es", "en"})
_ELIDED = re.compile(r"^[a-z]['’]\w")


def _place_word(text: str) -> bool:
    return (text[:1].isupper() or bool(_ELIDED.match(text))) and any(c.isalpha() for c in text) \
        and not any(c.isdigit() for c in text)


def _date_end(doc: Doc, i: int) -> tuple[int, int] | None:
    """(first token, last token + 1) of an ISO date at token i: one token as given ("1996-12-06", CoNLL files)
    or five as spaCy splits it in raw text ("1996 - 12 - 06")."""
    words = facts(doc).words  # the doc's words, without a Token object each
    text = words[i]
    if _ISO_DATE.match(text):
        return i, i + 1
    if len(text) == 4 and text.isdigit() and i + 4 < len(doc) and words[i + 1] == words[i + 3] == "-" \
            and _ISO_DATE.match("".join(words[i:i + 5])):
        return i, i + 5
    return None


def dateline_place_spans(doc: Doc, starts: Sequence[bool]) -> list[tuple[int, int]]:
    """Token spans of the places of the doc's dateline lines."""
    found: list[tuple[int, int]] = []
    n = len(doc)
    doc_facts = facts(doc)
    tokens, space = doc_facts.words, doc_facts.is_space
    for first in numpy.flatnonzero(doc_facts.digits).tolist():
        date = _date_end(doc, first)
        if date is None or first == 0:
            continue
        i, after = date
        if after < n and not (starts[after] or space[after]):
            continue  # the date must end its line
        start = i
        while start > 0 and not starts[start]:
            start -= 1
        while start < i and space[start]:
            start += 1
        words = tokens[start:i]
        if not words or len(words) > DATELINE_MAX_TOKENS or not _place_word(words[0]) or not _place_word(words[-1]) \
                or not all(w == "," or _place_word(w) or w in _PLACE_JOINERS
                           or (w == "-" and 0 < pos < len(words) - 1 and not doc[start + pos - 1].whitespace_)
                           for pos, w in enumerate(words)):
            continue
        part = start
        for k in range(start, i + 1):
            if k == i or tokens[k] == ",":
                if k > part:
                    found.append((part, k))
                part = k + 1
    return found


def _as_places(doc: Doc, ents: list[Span], places: Sequence[tuple[int, int]],
               decided: dict[tuple[int, int], str]) -> list[Span]:
    """The entities with these token spans as LOC, replacing what overlapped them; `decided` receives the type."""
    covered = {i for a, b in places for i in range(a, b)}
    kept = [ent for ent in ents if not any(i in covered for i in range(ent.start, ent.end))]
    for a, b in places:
        decided[(a, b)] = "LOC"
    return sorted(kept + [Span(doc, a, b, label="LOC") for a, b in places], key=lambda e: e.start)


def dateline_places(doc: Doc, ents: list[Span], starts: Callable[[], Sequence[bool]],
                    decided: dict[tuple[int, int], str]) -> list[Span]:
    """English only: the entities with each dateline's places as LOC (replacing what overlapped them, such as
    "Melbourne 2026-01-21" EVENT); `decided` receives those types. `starts` gives the sentence starts."""
    if doc.lang_ != "en" or not facts(doc).digits.any():
        return ents
    places = dateline_place_spans(doc, starts())
    if not places:
        return ents
    return _as_places(doc, ents, places, decided)


def agency_datelines(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """The places of agency datelines ("ZUTPHEN - De rechtbank ...", "ASSEN (ANP) -"), which the truecaser found and
    kept in `doc.spans[casing.DATELINES_KEY]`, as LOC: replacing what overlapped them ("Zutphen" ORG); `decided`
    receives the type."""
    if DATELINES_KEY not in doc.spans:
        return ents
    places = [(span.start, span.end) for span in doc.spans[DATELINES_KEY]]
    if not places:
        return ents
    return _as_places(doc, ents, places, decided)


# Words of market copy: a document with one of them may carry a price table ("Alcatel Alsthom 445.10").
MARKET_WORDS = frozenset({"shares", "share", "stocks", "stock", "prices", "bourse", "index", "francs", "marks",
                          "pence", "yen", "guilders", "lire", "pesetas", "midsession", "closing", "traded"})
_PRICE = re.compile(r"^[+-]?\d[\d.,/]*%?$|^unch$|^n/?a$")
PRICE_LINE_MAX_NAME_WORDS = 5


def _company_word(text: str) -> bool:
    """A word of a company name in a price table: capitalised ("L'Oreal", "AT&T", "Rhone-Poulenc"), no digit."""
    return text[:1].isupper() and any(c.isalpha() for c in text) and not any(c.isdigit() for c in text) \
        and all(c.isalpha() or c in "'’&.-" for c in text)


def price_table_companies(doc: Doc, ents: list[Span], starts: Callable[[], Sequence[bool]],
                          decided: dict[tuple[int, int], str]) -> list[Span]:
    """English market copy: a line of a company's name and its prices only ("Elf Aquitaine 401.50", "Bayer 45.30
    45.50") names a company (ORG), over what the model made of it (it tagged 1 of 4 such lines of en dev_s12).
    Not in sports copy, whose tables name clubs and national teams (entity_sports); not a name the gazetteer gives
    another type."""
    if doc.lang_ != "en":
        return ents
    doc_facts = facts(doc)
    if MARKET_WORDS.isdisjoint(doc_facts.lower) or not doc_facts.digits.any():
        return ents
    from worker.tagging import entity_sports, gazetteer

    words = doc_facts.words
    found: list[tuple[int, int]] = []
    for start, end in entity_sports.line_bounds(doc, starts()):
        i = start
        while i < end and i - start < PRICE_LINE_MAX_NAME_WORDS and _company_word(words[i]):
            i += 1
        if i in (start, end) or not all(_PRICE.match(words[k].lower()) for k in range(i, end)):
            continue  # no name, no price, or more than a name and prices
        entry = gazetteer.exact_lookup("en", doc_facts.span_text(start, i))
        if entry is not None and entry.curated and entry.type != "ORG":
            continue  # an index or a place: "DAX 2,801.55"
        found.append((start, i))
    if not found or entity_sports.is_sports_document(doc, starts):
        return ents
    covered = {i for a, b in found for i in range(a, b)}
    kept = [ent for ent in ents if covered.isdisjoint(range(ent.start, ent.end))]
    for a, b in found:
        decided[(a, b)] = "ORG"
    return sorted(kept + [Span(doc, a, b, label="ORG") for a, b in found], key=lambda e: e.start)


# Portfolios of government roles: "Secretary of State Warren Christopher" gave "State" ORG, "Defence Secretary
# Michael Portillo" gave "Defence" ORG (en_core_web_sm); CoNLL-2003 and OntoNotes tag the person alone. Not
# "Labour" (also the party: "Labour spokesman") nor "Treasury" (an organisation in its own right).
PORTFOLIOS = frozenset({
    "state", "defence", "defense", "foreign", "finance", "interior", "home", "health", "justice", "trade",
    "economy", "energy", "education", "transport", "agriculture", "environment", "culture", "commerce", "industry",
    # session 25 (the Lee corpus: "Immigration Minister Philip Ruddock")
    "immigration", "employment", "communications", "tourism", "housing", "police",
    # session 29 (the Lee corpus's dev2: "Federal Privacy Commissioner" ORG)
    "privacy",
})
_ROLES = frozenset({"secretary", "secretaries", "minister", "ministers"})


def drop_portfolios(doc: Doc, ents: list[Span]) -> list[Span]:
    """English only: without single-word entities that are the portfolio of a role ("Defence" Secretary,
    Secretary of "State")."""
    if doc.lang_ != "en":
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    kept = []
    for ent in ents:
        if len(ent) == 1 and ent.label_ not in ("PER", "PERSON") and words[ent.start].lower() in PORTFOLIOS and (
                (ent.end < len(doc) and lower[ent.end] in _ROLES)
                or (ent.start >= 2 and lower[ent.start - 1] == "of" and lower[ent.start - 2] in _ROLES)):
            continue
        kept.append(ent)
    return kept


# Lower-case words that never stand inside a name but join two in match reports and truecased headlines:
# "BULLS BEAT KNICKS" -> "Bulls beat Knicks" (one ORG), "Arsenal at St James ' Park" (one ORG).
_RESULT_JOINERS = frozenset({"beat", "beats", "drew", "draw", "draws", "held", "edged", "thrashed", "hammered",
                             "routed", "defeated", "crushed", "v", "vs", "vs."})
_VENUE_JOINERS = frozenset({"at"})
_JOINERS = _RESULT_JOINERS | _VENUE_JOINERS
_SCORE = re.compile(r"^\d{1,3}-\d{1,3}$")
_WORKS = frozenset({"MISC", "WORK_OF_ART", "LAW", "PRODUCT"})  # titles may hold any word: "Live at the Apollo"


def split_joined_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """English only: a name running across a lower-case result word or "at" is two names (the one after "at"
    a place: the venue), and a score glued to a name's end is cut off ("Bath 28-20" EVENT -> "Bath")."""
    if doc.lang_ != "en":
        return ents
    doc_facts = facts(doc)
    words, lower, is_digit, is_lower = doc_facts.words, doc_facts.lower, doc_facts.is_digit, doc_facts.is_lower
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        while end - start > 1 and (_SCORE.match(words[end - 1]) or (
                end - start > 3 and words[end - 2] == "-" and is_digit[end - 1] and is_digit[end - 3])):
            end -= 1 if _SCORE.match(words[end - 1]) else 3  # "28-20", or "28 - 20" as spaCy splits it
        if (start, end) != (ent.start, ent.end):
            label = ent.label_
            if label not in ("PER", "PERSON", "ORG", "LOC", "GPE", "FAC"):  # "Bath 28-20" LAW: a team, not a law
                label = "GPE" if _is_place(doc[start:end].text) else "ORG"
            ent = Span(doc, start, end, label=label, kb_id=ent.kb_id_)
        inner = [k for k in range(start + 1, end - 1) if is_lower[k] and lower[k] in _JOINERS
                 and words[k - 1][:1].isupper() and words[k + 1][:1].isupper()]
        if not inner or ent.label_ in _WORKS:
            fixed.append(ent)
            continue
        k = inner[0]
        fixed.append(Span(doc, start, k, label=ent.label_))
        after = "LOC" if lower[k] in _VENUE_JOINERS else ent.label_
        fixed.append(Span(doc, k + 1, end, label=after))
    return fixed


def _is_place(text: str) -> bool:
    from worker.tagging import gazetteer

    entry = gazetteer.lookup("en", text)
    return entry is not None and entry.type == "LOC"


# Session 31 (en-news/dev_s31b.txt, 1996 world and business copy): three small facts of wire copy.
# Nouns after a place that make it the name of a treaty or accord (MISC in CoNLL-2003): "the Maastricht treaty",
# "the Oslo peace accords" (both LOC).
TREATY_NOUNS = frozenset({"treaty", "treaties", "accord", "accords", "pact", "protocol"})


def wire_terms(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English only: a currency symbol is no name ("HK$ 168.50" ORG); a parenthesised acronym is a name of its own
    ("Guatemalan National Revolutionary Unity ( URNG" one ORG); a place before "treaty" or "(peace) accords" names
    the treaty (MISC, recorded in `decided`)."""
    if doc.lang_ != "en" or not ents:
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    n = len(doc)
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        if end - start == 1 and words[start].endswith("$"):
            continue  # "HK$", "A$", "US$"
        opening = next((k for k in range(start + 1, end - 1) if words[k] == "("), None)
        if opening is not None:
            closing = next((k for k in range(opening + 1, end) if words[k] == ")"), end)
            if closing - opening == 2 and words[opening + 1].isupper() and len(words[opening + 1]) > 1:
                fixed.append(Span(doc, start, opening, label=ent.label_, kb_id=ent.kb_id_))
                fixed.append(Span(doc, opening + 1, opening + 2, label=ent.label_))
                continue
        after = end + 1 if end < n and lower[end] == "peace" else end
        if end - start == 1 and after < n and lower[after] in TREATY_NOUNS and _is_place(words[start]):
            decided[(start, end)] = "MISC"
            fixed.append(Span(doc, start, end, label="MISC", kb_id=ent.kb_id_))
            continue
        fixed.append(ent)
    return fixed
