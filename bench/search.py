"""Latency of the read side on a synthetic corpus: /search (simple, boolean, filtered, facets), /timeline,
/trends, /articles/{id}/similar, export throughput, and /search against the bare Elasticsearch query it issues.

    .venv/bin/python -m bench.search [--articles 100000] [--repeats 30] [--keep]

Needs Elasticsearch (`newsworker services up`). Uses its own index prefix and deletes it after (unless
--keep). The corpus is the labelled news in data/topics/news.jsonl (1,128 Dutch and English articles)
cycled to the requested size, each copy distinct (a marker in title and body), with dates spread over
three years, 40 sources, entities from a fixed pool (some linked to Wikidata ids) and the labelled topics;
the last day holds a burst of articles about one new entity. Requests go over loopback HTTP to the API
served by uvicorn in a thread of this process (keep-alive client). Prints median and p95 in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RUN = uuid.uuid4().hex[:8]
os.environ.setdefault("NEWSWORKER_INDEX_PREFIX", f"nwbench-search-{RUN}")
os.environ.setdefault("NEWSWORKER_API_AUTH", "off")

from worker.article import Article, Entity, Topic  # noqa: E402
from worker.config import get_settings  # noqa: E402
from worker.index.store import connect, index_articles, setup_index  # noqa: E402
from worker.search import HIDDEN_FIELDS, HIGHLIGHT, SearchQuery, build_query, sort_spec  # noqa: E402
from worker.tagging.iptc import topic_label  # noqa: E402

NEWS = Path(__file__).resolve().parent.parent / "data" / "topics" / "news.jsonl"
SOURCES = [f"source-{i:02d}.example" for i in range(40)]
ENTITY_POOL = [
    Entity(text=name, type=kind, wikidata=qid)  # type: ignore[arg-type]
    for name, kind, qid in [
        ("NAVO", "ORG", "Q7184"),
        ("NATO", "ORG", "Q7184"),
        ("Oekraïne", "LOC", "Q212"),
        ("Ukraine", "LOC", "Q212"),
        ("Mark Rutte", "PER", None),
        ("Amsterdam", "LOC", "Q727"),
        ("Rotterdam", "LOC", "Q34370"),
        ("Europese Unie", "ORG", "Q458"),
        ("European Union", "ORG", "Q458"),
        ("Taliban", "ORG", "Q42418"),
        ("Den Haag", "LOC", "Q36600"),
        ("Brussel", "LOC", "Q239"),
        ("Joe Biden", "PER", "Q6279"),
        ("Ajax", "ORG", None),
        ("Shell", "ORG", None),
        ("Philips", "ORG", None),
        ("Schiphol", "LOC", None),
        ("Tweede Kamer", "ORG", None),
        ("KNMI", "ORG", None),
        ("Rijkswaterstaat", "ORG", None),
    ]
]
BURST = Entity(text="Nieuwe Kustpartij", type="ORG")
NOW = datetime.now(UTC)


def corpus(n: int, seed: int = 7) -> Iterator[Article]:
    rows = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    for i in range(n):
        row = rows[i % len(rows)]
        burst = i >= n - max(30, n // 2000)
        published = NOW - (timedelta(hours=rng.uniform(0, 20)) if burst else timedelta(days=rng.uniform(1, 3 * 365)))
        entities = rng.sample(ENTITY_POOL, 3) + ([BURST] if burst else [])
        topics = [Topic(code=c, label=topic_label(c, row["language"]), score=0.8) for c in row["topics"]]
        marker = f"{i:06d}"
        yield Article(
            id=f"bench-{marker}",
            source=rng.choice(SOURCES),
            title=f"{row['title']} ({marker})",
            body=f"{row['text']} Bericht {marker}." + (" De Nieuwe Kustpartij groeit." if burst else ""),
            content_hash=marker,
            language=row["language"],
            published_at=published,
            published_precision="second",
            entities=entities,
            topics=topics,
            dup_group=f"story-{i // 3}" if i % 50 < 3 else None,
        )


def load(es: Any, settings: Any, n: int, batch: int = 1000) -> float:
    started = time.perf_counter()
    chunk: list[Article] = []
    for article in corpus(n):
        chunk.append(article)
        if len(chunk) == batch:
            index_articles(es, settings, chunk)
            chunk = []
    if chunk:
        index_articles(es, settings, chunk)
    es.indices.refresh(index=settings.read_alias)
    es.indices.forcemerge(index=settings.read_alias, max_num_segments=1)
    return time.perf_counter() - started


def timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    fn()  # warm-up (caches, JIT of the highlight path)
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the bench index afterwards")
    args = parser.parse_args(argv)

    import httpx
    import uvicorn

    from worker.api import app

    settings = get_settings()
    es = connect(settings)
    setup_index(es, settings)
    try:
        seconds = load(es, settings, args.articles)
        count = es.count(index=settings.read_alias)["count"]
        print(f"indexed {count} articles in {seconds:.0f} s ({count / seconds:.0f}/s, bulk through index_articles)")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
        some_id = "bench-000010"

        def get(path: str, **params: Any) -> Callable[[], Any]:
            def call() -> Any:
                response = client.get(path, params=params)
                assert response.status_code == 200, response.text
                return response

            return call

        def bare(text: str) -> Callable[[], Any]:
            q = SearchQuery(text=text)
            body: dict[str, Any] = {
                "query": build_query(q),
                "size": 10,
                "sort": sort_spec(q.sort, bool(text)),
                "source_excludes": HIDDEN_FIELDS,
                "track_total_hits": True,
                "highlight": HIGHLIGHT,
            }
            return lambda: es.search(index=settings.read_alias, **body)

        cases: list[tuple[str, Callable[[], Any], str]] = [
            ("/search simple", get("/search", q="oekraine"), "search"),
            ("/search boolean", get("/search", q='(NAVO OR NATO) AND "Mark Rutte" -Ajax'), "search"),
            (
                "/search filtered",
                get("/search", q="regering", lang="nl", source="source-01.example,source-02.example", since="2025-01"),
                "search",
            ),
            ("/search prefix+phrase", get("/search", q='oekra* "Europese Unie"~3'), "search"),
            ("/search facets", get("/search", q="regering", facets="true", size="0"), "facets"),
            ("/search unique", get("/search", q="regering", unique="true"), "search"),
            ("/timeline", get("/timeline", q="regering", split="language"), "facets"),
            ("/trends", get("/trends", field="entities", window="1d", background="30d"), "facets"),
            ("/articles/{id}/similar", get(f"/articles/{some_id}/similar"), "search"),
        ]
        targets = {"search": 150.0, "facets": 400.0}
        results: dict[str, list[float]] = {}
        print(f"\n{'case':<28}{'median ms':>11}{'p95 ms':>9}  target p95")
        for name, fn, kind in cases:
            results[name] = timed(fn, args.repeats)
            target = f"<= {targets[kind]:.0f} ms" if kind else ""
            print(f"{name:<28}{statistics.median(results[name]):>11.1f}{p95(results[name]):>9.1f}  {target}")
        # The ratio alternates the two calls, so load from elsewhere on the machine hits both alike.
        for label, api_call, bare_call in (
            ("simple", get("/search", q="oekraine"), bare("oekraine")),
            (
                "boolean",
                get("/search", q='(NAVO OR NATO) AND "Mark Rutte" -Ajax'),
                bare('(NAVO OR NATO) AND "Mark Rutte" -Ajax'),
            ),
        ):
            ours, theirs = [], []
            for _ in range(args.repeats):
                ours += timed(api_call, 1)
                theirs += timed(bare_call, 1)
            ratio = statistics.median(ours) / statistics.median(theirs)
            print(
                f"/search {label} vs the bare ES query it issues, alternated: {statistics.median(ours):.1f} vs "
                f"{statistics.median(theirs):.1f} ms median = {ratio:.2f}x (target <= 1.3x)"
            )
        started = time.perf_counter()
        with client.stream("GET", "/export", params={"format": "jsonl"}) as response:
            exported = sum(1 for line in response.iter_lines() if line)
        seconds = time.perf_counter() - started
        print(f"export: {exported} articles in {seconds:.1f} s = {exported / seconds:.0f} articles/s (target >= 3000)")
    finally:
        if not args.keep:
            generations = list(es.indices.get(index=f"{settings.read_alias}-*").body)
            if generations:
                es.indices.delete(index=",".join(generations))
            es.indices.delete_index_template(name=settings.read_alias)
    return 0


if __name__ == "__main__":
    sys.exit(main())
