"""Titles of works told by their prize or their kind (English, session 35, round 3), or by their year (session 36).

News names a film, book or song it does not explain as a work in two ways the model misses (it types them ORG, LOC
or PER, as any capitalised run): with the prize it won or is up for ("won best screenplay for Young Mothers", "the
Golden Bear in Berlin for Taxi", "best director for The Secret Agent"), and with its kind after a comma
("Sentimental Value , a family drama by Joachim Trier"). Both are titles of works, MISC in CoNLL-2003:
- a name right after "for" in a sentence with a prize word (`PRIZE_WORDS`, or "best" before a category) is a
  title; an article right after "for" opens it ("for The Secret Agent"); not a person whose first word is a known
  given name ("an award for Emma Stone" is about her), nor a category ("nominated for Best Actor");
- a name followed by ", a|an", at most three lower-case words, then a noun of works (`WORK_NOUNS`) is a title.
In both languages, in a document that names a kind of work (a film, series, album, novel ...), a name followed by a
year alone in brackets is a work dated by its release ("Blue Velvet (1986)", "The Fabelmans (2022)"; all 15 such gold
entities of our annotated news files are MISC). A person's dates are a range or an age ("Robert Redford (1936-2025)",
"David Lynch (78)") and do not match; elsewhere the pattern dates anything (WikiANN: "Cesar Acevedo (1999)",
"Armenia (1995)", "University of Notre Dame (2009)"), hence the document's condition.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
from spacy.tokens import Doc, Span

from worker.tagging import entity_given_names
from worker.tagging.entity_doc import (
    NUMBER_LABELS,
    LastDoc,
    as_decided,
    facts,
    has_lower,
    has_word,
    in_words,
    sentence_bounds,
)

# Words of a sentence about a prize: lower-case ones, and names of prizes as written ("Lion", not the verb "bear").
PRIZE_WORDS = frozenset({"prize", "prizes", "award", "awards", "nominated", "nomination", "nominations", "shortlisted",
                         "Palme", "Lion", "Bear", "Globe", "Globes", "Oscar", "Oscars", "Booker", "BAFTA", "Bafta",
                         "BAFTAs", "Emmy", "Emmys", "Grammy", "Grammys"})
# "best" is a prize word only before a category: "best director for The Secret Agent", not "the best season for Leeds"
BEST_OF = frozenset({"actor", "actress", "director", "screenplay", "film", "picture", "album", "song", "novel",
                     "documentary", "score", "cinematography", "play", "musical", "series", "drama", "comedy"})
WORK_NOUNS = frozenset({"film", "movie", "drama", "comedy", "thriller", "documentary", "novel", "memoir", "album",
                        "song", "single", "series", "sitcom", "play", "musical", "opera", "biopic", "ballad", "book",
                        "novella", "podcast", "miniseries", "anthem"})
_BEST = frozenset({"best"})  # a prize word before a category (BEST_OF)
# English nouns of works, singular or plural: the words `_names_kind_of_work` accepts in English.
_WORK_NOUN_FORMS = WORK_NOUNS | frozenset(noun + "s" for noun in WORK_NOUNS)
_ARTICLES = frozenset({"The", "A", "An"})
_PERSON_LABELS = frozenset({"PERSON", "PER"})
_MAX_KIND_WORDS = 3
_NOT_RETYPED = NUMBER_LABELS | {"WORK_OF_ART", "MISC"}  # titles already, or no names
_RELEASE_YEAR = re.compile(r"^(18[89]\d|19\d\d|20[0-3]\d)$")


def _best_category(words: list[str], lower: list[str], k: int, end: int) -> bool:
    """A prize category after "best": "director", or one or two lower-case words before it ("adapted screenplay",
    "supporting actress"; session 36)."""
    for j in range(k, min(end, k + 3)):
        if lower[j] in BEST_OF:
            return True
        if not words[j].islower():
            return False
    return False


def _kind_follows(words: list[str], lower: list[str], end: int) -> bool:
    """", a family drama", ", an animated film": a comma, an article, up to three lower-case words, a work noun."""
    if end + 2 >= len(words) or words[end] != "," or lower[end + 1] not in ("a", "an"):
        return False
    for k in range(end + 2, min(len(words), end + 3 + _MAX_KIND_WORDS)):
        if lower[k] in WORK_NOUNS:
            return True
        if not words[k].islower():
            return False
    return False


def works_by_prize_or_kind(doc: Doc, ents: list[Span], starts: list[bool],
                           decided: dict[tuple[int, int], str]) -> list[Span]:
    """The entities that are titles of works by the module's two rules, as MISC (WORK_OF_ART)."""
    if not (has_word(doc, PRIZE_WORDS) or has_lower(doc, WORK_NOUNS) or (has_lower(doc, _BEST)
                                                                         and has_lower(doc, BEST_OF))):
        return ents  # no prize word, no "best" and a category, no noun of works: neither rule finds a title
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    given = entity_given_names.given_names()[0]
    titles: list[tuple[int, int]] = []
    for ent in ents:
        if ent.label_ in _NOT_RETYPED or not words[ent.start][:1].isupper():
            continue
        start = ent.start
        if start > 1 and words[start - 1] in _ARTICLES and lower[start - 2] == "for":
            start -= 1  # "for The Secret Agent": the model left the article out
        if start > 0 and lower[start - 1] == "for":
            if ent.label_ in _PERSON_LABELS and words[ent.start] in given:
                continue
            begin, end = sentence_bounds(starts, start)
            if words[start] != "Best" and any(
                    words[k] in PRIZE_WORDS or (lower[k] in _BEST and _best_category(words, lower, k + 1, end))
                    for k in range(begin, end)):
                titles.append((start, ent.end))
                continue
        if _kind_follows(words, lower, ent.end):
            titles.append((ent.start, ent.end))
    if not titles:
        return ents
    return as_decided(doc, ents, titles, "MISC", decided, span_label="WORK_OF_ART")


