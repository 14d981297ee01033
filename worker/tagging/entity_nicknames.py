"""A person's name with a quoted nickname inside it is one person: `Lee “Faker” Sang-hyeok`, `Dwayne "The Rock"
Johnson` (data/ner/README.md, session 24: real English news, where the model read such names as two to four
pieces of any type, "Lee" LOC, "Faker" ORG, "Seong" LOC).

A run is: one or two capitalised words, an opening quote, a nickname of one to three words opening with a capital
or a digit, the matching closing quote, then one or two capitalised words (each may go on with a hyphen and a word:
"Sang-hyeok", "Yuan-Hao"). It becomes one person when the model found a name somewhere in it (or its first word is
a given name), no word before the nickname is a stop word or a title ("the “Big Four” Banks", "Prime Minister
“Bibi” Netanyahu" keeps the role out: only the name after the title counts), and the sentence is not written in
title case (no lower-case word but stop words: "of", "the" and the like), where any quoted word stands between
capitalised words ("Biden “Strongly” Condemns Attack"). The nickname standing alone elsewhere in the document, where
the model tagged it as something else, becomes that person's name too ("Faker" ORG).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy
from spacy.tokens import Doc, Span

from worker.tagging.casing import sentence_starts
from worker.tagging.entity_doc import SPAN_START, facts, has_word, in_words, sentence_bounds
from worker.tagging.entity_given_names import PERSON_LABEL, given_names

QUOTES = {"“": "”", '"': '"', "‘": "’", "'": "'", "„": "”"}  # opening -> closing
_OPENING_QUOTES = frozenset(QUOTES)  # without one in the doc, no nickname
MAX_NICKNAME_WORDS = 3
_WORD_CHARS = frozenset("-.'’")


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word.replace("-", "").replace(".", "").isalpha()


def _part_end(words: list[str], spaces: list[bool], i: int, limit: int) -> int:
    """The end of one or two capitalised words from `i`, each going on with a hyphen and a word ("Sang-hyeok")."""
    end = i
    for _ in range(2):
        if end >= limit or not _capitalised(words[end]):
            break
        end += 1
        # "Sang" "-" "hyeok": the hyphen glued to both words (no whitespace after either)
        while end + 1 < limit and words[end] == "-" and not spaces[end - 1] and not spaces[end] \
                and words[end + 1].isalpha():
            end += 2
    return end


def _title_case(words: list[str], stop: list[bool], starts: list[bool], i: int) -> bool:
    """Whether the sentence around token i is written in title case: three or more words, none in lower case but
    stop words ("Biden “Strongly” Condemns Attack On Synagogue")."""
    start, end = sentence_bounds(starts, i)
    alpha = [k for k in range(start, end) if words[k].isalpha()]
    return len(alpha) >= 3 and not any(words[k].islower() and not stop[k] for k in alpha)


def nickname_persons(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str],
                     is_title: Callable[[str], bool] = lambda word: False) -> list[Span]:
    """Entities with names around a quoted nickname made one person (see the module docstring)."""
    language = doc.lang_
    if language not in PERSON_LABEL or not ents or not has_word(doc, _OPENING_QUOTES):
        return ents
    doc_facts = facts(doc)
    words = doc_facts.words
    # the quotes' places from the ORTH array (`in_words`), each checked on its word
    openings = [i for i in numpy.flatnonzero(in_words(doc, _OPENING_QUOTES)).tolist() if words[i] in QUOTES]
    if not openings:
        return ents
    spaces = doc_facts.spaces
    stop = doc_facts.is_stop
    names = given_names()[0]
    label = PERSON_LABEL[language]
    covered: set[int] | None = None  # the tokens inside an entity, made when first needed
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for i in openings:
        closing = QUOTES[words[i]]
        close = next((j for j in range(i + 2, min(i + 2 + MAX_NICKNAME_WORDS, len(words))) if words[j] == closing),
                     None)
        if close is None or spaces[i] or spaces[close - 1]:
            continue  # a nickname sits tight in its quotes
        nickname = words[i + 1:close]
        if not (nickname[0][:1].isupper() or nickname[0][:1].isdigit()) \
                or not all(w.isalnum() or set(w) <= _WORD_CHARS for w in nickname):
            continue
        start = i
        while start > 0 and i - start < 2 and _capitalised(words[start - 1]) and spaces[start - 1] \
                and not stop[start - 1] and not is_title(words[start - 1]):
            start -= 1
        if start == i or not spaces[close]:
            continue
        end = _part_end(words, spaces, close + 1, len(words))
        if end == close + 1 or any(k in taken for k in range(start, end)):
            continue
        if covered is None:
            covered = {k for ent in ents for k in range(ent.start, ent.end)}
        if not (any(k in covered for k in range(start, end)) or words[start] in names):
            continue  # no name in sight: a quoted word between two capitalised words
        if _title_case(words, stop, sentence_starts(doc), i):
            continue
        found.append((start, end, " ".join(nickname)))
        taken.update(range(start, end))
    if not found:
        return ents
    nicknames = {nickname for _, _, nickname in found}
    result = [ent for ent in ents if not any(k in taken for k in range(ent.start, ent.end))]
    for start, end, _ in found:
        result.append(Span(doc, start, end, label=label))
        decided[(start, end)] = "PER"
    retyped = []
    for ent in result:
        if ent.label_ != label and doc_facts.span_text(ent.start, ent.end) in nicknames:
            ent = Span(doc, ent.start, ent.end, label=label)
            decided[(ent.start, ent.end)] = "PER"
        retyped.append(ent)
    return sorted(retyped, key=SPAN_START)
