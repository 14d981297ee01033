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

from worker.tagging import gazetteer
from worker.tagging.casing import DATELINES_KEY
from worker.tagging.entity_doc import SPAN_START, as_decided, facts, has_lower

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
    return _date_at(facts(doc).words, i)  # the doc's words, without a Token object each


def _date_at(words: list[str], i: int) -> tuple[int, int] | None:
    """`_date_end` on the doc's words."""
    text = words[i]
    if _ISO_DATE.match(text):
        return i, i + 1
    if len(text) == 4 and text.isdigit() and i + 4 < len(words) and words[i + 1] == words[i + 3] == "-" \
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
        date = _date_at(tokens, first)
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


def dateline_places(doc: Doc, ents: list[Span], starts: Callable[[], Sequence[bool]],
                    decided: dict[tuple[int, int], str]) -> list[Span]:
    """English only: the entities with each dateline's places as LOC (replacing what overlapped them, such as
    "Melbourne 2026-01-21" EVENT); `decided` receives those types. `starts` gives the sentence starts."""
    if doc.lang_ != "en" or not facts(doc).digits.any():
        return ents
    places = dateline_place_spans(doc, starts())
    if not places:
        return ents
    return as_decided(doc, ents, places, "LOC", decided)


def agency_datelines(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """The places of agency datelines ("ZUTPHEN - De rechtbank ...", "ASSEN (ANP) -"), which the truecaser found and
    kept in `doc.spans[casing.DATELINES_KEY]`, as LOC: replacing what overlapped them ("Zutphen" ORG); `decided`
    receives the type."""
    if DATELINES_KEY not in doc.spans:
        return ents
    places = [(span.start, span.end) for span in doc.spans[DATELINES_KEY]]
    if not places:
        return ents
    return as_decided(doc, ents, places, "LOC", decided)


# Words of market copy: a document with one of them may carry a price table ("Alcatel Alsthom 445.10").
MARKET_WORDS = frozenset({"shares", "share", "stocks", "stock", "prices", "bourse", "index", "francs", "marks",
                          "pence", "yen", "guilders", "lire", "pesetas", "midsession", "closing", "traded",
                          # session 32 (en-news/dev_s32.txt: commodity and money market reports)
                          "futures", "tonne", "tonnes", "ounce", "bushel", "bushels"})
_PRICE = re.compile(r"^[+-]?\d[\d.,/]*%?$|^unch$|^n/?a$")
PRICE_LINE_MAX_NAME_WORDS = 5
# Words of a price line's move between its prices: "Telkom 3,525 down 50", "San Miguel B 79.50 up 1.00".
_MOVE_WORDS = frozenset({"up", "down", "unchanged", "off", "unch"})
# Single words that head the lines of commodity and money tables, or stand capitalised in market prose, and
# are no names: "Copper 2,217/2,219", "December 1,262 1,265" (a contract month), "Gold AM 370.30", "M3 grew"
# (session 32, en-news/dev_s32.txt: each came out ORG, PER or LOC).
MARKET_NON_NAMES = frozenset({
    "aluminium", "aluminum", "copper", "nickel", "zinc", "lead", "tin", "gold", "silver", "platinum", "palladium",
    "corn", "wheat", "soybean", "soybeans", "soyoil", "soymeal", "oats", "barley", "rice", "cotton", "sugar", "cocoa",
    "coffee", "arabica", "arabicas", "robusta", "robustas", "rubber", "crude", "gasoil", "gasoline", "heating",
    "cattle", "hogs", "wool", "oil", "palm", "olein",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "may", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "am", "pm", "fob", "cif", "eps", "m0", "m1", "m2", "m3", "m4", "note", "notes", "net",
    "sterling", "treasuries", "bunds", "gilts", "jgbs"})
# Verbs of a price's move in market prose: "Banco Santander gained 45 to 8,120", "Vaal Reefs shed three rand".
_MOVE_VERBS = frozenset({"fell", "rose", "gained", "lost", "shed", "eased", "slipped", "climbed", "added", "jumped",
                         "dropped", "firmed", "edged", "advanced", "declined", "slumped", "surged", "soared",
                         "tumbled", "plunged", "dipped", "rallied", "weakened", "strengthened", "improved", "finished",
                         "closed", "ended", "gaining", "losing", "falling", "rising", "was", "were"})
_NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "half"})
# Words between a company's name and its shares: "San Miguel B shares", "Telebras preferred shares".
_SHARE_CLASSES = frozenset({"A", "B", "C", "preferred", "ordinary", "common", "registered", "bearer", "voting"})
_SHARE_NOUNS = frozenset({"shares", "share", "stock"})
# Index words after a name: a name once followed by one of them is an index, never a company ("the Merval index").
_INDEX_WORDS = frozenset({"index", "indices", "indexes", "average", "averages"})


