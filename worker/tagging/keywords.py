"""Keyword stage: a handful of key phrases per article, RAKE-style, in pure Python.

Candidate phrases are runs of content words between stopwords, punctuation and numbers (spaCy's Dutch
and English stopword lists plus a few words every news story uses). A phrase scores by how often its
words occur, with a bonus for words written as names mid-sentence, for early and headline
mentions, and a small one for multi-word phrases. Our own method (MIT, like the project); yake is
AGPL and not used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as NL_STOP_WORDS

from worker.article import Article
from worker.config import get_settings

TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d[\d.,:]*|[^\w\s]")
MAX_PHRASE_WORDS = 4

# Words frequent in any news story that say nothing about this one.
_NEWS_NL = """aldus volgens zegt zei zeggen zeiden stelt stelde laat liet meldt meldde maakte bekend gaat
ging komt kwam jaar jaren procent maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari
februari maart april mei juni juli augustus september oktober november december vandaag gisteren morgen
week weken maand maanden dag dagen uur keer mensen mogelijk onder andere nieuwe nieuw grote groot eerste
tweede derde vorige volgende afgelopen ongeveer bijna ruim zo'n echter inmiddels woordvoerder"""
_NEWS_EN = """said says say told according added announced reported year years percent per cent monday
tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december today yesterday tomorrow week weeks month months day days time
times people new first second third last next former around nearly about spokesperson spokesman
spokeswoman mr mrs ms including also"""
STOP_WORDS = {
    "nl": frozenset(w.lower() for w in NL_STOP_WORDS) | frozenset(_NEWS_NL.split()),
    "en": frozenset(w.lower() for w in EN_STOP_WORDS) | frozenset(_NEWS_EN.split()),
}
STOP_WORDS_ANY = STOP_WORDS["nl"] | STOP_WORDS["en"]
SENTENCE_END = frozenset(".!?:;")


@dataclass
class _Candidate:
    words: tuple[str, ...]
    count: int = 0
    first: int = 0
    in_title: bool = False
    forms: Counter[str] = field(default_factory=Counter)


def _candidates(
    text: str, stop_words: frozenset[str], offset: int, title: bool, found: dict[tuple[str, ...], _Candidate]
) -> tuple[Counter[str], Counter[str], int]:
    """Collect phrases of one text into `found`; return word counts, name-like counts and token count."""
    word_counts: Counter[str] = Counter()
    name_counts: Counter[str] = Counter()
    run: list[str] = []
    sentence_start = True
    position = offset

    def flush() -> None:
        if run:
            for start in range(0, len(run), MAX_PHRASE_WORDS):
                part = run[start : start + MAX_PHRASE_WORDS]
                key = tuple(w.lower() for w in part)
                candidate = found.get(key)
                if candidate is None:
                    candidate = found[key] = _Candidate(words=key, first=position)
                candidate.count += 1
                candidate.in_title = candidate.in_title or title
                candidate.forms[" ".join(part)] += 1
            run.clear()

    for token in TOKEN_RE.findall(text):
        position += 1
        first_char = token[0]
        if not first_char.isalpha():
            flush()
            sentence_start = sentence_start or token in SENTENCE_END
            continue
        lower = token.lower()
        is_acronym = token.isupper() and len(token) >= 2
        if lower in stop_words or (len(token) < 3 and not is_acronym):
            flush()
        else:
            run.append(token)
            word_counts[lower] += 1
            if first_char.isupper() and not sentence_start:
                name_counts[lower] += 1
        sentence_start = False
    flush()
    return word_counts, name_counts, position - offset


def extract_keywords(title: str, body: str, language: str, limit: int = 8) -> list[str]:
    """Up to `limit` key phrases, best first, each in its most common written form."""
    stop_words = STOP_WORDS.get(language, STOP_WORDS_ANY)
    found: dict[tuple[str, ...], _Candidate] = {}
    title_words, title_names, title_len = _candidates(title, stop_words, 0, True, found)
    body_words, body_names, body_len = _candidates(body, stop_words, title_len, False, found)
    word_counts = title_words + body_words
    name_counts = title_names + body_names
    total = max(1, title_len + body_len)

    word_score: dict[str, float] = {}
    for word, count in word_counts.items():
        name_bonus = 1.5 if name_counts[word] * 2 >= count else 1.0
        word_score[word] = count * name_bonus

    scored: list[tuple[float, _Candidate]] = []
    for candidate in found.values():
        mean = sum(word_score[w] for w in candidate.words) / len(candidate.words)
        score = mean * candidate.count**0.5
        score *= 1.0 + 0.25 * (len(candidate.words) - 1)
        score *= 1.0 + 0.5 * (1.0 - candidate.first / total)  # early mentions matter more
        if candidate.in_title:
            score *= 1.5
        scored.append((score, candidate))
    scored.sort(key=lambda item: (-item[0], item[1].first))

    chosen: list[str] = []
    taken: list[set[str]] = []
    for _, candidate in scored:
        if len(chosen) >= limit:
            break
        words = set(candidate.words)
        # Skip phrases that repeat a chosen one ("Staten" after "Verenigde Staten", or the other way).
        if any(words <= other or other <= words for other in taken):
            continue
        taken.append(words)
        chosen.append(candidate.forms.most_common(1)[0][0])
    return chosen


def tag_keywords(articles: Sequence[Article]) -> list[Article]:
    """Copies of the articles with `keywords` set."""
    limit = get_settings().keywords_max
    return [
        article.model_copy(update={"keywords": extract_keywords(article.title, article.body, article.language, limit)})
        for article in articles
    ]
