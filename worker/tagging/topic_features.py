"""Text features of the topic model, shared by training (scripts/train_topics.py) and tagging.

Cheap on purpose: one regex pass, dictionary look-ups, no spaCy. Features are lower-cased content
words, adjacent content-word bigrams, 5-character prefixes and suffixes of long words (Dutch compounds:
"defensieminister" shares "defen" with "defensie" and "ister" with "minister"), and, per topic, the number
of hits of a hand-written cue lexicon of the article's language, which carries knowledge beyond the small
training set.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import yaml
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as NL_STOP_WORDS

from worker.tagging.iptc import iptc_codes, iptc_topics
from worker.tagging.paths import DATA_DIR
from worker.tagging.text_tokens import WORD_RE, lower_words  # words keep inner hyphens: "navo-lidstaten"

LEXICON_PATH = DATA_DIR / "topic_lexicon.yaml"

STOP_WORDS = frozenset(w.lower() for w in NL_STOP_WORDS | EN_STOP_WORDS)
AFFIX_LEN = 5
TITLE_WEIGHT = 2  # title words count twice: headlines name the subject


def words(text: str) -> list[str]:
    """Lower-cased word tokens, digits and punctuation dropped."""
    return WORD_RE.findall(text.lower())


@dataclass(frozen=True)
class Lexicon:
    """Cue terms per topic index: exact words, word prefixes ("voetbal*"), suffixes ("*minister"), phrases."""

    exact: dict[str, tuple[int, ...]]
    prefixes: dict[str, tuple[int, ...]]
    suffixes: dict[str, tuple[int, ...]]
    phrases: dict[str, tuple[int, ...]]
    prefix_lengths: tuple[int, ...]
    suffix_lengths: tuple[int, ...]
    size: int
    _cache: dict[str, set[int]] = field(default_factory=dict, compare=False, repr=False)
    # first word of a phrase -> the word counts of the phrases it begins, filled on first use
    _phrase_starts: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def word_topics(self, word: str) -> set[int]:
        hit: set[int] = set(self.exact.get(word, ()))
        n = len(word)
        for k in self.prefix_lengths:
            if k > n:
                break
            hit.update(self.prefixes.get(word[:k], ()))
        for k in self.suffix_lengths:
            if k >= n:
                break
            hit.update(self.suffixes.get(word[-k:], ()))
        if "-" in word:
            for part in word.split("-"):
                if part != word and len(part) > 2:
                    hit.update(self.exact.get(part, ()))
        return hit

    def counts(self, tokens: list[str]) -> np.ndarray:
        """Hits per topic in a token sequence: each word or phrase counts once per topic it cues."""
        hits = [0] * self.size  # whole numbers: the float32 counts that adding 1.0 to an array gave, no numpy per hit
        cache = self._cache
        if len(cache) > 200_000:  # news vocabulary is Zipfian: a bounded memo keeps look-ups cheap
            cache.clear()
        for word in tokens:
            if word in STOP_WORDS:
                continue
            hit = cache.get(word)
            if hit is None:
                hit = cache[word] = self.word_topics(word)
            for i in hit:
                hits[i] += 1
        self.add_phrase_hits(tokens, hits)
        return np.asarray(hits, dtype=np.float32)

    def add_phrase_hits(self, tokens: list[str], hits: list[int]) -> None:
        """Add the phrases' hits in a token sequence to `hits` (per topic): each phrase counts once per topic."""
        phrases = self.phrases
        starts = self._phrase_starts
        if not starts and phrases:
            lengths: dict[str, set[int]] = {}
            for phrase in phrases:
                lengths.setdefault(phrase.split(" ", 1)[0], set()).add(phrase.count(" ") + 1)
            starts.update((first, tuple(sorted(counts))) for first, counts in lengths.items())
        size = len(tokens)
        for j, word in enumerate(tokens):
            lengths_here = starts.get(word)
            if lengths_here is None:  # no phrase begins here: skip the joins (same counts, a fraction of the time)
                continue
            for n in lengths_here:  # only the lengths of the phrases that begin with this word
                if j + n > size:
                    break
                found = phrases.get(" ".join(tokens[j : j + n]))
                if found:
                    for i in found:
                        hits[i] += 1


def _add(table: dict[str, set[int]], key: str, index: int) -> None:
    table.setdefault(key, set()).add(index)


def build_lexicon(terms_by_code: Mapping[str, Iterable[str]], codes: list[str]) -> Lexicon:
    exact: dict[str, set[int]] = {}
    prefixes: dict[str, set[int]] = {}
    suffixes: dict[str, set[int]] = {}
    phrases: dict[str, set[int]] = {}
    for code, terms in terms_by_code.items():
        index = codes.index(code)
        for raw in terms:
            term = re.sub(r"\([^)]*\)", " ", str(raw)).strip().lower()
            if not term:
                continue
            if term.startswith("*"):
                _add(suffixes, term[1:], index)
            elif term.endswith("*") and " " not in term:
                _add(prefixes, term[:-1], index)
            else:
                toks = words(term.rstrip("*"))
                if len(toks) == 1:
                    if toks[0] not in STOP_WORDS:
                        _add(exact, toks[0], index)
                elif len(toks) > 1:
                    _add(phrases, " ".join(toks), index)

    def freeze(table: dict[str, set[int]]) -> dict[str, tuple[int, ...]]:
        return {k: tuple(sorted(v)) for k, v in table.items()}

    return Lexicon(
        exact=freeze(exact),
        prefixes=freeze(prefixes),
        suffixes=freeze(suffixes),
        phrases=freeze(phrases),
        prefix_lengths=tuple(sorted({len(k) for k in prefixes})),
        suffix_lengths=tuple(sorted({len(k) for k in suffixes})),
        size=len(codes),
    )


