"""Politeness under load: 200 local feeds on 20 hosts, polled twice by 2 Celery workers.

    .venv/bin/python -m bench.feeds_politeness [--hosts 20] [--feeds-per-host 10] [--items 3] [--rate 1]

Needs Redis (`newsworker services up`); Elasticsearch only if --index (else articles stop at the
"ingest" queue, which nobody consumes here). Each host is a local HTTP server on its own port (a budget
of its own: IP literals are keyed ip:port) serving feeds with ETags and article pages. Prints, from the
servers' own logs: requests per host, the most requests any host got in any 1-second window against its
budget, whether round two was conditional only, and how long each round took.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit, urlunsplit

RUN = uuid.uuid4().hex[:6]
os.environ.setdefault("NEWSWORKER_INDEX_PREFIX", f"nwpolite-{RUN}")
_REDIS = os.environ.get("NEWSWORKER_REDIS_URL", "redis://127.0.0.1:6379/0")


def _db(url: str, db: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


os.environ["NEWSWORKER_REDIS_URL"] = _db(_REDIS, 14)
os.environ["NEWSWORKER_BROKER_URL"] = _db(_REDIS, 15)
os.environ["NEWSWORKER_ALLOW_PRIVATE_NETWORKS"] = "127.0.0.0/8"

import redis  # noqa: E402

from worker.config import get_settings  # noqa: E402
from worker.sources.registry import FeedDeclaration, FeedRegistry  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "sources"))
from source_server import LocalServer, Reply, Request, serve  # noqa: E402

PAGE = (REPO / "tests" / "data" / "sources" / "article_other.html").read_text()


def feed_body(base: str, host: int, feed: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {host}-{feed}-{i}</title><link>{base}/story/{feed}/{i}</link>"
        f"<description>Feed text {host}-{feed}-{i}.</description>"
        f"<pubDate>Mon, 04 Mar 2024 08:{i:02d}:00 GMT</pubDate></item>"
        for i in range(items)
    )
    channel = f"<channel><title>H{host}F{feed}</title>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def route_site(site: LocalServer, host: int, feeds: int, items: int) -> None:
    for feed in range(feeds):
        body = feed_body(site.base, host, feed, items)
        etag = f'"h{host}f{feed}"'

        def handler(r: Request, body: bytes = body, etag: str = etag) -> Reply:
            if r.headers.get("if-none-match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

        site.route(f"/feed/{feed}", handler)
        for i in range(items):
            # Distinct text per page so nothing is a near-duplicate of anything else.
            page = PAGE.replace("Forecasters", f"Forecasters ({host}-{feed}-{i})").replace(
                'href="/news/2024/03/02/storm-warning"', f'href="/story/{feed}/{i}"'
            )
            site.route(f"/story/{feed}/{i}", Reply(body=page.encode(), headers={"Content-Type": "text/html"}))


def max_per_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def wait_quiet(
    sites: list[LocalServer], expected: int, timeout: float, broker: redis.Redis, quiet: float = 5.0
) -> float:
    """Wait until the servers got `expected` requests, no task is queued or held (deferred fetches wait with
    a countdown), and no request came for `quiet` seconds. Meanwhile look for due feeds every few seconds,
    as beat does (a poll that found its host busy is due again a little later)."""
    from worker.sources.tasks import dispatch_due

    started = time.monotonic()
    last_dispatch = 0.0
    while time.monotonic() - started < timeout:
        if time.monotonic() - last_dispatch > 5:
            dispatch_due.delay()
            last_dispatch = time.monotonic()
        total = sum(len(s.log) for s in sites)
        last = max((r.at for s in sites for r in s.log), default=0)
        idle = not broker.llen("sources") and not broker.hlen("unacked")
        if total >= expected and idle and time.time() - last > quiet:
            break
        time.sleep(0.5)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--feeds-per-host", type=int, default=10)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--rate", type=float, default=1.0, help="budget, requests per second per host")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="threads (or processes) per worker")
    parser.add_argument("--pool", choices=["threads", "prefork"], default="threads")
    args = parser.parse_args()
    os.environ["NEWSWORKER_HOST_RATE"] = str(args.rate)
    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url)
    client.flushdb()
    broker = redis.Redis.from_url(settings.broker_url)
    broker.flushdb()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        sites = [stack.enter_context(serve()) for _ in range(args.hosts)]
        registry = FeedRegistry(client, settings)
        for h, site in enumerate(sites):
            route_site(site, h, args.feeds_per_host, args.items)
            for f in range(args.feeds_per_host):
                registry.add(FeedDeclaration(url=site.url(f"/feed/{f}")))
        workers = []
        for w in range(args.workers):
            log = open(Path(tmp) / f"worker{w}.log", "w")  # noqa: SIM115
            stack.callback(log.close)
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "worker.app", "worker", "-Q", "sources",
                     "--pool", args.pool, "--concurrency", str(args.threads), "--loglevel", "WARNING",
                     "--hostname", f"polite{w}-{RUN}@%h"],
                    cwd=REPO, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        try:
            feeds = args.hosts * args.feeds_per_host
            round1_expected = feeds * (1 + args.items) + args.hosts  # + one robots.txt per host
            round1 = wait_quiet(sites, round1_expected, timeout=3600, broker=broker)
            counts1 = [len(s.log) for s in sites]
            for state in registry.all():
                registry.save(state.model_copy(update={"next_poll": state.next_poll.replace(year=2000)}))
            round2 = wait_quiet(sites, round1_expected + feeds, timeout=1800, broker=broker)
        finally:
            for p in workers:
                p.terminate()
            for p in workers:
                p.wait(timeout=60)
        second = [r for s, n in zip(sites, counts1, strict=True) for r in s.log[n:]]
        conditional = sum(1 for r in second if "if-none-match" in r.headers)
        peaks = [max_per_window([r.at for r in s.log]) for s in sites]
        per_host = [len(s.log) for s in sites]
        print(
            f"feeds {feeds} on {args.hosts} hosts, {args.items} items each, "
            f"{args.workers} workers x {args.threads} ({args.pool})"
        )
        print(f"round 1: {sum(counts1)} requests (expected {round1_expected}) in {round1:.1f}s")
        print(f"round 2: {len(second)} requests, {conditional} conditional, in {round2:.1f}s")
        print(f"requests per host: min {min(per_host)} max {max(per_host)}")
        gaps = [b.at - a.at for s in sites for a, b in itertools.pairwise(sorted(s.log, key=lambda r: r.at))]
        print(f"budget {args.rate:g}/s per host; most requests any host got in any 1 s window: {max(peaks)}")
        print(f"gap between two requests to one host: min {min(gaps):.3f}s, median {statistics.median(gaps):.3f}s")
        handed = 0
        for raw in cast(list[bytes], broker.lrange("ingest", 0, -1)):
            message = json.loads(raw)
            handed += len(json.loads(base64.b64decode(message["body"]))[0][0])
        print(f"pages handed to build_articles (ingest queue): {handed} (expected {feeds * args.items})")
        ok = max(peaks) <= max(1, int(args.rate)) and conditional == len(second) == feeds
        print("OK" if ok else "NOT OK")
        client.flushdb()
        redis.Redis.from_url(settings.broker_url).flushdb()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