# Dutch nouns of works whose titles run on over lower-case words ("de film Zout op de Huid", "haar roman Het Huis
# aan de Dnipro"; `entity_rules.extend_work_titles`), and the endings that make a compound one of them too
# ("misdaadreeks", "sciencefictionfilm"; session 36).
TITLE_NOUNS = {"nl": ("film", "speelfilm", "documentaire", "boek", "roman", "debuutroman", "album", "single", "serie",
                      "tv-serie", "televisieserie", "voorstelling", "musical", "opera", "toneelstuk", "podcast",
                      "bundel", "dichtbundel", "novelle", "thriller", "reeks")}
WORK_NOUN_ENDINGS = {"nl": ("film", "serie", "reeks", "roman", "boek", "album", "documentaire")}


@lru_cache(maxsize=4096)
def is_work_noun(word: str, language: str) -> bool:
    """A lower-case noun of works (TITLE_NOUNS), or a Dutch compound ending in one (WORK_NOUN_ENDINGS)."""
    return word in TITLE_NOUNS.get(language, ()) or any(
        word.endswith(ending) and len(word) > len(ending) + 2 for ending in WORK_NOUN_ENDINGS.get(language, ()))


def _names_kind_of_work(word: str, language: str) -> bool:
    """A noun of works, singular or plural ("films", "albums"; Dutch "misdaadreeks", "romans")."""
    if language == "en":
        return word in WORK_NOUNS or (word.endswith("s") and word[:-1] in WORK_NOUNS)
    return is_work_noun(word, language) or (word.endswith(("s", "'s")) and is_work_noun(word.rstrip("s'"), language))


def _culture_of(doc: Doc) -> bool:
    language = doc.lang_
    if language == "en":
        return has_lower(doc, _WORK_NOUN_FORMS)  # the same as the test below, on the doc's set of words
    return any(_names_kind_of_work(word, language) for word in facts(doc).lower_set)


# Whether a document names a kind of work anywhere (a film, series, album, novel ...): the condition of the year,
# quote and possessive rules, read once per doc.
names_kinds_of_work = LastDoc(_culture_of)


def works_by_year(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """The entities followed by "(", a year, ")" as MISC titles of works (see the module), except persons whose
    first word is a known given name ("Jackie Brown (1997)" stays as the model has it)."""
    doc_facts = facts(doc)
    words = doc_facts.words
    given = None
    titles: list[tuple[int, int]] = []
    culture: bool | None = None  # whether the document names a kind of work anywhere, computed when first needed
    for ent in ents:
        end = ent.end
        if ent.label_ in _NOT_RETYPED or end + 2 >= len(words) or words[end] != "(" or words[end + 2] != ")" \
                or not _RELEASE_YEAR.match(words[end + 1]) or not words[ent.start][:1].isupper():
            continue
        if culture is None:
            culture = names_kinds_of_work(doc)
        if not culture:
            return ents
        if ent.label_ in _PERSON_LABELS:
            if given is None:
                given = entity_given_names.given_names()[0]
            if words[ent.start] in given:
                continue
        titles.append((ent.start, end))
    if not titles:
        return ents
    return as_decided(doc, ents, titles, "MISC", decided, span_label="WORK_OF_ART" if doc.lang_ == "en" else "MISC")


# Quotes that open and close a title in running text and in CoNLL tokens.
_OPEN = frozenset({'"', "“", "``"})
_CLOSE = frozenset({'"', "”", "''"})
_MAX_TITLE_WORDS = 8
# Words a title keeps in lower case ("Help Me Make It Through the Night", "Me and Bobby McGee").
TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "with",
                               "from", "by", "as", "into", "over", "vs", "vs."})