LEXICON_LANGUAGES = ("nl", "en")
# Narrower IPTC concepts that our labelling conventions (data/topics/README.md) file under science and technology
# rather than under their IPTC parent (economy's sectors, arts' media, society): consumer technology, telecom and
# internet services are "tech" news.
TECH_NARROWER = frozenset(
    {
        "computer and telecommunications hardware",
        "consumer electronics",
        "semiconductor and electronic component",
        "software and applications",
        "telecommunication service",
        "social media",
        "social networking",
        "online media outlet",
    }
)
TECH = "13000000"


@lru_cache(maxsize=4)
def topic_lexicon(language: str = "any") -> Lexicon:
    """The cue lexicon of one language ("nl", "en"; anything else gets both). Kept apart per language so
    a word of one language ("arts", "wet", "mist") never cues a topic in the other. English adds the labels
    of IPTC's narrower concepts."""
    codes = iptc_codes()
    languages = (language,) if language in LEXICON_LANGUAGES else LEXICON_LANGUAGES
    written = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    terms: dict[str, list[str]] = {code: [] for code in codes}
    for code, by_language in written.items():
        for written_language, language_terms in by_language.items():
            if written_language in languages:
                terms[str(code)].extend(language_terms)
    if "en" in languages:
        for code, topic in iptc_topics().items():
            terms[code].append(topic.label_en)
            for narrower in topic.narrower_en:
                terms[TECH if narrower.lower() in TECH_NARROWER else code].append(narrower)
    return build_lexicon(terms, codes)


def sparse_features(title: str, body: str) -> tuple[Counter[str], list[str]]:
    """Feature counts of a text, and its full token sequence (for the lexicon)."""
    title_tokens = lower_words(title)  # words(title), from the tokens the keyword stage reads next
    body_tokens = lower_words(body)
    # a plain dict counted with get (a Counter's missing key is a Python call), made a Counter at the end:
    # the same counts in the same order
    counts: dict[str, int] = {}
    get = counts.get
    memo = _WORD_KEYS
    if len(memo) > 200_000:  # news vocabulary is Zipfian: a bounded memo serves nearly every word
        memo.clear()
    for tokens, weight in ((title_tokens, TITLE_WEIGHT), (body_tokens, 1)):
        previous = ""
        for word in tokens:
            keys = memo.get(word)
            if keys is None:
                keys = memo[word] = word_keys(word)
            if not keys:  # a stopword or a one-letter word: no feature, and it breaks a bigram
                previous = ""
                continue
            for key in keys:
                counts[key] = get(key, 0) + weight
            if previous:
                key = "b|" + previous + " " + word
                counts[key] = get(key, 0) + weight
            previous = word
    return Counter(counts), title_tokens + title_tokens + body_tokens


# word -> its word, prefix and suffix features (none for a stopword), made once per distinct word
_WORD_KEYS: dict[str, tuple[str, ...]] = {}


def word_keys(word: str) -> tuple[str, ...]:
    """The features a word gives on its own, in the order `sparse_features` counts them: "w|word", then for a
    long word its prefix and (longer still) suffix; () for a stopword or a one-letter word."""
    if word in STOP_WORDS or len(word) < 2:
        return ()
    n = len(word)
    if n < AFFIX_LEN + 2:
        return ("w|" + word,)
    if n < AFFIX_LEN + 3:
        return ("w|" + word, "p|" + word[:AFFIX_LEN])
    return ("w|" + word, "p|" + word[:AFFIX_LEN], "s|" + word[-AFFIX_LEN:])


def dense_features(lexicon_counts: np.ndarray) -> np.ndarray:
    """Per topic: log hit count and share of all hits, so both strength and focus count."""
    total = float(lexicon_counts.sum())
    share = lexicon_counts / (total + 1.0)
    return np.concatenate([np.log1p(lexicon_counts), share * 2.0]).astype(np.float32)


def weighted(counts: Counter[str], vocabulary: dict[str, int]) -> tuple[list[int], np.ndarray]:
    """Known features as (indices, sublinear tf values), L2-normalised."""
    indices: list[int] = []
    known: list[int] = []
    get = vocabulary.get  # held once: this runs for every feature of every article
    for feature, count in counts.items():
        index = get(feature)
        if index is not None:
            indices.append(index)
            known.append(count)
    return indices, sublinear(known)


def sublinear(counts: Iterable[int]) -> np.ndarray:
    """Sublinear tf values (1 + log count) of the known features' counts, L2-normalised: `weighted`'s values."""
    log = math.log
    values = [1.0 + log(count) for count in counts]
    array = np.asarray(values, dtype=np.float32)
    norm = float(np.sqrt((array * array).sum())) if values else 0.0
    if norm > 0:
        array /= norm
    return array
