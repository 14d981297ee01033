"""Spans that are no names, cut back to the names in them (session 35, round 2).

On running text the model sometimes returns a span that runs over a word no name holds or across a line break:
"Erling Haaland put City" LOC, "Facebook after Parliament" ORG, "on X.\\nKejriwal" PER; and it keeps an event's or a
prize's year inside the name ("2014 PGA Championship"), where our annotated files (CoNLL-2003 conventions) leave the
year out ("the 2024 [MISC Booker Prize]"). Here a span is cut:
1. at a line break inside it (any language);
2. English: a PER, ORG or LOC span, at an inner lower-case word that is a common English word and that names do not
   hold (`NAME_WORDS`: the lower-case words inside the gold PER/ORG/LOC spans of our English files, and the particles
   of names in other languages); titles of works (MISC) hold any word and are left alone, and so does a word in
   brackets ("Mo ( wrestler )", a Wikipedia title's disambiguator);
3. English: a span that opens with a year (1900-2099) and goes on loses the year;
4. English: a span that opens with a plural noun of people, shares or amounts and "of" ("Shares of Nvidia",
   "Members of the Unite") is cut to what follows (round 7).
Each piece that opens with a capital keeps the span's type; the type layer checks it as any other span. As the rules'
last step, a span never begins or ends on a hyphen or a space ("Fly-" of "Fly-half", "LEO XIV\n"; `trim_span_ends`).
"""

from __future__ import annotations

import itertools
import re

import numpy
from spacy.tokens import Doc, Span

from worker.tagging.casing import zipf
from worker.tagging.entity_doc import NUMBER_LABELS, facts, has_word

# Lower-case words inside names: English joiners and the particles of names in other languages ("Partij van de
# Arbeid", "Daniel arap Moi", "Frankfurt am Main", "Abdulaziz bin Salman", "St James 's Hospital").
NAME_WORDS = frozenset({
    "of", "and", "for", "the", "in", "on", "upon", "at", "'s", "’s", "a", "an", "to", "&",
    "de", "du", "des", "la", "le", "les", "et", "sur", "sous", "aux", "au", "d'", "l'",
    "van", "von", "der", "den", "dem", "het", "ter", "te", "aan", "op", "zu", "zum", "zur", "am", "im", "und", "für",
    "y", "e", "i", "o", "da", "do", "dos", "das", "del", "della", "delle", "degli", "dei", "di", "las", "los", "lo",
    "il", "sul", "sulla", "dal", "dalla", "nel", "nella", "en", "ob", "auf", "bei", "unter", "über", "sobre",
    "al", "el", "bin", "ibn", "ben", "bint", "abu", "wa", "arap", "af", "av", "og",
})
# Only a common English word cuts ("put", "after", "with"), not a foreign word inside a foreign name ("Cimetière
# parisien de Pantin", "Jablonec nad Nisou"): wordfreq Zipf.
COMMON_ZIPF = 4.5
_TYPES_CUT = frozenset({"PERSON", "PER", "ORG", "GPE", "LOC", "FAC", "NORP"})
COLLECTIVE_PLURALS = frozenset({"Shares", "Members", "Residents", "Supporters", "Fans", "Officials", "Employees",
                                "Workers", "Thousands", "Hundreds", "Dozens", "Millions", "Citizens", "Leaders",
                                "Soldiers", "Troops", "Students", "Customers", "Passengers", "Investors",
                                "Shareholders"})
_HYPHENS = frozenset({"-", "–", "‐"})
_YEAR = re.compile(r"(?:19|20)\d\d")


def _breaks(words: list[str], start: int, end: int, inner_words: bool) -> list[int]:
    """The tokens of a span that end a name: a line break anywhere, a foreign lower-case word inside."""
    return [i for i in range(start, end) if "\n" in words[i] or (
        inner_words and start < i < end - 1 and words[i].islower() and words[i].isalpha()
        and words[i] not in NAME_WORDS and words[i - 1] != "("  # "Mo ( wrestler )": a title's disambiguator
        and zipf(words[i], "en") >= COMMON_ZIPF)]


