"""NER quality and speed on any CoNLL-format file: P/R/F1 per type, and words/s of the bare model vs the stage.

    python -m bench.ner_quality data/ner/conll2002-nl/ned.testa --lang nl --split test
    python -m bench.ner_quality data/ner/wikiann-en/dev --lang en --ignore MISC

Accepted formats: CoNLL-2002/2003 (`token [POS ...] TAG`, space-separated, `-DOCSTART-` lines) and WikiANN
(`lang:token<TAB>TAG`). IOB1 and IOB2 tags are both read correctly (an I- after O or another type starts a span).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Sentence = list[tuple[str, str]]
Span = tuple[int, int, str]  # token start, token end (exclusive), type

_LANG_PREFIX = re.compile(r"^[a-z]{2,3}:(?=.)")


@dataclass
class ConllDocument:
    sentences: list[Sentence] = field(default_factory=list)


def read_conll(path: Path) -> list[ConllDocument]:
    """Documents (split on -DOCSTART-; one document if there is none) of sentences of (token, tag)."""
    documents: list[ConllDocument] = [ConllDocument()]
    sentence: Sentence = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            if sentence:
                documents[-1].sentences.append(sentence)
                sentence = []
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        token, tag = parts[0], parts[-1]
        if token == "-DOCSTART-":
            if sentence:
                documents[-1].sentences.append(sentence)
                sentence = []
            if documents[-1].sentences:
                documents.append(ConllDocument())
            continue
        token = _LANG_PREFIX.sub("", token)
        sentence.append((token, tag))
    if sentence:
        documents[-1].sentences.append(sentence)
    return [d for d in documents if d.sentences]


def split_documents(documents: Sequence[ConllDocument], part: str) -> list[ConllDocument]:
    """The project's fixed split of a dev file: even documents 'dev' (tuning), odd documents 'test' (held out).

    Files without -DOCSTART- (WikiANN) are one document; they are split by sentence the same way.
    """
    if part == "all":
        return list(documents)
    if part not in ("dev", "test"):
        raise ValueError(f"split must be 'all', 'dev' or 'test', not {part!r}")
    parity = 0 if part == "dev" else 1
    if len(documents) == 1:
        sents = [s for i, s in enumerate(documents[0].sentences) if i % 2 == parity]
        return [ConllDocument(sents)]
    return [d for i, d in enumerate(documents) if i % 2 == parity]


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Entity spans from IOB1 or IOB2 tags."""
    spans: list[Span] = []
    start: int | None = None
    current = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        begins = prefix == "B" or (prefix == "I" and label != current)
        if start is not None and (prefix == "O" or begins):
            spans.append((start, i, current))
            start, current = None, ""
        if prefix in ("B", "I") and begins:
            start, current = i, label
    return spans


@dataclass
class Scores:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def add(self, gold: Iterable[Span], predicted: Iterable[Span]) -> None:
        gold_set, pred_set = set(gold), set(predicted)
        for span in gold_set & pred_set:
            self.tp[span[2]] += 1
        for span in pred_set - gold_set:
            self.fp[span[2]] += 1
        for span in gold_set - pred_set:
            self.fn[span[2]] += 1

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        if label is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def table(self) -> str:
        labels = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        lines = [f"{'type':<8}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}"]
        for label in [*labels, None]:
            p, r, f = self.prf(label)
            gold = self.tp[label] + self.fn[label] if label else sum(self.tp.values()) + sum(self.fn.values())
            lines.append(f"{label or 'overall':<8}{p:7.3f}{r:7.3f}{f:7.3f}{gold:7d}")
        return "\n".join(lines)


def sentences_of(documents: Sequence[ConllDocument]) -> list[Sentence]:
    return [s for d in documents for s in d.sentences]


def evaluate(
    language: str,
    sentences: Sequence[Sentence],
    *,
    use_gazetteer: bool | None = None,
    model: str | None = None,
    ignore: Sequence[str] = (),
) -> Scores:
    """Score the entity stage's span finder (model + gazetteer + label mapping) on gold-tokenised sentences."""
    from spacy.tokens import Doc

    from worker.tagging import entities

    nlp = entities.load_pipeline(language, use_gazetteer=use_gazetteer, model=model)
    scores = Scores()
    docs = (Doc(nlp.vocab, words=[tok for tok, _ in s]) for s in sentences)
    for sentence, doc in zip(sentences, nlp.pipe(docs, batch_size=256), strict=True):
        gold = [sp for sp in tags_to_spans([tag for _, tag in sentence]) if sp[2] not in ignore]
        pred = [
            (start, end, label)
            for start, end, label in entities.mapped_spans(doc)
            if label not in ignore
        ]
        scores.add(gold, pred)
    return scores


