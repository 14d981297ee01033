"""Crawl speed against the politeness ceiling: a local farm of news sites, pages on.

    .venv/bin/python -m bench.crawl [--hosts 20] [--feeds-per-host 10] [--items 3] [--rate 1]
                                    [--batching mixed|per-feed] [--tasks 32] [--e2e]

Each host is a local HTTP server on its own port (its own budget: IP literals are keyed ip:port) serving
RSS feeds (ETag, 304 on a conditional GET), robots.txt and article pages, each request logged with its
arrival time. The budget (--rate requests/s per host) is shared by everything that asks a host anything.

In-process (default): the feeds are polled once (`poll_feed_once`, as the poll task does), then every new
item's page is fetched with `worker.sources.fetcher.fetch_pages`:
- `--batching mixed`: the items of all feeds in batches of --batch items mixed across hosts (what a
  fetch task gets when items are batched across feeds), --tasks batches at once;
- `--batching per-feed`: one batch per feed (what a fetch task gets from one poll), --tasks at once
  (the concurrency of a thread-pool worker on the sources queue). Deferred items are fetched again after
  their retry_after, as a task re-enqueued with a countdown would be.
Then the feeds are polled again, all answering 304 (feeds/s, against the same ceiling).

`--e2e`: the same farm crawled by the workers started with the README's default command (--worker-cmd),
after `newsworker feeds sync`: needs Redis and Elasticsearch and the task wiring that routes fetched pages
into the pipeline. Prints the same figures from the servers' logs, and the articles indexed per second.

Printed, from the servers' own logs: pages/s against the ceiling (hosts x rate) and the ratio, the most
requests any host got in any 1-s window (never above its budget), the smallest gap between two requests
to one host. `--e2e` adds where each host's budget went and why the crawl ends when it does: each host's
last page, the tail (the median host's last page to the last host's) and the late host's gaps; with
CRAWL_LOG_DIR set, the workers' log and every request of the run (requests.tsv) are kept there.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

RUN = uuid.uuid4().hex[:6]
os.environ.setdefault("NEWSWORKER_INDEX_PREFIX", f"nwcrawl-{RUN}")
_REDIS = os.environ.get("NEWSWORKER_REDIS_URL", "redis://127.0.0.1:6379/0")


def _db(url: str, db: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


os.environ["NEWSWORKER_REDIS_URL"] = _db(_REDIS, 14)
_OWN_BROKER = "NEWSWORKER_BROKER_URL" not in os.environ  # db 15 of the bench's Redis, flushed per run
os.environ.setdefault("NEWSWORKER_BROKER_URL", _db(_REDIS, 15))
os.environ["NEWSWORKER_ALLOW_PRIVATE_NETWORKS"] = "127.0.0.0/8"

import redis  # noqa: E402

from worker.article import RawItem  # noqa: E402
from worker.config import Settings, get_settings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "sources"))
from source_server import LocalServer, Reply, Request, serve  # noqa: E402

T = TypeVar("T")
PAGE = (REPO / "tests" / "data" / "sources" / "article_other.html").read_text()


def feed_body(base: str, host: int, feed: int, items: int, round_: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {host}-{feed}-{round_}-{i}</title><link>{base}/story/{feed}/{round_}/{i}</link>"
        f"<description>Feed text {host}-{feed}-{i}.</description>"
        f"<pubDate>Mon, 04 Mar 2024 08:{i:02d}:00 GMT</pubDate></item>"
        for i in range(items)
    )
    channel = f"<channel><title>H{host}F{feed}</title><language>en</language>{entries}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def route_site(site: LocalServer, host: int, feeds: int, items: int, round_: int = 0) -> None:
    site.route("/robots.txt", Reply(body=b"User-agent: *\nAllow: /\n"))
    for feed in range(feeds):
        body = feed_body(site.base, host, feed, items, round_)
        etag = f'"h{host}f{feed}r{round_}"'

        def handler(r: Request, body: bytes = body, etag: str = etag) -> Reply:
            if r.headers.get("if-none-match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

        site.route(f"/feed/{feed}", handler)
        for i in range(items):
            # Distinct text per page (no near-duplicates), and its own canonical link (one article each).
            page = PAGE.replace("Forecasters", f"Forecasters ({host}-{feed}-{round_}-{i})").replace(
                'href="/news/2024/03/02/storm-warning"', f'href="/story/{feed}/{round_}/{i}"'
            )
            headers = {"Content-Type": "text/html; charset=utf-8"}
            site.route(f"/story/{feed}/{round_}/{i}", Reply(body=page.encode(), headers=headers))


def max_per_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def politeness(sites: list[LocalServer], since: float) -> tuple[int, float]:
    """(most requests any host got in any 1-s window, smallest gap between two requests to one host)."""
    peaks, gaps = [], []
    for site in sites:
        times = sorted(r.at for r in site.log if r.at >= since)
        if times:
            peaks.append(max_per_window(times))
            gaps += [b - a for a, b in itertools.pairwise(times)]
    return max(peaks, default=0), min(gaps, default=float("inf"))


def request_kind(path: str) -> str:
    return "page" if path.startswith("/story/") else "robots" if path == "/robots.txt" else "feed"


def budget_use(sites: list[LocalServer], since: float, rate: float) -> list[str]:
    """Where each host's budget went, from the servers' logs, over the crawl's window (the first request to
    any host until the last page): requests by kind, and the host-seconds in which a host could have had a
    request (its budget was free for more than one slot) but got none, split into idle before the host's
    first request (start), between its requests (middle), and after its last one (tail)."""
    from worker.sources.budget import SLOT_MARGIN

    logs = [sorted((r.at, request_kind(r.path)) for r in site.log if r.at >= since) for site in sites]
    pages = [t for log in logs for t, kind in log if kind == "page"]
    if not pages:
        return ["budget use: no pages"]
    start, end = min(t for log in logs for t, _ in log), max(pages)
    interval = SLOT_MARGIN / rate
    counts = {"feed": 0, "robots": 0, "page": 0}
    idle = {"start": 0.0, "middle": 0.0, "tail": 0.0}
    in_page_span = {"feed": 0, "robots": 0}
    for log in logs:
        times = [t for t, _ in log if t <= end]
        first_page = min((t for t, kind in log if kind == "page"), default=end)
        for t, kind in log:
            if t <= end:
                counts[kind] += 1
                if kind != "page" and t > first_page:
                    in_page_span[kind] += 1
        if not times:
            idle["start"] += end - start
            continue
        idle["start"] += max(0.0, times[0] - start)
        idle["middle"] += sum(max(0.0, b - a - interval) for a, b in itertools.pairwise(times))
        idle["tail"] += max(0.0, end - times[-1] - interval)
    window = end - start
    total = sum(counts.values())
    if os.environ.get("CRAWL_SEQUENCES"):  # each host's requests in order, F feed, R robots.txt, P page
        for log in logs[:3]:
            print("".join(f"{kind[0].upper()}{t - start:.0f} " for t, kind in log if t <= end))
    host_seconds = len(sites) * window
    return [
        f"budget use over {window:.1f}s (first request to last page): {total} requests = "
        f"{total / window:.2f}/s, {total / window / (len(sites) * rate):.2f} of hosts x rate "
        f"(slots {SLOT_MARGIN:g} x 1/rate apart cap it at {1 / SLOT_MARGIN:.2f}); "
        f"pages {counts['page']}, feeds {counts['feed']}, robots.txt {counts['robots']}",
        f"requests other than pages after the host's own first page: feeds {in_page_span['feed']}, "
        f"robots.txt {in_page_span['robots']}",
        "idle host-seconds (budget free for more than a slot, no request): "
        + ", ".join(f"{k} {v:.1f} ({v / host_seconds:.0%})" for k, v in idle.items()),
    ]


def host_finish(sites: list[LocalServer], since: float, rate: float) -> list[str]:
    """Why the crawl ends when it ends, per host from the servers' logs: when each host got its first and
    last page, and the tail: the seconds between the median host's last page and the last host's, with the
    late host's pages and its gaps of more than two slots (a host idle while it still had pages)."""
    from worker.sources.budget import SLOT_MARGIN

    pages = [sorted(r.at for r in site.log if r.at >= since and r.path.startswith("/story/")) for site in sites]
    pages = [p for p in pages if p]
    if not pages:
        return []
    start = min(p[0] for p in pages)
    lasts = sorted(p[-1] - start for p in pages)
    median = lasts[len(lasts) // 2]
    late = max(pages, key=lambda p: p[-1])
    gaps = [(a - start, b - a) for a, b in itertools.pairwise(late) if b - a > 2 * SLOT_MARGIN / rate]
    return [
        f"hosts' last page (s after the first page): min {lasts[0]:.1f}, median {median:.1f}, max {lasts[-1]:.1f}; "
        f"tail (median to last host) {lasts[-1] - median:.1f}s = {(lasts[-1] - median) / max(lasts[-1], 1e-9):.0%}",
        f"late host: {len(late)} pages, first {late[0] - start:.1f}s, last {late[-1] - start:.1f}s; gaps > 2 slots: "
        + (", ".join(f"{g:.1f}s at {t:.1f}" for t, g in gaps) or "none"),
    ]


def dump_requests(sites: list[LocalServer], since: float, path: Path) -> None:
    """Every request of the run (host index, seconds since start, path), for a closer look afterwards."""
    rows = sorted((r.at - since, h, r.path) for h, site in enumerate(sites) for r in site.log if r.at >= since)
    path.write_text("".join(f"{h}\t{t:.3f}\t{p}\n" for t, h, p in rows))


def page_times(sites: list[LocalServer], since: float) -> list[float]:
    return sorted(r.at for s in sites for r in s.log if r.at >= since and r.path.startswith("/story/"))


def report(label: str, pages: int, elapsed: float, ceiling: float, sites: list[LocalServer], since: float) -> None:
    peak, gap = politeness(sites, since)
    rate = pages / elapsed if elapsed else 0.0
    print(
        f"{label}: {pages} pages in {elapsed:.1f}s = {rate:.2f} pages/s; ceiling {ceiling:g}/s; "
        f"ratio {rate / ceiling:.2f}; peak requests per host per 1-s window {peak}; min gap {gap:.3f}s"
    )


def poll_all(urls: list[str], settings: Settings, client: redis.Redis, threads: int) -> tuple[list[RawItem], float]:
    from worker.sources.http import PoliteClient
    from worker.sources.poll import poll_feed_once
    from worker.sources.registry import FeedRegistry

    registry = FeedRegistry(client, settings)
    http = PoliteClient(settings, client)
    items: list[RawItem] = []
    lock = threading.Lock()

    def poll(url: str) -> None:
        while True:
            report = poll_feed_once(url, registry=registry, client=http, settings=settings)
            if report.outcome.kind != "deferred":
                break
            time.sleep(report.outcome.retry_after or 1.0)
        with lock:
            items.extend(report.items)

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(poll, urls))
    http.close()
    return items, time.monotonic() - started


