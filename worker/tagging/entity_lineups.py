"""A team's line-up in Dutch sports copy: "Frankrijk : Barthez , Lizarazu , Desailly , Blanc , Thuram , Vieira ,
Petit , Zidane , Deschamps , Djorkaeff en Henry ."

A model trained on prose reads many of the surnames of such a list as places (in fold 0 of ned.train a third of
them; session 37). After a name and a colon, a run of at least `MIN_ITEMS` items joined by commas or semicolons
(Flemish papers part a team's lines with them) and "en" before the last, each one to three capitalised words
(particles between them) and maybe a substitution in brackets ("( 76' Anelka )", "( 60e Mertens )"), up to the
sentence's end: each item is a person, unless the gazetteer knows it as a place or an organisation (session 37's
round 14, revised and decided in session 38's round 8 on its own decision data; semicolons and ordinal minutes
session 45).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc, Span

from worker.tagging import entity_doc, gazetteer
from worker.tagging.entity_given_names import PERSON_LABEL

MIN_ITEMS = 5
# Lower-case words inside a Dutch person's name ("Van der Sar", "F. de Boer").
PARTICLES = frozenset({"van", "der", "den", "de", "te", "ter", "ten", "het", "'t", "la", "le", "di", "da", "du", "von",
                       "dos"})
_ENDS = frozenset({".", "!", "?"})
_MINUTE = re.compile(r"^\d{1,3}(?:'|e|ste)$")  # "76'", and Flemish papers' "60e", "60ste"


def _item_end(words: list[str], i: int, end: int) -> int:
    """The end of one item (one to three capitalised words, particles between them) starting at i; i when none."""
    j, capitals = i, 0
    while j < end and (words[j][:1].isupper() or (j > i and words[j] in PARTICLES)):
        capitals += words[j][:1].isupper()
        j += 1
    while j > i and words[j - 1] in PARTICLES:
        j -= 1
    return j if words[i][:1].isupper() and 1 <= capitals <= 3 else i


_JOINERS = {"nl": frozenset({",", ";", "en"}), "en": frozenset({",", ";", "and"})}


def _lineup(words: list[str], start: int, end: int, joiners: frozenset[str] = _JOINERS["nl"],
            teams: frozenset[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The items of a line-up in the line start..end, or none. `teams`: when given, the words before the colon must be
    one of these entities (English: "Ayr United :", not "Tags :" or "Ingredients :")."""
    colon = next((k for k in range(start + 1, end) if words[k] == ":"), None)
    if colon is None or not words[start][:1].isupper() or (teams is not None and (start, colon) not in teams):
        return []
    while end > colon + 1 and words[end - 1] in _ENDS:
        end -= 1
    items, i = [], colon + 1
    while i < end:
        j = _item_end(words, i, end)
        if j == i:
            return []
        items.append((i, j))
        j = _substitution(words, j, end, items)
        if j == end:
            break
        if words[j] not in joiners:  # Flemish and British papers part the team's lines with ";" (sessions 45, 46)
            return []
        i = j + 1
    return items if len(items) >= MIN_ITEMS and i < end else []


def _substitution(words: list[str], j: int, end: int, items: list[tuple[int, int]]) -> int:
    """After an item, a substitution in brackets, "( 76' Anelka )": its player joins `items`; the index after it (j
    itself when there is none)."""
    if j + 3 < end and words[j] == "(" and _MINUTE.match(words[j + 1]):
        first = j + 2
    elif j + 4 < end and words[j] == "(" and words[j + 1].isdigit() and words[j + 2] == "'":
        first = j + 3  # running text: the tokenizer splits "76'" into "76" and "'"
    elif j + 3 < end and words[j] == "(" and words[j + 1][:1].isupper():
        k = _item_end(words, j + 1, end)  # British papers: the player, then the minute, "( Baird 71 )"
        if j + 1 < k < end - 1 and words[k].isdigit() and words[k + 1] == ")":
            items.append((j + 1, k))
            return k + 2
        return j
    else:
        return j
    k = _item_end(words, first, end)
    if k > first and k < end and words[k] == ")":
        items.append((first, k))
        return k + 1
    return j


