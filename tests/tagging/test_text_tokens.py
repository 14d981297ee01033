"""The shared tokens of the topic and keyword stages: the same words as each stage's own regular expression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worker.tagging import text_tokens
from worker.tagging.text_tokens import TOKEN_RE, WORD_RE, lower_words, tokens

ODD = ["İstanbul en İzmir", "ΟΔΟΣ.Β and ΑΣ'Α ΣΟΦΙΑΣ", "½ point, x² y, ١٢ fans", "snake_case and __dunder__",
       "Noord-Holland’s O'Neil 3.5% - “quoted” — Straße ǅemal", "Ⅻ Legion\n\nNew  York", "", "  \n "]


def test_lower_words_are_the_words_of_the_lower_cased_text() -> None:
    news = Path(__file__).resolve().parents[2] / "data" / "topics" / "news.jsonl"
    texts = [*ODD, *(json.loads(line)["text"] for line in news.read_text(encoding="utf-8").splitlines()[:300])]
    for text in texts:
        assert lower_words(text) == WORD_RE.findall(text.lower()), text


def test_tokens_are_found_once_per_text_and_the_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Shares of Shell rose 3.5 percent in Amsterdam."
    first = tokens(text)
    assert first == TOKEN_RE.findall(text)
    assert tokens("".join(list(text))) is first  # an equal string, not only the same object
    monkeypatch.setattr(text_tokens, "MEMO_MAX_TOKENS", 20)
    for n in range(10):
        tokens(f"word {n} " * 3)
    assert sum(len(found) for found in text_tokens._memo.values()) <= 20


def test_topic_features_count_words_affixes_and_bigrams_of_content_words() -> None:
    from worker.tagging.topic_features import STOP_WORDS, sparse_features, words

    def reference(title: str, body: str) -> dict[str, int]:  # the features as documented, written plainly
        counts: dict[str, int] = {}
        for text, weight in ((title, 2), (body, 1)):
            previous = ""
            for word in words(text):
                if word in STOP_WORDS or len(word) < 2:
                    previous = ""
                    continue
                keys = ["w|" + word] + (["p|" + word[:5]] if len(word) >= 7 else []) + (
                    ["s|" + word[-5:]] if len(word) >= 8 else []) + ([f"b|{previous} {word}"] if previous else [])
                for key in keys:
                    counts[key] = counts.get(key, 0) + weight
                previous = word
        return counts

    title = "Defensieminister bezoekt NAVO-top"
    body = "De defensieminister sprak in Brussel met de NAVO-lidstaten. " * 3
    counts, tokens = sparse_features(title, body)
    assert dict(counts) == reference(title, body)
    assert list(counts) == list(reference(title, body))  # in the same order: the scores sum in that order
    assert counts["w|defensieminister"] == 2 + 3 and counts["s|ister"] == 2 + 3
    assert tokens == words(title) * 2 + words(body)