def fetch_all(
    batches: list[list[RawItem]], settings: Settings, client: redis.Redis, tasks: int, max_wait: float
) -> tuple[int, int, float]:
    """Run the batches like fetch tasks on a thread-pool worker: `tasks` at once, deferred items again after
    their retry_after. Returns (pages fetched, pages failed, seconds)."""
    from worker.sources.fetcher import fetch_pages
    from worker.sources.http import PoliteClient
    from worker.sources.robots import RobotsCache

    http = PoliteClient(settings, client)
    robots = RobotsCache(client, http)
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()

    def task(batch: list[RawItem]) -> None:
        while batch:
            out = fetch_pages(batch, client=http, robots=robots, max_wait=max_wait)
            with lock:
                counts["ok"] += sum(1 for i in out.items if i.html)
                counts["failed"] += sum(1 for i in out.items if i.fetch_error)
            batch = out.deferred
            if batch:
                time.sleep(max(0.5, out.retry_after))

    started = time.monotonic()
    with ThreadPoolExecutor(tasks) as pool:
        list(pool.map(task, batches))
    http.close()
    return counts["ok"], counts["failed"], time.monotonic() - started


def interleaved(groups: list[list[T]]) -> list[T]:
    """Round-robin over the groups: the order in which beat hands out due feeds is not host by host."""
    return [x for row in itertools.zip_longest(*groups) for x in row if x is not None]