_TITLE_MARKS = frozenset({"'s", "’s", "&", "-", "–", ":", "!", "?", "'"})


def _title_end(words: list[str], lower: list[str], i: int) -> int | None:
    """The closing quote of a title opened by the quote at i, or None: one to eight words, the first capitalised,
    every word capitalised, a short function word or a title mark; no comma or full stop."""
    for j in range(i + 1, min(len(words), i + _MAX_TITLE_WORDS + 2)):
        word = words[j]
        if word in _CLOSE:
            return j if j > i + 1 else None
        if j == i + 1 and not (word[:1].isupper() and word[:1].isalpha()):
            return None
        if not (word[:1].isupper() or word[:1].isdigit() or lower[j] in TITLE_SMALL_WORDS or word in _TITLE_MARKS):
            return None
    return None


def quoted_titles(doc: Doc, ents: list[Span], starts: list[bool], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: a name that fills a pair of double quotes is a title of a work, MISC (see TITLE_SMALL_WORDS and
    `_title_end` for what a title looks like; all 42 such gold entities of our English files are MISC): when the
    model found a name inside it or it has two capitalised words or more, the gazetteer does not know the whole as a
    person, organisation or place, and no person stands right before or after the quotes (a nickname)."""
    from worker.tagging import gazetteer

    if not has_word(doc, _OPEN):
        return ents
    words, lower = facts(doc).words, facts(doc).lower
    if not names_kinds_of_work(doc):
        return ents  # WikiANN's lone lines: " Some Die Young " (ORG there), " Federal Hill " (LOC)
    owner = {i: ent for ent in ents for i in range(ent.start, ent.end)}
    titles: list[tuple[int, int]] = []
    inside_quotes = False  # '"' both opens and closes: only one that opens a pair, counted within the sentence
    for i, word in enumerate(words):
        if starts[i]:
            inside_quotes = False
        if word == '"':
            inside_quotes = not inside_quotes
            if not inside_quotes:
                continue  # this one closes a pair
        elif word not in _OPEN:
            continue
        end = _title_end(words, lower, i)
        if end is None or any(starts[k] for k in range(i + 1, end)):
            continue
        inside = {owner[k] for k in range(i + 1, end) if k in owner}
        if any(ent.start <= i or ent.end > end for ent in inside) or any(ent.label_ in NUMBER_LABELS for ent in inside):
            continue  # a name that runs past the quotes, or a number
        if len(inside) == 1 and (first := next(iter(inside))).label_ in _NOT_RETYPED \
                and (first.start, first.end) == (i + 1, end):
            continue  # a title filling the quotes already
        if not inside and sum(1 for k in range(i + 1, end) if words[k][:1].isupper()) < 2:
            continue
        beside = (owner.get(i - 1), owner.get(end + 1))
        if any(ent is not None and ent.label_ in _PERSON_LABELS for ent in beside):
            continue  # Dwayne " The Rock " Johnson
        entry = gazetteer.lookup("en", " ".join(words[i + 1:end]))
        if entry is not None and entry.type != "MISC":
            continue
        titles.append((i + 1, end))
    if not titles:
        return ents
    return as_decided(doc, ents, titles, "MISC", decided, span_label="WORK_OF_ART")


_POSSESSIVES = frozenset({"'s", "’s", "'", "’"})


def possessive_titles(doc: Doc, ents: list[Span], starts: list[bool], decided: dict[tuple[int, int], str]
                      ) -> list[Span]:
    """English, in a document that names a kind of work: a name right after a person's possessive is the person's
    work ("Christopher Nolan 's Oppenheimer", "Dolly Parton 's Jolene"), MISC, unless the lists know it as a person,
    organisation or place; and a title preceded by a capitalised "The" inside a sentence takes it ("in The
    Holdovers"). Session 36."""
    from worker.tagging import gazetteer
    from worker.tagging.entity_heads import head_type

    if not names_kinds_of_work(doc):
        return ents  # the document's condition (read at the end as well): nothing to look for
    words = facts(doc).words
    owner = {i: ent for ent in ents for i in range(ent.start, ent.end)}
    titles: list[tuple[int, int]] = []
    for ent in ents:
        start = ent.start
        if start >= 2 and words[start - 1] in _POSSESSIVES and ent.label_ not in _NOT_RETYPED \
                and words[start][:1].isupper() and not starts[start]:
            person = owner.get(start - 2)
            if person is not None and person.label_ in _PERSON_LABELS:
                entry = gazetteer.lookup("en", " ".join(words[start:ent.end]))
                if (entry is None or entry.type == "MISC") \
                        and head_type(tuple(words[start:ent.end]), "en") is None:  # "Arafat 's Palestinian Authority"
                    titles.append((start, ent.end))
                    continue
        if ent.label_ == "WORK_OF_ART" and start >= 1 and words[start - 1] == "The" and not starts[start - 1] \
                and start - 1 not in owner:
            titles.append((start - 1, ent.end))
    if not titles or not names_kinds_of_work(doc):  # the document's condition, read only for a candidate
        return ents
    return as_decided(doc, ents, titles, "MISC", decided, span_label="WORK_OF_ART")


# Nouns of works after which a title stands set off by commas ("second album , Night Ferries , was"), session 48.
APPOSITIVE_WORK_NOUNS = WORK_NOUNS | frozenset({"game", "ep", "record", "track"})
_WRITTEN_WORK_NOUNS = APPOSITIVE_WORK_NOUNS | frozenset({"EP"})  # lower-case as written, and the capitals of "EP"
_TITLE_JOINERS = frozenset({"of", "the", "a", "an", "and", "in", "on", "to", "for", "with", "from", "at", "by", "or"})
_APPOSITIVE_MAX_WORDS = 8
# Prepositions of an opening phrase ("In the film , De Niro , 80 , plays", "After the game , Arteta , whose side"):
# the comma closes the phrase, and a name after it is the sentence's subject (session 48's second review).
_OPENING_PREPOSITIONS = frozenset({"in", "on", "after", "before", "during", "off", "at", "from", "throughout", "into",
                                   "for", "since", "with", "back"})
_PERSON_AFTER_COMMA = frozenset({"who", "whose"})
_HONORIFICS = frozenset({"Sir", "Dame", "Lord", "Lady"})


def appositive_titles(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: a title set off by commas right after its lower-case work noun ("Pale Harbour 's second album , Night
    Ferries , was shortlisted", "Its last game , Lanterns of the Tay , sold"): capitalised words, lower-case joiners
    inside, at most eight words, closed by a comma; MISC, replacing what overlapped it, unless the lists know the name
    as a person, organisation or place or the model read a person opening with a given name (session 48). Not after
    an opening phrase ("In the film , De Niro , 80 ,": a preposition among the lower-case words before the noun), nor
    when an age or "who"/"whose" follows the closing comma (session 48's second review)."""
    from worker.tagging import gazetteer
    from worker.tagging.casing import name_types

    if doc.lang_ != "en" or not has_lower(doc, APPOSITIVE_WORK_NOUNS):
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    owner = {i: ent for ent in ents for i in range(ent.start, ent.end)}
    titles: list[tuple[int, int]] = []
    n = len(words)
    for i in numpy.flatnonzero(in_words(doc, _WRITTEN_WORK_NOUNS)).tolist():  # the nouns as written, lower-case
        if i >= n - 3 or words[i + 1] != ",":
            continue
        start = end = i + 2
        while end < n and end - start < _APPOSITIVE_MAX_WORDS and (
                words[end][:1].isupper() or words[end][:1].isdigit() or (end > start and lower[end] in _TITLE_JOINERS)):
            end += 1
        if end == start or end >= n or words[end] != "," or not words[end - 1][:1].isalnum() \
                or lower[end - 1] in _TITLE_JOINERS:
            continue
        if end + 1 < n and (words[end + 1][:1].isdigit() or lower[end + 1] in _PERSON_AFTER_COMMA):
            continue  # ", Streep , 74 ,", ", Arteta , whose side": a person
        back = i - 1
        while back >= 0 and i - back <= 4 and words[back].islower() and lower[back] not in _OPENING_PREPOSITIONS:
            back -= 1
        if back >= 0 and i - back <= 4 and lower[back] in _OPENING_PREPOSITIONS:
            continue  # an opening phrase
        name = doc_facts.span_text(start, end)
        entry = gazetteer.lookup("en", name)
        if (entry is not None and entry.type != "MISC") or name_types("en").get(name) in ("PER", "ORG", "LOC"):
            continue
        model = owner.get(start)
        if model is not None and model.label_ in _PERSON_LABELS \
                and (entity_given_names.is_given_name(words[start]) or words[start] in _HONORIFICS):
            continue  # "the film , Steven Spielberg , ...": a person
        titles.append((start, end))
    if not titles:
        return ents
    return as_decided(doc, ents, titles, "MISC", decided, span_label="WORK_OF_ART")

