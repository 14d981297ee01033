"""Case evidence for the entity stage: ALL-CAPS text restored to ordinary case, and common words told from names.

News agencies send headlines and datelines in capitals ("SOCCER - JAPAN BEAT SYRIA IN ASIAN CUP OPENER",
"LONDON 2026-02-20"); a statistical NER learns that a capital starts a name, so on such lines it either tags
every word or none. `truecase_doc` rewrites the words of all-caps lines the way an editor would (names
keep a capital, common words go lower-case, acronyms stay) before the model sees them; the tokens keep their
lengths, so every offset stays valid. Word frequencies are the `wordfreq` package's, cut to the common words
(`common_words_{lang}.txt`, scripts/common_words.py); names from the gazetteer and the per-language name lists.

The same frequencies drop a model's single-word entity at the start of a sentence when the word is a
common word of the language and nothing else in the article treats it as a name ("Ruim 8 procent",
"Vastgoed levert ...").
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy
import wordfreq
from spacy.attrs import IS_ALPHA, IS_SPACE, IS_TITLE, IS_UPPER, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from worker.tagging import gazetteer
from worker.tagging.entity_doc import LastDoc, facts, in_words
from worker.tagging.titles import title_word

COMPONENT = "newsworker_truecase"
# A word this frequent (Zipf scale: 3 = once per million words) in the language is a common word, unless a
# name list says otherwise. Chosen on the dev halves (ned.testa even documents, data/ner/en-news).
COMMON_ZIPF = 3.0
# Short all-caps words rarer than this are acronyms ("WFP", "OPEC"), not shouted words.
ACRONYM_ZIPF = 3.6
SENTENCE_START_ZIPF = 4.0
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", "…"})
_QUOTES = frozenset({'"', "'", "“", "”", "‘", "’", "«", "»", "(", "-", "–", "—"})


# `zipf` knows the words at least this common (wordfreq's tables cut there, scripts/common_words.py); every
# threshold above must be at least this (tests/tagging/test_casing.py checks).
ZIPF_FLOOR = 3.0


def common_words_path(language: str) -> Path:
    return gazetteer.DATA_DIR / f"common_words_{language}.txt"


@lru_cache(maxsize=8)
def common_word_frequencies(language: str) -> dict[str, float]:
    """wordfreq's frequencies of the language's words at least `ZIPF_FLOOR` common (empty for a language without
    a table): ≈ 29,000 words instead of wordfreq's ≈ 310,000 (≈ 71 MB of Python objects in every worker for nl
    and en)."""
    path = common_words_path(language)
    if not path.exists():
        return {}
    frequencies: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        centibels, _, words = line.partition("\t")
        frequency = wordfreq.cB_to_freq(int(centibels))
        for word in words.split(" "):
            frequencies[word] = frequency
    return frequencies


@lru_cache(maxsize=262144)
def zipf(word: str, language: str) -> float:
    """How common a word is in the language: `wordfreq.zipf_frequency` (its tokenizer, its way of combining the
    tokens of "Hong-Kong" or "2024"), from the common-word table, so 0.0 for anything rarer than `ZIPF_FLOOR`."""
    frequencies = common_word_frequencies(language)
    tokens = wordfreq.lossy_tokenize(word, language) if frequencies else []
    if not tokens:
        return 0.0
    one_over = 0.0
    for token in tokens:
        smashed = wordfreq.smash_numbers(token)
        frequency = frequencies.get(smashed)
        if frequency is None:  # rarer than the floor, or unknown: so is the combination
            return 0.0
        if smashed != token:
            frequency *= wordfreq.digit_freq(token)
        one_over += 1.0 / frequency
    combined = 1.0 / one_over
    combined = round(combined, math.floor(-math.log(combined, 10)) + 3)  # wordfreq's 3 significant digits
    value = round(wordfreq.freq_to_zipf(combined), 2)
    return value if value >= ZIPF_FLOOR else 0.0


@lru_cache(maxsize=8)
def name_types(language: str) -> dict[str, str]:
    return gazetteer.name_types(language)


@lru_cache(maxsize=8)
def first_names(language: str) -> frozenset[str]:
    """First words of the multi-word person names in the name list and the gazetteer ("William", "Jan")."""
    names = {text.split()[0] for text, kind in name_types(language).items() if kind == "PER" and " " in text}
    for entry in gazetteer.load_entries():
        if entry.type == "PER":
            names.update(n.split()[0] for n in entry.names.get(language, ()) if " " in n)
    return frozenset(names)


def is_known_name(word: str, language: str) -> bool:
    """A gazetteer entry or a name of the training data with this exact spelling ("Japan", "Siemens")."""
    if gazetteer.exact_lookup(language, word) is not None:
        return True
    return name_types(language).get(word) in ("PER", "ORG", "LOC", "MISC")


_NAME_COMPOUND = re.compile(r"([A-Z][\w&'.]*)-[a-z]{3,}")


def name_compound(word: str, language: str) -> bool:
    """Dutch: one word of a known name and a lower-case noun, "CDA-leider", "PSV-trainer", "Vooruit-voorzitter": a
    name of its own (ned.train: MISC 337 times of the 399 capitalised words of this shape; the rest are ORG or LOC
    by their noun, "SBS-groep", or no name when the first part is a common word, "Oud-bondskanselier", "FM-radio")."""
    match = _NAME_COMPOUND.fullmatch(word)
    return language == "nl" and match is not None and is_known_name(match.group(1), language)


@lru_cache(maxsize=65536)  # asked about each word of an all-caps line many times (phrases, datelines, spellings)
def _is_shouted(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


# A name of the name lists (not the gazetteer) that is also at least this common a word is read as the word in
# an all-caps line: "TOUCH" (a band in WikiANN) in "KEEPS BARCELONA IN TOUCH". The article's own spelling comes
# first, so a headline name the body repeats keeps its capital.
LISTED_NAME_COMMON_ZIPF = 4.5

# English inflections and British spellings of common words, which the common-word table (cut at Zipf 3) lacks:
# headline verbs ("NEARS", "EYES") and nouns ("STABILISATION"). Ending -> what replaces it to find the common form.
_ENGLISH_FORMS = (("isation", "ization"), ("ises", "izes"), ("ised", "ized"), ("ising", "izing"), ("ies", "y"),
                  ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"))


def _common_form_zipf(lower: str, language: str) -> float:
    """How common a word is, or for English the commonest of its plain forms ("nears" -> "near")."""
    frequency = zipf(lower, language)
    if frequency or language != "en" or len(lower) < 5:
        return frequency
    for ending, replacement in _ENGLISH_FORMS:
        if lower.endswith(ending):
            frequency = max(frequency, zipf(lower[:-len(ending)] + replacement, language))
    return frequency


# English wire abbreviations, lower case in the body ("210 MLN STG", "UP 12 PCT"), and the article and clitic that
# have one letter ("A CREEK", "CHINA 'S"): never an acronym (session 28; "MLN STG" was read as an organisation).
_LOWER_IN_CAPS = {"en": frozenset({"MLN", "BLN", "PCT", "STG", "CTS", "DLRS", "YR", "YRS", "QTR", "MTHS", "SHR",
                                   "SHRS", "REVS", "'S", "’S"})}
# Parts of the session-28 truecaser that can be switched off to measure each (`bench.ner_quality` reads them):
# name-list acronyms that are common words, given name + surname pairs (English); for Dutch the same two, given
# names alone and compounds of common words (round 2).
CAPS_PARTS = {"common_acronyms", "given_pairs", "nl_common_acronyms", "nl_given", "nl_compounds", "nl_given_pairs",
              "en_compounds", "dateline_towns", "title_lines"}


# A gazetteer acronym that spells a word this common is the word in a Dutch headline: "IS" (Islamitische Staat) and
# "OM" (Openbaar Ministerie) are "is" and "om" (session 28, round 2).
VERY_COMMON_ZIPF = 6.0


def _acronym(word: str, language: str) -> bool:
    """An all-caps word known as a name in capitals ("NATO", "OPEC"). For English and Dutch, the name lists (WikiANN)
    count only for words that are not common: they list "CITY", "MAN", "TEA", "FOUR" as organisations."""
    english = language == "en" and "common_acronyms" in CAPS_PARTS
    dutch = language == "nl" and "nl_common_acronyms" in CAPS_PARTS
    if not (english or dutch):
        return is_known_name(word, language)
    if gazetteer.exact_lookup(language, word) is not None:
        return not dutch or zipf(word.lower(), language) < VERY_COMMON_ZIPF
    return name_types(language).get(word) in ("PER", "ORG", "LOC", "MISC") \
        and zipf(word.lower(), language) < LISTED_NAME_COMMON_ZIPF


def _given_name(title: str, language: str) -> bool:
    """Dutch: a given name of the list that is no common word too ("Henk", "Sanne", "Judith"; not "Roos", "Mark")."""
    if language != "nl" or "nl_given" not in CAPS_PARTS:
        return False
    names, caution = gazetteer.given_names()
    return title in names and title not in caution


# Shortest part of a Dutch compound ("plof|kraken", "lucht|afweer") and how common each part must be.
COMPOUND_PART_MIN = 3
# Longer words are not split (the splits are quadratic in the length; "arbeidsongeschiktheidsverzekering" has 33).
COMPOUND_MAX_LETTERS = 40
COMPOUND_PART_ZIPF = 3.0


@lru_cache(maxsize=65536)
def _compound_zipf(lower: str, language: str) -> float:
    """Dutch: a word that is two common words written together ("PLOFKRAKEN", "STAATSBEZOEK" with its linking s) is
    a common word too, as common as its rarer part (0.0 when no split fits); the tail may be a compound itself
    ("wereld|bekercross")."""
    if not lower.isalpha() or len(lower) > COMPOUND_MAX_LETTERS \
            or not ((language == "nl" and "nl_compounds" in CAPS_PARTS)
                    or (language == "en" and "en_compounds" in CAPS_PARTS)):
        return 0.0
    best = 0.0
    for k in range(COMPOUND_PART_MIN, len(lower) - COMPOUND_PART_MIN + 1):
        head, tail = lower[:k], lower[k:]
        head_zipf = max(zipf(head, language), zipf(head[:-1], language) if head.endswith("s") and k > 3 else 0.0)
        if head_zipf < COMPOUND_PART_ZIPF:
            continue
        tail_zipf = zipf(tail, language) or (_compound_zipf(tail, language) if len(tail) >= 2 * COMPOUND_PART_MIN
                                             else 0.0)
        if tail_zipf >= COMPOUND_PART_ZIPF:
            best = max(best, min(head_zipf, tail_zipf))
    return best


def _title(word: str) -> str:
    """"NEW-YORK" -> "New-York": each hyphenated part capitalised."""
    return "-".join(part[:1] + part[1:].lower() for part in word.split("-"))


def truecase_word(word: str, language: str, first: bool) -> str:
    """The ordinary-case spelling of one all-caps word (same length)."""
    if word == "V":
        return "v"  # "ENGLAND V AUSTRALIA": versus
    if word in _LOWER_IN_CAPS.get(language, ()) or (language == "en" and word == "A" and not first):
        return word.lower()
    if not _is_shouted(word) or "." in word or any(c.isdigit() for c in word):
        return word  # "U.S.", "F3", "COVID-19"
    if _acronym(word, language):
        return word  # an acronym known as such: "NATO", "OPEC"
    title = _title(word)
    lower = word.lower()
    if is_known_name(title, language) and (gazetteer.exact_lookup(language, title) is not None
                                           or zipf(lower, language) < LISTED_NAME_COMMON_ZIPF):
        return title
    if _given_name(title, language):
        return title
    frequency = _common_form_zipf(lower, language) or _compound_zipf(lower, language)
    vowels = sum(c in "aeiouy" for c in lower)
    if len(word) <= 4 and (frequency < ACRONYM_ZIPF or vowels == 0):
        return word
    if frequency >= COMMON_ZIPF:
        return title if first else lower
    return title


def is_shouted_line(words: Sequence[str], language: str) -> bool:
    """A line (or sentence) written in capitals: at least 80% of its words of two or more letters are
    all-caps, and one of them is a word or name rather than an acronym ("LONDON", not "NATO")."""
    alpha = [w for w in words if sum(c.isalpha() for c in w) >= 2]
    shouted = [w for w in alpha if _is_shouted(w)]
    return bool(alpha) and len(shouted) >= 0.8 * len(alpha) \
        and any(truecase_word(w, language, first=False) != w for w in shouted)


def has_sentences(doc: Doc) -> bool:
    """Whether sentence starts are set (an evaluation file's sentences); `Doc.has_annotation` is slower."""
    return len(doc) > 1 and bool((doc.to_array("SENT_START")[1:] != 0).any())


def _shouted_token_ranges(doc: Doc, upper_length: numpy.ndarray) -> list[tuple[int, int]]:
    """Token ranges of the doc's all-caps lines (or sentences, when given), found on the lexical flag arrays
    first so that ordinary text costs no Python work per token. `upper_length`: the doc's IS_UPPER and LENGTH
    columns, which `truecase_doc` has read already (`Doc.to_array` costs 8-18 us per column on a 520-token article)."""
    if len(doc) == 0:
        return []
    upper, length = upper_length.astype("int64").T
    if not ((upper == 1) & (length >= 3)).any():
        return []  # the common case: not one all-caps word
    alpha, space, sent_start = doc.to_array([IS_ALPHA, IS_SPACE, SENT_START]).astype("int64").T
    if (sent_start[1:] != 0).any():  # given sentences (evaluation files)
        bounds = (numpy.flatnonzero(sent_start[1:] == 1) + 1).tolist()
    else:  # lines: spaCy makes newlines (and runs of spaces) tokens of their own
        bounds = numpy.flatnonzero(space == 1).tolist()
    words = (alpha == 1) & (length >= 2)
    shouted = words & (upper == 1)
    ranges, start = [], 0
    for end in [*bounds, len(doc)]:
        n_words, n_shouted = int(words[start:end].sum()), int(shouted[start:end].sum())
        if n_shouted and n_shouted >= 0.8 * n_words \
                and is_shouted_line([t.text for t in doc[start:end]], doc.lang_):
            ranges.append((start, end))
        start = end
    return ranges


# Languages whose truecased datelines are kept as a span group (`Doc.spans[DATELINES_KEY]`) for the entity rules to
# type as places (session 28, round 3: the Dutch model read "ZUTPHEN -", "AMSTERDAM -" as organisations; session 34:
# English too, "AUGUSTA , Georgia , April 13 ( Reuters ) -" ORG).
DATELINE_SPANS = frozenset({"nl", "en"})
DATELINES_KEY = "newsworker_datelines"
# The token ranges `truecase_doc` read as all-caps lines, kept as a span group: the case it gave their words is its
# guess, not the writer's spelling ("OTTAWA AT BUFFALO" -> "Ottawa at buffalo"; session 38).
SHOUTED_KEY = "newsworker_shouted"
# What follows the place of a dateline: "ASSEN (ANP) -", "LONDON, March 3 -", "NEW YORK - ", "LYON: ".
_DATELINE_FOLLOWERS = {"(", ",", "-", "–", "—", ":"}
DATELINE_MAX_WORDS = 3


def _dateline_words(doc: Doc, upper: Sequence[int]) -> list[tuple[int, str]]:
    """All-caps place names opening a line of ordinary text, as (token, ordinary spelling): "ASSEN (ANP) - De
    TT ..." -> Assen. The words must form a known name or be rare as words ("ASSEN"), so "UPDATE:" stays."""
    found = []
    n = len(doc)
    for i in [k for k, u in enumerate(upper) if u]:  # only all-caps tokens: ordinary text costs no Token objects
        if not (i == 0 or "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_ or doc[i].is_sent_start):
            continue  # a line start, or a given sentence start (evaluation files have no newlines)
        end = i
        while end < n and end - i < DATELINE_MAX_WORDS and upper[end] and doc[end].is_alpha and len(doc[end]) >= 2:
            end += 1
        if end == i or end >= n or doc[end].text not in _DATELINE_FOLLOWERS:
            continue
        words = [doc[j].text for j in range(i, end)]
        titles = [_title(w) for w in words]
        language = doc.lang_
        if is_known_name(" ".join(words), language) and len(words) == 1 and len(words[0]) <= 4:
            continue  # an acronym known as such: "NAVO:", "EU -"
        if is_known_name(" ".join(titles), language) or all(
                is_known_name(t, language) or zipf(t.lower(), language) < COMMON_ZIPF for t in titles) \
                or (" ".join(titles) in gazetteer.geonames_towns() and "dateline_towns" in CAPS_PARTS):
            found += list(zip(range(i, end), titles, strict=True))
    return found


# Longest all-caps phrase looked up as one name ("NEW YORK", "SOUTH AFRICA", "BOSNIA AND HERZEGOVINA").
PHRASE_MAX_WORDS = 4


def _known_phrases(words: Sequence[str], start: int, end: int, language: str) -> dict[int, str]:
    """Ordinary spellings of the words of all-caps phrases that are gazetteer names as a whole: "NEW YORK" ->
    "New York" (word by word "NEW" is a common word and went lower-case: "new York")."""
    found: dict[int, str] = {}
    i = start
    while i < end - 1:
        for n in range(min(PHRASE_MAX_WORDS, end - i), 1, -1):
            phrase = words[i:i + n]
            if not all(_is_shouted(w) or w.lower() in _PHRASE_JOINERS for w in phrase) \
                    or not _is_shouted(phrase[0]) or not _is_shouted(phrase[-1]):
                continue
            cased = [w.lower() if w.lower() in _PHRASE_JOINERS else
                     _title(w) for w in phrase]
            entry = gazetteer.exact_lookup(language, " ".join(cased))  # not the name lists: "French League"
            if entry is None and cased[0] in _PHRASE_JOINERS:
                # a place opening with an article ("THE HAGUE" -> "The Hague"); not "TO THE SUN" -> "The Sun"
                capitalised = [cased[0].capitalize(), *cased[1:]]
                entry = gazetteer.exact_lookup(language, " ".join(capitalised))
                if entry is not None and entry.type == "LOC":
                    cased = capitalised
                else:
                    entry = None
            if entry is not None:
                found.update(zip(range(i, i + n), cased, strict=True))
                i += n
                break
        else:
            i += 1
    return found


_PHRASE_JOINERS = frozenset({"and", "of", "the", "en", "van", "de", "der"})


# Languages whose all-caps lines first take the spelling the article itself uses for a word in its ordinary
# lines ("REEVES" -> "Reeves" after "Rachel Reeves", "MCILROY" -> "McIlroy", "ASIAN CUP" -> "Asian Cup"):
# wire headlines repeat the body's names. Measured on the English dev files (data/ner/README.md, session 6).
DOC_SPELLINGS = {"en": True, "nl": True}


# A sentence-initial word is capitalised whatever it is; it still tells a name's spelling when a capitalised
# word follows it ("Southwest Airlines Co said"), unless it is a function word ("The Philippine peso").
FUNCTION_WORD_ZIPF = 5.0


def doc_spellings(doc: Doc, ranges: Sequence[tuple[int, int]]) -> DocSpellings:
    """How the article writes each word outside its all-caps lines, not counting words in capitals nor
    sentence-initial words (unless they open a run of capitalised words): lower-cased word -> its most
    frequent spelling."""
    inside = [False] * len(doc)
    for start, end in ranges:
        inside[start:end] = [True] * (end - start)
    starts = sentence_starts(doc)
    words = facts(doc).words
    # whether a word can tell a spelling at all (two characters or more, a letter, no digit, not in capitals),
    # decided once per distinct word
    usable: dict[str, bool] = {}
    counts: dict[str, dict[str, int]] = {}
    for i, text in enumerate(words):
        if inside[i]:
            continue
        ok = usable.get(text)
        if ok is None:
            ok = usable[text] = not (len(text) < 2 or _is_shouted(text) or not any(c.isalpha() for c in text)
                                     or any(c.isdigit() for c in text))
        if not ok:
            continue
        if starts[i] and not (i + 1 < len(words) and not starts[i + 1] and words[i + 1][:1].isupper()
                              and words[i + 1].isalpha() and zipf(text.lower(), doc.lang_) < FUNCTION_WORD_ZIPF):
            continue
        spellings = counts.setdefault(text.lower(), {})
        spellings[text] = spellings.get(text, 0) + 1
    # Counter.most_common(1): the highest count, the first seen among equals
    return DocSpellings({word: max(spellings, key=spellings.__getitem__) for word, spellings in counts.items()},
                        frozenset(word for word, spellings in counts.items() if word in spellings))


class DocSpellings(dict[str, str]):
    """Lower-cased word -> the article's most frequent spelling of it; `lower` holds the words the article
    also writes in lower case."""

    def __init__(self, best: dict[str, str], lower: frozenset[str]) -> None:
        super().__init__(best)
        self.lower = lower


# A word the article writes both ways, capitalised only inside names ("Sumitomo Bank", "Bank of Japan") and
# lower case elsewhere ("bank shares"), is a common word in an all-caps line unless a neighbour there is a name
# too: "ON BANK WORRIES" -> "bank", "SOUTHWEST AIRLINES" -> "Southwest Airlines". At least this common.
BOTH_WAYS_COMMON_ZIPF = 4.0


def _lower_where_alone(words: Sequence[str], cased: dict[int, str], start: int, end: int,
                       spellings: DocSpellings, language: str) -> None:
    """Lower-case (in `cased`) the words of one all-caps line that took a capitalised spelling from the article
    although the article also writes them in lower case, when neither neighbour in the line is capitalised."""
    for i in range(start, end):
        word = cased.get(i)
        lower = words[i].lower()
        if word is None or not word[:1].isupper() or lower not in spellings.lower or i == start:
            continue
        if spellings.get(lower) != word or zipf(lower, language) < BOTH_WAYS_COMMON_ZIPF:
            continue
        if any(start < j < end and cased.get(j, "")[:1].isupper() for j in (i - 1, i + 1)):
            continue
        cased[i] = lower


# A given name in an all-caps line is a name, not the common word it spells ("BEN", "TAYLOR", "MARK"), when the
# next word is a surname: rarer than this as a word ("FRITZ" 3.4, "PATEL" 3.5), or the last word of a person
# in the name lists and not common ("RUSSELL"). "GRANT FUNDING", "ROSE SHARPLY" stay words.
SURNAME_ZIPF = 3.5
# Given names this common as words are left alone: "WILL", "MAY", "HOPE", "LONG".
GIVEN_NAME_MAX_ZIPF = 5.2


@lru_cache(maxsize=8)
def _given_name_words(language: str) -> frozenset[str]:
    return first_names(language) | gazetteer.given_names()[0]


@lru_cache(maxsize=8)
def _surname_words(language: str) -> frozenset[str]:
    """Last words of the multi-word person names in the name lists ("Russell", "Harvey")."""
    return frozenset(text.split()[-1] for text, kind in name_types(language).items() if kind == "PER" and " " in text)


def _given_name_pairs(words: Sequence[str], cased: dict[int, str], start: int, end: int, language: str,
                      keep: Collection[int], lower: Collection[str]) -> None:
    """Title-case (in `cased`) a given name and the surname after it in one all-caps line: "BEN STOKES" ->
    "Ben Stokes", "JOSE RAUL MULINO" -> "Jose Raul Mulino" (word by word they went lower-case: "ben stokes").
    Not the words of a gazetteer name (`keep`), a word the article also writes in lower case (`lower`) or a title."""
    given, surnames = _given_name_words(language), _surname_words(language)
    for i in range(start, end - 1):
        word, after = words[i], words[i + 1]
        if not (_is_shouted(word) and _is_shouted(after) and word.isalpha() and after.replace("-", "").isalpha()):
            continue
        name, surname = _title(word), _title(after)
        if name not in given or zipf(word.lower(), language) >= GIVEN_NAME_MAX_ZIPF or i in keep or i + 1 in keep \
                or word.lower() in lower or after.lower() in lower or title_word(name, language):
            continue  # "MINISTER REEVES": a title, which the name lists also hold as a first word
        rare = _common_form_zipf(after.lower(), language)
        if rare < SURNAME_ZIPF or (surname in surnames and rare < LISTED_NAME_COMMON_ZIPF):
            cased[i], cased[i + 1] = name, surname


def _spelled_as_in_doc(word: str, spellings: dict[str, str], first: bool) -> str | None:
    """The article's own spelling of an all-caps word (same length), capitalised when it opens the line."""
    spelled = spellings.get(word.lower())
    if spelled is None or len(spelled) != len(word):
        return None
    return spelled[:1].upper() + spelled[1:] if first else spelled


def truecase_doc(doc: Doc) -> Doc:
    """The doc itself when it has no all-caps line, dateline or Title Case headline, else a new Doc with those words
    in ordinary case."""
    if not len(doc):
        return doc
    upper_length = doc.to_array([IS_UPPER, LENGTH])
    titled = _title_case_ranges(doc) if doc.lang_ == "en" and "title_lines" in CAPS_PARTS else []
    if not titled and not ((upper_length[:, 0] != 0) & (upper_length[:, 1] >= 3)).any():
        return doc  # the common case: no all-caps word of three letters, so no all-caps line and no dateline
    ranges = _shouted_token_ranges(doc, upper_length)
    datelines = _dateline_words(doc, upper_length[:, 0].tolist())
    if not ranges and not datelines and not titled:
        return doc
    language = doc.lang_
    words = facts(doc).words  # read only; the doc's arrays, without a Token per word
    new_words = list(words)
    for i, cased in datelines:
        new_words[i] = cased
    spellings = doc_spellings(doc, [*ranges, *titled]) if (ranges or titled) and DOC_SPELLINGS.get(language) \
        else DocSpellings({}, frozenset())
    if titled:
        _lower_title_case_words(words, new_words, titled, spellings, language)
    for start, end in ranges:
        line = _read_line(words, start, end, spellings, language)
        if spellings.lower:
            _lower_where_alone(words, line, start, end, spellings, language)
        for i, cased in line.items():
            new_words[i] = cased
    if new_words == words:
        return doc
    sent_starts: list[bool | int | None] | None = None
    if has_sentences(doc):  # bool(Token.is_sent_start): a start is 1, not one -1, unknown 0
        sent_starts = [start > 0 for start in doc.to_array(SENT_START).astype("int64").tolist()]
    spaces = doc.to_array(SPACY).astype(bool).tolist()  # bool(Token.whitespace_)
    cased_doc = Doc(doc.vocab, words=new_words, spaces=spaces, sent_starts=sent_starts)
    if ranges or titled:  # the case of a Title Case headline's lowered words is a guess too (the review)
        cased_doc.spans[SHOUTED_KEY] = [Span(cased_doc, a, b) for a, b in sorted([*ranges, *titled])]
    if datelines and language in DATELINE_SPANS:
        cased_doc.spans[DATELINES_KEY] = [Span(cased_doc, a, b) for a, b in _dateline_spans(datelines, ranges)]
    return cased_doc


# A Title Case headline ("Hearthstone Jumps In Nasdaq Debut", session 46, round 4): 3-25 words of two letters or more,
# at least 80 % capitalised, with a capitalised function word after the first word (a line-up or a results line has
# none: "Ayr United : Sneddon ; Quinn , Patterson").
_TITLE_LINE_WORDS = (3, 25)
# A surname or listed name this common as a word goes lower case in a Title Case headline all the same ("Eyes", "Will",
# "Rose"); "Rice", "Jones", "Grant" keep their capital.
TITLE_NAME_COMMON_ZIPF = 4.8
_TITLE_LINE_SHARE = 0.8
_TITLE_FUNCTION_WORDS = frozenset({"Of", "To", "In", "For", "And", "The", "A", "At", "On", "With", "From", "By", "As",
                                   "Over", "After", "Into"})


def _title_case_ranges(doc: Doc) -> list[tuple[int, int]]:
    """The token range of the doc's first line (sentence, when given) when it is a Title Case headline, found on the
    IS_TITLE flags first; WikiANN's track lists and credits are Title Case fragments too, and no headline."""
    title, alpha, length, space, sent_start = doc.to_array([IS_TITLE, IS_ALPHA, LENGTH, IS_SPACE, SENT_START]) \
        .astype("int64").T
    words = (alpha == 1) & (length >= 2)
    capitalised = words & (title == 1)
    if int(capitalised.sum()) < _TITLE_LINE_WORDS[0]:
        return []
    if (sent_start[1:] != 0).any():
        bounds = (numpy.flatnonzero(sent_start[1:] == 1) + 1).tolist()
    else:
        bounds = numpy.flatnonzero(space == 1).tolist()
    start = 0
    for end in [*bounds, len(doc)]:
        n_words, n_title = int(words[start:end].sum()), int(capitalised[start:end].sum())
        if not n_words:  # blank lines before the headline
            start = end
            continue
        if _TITLE_LINE_WORDS[0] <= n_words <= _TITLE_LINE_WORDS[1] and n_title >= _TITLE_LINE_SHARE * n_words \
                and any(token.text in _TITLE_FUNCTION_WORDS for token in doc[start + 1:end]) \
                and words[end:].any():  # a headline heads a text (round 6)
            return [(start, end)]
        return []  # only the document's first line is a headline (round 5)
    return []


def _lower_title_case_words(words: Sequence[str], new_words: list[str], ranges: Sequence[tuple[int, int]],
                            spellings: DocSpellings, language: str) -> None:
    """Lower-case (in `new_words`) the words of Title Case lines that the all-caps steps write in lower case, reading
    each line in capitals; every other word keeps the site's spelling ("McLaren", "iPhone")."""
    for start, end in ranges:
        shouted = list(words)  # the line as if in capitals, the rest as written (the steps read by index)
        shouted[start:end] = [word.upper() for word in words[start:end]]
        line = _read_line(shouted, start, end, spellings, language)
        given, surnames = _given_name_words(language), _surname_words(language)
        kept: set[int] = set()
        for i in range(start, end - 1):  # a given name and the capitalised word after it: "By John Smith And ..."
            if words[i] in given and words[i + 1][:1].isupper() and words[i + 1] not in _TITLE_FUNCTION_WORDS:
                kept.update((i, i + 1))
        for i, cased in line.items():
            word = words[i]
            if not (cased.islower() and word[:1].isupper() and (len(word) == 1 or word[1:].islower())):
                continue
            # a site's capitals say nothing either way, so a word that can be a name keeps its capital ("By John Smith
            # And Mary Jones", "Deal For Rice"; the session-46 review); a function word never is one here
            if word not in _TITLE_FUNCTION_WORDS and (i in kept or (
                    (word in surnames or is_known_name(word, language))
                    and zipf(cased, language) < TITLE_NAME_COMMON_ZIPF)):
                continue
            new_words[i] = cased


def _read_line(words: Sequence[str], start: int, end: int, spellings: DocSpellings, language: str) -> dict[int, str]:
    """The ordinary-case spelling (same length) of each word of an all-caps line: the gazetteer's phrases, the
    article's own spellings, word frequencies, then given name + surname pairs."""
    known = _known_phrases(words, start, end, language)
    line: dict[int, str] = {}
    first = True
    for i in range(start, end):
        if not any(c.isalpha() for c in words[i]):
            continue
        cased = known.get(i) or _spelled_as_in_doc(words[i], spellings, first) \
            or truecase_word(words[i], language, first)
        if len(cased) == len(words[i]):
            line[i] = cased
        first = False
    if (language == "en" and "given_pairs" in CAPS_PARTS) or (language == "nl" and "nl_given_pairs" in CAPS_PARTS):
        _given_name_pairs(words, line, start, end, language, known, spellings.lower)
    return line


def _dateline_spans(datelines: Sequence[tuple[int, str]], ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of consecutive dateline words, outside the all-caps lines ("AJAX - PSV 2-1" is a headline, not a place
    and a story)."""
    inside = {i for start, end in ranges for i in range(start, end)}
    spans: list[tuple[int, int]] = []
    for i, _ in datelines:
        if i in inside:
            continue
        if spans and spans[-1][1] == i:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    return spans


@Language.factory(COMPONENT)
def make_truecaser(nlp: Language, name: str) -> Truecaser:
    return Truecaser()


class Truecaser:
    """First component of an entity pipeline: all-caps lines restored to ordinary case (see truecase_doc)."""

    def __call__(self, doc: Doc) -> Doc:
        return truecase_doc(doc)


def sentence_start(doc: Doc, i: int) -> bool:
    """Whether token i begins a sentence (annotated starts, or after end punctuation, a newline, an opening
    quote or dash at a sentence start). For one token; `sentence_starts` gives all of a doc's in one pass."""
    given = doc[i].is_sent_start  # None unless sentences are set
    if i == 0 or given is not None:
        return i == 0 or bool(given)
    j = i - 1
    while j >= 0 and (doc[j].text in _QUOTES or doc[j].is_space):
        if doc[j].is_space or "\n" in doc[j].text:
            return True
        j -= 1
    return j < 0 or doc[j].text in _SENTENCE_END or "\n" in doc[j].whitespace_


def sentence_starts(doc: Doc) -> list[bool]:
    """`sentence_start(doc, i)` for every token, computed once for the doc last asked about (the rules, the
    given-name pass and the sentence-start evidence all ask for the same doc: on 160 entity-dense English texts,
    computing it for each of them cost 0.4 % of the bare model's time). The list is shared: read it, never change it."""
    return _SENTENCE_STARTS(doc)


def _sentence_starts(doc: Doc) -> list[bool]:
    """`sentence_starts` computed on the token arrays (linear, no Python work per token): a token starts a
    sentence when no word precedes it, or a space token stands between it and the last word (a token neither
    quote nor space), or that word ends a sentence. (`sentence_start` also asks whether that word's whitespace
    holds a newline; a token's whitespace is one space or none, so never.)"""
    n = len(doc)
    if not n:
        return []
    given = doc.to_array("SENT_START").astype("int64")
    space = doc.to_array(IS_SPACE).astype(bool)
    is_word = ~(in_words(doc, _QUOTES) | space)
    index = numpy.arange(n)
    last_word = numpy.maximum.accumulate(numpy.where(is_word, index, -1))
    previous = numpy.concatenate(([-1], last_word[:-1]))  # the last word before each token, -1 if none
    spaces_upto = numpy.cumsum(space)
    spaces_before = numpy.concatenate(([0], spaces_upto[:-1]))  # space tokens before each token
    spaces_between = spaces_before - numpy.where(previous >= 0, spaces_upto[numpy.maximum(previous, 0)], 0)
    ends = in_words(doc, _SENTENCE_END)
    derived = (previous < 0) | (spaces_between > 0) | ends[numpy.maximum(previous, 0)]
    starts = numpy.where(given != 0, given == 1, derived)
    starts[0] = True
    result: list[bool] = starts.tolist()
    return result


_SENTENCE_STARTS: LastDoc[list[bool]] = LastDoc(_sentence_starts)


class SentenceStartEvidence:
    """What `common_word_at_sentence_start` needs to know about a whole doc, computed at most once per doc
    (on first use): where sentences start, and which words are written capitalised inside a sentence
    somewhere. Checking every candidate against the whole doc instead made tagging quadratic (100k
    characters: 44 s)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc

    @cached_property
    def starts(self) -> list[bool]:
        return sentence_starts(self.doc)

    @cached_property
    def mid_sentence(self) -> frozenset[str]:
        return frozenset(text for text, start in zip(facts(self.doc).words, self.starts, strict=True)
                         if not start and text[:1].isupper())

    @cached_property
    def lower_case(self) -> frozenset[str]:
        """The words the doc writes in lower case somewhere (not those the truecaser lower-cased in an all-caps
        line: "buffalo" of "OTTAWA AT BUFFALO" is no evidence that the article writes it so)."""
        words = facts(self.doc).words
        if SHOUTED_KEY not in self.doc.spans:
            return frozenset(word for word in words if word.islower())
        shouted = shouted_tokens(self.doc)
        return frozenset(word for word, caps in zip(words, shouted, strict=True) if word.islower() and not caps)


def _shouted_mask(doc: Doc) -> list[bool]:
    """Per token: whether it stands in a line the truecaser read as all capitals (`SHOUTED_KEY`)."""
    mask = [False] * len(doc)
    for span in doc.spans.get(SHOUTED_KEY, ()):
        mask[span.start:span.end] = [True] * (span.end - span.start)
    return mask


shouted_tokens = LastDoc(_shouted_mask)  # read by the sentence-start evidence and the sports rules of one doc


# Shared by the entity rules and the gazetteer matcher, which tag the same doc one after the other.
evidence_of = LastDoc(SentenceStartEvidence)


def common_word_at_sentence_start(doc: Doc, start: int, end: int, label: str,
                                  evidence: SentenceStartEvidence | None = None) -> bool:
    """A single-word entity that is only a capitalised common word: at a sentence start, frequent in the
    language, not a known name, and never capitalised elsewhere in the article. Pass the doc's `evidence`
    when asking about many entities of one doc (it is built here otherwise, a pass over the doc)."""
    if end - start != 1:
        return False
    word = facts(doc).words[start]
    if not word[:1].isupper() or _is_shouted(word):
        return False
    at_start = evidence.starts[start] if evidence is not None else sentence_start(doc, start)
    if not at_start:
        return False
    if zipf(word.lower(), doc.lang_) < SENTENCE_START_ZIPF or is_known_name(word, doc.lang_) \
            or name_compound(word, doc.lang_):
        return False
    if evidence is None:
        evidence = SentenceStartEvidence(doc)
    return word not in evidence.mid_sentence


def lower_case_elsewhere(doc: Doc, start: int, evidence: SentenceStartEvidence) -> bool:
    """A word opening a sentence that the article also writes in lower case and never capitalised inside a sentence,
    and that no list knows as a name: "Kinkhoest rukt op" beside "gevallen van kinkhoest", "Wildfire tears through"
    beside "the wildfire" (session 36)."""
    word = facts(doc).words[start]
    if not evidence.starts[start] or not word[:1].isupper() or word.isupper() or not word.isalpha():
        return False
    lower = word.lower()
    if lower not in evidence.lower_case or word in evidence.mid_sentence:
        return False
    return not is_known_name(word, doc.lang_) and word not in gazetteer.given_names()[0]