def _narrowed(doc: Doc, ent: Span, start: int, end: int) -> Span:
    """The entity itself, or the same entity over tokens start..end."""
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_)


def span_hygiene(doc: Doc, ents: list[Span]) -> list[Span]:
    """The spans cut as the module's docstring says (1-4); the others unchanged."""
    if not ents:
        return ents
    words = facts(doc).words
    english = doc.lang_ == "en"
    result: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        if english and end - start > 2 and words[start] in COLLECTIVE_PLURALS and words[start + 1] == "of":
            start += 2 + (end - start > 3 and words[start + 2] == "the")  # "Members of the Unite"
            ent = _narrowed(doc, ent, start, end)
        if end - start == 1:
            result.append(ent)
            continue
        dated = english and ent.label_ not in NUMBER_LABELS  # a name may lose a leading year, a date keeps it
        cuts = _breaks(words, start, end, english and ent.label_ in _TYPES_CUT)
        if not cuts and not (dated and _YEAR.fullmatch(words[start])):
            result.append(ent)
            continue
        for a, b in itertools.pairwise([start - 1, *cuts, end]):
            a += 1
            if dated and b - a > 1 and _YEAR.fullmatch(words[a]):
                a += 1
            if a < b and words[a][:1].isupper():
                result.append(_narrowed(doc, ent, a, b))
    return result


# Words of 2020s news that are no names alone, as CoNLL-2003 tags common nouns (round 6): "spent on AI" (ORG three
# times in en-news/dev_s35.txt; "AI" stands 31 times in our English files and is never tagged alone), "named Finals
# MVP"; "Game 7" of a series.
NO_NAMES_EN = frozenset({"AI", "A.I.", "MVP"})
_GAME_WORDS = frozenset({"Game"})  # "Game 7"
_NUMBER_SIGNS = frozenset({"No", "No."})
# Every entity drop_no_names changes (not empty) holds one of these words: without them it changes nothing.
_NO_NAMES_TRIGGERS = NO_NAMES_EN | _GAME_WORDS | _NUMBER_SIGNS


def _number_sign(words: list[str], i: int) -> bool:
    """"No." or "No" (its stop a token of its own) before a number: "a posthumous No. 1 hit" (session 36)."""
    if words[i] not in _NUMBER_SIGNS:
        return False
    k = i + 1 + (words[i] == "No" and i + 1 < len(words) and words[i + 1] == ".")
    return k < len(words) and words[k][:1].isdigit()


def drop_no_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: the entities that are `NO_NAMES_EN` alone, "Game" + a number or "No." before a number go; a span
    ending in "MVP" loses it."""
    if all(ents) and not has_word(doc, _NO_NAMES_TRIGGERS):  # all(ents): no empty span (those go)
        return ents
    words = facts(doc).words
    result = []
    for ent in ents:
        start, end = ent.start, ent.end
        if words[end - 1] == "MVP":
            end -= 1
        if end == start or (end - start == 1 and words[start] in NO_NAMES_EN) \
                or (end - start == 2 and words[start] in _GAME_WORDS and words[start + 1].isdigit()) \
                or (end - start == 1 and _number_sign(words, start)):
            continue
        result.append(_narrowed(doc, ent, start, end))
    return result


def trim_span_ends(doc: Doc, ents: list[Span]) -> list[Span]:
    """The rules' last step: a span loses the hyphens and spaces at its ends ("Fly -" of "Fly-half" split by the
    tokenizer; "LEO XIV" and the headline's newline after it); a span that was only these goes."""
    doc_facts = facts(doc)
    words, space = doc_facts.words, doc_facts.is_space
    result = []
    for ent in ents:
        start, end = begin, stop = ent.start, ent.end
        while end > start and (space[end - 1] or (end - start > 1 and words[end - 1] in _HYPHENS)):
            end -= 1
        while start < end and space[start]:
            start += 1
        if start < end:
            result.append(ent if (start, end) == (begin, stop) else _narrowed(doc, ent, start, end))
    return result


