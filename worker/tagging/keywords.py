"""Keyword stage: a handful of key phrases per article, RAKE-style, in pure Python.

Candidates are word n-grams (up to three words) inside runs of content words, runs being cut at
stopwords, punctuation and numbers (spaCy's Dutch and English stopword lists plus words every news story
uses). A word weighs its frequency in the article times its rarity in news (document frequencies from
the project's own labelled news, written by scripts/train_topics.py to data/keyword_df.json) and more
when written as a name mid-sentence; a phrase adds cohesion (how often its words occur together), an
early or headline mention, and a little for length. Our own method (MIT, like the project); yake is AGPL and not used.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as NL_STOP_WORDS

from worker.article import Article
from worker.config import get_settings
from worker.tagging.limits import max_tagged_chars
from worker.tagging.paths import DATA_DIR
from worker.tagging.text_tokens import TOKEN_RE, tokens

DF_PATH = DATA_DIR / "keyword_df.json"
MAX_RUN_WORDS = 4  # longer runs are cut, so one run-on sentence does not become a "phrase"
MAX_PHRASE_WORDS = 3
# A "word" longer than this is a dump (a hash, base64, a run-together line), never a key phrase; it also
# keeps every keyword far below Elasticsearch's 32 KB limit for a keyword term.
MAX_WORD_CHARS = 40

# Words frequent in any news story that say nothing about this one.
_NEWS_NL = """aldus volgens zegt zei zeggen zeiden stelt stelde laat liet meldt meldde maakte bekend gaat
ging komt kwam jaar jaren procent maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari
februari maart april mei juni juli augustus september oktober november december vandaag gisteren morgen
week weken maand maanden dag dagen uur keer mensen mogelijk onder andere nieuwe nieuw grote groot eerste
tweede derde vorige volgende afgelopen ongeveer bijna ruim zo'n echter inmiddels woordvoerder plan plannen
blijkt blijft vinden vindt wil willen moet moeten kunnen kan krijgt krijgen gaan staat staan maken
honderden duizenden tientallen miljoen miljard onduidelijk aanwezig bekend uiterlijk
precies momenteel daarentegen verluidt naar erin eraan erop ervan man vrouw twee drie vier vijf zes zeven
acht negen tien elf twaalf twintig dertig honderd duizend"""
_NEWS_EN = """said says say told according added announced reported year years percent per cent monday
tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december today yesterday tomorrow week weeks month months day days time
times people first second third last next former around nearly about spokesperson spokesman
spokeswoman mr mrs ms including also plans plan expected called warned thousands hundreds dozens
million billion number"""
STOP_WORDS = {
    "nl": frozenset(w.lower() for w in NL_STOP_WORDS) | frozenset(_NEWS_NL.split()),
    "en": frozenset(w.lower() for w in EN_STOP_WORDS) | frozenset(_NEWS_EN.split()),
}
STOP_WORDS_ANY = STOP_WORDS["nl"] | STOP_WORDS["en"]
SENTENCE_END = frozenset(".!?:;\n")  # a line break ends a headline or subheading too


@lru_cache(maxsize=1)
def _document_frequencies() -> dict[str, tuple[int, dict[str, int]]]:
    if not DF_PATH.exists():
        return {}
    data = json.loads(DF_PATH.read_text(encoding="utf-8"))
    return {language: (int(v["documents"]), v["df"]) for language, v in data.items()}


def rarity(word: str, stats: tuple[int, dict[str, int]] | None) -> float:
    """Inverse document frequency in news (1 + log) given a language's (documents, df) from
    `_document_frequencies`, highest for unseen words; 1 without statistics."""
    if stats is None:
        return 1.0
    documents, df = stats
    return 1.0 + math.log((documents + 1) / (df.get(word, 0) + 1))


@dataclass
class _Scan:
    """Everything counted in one pass over title and body.

    The n-grams are counted from these lists (`_Grams`); written forms are only built for the phrases chosen.
    """

    written: list[str] = field(default_factory=list)  # every word kept in a run, as written
    normalised: list[str] = field(default_factory=list)  # the same words, normalised
    offsets: list[int] = field(default_factory=list)  # their token offsets in title + body
    runs: list[tuple[int, int]] = field(default_factory=list)  # runs of kept words: [start, end) in the lists
    names: list[str] = field(default_factory=list)  # normalised words written as names (capitalised mid-sentence)
    tokens: int = 0
    title_words: int = 0

    def shown(self, n: int, starts: list[int]) -> str:
        """The most common written form of the n-gram at these starts, without a possessive at the end
        ("Florida's" -> "Florida")."""
        written = self.written
        if len(starts) == 1:  # most chosen phrases: the one form, without counting
            i = starts[0]
            return " ".join([*written[i : i + n - 1], _display(written[i + n - 1])])
        forms = Counter(" ".join([*written[i : i + n - 1], _display(written[i + n - 1])]) for i in starts)
        return forms.most_common(1)[0][0]


def _normalise(token: str) -> str:
    """Lower case without a possessive: "Florida's" and "Florida" are one word."""
    lower = token.lower()
    if ("'" in lower or "’" in lower) and lower.endswith(("'s", "’s")) and len(lower) > 3:
        return lower[:-2]
    return lower


def _display(token: str) -> str:
    """The written form without a possessive ending, as a keyword is shown."""
    if token.endswith(("'s", "’s")) and len(token) > 3:
        return token[:-2]
    return token


@dataclass
class _Grams:
    """The 2- and 3-grams of the runs of words (runs longer than MAX_RUN_WORDS are cut into pieces): per
    length, each occurrence's first word (an index in `_Scan.normalised`) and its words, their counts, and the
    first occurrence of each. Counted with Counter and dict over whole lists, not one Python step per
    occurrence: most grams occur once and are never candidates, so their positions are only looked up for the
    phrases chosen."""

    normalised: list[str]  # the words themselves (`_Scan.normalised`): the 1-grams
    starts: dict[int, list[int]]
    keys: dict[int, list[tuple[str, ...]]]
    counts: dict[int, Counter[tuple[str, ...]]]
    first: dict[int, dict[tuple[str, ...], int]]

    def positions(self, words: tuple[str, ...]) -> list[int]:
        """Where this gram (of one to three words) occurs: first word indexes, in order."""
        n = len(words)
        if n == 1:
            return _indexes(self.normalised, words[0])
        starts = self.starts[n]
        return [starts[k] for k in _indexes(self.keys[n], words)]


def _indexes(items: list[Any], value: object) -> list[int]:
    """`[i for i, item in enumerate(items) if item == value]`, found with `list.index` (a loop in C)."""
    found: list[int] = []
    index = items.index
    try:
        i = index(value)
        while True:
            found.append(i)
            i = index(value, i + 1)
    except ValueError:
        return found


def _grams(scan: _Scan) -> _Grams:
    normalised = scan.normalised
    starts: dict[int, list[int]] = {2: [], 3: []}
    for run_start, run_end in scan.runs:
        if run_end - run_start < 2:  # most runs: one word, no gram
            continue
        for piece in range(run_start, run_end, MAX_RUN_WORDS):
            piece_end = min(piece + MAX_RUN_WORDS, run_end)
            starts[2].extend(range(piece, piece_end - 1))
            starts[3].extend(range(piece, piece_end - 2))
    pairs = list(pairwise(normalised))  # index i -> the words at i and i + 1
    triples = list(zip(normalised, normalised[1:], normalised[2:], strict=False))
    keys: dict[int, list[tuple[str, ...]]] = {2: list(map(pairs.__getitem__, starts[2])),
                                              3: list(map(triples.__getitem__, starts[3]))}
    return _Grams(normalised, starts, keys, {n: Counter(keys[n]) for n in (2, 3)},
                  # reversed, so that the first occurrence is written last
                  {n: dict(zip(reversed(keys[n]), reversed(starts[n]), strict=True)) for n in (2, 3)})


def _scan(text: str, stop_words: frozenset[str], scan: _Scan) -> None:
    """Append the text's words kept (written and normalised forms, token offsets), the runs they form and
    the words written as names to `scan`."""
    found = tokens(text)  # shared with the topic stage, which read the same text just before
    offset = scan.tokens
    written, normalised, offsets, runs, names = scan.written, scan.normalised, scan.offsets, scan.runs, scan.names
    kept = run_start = len(normalised)
    sentence_start = True
    memo = _token_memo(stop_words)
    for n, token in enumerate(found):
        facts = memo.get(token)
        if facts is None:
            facts = memo[token] = _token_facts(token, stop_words)
        kind, lower, flag = facts
        if kind == _MARK:
            if run_start < kept:
                runs.append((run_start, kept))
                run_start = kept
            sentence_start = sentence_start or flag
            continue
        capitalised = flag and not sentence_start
        sentence_start = False
        if kind == _STOP:
            # "Den Haag", "The Times": a capitalised stopword mid-sentence before a name is part of it.
            following = found[n + 1] if n + 1 < len(found) else ""
            if not (capitalised and following[:1].isupper() and following.lower() not in stop_words):
                if run_start < kept:
                    runs.append((run_start, kept))
                    run_start = kept
                continue
        elif kind == _SKIP:
            if run_start < kept:
                runs.append((run_start, kept))
                run_start = kept
            continue
        written.append(token)
        normalised.append(lower)
        offsets.append(offset + n)
        kept += 1
        if capitalised:
            names.append(lower)
    if run_start < kept:
        runs.append((run_start, kept))
    scan.tokens += len(found)


# What `_scan` makes of a token, by kind: a mark (punctuation, a number, a line break; the flag: it ends a
# sentence), a stopword, a word too short or too long to keep, a word (the flag: it opens with a capital).
_MARK, _STOP, _SKIP, _WORD = range(4)
_TokenFacts = tuple[int, str, bool]
TOKEN_MEMO_MAX = 100_000  # distinct tokens kept per stopword list, then emptied
_TOKEN_MEMOS: dict[frozenset[str], dict[str, _TokenFacts]] = {}


def _token_memo(stop_words: frozenset[str]) -> dict[str, _TokenFacts]:
    memo = _TOKEN_MEMOS.get(stop_words)
    if memo is None or len(memo) > TOKEN_MEMO_MAX:
        if len(_TOKEN_MEMOS) >= 4:  # the worker has three lists (Dutch, English, both)
            _TOKEN_MEMOS.clear()
        memo = _TOKEN_MEMOS[stop_words] = {}
    return memo


def _token_facts(token: str, stop_words: frozenset[str]) -> _TokenFacts:
    """The kind of a token, its normalised form and its flag (`_MARK` ... `_WORD` above)."""
    first_char = token[0]
    if not first_char.isalpha():
        return _MARK, "", token in SENTENCE_END
    lower = token.lower()
    if "'" in lower or "’" in lower:
        lower = _normalise(token)
    if lower in stop_words:
        kind = _STOP
    elif (len(token) < 3 and not (token.isupper() and len(token) >= 2)) or len(token) > MAX_WORD_CHARS:
        kind = _SKIP
    else:
        kind = _WORD
    return kind, lower, first_char.isupper()


def _nationality_adjective(word: str, language: str) -> bool:
    """Dutch nationality adjectives ("Amerikaanse", "Britse") are capitalised but make poor keywords."""
    return language == "nl" and word.endswith(("se", "sche")) and len(word) > 4


def _verb_like(word: str, language: str) -> bool:
    """Inflected verb forms make poor keywords; a cheap guess by ending is enough to rank them lower."""
    if language == "en":
        return word.endswith(("ing", "ed")) and len(word) > 5
    if language == "nl":
        return word.startswith("ge") and word.endswith(("d", "t", "en")) and len(word) > 6
    return False


def extract_keywords(
    title: str, body: str, language: str, limit: int = 8, names: frozenset[tuple[str, ...]] = frozenset(),
    aliases: Mapping[tuple[str, ...], int] | None = None,
) -> list[str]:
    """Up to `limit` key phrases, best first, each in its most common written form.

    `names` are known multi-word names (lower-cased words), e.g. from the entity stage: they may be
    key phrases even when mentioned once. `aliases` maps the forms of one entity (lower-cased words) to
    one number: a phrase is skipped when another form of its entity is already a keyword ("VS" after
    "Verenigde Staten").
    """
    stop_words = STOP_WORDS.get(language, STOP_WORDS_ANY)
    scan = _Scan()
    _scan(title, stop_words, scan)
    scan.title_words = len(scan.normalised)
    _scan(body, stop_words, scan)
    grams = _grams(scan)
    total = max(1, scan.tokens)
    word_counts, name_counts = Counter(scan.normalised), Counter(scan.names)

    stats = _document_frequencies().get(language)
    # rarity() and the word tests written out: this runs once per distinct word of every article
    documents_plus_one, df = (stats[0] + 1, stats[1]) if stats is not None else (0, {})
    dutch = language == "nl"
    names_get = name_counts.get
    word_score: dict[str, float] = {}
    for word, count in word_counts.items():
        is_name = names_get(word, 0) * 2 >= count and not (dutch and _nationality_adjective(word, language))
        score = (1.0 + math.log(count)) * (
            1.0 + math.log(documents_plus_one / (df.get(word, 0) + 1)) if stats is not None else 1.0)
        if is_name:
            score *= 1.5
        elif _verb_like(word, language):
            score *= 0.5
        word_score[word] = score

    # (-score, first offset, first word's index, n, words, count): sorted as such. The index and n (unique per
    # gram) order ties as the grams were first met, reading the words in order and the shorter gram first.
    scored: list[tuple[float, int, int, int, tuple[str, ...], int]] = []
    offsets, title_words = scan.offsets, scan.title_words
    normalised = scan.normalised
    first_words = dict(zip(reversed(normalised), range(len(normalised) - 1, -1, -1), strict=True))  # -> first index
    for word, count in word_counts.items():
        if word in stop_words:  # a name's leading stopword ("Den Haag") only, never alone
            continue
        score = word_score[word] * 1.5
        start = first_words[word]
        first = offsets[start]
        score *= 1.0 + 0.5 * (1.0 - first / total)  # early mentions matter more
        if start < title_words:
            score *= 1.3
        scored.append((-score, first, start, 1, (word,), count))
    for length in (2, 3):
        first_of = grams.first[length]
        for words, count in grams.counts[length].items():
            if count < 2 and words not in names:
                # A multi-word phrase must recur or be a name the entity stage found ("Osama Bin Laden"): once-off
                # runs are sentence fragments ("VK trekken troepen"), and capitalisation alone would also admit
                # "Zaken Antony" from "Buitenlandse Zaken Antony Blinken".
                continue
            if words[-1] in stop_words:  # a name's leading stopword ("Den Haag") only, never last
                continue
            # (a leading stopword with one occurrence is a name here: `names` let it through above)
            # Cohesion: how often its rarest word occurs in this phrase ("New Zealand": always).
            if length == 2:
                first_word, last_word = words
                cohesion = count / min(word_counts[first_word], word_counts[last_word])
                best = max(word_score[first_word], word_score[last_word])
            else:
                cohesion = count / min(word_counts[w] for w in words)
                best = max(word_score[w] for w in words)
            score = best * (1.0 + 0.25 * (length - 1))
            score *= 0.5 + cohesion
            start = first_of[words]
            first = offsets[start]
            score *= 1.0 + 0.5 * (1.0 - first / total)  # early mentions matter more
            if start < title_words:
                score *= 1.3
            scored.append((-score, first, start, length, words, count))
    scored.sort()

    # A word mostly written inside one phrase is better shown as that phrase ("Zealand" -> "New Zealand").
    phrase_of: dict[str, tuple[tuple[str, ...], int]] = {}
    for _, _, _, length, words, count in scored:
        if length > 1:
            for word in words:
                best_phrase = phrase_of.get(word)
                if best_phrase is None or count > best_phrase[1]:
                    phrase_of[word] = (words, count)

    chosen: list[str] = []
    taken: list[set[str]] = []
    entities_taken: set[int] = set()
    for _, _, _, length, words, _count in scored:
        if len(chosen) >= limit:
            break
        if length == 1:
            phrase = phrase_of.get(words[0])
            if phrase is not None and phrase[1] * 2 > word_counts[words[0]]:
                words = phrase[0]
        word_set = set(words)
        # Skip phrases that repeat a chosen one ("Staten" after "Verenigde Staten", or the other way).
        if any(word_set <= other or other <= word_set for other in taken):
            continue
        entity = aliases.get(words) if aliases else None
        if entity is not None:
            if entity in entities_taken:
                continue
            entities_taken.add(entity)
        taken.append(word_set)
        chosen.append(scan.shown(len(words), grams.positions(words)))
    return chosen


@lru_cache(maxsize=8192)  # the names of the news recur: most forms are met again
def _alias_key(form: str) -> tuple[str, ...]:
    """The lower-cased words of an entity's form, as `extract_keywords` counts them (`TOKEN_RE` words, each
    `_normalise`d). A form of letters and spaces only ("Antony Blinken", most of them) is split on its spaces:
    the same words without the regular expression, which had cost 0.4 % of the bare NER model's time."""
    parts = form.split()
    if all(part.isalpha() for part in parts):  # one TOKEN_RE word each, nothing for _normalise to take off
        return tuple([part.lower() for part in parts])
    return tuple([_normalise(t) for t in TOKEN_RE.findall(form) if t[0].isalpha()])


def tag_keywords(articles: Sequence[Article]) -> list[Article]:
    """Copies of the articles with `keywords` set."""
    limit, cap = get_settings().keywords_max, max_tagged_chars()
    result = []
    for article in articles:
        aliases: dict[tuple[str, ...], int] = {}
        for number, entity in enumerate(article.entities):
            text = entity.text
            # the entity's text is usually its first form too: the same key, so looked at once
            for form in (text, *[form for form in entity.forms if form != text]):
                key = _alias_key(form)
                if key:
                    aliases.setdefault(key, number)
        names = frozenset(key for key in aliases if len(key) > 1)
        keywords = extract_keywords(article.title, article.body[:cap], article.language, limit, names, aliases)
        result.append(article.model_copy(update={"keywords": keywords}))
    return result
