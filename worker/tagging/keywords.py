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
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as NL_STOP_WORDS

from worker.article import Article
from worker.config import get_settings

DF_PATH = Path(__file__).parent / "data" / "keyword_df.json"
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d[\d.,:]*|[^\w\s]|\n")
MAX_RUN_WORDS = 4  # longer runs are cut, so one run-on sentence does not become a "phrase"
MAX_PHRASE_WORDS = 3

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


def rarity(word: str, language: str) -> float:
    """Inverse document frequency in news of this language (1 + log), highest for unseen words."""
    stats = _document_frequencies().get(language)
    if stats is None:
        return 1.0
    documents, df = stats
    return 1.0 + math.log((documents + 1) / (df.get(word, 0) + 1))


@dataclass
class _Candidate:
    words: tuple[str, ...]
    first: int
    count: int = 0
    in_title: bool = False
    forms: dict[str, int] = field(default_factory=dict)


@dataclass
class _Scan:
    """Everything counted in one pass over title and body."""

    candidates: dict[tuple[str, ...], _Candidate] = field(default_factory=dict)
    word_counts: Counter[str] = field(default_factory=Counter)
    name_counts: Counter[str] = field(default_factory=Counter)
    tokens: int = 0


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


def _scan(text: str, stop_words: frozenset[str], title: bool, scan: _Scan) -> None:
    tokens = TOKEN_RE.findall(text)
    run: list[tuple[str, str]] = []  # (written form, normalised)
    candidates = scan.candidates
    offset = scan.tokens
    position = 0

    def flush() -> None:
        for start in range(0, len(run), MAX_RUN_WORDS):
            part = run[start : start + MAX_RUN_WORDS]
            for n in range(1, min(MAX_PHRASE_WORDS, len(part)) + 1):
                for i in range(len(part) - n + 1):
                    gram = part[i : i + n]
                    key = tuple(g[1] for g in gram)
                    candidate = candidates.get(key)
                    if candidate is None:
                        candidate = candidates[key] = _Candidate(key, offset + position)
                    candidate.count += 1
                    candidate.in_title = candidate.in_title or title
                    # Shown as written, without a possessive at the end ("Florida's" -> "Florida").
                    form = " ".join([*(g[0] for g in gram[:-1]), _display(gram[-1][0])])
                    candidate.forms[form] = candidate.forms.get(form, 0) + 1
        run.clear()

    sentence_start = True
    for n, token in enumerate(tokens):
        position = n
        first_char = token[0]
        if not first_char.isalpha():
            if run:
                flush()
            sentence_start = sentence_start or token in SENTENCE_END
            continue
        lower = _normalise(token)
        capitalised = first_char.isupper() and not sentence_start
        if lower in stop_words:
            # "Den Haag", "The Times": a capitalised stopword mid-sentence before a name is part of it.
            following = tokens[n + 1] if n + 1 < len(tokens) else ""
            if not (capitalised and following[:1].isupper() and following.lower() not in stop_words):
                if run:
                    flush()
                sentence_start = False
                continue
        elif len(token) < 3 and not (token.isupper() and len(token) >= 2):
            if run:
                flush()
            sentence_start = False
            continue
        run.append((token, lower))
        scan.word_counts[lower] += 1
        if capitalised:
            scan.name_counts[lower] += 1
        sentence_start = False
    if run:
        flush()
    scan.tokens += len(tokens)


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
    title: str, body: str, language: str, limit: int = 8, names: frozenset[tuple[str, ...]] = frozenset()
) -> list[str]:
    """Up to `limit` key phrases, best first, each in its most common written form.

    `names` are known multi-word names (lower-cased words), e.g. from the entity stage: they may be
    key phrases even when mentioned once.
    """
    stop_words = STOP_WORDS.get(language, STOP_WORDS_ANY)
    scan = _Scan()
    _scan(title, stop_words, True, scan)
    _scan(body, stop_words, False, scan)
    total = max(1, scan.tokens)
    word_counts, name_counts = scan.word_counts, scan.name_counts

    word_score: dict[str, float] = {}
    for word, count in word_counts.items():
        is_name = name_counts[word] * 2 >= count and not _nationality_adjective(word, language)
        score = (1.0 + math.log(count)) * rarity(word, language)
        if is_name:
            score *= 1.5
        elif _verb_like(word, language):
            score *= 0.5
        word_score[word] = score

    scored: list[tuple[float, _Candidate]] = []
    for candidate in scan.candidates.values():
        words = candidate.words
        if words[-1] in stop_words:  # a name's leading stopword ("Den Haag") only, never alone or last
            continue
        if words[0] in stop_words and candidate.count < 2 and words not in names:
            continue
        if len(words) > 1:
            # A multi-word phrase must recur or be a name the entity stage found ("Osama Bin Laden"): once-off
            # runs are sentence fragments ("VK trekken troepen"), and capitalisation alone would also admit
            # "Zaken Antony" from "Buitenlandse Zaken Antony Blinken".
            if candidate.count < 2 and words not in names:
                continue
            # Cohesion: how often its rarest word occurs in this phrase ("New Zealand": always).
            cohesion = candidate.count / min(word_counts[w] for w in words)
            score = max(word_score[w] for w in words) * (1.0 + 0.25 * (len(words) - 1))
            score *= 0.5 + cohesion
        else:
            score = word_score[words[0]] * 1.5
        score *= 1.0 + 0.5 * (1.0 - candidate.first / total)  # early mentions matter more
        if candidate.in_title:
            score *= 1.3
        scored.append((score, candidate))
    scored.sort(key=lambda item: (-item[0], item[1].first))

    # A word mostly written inside one phrase is better shown as that phrase ("Zealand" -> "New Zealand").
    phrase_of: dict[str, _Candidate] = {}
    for _, candidate in scored:
        if len(candidate.words) > 1:
            for word in candidate.words:
                best = phrase_of.get(word)
                if best is None or candidate.count > best.count:
                    phrase_of[word] = candidate

    chosen: list[str] = []
    taken: list[set[str]] = []
    for _, candidate in scored:
        if len(chosen) >= limit:
            break
        if len(candidate.words) == 1:
            phrase = phrase_of.get(candidate.words[0])
            if phrase is not None and phrase.count * 2 > word_counts[candidate.words[0]]:
                candidate = phrase
        word_set = set(candidate.words)
        # Skip phrases that repeat a chosen one ("Staten" after "Verenigde Staten", or the other way).
        if any(word_set <= other or other <= word_set for other in taken):
            continue
        taken.append(word_set)
        chosen.append(max(candidate.forms.items(), key=lambda item: item[1])[0])
    return chosen


def tag_keywords(articles: Sequence[Article]) -> list[Article]:
    """Copies of the articles with `keywords` set."""
    limit = get_settings().keywords_max
    result = []
    for article in articles:
        names = frozenset(
            key
            for entity in article.entities
            for form in (entity.text, *entity.forms)
            if len(key := tuple(_normalise(t) for t in TOKEN_RE.findall(form) if t[0].isalpha())) > 1
        )
        keywords = extract_keywords(article.title, article.body, article.language, limit, names)
        result.append(article.model_copy(update={"keywords": keywords}))
    return result
