"""Source-volume baselines: is a source publishing about as much as it usually does at this hour of the week?

Model (per source, checked every `baseline_check_every` seconds by beat):
- observed `x`: articles of the source written to the index (`ingested_at`) in the last `baseline_window_hours`;
- history: the same hours of the week in each of the previous `baseline_weeks` weeks (so a Monday-morning
  window is compared with Monday mornings, a Sunday night with Sunday nights), counting only weeks after the
  source's first article; fewer than `baseline_min_weeks` such weeks -> `learning`, never an alert;
- with `m`, `s` the mean and standard deviation of those weekly counts, the band is Poisson around
  `m ± 2s` (the weeks' own spread widens it for sources busier some weeks than others; pure Poisson
  would flag every busy news day): **silent** when P(X ≤ x | Poisson(max(m − 2s, 0))) < `baseline_alpha`,
  **flood** when P(X ≥ x | Poisson(max(m + 2s, 0.5))) < `baseline_alpha`.
With the defaults (6-hour window, α = 0.001) a source averaging 1.2 articles an hour or more is called
silent after six empty hours, and a source that usually sends 10 articles in the window is a flood at 30
(when its weeks agree). One Elasticsearch request (filters × terms aggregation) serves every source.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

import redis
from elasticsearch import Elasticsearch

from worker.config import Settings

Status = Literal["ok", "silent", "flood", "learning"]
MIN_FLOOD_RATE = 0.5


def poisson_cdf(k: int, lam: float) -> float:
    """P(X ≤ k) for X ~ Poisson(lam)."""
    if k < 0:
        return 0.0
    if lam <= 0:
        return 1.0
    term = math.exp(-lam)
    if term == 0.0:  # large lam: sum in log space
        log_term = -lam
        total = 0.0
        for i in range(k + 1):
            if i:
                log_term += math.log(lam) - math.log(i)
            total += math.exp(log_term)
        return min(total, 1.0)
    total = term
    for i in range(1, k + 1):
        term *= lam / i
        total += term
    return min(total, 1.0)


def poisson_sf(k: int, lam: float) -> float:
    """P(X ≥ k)."""
    return 1.0 - poisson_cdf(k - 1, lam) if k > 0 else 1.0


def poisson_quantile(p: float, lam: float) -> int:
    """The smallest k with P(X ≤ k) ≥ p."""
    k = 0
    while poisson_cdf(k, lam) < p and k < 100_000:
        k += 1
    return k


@dataclass(frozen=True)
class Verdict:
    source: str
    status: Status
    observed: int
    expected: float
    low: int
    high: int
    weeks: int
    reason: str = ""

    @property
    def degraded(self) -> bool:
        return self.status in ("silent", "flood")


def assess(source: str, observed: int, history: Sequence[int], *, min_weeks: int, alpha: float,
           window_hours: float) -> Verdict:  # fmt: skip
    """The verdict for one source from its window count and the same window's counts in previous weeks."""
    if len(history) < min_weeks:
        return Verdict(source, "learning", observed, 0.0, 0, 0, len(history),
                       f"{len(history)} of {min_weeks} weeks of history")  # fmt: skip
    mean = statistics.fmean(history)
    spread = statistics.pstdev(history) if len(history) > 1 else 0.0
    low_rate, high_rate = max(mean - 2 * spread, 0.0), max(mean + 2 * spread, MIN_FLOOD_RATE)
    low, high = poisson_quantile(alpha, low_rate), poisson_quantile(1 - alpha, high_rate)
    why = f"{observed} article(s) in the last {window_hours:g} h, expected {mean:.1f} (band {low}-{high})"
    if observed < mean and poisson_cdf(observed, low_rate) < alpha:
        return Verdict(source, "silent", observed, mean, low, high, len(history), why)
    if observed > mean and poisson_sf(observed, high_rate) < alpha:
        return Verdict(source, "flood", observed, mean, low, high, len(history), why)
    return Verdict(source, "ok", observed, mean, low, high, len(history))


