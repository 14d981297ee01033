"""Cost of monitoring: 1,000 saved searches against the ingest stream (in process, and end to end through
Celery), webhook deliveries per second to a local receiver, one baseline check over 1,000 sources with 8
weeks of history, and background export throughput.

    .venv/bin/python -m bench.alerts [--articles 400] [--alerts 1000] [--repeats 5] [--sources 1000]
        [--only matching|celery|webhooks|baselines|export] [--export-articles 30000]

Needs Redis and Elasticsearch (`newsworker services up`); uses its own index prefix and removes it after
(Redis: the NEWSWORKER_* URLs, default databases 8-10 of the local Redis; `celery` flushes them).
Medians over the repeats. The in-process comparison (`matching`): normalise + tag (`process_items`) and
bulk indexing (`index_articles`, forced rewrite) with and without matching the batch against the saved
searches. The Celery comparison (`celery`): the same corpus enqueued in batches of 50 to a real ingest
worker (prefork, models preloaded), timed from the first enqueue until every article is searchable, with 0
and with --alerts saved searches, alternating within each repeat; it also reads the worker processes' CPU
time from /proc. Export (`export`): a background export job (`worker.export_jobs.run_slice`) over an index
filled with bench/search.py's generator, against the synchronous export (`iter_matches` + `export_lines`)
of the same query in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RUN = uuid.uuid4().hex[:8]
os.environ.setdefault("NEWSWORKER_INDEX_PREFIX", f"nwbench-{RUN}")
os.environ.setdefault("NEWSWORKER_BROKER_URL", "redis://127.0.0.1:6379/8")
os.environ.setdefault("NEWSWORKER_RESULT_BACKEND", "redis://127.0.0.1:6379/9")
os.environ.setdefault("NEWSWORKER_REDIS_URL", "redis://127.0.0.1:6379/10")

import redis  # noqa: E402

from bench.suite import corpus, raw_items  # noqa: E402
from worker.alerts.baselines import assess_all, check, window_counts  # noqa: E402
from worker.alerts.delivery import post_webhook  # noqa: E402
from worker.alerts.matcher import MatcherIndex  # noqa: E402
from worker.alerts.matching import CompiledAlerts, match_articles  # noqa: E402
from worker.alerts.store import Alert  # noqa: E402
from worker.article import Article  # noqa: E402
from worker.config import get_settings  # noqa: E402
from worker.index.store import connect, index_articles, setup_index  # noqa: E402
from worker.pipeline import process_items  # noqa: E402
from worker.sources.http import PoliteClient  # noqa: E402


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def saved_searches(articles: list[Article], n: int, rng: random.Random) -> list[Alert]:
    """Queries of the shapes people save, built from the corpus's own words, entities and topics."""
    words = sorted({w.strip(".,:;\"'()").lower() for a in articles for w in a.title.split() if len(w) > 4} - {""})
    entities = sorted({e.text for a in articles for e in a.entities if '"' not in e.text})
    topics = sorted({t.code for a in articles for t in a.topics})
    titles = [a.title.split() for a in articles if len(a.title.split()) >= 3]
    alerts = []
    for i in range(n):
        shape = rng.random()
        if shape < 0.25:
            query = " ".join(rng.sample(words, rng.choice((1, 2))))
        elif shape < 0.45:
            query = "(" + " OR ".join(rng.sample(words + entities[:50], rng.randint(2, 4))).replace("(", "") + ")"
            query = query if all(c not in query[1:-1] for c in "()") else rng.choice(words)
        elif shape < 0.6:
            title = rng.choice(titles)
            start = rng.randrange(len(title) - 1)
            query = '"' + " ".join(w.replace('"', "") for w in title[start : start + 2]) + '"'
        elif shape < 0.72 and entities:
            query = f'entity:"{rng.choice(entities)}"' + (f" {rng.choice(words)}" if rng.random() < 0.3 else "")
        elif shape < 0.84 and topics:
            query = f"topic:{rng.choice(topics)} {rng.choice(words)}"
        elif shape < 0.94:
            query = f"{rng.choice(words)[:5]}* {rng.choice(words)}"
        else:
            query = f"{rng.choice(words)} -{rng.choice(words)}"
        lang = [rng.choice(("nl", "en"))] if rng.random() < 0.3 else []
        alerts.append(Alert(name=f"bench-{i}", query=query, lang=lang, webhook="http://127.0.0.1/"))
    return alerts