def _company_word(text: str) -> bool:
    """A word of a company name in a price table: capitalised ("L'Oreal", "AT&T", "Rhone-Poulenc"), no digit."""
    return text[:1].isupper() and any(c.isalpha() for c in text) and not any(c.isdigit() for c in text) \
        and all(c.isalpha() or c in "'’&.-" for c in text)


def _prices(words: Sequence[str]) -> bool:
    """Prices and moves only, with a price: "3,525 down 50", "445.10", "79.50 up 1.00"."""
    lowered = [w.lower() for w in words]
    return any(_PRICE.match(w) for w in lowered) and all(_PRICE.match(w) or w in _MOVE_WORDS for w in lowered)


def _market_term(words: Sequence[str]) -> bool:
    """A commodity, contract month or table word, alone or heading a line's name ("Copper", "Gold AM", "Corn Mar"),
    prices glued to it or not ("Silver 4.84", "Corn May 267")."""
    lowered = [w.lower() for w in words if not _PRICE.match(w.lower())]
    return bool(lowered) and all(w in MARKET_NON_NAMES for w in lowered)


def price_table_companies(doc: Doc, ents: list[Span], starts: Callable[[], Sequence[bool]],
                          decided: dict[tuple[int, int], str]) -> list[Span]:
    """English market copy: a line of a company's name and its prices only ("Elf Aquitaine 401.50", "Bayer 45.30
    45.50") names a company (ORG), over what the model made of it (it tagged 1 of 4 such lines of en dev_s12).
    Not in sports copy, whose tables name clubs and national teams (entity_sports); not a name the gazetteer gives
    another type."""
    if doc.lang_ != "en":
        return ents
    doc_facts = facts(doc)
    if not has_lower(doc, MARKET_WORDS) or not doc_facts.digits.any():
        return ents
    from worker.tagging import entity_sports, gazetteer

    words, lower = doc_facts.words, doc_facts.lower
    found: list[tuple[int, int]] = []
    for start, end in entity_sports.line_bounds(doc, starts()):
        if not (_PRICE.match(lower[end - 1]) or lower[end - 1] in _MOVE_WORDS):
            continue  # a price line ends on a price or a move (`_prices` below): most lines end on a full stop
        i = start
        while i < end and i - start < PRICE_LINE_MAX_NAME_WORDS and _company_word(words[i]):
            i += 1
        if i in (start, end) or not _prices(words[i:end]) or _market_term(words[start:i]):
            continue  # no name, no price, more than a name and prices, or a commodity or month
        if i - start > 1 and words[i - 1] in _SHARE_CLASSES:
            i -= 1  # "San Miguel B 79.50": the name without its share class
        entry = gazetteer.lookup("en", doc_facts.span_text(start, i))
        if entry is not None and entry.curated and entry.type != "ORG":
            continue  # an index or a place, in any case: "DAX 2,801.55", "TOPIX 1,502.83 down 24.10"
        found.append((start, i))
    if not found or entity_sports.is_sports_document(doc, starts):
        return ents
    return as_decided(doc, ents, found, "ORG", decided)


# Labels of names a market rule may retype as a company: not nationalities (NORP: "Indonesian shares"), numbers
# or dates.
_NAME_LABELS = frozenset({"PERSON", "PER", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
                          "MISC"})
_TERM_LABELS = _NAME_LABELS | {"NORP"}  # a commodity read as a people is dropped too ("Arabica" NORP)
_PREPOSITIONS = frozenset({"in", "at", "from", "of", "for", "on", "to", "across", "throughout", "by", "with"})
MOVE_WINDOW = 4  # words from the verb to the number: "fell 1.25 rand to", "was flat at 215"


def _moved_price(words: Sequence[str], lower: Sequence[str], digits: numpy.ndarray, end: int) -> bool:
    """A price's move right after a name: "gained 45 to 8,120", "shed three rand", "was flat at 215"."""
    n = len(lower)
    if end >= n or lower[end] not in _MOVE_VERBS:
        return False
    for k in range(end + 1, min(n, end + 1 + MOVE_WINDOW)):
        if digits[k] or lower[k] in _NUMBER_WORDS:
            return True
        if words[k] in (".", ";", ",", '"') or words[k][:1].isupper():
            return False
    return False


