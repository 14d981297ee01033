"""Country codes in brackets after a name: the results lists of a newspaper's sports pages.

"1 . Zabel ( Dui ) 3u15:58 -- 2 . Belli ( Ita ) z.t." lists riders or players, each with a bracketed code of their
country. A statistical model reads the bracket as a place-name context and types the rider LOC or ORG, and the
code, an abbreviation it rarely sees, ORG or PER. In CoNLL-2002's ned.train 834 of 962 bracketed two-to-four letter
words after a name are such a code after a person (session 37; ned.testa, which chose the earlier Dutch rules, has
none). Where a document has at least two such rows, the code is a place and the name before it a person. English
results print the country's name instead ("Ivanisevic ( Croatia ) beat Rafter ( Australia ) 6-3 6-4"), read alike.

A country's codes are derived from its names, not listed by hand (`country_codes`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache

import numpy
from spacy.tokens import Doc, Span

from worker.tagging import entity_doc, entity_given_names, entity_sports, gazetteer

# Rows a document needs before its bracketed codes are read as a results list.
MIN_ROWS = 2
# Lower-case words inside a person's name ("Di Biase", "van der Poel", "De la Cruz").
_PARTICLES = frozenset({"van", "der", "den", "de", "la", "le", "di", "da", "du", "von", "dos", "del", "ten", "ter"})
_LETTERS = re.compile(r"[^\W\d_]+")
_PLACE_LABELS = frozenset({"LOC", "GPE"})


def _codes_of(name: str) -> set[str]:
    """"Duitsland" -> "Dui", "DUI"; "Zuid-Afrika" -> also "ZA", "ZAf"; "Verenigde Staten" -> also "VS", "VSt"."""
    parts = _LETTERS.findall(name)
    if not parts:
        return set()
    first = "".join(parts)[:3]
    codes = {first[:1].upper() + first[1:].lower(), first.upper()} if len(first) == 3 else set()
    if len(parts) == 2 and len(parts[1]) >= 2:
        one, two = parts
        codes |= {one[0].upper() + two[0].upper(), one[0].upper() + two[0].upper() + two[1].lower()}
    return codes


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """Codes of every country and home nation (national teams): from its everyday Dutch and English names, and its ISO
    3166 alpha-3 code in title and upper case ("Svk", "SVK")."""
    import pycountry

    teams = gazetteer.national_team_ids()
    codes: set[str] = set()
    for entry in gazetteer.load_entries():
        if entry.wikidata in teams:
            for language in ("nl", "en"):
                names = entry.names.get(language, ())
                # the everyday name and the other names of one word ("Wit-Rusland"); official ones ("Franse
                # Republiek", "Argentine Republic") would give codes no paper prints ("FR", "AR")
                for name in names[:1] + tuple(n for n in names[1:] if " " not in n):
                    codes |= _codes_of(name)
    for country in pycountry.countries:
        codes |= {country.alpha_3, country.alpha_3.title()}
    return frozenset(codes)


def _bracketed_countries(doc: Doc) -> list[tuple[int, int]]:
    """Spans of countries right after "(" and before ")" or "/": a code ("( Dui )", "( Spa / Festina )") or, in
    English, a name the gazetteer knows as a national team ("( Croatia )", "( South Africa )")."""
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    codes = country_codes()
    language = doc.lang_
    found = []
    for k in _after_brackets(doc):
        # English copy prints a code in capitals ("( GER )"); its title-case words in brackets are mostly parties
        # ("Smith ( Con )", "( Ind )": Congo's and India's codes in a Dutch paper)
        if words[k] in codes and words[k + 1] in (")", "/") and (language != "en" or words[k].isupper()):
            found.append((k, k + 1))
            continue
        if language != "en":
            continue  # Dutch lists print codes; names changed nothing there (session 37, round 5)
        end = next((e for e in range(k + 1, min(k + 4, len(words))) if words[e] in (")", "/")), None)
        if end is not None and words[k][:1].isupper() \
                and gazetteer.is_national_team(language, doc_facts.span_text(k, end)):
            found.append((k, end))
    return found


def _after_brackets(doc: Doc) -> list[int]:
    """The position after each "(" but the doc's last two tokens (`[k + 1 for k, word in enumerate(words[:-2]) if word
    == "("]`), found on the ORTH array."""
    size = len(doc)
    return [k + 1 for k in numpy.flatnonzero(entity_doc.in_words(doc, entity_doc.OPEN_BRACKET)).tolist()
            if k < size - 2]


def _bracketed_teams(doc: Doc, countries: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """English: spans of one to three capitalised words of letters between "(" and ")" that are no country: a player's
    club or franchise ("( Newcastle )", "( LA Lakers )"); not a result mark ("( OT )")."""
    words = entity_doc.facts(doc).words
    taken = {start for start, _ in countries}
    found = []
    for k in _after_brackets(doc):
        end = next((e for e in range(k + 1, min(k + 4, len(words))) if words[e] == ")"), None)
        if k in taken or end is None:
            continue
        if all(words[i][:1].isupper() and words[i].replace(".", "").replace("'", "").isalpha()
               and words[i] not in entity_sports.RESULT_MARKS for i in range(k, end)):
            found.append((k, end))
    return found


def _name_before(doc: Doc, bracket: int) -> int | None:
    """Start of the capitalised name of one to four words (particles between them) right before the bracket."""
    doc_facts = entity_doc.facts(doc)
    words, space = doc_facts.words, doc_facts.is_space
    start, capitals = bracket, 0
    # not over a line break: a space token in running text, a sentence start in a document built from lines
    while start > 0 and not space[start - 1] and bracket - start < 6 \
            and not (start < bracket and doc[start].is_sent_start):
        word = words[start - 1]
        if word[:1].isupper() and any(c.isalpha() for c in word):
            capitals += 1
        elif word not in _PARTICLES or start == bracket:
            break
        start -= 1
    while start < bracket and words[start] in _PARTICLES:
        start += 1  # the name opens with a capital ("Di Biase"; a lower-case "van" before it is left out)
    if not 1 <= capitals <= 4 or not words[start][:1].isupper():
        return None
    return start


def _club_rows(doc: Doc, words: list[str], rows: list[tuple[int, int, int, int, str]]) -> set[tuple[int, int]]:
    """Names of rows that a score joins to the next row: "Vorskla ( Ukraine ) 2 Brondby ( Denmark ) 1", two clubs of a
    European cup's results, the score one digit (a person's row is followed by a time, "beat", or a golf round's two
    digits: "Olazabal ( Spain ) 70 Ernie Els ( South Africa )")."""
    clubs: set[tuple[int, int]] = set()
    for (start, end, _, code_end, _), (next_start, next_end, _, _, _) in itertools.pairwise(rows):
        score = code_end + 1  # the token after ")"
        if next_start == score + 1 and words[code_end] == ")" and words[score].isdigit() and len(words[score]) == 1 \
                and not doc[next_start].is_sent_start:  # the next row on the same line
            clubs.update({(start, end), (next_start, next_end)})
    return clubs


# What follows a home rider's name in a results list: a time ("3u15:58", "1:58", "12\""), a dash or "z.t." (session 37's
# round 15, shipped in session 38's round 8).
_AFTER_RIDER = re.compile(r'^(\d+u\d{2}(:\d{2})?|\d+:\d{2}|\d+"|--|z\.t\.?)$')


def _home_riders(doc: Doc, rows: list[tuple[int, int, int, int, str]]) -> list[tuple[int, int]]:
    """Dutch results lists print home riders without a code: "17 . Farazijn 1:58", "1 . Vermeersch 2:02" - a name
    of one to four capitalised words after a rank ("17 .") and before a time, "--", "z.t." or "op" and a gap."""
    words = entity_doc.facts(doc).words
    taken = {i for start, _, _, code_end, _ in rows for i in range(start, code_end)}
    found = []
    for k in range(len(words) - 3):
        if not (words[k].isdigit() and words[k + 1] == "."):
            continue
        j = k + 2
        while j < len(words) and j - k - 2 < 6 and (words[j][:1].isupper() or (j > k + 2 and words[j] in _PARTICLES)):
            j += 1
        capitals = sum(words[i][:1].isupper() for i in range(k + 2, j))
        gap = j + 1 < len(words) and words[j] == "op" and _AFTER_RIDER.match(words[j + 1])  # "op 22\"", "op 1:02"
        if 1 <= capitals <= 4 and j < len(words) and (_AFTER_RIDER.match(words[j]) or gap) \
                and words[j - 1] not in _PARTICLES and taken.isdisjoint(range(k + 2, j)):
            found.append((k + 2, j))
    return found


def country_code_rows(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str],
                      sports: Callable[[], bool] | None = None, teams: bool = False,
                      home_riders: bool = False) -> list[Span]:
    """Results lists: in a document with at least `MIN_ROWS` rows "Name ( CODE )" or "Name ( Country )", each country
    is LOC and the name before it PER, unless the gazetteer knows the name as a place or organisation, or the model
    read a town of GeoNames' list as a place ("Roubaix ( Fra )"), or the club list knows it; `sports`, when given,
    says whether the document is sports copy (English rows are read only there). `teams` (English, session 38): rows
    "First Last ( Team )" count too, the bracketed team a club (ORG): "Michael Jordan ( Chicago ) 18 532 29.6", where
    they are at least as many as the country rows and the bracket does not open with a given name (a jockey)."""
    if not entity_doc.has_word(doc, entity_doc.OPEN_BRACKET):
        return ents
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    rows = []
    countries = _bracketed_countries(doc)
    for code, code_end in countries:
        start = _name_before(doc, code - 1)
        if start is not None:
            rows.append((start, code - 1, code, code_end, "LOC"))
    if teams:
        team_rows = []
        given = entity_given_names.given_names()[0]
        for code, code_end in _bracketed_teams(doc, countries):
            start = _name_before(doc, code - 1)
            if start is not None and sum(words[i][:1].isupper() for i in range(start, code - 1)) >= 2 \
                    and not (code_end - code > 1 and words[code] in given):  # "( Frankie Dettori )": a jockey
                team_rows.append((start, code - 1, code, code_end, "ORG"))
        if len(team_rows) >= len(rows):  # a list is of one kind: "Ato Boldon ( Trinidad )" among countries is one
            rows = sorted(rows + team_rows)
    if len(rows) < MIN_ROWS or (sports is not None and not sports()):
        return ents  # English: only sports copy ("Royal Dutch Shell ( Netherlands ), Eni ( Italy )" are companies)
    if home_riders:  # Dutch: rows of the home riders, with no code (their own "code" span is empty)
        rows = sorted(rows + [(start, end, end, end, "") for start, end in _home_riders(doc, rows)])
    model_places = {(e.start, e.end) for e in ents if e.label_ in _PLACE_LABELS}
    language = doc.lang_
    clubs = _club_rows(doc, words, rows) if language == "en" else set()
    new: list[Span] = []
    for start, end, code, code_end, label in rows:
        if code_end > code:
            new.append(Span(doc, code, code_end, label=label))
        if (start, end) in clubs:
            new.append(Span(doc, start, end, label="ORG"))
            continue
        name = doc_facts.span_text(start, end)
        entry = gazetteer.exact_lookup(language, name)
        if entry is not None and entry.type in ("LOC", "ORG"):
            continue
        if (start, end) in model_places and name in gazetteer.geonames_towns():
            continue  # a town the model read as one: a stage's finish, "Roubaix ( Fra )"
        if name in entity_sports.club_texts():
            continue  # a club of a European cup's results: "Schalke ( Germany ) 1 Valencia ( Spain ) 1"
        new.append(Span(doc, start, end, label="PER"))
    # an entity running out of a row's name or code (across the bracket) is the model's misreading: it goes too
    return entity_doc.layout_wins(ents, new, decided)