# A move in algebraic notation with its piece (Dutch K D T L P, English K Q R B N): "Pf6", "Kxf7", "Tad1", "Nf3".
_PIECE_MOVE = re.compile(r"[KDTLPQRBN][a-h]?[1-8]?x?[a-h][1-8][+#!?]*")
# What else a game's notation holds: pawn moves and captures ("d4", "exf7"), castling, and the marks.
_CHESS_TOKEN = re.compile(r"(?:[KDTLPQRBN][a-h]?[1-8]?x?|[a-h]x?)?[a-h][1-8][+#!?]*|0-0(?:-0)?|O-O(?:-O)?|[+#!?]+")
CHESS_MOVES_MIN = 3


def _maybe_chess(word: str) -> bool:
    return len(word) <= 8 and (any(c.isdigit() for c in word) or word[:1] in "+#!?O")


def drop_chess_moves(doc: Doc, ents: list[Span]) -> list[Span]:
    """A newspaper's chess column prints its games ("12. Pf3 Pfd7 13. Dh6 + Kg8"), which a model reads as names ("Pf6"
    PER, "Dh6 + Kg8" ORG: 116 false entities in a third of CoNLL-2002's ned.train, session 37): in a document with at
    least `CHESS_MOVES_MIN` piece moves, an entity made only of chess notation goes."""
    words = facts(doc).words
    # the doc's piece moves first, on the few words that hold a digit (a move does: "Pf6"), before any entity is read
    if sum(1 for k in numpy.flatnonzero(facts(doc).digits).tolist()
           if _PIECE_MOVE.fullmatch(words[k])) < CHESS_MOVES_MIN:
        return ents
    # every token of the notation holds a digit but the marks and castling: the first word tells most names apart
    notation = [e for e in ents if _maybe_chess(words[e.start])
                and all(_CHESS_TOKEN.fullmatch(words[k]) for k in range(e.start, e.end))]
    if not notation:
        return ents
    dropped = {(e.start, e.end) for e in notation}
    return [e for e in ents if (e.start, e.end) not in dropped]


# An amount of money: a currency sign or a code ending in one ("HK$", "US$", "A$", "€", "£"), alone or glued to a
# number ("€14", "£391m"), numbers and scale words (session 45).
_CURRENCY = re.compile(r"[A-Z]{0,3}[$£€¥]\d[\d.,]*(?:m|bn|k)?|[A-Z]{0,3}[$£€¥]|\d[\d.,]*(?:m|bn|k)?")
_SCALE_WORDS = frozenset({"million", "billion", "trillion", "thousand", "mln", "bln", "bn", "m", "miljoen", "miljard",
                          "duizend"})
_CURRENCY_SIGNS = frozenset("$£€¥")


def drop_money(doc: Doc, ents: list[Span]) -> list[Span]:
    """An entity that is only an amount of money ("HK$ 68.50", "€14 million", "£25,000") is no name: the English model
    reads a Hong Kong price as an event (en-news/dev_s45), a euro amount as an organisation (dev_s41)."""
    doc_facts = facts(doc)
    if not any(sign in doc_facts.text for sign in _CURRENCY_SIGNS):  # most docs: no amount at all
        return ents
    words = doc_facts.words
    money = [e for e in ents if not _CURRENCY_SIGNS.isdisjoint(words[e.start])
             and all(_CURRENCY.fullmatch(words[k]) or words[k].lower() in _SCALE_WORDS for k in range(e.start, e.end))]
    if not money:
        return ents
    dropped = {(e.start, e.end) for e in money}
    return [e for e in ents if (e.start, e.end) not in dropped]