# Money-supply aggregates ("M3 grew", "the M3 target"): no names, also outside market copy (a central bank's
# statement has no price); the motorway "M3" is left alone unless money words stand beside it.
_AGGREGATES = frozenset({"M0", "M1", "M2", "M3", "M4"})
_MONEY_WORDS = frozenset({"money", "supply", "growth", "target", "grew", "aggregate", "corridor"})
_MONEY_TRIGGERS = frozenset({"money", "supply"})  # a text speaking of money supply has one of them


def money_aggregates(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: a money-supply aggregate the model took for a name (M3 LOC, dev_s32) is dropped when the text speaks
    of money supply."""
    if doc.lang_ != "en" or not ents:
        return ents
    doc_facts = facts(doc)
    lower = doc_facts.lower
    if not has_lower(doc, _MONEY_TRIGGERS):  # (on the doc's set of words: a scan of its list cost more)
        return ents
    words = doc_facts.words
    n = len(doc)
    kept = []
    for ent in ents:
        if ent.end - ent.start == 1 and words[ent.start].upper() in _AGGREGATES and (
                (ent.end < n and lower[ent.end] in _MONEY_WORDS) or (ent.start > 0 and lower[ent.start - 1] in
                                                                    ("for", "of", "in") and "money" in lower)):
            continue
        kept.append(ent)
    return kept


def market_companies(doc: Doc, ents: list[Span], starts: Callable[[], Sequence[bool]],
                     decided: dict[tuple[int, int], str]) -> list[Span]:
    """English market copy (not sports): a commodity, contract month or table word the model took for a name is
    dropped ("Aluminium eased", "M3 grew"); a name whose price moves ("Banco Santander gained 45 to 8,120",
    "Manila Electric was flat at 215"), that has shares ("Kanthal shares jumped", "San Miguel B shares") or that
    shares are held in ("shares in Fiat") is a company (ORG, recorded in `decided`). Not a name the text calls an
    index ("the Merval index"), nor one the gazetteer is sure is no company ("Nikkei", "Japan"), nor a place for the
    weaker signs ("Tokyo shares fell", "Jakarta was 1.2 percent lower")."""
    if doc.lang_ != "en" or not ents:
        return ents
    doc_facts = facts(doc)
    if not has_lower(doc, MARKET_WORDS) or not doc_facts.digits.any():
        return ents
    from worker.tagging import entity_given_names, entity_sports, gazetteer

    if entity_sports.is_sports_document(doc, starts):
        return ents
    words, lower, digits = doc_facts.words, doc_facts.lower, doc_facts.digits
    n = len(doc)
    index_names = {doc_facts.span_text(ent.start, ent.end).lower() for ent in ents
                   if ent.end < n and lower[ent.end] in _INDEX_WORDS}
    given = entity_given_names.given_names()[0]
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        if (start, end) in decided or ent.label_ not in _TERM_LABELS:
            fixed.append(ent)
            continue
        if _market_term(words[start:end]):
            continue  # "Aluminium", "Gold AM", "March", "M3", "Arabica" (NORP), "Silver 4.84"
        if ent.label_ == "NORP":
            fixed.append(ent)
            continue
        text = doc_facts.span_text(start, end)
        if ent.label_ == "ORG" or text.lower() in index_names \
                or (ent.label_ in ("PERSON", "PER") and words[start] in given):
            fixed.append(ent)
            continue
        entry = gazetteer.lookup("en", text)  # any case and accents: "TOPIX", "Sao Paulo"
        if entry is not None and entry.curated and entry.type != "ORG":
            fixed.append(ent)
            continue  # an index, a country, a people
        place = entry is not None and entry.type == "LOC"
        k = end
        while k < n and k - end < 2 and words[k] in _SHARE_CLASSES:
            k += 1
        has_shares = k < n and lower[k] in _SHARE_NOUNS and (k > end or not place)
        held = start >= 2 and lower[start - 1] == "in" and lower[start - 2] in ("shares", "stake", "stock") \
            and not place
        moved = not place and not (start > 0 and lower[start - 1] in _PREPOSITIONS) \
            and _moved_price(words, lower, digits, end)  # not "prices in Sao Paulo rose 0.29 percent"
        if not (has_shares or held or moved):
            fixed.append(ent)
            continue
        decided[(start, end)] = "ORG"
        fixed.append(Span(doc, start, end, label="ORG", kb_id=ent.kb_id_))
    return fixed


# Words between an index's name and "index": "the Jakarta Stock Exchange composite index" (an exchange's index is
# not named by the exchange), "the blue-chip MIB30 index", "the all-share Mibtel index".
_INDEX_QUALIFIERS = frozenset({"composite", "general", "all-share", "share", "stock", "price", "blue-chip"})
# Last words of an exchange or market, which are organisations before "index" too ("the Amman Financial Market 's
# general index").
_EXCHANGE_HEADS = frozenset({"exchange", "bourse", "market", "board"})
_INDEX_CODE = re.compile(r"^[A-Z][A-Za-z]*(-?\d+)?$")


_INDEX = frozenset({"index"})


def market_indices(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English market copy: a name right before "index" names the index (MISC: "The IBV index" ORG, "the WIG index"),
    and a code in capitals there that the model left is one ("the blue-chip MIB30 index"); not an exchange ("the
    Jakarta Stock Exchange composite index") nor a name the gazetteer knows as an organisation or place; recorded
    in `decided`."""
    if doc.lang_ != "en":
        return ents
    doc_facts = facts(doc)
    lower = doc_facts.lower
    if not has_lower(doc, _INDEX):
        return ents
    words = doc_facts.words
    n = len(doc)
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    fixed: list[Span] = []
    for k in range(n):
        if lower[k] != "index" or k == 0:
            continue
        before = k - 1
        if lower[before] in _INDEX_QUALIFIERS and before > 0:
            before -= 1
        if before in taken or not _INDEX_CODE.match(words[before]) or len(words[before]) < 3 \
                or not (words[before].isupper() or any(c.isdigit() for c in words[before])):
            continue
        if gazetteer.lookup("en", words[before]) is not None:
            continue
        fixed.append(Span(doc, before, before + 1, label="MISC"))
        decided[(before, before + 1)] = "MISC"
    for ent in ents:
        after = ent.end
        if after < n and lower[after] in _INDEX_QUALIFIERS:
            after += 1
        if after >= n or lower[after] != "index" or (ent.start, ent.end) in decided \
                or lower[ent.end - 1] in _EXCHANGE_HEADS or ent.label_ not in _NAME_LABELS:
            fixed.append(ent)
            continue
        entry = gazetteer.lookup("en", doc_facts.span_text(ent.start, ent.end))
        if entry is not None and entry.type in ("ORG", "LOC"):
            fixed.append(ent)
            continue
        decided[(ent.start, ent.end)] = "MISC"
        fixed.append(Span(doc, ent.start, ent.end, label="MISC", kb_id=ent.kb_id_))
    return sorted(fixed, key=SPAN_START)


# Press digests (Reuters' "PRESS DIGEST - Hungary - Dec 9": a country's papers, each heading its stories in
# capitals, "NEPSZABADSAG" alone on a line, or "AL-AHRAM President Hosni Mubarak urged ..."): the paper's name is
# an organisation; the model missed it or read a person or place (26 of dev_s32's 563 entities, session 32).
DIGEST_SIGNS = (("press", "digest"), ("vouch", "for"))
PAPER_MAX_WORDS = 5


def _capitals_word(text: str) -> bool:
    """A word in capitals of a paper's name: "NEPSZAVA", "AL-AHRAM", "TA"; not "U.S." nor a lone letter."""
    return len(text) > 1 and text.isupper() and all(c.isalpha() or c in "-'&" for c in text)


def _paper_word(text: str) -> bool:
    """A word of a paper's name alone on its line, in capitals or as the truecaser spelled it ("Hirlap", "Al-Ahram")."""
    return text[:1].isupper() and all(c.isalpha() or c in "-'&" for c in text)


def _is_digest(lower: Sequence[str]) -> bool:
    return any(lower[i] == first and lower[i + 1] == second for i in range(len(lower) - 1)
               for first, second in DIGEST_SIGNS)


_DIGEST_TRIGGERS = frozenset({"vouch", "digest"})  # a press digest's heading holds one of them


def press_digest_papers(doc: Doc, ents: list[Span], starts: Callable[[], Sequence[bool]],
                        decided: dict[tuple[int, int], str]) -> list[Span]:
    """English press digests: the words in capitals that open a line, alone on it, before " - " or before the
    story's first capitalised word, name a paper (ORG, recorded in `decided`, replacing what overlapped them).
    Not the headline ("PRESS DIGEST - HUNGARY") nor a dateline ("BUDAPEST 1996-12-09")."""
    if doc.lang_ != "en":
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    if not has_lower(doc, _DIGEST_TRIGGERS):
        return ents
    if not _is_digest(lower):
        return ents
    from worker.tagging import entity_sports

    papers: list[tuple[int, int]] = []
    for start, end in entity_sports.line_bounds(doc, starts()):
        if "digest" in lower[start:end]:
            continue  # the headline
        first = start + 1 if words[start].isdigit() and end - start > 1 else start  # "24 Chasa"
        if end - start <= PAPER_MAX_WORDS and _paper_word(words[first]) and all(
                _paper_word(w) or w.isdigit() or (w.isalpha() and w.islower()) for w in words[first + 1:end]):
            papers.append((start, end))  # the name alone on its line, as the truecaser spelled it ("Magyar
            continue  # Hirlap", "Daily nation", "Pagina 12"): a story's line ends in a full stop
        i = start
        while i < end and i - start < PAPER_MAX_WORDS and (
                _capitals_word(words[i]) or (i > start and words[i].isdigit())):
            i += 1
        if i == start or not any(_capitals_word(w) for w in words[start:i]):
            continue
        if i < end and not (words[i] in ("-", ":") or (words[i][:1].isupper() and not words[i].isupper())):
            continue  # a sentence that opens with an acronym ("IMF officials said"), or a dateline's date
        if i < end and _date_end(doc, i) is not None:
            continue
        papers.append((start, i))
    if not papers:
        return ents
    return as_decided(doc, ents, papers, "ORG", decided)


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
        if len(ent) == 1 and words[ent.start] == "Labour" and ent.end + 1 < len(doc) \
                and words[ent.end] == "Minister" and words[ent.end + 1][:1].isupper():
            continue  # "Labour Minister Jin Nyum": the portfolio (the party's minister would be "Labour minister")
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
        start = ent.start
        ent_end = end = ent.end
        if end - start == 1:
            fixed.append(ent)  # one word: no score to cut, no word inside
            continue
        while end - start > 1 and (_SCORE.match(words[end - 1]) or (
                end - start > 3 and words[end - 2] == "-" and is_digit[end - 1] and is_digit[end - 3])):
            end -= 1 if _SCORE.match(words[end - 1]) else 3  # "28-20", or "28 - 20" as spaCy splits it
        if end != ent_end:
            label = ent.label_
            if label not in ("PER", "PERSON", "ORG", "LOC", "GPE", "FAC"):  # "Bath 28-20" LAW: a team, not a law
                label = "GPE" if gazetteer.is_place("en", doc[start:end].text) else "ORG"
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


# Session 31 (en-news/dev_s31b.txt, 1996 world and business copy): three small facts of wire copy.
# Nouns after a place that make it the name of a treaty or accord (MISC in CoNLL-2003): "the Maastricht treaty",
# "the Oslo peace accords" (both LOC).
TREATY_NOUNS = frozenset({"treaty", "treaties", "accord", "accords", "pact", "protocol"})


# Units that stand capitalised and are no names ("70 degrees below zero Fahrenheit" ORG, session 32).
_UNITS = frozenset({"Fahrenheit", "Celsius", "Centigrade", "Kelvin"})
# Religious and noble titles before "of" and a place: "The Archbishop of Canterbury" gave "Archbishop" ORG; the
# place is the name ("Bishop" alone is also a surname: only before "of").
_TITLES_OF = frozenset({"archbishop", "bishop", "cardinal", "patriarch", "duke", "duchess", "earl", "prince",
                        "princess", "mayor", "governor", "chancellor", "dean", "abbot"})
# Titles that are no one's name, dropped alone anywhere (a headline's "ARCHBISHOP SAYS ..." carried its ORG to
# the story's "Archbishop of Canterbury" through the votes).
_LONE_TITLES = frozenset({"archbishop", "patriarch", "abbot"})
# Road words before a number: "Interstate 94" (the model had "Interstate" ORG), "Highway 1", "Route 66".
_ROAD_WORDS = frozenset({"Interstate", "Highway", "Route"})


def wire_terms(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English only: a currency symbol or a unit is no name ("HK$ 168.50" ORG, "Fahrenheit"); a title before "of"
    and a capitalised word is no name ("The Archbishop of Canterbury"); a road word and its number are a road (LOC,
    "Interstate 94"); a parenthesised acronym is a name of its own ("Guatemalan National Revolutionary Unity ( URNG"
    one ORG); a place before "treaty" or "(peace) accords" names the treaty (MISC, recorded in `decided`)."""
    if doc.lang_ != "en" or not ents:
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    n = len(doc)
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        if end - start == 1 and (words[start].endswith("$") or words[start] in _UNITS):
            continue  # "HK$", "A$", "US$", "Fahrenheit"
        if end - start == 1 and (lower[start] in _LONE_TITLES or (
                lower[start] in _TITLES_OF and end + 1 < n and lower[end] == "of" and words[end + 1][:1].isupper())):
            continue  # "Archbishop" of Canterbury, "ARCHBISHOP SAYS ..."
        if words[start] in _ROAD_WORDS and end - start <= 2 and (end - start == 2 or (
                end < n and words[end].isdigit())):
            road_end = start + 2 if end - start == 2 else end + 1
            if words[road_end - 1].isdigit():
                decided[(start, road_end)] = "LOC"
                fixed.append(Span(doc, start, road_end, label="LOC"))
                continue
        opening = next((k for k in range(start + 1, end - 1) if words[k] == "("), None) if end - start > 2 else None
        if opening is not None:
            closing = next((k for k in range(opening + 1, end) if words[k] == ")"), end)
            if closing - opening == 2 and words[opening + 1].isupper() and len(words[opening + 1]) > 1:
                fixed.append(Span(doc, start, opening, label=ent.label_, kb_id=ent.kb_id_))
                fixed.append(Span(doc, opening + 1, opening + 2, label=ent.label_))
                continue
        after = end + 1 if end < n and lower[end] == "peace" else end
        if end - start == 1 and after < n and lower[after] in TREATY_NOUNS and gazetteer.is_place("en", words[start]):
            decided[(start, end)] = "MISC"
            fixed.append(Span(doc, start, end, label="MISC", kb_id=ent.kb_id_))
            continue
        fixed.append(ent)
    return fixed


# First words of the courts a place's name opens: "Seoul District Court", "Santa Monica Superior Court" (the model
# gave the place LOC and the court ORG; every such court in our annotated English files is one ORG).
COURT_LEVELS = frozenset({"Superior", "District", "High", "Supreme", "Crown", "Magistrates", "County", "Circuit",
                          "Appeals", "Appeal", "Federal", "Constitutional", "Criminal", "Civil", "Municipal",
                          "Regional", "Military", "Provincial", "State", "Juvenile", "Family"})
_COURT_HEADS = frozenset({"Court", "Tribunal"})


def courts_of_places(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: a place right before a court's name is part of it ("Seoul" + "District Court" -> one ORG, recorded
    in `decided`), whether the model tagged the place or left it (a place the gazetteer or a dateline of the text
    knows: "Santa Monica"); not a country ("the U.S. Supreme Court", "Israel 's High Court" keep the country apart)."""
    if doc.lang_ != "en" or not ents:
        return ents
    doc_facts = facts(doc)
    words = doc_facts.words
    courts = [ent for ent in ents if ent.label_ == "ORG" and words[ent.end - 1] in _COURT_HEADS
              and words[ent.start] in COURT_LEVELS and ent.start > 0]
    if not courts:
        return ents
    countries = gazetteer.country_wikidata_ids()
    dateline_places = {doc_facts.span_text(a, b) for (a, b), label in decided.items() if label == "LOC"}

    def place_words(start: int, end: int) -> bool:
        text = doc_facts.span_text(start, end)
        if words[start] in ("U.S.", "US") or not all(w[:1].isupper() for w in words[start:end]):
            return False
        entry = gazetteer.lookup("en", text)
        if entry is not None and entry.wikidata in countries:
            return False
        return text in dateline_places or (entry is not None and entry.type == "LOC")

    by_end = {ent.end: ent for ent in ents}
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    joined: dict[Span, int] = {}
    for court in courts:
        before = by_end.get(court.start)
        if before is not None and before.label_ in ("GPE", "LOC") and place_words(before.start, before.end):
            joined[court] = before.start
            continue
        for k in (3, 2, 1):
            start = court.start - k
            if start >= 0 and taken.isdisjoint(range(start, court.start)) and place_words(start, court.start):
                joined[court] = start
                break
    if not joined:
        return ents
    starts = set(joined.values())
    fixed: list[Span] = []
    for ent in ents:
        if ent in joined:
            start = joined[ent]
            decided[(start, ent.end)] = "ORG"
            fixed.append(Span(doc, start, ent.end, label="ORG", kb_id=ent.kb_id_))
        elif ent.start in starts and any(ent.end == court.start for court in joined):
            continue  # the place, now inside the court's name
        else:
            fixed.append(ent)
    return fixed
