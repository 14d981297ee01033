"""Corrections of a statistical NER's output that hold for news text, applied as a spaCy component.

- a function word in front of a name is not part of it: "Minister Sauwens", "Correspondent Kees Broere",
  "defensieminister Austin" (CoNLL and OntoNotes both leave titles out of PER spans);
- English determiners, a possessive "'s" and quotes at the edges are not part of a name: OntoNotes-trained
  models include "the" ("the United States"), CoNLL and most readers do not;
- a single-word name at a sentence start that is just a capitalised common word ("Ruim 8 procent") is dropped
  (casing.py);
- Dutch names do not end in a lower-case word ("Milosevic van", "Anderlecht overvallen" are the model
  running past a name), and "Oss en Heemskerk" is two names (CoNLL-2002 train: 183 such pairs tagged
  apart, 15 as one name);
- within one article a name keeps one type, and an occurrence the model missed is tagged like the others
  (document-level consistency, a classic gain in the CoNLL shared tasks); a common noun standing alone
  for a longer name of the article ("de Commissie" after "de Europese Commissie") takes that name's type;
- the gazetteer adds known names where the model found nothing, and replaces a model entity it strictly
  contains ("The Times" over "Times", "Verenigde Staten" over "Staten").

Each correction is switched on per language only where `bench/ner_quality.py` measured that it helps.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from worker.tagging import (
    entity_countries,
    entity_doc,
    entity_evidence,
    entity_given_names,
    entity_heads,
    entity_hygiene,
    entity_lineups,
    entity_nicknames,
    entity_page_titles,
    entity_products,
    entity_roles,
    entity_sports,
    entity_term_sheets,
    entity_trade_words,
    entity_unknown_places,
    entity_wire,
    entity_wire_lists,
    entity_works,
    gazetteer,
    kind_words,
)
from worker.tagging.casing import (
    SENTENCE_START_ZIPF,
    SentenceStartEvidence,
    common_word_at_sentence_start,
    evidence_of,
    first_names,
    is_known_name,
    lower_case_elsewhere,
    name_compound,
    name_types,
    sentence_starts,
    zipf,
)
from worker.tagging.entity_doc import (
    NUMBER_LABELS,
    SPAN_START,
    LastDoc,
    facts,
    has_lower,
    has_word,
    in_words,
    isin,
    set_entities,
)
from worker.tagging.titles import RANKS_EN, TITLE_WORDS, title_word

# A capitalised word this common (wordfreq Zipf) at the head of a three-word person name is a role word.
ROLE_WORD_ZIPF = 3.5

COMPONENT = "newsworker_entity_fixes"

@lru_cache(maxsize=65536)
def is_title(word: str, language: str) -> bool:
    return title_word(word, language, honorifics="honorifics" in PARTS)


_PERSON_LABELS = ("PER", "PERSON")


def _rank(word: str, language: str) -> bool:
    """A military rank, a title before a person only ("Wing Commander", "Lt Gen"; not "Captain America")."""
    return language == "en" and word.lower() in RANKS_EN


def _role_word(word: str, label: str, length: int, language: str) -> bool:
    """The first word of a name of three or more words that is a common word and no known first name:
    "Ombudsman Guido Herman", "Striker Kaoru Mitoma" (sentence-initial role words the title list lacks)."""
    return (label in _PERSON_LABELS and length >= 3 and word.isalpha() and not word.isupper()
            and zipf(word.lower(), language) >= ROLE_WORD_ZIPF and not is_known_name(word, language)
            and word not in first_names(language))


# Heads of places, facilities and institutions whose names may open with a title (session 35, round 7): the title is
# part of the name there ("Queen Elizabeth Olympic Park", "King's College Hospital", "Prince Albert Award").
_TITLED_HEADS = entity_heads.PLACE_HEADS["en"] | entity_heads.FACILITY_HEADS | entity_heads.LANDFORM_HEADS | frozenset({
    "Hospital", "University", "College", "School", "Academy", "Institute", "Foundation", "Trust", "Prize", "Award",
    "Cup"})


def strip_titles(doc: Doc, starts: Callable[[], list[bool]] | None = None) -> list[Span]:
    """Entities with leading role words removed (only when a capitalised name remains); a nationality in
    front of a person becomes its own MISC entity ("American Scottie Scheffler"); a sentence's first word glued
    to a given name and surname is cut off (`starts`: the doc's sentence starts, computed when first needed)."""
    fixed = []
    words, language = facts(doc).words, doc.lang_
    given = entity_given_names.given_names()[0]
    bounds: list[tuple[int, int, str]] = []  # (start, end, label) of each span in `fixed`
    for ent in doc.ents:
        start, end, label = ent.start, ent.end, ent.label_
        if end - start == 1:  # nothing below changes a one-word name (each rule needs two words or more)
            fixed.append(ent)
            bounds.append((start, end, label))
            continue
        if language == "en" and end - start >= 3 and words[end - 1] in _TITLED_HEADS:
            fixed.append(ent)  # "Queen Elizabeth Olympic Park", "King Abdulaziz International Airport"
            bounds.append((start, end, label))
            continue
        while start < end - 1 and words[start + 1][:1].isupper() and (
                is_title(words[start], language) or (label in _PERSON_LABELS and _rank(words[start], language))
                or (start == ent.start and _role_word(words[start], label, end - start, language)
                    and not (start > 0 and (is_title(words[start - 1], language)
                                            or _rank(words[start - 1], language))))  # "General Min Aung Hlaing"
                or (language == "nl" and _leading_lower_noun(words[start]))):
            start += 1
        if start == ent.start + 1 and name_compound(words[ent.start], language):
            fixed.append(Span(doc, ent.start, start, label="MISC"))  # "CDA-leider Henri Bontenbal"
            bounds.append((ent.start, start, "MISC"))
        if start > ent.start and label not in _PERSON_LABELS and _person_after_title(words, start, end, language):
            label = entity_given_names.PERSON_LABEL.get(language, label)  # "Spits Ayase Ueda" ORG
        if start == ent.start and end - start >= 3 and _is_demonym(words[start], language) and (
                label in _PERSON_LABELS or words[start + 1] in given
                or (language == "nl" and _person_after_title(words, start + 1, end, language)
                    and all(zipf(w.lower(), language) < ROLE_WORD_ZIPF for w in words[start + 1:end]))):
            fixed.append(Span(doc, start, start + 1, label="MISC" if language == "nl" else "NORP"))
            bounds.append((start, start + 1, "MISC" if language == "nl" else "NORP"))
            start += 1
            if label not in _PERSON_LABELS:
                # "de Pool Hubert Hurkacz"; "de Joegoslaaf Dragan Petrovic" ORG (nl dev_s16): two to four
                # capitalised rare words known as nothing else are the person, not "Europese Economische
                # Gemeenschap" (words of the language)
                label = entity_given_names.PERSON_LABEL.get(language, label)
        elif start == ent.start and starts is not None and language == "nl" \
                and _opener_before_given_name(words, start, end, label, language) and starts()[start]:
            if name_compound(words[start], language):
                fixed.append(Span(doc, start, start + 1, label="MISC"))  # "PSV-icoon Willy van der Kuijlen"
                bounds.append((start, start + 1, "MISC"))
            start += 1  # "Teambaas Laurent Mekies", "Door Rachelle Wijngaarde": the person starts at the given name
            label = entity_given_names.PERSON_LABEL.get(language, label)
        if start == ent.start:  # (the label changes only with the start)
            fixed.append(ent)
            bounds.append((start, end, label))
        else:
            fixed.append(Span(doc, start, ent.end, label=label, kb_id=ent.kb_id_, span_id=ent.id_))
            bounds.append((start, ent.end, label))
    # a role word tagged on its own right before a person ("Trainer" MISC + "Paul Simonis"): no name (ned.train:
    # 28 of 29 capitalised role words before a person are outside every name)
    titles = TITLE_WORDS.get(language, frozenset())
    dropped = {n for n, ((start, end, _), (next_start, _, next_label)) in enumerate(itertools.pairwise(bounds))
               if next_start == end and end - start == 1 and next_label in _PERSON_LABELS
               and words[start].lower() in titles}
    return [ent for n, ent in enumerate(fixed) if n not in dropped] if dropped else fixed


_PLACE_LABELS = frozenset({"LOC", "GPE", "FAC"})


def _person_after_title(words: list[str], start: int, end: int, language: str) -> bool:
    """What is left of a name after a role word is a person (ned.train: 55 of 57 names of two words or more after a
    capitalised role word are persons; the other two an ORG with a kind word, "Voorzitter Imperial Invest"), when it
    is two to four capitalised words or particles, none a kind word, and not known as another kind of name."""
    if not 2 <= end - start <= 4 or not words[start][:1].isupper():
        return False
    if not all(w.lower() in entity_given_names.PARTICLES
               or (w[:1].isupper() and w.isalpha() and not entity_given_names.is_kind_word(w, language))
               for w in words[start:end]):
        return False
    return not entity_given_names.known_otherwise(" ".join(words[start:end]), language)


def _opener_before_given_name(words: list[str], start: int, end: int, label: str, language: str) -> bool:
    """Dutch: a name of 3-5 words whose first word is no name ("Teambaas", "Door", "Hoofdrolspeelster": not a given
    name, not known, not a particle, not all capitals) and whose second is a given name followed by surname words:
    ned.train has 77 sentences opening with such a word before a person, and 3 names of this shape ("DJ Carl
    Cox", "Landcommanderij Alden Bilzen", a wine), so places and all-caps first words are left alone."""
    if language != "nl" or not 3 <= end - start <= 5 or label in _PLACE_LABELS:
        return False  # English names open with more kinds of words ("Saint Paul", "Northern Mariana Islands")
    first, second = words[start], words[start + 1]
    names, caution = entity_given_names.given_names()
    if second not in names or second in caution or first in names or first.isupper() or not first[:1].isupper():
        return False
    if first.lower() in entity_given_names.PARTICLES or is_known_name(first, language) \
            or entity_given_names.is_kind_word(first, language):
        return False
    return all(w.lower() in entity_given_names.PARTICLES
               or (w[:1].isupper() and not entity_given_names.is_kind_word(w, language)) for w in words[start + 2:end])


# Lower-case words that do open Dutch names: particles and articles ("van Gogh", "de Gaulle", "'s-Hertogenbosch").
_NAME_OPENERS_NL = frozenset({"de", "het", "van", "der", "den", "ten", "ter", "te", "la", "le", "du", "des", "'t",
                              "'s", "d'", "von", "da", "di", "el", "al"})


def _leading_lower_noun(word: str) -> bool:
    """A lower-case word heading a Dutch name that no name opens with: the model's "gemeente Utrecht" (ned.train:
    17 of its multi-word names open with a lower-case word, 11 of them particles)."""
    return word.isalpha() and word.islower() and word not in _NAME_OPENERS_NL


@lru_cache(maxsize=65536)
def _is_demonym(word: str, language: str) -> bool:
    """A people's word of the curated lists ("American", "Nederlandse"): asked of most given names' neighbours."""
    entry = gazetteer.exact_lookup(language, word)
    return entry is not None and entry.type == "MISC" and entry.curated


@lru_cache(maxsize=65536)
def _numeric(text: str) -> bool:
    """A score, a date or a number ("3", "2-1", "2026-03-01", "1,200")."""
    return any(c.isdigit() for c in text) and all(c.isdigit() or c in "-/.,:" for c in text)


# Labels of names that never end in a number (a score or dateline date glued on: "Utrecht 1", "LONDON 2026-03-01");
# products and events may ("Boeing 737", "Euro 2024").
_NAME_LABELS = {"PER", "PERSON", "ORG", "LOC", "GPE", "FAC"}
_EDGE_WORDS = {"en": {"the", "'s", "’s", "'"}, "nl": {"'s"}}
# Labels of titles whose capitalised "The" inside a sentence is their own ("was The Nutty Professor"; CoNLL and the
# English dev files keep it with the title, session 43 round 14).
_TITLE_LABELS = frozenset({"WORK_OF_ART", "EVENT"})


def _leading_dutch_article(doc: Doc, ent: Span, start: int, end: int) -> bool:
    """"de Commissie", "Het IMF" opening a sentence: Dutch organisations are named without the article (CoNLL-2002
    leaves it out three times as often as it keeps it), except names known with it ("De Morgen", "De Lijn"), and
    except a capitalised article inside a sentence ("Woningcorporatie De Eemgaard": ned.train keeps it 181 times of
    194, session 35)."""
    if not (doc.lang_ == "nl" and ent.label_ == "ORG" and end - start > 1 and doc[start].lower_ in ("de", "het")
            and doc[start + 1].text[:1].isupper() and not is_known_name(doc[start:end].text, "nl")):
        return False
    inside_sentence = start > 0 and doc[start].text[:1].isupper() and not doc[start].is_sent_start \
        and doc[start - 1].text not in _SENTENCE_BREAKS and "\n" not in doc[start - 1].text
    return not inside_sentence


# Tokens after which a capitalised word opens a sentence (or a quote, a heading's text).
_SENTENCE_BREAKS = frozenset({".", "!", "?", ":", ";", '"', "“", "‘", "'", "(", "-", "–", "—"})


# Lower-case function words never end an English name ("the PDC World Championship at" EVENT); titles may.
_TRAILING_FUNCTION_WORDS = frozenset({"at", "in", "on", "of", "for", "and", "to", "with", "by", "from", "as"})


# A number joined to a lower-case noun: "217-seat", "15-nation", "three-day" is not (no digit); "7-Eleven" is a name.
_COUNT_COMPOUND = re.compile(r"^\d[\d,.]*-[a-z]+$")


# English prepositions that the model reads as a given name before a place, mostly where they open a sentence
# ("Outside Sydney" PERSON): cut wherever the rest is a known place, so "Under Armour" and "Inside Out" keep theirs.
_OPENING_PREPOSITIONS = frozenset({
    "Outside", "Across", "Throughout", "Near", "Inside", "Beyond", "Around", "Within", "Along", "Despite", "Unlike",
    "Amid", "Among", "Behind", "Beneath", "Between", "Towards", "Toward", "Against", "Without", "During", "Until",
    "Since", "Via", "Off",
})


def trim_edges(doc: Doc, ents: list[Span]) -> list[Span]:
    """Entities without leading/trailing determiners, possessives and punctuation."""
    edge = _EDGE_WORDS.get(doc.lang_, set())
    dutch = doc.lang_ == "nl"  # the only language with a leading article to trim
    typed = doc.user_data.get(CONTEXT_TYPES_KEY, {})
    doc_facts = facts(doc)
    words, lower, punct = doc_facts.words, doc_facts.lower, doc_facts.is_punct
    fixed = []
    for ent in ents:
        ent_start = start = ent.start
        ent_end = end = ent.end
        label = ent.label_  # read once: a string-store look-up
        # "was The Nutty Professor": a title's own article stays (session 43, round 14)
        # (and a title a chart row decided: "5. ( 3 ) The Mirror Has Two Faces", round 19)
        own_article = not dutch and end - start > 1 and words[start] == "The" and (
            label in _TITLE_LABELS or (label == "MISC" and (start, end) in typed)) and not sentence_starts(doc)[start]
        if not own_article:
            while start < end and (lower[start] in edge or punct[start]) and lower[start] != "'s":
                start += 1
        if dutch and _leading_dutch_article(doc, ent, start, end):
            start += 1
        while start < end - 1 and _COUNT_COMPOUND.match(words[start]):
            start += 1  # "the 217-seat National Assembly" (session 32): the count is no part of the name
        if not dutch and end - start > 1 and words[start] in _OPENING_PREPOSITIONS \
                and gazetteer.is_place("en", doc_facts.span_text(start + 1, end), exact=True):
            start += 1  # "Outside Sydney" (the Lee corpus, session 33): the place alone
        if not dutch and label in _NAME_LABELS:  # "later Inter Milan": a lower-case word opens no name
            while start < end - 1 and words[start].isalpha() and words[start].islower() \
                    and lower[start] not in entity_given_names.PARTICLES and words[start + 1][:1].isupper():
                start += 1
        name = label in _NAME_LABELS and (ent_start, ent_end) not in typed  # a decided road keeps its number
        while end > start and (lower[end - 1] in edge or (punct[end - 1] and words[end - 1] not in {".", ")"})
                               or (name and _numeric(words[end - 1]))
                               or (not dutch and label != "WORK_OF_ART" and end - start > 1
                                   and words[end - 1] in _TRAILING_FUNCTION_WORDS)):
            end -= 1
        if start == end:
            continue
        fixed.append(ent if start == ent_start and end == ent_end
                     else Span(doc, start, end, label=label, kb_id=ent.kb_id_, span_id=ent.id_))
    return fixed


# A dash standing between spaces separates, it does not join: a dateline from its story ("NEW YORK - Shares
# fell", "LYON, France - Olympique Lyonnais won"), a sport from a headline ("SOCCER - JAPAN BEAT SYRIA").
# The English model ran names across it ("New York - Shares" GPE, "France - Olympique Lyonnais" ORG, issue 13's
# all-caps and dateline errors). Names of this kind never hold one (CoNLL-2002 train: 3 of 1,466 spaced dashes
# inside a name, a cycling team and two titles); titles of works and events may, so those are left alone.
_SPACED_DASHES = frozenset({"-", "–", "—", "--"})
_DASH_SPLIT_LABELS = {"PER", "PERSON", "ORG", "LOC", "GPE", "FAC", "NORP"}


def split_at_dashes(doc: Doc, ents: list[Span]) -> list[Span]:
    """A name running across a spaced dash is cut there (see `_split_names`)."""
    if not has_word(doc, _SPACED_DASHES):
        return ents
    words = facts(doc).words
    return _split_names(doc, ents, lambda i: words[i] in _SPACED_DASHES
                        and bool(doc[i - 1].whitespace_) and bool(doc[i].whitespace_))


def split_at_colons(doc: Doc, ents: list[Span]) -> list[Span]:
    """A name running across a colon is cut there (see `_split_names`): "At Chelmsford : Derbyshire 241" was one
    organisation (session 19). Runs before the sports layout, which then sees the venue alone."""
    if not ents or ":" not in facts(doc).text:
        return ents
    words = facts(doc).words
    return _split_names(doc, ents, lambda i: words[i] == ":")


_OF_PLACE_HEADS = frozenset({"Orchestra"})


def split_of_places(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: "A of B", typed ORG or PER, is the organisation A and the place B when a list knows B as a place and
    A has two capitalised words or more ending in a company suffix or "Orchestra" ("Prairie Crest Ventures of
    Calgary", "Harbour Lights Steel Orchestra of Bridgetown"). "Bank of England", "Zambia Chamber of Mines" and
    "University of Toronto" stay whole; so do people ("Celestine Auguste of St. Lucia": the given-name test split
    "Stephen I of Hungary" and "Grand Lodge of West Virginia" too; session 49)."""
    if doc.lang_ != "en" or not ents or not entity_doc.has_word(doc, frozenset({"of"})):
        return ents
    doc_facts = facts(doc)
    words = doc_facts.words
    fixed = []
    for ent in ents:
        label = ent.label_
        if label in ("ORG", "PER", "PERSON") and ent.end - ent.start >= 4 and "of" in words[ent.start + 2:ent.end - 1]:
            at = words.index("of", ent.start + 2, ent.end - 1)
            kind = _of_place_head(words[ent.start:at], doc_facts.span_text(at + 1, ent.end))
            if kind is not None:
                decided[(at + 1, ent.end)] = "LOC"
                fixed += [Span(doc, ent.start, at, label=kind), Span(doc, at + 1, ent.end, label="LOC")]
                continue
        fixed.append(ent)
    return fixed


def _of_place_head(head: list[str], place: str) -> str | None:
    """The label of A in "A of B" split by `split_of_places`, None when the name stays whole."""
    # (a country ends official names of national bodies: "Atomic Energy of Canada", "Symphony Orchestra of India";
    # the review of session 49)
    if not all(w[:1].isupper() for w in head) or gazetteer.is_national_team("en", place) or not _known_place(place):
        return None
    return "ORG" if head[-1] in COMPANY_SUFFIXES or head[-1] in _OF_PLACE_HEADS else None


def _split_names(doc: Doc, ents: list[Span], is_cut: Callable[[int], bool]) -> list[Span]:
    """Names cut at the tokens `is_cut` picks inside them. The part before a cut keeps the span (and its label); a
    part after it stays a name when it has two words or more, or one that is not a common word (the word after
    a dateline opens a sentence: "Shares", "Police"); lower-case words at a part's edges are dropped. Titles of
    works (MISC) are left whole."""
    words = facts(doc).words
    fixed = []
    for ent in ents:
        if ent.end - ent.start < 3:
            fixed.append(ent)  # no token inside the name to cut at
            continue
        dashes = [i for i in range(ent.start + 1, ent.end - 1) if is_cut(i)]
        if not dashes or ent.label_ not in _DASH_SPLIT_LABELS:
            fixed.append(ent)
            continue
        bounds = [ent.start - 1, *dashes, ent.end]
        for k in range(len(bounds) - 1):
            start, end = bounds[k] + 1, bounds[k + 1]
            while start < end and not words[start][:1].isupper():
                start += 1
            while end > start and not words[end - 1][:1].isupper():
                end -= 1
            if start == end:
                continue
            if k and end - start == 1 and zipf(words[start].lower(), doc.lang_) >= SENTENCE_START_ZIPF \
                    and not is_known_name(words[start], doc.lang_):
                continue
            fixed.append(Span(doc, start, end, label=ent.label_))
    return fixed


def split_at_scores(doc: Doc, ents: list[Span]) -> list[Span]:
    """A name running across a score or number is two names: "Chelsea 2-1 at Elland Road", "Porto 2 Benfica"
    (the English model merges results lines). The capitalised runs around the numbers keep the span's label."""
    words = facts(doc).words
    fixed = []
    for ent in ents:
        if ent.label_ not in _NAME_LABELS or len(ent) < 3 or not any(
                _numeric(word) for word in words[ent.start + 1:ent.end - 1]):
            fixed.append(ent)
            continue
        run: list[int] = []
        for i in [*range(ent.start, ent.end), -1]:
            if i >= 0 and not _numeric(words[i]) and words[i] not in ("-", "–") \
                    and (run or words[i][:1].isupper()):
                run.append(i)
                continue
            while run and not words[run[-1]][:1].isupper():
                run.pop()  # "Chelsea at" -> "Chelsea"
            if run:
                fixed.append(Span(doc, run[0], run[-1] + 1, label=ent.label_))
            run = []
    return fixed


# Words joining two names into one span the model should have tagged as two ("Oss en Heemskerk").
_COORDINATORS = {"nl": ("en", "of")}


def trim_lowercase_tail(doc: Doc, ents: list[Span]) -> list[Span]:
    """Person, organisation and place names without trailing lower-case words: "Milosevic van", "Knesset voor",
    "Palestijnen legden", "Interfax news agency" are the model running past a name (CoNLL-2002 train: 46 of 10,006
    such names end in a lower-case word, mostly "d'Elzius"-like particles; our English dev news files: none of 649).
    Titles of works (MISC) may."""
    if doc.lang_ not in ("nl", "en"):
        return ents
    # an English name the layout decided keeps its words ("Daily nation", a press digest's paper; Dutch decided
    # spans may run on over "voor het" and are trimmed as before)
    typed = doc.user_data.get(CONTEXT_TYPES_KEY, {}) if doc.lang_ == "en" else {}
    doc_facts = facts(doc)
    alpha, is_lower = doc_facts.is_alpha, doc_facts.is_lower  # doc[i].is_alpha, without a Token per look
    words = doc_facts.words
    fixed = []
    for ent in ents:
        end = ent.end
        if ent.label_ in _NAME_LABELS and (ent.start, ent.end) not in typed:
            while end > ent.start + 1 and alpha[end - 1] and is_lower[end - 1]:
                end -= 1
            # the mark that opened the cut words goes with them: "John Smith ( footballer" is "John Smith", not
            # "John Smith (" (session 50's model; trim_edges, which drops such marks, has run by now)
            while end < ent.end and end > ent.start + 1 and words[end - 1] in _OPENING_MARKS:
                end -= 1
        fixed.append(ent if end == ent.end else Span(doc, ent.start, end, label=ent.label_, kb_id=ent.kb_id_,
                                                      span_id=ent.id_))
    return fixed


_OPENING_MARKS = frozenset({"(", "[", "{", '"', "“", "‘"})


# A Korean (or Chinese, Vietnamese) given name written with a hyphen: "Doo-hwan", "Tae-woo", "Jong-un".
_HYPHENATED_GIVEN_NAME = re.compile(r"[A-Z][a-z]+-[a-z]+")


def extend_hyphenated_given_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """A person span of one or two words followed by a hyphenated given name that no entity holds is extended over
    it: the model had "Chun" of "Chun Doo-hwan", "Roh" of "Roh Tae-woo" (en dev_s12, session 12)."""
    doc_facts = facts(doc)
    if not any("-" in word and _HYPHENATED_GIVEN_NAME.fullmatch(word) for word in doc_facts.word_set):
        return ents  # no such given name in the doc (most docs): nothing to extend
    words = doc_facts.words
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    fixed = []
    for ent in ents:
        end = ent.end
        if ent.label_ in _PERSON_LABELS and end - ent.start <= 2 and end < len(words) and end not in taken \
                and _HYPHENATED_GIVEN_NAME.fullmatch(words[end]):
            ent = Span(doc, ent.start, end + 1, label=ent.label_, kb_id=ent.kb_id_)
        fixed.append(ent)
    return fixed


_DAY_PREPOSITIONS = frozenset({"on", "in"})
_ROUTE_LABELS = frozenset({"LOC", "GPE", "FAC"})
_DAYS_AND_ROUTES = entity_wire_lists.DATE_WORDS | {"from", "in"}  # what the step needs in the doc
_PLACE_IN_PLACE_LABELS = frozenset({"ORG", "LOC", "GPE", "FAC"})


def split_at_days_and_routes(doc: Doc, ents: list[Span]) -> list[Span]:
    """English (session 40, en-news/dev_s40.txt): a name run on over "on Tuesday" or "in March" ends before the
    preposition ("University Hospital Limerick on Tuesday"); a place span right after "from" that holds one lower-case
    "to" between capitalised words is two places ("the bus from Jayanagar to Electronic City"); a span that holds one
    lower-case "in" before a known place is two names ("Greystoke in Cumbria", session 45)."""
    if doc.lang_ != "en" or not has_lower(doc, _DAYS_AND_ROUTES):
        return ents
    days = entity_wire_lists.DATE_WORDS
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    fixed: list[Span] = []
    for ent in ents:
        start, end, label = ent.start, ent.end, ent.label_
        if end - start >= 3 and label in _NAME_LABELS and lower[end - 1] in days and words[end - 2] \
                in _DAY_PREPOSITIONS and words[end - 3][:1].isupper():
            fixed.append(Span(doc, start, end - 2, label=label, kb_id=ent.kb_id_))
            continue
        if label in _ROUTE_LABELS and start > 0 and lower[start - 1] == "from" and words[start:end].count("to") == 1:
            k = words.index("to", start, end)
            if k > start and k < end - 1 and all(w[:1].isupper() for w in words[start:k] + words[k + 1:end]):
                fixed += [Span(doc, start, k, label=label), Span(doc, k + 1, end, label=label)]
                continue
        if label in _PLACE_IN_PLACE_LABELS and end - start >= 3 and words[start:end].count("in") == 1:
            k = words.index("in", start, end)  # "Greystoke in Cumbria" (session 45)
            if start < k < end - 1 and all(w[:1].isupper() for w in words[start:k] + words[k + 1:end]) \
                    and gazetteer.known_place("en", " ".join(words[k + 1:end])):
                before = "GPE" if k - start == 1 else label
                fixed += [Span(doc, start, k, label=before), Span(doc, k + 1, end, label="GPE")]
                continue
        fixed.append(ent)
    return fixed


_PLACE_BEFORE_ORG_LABELS = frozenset({"GPE", "LOC"})


def _is_country(doc: Doc, ent: Span) -> bool:
    entry = gazetteer.exact_lookup("en", facts(doc).span_text(ent.start, ent.end))
    return entry is not None and entry.wikidata in gazetteer.country_wikidata_ids()


def _joined_organisation(doc: Doc, first: Span, second: Span, decided: dict[tuple[int, int], str]) -> Span | None:
    """`first` and `second` (touching, inside one sentence) as one organisation, or None: a place before an
    organisation ("Zambia" + "Chamber of Mines"), or an organisation before a country ("Penguin Random House" +
    "India"); the organisation's Wikidata id is kept."""
    if second.label_ == "ORG" and first.label_ in _PLACE_BEFORE_ORG_LABELS and (first.start, first.end) not in decided:
        return Span(doc, first.start, second.end, label="ORG", kb_id=second.kb_id_)
    if first.label_ == "ORG" and second.label_ in _PLACE_BEFORE_ORG_LABELS \
            and (second.start, second.end) not in decided and _is_country(doc, second):
        return Span(doc, first.start, second.end, label="ORG", kb_id=first.kb_id_)
    return None


def join_place_and_organisation(doc: Doc, ents: list[Span], starts: list[bool]) -> list[Span]:
    """English (session 41): a place ("Zambia", "Franklin County") ending right where an organisation starts, inside
    one sentence, is part of its name: "Zambia Chamber of Mines", "Franklin County Common Pleas Court"; so is a
    country's name right after an organisation, its national branch: "Penguin Random House India". Not a span a
    layout rule decided (a dateline's town), nor a people's word: "Australian SAS troops" is two names (the Lee
    corpus), though "Norwegian Nobel Committee" is one."""
    if doc.lang_ != "en" or len(ents) < 2 or "place_org" not in PARTS:
        return ents
    decided = doc.user_data.get(CONTEXT_TYPES_KEY, {})
    ordered = sorted(ents, key=SPAN_START)
    fixed: list[Span] = []
    k = 0
    while k < len(ordered):
        first = ordered[k]
        second = ordered[k + 1] if k + 1 < len(ordered) else None
        joined = _joined_organisation(doc, first, second, decided) \
            if second is not None and second.start == first.end and not starts[second.start] else None
        if joined is not None:
            fixed.append(joined)
            k += 2
            continue
        fixed.append(first)
        k += 1
    return fixed if len(fixed) < len(ordered) else ents


_PORTFOLIO_JOINERS = frozenset({"of", "for"})
_PORTFOLIO_FILLERS = frozenset({"the", "and", "of", "for", "&"})
_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")


def _person_in_portfolio(words: list[str], start: int, end: int, given: frozenset[str]) -> int | None:
    """Where the person starts in words[start:end], a portfolio then a person ("Health Akin Abayomi"), or None;
    `given`: the given names."""

    def portfolio_word(word: str) -> bool:
        return word in _PORTFOLIO_FILLERS or (word[:1].isupper() and word.isalpha()
                                              and zipf(word.lower(), "en") >= SENTENCE_START_ZIPF)

    person = next((k for k in range(start + 1, end - 1) if words[k] in given or _INITIALS.match(words[k])), None)
    if person is None and end - start >= 3:
        person = end - 2
    if person is None or not all(portfolio_word(w) for w in words[start:person]) \
            or not 2 <= end - person <= 4 or not all(w[:1].isupper() for w in words[person:end]):
        return None
    return person


def persons_after_portfolios(doc: Doc, ents: list[Span]) -> list[Span]:
    """English (session 41): "Commissioner for Health Akin Abayomi" ("Health Akin Abayomi" ORG), "Leader of the
    Opposition V.D. Satheesan" (one ORG): a name that opens with a title and "of"/"for", or follows one, and runs on
    over the portfolio into a person is the person (our gold: 13 of 13 names after a title's portfolio are persons)."""
    if doc.lang_ != "en" or not has_lower(doc, _PORTFOLIO_JOINERS):
        return ents
    words = facts(doc).words
    given = entity_given_names.given_names()[0]
    decided = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        if (start, end) in decided or ent.label_ not in _ANY_NAME_LABELS or words[start] in given:
            fixed.append(ent)  # a person named from the given name on ("Jennifer Carroll MacNeill") is one already
            continue
        region = None
        if end - start >= 5 and (is_title(words[start], "en") or words[start] == "Leader") \
                and words[start + 1] in _PORTFOLIO_JOINERS:
            region = start + 2 + (words[start + 2] == "the")
        elif start >= 2 and words[start - 1] in _PORTFOLIO_JOINERS and is_title(words[start - 2], "en"):
            region = start
        person = _person_in_portfolio(words, region, end, given) \
            if region is not None and end - region >= 3 else None
        if person is None:
            fixed.append(ent)
            continue
        decided[(person, end)] = "PER"
        fixed.append(Span(doc, person, end, label=entity_given_names.PERSON_LABEL["en"], kb_id=ent.kb_id_))
    return fixed


def split_coordinated(doc: Doc, ents: list[Span]) -> list[Span]:
    """"Oss en Heemskerk", "Palestina en Jeruzalem": two single-word names joined by a coordinator are two
    names, each with the span's label (the name list and the gazetteer correct each type later); not a name a
    rule decided as one ("Infrastructuur en Waterstaat", a ministry)."""
    if doc.lang_ == "en":
        return _split_english_coordinated(doc, ents)
    coordinators = _COORDINATORS.get(doc.lang_)
    if not coordinators:
        return ents
    decided = doc.user_data.get(CONTEXT_TYPES_KEY, {})
    doc_facts = facts(doc)
    words = doc_facts.words
    fixed = []
    for ent in ents:
        if (len(ent) == 3 and (ent.start, ent.end) not in decided and ent[1].lower_ in coordinators
                and ent[0].is_alpha and ent[2].is_alpha
                and ent[0].text[:1].isupper() and ent[2].text[:1].isupper()):
            fixed.append(Span(doc, ent.start, ent.start + 1, label=ent.label_))
            fixed.append(Span(doc, ent.end - 1, ent.end, label=ent.label_))
            continue
        # "A2 bij Leende", "Rabobank in Utrecht": no name but a title runs across these (ned.train: "bij" is inside
        # no name of 510, "in" only inside titles of works, MISC)
        k = next((i for i in range(ent.start + 1, ent.end - 1) if words[i] in _NOT_INSIDE_NAMES_NL), None)
        if doc.lang_ == "nl" and k is not None and ent.label_ not in ("MISC", "WORK_OF_ART", "EVENT") \
                and (ent.start, ent.end) not in decided \
                and words[k - 1][:1].isalnum() and words[k + 1][:1].isupper() \
                and not is_known_name(doc_facts.span_text(ent.start, ent.end), "nl"):  # "Wijk bij Duurstede"
            # what follows the preposition is where: a place unless the lists know the name as something else
            entry = gazetteer.exact_lookup("nl", doc_facts.span_text(k + 1, ent.end))
            fixed += [Span(doc, ent.start, k, label=ent.label_),
                      Span(doc, k + 1, ent.end, label=entry.type if entry is not None else "LOC")]
        else:
            fixed.append(ent)
    return fixed


_NOT_INSIDE_NAMES_NL = frozenset({"bij", "in"})


def _english_side(words: list[str], start: int, end: int) -> bool:
    """One side of "X and Y": 1-3 capitalised words that are a known name or open with a given name."""
    if not 1 <= end - start <= 3 or not all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words[start:end]):
        return False
    return is_known_name(" ".join(words[start:end]), "en") or words[start] in entity_given_names.given_names()[0]


# Kind-words that end each of two names joined by "and" (session 40, en-news/dev_s40.txt: "Fairview High School and
# Fairview Middle School" one ORG).
_SHARED_KINDS = entity_heads.ORG_HEADS["en"] | entity_heads.PLACE_HEADS["en"] | entity_heads.FACILITY_HEADS \
    | frozenset({"School", "College", "Hospital"})


def _same_kind_sides(words: list[str], start: int, k: int, end: int) -> bool:
    """"A and B" whose sides are two to four capitalised words ending in the same kind-word (the "and" at k)."""
    return words[k - 1] == words[end - 1] and words[k - 1] in _SHARED_KINDS and 2 <= k - start <= 4 \
        and 2 <= end - k - 1 <= 4 and all(w[:1].isupper() for w in words[start:k] + words[k + 1:end])


# Last words of the administrative parts of one place's name ("Fayette County", "Perry Township").
_ADMIN_WORDS = frozenset({"County", "Township", "Parish", "District", "Province", "Borough", "Municipality",
                          "Prefecture", "Oblast", "Governorate"})


def _joined_list_items(ent: Span, words: list[str]) -> list[int]:
    """The commas of a place span "Hornsby , Warringah" or "Toowoomba , Warwick , Dalby" (session 48) that holds
    items of a list: each part one to three capitalised words no list knows as another type, and after the span
    another item ("," or "and"/"or", then a capital). A town and its state alone ("Glendale , California") and a
    township, its county and its state stay whole: WikiANN keeps them so (session 33, round 7), and no item follows
    them. Empty when the span is no list."""
    if ent.label_ not in ("GPE", "LOC"):
        return []
    commas = [i for i in range(ent.start, ent.end) if words[i] == ","]
    if not commas:
        return []
    bounds = [ent.start, *commas, ent.end]
    sides = [(bounds[0], bounds[1])] + [(bounds[i] + 1, bounds[i + 1]) for i in range(1, len(bounds) - 1)]
    if any(not 1 <= end - start <= 3 or not all(w[:1].isupper() and w.replace("-", "").isalpha()
                                                 for w in words[start:end]) for start, end in sides):
        return []
    if any(words[end - 1] in _ADMIN_WORDS for start, end in sides):
        return []  # "Perry Township , Fayette County , Ohio": one place, also inside a list (the review of session 48)
    for start, end in sides:
        entry = gazetteer.exact_lookup("en", " ".join(words[start:end]))
        if entry is not None and entry.type != "LOC":
            return []
    after = ent.end
    if after + 1 < len(words) and words[after] in (",", "and", "or") and words[after + 1][:1].isupper():
        return commas
    return []


def _split_english_coordinated(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: "Kharkiv and Odesa", "Eze and Leandro Trossard" read as one name (ORG) are two, each with the
    span's label (the name lists and the gazetteer type each later), when each side is a known name or opens with
    a given name and the whole is no known name ("Bosnia and Herzegovina", "Trinidad and Tobago" stay whole)."""
    decided = doc.user_data.get(CONTEXT_TYPES_KEY, {})
    doc_facts = facts(doc)
    words = doc_facts.words
    fixed = []
    for ent in ents:
        if ent.end - ent.start < 3:
            fixed.append(ent)  # two sides and what joins them take three words or more
            continue
        commas = _joined_list_items(ent, words) if (ent.start, ent.end) not in decided else []
        if commas:
            bounds = [ent.start - 1, *commas, ent.end]
            fixed += [Span(doc, bounds[i] + 1, bounds[i + 1], label=ent.label_) for i in range(len(bounds) - 1)]
            continue
        k = next((i for i in range(ent.start + 1, ent.end - 1) if words[i] == "and"), None)
        if k is None or (ent.start, ent.end) in decided or is_known_name(facts(doc).span_text(ent.start, ent.end),
                                                                          "en") \
                or not ((_english_side(words, ent.start, k) and _english_side(words, k + 1, ent.end))
                        or _same_kind_sides(words, ent.start, k, ent.end)):
            fixed.append(ent)
            continue
        fixed += [Span(doc, ent.start, k, label=ent.label_), Span(doc, k + 1, ent.end, label=ent.label_)]
    return fixed


# A single-word name this common in lower case (wordfreq Zipf) is a noun standing for a longer name.
HEAD_NOUN_ZIPF = 3.5


def most_common(counts: dict[str, int]) -> str:
    """`Counter(counts).most_common(1)[0][0]`: the key with the highest count, the first inserted among equals
    (without making a Counter per name)."""
    best, best_count = "", -1
    for key, count in counts.items():
        if count > best_count:
            best, best_count = key, count
    return best


def _head_noun_labels(doc: Doc, bounded: list[tuple[int, int, str]], majority: dict[str, str]) -> None:
    """"de Commissie" after "de Europese Commissie" (ORG): a capitalised common noun alone takes the type of
    the longer names of the article it ends, where the model often guesses another type for it. `bounded`: the
    entities' (start, end, label)."""
    heads: dict[str, Counter[str]] = defaultdict(Counter)
    words = facts(doc).words
    for start, end, label in bounded:
        if end - start > 1 and label not in _PERSON_LABELS:
            heads[words[end - 1]][label] += 1
    for text in majority:
        # wordfreq ignores case, so "brugge" is common too: a known name ("Brugge" after "Club Brugge") is not a noun
        if (text in heads and " " not in text and zipf(text.lower(), doc.lang_) >= HEAD_NOUN_ZIPF
                and not is_known_name(text, doc.lang_)):
            majority[text] = heads[text].most_common(1)[0][0]


# Dutch motorways A1-A99, provincial roads N1-N999, European roads E10-E999 ("E3" is a games fair, "A380" a plane)
_ROAD = re.compile(r"A[1-9][0-9]?|N[1-9][0-9]{0,2}|E[1-9][0-9]{1,2}")
_ROAD_ARTICLES = frozenset({"de", "De"})
_ROAD_PLACE_WORDS = frozenset({"bij", "richting"})


def dutch_roads(doc: Doc, ents: list[Span]) -> list[Span]:
    """"de A12", "de N348", "de E40": a motorway or road number after the article is a place (the model said ORG or
    MISC or nothing; our 2020s Dutch files tag roads LOC 16 of 17 times, the other is the games fair E3, which the
    pattern leaves out)."""
    words = facts(doc).words
    after_article = numpy.flatnonzero(in_words(doc, _ROAD_ARTICLES)[:-1]) + 1  # on the token array: every Dutch doc
    roads = [i for i in after_article.tolist() if _ROAD.fullmatch(words[i])]
    if not roads:
        return ents
    by_start = {ent.start: ent for ent in ents}
    taken = {i for ent in ents for i in range(ent.start, ent.end) if ent.end - ent.start > 1}
    decided = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
    fixed = [ent for ent in ents if not (ent.end - ent.start == 1 and ent.start in roads)]
    for i in roads:
        if i not in taken:
            old = by_start.get(i)
            fixed.append(Span(doc, i, i + 1, label="LOC", kb_id=old.kb_id_ if old is not None else 0))
            decided[(i, i + 1)] = "LOC"  # the name list knows "A2" as a company
    # the name after "bij" or "richting" behind a road is a place: "de A2 bij Leende" (PER in session 19's model)
    after = {i + 2 for i in roads if i + 2 < len(doc) and words[i + 1] in _ROAD_PLACE_WORDS}
    fixed = _retyped(doc, fixed, "LOC", lambda ent: ent.start in after)
    return sorted(fixed, key=SPAN_START)


# Dutch street kinds written into the name (session 39, round 5): of the names ending so in ned.train and our Dutch
# dev and training files, 146 are LOC, 3 ORG and 1 MISC. Not "kade" ("Verkade", "Blokkade"); a one-word compound is
# left to the model ("Marktplaats", "Sesamstraat" are a company and a show), as is a name a context rule typed, one
# opening with an organisation's kind ("Stichting Museumplein") or a given name ("Dick Laan").
_STREET_ENDINGS = ("straat", "laan", "plein", "plaats", "gracht", "dreef", "steenweg", "singel")
_NAME_PARTICLES_NL = frozenset({"van", "der", "de", "den", "ter", "ten", "te", "het", "'t", "vander", "vanden", "vande",
                                "van't", "op", "in"})


def _street_name(words: list[str], start: int, end: int, given: frozenset[str]) -> bool:
    """Whether a name of two words or more ends as a Dutch street: a compound with a street kind and four letters or
    more before it ("Leopold De Waelplaats", not "Erik Terplaats"), or the kind itself after a capitalised word that
    is no name particle, in a name that opens with no given name ("Wilrijkse Plein", not "Van der Laan", "Dick
    Laan")."""
    if end - start < 2:
        return False
    last = words[end - 1].lower()
    for ending in _STREET_ENDINGS:
        if last.endswith(ending) and len(last) >= len(ending) + 4:
            return True
        if last == ending and words[end - 2][:1].isupper() and words[end - 2].lower() not in _NAME_PARTICLES_NL \
                and words[start] not in given:
            return True
    return False


def dutch_streets(doc: Doc, ents: list[Span]) -> list[Span]:
    """Dutch: a name of two to five words that ends as a street or square ("Leopold De Waelplaats" PER) is a place,
    recorded as decided (session 39), unless a context rule typed it or it opens with an organisation's kind noun."""
    words = facts(doc).words
    decided = doc.user_data.get(CONTEXT_TYPES_KEY, {})
    given = entity_given_names.given_names()[0]
    return _retyped(doc, ents, "LOC", lambda ent: ent.label_ != "LOC" and ent.end - ent.start <= 5
                    and (ent.start, ent.end) not in decided
                    and entity_evidence.KIND_NOUNS.get(words[ent.start].lower()) is None
                    and _street_name(words, ent.start, ent.end, given))


def _retyped(doc: Doc, ents: list[Span], label: str, wanted: Callable[[Span], bool]) -> list[Span]:
    """`ents` with those `wanted` picks retyped to `label`, each recorded as decided (CONTEXT_TYPES_KEY), those of
    `label` already too, so that the name lists and the gazetteer keep it."""
    decided = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
    result = []
    for ent in ents:
        if wanted(ent):
            if ent.label_ != label:
                ent = Span(doc, ent.start, ent.end, label=label, kb_id=ent.kb_id_)
            # recorded also where the model said so already: the resolver keeps a decided type over the gazetteer's
            # (a town's club, "Bloemendaal - HGC 2-2", came out LOC; session 36)
            decided[(ent.start, ent.end)] = label
        result.append(ent)
    return result


# A Dutch or Belgian results line: "Club Brugge - Anderlecht 1-2", "Moeskroen - Westerlo 0-1".
_RESULTS_LINE_NL = re.compile(r"\w - [^\n]*\b\d{1,2}-\d{1,2}\b")
_SCORE_NL = re.compile(r"\d{1,2}-\d{1,2}")
# "in Brugge winnen", "naar Lokeren": the town, not its club.
_TOWN_WORDS_NL = frozenset({"in", "te", "naar", "uit"})


def dutch_results_lines(doc: Doc, ents: list[Span], starts: Callable[[], list[bool]]) -> list[Span]:
    """Dutch results lines, a name, a dash, a name and the score on a line of their own ("Club Brugge - Anderlecht
    1-2"): both names are clubs (ORG), and so are the same names elsewhere in the story where the model read a
    place or anything else, except after "in", "te", "naar" or "uit" (the town). Countries are left as they are
    (national teams). Session 19: nl-news/dev_s19.txt's Belgian clubs named after their towns ("Anderlecht",
    "Lokeren", "Westerlo") were LOC 13 times."""
    doc_facts = facts(doc)
    if not ents or not _RESULTS_LINE_NL.search(doc_facts.text):
        return ents
    words = doc_facts.words
    spans = {(e.start, e.end) for e in ents}
    labels = {(e.start, e.end): e.label_ for e in ents}
    countries = gazetteer.national_team_ids()
    clubs: set[str] = set()
    for start, end in entity_sports.line_bounds(doc, starts()):
        if end - start < 4 or not _SCORE_NL.fullmatch(words[end - 1]) or words[start:end - 1].count("-") != 1:
            continue
        dash = words.index("-", start, end)
        sides = ((start, dash), (dash + 1, end - 1))
        # a side the entities cover only in part ("Klein" + "Zwitserland", "Brugge" of "Club Brugge"; session 36) is
        # read with the label of its first entity, and becomes one club only when the line is a club match
        split = {side: _split_side(words, side, ents) for side in sides if side not in spans}
        if not all(side in spans or split[side] for side in sides):
            continue
        names = [doc_facts.span_text(a, b) for a, b in sides]
        entries = [gazetteer.exact_lookup("nl", name) for name in names]
        if any(entry is not None and entry.wikidata in countries for entry in entries):
            continue
        if any(_player(words, labels[side] if side in labels else split[side], side, entry)
               for side, entry in zip(sides, entries, strict=True)):
            continue  # darts, tennis: "Luke Littler - Michael van Gerwen 7-3" (session 36)
        for side in split:
            ents = sorted([e for e in ents if not (side[0] <= e.start and e.end <= side[1])]
                          + [Span(doc, side[0], side[1], label="ORG")], key=SPAN_START)
        clubs.update(names)
    if not clubs:
        return ents
    return _retyped(doc, ents, "ORG", lambda ent: doc_facts.span_text(ent.start, ent.end) in clubs
                    and (ent.start == 0 or words[ent.start - 1] not in _TOWN_WORDS_NL))


def _split_side(words: list[str], side: tuple[int, int], ents: list[Span]) -> str | None:
    """The label of the first entity inside a results line's side of capitalised words that the entities cover only
    in part ("Klein" + "Zwitserland", "Brugge" of "Club Brugge"), none running past it; None for any other side."""
    a, b = side
    inside = sorted((e for e in ents if e.start < b and a < e.end), key=SPAN_START)
    if inside and all(a <= e.start and e.end <= b for e in inside) and all(w[:1].isupper() for w in words[a:b]):
        return inside[0].label_
    return None


def _player(words: list[str], label: str | None, side: tuple[int, int], entry: gazetteer.GazetteerEntry | None) -> bool:
    """A side of a results line that is a person: typed PER, two words or more, no organisation the gazetteer knows,
    opening with a known given name or holding a lower-case surname particle ("Michael van Gerwen")."""
    start, end = side
    if label not in _PERSON_LABELS or end - start < 2 or (entry is not None and entry.type == "ORG"):
        return False
    return words[start] in entity_given_names.given_names()[0] or any(
        words[k] in entity_given_names.PARTICLES for k in range(start + 1, end - 1))


def surname_particles(doc: Doc, ents: list[Span]) -> list[Span]:
    """A surname that the story gives with its particles ("Bart De Wever", "Mathieu van der Poel") keeps them where
    it stands alone: a sentence opening "De Wever wil ..." was read as the article and "Wever" (nl-news/dev_s14)."""
    if not has_lower(doc, entity_given_names.PARTICLES):
        return ents  # no particle in the doc: no surname with one
    words = facts(doc).words
    surnames: set[tuple[str, ...]] = set()
    for ent in ents:
        if ent.label_ in _PERSON_LABELS:
            for k in range(ent.start + 1, ent.end - 1):
                if words[k].lower() in entity_given_names.PARTICLES and words[k - 1].lower() not in \
                        entity_given_names.PARTICLES:
                    surnames.add(tuple(w.lower() for w in words[k:ent.end]))
    if not surnames:
        return ents
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    fixed = []
    decided = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
    for ent in ents:
        start = ent.start
        while start > 0 and start - 1 not in taken and words[start - 1].lower() in entity_given_names.PARTICLES \
                and ent.start - start < 3:
            start -= 1
            # written with a capital, as a surname without its given name is ("De Wever", "Van der Poel"); a
            # lower-case "van" is the preposition ("de koning van Zweden" after "Jaap van Zweden")
            if words[start][:1].isupper() and tuple(w.lower() for w in words[start:ent.end]) in surnames:
                label = entity_given_names.PERSON_LABEL.get(doc.lang_, ent.label_)
                decided.pop((ent.start, ent.end), None)
                ent = Span(doc, start, ent.end, label=label)
                decided[(ent.start, ent.end)] = "PER"
                break
        fixed.append(ent)
    return fixed


# Lower-case particles before a surname ("van Zweden", "de Vries"): the word after one is no surname on its own.
_SURNAME_PARTICLES = frozenset({"van", "de", "der", "den", "ter", "ten", "te", "von", "du", "le", "la", "da", "di"})


@lru_cache(maxsize=65536)
def _curated_non_person(text: str, language: str) -> bool:
    """A name the curated lists type as no person ("Ford Genk", a car plant the model read as a person): its last
    word is no surname for the document (session 45)."""
    entry = gazetteer.exact_lookup(language, text)
    return entry is not None and entry.curated and entry.type != "PER"


def consistent_labels(doc: Doc, ents: list[Span]) -> list[Span]:
    """One label per name in a document (the majority), and missed occurrences of a name tagged too."""
    doc_facts = facts(doc)
    doc_words = doc_facts.words
    bounded = [(ent.start, ent.end, ent.label_) for ent in ents]  # each read once (label_: a string look-up)
    span_text = doc_facts.span_text
    # ent.text, without a Token per word (a word's own text for a one-word name, most of them)
    texts = [doc_words[start] if end - start == 1 else span_text(start, end) for start, end, _ in bounded]
    votes: dict[str, dict[str, int]] = {}
    for (start, end, label), text in zip(bounded, texts, strict=True):
        counts = votes.setdefault(text, {})
        counts[label] = counts.get(label, 0) + end - start
    if not votes:
        return ents
    # (a name read with one label, as most are: that label)
    majority = {text: next(iter(counts)) if len(counts) == 1 else most_common(counts)
                for text, counts in votes.items()}
    # a type decided from evidence (a context noun, a kind-word, a given name) outvotes the model's guesses
    decided_types = doc.user_data.get(CONTEXT_TYPES_KEY, {})
    if decided_types and "evidence_votes" in PARTS:
        evidence: dict[str, dict[str, int]] = {}
        for (start, end, label), text in zip(bounded, texts, strict=True):
            if (start, end) in decided_types:
                counts = evidence.setdefault(text, {})
                counts[label] = counts.get(label, 0) + 1
        majority.update({text: most_common(counts) for text, counts in evidence.items()})
    _head_noun_labels(doc, bounded, majority)
    # a surname alone is the person named in full elsewhere in the article ("Barak" after "Ehud Barak")
    person_label = next((label for _, _, label in bounded if label in ("PER", "PERSON")), None)
    if person_label is not None:
        # not a last word after a lower-case particle: "Zweden" of "Jaap van Zweden" is a country on its own, and
        # "Maldegem" of a run-on "Marleen Van Hulle van Maldegem" (nl train_s16) a town
        surnames = Counter(doc_words[end - 1] for (start, end, label), text in zip(bounded, texts, strict=True)
                           if label == person_label and end - start > 1 and doc_words[end - 2] not in _SURNAME_PARTICLES
                           and not _curated_non_person(text, doc.lang_))
        for text in majority:
            if " " not in text and text in surnames:  # (a Counter's missing key is a Python call: `in` is not)
                majority[text] = person_label
    relabelled = [
        ent if majority[text] == label
        else Span(doc, start, end, label=majority[text], kb_id=ent.kb_id_, span_id=ent.id_)
        for ent, (start, end, label), text in zip(ents, bounded, texts, strict=True)
    ]
    # the tokens of the entities, as a mask over the doc (most candidate positions below are entities' own words)
    size = len(doc) + 1
    opened = numpy.bincount([start for start, _, _ in bounded], minlength=size)
    closed = numpy.bincount([end for _, end, _ in bounded], minlength=size)
    in_entity = numpy.cumsum(opened - closed)[:-1] > 0
    taken: set[int] = set()  # the tokens of names added below
    # propagate names of two letters or more that start with a capital, token-exact, where nothing is tagged
    by_first: dict[str, list[tuple[list[str], str]]] = defaultdict(list)
    for text in majority:
        words = text.split()
        if len(text) > 2 and text[:1].isupper() and words:
            by_first[words[0]].append((words, text))
    if person_label is not None:  # and surnames of people named in full: "Sunak" after "Rishi Sunak"
        for surname in surnames:
            if len(surname) > 2 and surname[:1].isupper() and surname not in majority:
                majority[surname] = person_label
                by_first[surname].append(([surname], surname))
    added = []
    # candidate positions found on the ORTH array, without making a Token object per word
    orths = doc_facts.orth
    first_ids = {doc.vocab.strings.add(word): word for word in by_first}
    longest_first: dict[str, list[tuple[list[str], str]]] = {}  # a first word's names, longest first, sorted once
    positions = numpy.flatnonzero(isin(orths, numpy.array(sorted(first_ids), dtype="uint64")) & ~in_entity)
    for i, orth in zip(positions.tolist(), orths[positions].tolist(), strict=True):
        if i in taken:
            continue
        first = first_ids[orth]
        candidates = longest_first.get(first)
        if candidates is None:
            candidates = longest_first[first] = sorted(by_first[first], key=lambda pair: len(pair[0]), reverse=True)
        for words, text in candidates:
            end = i + len(words)
            if end <= len(doc) and doc_words[i:end] == words \
                    and not in_entity[i:end].any() and taken.isdisjoint(range(i, end)) \
                    and not (doc.lang_ == "en" and entity_sports.is_sport_head(doc, i, end)):  # "AMERICAN FOOTBALL -"
                # keyed by the entity's own text: it may hold a newline or double space that split() drops
                added.append(Span(doc, i, end, label=majority[text]))
                taken.update(range(i, end))
                break
    result = entity_doc.filter_spans(relabelled + added) if added else relabelled
    if person_label is not None and "surnames" in PARTS:
        # the surname stays a person when a place list knows the word ("Barak" after "Ehud Barak": a GeoNames town)
        decided: dict[tuple[int, int], str] = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
        # a relabelled name's label is its text's majority (which only gained new names since)
        labelled = [(ent.start, ent.end, ent.label_) for ent in result] if added else [
            (start, end, majority[text]) for (start, end, _), text in zip(bounded, texts, strict=True)]
        for start, end, label in labelled:
            if end - start == 1 and label == person_label and doc_words[start] in surnames:
                decided.setdefault((start, end), "PER")
    return result


# Parts of the rules that can be left out to measure what each adds (`bench.ner_quality --without PART`):
# sports copy (entity_sports.py), kind-words in names (entity_heads.py), the club list alone, Dutch context
# evidence (entity_evidence.py: name-noun compounds, speakers, places after in/uit/naar, "minister van X"), a
# surname of a person named in full kept a person over the place lists, English dateline places, role portfolios
# and names joined across result words (entity_wire.py).
PARTS = {"sports", "heads", "clubs", "compounds", "speakers", "places", "of", "quotes", "surnames", "datelines",
         "portfolios", "joined", "given", "evidence_votes", "ministries", "place_nouns", "lowercase", "articles",
         "short_names", "nicknames", "roles", "hyphens", "given_mentions", "honorifics",
         "peoples", "genitives", "sections", "wire_terms", "nationalities", "markets",
         "digests", "role_words", "nl_nationalities", "kind_before", "kind_after", "cricket_tests", "place_titles",
         "noble_styles", "disambiguators", "span_hygiene", "works", "trade_words", "no_names", "coordinated",
         "country_codes", "chess", "standings", "bracketed_teams", "term_sheets", "wire_lists",
         "lineups", "home_riders", "charts", "nl_adjective_nouns", "electorates",
         "streets", "days_routes", "place_org", "money", "en_lineups", "car_models", "of_places",
         "unknown_places"}
_TEST_MATCHES = frozenset({"Test", "Tests"})


def drop_test_matches(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: "the third Test" is a cricket or rugby match, no name, in any copy (session 33, the Lee corpus; in
    sports copy a table word since session 31); a longer name with it ("Test and County Cricket Board") stays."""
    if not has_word(doc, _TEST_MATCHES):
        return ents
    words = facts(doc).words
    return [e for e in ents if e.end - e.start != 1 or words[e.start] not in _TEST_MATCHES]


# A one-word entity written in lower case that is this common a word (wordfreq Zipf) is no name: "results" GPE in
# a truecased headline "NBA basketball - results" (names written in lower case, "bunq", "ashkenazi", are rare).
LOWERCASE_NAME_ZIPF = 4.0


_AND = {"en": frozenset({"and", ","}), "nl": frozenset({"en", ","})}
# (a place the model typed FAC opens no list of places; `_PLACE_LABELS` above has FAC)
_LIST_PLACE_LABELS = frozenset({"LOC", "GPE"})


def coordinated_places(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Names in a list of places are places: English reads whole lists (`_english_place_lists`), Dutch the item
    after a place (`_places_after_places`: one item the model typed LOC in ned.testa's lists of films and companies
    would make the whole list places, session 49)."""
    if doc.lang_ == "en":
        return _english_place_lists(doc, ents, decided)
    return _places_after_places(doc, ents, decided)


def _english_place_lists(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: the items of a list of places are places (session 49). A list is a run of entities linked by "," or
    "and" that ends with "and" ("Ennis and Nenagh", "Ballincollig , Carrigaline and Blarney"), goes on with "and"
    after its last item ("Christiana , Spaldings and parts of St. Elizabeth") or has three items or more; "Damascus ,
    Assad fled" is none. When one item is a place that is no national team, every other item of one to three
    capitalised words typed ORG, PER or MISC (no demonym) is a place, an item before the place only of one or two
    words ("Somerset and Gloucestershire", not "Export Development Canada and Winnipeg investor group") - unless a
    type was decided for it, a list knows it as another type, its first word is a given name or a capitalised word
    follows it (the conditions of sessions 36 and 41)."""
    if len(ents) < 2:
        return ents
    doc_facts = facts(doc)
    words = doc_facts.words
    order = sorted(range(len(ents)), key=lambda k: ents[k].start)
    runs: list[list[int]] = []  # indexes into ents of each run's items, in order; a run ends after its "and" item
    run: list[int] = []
    closed = False
    for n in order:
        start = ents[n].start
        if run and not closed and ents[run[-1]].end + 1 == start and words[start - 1] in ("and", ","):
            run.append(n)
            closed = words[start - 1] == "and"
            continue
        runs.append(run)
        run, closed = [n], False
    runs.append(run)
    is_stop = doc_facts.is_stop
    lists = [r for r in runs if len(r) >= 3 or (len(r) == 2 and (
        words[ents[r[1]].start - 1] == "and" or (ents[r[1]].end < len(words) and words[ents[r[1]].end] == "and")))]
    # a list before a lower-case noun qualifies it, and its items may be anything: "Unite and Grangemouth workers",
    # "Chiefs , Eagles and Kansas City fans", "Delhi and Diwali fireworks" (the review of session 49)
    lists = [r for r in lists if not (ents[r[-1]].end < len(words) and words[ents[r[-1]].end].isalpha()
                                      and words[ents[r[-1]].end].islower() and not is_stop[ents[r[-1]].end])]
    if not lists:
        return ents
    given = entity_given_names.given_names()[0]
    result = list(ents)
    for items in lists:
        places = [k for k, n in enumerate(items) if (ents[n].label_ in _LIST_PLACE_LABELS or decided.get(
            (ents[n].start, ents[n].end)) == "LOC") and not gazetteer.is_national_team(
            "en", doc_facts.span_text(ents[n].start, ents[n].end))]
        if not places:
            continue
        anchor = ents[items[places[0]]]
        label = anchor.label_ if anchor.label_ in _LIST_PLACE_LABELS else "LOC"
        # an item before the first place needs a place a list knows ("Jefferies , Lazard and Evercore": the model's
        # LOC), and a person there needs two words: "between Trump and Beijing", "Starmer and Brussels" are a leader
        # and a capital standing for its government (the review of session 49)
        known = _known_place(doc_facts.span_text(anchor.start, anchor.end))
        for k, n in enumerate(items):
            ent = ents[n]
            start, end = ent.start, ent.end
            if k < places[0] and not (known and (ent.label_ not in _PERSON_LABELS or end - start >= 2)):
                continue
            if ent.label_ in _LISTED_AS_PLACES and end - start <= (3 if k > places[0] else 2) \
                    and (start, end) not in decided \
                    and all(w[:1].isupper() and w.isalpha() for w in words[start:end]) \
                    and words[start] not in given and not _known_otherwise(doc_facts.span_text(start, end), "en") \
                    and not (end < len(words) and words[end][:1].isupper()) \
                    and not (ent.label_ in ("MISC", "NORP") and _is_demonym(words[start], "en")):
                decided[(start, end)] = "LOC"
                result[n] = Span(doc, start, end, label=label, kb_id=ent.kb_id_)
    return result


_LISTED_AS_PLACES = frozenset({"PER", "PERSON", "ORG", "MISC", "NORP"})


def _known_place(text: str) -> bool:
    """An English place a list knows: the gazetteer, the name types, GeoNames' towns (the town list of names of two
    or three words is drawn from them)."""
    return gazetteer.known_place("en", text) or text in gazetteer.geonames_towns()


def _places_after_places(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Dutch: a name of one to three words typed ORG or PER right after "en" (or a comma inside a list that goes on)
    whose neighbour before it is a place is a place too ("Boom, Rumst en Schelle"; English read so until session 49:
    "in Ennis and Nenagh", "Choa Chu Kang and Bukit Batok"), unless a list knows it as another type, its first word
    is a given name, a capitalised word follows it, or the place before is a country ("in Nederland en Unibail": the
    companies are the list) (session 36)."""
    language = doc.lang_
    joiners = _AND.get(language)
    if not joiners or len(ents) < 2:
        return ents
    words = facts(doc).words
    given = entity_given_names.given_names()[0]
    ending_at = {ent.end: ent for ent in ents}
    result = []
    for ent in ents:
        start = ent.start
        left = ending_at.get(start - 1) if start >= 2 and words[start - 1] in joiners else None
        if left is not None and words[start - 1] == "," and not (ent.end < len(words) and words[ent.end] in joiners):
            left = None  # a comma only inside a list that goes on: "Boom, Rumst en Schelle", not "Damascus, Assad"
        # one to three capitalised words: "Choa Chu Kang and Bukit Batok" (session 41)
        if left is not None and len(ent) <= 3 and (ent.label_ in _PERSON_LABELS or ent.label_ == "ORG") \
                and (start, ent.end) not in decided \
                and all(w[:1].isupper() and w.isalpha() for w in words[start:ent.end]) \
                and (left.label_ in _LIST_PLACE_LABELS or decided.get((left.start, left.end)) == "LOC") \
                and words[start] not in given and not _known_otherwise(facts(doc).span_text(start, ent.end), language) \
                and not (ent.end < len(words) and words[ent.end][:1].isupper()) \
                and not gazetteer.is_national_team(language, facts(doc).span_text(left.start, left.end)):
            decided[(start, ent.end)] = "LOC"
            ent = Span(doc, start, ent.end, label=left.label_ if left.label_ in _LIST_PLACE_LABELS else "LOC",
                       kb_id=ent.kb_id_)
        result.append(ent)
    return result


def _known_otherwise(word: str, language: str) -> bool:
    """A list knows the word as a name of another type than a place."""
    entry = gazetteer.exact_lookup(language, word)
    if entry is not None:
        return entry.type != "LOC"
    return name_types(language).get(word) not in (None, "LOC")


@lru_cache(maxsize=65536)
def _common_lowercase(word: str, language: str) -> bool:
    return word.isalpha() and word.islower() and zipf(word, language) >= LOWERCASE_NAME_ZIPF


def adjective_before_noun(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Dutch: "de Vlaamse regering" is a nationality adjective (MISC) and a common noun, as CoNLL-2002 and our Dutch
    files tag it: an entity of a demonym adjective and one lower-case word is the adjective alone (session 38)."""
    words = facts(doc).words
    fixed = []
    for ent in ents:
        if ent.end - ent.start == 2 and words[ent.start + 1].isalpha() and words[ent.start + 1].islower() \
                and _is_demonym(words[ent.start], "nl"):
            ent = Span(doc, ent.start, ent.start + 1, label="MISC")
            decided[(ent.start, ent.end)] = "MISC"
        fixed.append(ent)
    return fixed


def _lowercase_code(word: str) -> bool:
    """A lower-case word with a digit, never a name: a cricket scoreboard's extras "lb-6", "nb-5" (session 15)."""
    return word.islower() and any(c.isdigit() for c in word)


@Language.factory(COMPONENT, default_config={"titles": True, "edges": True, "sentence_starts": True,
                                             "consistency": True})
def make_entity_fixes(nlp: Language, name: str, titles: bool, edges: bool, sentence_starts: bool,
                      consistency: bool) -> EntityFixes:
    return EntityFixes(titles=titles, edges=edges, sentence_starts=sentence_starts, consistency=consistency)


class EntityFixes:
    def __init__(self, *, titles: bool, edges: bool, consistency: bool, sentence_starts: bool = True) -> None:
        self.titles, self.edges, self.consistency = titles, edges, consistency
        self.sentence_starts = sentence_starts

    def __call__(self, doc: Doc) -> Doc:
        language = doc.lang_  # read once: the vocab's language getter is called at each read
        evidence = evidence_of(doc)  # once per doc (shared with the gazetteer matcher)
        ents = strip_titles(doc, lambda: evidence.starts) if self.titles else list(doc.ents)
        if self.edges and "span_hygiene" in PARTS:  # "Haaland put City", "X.\nKejriwal", "2014 PGA Championship"
            ents = entity_hygiene.span_hygiene(doc, ents)
        if self.titles and language == "en" and "roles" in PARTS:
            ents = entity_roles.drop_roles(doc, entity_roles.government_names(
                doc, entity_roles.split_at_roles(doc, entity_roles.role_tails(doc, entity_roles.place_before_role(
                    doc, ents)))))
        if self.titles and language == "en" and "peoples" in PARTS:
            ents = entity_roles.peoples_and_time_zones(doc, ents)
            ents = entity_roles.religion_and_seat(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.edges:
            ents = split_at_colons(doc, ents)
        if self.titles:
            ents = sports_clubs(doc, extend_work_titles(doc, listed_kinds(doc, context_types(doc, ents))), evidence)
            if language == "en" and "joined" in PARTS:
                ents = entity_wire.split_joined_names(doc, ents)
            if language == "en" and "sports" in PARTS:
                ents = entity_sports.sports_entities(doc, ents, lambda: evidence.starts,
                                                     doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}),
                                                     use_clubs="clubs" in PARTS, standings="standings" in PARTS)
            if language == "en" and "sports" in PARTS:  # "Soccer Australia", "the Sydney to Hobart yacht race"
                ents = entity_sports.sport_bodies_and_races(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if language == "en" and "country_codes" in PARTS:  # "Rafter ( Australia ) 6-3" (session 37)
                ents = entity_countries.country_code_rows(
                    doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}),
                    lambda: entity_sports.is_sports_document(doc, lambda: evidence.starts),
                    teams="bracketed_teams" in PARTS)
            if language == "en" and "datelines" in PARTS:  # the wire layout: datelines, then price tables
                decided = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
                ents = entity_wire.dateline_places(doc, ents, lambda: evidence.starts, decided)
                ents = entity_wire.price_table_companies(doc, ents, lambda: evidence.starts, decided)
                if "markets" in PARTS:  # market prose: "Banco Santander gained 45", "Aluminium eased"
                    ents = entity_wire.market_indices(doc, entity_wire.market_companies(
                        doc, ents, lambda: evidence.starts, decided), decided)
                    ents = entity_wire.money_aggregates(doc, ents)
                if "digests" in PARTS:  # press digests: "NEPSZABADSAG" heading its paper's stories
                    ents = entity_wire.press_digest_papers(doc, ents, lambda: evidence.starts, decided)
            if language == "en" and "wire_terms" in PARTS:  # currency symbols, acronyms, treaties, courts
                ents = entity_wire.wire_terms(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
                ents = entity_wire.courts_of_places(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if "datelines" in PARTS:  # "ZUTPHEN - De rechtbank ..." (session 28), "AUGUSTA , Georgia ," (34)
                ents = entity_wire.agency_datelines(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if language == "en" and "portfolios" in PARTS:
                ents = entity_wire.drop_portfolios(doc, ents)
            if language == "nl" and "articles" in PARTS:  # before the kind-words: "Festival het Gouden Kalf"
                ents = entity_evidence.split_at_article(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if "heads" in PARTS:
                ents = entity_heads.name_heads(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            # after the heads, which join "Ventures" + "of Calgary" back (session 49)
            if language == "en" and "of_places" in PARTS:  # "Prairie Crest Ventures of Calgary"
                ents = split_of_places(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if language == "nl":
                ents = entity_evidence.dutch_evidence(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}),
                                                      frozenset(PARTS), context_type)
            if language == "nl" and "country_codes" in PARTS:  # "Zabel ( Dui )" in a results list (session 37)
                ents = entity_countries.country_code_rows(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}),
                                                          home_riders="home_riders" in PARTS)
            if "given" in PARTS:
                ents = entity_given_names.given_name_persons(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}),
                                                             lambda word: is_title(word, language)
                                                             or _is_demonym(word, language) or _rank(word, language))
            if language == "en" and "term_sheets" in PARTS:  # "Borrower Toyota Motor Credit Corp" (session 38)
                ents = entity_term_sheets.term_sheet_entities(doc, ents, lambda: entity_sports.doc_lines(doc),
                                                              doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if language == "en" and "wire_lists" in PARTS:  # "DIARY - ... TUESDAY -", "Party ... ( PDSR ) 91" (38)
                ents = entity_wire_lists.party_rows(doc, entity_wire_lists.drop_dates(doc, ents),
                                                    lambda: entity_sports.doc_lines(doc),
                                                    entity_countries.country_codes,
                                                    doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if language == "en" and "charts" in PARTS:  # "1. ( 1 ) Jerry Maguire ( TriStar )" (session 38)
                ents = entity_wire_lists.chart_rows(doc, ents, lambda: entity_sports.doc_lines(doc),
                                                    doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.edges:
            ents = split_at_scores(doc, split_at_dashes(doc, ents))
            ents = split_coordinated(doc, trim_lowercase_tail(doc, trim_edges(doc, ents)))
            if "days_routes" in PARTS:  # "Limerick on Tuesday", "from Jayanagar to Electronic City" (session 40)
                ents = split_at_days_and_routes(doc, ents)
            if self.titles and "portfolios" in PARTS:  # "Commissioner for Health Akin Abayomi" (session 41)
                ents = persons_after_portfolios(doc, ents)
            ents = extend_hyphenated_given_names(doc, ents)
            if language == "en" and "hyphens" in PARTS:
                ents = entity_roles.hyphenated_persons(doc, ents)
        if self.sentence_starts and ents:  # only single words can be one (the test's first condition)
            # an English type decided by the layout stands ("Dawn", a press digest's paper)
            typed = doc.user_data.get(CONTEXT_TYPES_KEY, {}) if language == "en" else {}
            at_start = evidence.starts  # (the test's own second condition, read here first: most words are not)
            ents = [e for e in ents if e.end - e.start != 1 or (e.start, e.end) in typed or not at_start[e.start]
                    or not common_word_at_sentence_start(doc, e.start, e.end, e.label_, evidence)]
        if "lowercase" in PARTS and ents:
            words = facts(doc).words
            # a type decided by the layout stands: "buffalo" of a fixture the truecaser wrote "Ottawa at buffalo"
            layout = doc.user_data.get(CONTEXT_TYPES_KEY, {}) if language == "en" else {}
            ents = [e for e in ents if e.end - e.start != 1 or (e.start, e.end) in layout or not (
                _common_lowercase(words[e.start], language)
                or (e.label_ in _ANY_NAME_LABELS and _lowercase_code(words[e.start]))
                or (e.label_ in _ANY_NAME_LABELS and evidence.starts[e.start]
                    and lower_case_elsewhere(doc, e.start, evidence)))]
        if language == "en" and "cricket_tests" in PARTS and ents:
            ents = drop_test_matches(doc, ents)
        if language == "en" and "no_names" in PARTS and ents:  # "AI", "MVP", "Game 7"
            ents = entity_hygiene.drop_no_names(doc, ents)
        if self.titles and "short_names" in PARTS and ents:
            ents = split_person_of_organisation(doc, short_company_names(doc, ents))
        if self.titles and ents and ((language == "en" and "nationalities" in PARTS)
                                     or (language == "nl" and "nl_nationalities" in PARTS)):
            ents = split_nationality(doc, ents)
        if self.titles and "nicknames" in PARTS and ents:  # before the votes: "Faker" of Lee “Faker” Sang-hyeok
            ents = entity_nicknames.nickname_persons(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}),
                                                     lambda word: is_title(word, language))
        if self.titles and language == "en" and "trade_words" in PARTS and ents:  # "Heathrow chief executive"
            ents = entity_trade_words.trade_word_companies(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.titles and "works" in PARTS and ents:  # "for Young Mothers", ", a drama", "Dune (1984)"
            if language == "en":
                ents = entity_works.works_by_prize_or_kind(doc, ents, evidence.starts,
                                                           doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
                ents = entity_works.quoted_titles(doc, ents, evidence.starts,
                                                  doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
                ents = entity_works.possessive_titles(doc, ents, evidence.starts,
                                                      doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
                ents = entity_works.appositive_titles(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            ents = entity_works.works_by_year(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.titles and language == "en" and "electorates" in PARTS and ents:  # "seat of Dickson" (session 39)
            ents = entity_roles.electorates(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.consistency and language == "en" and "given_mentions" in PARTS:
            ents = entity_roles.given_name_mentions(doc, ents)
        if self.consistency:
            ents = surname_particles(doc, consistent_labels(doc, ents))
        if self.titles and language == "en" and "roles" in PARTS:
            ents = entity_roles.drop_roles(doc, ents)  # again: later rules may have cut a role off a name
        if self.titles and language == "en" and "place_titles" in PARTS:  # "Conch Key , Florida" alone
            ents = entity_page_titles.town_region_titles(doc, ents, evidence.starts,
                                                         doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.titles and language == "en" and "noble_styles" in PARTS and ents:  # ", 1st Earl of Rosse"
            ents = entity_page_titles.noble_styles(doc, ents, evidence.starts,
                                                   doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.titles and language == "en" and "disambiguators" in PARTS and ents:  # "Danny Malloy ( boxer )"
            ents = entity_page_titles.disambiguated_titles(doc, ents, evidence.starts,
                                                           doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.titles and "coordinated" in PARTS and ents:  # "in Ennis and Nenagh", "Boom, Rumst en Schelle"
            ents = coordinated_places(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if language == "nl":
            ents = dutch_roads(doc, ents)
            if "streets" in PARTS:  # "Leopold De Waelplaats" (session 39)
                ents = dutch_streets(doc, ents)
            if "sports" in PARTS:
                ents = dutch_results_lines(doc, ents, lambda: evidence.starts)
            if "nl_adjective_nouns" in PARTS:  # "[MISC Vlaamse] regering" (session 38, round 11)
                ents = adjective_before_noun(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if "lineups" in PARTS:  # "Frankrijk : Barthez , Lizarazu , ..." (session 38, round 8)
                ents = entity_lineups.lineup_persons(doc, ents, lambda: entity_sports.doc_lines(doc),
                                                     doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
                ents = entity_lineups.report_lines(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
            if "sections" in PARTS:
                ents = entity_evidence.section_label(doc, ents)
        if language == "en" and "en_lineups" in PARTS and ents:  # "Ayr United : Sneddon ; Quinn , ..." (session 46)
            ents = entity_lineups.lineup_persons(doc, ents, lambda: entity_sports.doc_lines(doc),
                                                 doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if language == "en" and "car_models" in PARTS and ents:  # "Toyota Supra" (session 46)
            ents = entity_products.car_models(doc, ents, doc.user_data.setdefault(CONTEXT_TYPES_KEY, {}))
        if self.edges and "span_hygiene" in PARTS and ents:
            ents = entity_hygiene.trim_span_ends(doc, ents)
        if "chess" in PARTS and ents:  # a chess column's games: "Pf6", "Dh6 + Kg8" (session 37)
            ents = entity_hygiene.drop_chess_moves(doc, ents)
        if "money" in PARTS and ents:  # "at HK$ 68.50" MISC, "€14 million" ORG (session 45)
            ents = entity_hygiene.drop_money(doc, ents)
        if language == "nl" and "unknown_places" in PARTS and ents:  # "Abwehr" LOC (sessions 46 and 54)
            ents = entity_unknown_places.drop_unknown_places(doc, ents, doc.user_data.get(CONTEXT_TYPES_KEY, {}))
        if self.titles and ents:  # "Zambia Chamber of Mines" (session 41); the gazetteer's additions join it there
            ents = join_place_and_organisation(doc, ents, evidence.starts)
        set_entities(doc, ents)
        return doc


# Last words of company names whose first word is the company's short name later in the story: "Krämer Gruppe" ...
# "Krämer", "Brinkhorst Technologies" ... "Brinkhorst" (nl dev_s12_long: the short form came out PER and LOC 8 times).
COMPANY_SUFFIXES = frozenset({"Technologies", "Technology", "Group", "Gruppe", "Groep", "Holding", "Holdings",
                              "Films", "Media", "Systems", "Pharma", "Motors", "Airlines", "Airways", "Industries",
                              "Electronics", "Software", "Solutions", "Labs", "Ventures", "Capital", "Partners",
                              "Energy", "Foods", "Brands", "Logistics", "Semiconductors", "Therapeutics",
                              # en dev_s12_long ("Teck Resources" ... "Teck" PER)
                              "Resources", "Mining", "Minerals", "Mines", "Petroleum", "Pharmaceuticals", "Bancorp",
                              "Financial", "Insurance", "Telecom", "Communications", "Steel", "Chemicals"})


def split_nationality(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: "American Ed Moses", "Arab Al Qaeda" (one ORG each, the Lee corpus, session 31) are a nationality
    (MISC) and a name: the rest starts with a given name (PER) or is a name the gazetteer knows (its type); not when
    the whole is a known name ("American Airlines") or the rest is a lone word. Dutch (part `nl_nationalities`):
    "de Britse Invensys", "het Amerikaanse National Security Agency" (one ORG or person each) are a nationality
    adjective (MISC) and the rest, when the whole is no known name ("Europese Commissie") and the rest does not open
    with a Dutch word ("Nederlandse Vereniging van Banken", "Vlaamse Tennisvereniging" are one name): ned.train tags
    a demonym adjective before a name apart 61 times and inside an unknown longer name 14 times (nine of them places
    or MISC names, "Schotse Highlands", "Australische Open", which keep it)."""
    language = doc.lang_
    if language not in ("en", "nl"):
        return ents
    doc_facts = facts(doc)
    words = doc_facts.words
    if language == "en":
        ents = _nationality_before_surname(doc, ents)
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        if end - start < (3 if language == "en" else 2) or not _is_demonym(words[start], language) \
                or (language == "en" and ent.label_ not in _ANY_NAME_LABELS) \
                or (language == "nl" and (ent.label_ not in ("ORG", "PER") or not words[start].endswith("e")))\
                or gazetteer.exact_lookup(language, doc_facts.span_text(start, end)) is not None \
                or not words[start + 1][:1].isupper():
            fixed.append(ent)
            continue
        rest = gazetteer.exact_lookup(language, doc_facts.span_text(start + 1, end))
        if language == "nl":
            if _dutch_word(words[start + 1]):
                fixed.append(ent)  # "Nederlandse Vereniging van Banken", "Vlaamse Tennisvereniging": one name
                continue
            label = "PER" if words[start + 1] in entity_given_names.given_names()[0] else \
                rest.type if rest is not None else ent.label_
            fixed.append(Span(doc, start, start + 1, label="MISC"))
            fixed.append(Span(doc, start + 1, end, label=label, kb_id=ent.kb_id_))
            continue
        if words[start + 1] in entity_given_names.given_names()[0]:
            label = "PERSON"
        elif rest is not None and rest.type in ("PER", "ORG", "LOC"):
            label = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}[rest.type]
        else:
            fixed.append(ent)
            continue
        fixed.append(Span(doc, start, start + 1, label="NORP"))
        fixed.append(Span(doc, start + 1, end, label=label, kb_id=ent.kb_id_))
    return fixed


def _nationality_before_surname(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: a two-word person "Australian Norman" is a nationality (MISC) and the person, when the second word is
    the last word of a person the document names in full ("Greg Norman"; golf and tennis copy, session 37)."""
    words = facts(doc).words
    candidates = {(e.start, e.end) for e in ents if e.end - e.start == 2 and e.label_ in _PERSON_LABELS
                  and _is_demonym(words[e.start], "en")}
    if not candidates:
        return ents
    surnames = {words[e.end - 1] for e in ents if e.label_ in _PERSON_LABELS and e.end - e.start >= 2
                and not _is_demonym(words[e.start], "en")}
    fixed: list[Span] = []
    for ent in ents:
        if (ent.start, ent.end) in candidates and words[ent.start + 1] in surnames:
            fixed.append(Span(doc, ent.start, ent.start + 1, label="NORP"))
            fixed.append(Span(doc, ent.start + 1, ent.end, label=ent.label_, kb_id=ent.kb_id_))
        else:
            fixed.append(ent)
    return fixed


@lru_cache(maxsize=65536)
def _dutch_word(word: str) -> bool:
    """A word of Dutch rather than English or a name ("Vereniging", "Binnenlandse"; a compound by one of its parts:
    "Tennisvereniging", "Vissersbond"), not "Leeds", "National" or "Maersk": far more frequent in Dutch than in
    English (wordfreq)."""
    def dutch(w: str) -> bool:
        return zipf(w, "nl") - zipf(w, "en") >= 1.5

    lower = word.lower()
    parts = [lower[i:] for i in range(1, len(lower) - 3)] + [lower[:i] for i in range(5, len(lower) - 2)]
    return dutch(lower) or any(zipf(part, "nl") >= 3.5 and dutch(part) for part in parts)


def split_person_of_organisation(doc: Doc, ents: list[Span]) -> list[Span]:
    """Dutch: a person run on over "van (de/het)" into an organisation is a person and the organisation, when
    that part is a known organisation, an organisation of the same story, or opens with an acronym: "Jörg Albrecht
    van Krämer", "Sanjay Kanhai van de TU Delft" (ned.train: none of its 35 persons with "van" inside is cut so)."""
    if doc.lang_ != "nl":
        return ents
    words = facts(doc).words
    orgs = {facts(doc).span_text(e.start, e.end) for e in ents if e.label_ == "ORG"}
    result = []
    for ent in ents:
        cut = None
        if ent.label_ == "PER" and ent.end - ent.start >= 4:
            for k in range(ent.start + 2, ent.end - 1):
                if words[k] != "van":
                    continue
                j = k + 1 + (words[k + 1] in ("de", "het", "der") and k + 2 < ent.end)
                rest = " ".join(words[j:ent.end])
                entry = gazetteer.exact_lookup("nl", rest) or gazetteer.lookup("nl", rest)  # also type-only names
                if (entry is not None and entry.type == "ORG" and entry.curated) or rest in orgs \
                        or (len(words[j]) >= 2 and words[j].isupper() and words[j].isalpha()):
                    cut = (k, j)
                    break
        if cut is None:
            result.append(ent)
            continue
        k, j = cut
        result += [Span(doc, ent.start, k, label="PER", kb_id=ent.kb_id_), Span(doc, j, ent.end, label="ORG")]
    return result


# Last words of an organisation's full name after which its first word alone is that organisation (session 47,
# en-news/dev_s46.txt: "Verana Diagnostics" ... "Verana", "Forge FC" ... "Forge" were PER): the trades of
# kind_words.ORG_HEADS and a few more; not a public body's head ("Labour Party" ... "Labour", "Welsh Assembly").
_PUBLIC_HEADS = frozenset({"Party", "Council", "Court", "Parliament", "Assembly", "Police", "Office", "Board",
                           "Committee", "Commission", "Ministry", "Department", "Senate", "Congress", "Authority",
                           "Administration", "Agency", "Secretariat", "Service", "Bureau", "Government", "Cabinet",
                           "Presidency"})
SHORT_NAME_HEADS = (kind_words.ORG_HEADS["en"] - _PUBLIC_HEADS) | frozenset({
    "FC", "AFC", "SC", "CF", "Diagnostics", "Biosciences", "Distillery", "Brewery", "Bakery", "Cafe", "AI"})
# A first word this rare (wordfreq Zipf) is a coined name: "Hearthstone Bakery Cafe", "Kauri Static".
COINED_ZIPF = 3.0


def short_company_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """A company named in full once (a first word and a company suffix or legal form, "Krämer Gruppe",
    "Brinkhorst Technologies BV") is an organisation wherever its first word stands alone in the story, whatever
    the model made of it there (the first word must be no known place and no given name). English (session 47): so
    is the first word of a name of two or three words ending in a trade or club head ("Verana Diagnostics", "Forge
    FC") or opening with a coined word ("Hearthstone Bakery Cafe"; not a public body's, "the Tinubu Administration"),
    where the model made it a person, unless the word is a GeoNames town, the surname of a person the story names in
    full ("Penske Racing" ... "Roger Penske"), or the model read it as a place anywhere in the story ("Dunedin
    Hospital" ... "mayor of Dunedin", "Yorkshire Building Society" ... "across Yorkshire")."""
    words = facts(doc).words
    language = doc.lang_
    given = entity_given_names.given_names()[0]
    short: set[str] = set()
    persons_only: set[str] = set()
    for ent in ents:
        if ent.label_ == "ORG" and ent.end - ent.start >= 2:
            first, last = words[ent.start], words[ent.end - 1]
            if not first[:1].isupper() or not first.isalpha() or first in given:
                continue
            if last in COMPANY_SUFFIXES or last in entity_heads.LEGAL_FORMS:
                found = short
            elif language == "en" and ent.end - ent.start <= 3 and last not in _PUBLIC_HEADS and (
                    last in SHORT_NAME_HEADS or zipf(first.lower(), language) < COINED_ZIPF):
                found = persons_only
            else:
                continue
            if gazetteer.lookup(language, first) is None:
                found.add(first)
    if persons_only:  # a word the model reads as a place anywhere in the story, or a town, is a place's name;
        # the surname of a person the story names in full is that person ("Penske Racing" ... "Roger Penske" ...)
        persons_only -= {words[ent.start] for ent in ents if ent.end - ent.start == 1 and ent.label_ in ("LOC", "GPE")}
        persons_only -= {words[ent.end - 1] for ent in ents if ent.end - ent.start > 1 and ent.label_ in _PERSON_LABELS}
        persons_only = {word for word in persons_only if word not in gazetteer.geonames_towns()}
    if not short and not persons_only:
        return ents
    return _retyped(doc, ents, "ORG", lambda ent: ent.end - ent.start == 1 and (
        words[ent.start] in short or (words[ent.start] in persons_only and ent.label_ in _PERSON_LABELS)))


# Nouns in front of a name that say what kind of thing it names: "de NAVO-missie Resolute Support", "de film
# Zwartboek", "storm Ciarán", "chipmaker NXP" (issue 13: works, events, named operations and missions came out
# ORG/PER/LOC, storms PER, companies PER). Dutch compounds match on their ending ("NAVO-missie", "voetbalclub").
# At the head of the entity itself ("Storm Ciarán", "Operatie Hermes" opening a sentence) the noun is cut
# off, except the English "Operation"/"Mission", which CoNLL-2003 keeps in the name.
CONTEXT_NOUNS: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {
        "MISC": ("missie", "operatie", "film", "speelfilm", "documentaire", "boek", "roman", "album", "single",
                 "serie", "tv-serie", "televisieserie", "reeks",
                 "programma", "festival", "tentoonstelling", "expositie",
                 "storm", "orkaan", "tyfoon", "toernooi", "musical", "opera", "voorstelling", "game", "videogame",
                 # session 11 (ned.testa dev half: "het monitoringsysteem Consum", "het kaartspel Magic")
                 "systeem", "kaartspel", "computerspel", "bordspel", "debuut", "plaat", "talkshow", "verdrag",
                 "klassieker",
                 # nl-news/dev_s12b.txt ("ruimtetelescoop James Webb" PER)
                 "telescoop"),
        "ORG": ("bedrijf", "concern", "fabrikant", "chipmaker", "bank", "verzekeraar", "voetbalclub", "club",
                "partij", "omroep", "krant", "dagblad", "zender", "supermarktketen", "winkelketen", "webwinkel",
                "luchtvaartmaatschappij", "telecombedrijf", "techbedrijf", "start-up", "startup", "vakbond",
                "museum", "ploeg",
                # session 11 (ned.testa dev half: "de mediaholding De Beukelaar", "de technoband Praga Khan",
                # "beurshuis Petercam", "de vakcentrale ZCTU")
                "holding", "rockband", "popband", "technoband", "metalband", "beurshuis", "vakcentrale",
                "uitgeverij", "brouwerij", "rederij", "keten", "producent", "leverancier", "provider",
                "platenlabel", "filmstudio", "fonds", "bureau", "organisatie", "beweging", "weekblad",
                "tijdschrift", "magazine",
                # session 12 (nl-news/dev_s12.txt "woningcorporatie Havensteder", "vergelijkingssite Pricewise")
                "corporatie", "netbeheerder", "toezichthouder", "vergelijkingssite", "nieuwssite",
                # nl-news/dev_s12b.txt ("de band Coldplay" LOC), dev_s12_long ("huiswerkapp Mentora" PER)
                "band", "app"),
    },
    "en": {
        "MISC": ("mission", "operation", "film", "movie", "documentary", "book", "novel", "album", "song",
                 "single", "series", "show", "festival", "exhibition", "storm", "hurricane", "typhoon", "cyclone",
                 "tournament", "musical", "opera", "game",
                 # session 36 (en-news/dev_s36b.txt: "the French courtroom drama Anatomy of a Fall" ORG)
                 "drama", "comedy", "thriller", "biopic", "sitcom", "memoir", "miniseries", "docuseries", "podcast",
                 "novella"),
        "ORG": ("company", "firm", "carmaker", "automaker", "chipmaker", "bank", "lender", "insurer", "club",
                "party", "broadcaster", "newspaper", "retailer", "airline", "union", "startup", "museum",
                # business copy (session 6): "mining group Rio Tinto" was PER, "conglomerate Hanson" PER
                "group", "conglomerate", "brokerage", "giant", "manufacturer", "drugmaker", "miner", "utility",
                # sports: "former team Williams" was PER, "Italian side Juventus"
                "team", "side", "outfit",
                # session 19 (en-news/dev_s19.txt: "broker Kleinwort Benson" PER, "ferry operator CalMac")
                "broker", "publisher", "housebuilder", "operator", "regulator", "watchdog", "distributor",
                "supplier", "agency", "charity", "label", "subsidiary",
                # session 31 (en-news/dev_s31b.txt: "the daily Sme" LOC)
                "daily", "weekly",
                # session 32 (en-news/dev_s32.txt: "Cigarette maker Gudang Garam", "pharmaceuticals unit Asta
                # Medica" PER)
                "maker", "brewer", "unit", "producer", "refiner", "carrier", "exporter", "importer",
                # session 32, second cycle (en-news/dev_s32b.txt: "Bookmakers William Hill" PER)
                "bookmaker", "bookmakers",
                # session 47 (en-news/dev_s47.txt: "payments start-up Sendora", "Cork band Ferrybank" PER)
                "start-up", "fintech", "band", "four-piece", "five-piece"),
    },
}
_OPENING_QUOTES = frozenset({'"', "“", "‘", "'"})
# Trades before "chain" that make the name after it a company ("coffee chain Kopi Senja", "hotel chain Marriott"):
# "supply chain", "island chain" and "cold chain" do not (session 48's second review).
CHAIN_TRADES_EN = frozenset({"coffee", "hotel", "restaurant", "supermarket", "retail", "grocery", "fast-food",
                             "pharmacy", "cinema", "fashion", "clothing", "pizza", "burger", "bakery", "gym", "store",
                             "convenience", "pub", "bookshop", "bookstore", "chemist", "discount", "department-store",
                             "sandwich", "chicken", "doughnut", "cafe", "café", "fitness", "electronics"})
# Kind-nouns of firms that also make people's trades: "film producer Jerry Bruckheimer" is a person.
_PEOPLE_MAKERS = frozenset({"maker", "producer"})
# English jobs done at an organisation: "a trader at Bankhaus Lampe", "an analyst at Kleinwort Benson" (wire copy
# quotes such people in nearly every market story; the name after "at" was PER or LOC, session 19).
ROLES_AT_EN = frozenset({"analyst", "analysts", "economist", "economists", "strategist", "strategists", "trader",
                         "traders", "dealer", "dealers", "banker", "bankers", "broker", "brokers"})
# Nouns of places right before a name ("het dorp X", "the capital Kabul") or before "of" + a name in English
# ("the village of Novye Atagi"): the name is a place (ned.train: 24 of 25 names after these nouns are LOC). Never
# cut off a name they open ("Provincie Utrecht" is the provincial government).
PLACE_NOUNS: dict[str, frozenset[str]] = {
    "nl": frozenset({"dorp", "stad", "stadje", "provincie", "eiland", "regio", "deelstaat", "hoofdstad", "havenstad",
                     "grensstad", "badplaats", "streek", "rivier", "republiek", "vallei",
                     # session 12 (nl-news/dev_s12.txt "winkelcentrum Zuidplein" ORG, "station Antwerpen-Berchem")
                     "wijk", "woonwijk", "stadsdeel", "deelgemeente", "dorpje", "gehucht", "winkelcentrum",
                     "station", "gemeente"}),
    "en": frozenset({"village", "town", "city", "province", "region", "island", "capital", "district", "port",
                     "state", "valley", "river"}),
}
# Nouns that type a name as a place only before "of" + the name: "south of Estevan" (PER, session 40,
# en-news/dev_s40.txt), "the outskirts of Bengaluru"; not right before it ("the city 's north Brisbane City Council").
_PLACE_NOUNS_OF = {"en": frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast",
                                    "southwest", "outskirts", "suburbs"})}
# Dutch compounds of a place noun before a name ("metrostation Clemenceau", "de luchtmachtbases Kleine-Brogel",
# "universiteitsstad Leuven"; session 39, round 4): words ending in "stad" or "wijk" (after three letters or more),
# and transport and military sites named one by one: "radiostation", "tankstation", "vakantiedorp", "kerkgemeente"
# and "in de basis" (a team's line-up) name organisations or nothing (the session's review).
_PLACE_COMPOUND_ENDINGS = {"nl": ("stad", "wijk")}
_PLACE_COMPOUNDS = {"nl": frozenset({
    "metrostation", "premetrostation", "treinstation", "busstation", "tramstation", "spoorwegstation",
    "luchtmachtbasis", "luchtmachtbases", "vliegbasis", "vliegbases", "marinebasis", "marinebases", "legerbasis",
    "legerbases", "luchthaven", "zeehaven", "vliegveld", "vliegvelden"})}
_PLACE_OF = {"en": "of"}
# Nouns kept inside the name when they open it (CoNLL-2003: "Operation Desert Storm" is one MISC).
_KEPT_HEADS = {"en": frozenset({"operation", "mission"})}
# Kind-nouns that also open names: inside a sentence, capitalised, they are part of the name ("analysts at Union
# Bank of Switzerland", "the Museum of London"), and are cut off only at a sentence start ("Union members voted").
# Descriptors ("Carmaker Tesla" in a title-case headline), storm nouns and the rest are cut anywhere. Session 15
# (en-news/dev_s15.txt, and a review's probes).
_NAME_OPENERS = {"en": frozenset({"union", "bank", "museum", "party", "club", "group", "company", "festival",
                                  "opera", "exhibition", "series", "show"})}
# Only whole words match in English ("show" must not match "Roadshow"); Dutch compounds by their ending, for
# nouns of five letters or more (so "bank" matches only itself: "zandbank X" is not a bank).
_MIN_ENDING = 5
_ANY_NAME_LABELS = _NAME_LABELS | {"MISC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
CONTEXT_TYPES_KEY = "newsworker_context_types"  # Doc.user_data: {(start, end): type} decided by context


# English kinship nouns after a possessive determiner: the name after them (or after their comma) is a person ("his
# wife , Margaret", "her sons , Alun and Rhodri": ORG and LOC in en-news/dev_s41.txt; our English dev and training
# files: 16 of 16 such names persons; session 41).
KIN_NOUNS_EN = frozenset({"wife", "husband", "son", "sons", "daughter", "daughters", "brother", "brothers", "sister",
                          "sisters", "mother", "father", "partner", "widow", "widower", "children", "grandson",
                          "granddaughter", "grandsons", "granddaughters", "grandchildren", "parents", "fiancee",
                          "fiance", "fiancée", "fiancé", "nephew", "niece", "cousin", "uncle", "aunt", "stepson",
                          "stepdaughter", "siblings", "twin", "girlfriend", "boyfriend"})
_POSSESSIVE_DETERMINERS_EN = frozenset({"his", "her", "their", "my", "our", "your"})


def _after_kin_noun(words: list[str], lower: list[str], start: int) -> bool:
    """The name at `start` follows "his wife" or "his wife ," (English)."""
    k = start - 1 if start > 0 and words[start - 1] != "," else start - 2
    return k > 0 and lower[k] in KIN_NOUNS_EN and lower[k - 1] in _POSSESSIVE_DETERMINERS_EN


# Storm nouns, which stand before the name capitalised too ("Hurricane Melissa": the model said PER for Melissa).
STORM_NOUNS = frozenset({"storm", "hurricane", "typhoon", "cyclone", "orkaan", "tyfoon", "cycloon"})
# Words that open a storm's class before its noun: "Tropical Storm Greg", "Super Typhoon Paka".
STORM_OPENERS = frozenset({"Tropical", "Super"})

# Short Dutch heads that still type a compound ("huiswerkapp Mentora", "betaalapp Tikkie"): no Dutch word ends so.
_SHORT_HEADS = frozenset({"app", "film", "boek"})  # "sciencefictionfilm Dune", "kinderboek X" (session 36)


@lru_cache(maxsize=65536)
def context_type(word: str, language: str) -> str | None:
    """The type a noun in front of a name gives it ("missie" -> MISC, "NAVO-missie" -> MISC, "club" -> ORG)."""
    lowered = word.lower()
    for label, nouns in CONTEXT_NOUNS.get(language, {}).items():
        for noun in nouns:
            if lowered == noun or (language == "nl" and (len(noun) >= _MIN_ENDING or noun in _SHORT_HEADS)
                                   and lowered.endswith(noun)):
                return label
    return None


_POSSESSIVE_S = frozenset({"'s", "’s", "'"})


def context_types(doc: Doc, ents: list[Span]) -> list[Span]:
    """Entities typed by the noun in front of them (see CONTEXT_NOUNS), recorded in the doc's user data so
    that the name lists and the gazetteer do not undo it; a noun opening the entity is cut off."""
    language = doc.lang_
    if language not in CONTEXT_NOUNS:
        return ents
    decided: dict[tuple[int, int], str] = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
    doc_facts = facts(doc)
    words, lower, alpha, is_lower = doc_facts.words, doc_facts.lower, doc_facts.is_alpha, doc_facts.is_lower
    starts: list[bool] | None = None  # sentence starts, computed when first needed
    kin = language == "en" and has_lower(doc, KIN_NOUNS_EN)
    kin_end = -1  # the end of the last person typed by a kinship noun ("his sons , Alun and Rhodri")
    fixed = []
    for ent in ents:
        ent_start, ent_end, ent_label = ent.start, ent.end, ent.label_  # read once (label_: a string look-up)
        if ent_label not in _ANY_NAME_LABELS or not words[ent_start][:1].isupper():  # ent.text[:1]
            fixed.append(ent)  # a number or date ("a 1-1 game") is not a name
            continue
        if kin and ent_end - ent_start <= 3 and all(w[:1].isupper() and w.isalpha() for w in words[ent_start:ent_end]) \
                and (_after_kin_noun(words, lower, ent_start)
                     or (ent_start == kin_end + 1 and lower[kin_end] == "and")):
            decided[(ent_start, ent_end)] = "PER"
            kin_end = ent_end
            fixed.append(Span(doc, ent_start, ent_end, label=entity_given_names.PERSON_LABEL["en"],
                              kb_id=ent.kb_id_, span_id=ent.id_))
            continue
        start, label = ent_start, None
        if ent_end - ent_start > 2 and words[start] in STORM_OPENERS and lower[start + 1] in STORM_NOUNS:
            start, label = start + 2, "MISC"  # "Tropical Storm Greg" ORG (session 31, en-news/dev_s31b.txt)
        elif ent_end - ent_start > 1 and words[start][:1].isupper() and words[start + 1][:1].isupper():
            label = context_type(words[start], language)
            if label is not None and lower[start] in _NAME_OPENERS.get(language, ()):
                if starts is None:
                    starts = sentence_starts(doc)
                if not starts[start]:
                    label = None  # "analysts at Union Bank of Switzerland": mid-sentence, the noun is the name's
            if label is not None and lower[start] not in _KEPT_HEADS.get(language, ()):
                start += 1
        if label is None and language == "en" and ent_start > 1 and lower[ent_start - 1] == "chain" \
                and lower[ent_start - 2] in CHAIN_TRADES_EN:
            label = "ORG"  # "coffee chain Kopi Senja" (session 48); not "the supply chain Britain depends on"
        if label is None and language == "en" and ent_start > 1 and words[ent_start - 1] in _OPENING_QUOTES \
                and alpha[ent_start - 2] and is_lower[ent_start - 2] \
                and context_type(words[ent_start - 2], language) == "MISC":
            label = "MISC"  # a work's title in quotes after its noun: the series " Cosmos " (PER)
        if label is None and ent_start > 0:
            before = words[ent_start - 1]
            # a lower-case noun, or a compound on a name ("NAVO-missie"); not a capitalised name of its own
            if (alpha[ent_start - 1] and is_lower[ent_start - 1]) \
                    or ("-" in before and before.split("-")[-1].islower()):
                label = context_type(before, language)
                if label == "ORG" and lower[ent_start - 1] in _PEOPLE_MAKERS \
                        and words[ent_start] in entity_given_names.given_names()[0]:
                    label = None  # "film producer Jerry Bruckheimer"
            elif language == "en" and alpha[ent_start - 1] and before[1:].islower() \
                    and lower[ent_start - 1] not in _NAME_OPENERS["en"] \
                    and context_type(before, language) == "ORG":
                if starts is None:
                    starts = sentence_starts(doc)
                if starts[ent_start - 1]:
                    label = "ORG"  # a kind-noun opening the sentence: "Brewer Plzensky Prazdroj expects ..."
            elif lower[ent_start - 1] in STORM_NOUNS:  # capitalised: "Hurricane Melissa", "Storm Floris"
                label = "MISC"
            if label is None and language == "en" and ent_start > 1 and lower[ent_start - 1] == "at" \
                    and lower[ent_start - 2] in ROLES_AT_EN:
                label = "ORG"
        if label is None and "place_nouns" in PARTS and ent_start > 0:
            label = _place_noun_type(words, lower, is_lower, ent_start, language)
        if label is None and language == "en" and ent_start > 0 and words[ent_start - 1] == "near" \
                and ent_end - ent_start <= 3 and (ent_end == len(doc) or lower[ent_end] not in _POSSESSIVE_S):
            label = "LOC"  # "two sites near Estevan" (PER), "near Hereford" (ORG): session 40
        if label is None:
            fixed.append(ent)
            continue
        model_label = _to_model_label(label, ent_label)
        decided[(start, ent_end)] = label
        fixed.append(Span(doc, start, ent_end, label=model_label, kb_id=ent.kb_id_, span_id=ent.id_))
    return _join_places(doc, fixed, decided) if "place_nouns" in PARTS else fixed


# Plural kind-nouns before "such as" / "including" that type each name of the list after them (session 48, cycle 3
# round 6; en-news/dev_s47.txt: "several firms , including Moniepoint and OPay" LOC, "towns further west , such as
# Roma and Charleville" ORG).
LIST_KIND_NOUNS_EN = {
    **dict.fromkeys(("companies", "firms", "banks", "lenders", "insurers", "retailers", "brands", "chains", "start-ups",
                     "startups", "clubs", "charities", "universities", "broadcasters", "publishers",
                     "studios", "airlines", "carriers", "operators", "groups", "organisations", "organizations"),
                    "ORG"),
    **dict.fromkeys(("towns", "cities", "villages", "suburbs", "countries", "nations", "states", "regions",
                     "provinces", "districts", "islands", "areas"), "LOC"),
}
_LIST_KIND_WINDOW = 4
_OUR_TYPE = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC"}  # names only
_LIST_JOINERS = frozenset({",", "and", "or"})
_SENTENCE_STOPS = frozenset({".", "!", "?", ";", ":"})


def _list_kind(lower: list[str], trigger: int) -> str | None:
    """The type the plural kind-noun at most `_LIST_KIND_WINDOW` words before `trigger` ("such" or "including")
    gives, None when there is none or a sentence stops in between."""
    for k in range(trigger - 1, max(trigger - 1 - _LIST_KIND_WINDOW, -1), -1):
        if lower[k] in _SENTENCE_STOPS:
            return None
        kind = LIST_KIND_NOUNS_EN.get(lower[k])
        if kind is not None:
            return kind
    return None


def _listed_person(first: str, text: str) -> bool:
    """Whether a listed "person" is one: its first word a given name (also without accents) or the name lists knowing
    the name as a person ("Jamie Dimon"; not "Kopi Kenangan", "Janji Jiwa")."""
    return entity_given_names.is_given_name(first) or name_types("en").get(text) == "PER"


def listed_kinds(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: the names of a list after "<kind-noun> such as" or "<kind-noun> including" take the noun's type
    (`LIST_KIND_NOUNS_EN`), recorded as decided; a name the curated lists type otherwise, one decided already and a
    person (`_listed_person`) are left alone ("banks, including Jamie Dimon": the bosses), and the list ends with the
    name after "and"/"or" ("countries such as China and India, Smith said"). Not "teams" or "sides": national teams
    are places (session 48's review)."""
    if doc.lang_ != "en" or not ents or not has_lower(doc, frozenset({"including", "such"})):
        return ents
    lower, words = facts(doc).lower, facts(doc).words
    decided: dict[tuple[int, int], str] = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
    by_start = {ent.start: n for n, ent in enumerate(ents)}
    fixed = list(ents)
    for i, word in enumerate(lower):
        if word == "including":
            first = i + 1
        elif word == "such" and i + 1 < len(lower) and lower[i + 1] == "as":
            first = i + 2
        else:
            continue
        kind = _list_kind(lower, i)
        if kind is None:
            continue
        k = first
        while k in by_start:
            ent = fixed[by_start[k]]
            entry = gazetteer.exact_lookup("en", facts(doc).span_text(ent.start, ent.end))
            curated_other = entry is not None and entry.curated and entry.type != kind
            ours = _OUR_TYPE.get(ent.label_, kind)
            owns = ent.end + 1 < len(words) and lower[ent.end] in _POSSESSIVE_S \
                and lower[ent.end + 1] not in _LIST_JOINERS and lower[ent.end + 1] not in _SENTENCE_STOPS
            if ours == "PER" and (owns or _listed_person(words[ent.start], facts(doc).span_text(ent.start, ent.end))):
                ours = kind  # a person's name ("Mukesh Ambani 's Reliance"): left alone
            if (ent.start, ent.end) not in decided and not curated_other and ours != kind:
                decided[(ent.start, ent.end)] = kind
                fixed[by_start[k]] = Span(doc, ent.start, ent.end, label=_to_model_label(kind, ent.label_),
                                          kb_id=ent.kb_id_, span_id=ent.id_)
            if ent.start > first and lower[ent.start - 1] in ("and", "or"):
                break  # the last item
            k = ent.end
            while k < len(words) and lower[k] in _LIST_JOINERS:
                k += 1
            if k == ent.end:
                break
    return fixed


# Words a title may run on over, each with an article, before its next capitalised word ("op de Huid"); never an
# article alone ("Dnipro de Libris": two names), a joiner alone ("Zwartboek in Utrecht": a place) nor
# "van"/"door"/"met" ("het boek X van Arnon Grunberg": the writer).
TITLE_JOINERS = frozenset({"op", "aan", "in", "uit", "voor", "over", "onder", "zonder", "tegen", "na", "en", "of"})
TITLE_ARTICLES = frozenset({"de", "het", "een", "der", "den"})


def extend_work_titles(doc: Doc, ents: list[Span]) -> list[Span]:
    """Dutch: a title right after a noun of works (`entity_works.is_work_noun`: "de film Zout op de Huid", "haar
    roman Het Huis aan de Dnipro", which the model cut at the lower-case words) extended over the capitalised words
    right after it that are no other name ("misdaadreeks Laatste Tram") and over a joiner and an article to the next
    capitalised word, as often as the pattern repeats; spans it overlaps are cut to what follows it."""
    language = doc.lang_
    if language not in entity_works.TITLE_NOUNS:
        return ents
    words, lower = facts(doc).words, facts(doc).lower
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    # a capitalised word right after the noun that the model left out opens a title too ("De film Zomer op de Dijk")
    missed = [Span(doc, i, i + 1, label="MISC") for i in range(1, len(words))
              if words[i - 1].islower() and entity_works.is_work_noun(lower[i - 1], language) and i not in taken
              and words[i][:1].isupper() and words[i].isalpha()]
    if not ents and not missed:
        return ents
    taken.update(ent.start for ent in missed)
    result = sorted([*ents, *missed], key=SPAN_START)
    for ent in list(result):
        if ent.start == 0 or ent not in result or not words[ent.start - 1].islower() \
                or not entity_works.is_work_noun(lower[ent.start - 1], language) \
                or not words[ent.start][:1].isupper():
            continue  # the noun in lower case: "Film" of "Nederlands Film Festival" is part of a name
        end = ent.start + 1
        while True:
            if end < len(words) and (end < ent.end or end not in taken) and words[end][:1].isupper() \
                    and words[end].isalpha():
                end += 1  # a capitalised word of the model's span, or one right after it that is no name
                continue
            k = end
            if k + 2 < len(words) and lower[k] in TITLE_JOINERS and lower[k + 1] in TITLE_ARTICLES \
                    and words[k + 2][:1].isupper() and words[k + 2].isalpha():
                end = k + 3  # a joiner and an article: "op de Huid", "in de Meierij" (not "Zwartboek in Utrecht")
                continue
            break
        if end <= ent.end:
            continue  # (a missed word alone stays a title too: "de film Zwartboek")
        title = Span(doc, ent.start, end, label=ent.label_, kb_id=ent.kb_id_)
        rest = []
        for other in result:
            if other is ent:
                continue  # the title replaces it
            if other.end <= ent.start or other.start >= end:
                rest.append(other)
            elif other.start > ent.start and other.end > end:  # cut to the name that follows the title, if any
                start = end + (lower[end] in TITLE_ARTICLES and end + 1 < other.end)
                if words[start][:1].isupper():
                    rest.append(Span(doc, start, other.end, label=other.label_, kb_id=other.kb_id_))
        result = sorted([*rest, title], key=SPAN_START)
    return result


def _place_noun_type(words: list[str], lower: list[str], is_lower: list[bool], start: int,
                     language: str) -> str | None:
    """LOC when a place noun stands right before the name, or (English) before "of" + the name."""
    nouns = PLACE_NOUNS.get(language)
    if not nouns:
        return None
    i = start - 1
    of = language in _PLACE_OF and lower[i] == _PLACE_OF[language] and i > 0
    if of:
        i -= 1
    if language == "en" and lower[i] == "state" and i > 0 and lower[i - 1] == "of":
        return None  # "secretary of state Henry Kissinger", "head of state" (session 25, the Lee corpus)
    if not is_lower[i]:
        return None
    if lower[i] in nouns or (of and lower[i] in _PLACE_NOUNS_OF.get(language, ())):
        return "LOC"
    endings = _PLACE_COMPOUND_ENDINGS.get(language, ())
    if lower[i] in _PLACE_COMPOUNDS.get(language, ()) or any(
            lower[i].endswith(end) and len(lower[i]) >= len(end) + 3 for end in endings):
        return "LOC"
    return None


def _join_places(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """A place typed by its noun and a name right after it are one place ("village of Novye" LOC + "Atagi")."""
    result: list[Span] = []
    for ent in ents:
        last = result[-1] if result else None
        if (last is not None and last.end == ent.start and decided.get((last.start, last.end)) == "LOC"
                and (ent.start, ent.end) not in decided and doc[ent.start].text[:1].isupper()):
            del decided[(last.start, last.end)]
            decided[(last.start, ent.end)] = "LOC"
            result[-1] = Span(doc, last.start, ent.end, label=last.label_)
            continue
        result.append(ent)
    return result


def _to_model_label(label: str, current: str) -> str:
    """Our type written in the label set of the model's spans (OntoNotes for English models)."""
    if current in ("PER", "ORG", "LOC", "MISC"):
        return label
    return {"ORG": "ORG", "MISC": "EVENT"}.get(label, label)


# Sports results (English wire copy, issue 13): clubs named after their city were read as places ("Leeds beat
# Chelsea 2-1": Leeds LOC), a club with its city split in two ("PSV Eindhoven": ORG + LOC) or merged across a
# score. In a sentence with a score, or a results line "Ajax Amsterdam 3 Twente Enschede 1", the names playing
# are clubs (ORG); national teams stay places, as CoNLL-2003 tags them ("Japan beat Syria").
_SCORE = re.compile(r"^\d{1,3}-\d{1,3}$")
_RESULT_WORDS = frozenset({"beat", "beats", "drew", "draw", "draws", "lost", "lose", "loses", "won", "win", "wins",
                           "defeated", "defeat", "edged", "thrashed", "held", "hammered", "routed", "v", "vs",
                           "vs.", "against", "with", "to", "over", "at"})


def _results_line(doc: Doc, start: int, end: int) -> list[tuple[int, int]] | None:
    """The two name runs of a results line "Name 3 Name 1" (capitalised words, a number, again, the end)."""
    doc_facts = facts(doc)
    words, space, like_num = doc_facts.words, doc_facts.is_space, doc_facts.like_num
    while end > start and space[end - 1]:
        end -= 1
    while start < end and space[start]:
        start += 1
    if end - start < 4 or not words[end - 1].isdigit() or not words[start][:1].isupper():
        return None  # (the shortest line: a name, a number, a name, a number; a capital first, a number last)
    runs, i = [], start
    for _ in range(2):
        j = i
        while j < end and words[j][:1].isupper() and not like_num[j]:
            j += 1
        if j == i or j >= end or not words[j].isdigit():
            return None
        runs.append((i, j))
        i = j + 1
    return runs if i == end else None


_DASHES = frozenset({"-", "–"})


def _digit_sentences(doc: Doc, starts: list[bool]) -> list[tuple[int, int, int, list[tuple[int, int]] | None, bool]]:
    """(sentence index, start, end, results line or None, holds a score) of each sentence holding a digit, in
    order. A score is a "2-1" token (wire files) or a dash between two digit tokens inside the sentence ("2 - 1",
    spaCy's tokenisation of text); both are found on the doc's digit positions, not by walking every token."""
    doc_facts = facts(doc)
    digits = doc_facts.digits
    words, is_digit = doc_facts.words, doc_facts.is_digit
    starts_array = numpy.asarray(starts, dtype=bool)
    bounds = [*numpy.flatnonzero(starts_array).tolist(), len(doc)]
    sentence_of = numpy.cumsum(starts_array) - 1  # token -> index of its sentence
    scores = [i for i in numpy.flatnonzero(digits).tolist() if _SCORE.match(words[i])]
    dashes = [i for i in numpy.flatnonzero(in_words(doc, _DASHES)).tolist()
              if 0 < i < len(doc) - 1 and is_digit[i - 1] and is_digit[i + 1]]
    sentences = []
    for n in numpy.unique(sentence_of[digits]).tolist():  # sorted
        start, end = bounds[n], bounds[n + 1]
        k, m = bisect_left(scores, start), bisect_left(dashes, start)
        scored = (k < len(scores) and scores[k] < end) or (m < len(dashes) and dashes[m] < end - 1)
        sentences.append((n, start, end, _results_line(doc, start, end), scored))
    return sentences


# The sentences of the doc last tagged, per evidence object (the rules and the gazetteer matcher both ask).
# (the evidence, its digit sentences, the sentence index of each token)
_digit_sentences_of: LastDoc[dict[int, tuple[SentenceStartEvidence, list[Any], list[int]]]] = LastDoc(lambda doc: {})


def sports_clubs(doc: Doc, ents: list[Span], evidence: SentenceStartEvidence) -> list[Span]:
    """English only: names playing in a sentence with a score are clubs (see _SCORE); see above."""
    if doc.lang_ != "en" or not ents:
        return ents
    doc_facts = facts(doc)
    if not doc_facts.digits.any():  # per token: holds a digit (the doc's text holds one if any does)
        return ents
    cache = _digit_sentences_of(doc)
    if id(evidence) not in cache:
        cache[id(evidence)] = (evidence, _digit_sentences(doc, evidence.starts),
                               (numpy.cumsum(numpy.asarray(evidence.starts, dtype=bool)) - 1).tolist())
    _, sentences, sentence_of = cache[id(evidence)]
    decided: dict[tuple[int, int], str] = doc.user_data.setdefault(CONTEXT_TYPES_KEY, {})
    by_sentence: dict[int, list[Span]] = defaultdict(list)
    for ent in ents:
        by_sentence[sentence_of[ent.start]].append(ent)
    words, lower = doc_facts.words, doc_facts.lower
    replaced: dict[Span, list[Span]] = {}
    for n, start, end, line, scored in sentences:  # only sentences with a number: linear in the doc's length
        inside = by_sentence.get(n, [])
        if line is not None:
            if any(gazetteer.is_national_team("en", doc_facts.span_text(a, b)) for a, b in line):
                continue
            decided.update({(a, b): "ORG" for a, b in line})
            clubs = [Span(doc, a, b, label="ORG") for a, b in line]
            for ent in inside:
                replaced[ent] = []
            if inside:
                replaced[inside[0]] = clubs
            else:
                replaced[Span(doc, start, start, label="ORG")] = clubs
            continue
        if not scored:
            continue  # no score: "2-1" (one token in wire files, three in spaCy's tokenisation of text)
        for ent in inside:
            if ent.label_ not in ("LOC", "GPE"):
                continue
            text = doc_facts.span_text(ent.start, ent.end)
            if gazetteer.is_national_team("en", text) or gazetteer.is_venue("en", text) \
                    or decided.get((ent.start, ent.end)) == "LOC":
                continue  # (a place a context rule chose stays one: "At Chelmsford : Derbyshire 241")
            near = {lower[i] for i in (ent.start - 1, ent.end) if start <= i < end}
            if near & _RESULT_WORDS and entity_heads.head_type(tuple(words[ent.start:ent.end]), "en") != "LOC":
                decided[(ent.start, ent.end)] = "ORG"
                replaced[ent] = [Span(doc, ent.start, ent.end, label="ORG", kb_id=ent.kb_id_)]
    if not replaced:
        return ents
    result = [new for ent in ents for new in replaced.get(ent, [ent])]
    result += [new for ent, news in replaced.items() if ent.start == ent.end for new in news]
    return entity_doc.filter_spans(sorted(result, key=SPAN_START))


def _filter_matches(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """`spacy.util.filter_spans` on (match id, start, end) triples, so that only the matches kept become Spans."""
    return entity_doc.longest_first([(start, end, (key, start, end)) for key, start, end in matches])


GAZETTEER_COMPONENT = "newsworker_gazetteer"


@Language.factory(GAZETTEER_COMPONENT)
def make_gazetteer_matcher(nlp: Language, name: str) -> GazetteerMatcher:
    return GazetteerMatcher(nlp)


class GazetteerMatcher:
    """Known names (case-sensitive phrase matches) added where the model found nothing, or replacing model
    entities they strictly contain; the Wikidata id goes into `Span.kb_id_`."""

    def __init__(self, nlp: Language) -> None:
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.labels: dict[int, tuple[str, str]] = {}
        self.by_match_id: dict[int, tuple[str, str]] = {}  # the matcher's match id -> (label, Wikidata id)
        tokenizer = nlp.tokenizer
        for pattern in gazetteer.ruler_patterns(nlp.lang or ""):
            key = nlp.vocab.strings.add(f"{pattern['label']}|{pattern.get('id', '')}")
            self.labels[key] = (pattern["label"], pattern.get("id", ""))
            self.by_match_id[nlp.vocab.strings.add(str(key))] = self.labels[key]
            self.matcher.add(str(key), [tokenizer(pattern["pattern"])])

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc)
        if not matches:
            return doc
        english = doc.lang_ == "en"
        current = doc.ents  # a new Span per entity at every read: read once
        owner = {i: ent for ent in current for i in range(ent.start, ent.end)}
        ents: set[Span] | None = None  # the entities as a set, made at the first change (most docs have none)
        changed = False
        for key, start, end in _filter_matches(matches):  # a Span only for a match that is kept
            first = owner.get(start)
            if first is not None and first.start == start and first.end == end \
                    and first.label_ not in NUMBER_LABELS:
                continue  # the model's name, as the test below finds (most matches): without its sets
            covered = {owner[i] for i in range(start, end) if i in owner}
            # a date or time read across a known name gives way to it ("Kyiv overnight" TIME); a name the model
            # read the same, wider or across the match's edge stands: only names inside the match give way
            named = [c for c in covered if c.label_ not in NUMBER_LABELS]
            if any(c.start < start or c.end > end or (c.start, c.end) == (start, end) for c in named):
                continue
            if english and entity_sports.is_sport_head(doc, start, end):
                continue  # "AMERICAN FOOTBALL - ...": the headline's sport, not a demonym (session 31)
            label, wikidata = self.by_match_id[key]
            if ents is None:
                ents = set(current)
            ents -= covered
            ents.add(Span(doc, start, end, label=label, kb_id=wikidata))
            changed = True
        # names the gazetteer added may play in a results sentence too ("Porto drew 1-1 with Benfica"); without a
        # change, the entities in order are the doc's (their starts differ, so sorting the set gives that order)
        ordered = sorted(ents, key=SPAN_START) if ents is not None else list(current)
        evidence = evidence_of(doc)
        fixed = sports_clubs(doc, ordered, evidence)
        if changed:  # a known place added before an organisation: "Zambia" + "Chamber of Mines" (session 41)
            fixed = join_place_and_organisation(doc, fixed, evidence.starts)
        if changed or fixed is not ordered:  # most matches are names the model found already: nothing to set
            set_entities(doc, fixed)
        return doc