def in_process(args: argparse.Namespace, sites: list[LocalServer], settings: Settings, client: redis.Redis) -> bool:
    urls = interleaved([[site.url(f"/feed/{f}") for f in range(args.feeds_per_host)] for site in sites])
    from worker.sources.registry import FeedDeclaration, FeedRegistry

    registry = FeedRegistry(client, settings)
    for url in urls:
        registry.add(FeedDeclaration(url=url))
    ceiling = args.hosts * args.rate
    since = time.time()
    items, polled = poll_all(urls, settings, client, threads=min(64, len(urls)))
    feeds_peak, feeds_gap = politeness(sites, since)
    print(
        f"round 1 polls: {len(urls)} feeds in {polled:.1f}s ({len(urls) / polled:.1f} feeds/s), {len(items)} items; "
        f"peak per host per 1-s window {feeds_peak}, min gap {feeds_gap:.3f}s"
    )
    time.sleep(1.5)  # the polls' last slots pass: the page phase starts on fresh budgets
    if args.batching == "per-feed":
        by_feed: dict[str, list[RawItem]] = {}
        for item in items:
            by_feed.setdefault(item.source, []).append(item)
        batches = list(by_feed.values())
    else:
        # Interleave hosts, then cut into batches: every batch spans many hosts.
        by_host: dict[str, list[RawItem]] = {}
        for item in items:
            by_host.setdefault(urlsplit(item.url or "").netloc, []).append(item)
        mixed = interleaved(list(by_host.values()))
        batches = [mixed[n : n + args.batch] for n in range(0, len(mixed), args.batch)]
    since = time.time()
    ok, failed, elapsed = fetch_all(batches, settings, client, args.tasks, args.max_wait)
    # The time the pages took, from the servers' own clock: first to last page request.
    times = page_times(sites, since)
    span = (times[-1] - since) if times else elapsed  # from the phase's start to the last page's arrival
    print(f"pages: {ok} fetched, {failed} failed, {len(batches)} batches ({args.batching}), {args.tasks} at once")
    report("page phase", len(times), span, ceiling, sites, since)
    peak_pages, _ = politeness(sites, since)
    # Round 2: every feed answers 304.
    for state in registry.all():
        registry.save(state.model_copy(update={"next_poll": state.next_poll.replace(year=2000)}))
    time.sleep(1.5)
    since = time.time()
    _, polled2 = poll_all(urls, settings, client, threads=min(64, len(urls)))
    conditional = sum(1 for s in sites for r in s.log if r.at >= since and "if-none-match" in r.headers)
    peak_304, _ = politeness(sites, since)
    print(
        f"round 2 polls (all 304): {len(urls)} feeds in {polled2:.1f}s = {len(urls) / polled2:.1f} feeds/s "
        f"(ceiling {ceiling:g}/s), {conditional} conditional, peak per host per 1-s window {peak_304}"
    )
    budget = max(1, int(args.rate))
    if max(feeds_peak, peak_pages, peak_304) > budget:
        print(f"a host got more than its budget ({budget}) in a 1-s window")
    if ok != len(items):
        print(f"{len(items) - ok} pages not fetched")
    return max(feeds_peak, peak_pages, peak_304) <= budget and ok == len(items)