def bench_matching(args: argparse.Namespace, es: Any, settings: Any) -> None:
    items = raw_items(corpus(args.articles), f"bench-alerts-{RUN}")
    articles = process_items(items, settings).articles
    rng = random.Random(7)
    alerts = saved_searches(articles, args.alerts, rng)
    compiled = CompiledAlerts.of(alerts)
    brute = CompiledAlerts(0, compiled.alerts, MatcherIndex([None] * len(compiled.alerts)))
    print(f"\n== saved searches: {len(compiled.alerts)} compiled of {len(alerts)}, {len(articles)} articles; "
          f"{len(compiled.index.always)} without anchors")  # fmt: skip
    tag_t, index_t, match_t, brute_t, matches = [], [], [], [], 0
    for _ in range(args.repeats):
        seconds, processed = timed(process_items, items, settings)
        tag_t.append(seconds)
        index_t.append(timed(index_articles, es, settings, processed.articles, force=True)[0])
        seconds, deliveries = timed(match_articles, compiled, processed.articles)
        match_t.append(seconds)
        matches = len(deliveries)
        seconds, every = timed(match_articles, brute, processed.articles)
        brute_t.append(seconds)
        assert len(every) == matches, "the anchor index changed the matches"
    n = len(articles)
    tag, index, match = (statistics.median(t) for t in (tag_t, index_t, match_t))
    without, with_alerts = n / (tag + index), n / (tag + index + match)
    print(f"matches per batch: {matches} ({matches / n:.2f} per article)")
    print(f"median per article: normalise+tag {1000 * tag / n:.2f} ms, index {1000 * index / n:.2f} ms, "
          f"match {len(compiled.alerts)} alerts {1000 * match / n:.3f} ms "
          f"(every alert on every article: {1000 * statistics.median(brute_t) / n:.3f} ms)")  # fmt: skip
    print(f"in-process ingest rate: {without:.1f} articles/s without alerts, {with_alerts:.1f} with "
          f"({100 * (without - with_alerts) / without:.1f} % slower)")  # fmt: skip


