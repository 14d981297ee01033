"""Persons found by their given name: "Steffi Graf", "Goran Ivanisevic" where the model saw nothing (issue 13).

A run of capitalised words that opens with a given name (`data/given_names.txt`, built by
`scripts/build_given_names.py` from Faker's first-name lists and our name lists) and goes on with one to three
surname words is a person's name:
- where no entity covers any of its words, it is added as a person ("Dudi Sela beat ...", "Voiced by Hideo
  Ishikawa");
- where the model read exactly that run as one organisation or place ("Walter Elmer Ekblaw" ORG), or found
  only a part of it as a person ("Maria Enrica" of "Maria Enrica Spacca"), it becomes one person;
unless the gazetteer or the name lists know the whole name as something else ("Philip Morris", "Alice Springs").
A run is left alone when a capitalised word other than a title or a nationality stands right before it ("Fort
William Henry"), when a word of it is a kind-word ("Clay County", "John Lewis Partnership", "Vanda Insights") or a
stop word, when it holds two entities or one that is no person ("de Brit John Watson"), when a name the rules
already decided overlaps it, or when it runs on into more capitalised words. Particles and initials stand only
before the surname, a sentence start ends the run, and a given name with a surname after a surname starts the
next person ("Todd Woodbridge Mark Woodforde"). A given name that is also a common word ("Mark") counts only
inside a sentence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

from spacy.tokens import Doc, Span

from worker.tagging import entity_heads, gazetteer
from worker.tagging.casing import first_names, name_types, sentence_starts
from worker.tagging.entity_doc import facts
from worker.tagging.gazetteer import given_names

PATH = gazetteer.GIVEN_NAMES_PATH
MAX_SURNAME_WORDS = 3
PARTICLES = frozenset({"van", "de", "der", "den", "ter", "ten", "von", "da", "di", "do", "dos", "das", "del", "della",
                       "du", "le", "la", "bin", "ibn", "al", "el", "'t"})
PERSON_LABEL = {"en": "PERSON", "nl": "PER"}  # the models' own label for a person
_PERSON_LABELS = frozenset({"PER", "PERSON"})
_STOP_HEADS = frozenset({"Day", "Award", "Awards", "Prize", "Street", "Hotel", "School", "College", "Hospital",
                         "Church", "Bridge", "Station", "Island", "Islands", "River", "Lake", "Mountain", "Valley",
                         "Centre", "Center", "Hall", "House", "Building", "Tower", "Theatre", "Theater", "Library",
                         "Show", "Band", "Trio", "Quartet", "Orchestra", "Prijs", "Dag", "Straat", "Plein", "Kerk",
                         "Brug", "Huis", "Ziekenhuis", "Stichting", "Fonds", "Zaal",
                         # places: "Clay County", "Heber Springs", "Eden Gardens", "Beverly Hills"
                         "County", "Township", "Parish", "District", "Province", "City", "Town", "Village",
                         "Springs", "Hills", "Heights", "Gardens", "Falls", "Beach", "Bay", "Harbour", "Harbor",
                         "Creek", "Point", "Castle", "Palace", "Abbey", "Cathedral", "Chapel", "Forest", "Woods",
                         "Refuge", "Reserve", "Courthouse", "Mall", "Plaza", "Crossing", "Junction", "Territory",
                         # groups: "Jonas Brothers"
                         "Brothers", "Sisters", "Broers", "Zusters",
                         # companies named after a person: "Vanda Insights", "Bernstein Research"
                         "Insights", "Capital", "Partners", "Research", "Consulting", "Analytics", "Media",
                         "Energy", "Solutions", "Technologies", "Labs", "Ventures", "Systems", "Associates",
                         "Advisors", "Advisers", "Investments", "Securities", "Motors", "Pharma", "Foods"})


def is_given_name(word: str, language: str = "en") -> bool:
    """Whether a word is a given name of the lists (`given_names.txt`) or of the language's first names, as written or
    without its accents ("Getúlio"): what opens a person's name where a rule must not take it for something else."""
    given, first = given_names()[0], first_names(language)
    if word in given or word in first:
        return True
    if word.isascii():
        return False
    plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return plain in given or plain in first


@lru_cache(maxsize=65536)
def _surname_word(word: str) -> bool:
    """Capitalised and written in lower case after its first letter ("Graf", "McGregor", "O'Shea",
    "Newton-John"); not an all-caps word or a number."""
    return (len(word) > 1 and word[0].isupper() and any(c.islower() for c in word[1:])
            and all(c.isalpha() or c in "-'’." for c in word) and not word.endswith("."))


def _initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def is_kind_word(word: str, language: str) -> bool:
    """A word that heads names of places, organisations, events or works ("Street", "Stichting", "Prijs")."""
    return (word in _STOP_HEADS or word in entity_heads.LEGAL_FORMS or word in entity_heads.ORG_HEADS.get(language, ())
            or word in entity_heads.EVENT_HEADS.get(language, ()) or word in entity_heads.PLACE_HEADS.get(language, ())
            # "Bruce Highway" (session 41): no person ends in a landform's or a facility's head
            or (language == "en" and (word in entity_heads.LANDFORM_HEADS or word in entity_heads.FACILITY_HEADS)))


