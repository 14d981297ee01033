"""Tagging quality and speed on any labelled files, in one command.

    python -m bench.quality data/ner/conll2002-nl/ned.testa data/topics/news.jsonl
    python -m bench.quality eng.testb ned.testb my_topics.csv --lang-of eng.testb=en
    python -m bench.quality ned.testb --tier accurate      # the accurate NER tier (scores and timings)

For each file:
- CoNLL-format NER files (CoNLL-2002/2003, WikiANN, IOB1/IOB2/IOBES, UTF-8 or Latin-1, or `[PER ...]` markup):
  P/R/F1 per entity type and overall for the whole entity stage (`bench.ner_quality`), language detected from
  the text unless given; on CoNLL's tokens, then on the documents written out as running text and read by the
  pipeline's own tokenizer as the worker reads an article, a sentence a line and as headline and paragraph
  (`--no-raw`: tokens only);
- labelled topic files (JSONL/JSON/CSV/TSV, optionally gzipped; see `bench.topic_quality`): topic macro-F1,
  micro-F1 and primary-topic accuracy per language, and P/R/F1 per topic.
Then the throughput (articles/s, words/s; median of --repeats interleaved rounds, one process) of each tagging
stage (language, entities, topics, keywords, all four) on the files' own texts, and the whole stage's speed
against the bare NER model's own `nlp.pipe` on the same texts. Speeds are per core: CPU time of this process
(`time.process_time`), so that another program's load on a shared machine is not charged to a stage; the same
ratio in wall-clock time is printed beside it, with the CPU ratio of every round.

`--real-news` also scores the entity stage on real English news annotated blind (`bench.real_news`: nine articles
of newspaper4k's test fixtures and 80 Australian news articles of the Lee corpus in gensim's wheel, dev and held-out
splits; the texts are fetched with pip on first use), and the topic stage on the 286 Lee articles, the 50 of
`lee.cor` and the 139 news pages of the extraction sets labelled blind (`bench.real_topics`; the pages need Go).

`--extraction ours` (repeatable; also `newspaper4k`, `readability`, `trafilatura-eval` or a directory of pages) also
scores page extraction with `bench.extraction`: trafilatura's defaults, the old call and the fallback chain, by words
and by the public extraction benchmark's shingles.

`--long-docs 25000,100000,200000,1000000` also tags one document of each length (in characters) in a fresh
process per length and prints wall and CPU seconds and peak RSS: our Dutch and English news run together
("news-nl", "news-en"), and English sentences that each open with a capitalised common word the model tags
("sentence-starts", the worst case of the sentence-start rule, quadratic before it was made linear).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench import extraction, ner_quality, real_news, real_topics, topic_quality
from worker.article import Article

TOPIC_SUFFIXES = {".jsonl", ".json", ".csv", ".tsv", ".ndjson"}


def is_topic_file(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] in TOPIC_SUFFIXES


def article(text: str, language: str, n: int, title: str = "") -> Article:
    paragraphs = [p for p in text.split("\n\n") if p.strip()] or [text]
    digest = hashlib.sha1(f"{n}:{text}".encode()).hexdigest()
    return Article(id=digest[:16], source="bench", title=title or paragraphs[0][:80], title_derived=not title,
                   body="\n\n".join(paragraphs), paragraphs=paragraphs, content_hash=digest, language=language)


def ner_articles(path: Path, language: str) -> list[Article]:
    documents = ner_quality.read_conll(path)
    return [article(text, language, n) for n, text in enumerate(ner_quality.articles_from_conll(documents))]


def topic_articles(path: Path) -> list[Article]:
    rows = topic_quality.load_rows(path, "all")
    return [topic_quality.to_article(row, n) for n, row in enumerate(rows)]


def interleaved_times(stages: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[tuple[float, float]]]:
    """(CPU seconds, wall seconds) of each stage in each of `repeats` rounds, every stage once per round in turn
    (a slow phase of a shared machine then hits all stages alike), after one untimed round: a stage's first call
    in a process is up to 40 % slower."""
    for fn in stages.values():
        fn()
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in stages}
    for _ in range(repeats):
        for name, fn in stages.items():
            cpu, wall = time.process_time(), time.perf_counter()
            fn()
            runs[name].append((time.process_time() - cpu, time.perf_counter() - wall))
    return runs


def _run_bare(bare: Any, texts: list[str]) -> None:
    list(bare.pipe(texts))


def stage_throughput(articles: Sequence[Article], repeats: int = 3) -> None:
    """Print articles/s and words/s of each tagging stage on these articles (languages already set)."""
    from worker.tagging import WARM_UP_SAMPLES, tag_articles, warm_up
    from worker.tagging.entities import entity_text, load_bare_model, tag_entities
    from worker.tagging.keywords import tag_keywords
    from worker.tagging.language import tag_language
    from worker.tagging.topics import tag_topics

    articles = list(articles)
    words = sum(len(a.body.split()) + len(a.title.split()) for a in articles)
    warm_up([*articles[:10], *WARM_UP_SAMPLES])  # every model loaded and frozen, outside the timings, as in the worker
    undeclared = [a.model_copy(update={"metadata": {}}) for a in articles]
    stages: dict[str, Callable[[], object]] = {
        "language": lambda: tag_language(undeclared),
        "entities": lambda: tag_entities(articles),
        "topics": lambda: tag_topics(articles),
        "keywords": lambda: tag_keywords(articles),
        "all four": lambda: tag_articles(undeclared),
    }
    by_language: dict[str, list[str]] = {}
    for a in articles:  # exactly the text the entity stage tags (title + body, or the body when the title was derived)
        by_language.setdefault(a.language, []).append(entity_text(a))
    for language, texts in by_language.items():
        try:
            bare = load_bare_model(language)
        except LookupError:
            continue
        stages[f"bare NER model ({language})"] = partial(_run_bare, bare, texts)
    print(f"\nthroughput on {len(articles)} articles ({words} words, {words / max(len(articles), 1):.0f} per "
          f"article), per core (CPU time), median of {repeats} interleaved rounds after an untimed one, one process:")
    print(f"  {'stage':<24}{'articles/s':>11}{'words/s':>10}")
    runs = interleaved_times(stages, repeats)
    cpu = {name: statistics.median(c for c, _ in times) for name, times in runs.items()}
    wall = {name: statistics.median(w for _, w in times) for name, times in runs.items()}
    for name in stages:
        count = len(articles) if not name.startswith("bare") else len(by_language[name[-3:-1]])
        count_words = words if not name.startswith("bare") else sum(len(t.split()) for t in by_language[name[-3:-1]])
        print(f"  {name:<24}{count / cpu[name]:>11.1f}{count_words / cpu[name]:>10.0f}")
    bare_names = [name for name in stages if name.startswith("bare")]
    if bare_names:
        per_round = [sum(runs[b][k][0] for b in bare_names) / runs["all four"][k][0] for k in range(repeats)]
        print(f"  whole tagging stage / bare NER speed: {sum(cpu[b] for b in bare_names) / cpu['all four']:.2f} "
              f"(entities alone: {sum(cpu[b] for b in bare_names) / cpu['entities']:.2f}; wall clock "
              f"{sum(wall[b] for b in bare_names) / wall['all four']:.2f}; CPU per round "
              f"{', '.join(f'{r:.2f}' for r in per_round)})")
        from worker.tagging import compiled

        print(f"  entity rules: {compiled.describe()}")


LONG_KINDS = ("news-nl", "news-en", "sentence-starts")
_SENTENCE_STARTS = ("Two men were arrested near the station on Sunday.", "Thousands gathered outside the court.",
                    "Monday brought more rain to the coast.", "Three ministers resigned after the vote.",
                    "Dozens of flights were cancelled.", "Yesterday the talks broke down again.")


def long_text(kind: str, size: int) -> tuple[str, str]:
    """A document of `size` characters of the given kind, and its language."""
    if kind == "sentence-starts":
        pieces, language, separator = list(_SENTENCE_STARTS), "en", " "
    else:
        language = kind[-2:]
        rows = topic_quality.load_rows(Path(__file__).parent.parent / "data/topics/news.jsonl", "all")
        pieces = [f"{r['title']}. {r['text']}" for r in rows if r.get("language") == language]
        separator = "\n\n"
    text = separator.join(pieces * (size // max(1, len(separator.join(pieces))) + 1))
    return text[:size], language


def long_document_run(kind: str, size: int) -> dict[str, object]:
    """Tag one long document (models loaded first, on a short one); seconds and peak RSS of this process."""
    from worker.tagging import tag_articles

    text, language = long_text(kind, size)
    tag_articles([article(text[:2000], language, 0, title="Kort")])
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    document = article(text, language, 1, title="Lang")
    wall, cpu = time.perf_counter(), time.process_time()
    [tagged] = tag_articles([document])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "chars": len(text), "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "rss_loaded_mb": round(loaded), "peak_rss_mb": round(peak), "entities": len(tagged.entities)}


def long_documents(sizes: Sequence[int]) -> None:
    """Print time and peak RSS of tagging one document per kind and length, each in a fresh process."""
    print("\none long document per kind and length, each in a fresh process (models loaded before timing):")
    print(f"  {'kind':<17}{'chars':>9}{'wall s':>8}{'CPU s':>7}{'RSS loaded':>11}{'peak RSS':>9}{'entities':>9}")
    for kind in LONG_KINDS:
        for size in sizes:
            done = subprocess.run([sys.executable, "-m", "bench.quality", "--long-one", f"{kind}:{size}"],
                                  capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {kind:<17}{r['chars']:>9}{r['wall_s']:>8.2f}{r['cpu_s']:>7.2f}{r['rss_loaded_mb']:>8} MB"
                  f"{r['peak_rss_mb']:>6} MB{r['entities']:>9}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="CoNLL-format NER files and/or labelled topic files")
    parser.add_argument("--lang-of", action="append", default=[], metavar="FILE=LANG",
                        help="language of a NER file (default: detected from its text)")
    parser.add_argument("--split", default="all", choices=["all", "dev", "test"],
                        help="for NER files: the whole file (default) or a half of the project's fixed split")
    parser.add_argument("--tier", choices=["fast", "accurate"],
                        help="NER tier for the scores and timings (sets NEWSWORKER_NER_TIER; default as configured)")
    parser.add_argument("--repeats", type=int, default=3, help="timing runs per stage (median)")
    parser.add_argument("--no-speed", action="store_true", help="quality only")
    parser.add_argument("--no-raw", action="store_true",
                        help="for NER files: score CoNLL's tokens only, not also the documents as running text "
                             "(`bench.ner_quality --raw`: as the worker and `newsworker process` read an article)")
    parser.add_argument("--long-docs", metavar="SIZES", default="",
                        help="also time one document of each of these lengths (comma-separated characters)")
    parser.add_argument("--real-news", action="store_true",
                        help="also score the entity and topic stages on real English news (bench.real_news, "
                        "bench.real_topics)")
    parser.add_argument("--extraction", action="append", default=[], metavar="SET",
                        help="also score page extraction (bench.extraction) on SET: 'ours' (tests/data/extract/), "
                        "'newspaper4k', 'readability', 'trafilatura-eval', or a directory of NAME.html pages with "
                        "their NAME.txt texts; repeatable")
    parser.add_argument("--long-one", metavar="KIND:SIZE", help=argparse.SUPPRESS)  # one run, in a child process
    args = parser.parse_args(argv)
    if args.long_one:
        kind, size = args.long_one.split(":")
        print(json.dumps(long_document_run(kind, int(size))))
        return 0
    if not args.files and not args.long_docs and not args.real_news and not args.extraction:
        parser.error("give labelled files, --real-news, --long-docs, --extraction, or any of them together")
    ner_quality.use_tier(args.tier)  # for the timings too
    languages = dict(item.split("=", 1) for item in args.lang_of)
    speed_articles: list[Article] = []
    for path in args.files:
        if not path.exists():
            parser.error(f"{path}: no such file")
        print(f"\n=== {path}")
        if is_topic_file(path):
            topic_quality.evaluate_file(path, None)
            speed_articles += topic_articles(path)
        else:
            language = languages.get(str(path)) or ner_quality.detect_file_language(ner_quality.read_conll(path))
            raw = [] if args.no_raw else ["--raw"]
            ner_quality.main([str(path), "--lang", language, "--split", args.split, *raw])
            speed_articles += ner_articles(path, language)
    if args.real_news:
        print("\n=== real English news (bench.real_news)")
        real_news.main([])
        print("\n=== real English news, topics (bench.real_topics)")
        real_topics.main([])
    for name in args.extraction:
        print(f"\n=== page extraction: {name} (bench.extraction)")
        options = {"ours": [], "newspaper4k": ["--newspaper4k"], "readability": ["--readability"],
                   "trafilatura-eval": ["--trafilatura-eval"]}.get(name)
        if options is None and not Path(name).is_dir():
            parser.error(f"--extraction {name}: no such set or directory")
        extraction.main([*(options if options is not None else [name]), "--repeats", "1"])
    if not args.no_speed and speed_articles:
        stage_throughput(speed_articles, args.repeats)
    if args.long_docs:
        long_documents([int(size) for size in args.long_docs.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