def reset_index(es: Any, settings: Any) -> None:
    generations = list(es.indices.get(index=f"{settings.read_alias}-*", ignore_unavailable=True).body)
    if generations:
        es.indices.delete(index=",".join(generations))
    setup_index(es, settings)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and their children (the prefork pool), from /proc."""
    from bench.suite import children

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in {p for root in pids for p in (root, *children(root))}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def bench_celery(args: argparse.Namespace, es: Any, settings: Any, client: redis.Redis) -> None:
    """End to end through Celery (enqueue -> broker -> worker -> indexed and searchable), the same corpus
    with 0 and with `--alerts` saved searches, alternating in each repeat so a slow phase of the shared
    machine hits both alike."""
    from bench.suite import Bench
    from worker.alerts.store import AlertStore
    from worker.app import INGEST_ITEMS, enqueue

    bench = Bench(argparse.Namespace(articles=args.articles, repeats=args.repeats))
    bench.flush_redis()
    reset_index(es, settings)
    sample = process_items(raw_items(bench.docs[:100], f"vocab-{RUN}"), settings).articles
    alerts = saved_searches(sample, args.alerts, random.Random(7))
    store = AlertStore(client, settings.index_prefix)
    pids = bench.start_workers(["ingest"], args.processes, dict(os.environ))
    runs: dict[int, list[tuple[float, float]]] = {0: [], len(alerts): []}

    def use_alerts(n: int) -> None:
        for alert in store.all():
            store.remove(alert.name)
        for alert in alerts[:n]:
            store.add(alert, replace=True)
        # warm-up batch: the worker recompiles its matchers on the version change, outside the timing
        warm = raw_items(bench.docs[-2:], f"warm-{n}-{RUN}-{time.monotonic_ns()}")
        enqueue(INGEST_ITEMS, [i.model_dump(mode="json") for i in warm]).get(timeout=600)

    def count(source: str) -> int:
        return int(es.count(index=settings.read_alias, query={"term": {"source": source}})["count"])

    try:
        for rep in range(args.repeats):
            for n in (0, len(alerts)) if rep % 2 == 0 else (len(alerts), 0):
                use_alerts(n)
                source = f"celery-{n}-{rep}-{RUN}"
                payloads = [i.model_dump(mode="json") for i in raw_items(bench.docs, source)]
                cpu, start = cpu_seconds(pids), time.perf_counter()
                for k in range(0, len(payloads), 50):
                    enqueue(INGEST_ITEMS, payloads[k : k + 50])
                deadline = time.monotonic() + 1800
                while count(source) < len(payloads) and time.monotonic() < deadline:
                    time.sleep(0.05)
                runs[n].append((time.perf_counter() - start, cpu_seconds(pids) - cpu))
    finally:
        bench.stop_workers()
        # the matches' deliveries wait on the sources queue, which no worker of this bench consumes: drop them
        # with the rest of the run's broker state rather than leave them to the next worker on these databases
        bench.flush_redis()
    n_docs = len(bench.docs)
    print(f"\n== end to end through Celery: {n_docs} articles, batches of 50, {args.processes} ingest process(es), "
          f"{args.repeats} repeats alternating")  # fmt: skip
    rates, cpus = {}, {}
    for n, samples in runs.items():
        rates[n] = statistics.median(n_docs / s for s, _ in samples)
        per_article = [1000 * c / n_docs for _, c in samples]
        cpus[n] = statistics.median(per_article)
        print(f"{n:>5} saved searches: median {rates[n]:.1f} articles/s "
              f"(min {min(n_docs / s for s, _ in samples):.1f}, max {max(n_docs / s for s, _ in samples):.1f}); "
              f"worker CPU {cpus[n]:.1f} ms per article "
              f"(min {min(per_article):.1f}, max {max(per_article):.1f})")  # fmt: skip
    without, with_alerts = rates[0], rates[len(alerts)]
    print(f"with / without: articles/s {with_alerts / without:.3f} ({100 * (without - with_alerts) / without:.1f} % "
          f"slower); worker CPU per article {cpus[len(alerts)] / cpus[0]:.3f}")  # fmt: skip


def bench_export(args: argparse.Namespace, es: Any, settings: Any, client: redis.Redis) -> None:
    """A background export job against the synchronous export of the same query, same run, same index."""
    import shutil
    import tempfile

    from bench.search import load
    from worker.export import export_lines
    from worker.export_jobs import ExportJobs, run_slice
    from worker.search import SearchQuery, iter_matches

    reset_index(es, settings)
    seconds = load(es, settings, args.export_articles)
    print(f"\n== background export: {args.export_articles} articles indexed in {seconds:.0f} s "
          f"(bench/search.py's generator)")  # fmt: skip
    directory = Path(tempfile.mkdtemp(prefix="nwbench-exports-"))
    local = settings.model_copy(update={"export_dir": directory, "export_slice_seconds": 3600.0})
    jobs = ExportJobs(client, local)
    shapes = {"default fields, jsonl": ("jsonl", None), "default fields, csv": ("csv", None),
              "all fields (body), jsonl": ("jsonl", "id,url,source,title,published_at,language,authors,word_count,"
                                          "topics,entities,keywords,dup_group,body,ingested_at")}  # fmt: skip
    try:
        for name, (fmt, fields) in shapes.items():
            job_t, sync_t, job_cpu, sync_cpu, size = [], [], [], [], 0
            for _ in range(args.repeats):
                sent: list[str] = []
                cpu, start = time.process_time(), time.perf_counter()
                job = jobs.create(SearchQuery(sort="date"), fmt, fields, lambda _job, task: sent.append(task))  # noqa: B023
                outcome = run_slice(es, jobs, job.id, sent[-1])
                job_t.append(time.perf_counter() - start)
                job_cpu.append(time.process_time() - cpu)
                assert outcome.state == "done" and outcome.written == args.export_articles, outcome
                size = jobs.get(job.id).size or 0
                Path(job.path).unlink()
                chosen = jobs.get(job.id).fields
                cpu, start = time.process_time(), time.perf_counter()
                rows = iter_matches(es, settings, SearchQuery(sort="date"), source=list(chosen))
                with open(os.devnull, "w") as out:
                    for chunk in export_lines(rows, chosen, fmt):
                        out.write(chunk)
                sync_t.append(time.perf_counter() - start)
                sync_cpu.append(time.process_time() - cpu)
            n = args.export_articles
            print(f"{name}: job median {n / statistics.median(job_t):,.0f} articles/s, client CPU "
                  f"{1e6 * statistics.median(job_cpu) / n:.0f} µs/article, file {size / 1e6:.1f} MB gzip; "
                  f"synchronous export {n / statistics.median(sync_t):,.0f} articles/s, "
                  f"{1e6 * statistics.median(sync_cpu) / n:.0f} µs/article; job / sync time "
                  f"{statistics.median(job_t) / statistics.median(sync_t):.2f}")  # fmt: skip
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class Receiver:
    def __init__(self) -> None:
        self.count = 0
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                with lock:
                    outer.count += 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def bench_webhooks(args: argparse.Namespace, settings: Any, client: redis.Redis) -> None:
    receiver = Receiver()
    polite = PoliteClient(settings.model_copy(update={"allow_private_networks": ["127.0.0.0/8"]}), client)
    payload = {"kind": "article", "delivery_id": "x" * 32, "alert": {"name": "bench", "query": "storm"},
               "article": {"id": "a" * 64, "title": "Storm op komst", "url": "https://example.org/a",
                           "source": "example.org", "language": "nl", "published_at": "2026-11-30"}}  # fmt: skip
    n = args.deliveries
    print(f"\n== webhook deliveries to a local receiver ({n} per repeat, signed, through PoliteClient)")
    for threads in (1, 8):
        rates = []
        for _ in range(args.repeats):
            def send(i: int) -> int:
                return post_webhook(polite, receiver.url, {**payload, "delivery_id": f"{i:032d}"}, "secret")

            with ThreadPoolExecutor(threads) as pool:
                seconds, _ = timed(lambda: list(pool.map(send, range(n))))
            rates.append(n / seconds)
        print(f"{threads} thread(s): median {statistics.median(rates):.0f} deliveries/s "
              f"(min {min(rates):.0f}, max {max(rates):.0f})")  # fmt: skip
    receiver.server.shutdown()


def bench_baselines(args: argparse.Namespace, es: Any, settings: Any, client: redis.Redis) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    rng = random.Random(11)
    weeks, window = settings.baseline_weeks, timedelta(hours=settings.baseline_window_hours)
    articles: list[Article] = []
    for s in range(args.sources):
        source = f"source-{s:04d}.example"
        rate = rng.choice((0.2, 0.5, 1, 2, 4))  # articles an hour
        for week in range(weeks + 1):  # the windows the check compares, with Poisson-ish noise
            for i in range(max(0, int(rng.gauss(rate * 6, (rate * 6) ** 0.5)))):
                at = now - timedelta(weeks=week) - window * rng.random()
                articles.append(_doc(source, f"{week}-{i}", at))
        for i in range(args.background):  # the rest of the 8 weeks
            articles.append(_doc(source, f"bg-{i}", now - timedelta(weeks=weeks) * rng.random()))
    seconds, _ = timed(_index_all, es, settings, articles)
    es.indices.refresh(index=settings.read_alias)
    print(f"\n== baselines: {args.sources} sources, {weeks} weeks, {len(articles)} articles "
          f"(indexed in {seconds:.0f} s)")  # fmt: skip
    query_t, assess_t, check_t = [], [], []
    for _ in range(args.repeats):
        seconds, (counts, first) = timed(window_counts, es, settings, now)
        query_t.append(seconds)
        assess_t.append(timed(assess_all, counts, first, settings, now)[0])
        check_t.append(timed(check, es, client, settings, now)[0])
    verdicts, _ = check(es, client, settings, now)
    status: dict[str, int] = {}
    for v in verdicts:
        status[v.status] = status.get(v.status, 0) + 1
    search_ms, model_ms = 1000 * statistics.median(query_t), 1000 * statistics.median(assess_t)
    print(f"median: search {search_ms:.0f} ms, model {model_ms:.0f} ms, whole check with Redis state "
          f"{1000 * statistics.median(check_t):.0f} ms; verdicts {status}")  # fmt: skip


def _doc(source: str, key: str, at: datetime) -> Article:
    digest = f"{source}|{key}"
    return Article(id=digest, source=source, title=key, body="x", content_hash=digest, ingested_at=at)


def _index_all(es: Any, settings: Any, articles: list[Article]) -> None:
    for i in range(0, len(articles), 2000):
        index_articles(es, settings, articles[i : i + 2000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--background", type=int, default=20, help="articles per source outside the windows")
    parser.add_argument("--processes", type=int, default=1, help="ingest worker processes (celery)")
    parser.add_argument("--export-articles", type=int, default=30_000, help="articles the export bench indexes")
    parser.add_argument("--only", choices=("matching", "celery", "webhooks", "baselines", "export"))
    args = parser.parse_args()
    settings = get_settings()
    es = connect(settings)
    client = redis.Redis.from_url(settings.redis_url)
    reset_index(es, settings)
    try:
        if args.only in (None, "matching"):
            bench_matching(args, es, settings)
        if args.only in (None, "celery"):
            bench_celery(args, es, settings, client)
        if args.only in (None, "export"):
            bench_export(args, es, settings, client)
        if args.only in (None, "webhooks"):
            bench_webhooks(args, settings, client)
        if args.only in (None, "baselines"):
            reset_index(es, settings)
            bench_baselines(args, es, settings, client)
    finally:
        generations = list(es.indices.get(index=f"{settings.read_alias}-*").body)
        if generations:
            es.indices.delete(index=",".join(generations))
        es.indices.delete_index_template(name=settings.read_alias)
        for key in client.scan_iter(f"{settings.index_prefix}:*"):
            client.delete(key)


if __name__ == "__main__":
    main()