def known_otherwise(text: str, language: str) -> bool:
    """The gazetteer or the name lists know this exact name as an organisation, place or other name."""
    entry = gazetteer.exact_lookup(language, text)
    if entry is not None:
        return entry.type != "PER"
    kind = name_types(language).get(text)
    return kind is not None and kind != "PER"


@lru_cache(maxsize=4)
def _stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words of the language: "Het", "Maar", "We" are never surnames."""
    from spacy.util import get_lang_class

    return frozenset(get_lang_class(language).Defaults.stop_words)


def _run_end(words: list[str], starts: list[bool], i: int, language: str, names: frozenset[str]) -> int | None:
    """End (exclusive) of the surname words after the given name at i, or None when there is no person here.
    Particles ("van der", "de") and initials stand only before the first surname word ("Piet Swimberghe van
    Knack" is a person of a magazine); a sentence start ends the run (a byline before the story); a given
    name and a surname after a surname start the next person ("Todd Woodbridge Mark Woodforde", doubles
    pairs), a given name after a given name is a middle name ("Billie Jean King")."""
    n, j, surnames = len(words), i + 1, 0
    stop_words = _stop_words(language)
    while j < n and j - i <= MAX_SURNAME_WORDS + 2 and not starts[j]:
        word = words[j]
        if surnames and word in names and words[j - 1] not in names and j + 1 < n and not starts[j + 1] \
                and _surname_word(words[j + 1]):
            return j
        if _surname_word(word):
            if is_kind_word(word, language) or word.lower() in stop_words:
                return None
            surnames, j = surnames + 1, j + 1
        elif surnames == 0 and j + 1 < n and not starts[j + 1] and _surname_word(words[j + 1]) and (
                word.lower() in PARTICLES or _initial(word)):
            j += 1
        else:
            break
    if surnames == 0 or surnames > MAX_SURNAME_WORDS:
        return None
    if j < n and not starts[j] and (words[j][:1].isupper() and words[j].isalpha()):
        return None  # runs on into more capitalised words (an all-caps one, a long title)
    return j


def given_name_persons(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str],
                       is_title: Callable[[str], bool] = lambda word: False) -> list[Span]:
    """Entities with the persons found by their given name added or retyped (see the module docstring);
    `is_title` says which capitalised words may stand before the name ("President", "Minister")."""
    language = doc.lang_
    if language not in PERSON_LABEL or not len(doc):
        return ents
    names, caution = given_names()
    words = facts(doc).words
    # a set look-up per word: the binary search of every token's hash among the 20,000 names (`in_words`) cost
    # 55-62 us per English news article against 23 us
    hits = [i for i, word in enumerate(words) if word in names]
    if not hits:
        return ents
    starts = sentence_starts(doc)
    owner = {k: ent for ent in ents for k in range(ent.start, ent.end)}
    result = list(ents)
    label = PERSON_LABEL[language]
    last_end = -1
    for i in hits:
        if i > 0 and i != last_end and words[i - 1][:1].isupper() and any(c.islower() for c in words[i - 1]) and \
                not is_title(words[i - 1]) and not starts[i]:
            continue  # "Fort William", "Santa Maria": the name starts earlier
        if words[i] in caution and starts[i]:
            continue
        if is_title(words[i]) and i + 1 < len(words) and words[i + 1][:1].isupper():
            continue  # "Rector Silvia Lenaerts", "Mayor Sadiq Khan": a role word that is also a given name
        end = _run_end(words, starts, i, language, names)
        if end is None or any(is_title(words[k]) for k in range(i + 1, end - 1)) or (
                end - 1 > i and is_title(words[end - 1]) and end < len(words) and words[end][:1].isupper()):
            # "Wing Commander Vyomika Singh", "Wing Commander | John Smith": a title (or demonym) after the given
            # name starts the name; a last word may be a surname ("Billie Jean King") unless a name follows it
            continue
        covered = {owner[k] for k in range(i, end) if k in owner}
        if any(c.start < i or c.end > end or (c.start, c.end) in decided for c in covered):
            continue
        whole = len(covered) == 1 and (next(iter(covered)).start, next(iter(covered)).end) == (i, end)
        if whole and next(iter(covered)).label_ in _PERSON_LABELS:
            continue  # the model has it
        if not whole and (len(covered) > 1 or any(c.label_ not in _PERSON_LABELS for c in covered)):
            continue  # "de Brit John Watson": a nationality and a person, not one name; two persons
        if known_otherwise(doc[i:end].text, language):
            continue
        span = Span(doc, i, end, label=label)
        # (a span equal to a covered one starts where it does: the start, an int, is compared first)
        covered_starts = {c.start for c in covered}
        result = [e for e in result if e.start not in covered_starts or e not in covered] + [span]
        owner.update({k: span for k in range(i, end)})
        decided[(i, end)] = "PER"
        last_end = end
    return result