def searchable_report(samples: list[tuple[float, int]], expected: int, crawl_end: float) -> str:
    """Time from the items appearing (every feed has them at the start) to each article being searchable,
    p50/p95 from the once-a-second counts, and the indexing rate while pages were still being fetched."""

    def first_time(n: int) -> float | None:
        return next((t for t, c in samples if c >= n), None)

    p50, p95 = first_time(max(1, expected // 2)), first_time(max(1, -(-expected * 95 // 100)))
    during = [(t, c) for t, c in samples if t <= crawl_end]
    rate = (during[-1][1] - during[0][1]) / (during[-1][0] - during[0][0]) if len(during) > 1 else 0.0
    def shown(seconds: float | None) -> str:
        return f"{seconds:.0f}s" if seconds is not None else "not reached"

    return (f"item appearing -> searchable: p50 {shown(p50)}, p95 {shown(p95)}; "
            f"indexing during the crawl {rate:.1f} articles/s")  # fmt: skip


def session_cpu(session: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the live processes of a session, by Celery queue."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[3]) != session:  # field 6 of stat: the session id
            continue
        name = "ingest" if "--queues ingest" in cmdline else "sources" if "--queues sources" in cmdline else "other"
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def articles_check(es: object, settings: Settings, sites: list[LocalServer], feeds: int, items: int) -> str:
    """Every item once: the indexed articles' URLs against the farm's story URLs (extra or missing ones named)."""
    from elasticsearch import Elasticsearch

    from worker.sources.urls import canonical_url

    assert isinstance(es, Elasticsearch)
    expected = {
        canonical_url(site.url(f"/story/{f}/0/{i}")) for site in sites for f in range(feeds) for i in range(items)
    }
    es.indices.refresh(index=settings.read_alias)
    hits = es.search(
        index=settings.read_alias, size=10_000, query={"match_all": {}},
        source={"includes": ["url", "text_source", "metadata", "title"]},
    )["hits"]["hits"]  # fmt: skip
    urls = [str(h["_source"].get("url")) for h in hits]
    extra = [h for h in hits if h["_source"].get("url") not in expected]
    missing = expected - set(urls)
    line = f"articles: {len(hits)} indexed for {len(expected)} items; {len(extra)} not a farm story, "
    line += f"{len(missing)} missing"
    for hit in extra[:5]:
        source = hit["_source"]
        line += f"\n  extra {hit['_id'][:12]} url={source.get('url')} text_source={source.get('text_source')} "
        line += f"title={source.get('title')!r} metadata={source.get('metadata')}"
    return line


def end_to_end(args: argparse.Namespace, sites: list[LocalServer], settings: Settings, tmp: str) -> bool:
    """The farm crawled by workers started with the default command (needs the lead's task wiring)."""
    urls = [site.url(f"/feed/{f}") for site in sites for f in range(args.feeds_per_host)]
    listing = Path(tmp) / "feeds.txt"
    listing.write_text("\n".join(urls) + "\n")
    env = os.environ.copy()
    subprocess.run([sys.executable, "-m", "worker.cli", "feeds", "sync", str(listing)], env=env, check=True, cwd=REPO)
    subprocess.run([sys.executable, "-m", "worker.cli", "index", "setup"], env=env, check=True, cwd=REPO)
    from worker.index.store import connect

    es = connect(settings)
    before = int(es.count(index=settings.read_alias)["count"])
    if before:  # another run's articles would be counted as this one's
        raise SystemExit(f"{settings.read_alias} already holds {before} articles: set a fresh NEWSWORKER_INDEX_PREFIX")
    from worker.app import app

    others = app.control.ping(timeout=2.0)
    if others:  # they would take this run's tasks, with whatever code they were started with
        raise SystemExit(f"workers already consume this broker ({settings.broker_url}): {others}; stop them first")
    broker = redis.Redis.from_url(settings.broker_url)
    # Messages an earlier run left behind (its workers stopped before the queues drained) would be indexed
    # into this run's index as articles of no farm here: the bench's own broker starts empty.
    leftover = {name: int(broker.llen(name)) for name in ("ingest", "sources")}  # type: ignore[arg-type]
    leftover["unacked"] = int(broker.hlen("unacked"))  # type: ignore[arg-type]
    if any(leftover.values()):
        if not _OWN_BROKER:
            raise SystemExit(f"the broker {settings.broker_url} holds messages {leftover}: use an empty one")
        print(f"broker: flushing what an earlier run left: {leftover}")
        broker.flushdb()
    log = open(Path(os.environ.get("CRAWL_LOG_DIR", tmp)) / "workers.log", "w")  # noqa: SIM115
    workers = subprocess.Popen(
        args.worker_cmd.split(), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    beat = subprocess.Popen(
        [sys.executable, "-m", "worker.cli", "feeds", "scheduler"], cwd=REPO, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    expected = len(urls) * args.items
    since = time.time()
    indexed, all_indexed_at = 0, None
    searchable: list[tuple[float, int]] = []  # (seconds since start, articles searchable), once a second

    depths: dict[str, int] = {"ingest": 0, "sources": 0}  # the most messages waiting in each queue

    def count() -> int:
        for queue_name in depths:
            depths[queue_name] = max(depths[queue_name], int(broker.llen(queue_name)))  # type: ignore[arg-type]
        try:
            return int(es.count(index=settings.read_alias)["count"])  # what a search sees (refresh 1 s)
        except Exception:  # the alias appears with the first write
            return 0

    try:
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and len(page_times(sites, since)) < expected:
            time.sleep(1.0)
            searchable.append((time.time() - since, count()))
        # Then until every article is searchable (or a minute more): the indexing side keeping pace.
        settle = min(deadline, time.monotonic() + 60)
        while time.monotonic() < settle:
            indexed = count()
            searchable.append((time.time() - since, indexed))
            if indexed >= expected:
                all_indexed_at = time.time()
                break
            time.sleep(1.0)
    finally:
        cpu = session_cpu(workers.pid)
        check = articles_check(es, settings, sites, args.feeds_per_host, args.items)
        for process in (beat, workers):
            process.terminate()
        for process in (beat, workers):
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:  # leave no worker behind to take the next run's tasks
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        for name in es.indices.get(index=f"{settings.read_alias}-*"):  # the Elasticsearch is shared
            es.indices.delete(index=name)
        es.options(ignore_status=404).indices.delete_index_template(name=settings.read_alias)
    times = page_times(sites, since)
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0  # first to last page: polls come before pages
    report("workers", len(times), span, args.hosts * args.rate, sites, since)
    for line in budget_use(sites, since, args.rate) + host_finish(sites, since, args.rate):
        print(line)
    if os.environ.get("CRAWL_LOG_DIR"):
        dump_requests(sites, since, Path(os.environ["CRAWL_LOG_DIR"]) / "requests.tsv")
    print("most messages waiting: " + ", ".join(f"{q} {n}" for q, n in depths.items()))
    print("worker CPU seconds: " + ", ".join(f"{q} {n:.1f}" for q, n in sorted(cpu.items())))
    print(check)
    peak, _ = politeness(sites, since)
    done = f"all searchable {all_indexed_at - since:.1f}s after start" if all_indexed_at else "not all searchable"
    print(f"articles searchable: {indexed} of {expected} ({done}); worker log: {log.name}")
    print(searchable_report(searchable, expected, times[-1] - since if times else 0.0))
    once = check.startswith(f"articles: {expected} indexed") and " 0 not a farm story, 0 missing" in check
    return len(times) >= expected and peak <= max(1, int(args.rate)) and once


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--feeds-per-host", type=int, default=10)
    parser.add_argument("--items", type=int, default=3, help="new items per feed")
    parser.add_argument("--rate", type=float, default=1.0, help="budget, requests per second per host")
    parser.add_argument("--batching", choices=["mixed", "per-feed"], default="mixed")
    parser.add_argument("--batch", type=int, default=100, help="items per batch (mixed)")
    parser.add_argument("--tasks", type=int, default=4, help="batches fetched at once")
    parser.add_argument("--max-wait", type=float, default=20.0, help="horizon of one fetch_pages call, seconds")
    parser.add_argument("--e2e", action="store_true", help="crawl with worker processes (see above)")
    parser.add_argument("--worker-cmd", default=f"{sys.executable} -m worker.cli worker")
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args()
    os.environ["NEWSWORKER_HOST_RATE"] = str(args.rate)
    get_settings.cache_clear()
    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url)
    client.flushdb()
    print(f"farm: {args.hosts} hosts x {args.feeds_per_host} feeds x {args.items} items, budget {args.rate:g}/s/host")
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        sites = [stack.enter_context(serve()) for _ in range(args.hosts)]
        for h, site in enumerate(sites):
            route_site(site, h, args.feeds_per_host, args.items)
        ok = end_to_end(args, sites, settings, tmp) if args.e2e else in_process(args, sites, settings, client)
    print("OK" if ok else "NOT OK")
    client.flushdb()
    if _OWN_BROKER:  # the workers are gone: what they left unfinished must not reach the next run
        redis.Redis.from_url(settings.broker_url).flushdb()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
