"""Throughput of the pipeline's stages and of the whole path through a real Celery worker.

    .venv/bin/python -m bench.pipeline [--articles 400] [--repeats 5]

Needs `newsworker services up`. Uses its own index prefix and Redis databases and removes them after.
Prints medians over the repeats (the machine is noisy) and, for the end-to-end run, articles/s
through broker + worker + Elasticsearch. Corpus: the seed plus the labelled news in data/topics/,
cycled to the requested size with a per-copy marker so every article is distinct.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

RUN = uuid.uuid4().hex[:8]
os.environ.setdefault("NEWSWORKER_INDEX_PREFIX", f"nwbench-{RUN}")
os.environ.setdefault("NEWSWORKER_BROKER_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("NEWSWORKER_RESULT_BACKEND", "redis://127.0.0.1:6379/9")
os.environ.setdefault("NEWSWORKER_REDIS_URL", "redis://127.0.0.1:6379/10")

from worker.article import RawItem  # noqa: E402
from worker.config import get_settings  # noqa: E402
from worker.index.store import connect, index_articles, setup_index  # noqa: E402
from worker.pipeline import normalise_items  # noqa: E402
from worker.sources.documents import document_item  # noqa: E402
from worker.tagging import tag_articles  # noqa: E402
from worker.tagging.entities import tag_entities  # noqa: E402
from worker.tagging.keywords import tag_keywords  # noqa: E402
from worker.tagging.language import tag_language  # noqa: E402
from worker.tagging.topics import tag_topics  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def corpus(n: int) -> list[RawItem]:
    texts = [(p.read_text(), p.name) for p in sorted((REPO / "seeds").glob("*.txt"))]
    for line in (REPO / "data" / "topics" / "news.jsonl").read_text().splitlines():
        row = json.loads(line)
        texts.append((f"title {row['title']}\n\n{row['text']}", row["id"]))
    items = []
    for i in range(n):
        text, name = texts[i % len(texts)]
        items.append(document_item(f"{text}\n\n(copy {i})", name=f"{name}#{i}", source="bench"))
    return items


def reset_index(es: Any, settings: Any) -> None:
    """Empty the bench index (the minimal distribution has no delete_by_query: drop and recreate)."""
    generations = list(es.indices.get(index=f"{settings.read_alias}-*").body)
    if generations:
        es.indices.delete(index=",".join(generations))
    setup_index(es, settings)


def timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    settings = get_settings()
    items = corpus(args.articles)
    words = sum(len((i.text or "").split()) for i in items)
    print(f"corpus: {len(items)} articles, {words} words ({words / len(items):.0f} words/article)")

    articles = normalise_items(items, settings).articles
    tag_articles(articles[:20])  # load every model once, outside the timings
    stages = {
        "normalise": lambda: normalise_items(items, settings),
        "language": lambda: tag_language(articles),
        "entities": lambda: tag_entities(tag_language(articles)),
        "topics": lambda: tag_topics(articles),
        "keywords": lambda: tag_keywords(articles),
        "tag (all four)": lambda: tag_articles(articles),
    }
    print(f"\nin-process stages, median of {args.repeats} runs:")
    print(f"{'stage':<16}{'seconds':>9}{'articles/s':>12}{'words/s':>10}")
    medians = {}
    for name, fn in stages.items():
        seconds = statistics.median(timed(fn)[0] for _ in range(args.repeats))
        medians[name] = seconds
        print(f"{name:<16}{seconds:>9.3f}{len(items) / seconds:>12.1f}{words / seconds:>10.0f}")

    es = connect(settings)
    setup_index(es, settings)
    tagged = tag_articles(articles)
    try:
        index_seconds = []
        for _ in range(args.repeats):
            reset_index(es, settings)
            seconds, _ = timed(
                lambda: [index_articles(es, settings, tagged[i : i + 200]) for i in range(0, len(tagged), 200)]
            )
            index_seconds.append(seconds)
        unchanged_seconds = statistics.median(
            timed(lambda: [index_articles(es, settings, tagged[i : i + 200]) for i in range(0, len(tagged), 200)])[0]
            for _ in range(args.repeats)
        )
        index_median = statistics.median(index_seconds)
        print(f"{'index (new)':<16}{index_median:>9.3f}{len(items) / index_median:>12.1f}")
        print(
            f"{'index (same)':<16}{unchanged_seconds:>9.3f}{len(items) / unchanged_seconds:>12.1f}"
            "   (re-ingestion: lookup only, no writes)"
        )
        end_to_end(settings, es, items)
    finally:
        generations = list(es.indices.get(index=f"{settings.read_alias}-*").body)
        if generations:
            es.indices.delete(index=",".join(generations))
        es.indices.delete_index_template(name=settings.read_alias)
    ratio = medians["tag (all four)"] / medians["entities"]
    print(f"\nratio tag(all four) / entities(language+NER) time: {ratio:.2f}")


def end_to_end(settings: Any, es: Any, items: list[RawItem]) -> None:
    """Enqueue everything, one solo worker process consumes it: the path production takes."""
    import redis

    from worker.app import app
    from worker.tasks import ingest_items

    reset_index(es, settings)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.app",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--hostname",
            f"bench-{RUN}@%h",
        ],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not app.control.ping(timeout=1.0):
            time.sleep(0.5)
        # Warm-up on a copy of the corpus's first articles (Dutch and English), so every model is loaded.
        warm = [i.model_copy(update={"source": "bench-warm"}) for i in items[:40]]
        ingest_items.delay([i.model_dump(mode="json") for i in warm]).get(timeout=300)
        start = time.perf_counter()
        results = [
            ingest_items.delay([i.model_dump(mode="json") for i in items[k : k + 50]]) for k in range(0, len(items), 50)
        ]
        counts = [r.get(timeout=900) for r in results]
        seconds = time.perf_counter() - start
        indexed = sum(c["indexed"] + c["unchanged"] for c in counts)
        print(
            f"{'end to end':<16}{seconds:>9.3f}{indexed / seconds:>12.1f}"
            "   (CLI -> Redis -> 1 worker process -> Elasticsearch, batches of 50)"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        for url in (settings.broker_url, settings.result_backend, settings.redis_url):
            redis.Redis.from_url(url).flushdb()


if __name__ == "__main__":
    main()