def window_counts(es: Elasticsearch, settings: Settings,
                  now: datetime) -> tuple[dict[str, list[int]], dict[str, datetime]]:  # fmt: skip
    """Per source: article counts of the window ending `now` and of the same window 1..N weeks earlier
    (index 0 is now), and each source's first article. One search."""
    window = timedelta(hours=settings.baseline_window_hours)
    size = settings.baseline_max_sources
    aggs: dict[str, Any] = {
        "first": {"terms": {"field": "source", "size": size}, "aggs": {"at": {"min": {"field": "ingested_at"}}}},
    }
    for week in range(settings.baseline_weeks + 1):
        end = now - timedelta(weeks=week)
        aggs[f"w{week}"] = {
            "filter": {"range": {"ingested_at": {"gte": (end - window).isoformat(), "lt": end.isoformat()}}},
            "aggs": {"sources": {"terms": {"field": "source", "size": size}}},
        }
    response = es.search(index=settings.read_alias, size=0, aggs=aggs)
    result = response["aggregations"]
    first = {
        str(b["key"]): datetime.fromisoformat(b["at"]["value_as_string"].replace("Z", "+00:00"))
        for b in result["first"]["buckets"]
    }
    counts: dict[str, list[int]] = {source: [0] * (settings.baseline_weeks + 1) for source in first}
    for week in range(settings.baseline_weeks + 1):
        for bucket in result[f"w{week}"]["sources"]["buckets"]:
            counts.setdefault(str(bucket["key"]), [0] * (settings.baseline_weeks + 1))[week] = bucket["doc_count"]
    return counts, first


def assess_all(counts: dict[str, list[int]], first: dict[str, datetime], settings: Settings,
               now: datetime) -> list[Verdict]:  # fmt: skip
    window = timedelta(hours=settings.baseline_window_hours)
    verdicts = []
    for source, series in sorted(counts.items()):
        start = first.get(source, now)
        # A past week counts only when the source already existed for that whole window.
        history = [series[w] for w in range(1, len(series)) if now - timedelta(weeks=w) - window >= start]
        verdicts.append(assess(source, series[0], history, min_weeks=settings.baseline_min_weeks,
                               alpha=settings.baseline_alpha, window_hours=settings.baseline_window_hours))  # fmt: skip
    return verdicts


class BaselineState:
    """The latest verdict per source in Redis, read by /health and /metrics; `record` returns the sources whose
    status became silent or flood (the ones to announce)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.key = f"{prefix}:baselines"
        self.checked_key = f"{prefix}:baselines:checked_at"

    def record(self, verdicts: Sequence[Verdict], now: datetime) -> list[tuple[Verdict, str]]:
        """Store the verdicts; (verdict, episode start) for each source that just turned degraded."""
        previous = self.all()
        changed: list[tuple[Verdict, str]] = []
        pipe = self.redis.pipeline()
        for verdict in verdicts:
            before = previous.get(verdict.source, {})
            since = before.get("since") if before.get("status") == verdict.status else now.isoformat()
            if verdict.degraded and before.get("status") != verdict.status:
                changed.append((verdict, str(since)))
            pipe.hset(self.key, verdict.source, json.dumps({**asdict(verdict), "since": since}))
        gone = set(previous) - {v.source for v in verdicts}
        if gone:
            pipe.hdel(self.key, *gone)
        pipe.set(self.checked_key, now.isoformat())
        pipe.execute()
        return changed

    def all(self) -> dict[str, dict[str, Any]]:
        raw = cast(dict[bytes, bytes], self.redis.hgetall(self.key))
        return {k.decode(): json.loads(v) for k, v in sorted(raw.items())}

    def checked_at(self) -> str | None:
        value = cast(bytes | None, self.redis.get(self.checked_key))
        return value.decode() if value else None


def check(es: Elasticsearch, client: redis.Redis, settings: Settings,
          now: datetime | None = None) -> tuple[list[Verdict], list[tuple[Verdict, str]]]:  # fmt: skip
    """One near-real-time check of every source: verdicts, and the sources that just turned degraded."""
    now = now or datetime.now(UTC)
    counts, first = window_counts(es, settings, now)
    verdicts = assess_all(counts, first, settings, now)
    return verdicts, BaselineState(client, settings.index_prefix).record(verdicts, now)


def source_health(client: redis.Redis, prefix: str) -> dict[str, Any]:
    """For /health: degraded sources with their reasons, and how many are ok or still learning."""
    state = BaselineState(client, prefix)
    verdicts = state.all()
    degraded = {s: f"{v['status']}: {v['reason']}" for s, v in verdicts.items() if v["status"] in ("silent", "flood")}
    counts = {status: sum(1 for v in verdicts.values() if v["status"] == status) for status in ("ok", "learning")}
    return {"checked_at": state.checked_at(), "degraded": degraded, **counts}
