"""The tagging stage on articles in odd shapes: no exception, whatever the layout (session 39).

A sports document whose first line was one or two tokens made the schedule rule slice from the end of the doc and
raise ValueError, so the article's tagging failed. Each article of two wire-table files (standings and results lines,
colons, capitals) is tagged as is, from a middle line on, with one word alone on its first line, in capitals, on one
line, and cut in the middle of a sentence; with its headline as title and with a title derived from the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import ner_quality
from worker.article import Article
from worker.tagging import tag_articles

NER_DIR = Path(__file__).resolve().parents[2] / "data" / "ner"
FILES = (("en", "en-news/dev_s38.txt"), ("nl", "nl-news/dev_s38.txt"))
ARTICLES_PER_FILE = 8


def _shapes(text: str) -> Iterator[tuple[str, str]]:
    lines = [line for line in text.split("\n") if line.strip()]
    middle = len(lines) // 2
    words = text.split()
    yield "as is", text
    yield "from a middle line", "\n".join(lines[middle:])
    yield "one word first", lines[middle].split()[0] + "\n" + "\n".join(lines[middle:])
    yield "capitals", "\n".join(line.upper() if k % 2 else line for k, line in enumerate(lines))
    yield "one line", " ".join(lines)
    yield "cut", " ".join(words[: len(words) // 2])


def _article(text: str, language: str, title_derived: bool) -> Article:
    head, _, rest = text.partition("\n")
    body = text if title_derived or not rest.strip() else rest
    return Article(id="odd", source="odd-shapes", title=(text[:120] if title_derived else head[:200]) or "x",
                   title_derived=title_derived, body=body,
                   paragraphs=[line for line in body.split("\n") if line.strip()] or [body],
                   content_hash=hashlib.sha1(text.encode()).hexdigest(), language=language)


def _cases() -> Iterator[tuple[str, str, str, bool]]:
    for language, relative in FILES:
        documents = ner_quality.read_markup(NER_DIR / relative)
        for n, text in enumerate(ner_quality.articles_from_conll(documents)[:ARTICLES_PER_FILE]):
            for shape, shaped in _shapes(text):
                for title_derived in (True, False):
                    yield f"{relative}#{n} {shape} {'derived' if title_derived else 'titled'}", language, shaped, \
                        title_derived


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_shape_of_a_wire_table_article_is_tagged_without_error(language: str) -> None:
    failed = []
    for name, case_language, text, title_derived in _cases():
        if case_language != language:
            continue
        article = _article(text, language, title_derived)
        try:
            (tagged,) = tag_articles([article])
        except Exception as exc:  # every failure is collected and reported below
            failed.append(f"{name}: {exc!r}")
            continue
        assert tagged.content_hash == article.content_hash and tagged.enrichment is not None, name
    assert not failed, "\n".join(failed)