def lineup_persons(doc: Doc, ents: list[Span], lines: Callable[[], list[tuple[int, int]]],
                   decided: dict[tuple[int, int], str]) -> list[Span]:
    """Dutch and English: the players of a line-up are persons (see the module docstring); `decided` receives their
    type."""
    if not entity_doc.has_word(doc, entity_doc.COLON):
        return ents
    words = entity_doc.facts(doc).words
    bounds = lines()
    # running text: the sentence splitter ends a sentence at the team's colon ("Frankrijk:" / "Barthez, Thuram, ...")
    # and at each semicolon of a Flemish line-up ("Westerlo:" / "Van Hout;" / "Geraerts, ...;" / "Delen, ...")
    joined = list(bounds)
    for n, (start, end) in enumerate(bounds):
        k = n
        while words[end - 1] in (":", ";") and k + 1 < len(bounds) and (k > n or words[end - 1] == ":"):
            k += 1
            end = bounds[k][1]
        if k > n:
            joined.append((start, end))
    language = doc.lang_
    joiners = _JOINERS.get(language, _JOINERS["nl"])
    # English: the team before the colon is a name the model found ("Tags : Politics , Economy , ..." is no team
    # sheet; the session-46 review)
    teams = frozenset((e.start, e.end) for e in ents) if language == "en" else None
    players: dict[tuple[int, int], None] = {}  # (a line read alone and joined to the next finds its players twice)
    for start, end in joined:
        players.update((item, None) for item in _lineup(words, start, end, joiners, teams)
                       if _may_be_person(words, *item, language))
    if not players:
        return ents
    label = PERSON_LABEL.get(language, "PER")
    return entity_doc.layout_wins(ents, [Span(doc, a, b, label=label) for a, b in players], decided)


def _may_be_person(words: list[str], start: int, end: int, language: str = "nl") -> bool:
    """Not a name the gazetteer knows as a place or an organisation."""
    entry = gazetteer.exact_lookup(language, " ".join(words[start:end]))
    return entry is None or entry.type not in ("LOC", "ORG")


_ORDINAL_MINUTE = re.compile(r"^\d{1,3}(?:e|ste|de)$")
_REFEREE_WORDS = frozenset({"Scheidsrechter", "Ref", "Arbiter", "Scheidsrechters"})


def report_lines(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Dutch: a Flemish match report's lines. A minute written as an ordinal opens no name ("44e Brogno" in
    "Doelpunten : 12e Kristinsson ( 0-1 ) , 44e Brogno ( 1-1 )"), and the name after "Scheidsrechter :" is a person
    ("Scheidsrechter : Allaerts ."), unless the gazetteer knows it as a place or an organisation (session 45)."""
    if not entity_doc.has_word(doc, entity_doc.COLON):
        return ents
    words = entity_doc.facts(doc).words
    result = []
    for ent in ents:
        if ent.end - ent.start > 1 and ent.label_ == "PER" and _ORDINAL_MINUTE.match(words[ent.start]):
            # a person only: "2e Kamer" is the Tweede Kamer
            ent = Span(doc, ent.start + 1, ent.end, label=ent.label_)
        result.append(ent)
    if not entity_doc.has_word(doc, _REFEREE_WORDS):
        return result
    referees = []
    for k in range(len(words) - 2):
        if words[k] in _REFEREE_WORDS and words[k + 1] == ":":
            end = _item_end(words, k + 2, min(len(words), k + 6))
            if end > k + 2 and _may_be_person(words, k + 2, end):
                referees.append(Span(doc, k + 2, end, label="PER"))
    return entity_doc.layout_wins(result, referees, decided) if referees else result