def throughput(language: str, texts: Sequence[str], repeats: int = 3) -> dict[str, float]:
    """Median words/s and articles/s of the bare model's nlp.pipe vs the whole tag_entities stage."""
    import hashlib

    from worker.article import Article
    from worker.tagging import entities

    bare = entities.load_bare_model(language)
    articles = [
        Article(
            id=str(i),
            source="bench",
            title=text.split("\n\n", 1)[0][:120],
            title_derived=True,
            body=text,
            paragraphs=text.split("\n\n"),
            content_hash=hashlib.sha1(text.encode()).hexdigest(),
            language=language,
        )
        for i, text in enumerate(texts)
    ]
    words = sum(len(t.split()) for t in texts)
    entities.tag_entities(articles[:4])  # warm-up: load models outside the timing
    list(bare.pipe(texts[:4]))
    bare_times, stage_times = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=64):
            pass
        bare_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        entities.tag_entities(articles)
        stage_times.append(time.perf_counter() - t0)
    bare_t, stage_t = statistics.median(bare_times), statistics.median(stage_times)
    return {
        "bare_words_s": words / bare_t,
        "bare_articles_s": len(texts) / bare_t,
        "stage_words_s": words / stage_t,
        "stage_articles_s": len(texts) / stage_t,
        "ratio": bare_t / stage_t,
    }


def articles_from_conll(documents: Sequence[ConllDocument], words_per_article: int = 500) -> list[str]:
    """Rebuild article-sized texts (≈ 500 words, paragraphs of ≈ 5 sentences) from CoNLL sentences."""
    texts: list[str] = []
    paragraphs: list[str] = []
    paragraph: list[str] = []
    count = 0
    for sentence in sentences_of(documents):
        paragraph.append(" ".join(tok for tok, _ in sentence))
        count += len(sentence)
        if len(paragraph) == 5:
            paragraphs.append(" ".join(paragraph))
            paragraph = []
        if count >= words_per_article:
            paragraphs.append(" ".join(paragraph))
            texts.append("\n\n".join(p for p in paragraphs if p))
            paragraphs, paragraph, count = [], [], 0
    return texts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="CoNLL-format file with gold tags")
    parser.add_argument("--lang", required=True, help="language of the file (nl, en)")
    parser.add_argument("--split", default="all", choices=["all", "dev", "test"],
                        help="evaluate on the whole file or one half of the project's fixed split (default all)")
    parser.add_argument("--ignore", action="append", default=[],
                        help="entity type to leave out of gold and predictions (e.g. MISC for WikiANN)")
    parser.add_argument("--model", help="model name or path instead of the Settings preference order")
    parser.add_argument("--gazetteer", choices=["on", "off", "default"], default="default",
                        help="force the gazetteer on/off (default: as configured)")
    parser.add_argument("--compare-gazetteer", action="store_true", help="print scores with and without it")
    parser.add_argument("--speed", action="store_true", help="also measure throughput (bare model vs stage)")
    args = parser.parse_args(argv)

    documents = split_documents(read_conll(args.file), args.split)
    sentences = sentences_of(documents)
    print(f"{args.file} [{args.split}]: {len(sentences)} sentences, {sum(map(len, sentences))} tokens")
    settings = [None] if not args.compare_gazetteer else [False, True]
    if args.gazetteer != "default" and not args.compare_gazetteer:
        settings = [args.gazetteer == "on"]
    for use in settings:
        t0 = time.perf_counter()
        scores = evaluate(args.lang, sentences, use_gazetteer=use, model=args.model, ignore=args.ignore)
        label = {None: "as configured", True: "with gazetteer", False: "without gazetteer"}[use]
        print(f"\n{label} ({time.perf_counter() - t0:.1f} s)")
        print(scores.table())
    if args.speed:
        texts = articles_from_conll(documents)
        speed = throughput(args.lang, texts)
        print(f"\nthroughput on {len(texts)} articles of ≈ 500 words (median of 3):")
        for name, key in (("bare model nlp.pipe", "bare"), ("tag_entities stage ", "stage")):
            print(f"  {name}: {speed[key + '_words_s']:8.0f} words/s {speed[key + '_articles_s']:6.1f} articles/s")
        print(f"  stage / bare speed:  {speed['ratio']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
