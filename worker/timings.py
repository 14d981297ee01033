"""Histograms of enqueue->indexed latency and of the time each pipeline stage takes, shared by every worker
process on every host.

Why Redis counters and not prometheus-client's multiprocess mode: multiprocess mode shares a directory of
mmap files between the processes of one host, but the API that serves /metrics runs in another process,
often another container or host, than the workers. Like every other fleet metric here, the observations are
kept in Redis (one hash per histogram: a counter per bucket, `sum` and `count`) and turned into
prometheus-client histogram families by the API's collector at scrape time; one scrape of any API instance
then describes the whole fleet.

Stage time is measured where the stage runs (`timed`, a hook in worker/pipeline.py) and kept in the process
until the task ends; the `task_postrun` handler in worker/app.py writes it, with the batch's latency, in one
Redis round trip.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from prometheus_client.core import HistogramMetricFamily

STAGES = ("normalise", "dedup", "tag", "index")
# Seconds. Latency spans a quiet queue (sub-second) to a backlog after an outage (hours).
LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 14400.0)
# Seconds per stage for one batch (a batch is up to bulk_batch_size items).
STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
ENQUEUED_AT = "enqueued_at"  # the message header stamped at publish time (worker/app.py)

_local = threading.local()  # the sources worker runs tasks in threads: each keeps its own stage times


def _pending() -> list[tuple[str, float]]:
    if not hasattr(_local, "stages"):
        _local.stages = []
    return _local.stages


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Measure a stage (as `with timed('tag'):` or as a decorator); kept until `take_stage_times`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        _pending().append((stage, time.perf_counter() - start))


def take_stage_times() -> list[tuple[str, float]]:
    """The stage times measured in this thread since the last call, and forget them."""
    taken = list(_pending())
    _pending().clear()
    return taken


def bucket_index(buckets: tuple[float, ...], value: float) -> int:
    """Index of the first bucket whose upper bound holds `value`; len(buckets) is +Inf."""
    for index, bound in enumerate(buckets):
        if value <= bound:
            return index
    return len(buckets)


class Histograms:
    """The fleet's histograms in Redis: `{prefix}:hist:latency` and `{prefix}:hist:stage:{stage}`."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.latency_key = f"{prefix}:hist:latency"
        self.stage_prefix = f"{prefix}:hist:stage:"

    @staticmethod
    def _observe(pipe: Any, key: str, buckets: tuple[float, ...], value: float, count: int = 1) -> None:
        pipe.hincrby(key, str(bucket_index(buckets, value)), count)
        pipe.hincrbyfloat(key, "sum", value * count)
        pipe.hincrby(key, "count", count)

    def record(self, stage_times: list[tuple[str, float]], latency: float | None = None, items: int = 0) -> None:
        """One round trip: each stage time once, and `latency` once per indexed item (they were enqueued
        together and indexed together)."""
        if not stage_times and not (latency is not None and items):
            return
        pipe = self.client.pipeline(transaction=False)
        for stage, seconds in stage_times:
            self._observe(pipe, self.stage_prefix + stage, STAGE_BUCKETS, seconds)
        if latency is not None and items:
            self._observe(pipe, self.latency_key, LATENCY_BUCKETS, max(latency, 0.0), items)
        pipe.execute()

    def _read(self, key: str, buckets: tuple[float, ...]) -> tuple[list[tuple[str, float]], float]:
        raw = {k.decode(): v.decode() for k, v in self.client.hgetall(key).items()}  # type: ignore[union-attr]
        cumulative, rows = 0, []
        for index, bound in enumerate((*buckets, float("inf"))):
            cumulative += int(raw.get(str(index), 0))
            rows.append(("+Inf" if bound == float("inf") else repr(bound), float(cumulative)))
        return rows, float(raw.get("sum", 0.0))

    def families(self) -> Iterator[HistogramMetricFamily]:
        """The histograms as prometheus-client families (every stage present, zero until observed)."""
        latency = HistogramMetricFamily(
            "newsworker_enqueue_to_indexed_seconds",
            "Seconds from an item's enqueueing to its article being indexed, per indexed article.",
        )
        rows, total = self._read(self.latency_key, LATENCY_BUCKETS)
        latency.add_metric([], rows, sum_value=total)
        yield latency
        stages = HistogramMetricFamily(
            "newsworker_stage_seconds", "Seconds a pipeline stage takes for one batch.", labels=["stage"]
        )
        for stage in STAGES:
            rows, total = self._read(self.stage_prefix + stage, STAGE_BUCKETS)
            stages.add_metric([stage], rows, sum_value=total)
        yield stages


def latency_since(enqueued_at: Any, now: float | None = None) -> float | None:
    """Seconds since a message's `enqueued_at` header (None when the message has none or it is garbage)."""
    try:
        stamp = float(enqueued_at)
    except (TypeError, ValueError):
        return None
    return (time.time() if now is None else now) - stamp
