"""The dedup batch lock under two workers: each process decides one article at a time (`decide_batch`), then
spends ~70 ms of CPU as the tag stage would, as two worker processes running one-article tasks do. Prints the
dedup call's wall time per task, with the lock polled as `worker.dedup.held` does and, alternated, with
redis-py's own blocking lock (a fixed 0.1-s poll, what the dedup used before 2026-12-01).

    .venv/bin/python -m bench.dedup_lock [--calls 120] [--rounds 2] [--redis redis://127.0.0.1:6379/9]

The Redis database given is flushed.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import statistics
import time
from collections.abc import Iterator
from typing import Any

import redis

from bench.suite import corpus, raw_items
from worker import dedup
from worker.config import get_settings
from worker.pipeline import normalise_items


@contextlib.contextmanager
def redis_py_lock(client: redis.Redis, name: str, *, wait: float) -> Iterator[None]:
    with client.lock(name, timeout=dedup.LOCK_TIMEOUT, blocking_timeout=wait):
        yield


def spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def child(url: str, poll: str, articles: list[Any], work: float, out: Any) -> None:
    if poll == "redis-py 0.1 s":
        dedup.held = redis_py_lock
    index = dedup.DedupIndex(redis.Redis.from_url(url), threshold=0.6, window_days=14, prefix="bench:dedup-lock")
    signatures = [dedup.article_fingerprint(a) for a in articles]
    took = []
    for article, signature in zip(articles, signatures, strict=True):
        start = time.perf_counter()
        index.decide_batch([article], [signature])
        took.append(time.perf_counter() - start)
        spin(work)
    out.put(took)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=120, help="articles per process")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=float, default=0.07, help="CPU seconds per task besides the dedup")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args(argv)
    articles = normalise_items(raw_items(corpus(2 * args.calls), "dedup-lock"), get_settings()).articles
    client = redis.Redis.from_url(args.redis)
    context = multiprocessing.get_context("fork")
    for round_ in range(args.rounds):
        for poll in ("held", "redis-py 0.1 s"):
            client.flushdb()
            out = context.Queue()
            procs = [context.Process(target=child, args=(args.redis, poll, articles[k::2], args.work, out))
                     for k in range(2)]  # fmt: skip
            for p in procs:
                p.start()
            ms = sorted(1000 * t for t in out.get() + out.get())
            for p in procs:
                p.join()
            slow = [t for t in ms if t > 20]
            p95, p99 = ms[int(0.95 * len(ms))], ms[int(0.99 * len(ms))]
            print(f"round {round_} {poll:<15} {len(ms)} calls: dedup ms p50 {ms[len(ms) // 2]:.1f} p95 {p95:.1f} "
                  f"p99 {p99:.1f} max {ms[-1]:.1f} mean {statistics.fmean(ms):.2f}; over 20 ms: {len(slow)} "
                  f"({sum(slow):.0f} ms)", flush=True)  # fmt: skip
    client.flushdb()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
