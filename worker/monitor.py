"""What the monitoring panels of the dashboard read: failing feeds, saved searches with their recent matches,
sources outside their volume baseline, enrichment coverage. Plain functions over Redis and Elasticsearch,
served by `worker/api.py` under `/monitor/*` (read scope).

Nothing here holds a secret: alerts are shown by name, query and filters, never with their webhook or secret
(those stay behind the write scope of `/alerts`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from elasticsearch import BadRequestError, Elasticsearch

from worker.alerts.baselines import BaselineState
from worker.alerts.store import Alert, AlertStore
from worker.config import Settings
from worker.coverage import enrichment_coverage
from worker.search import build_query
from worker.sources.registry import FeedRegistry
from worker.sources.schedule import FeedState
from worker.sources.urls import redact_url

DEGRADED = ("silent", "flood")
BASELINE_STATUSES = ("silent", "flood", "ok", "learning")
MATCH_FIELDS = ("id", "title", "url", "source", "published_at", "ingested_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


_URL_IN_TEXT = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.IGNORECASE)


def _feed_row(state: FeedState) -> dict[str, Any]:
    # Read scope sees feeds: a URL's credentials (user:password, ?apikey=) are not for every reader.
    shown = redact_url(state.url)
    error = _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), state.last_error) if state.last_error else None
    return {
        "url": shown,
        "name": state.name or state.title,
        "state": "failing" if state.enabled else "disabled",
        "consecutive_failures": state.consecutive_failures,
        "last_error": error,
        "disabled_reason": state.disabled_reason,
        "failing_since": _iso(state.failing_since),
        "last_ok": _iso(state.last_ok),
        "last_poll": _iso(state.last_poll),
        "next_poll": _iso(state.next_poll) if state.enabled else None,
    }


def failing_feeds(client: redis.Redis, settings: Settings, limit: int) -> dict[str, Any]:
    """Enabled feeds whose latest polls failed (most consecutive failures first), then feeds that were disabled
    (by hand or after failing for good), each with its error and its last successful poll."""
    states = FeedRegistry(client, settings).all()
    failing = sorted((s for s in states if s.enabled and s.consecutive_failures),
                     key=lambda s: (-s.consecutive_failures, s.url))  # fmt: skip
    disabled = sorted((s for s in states if not s.enabled), key=lambda s: s.url)
    rows = [_feed_row(s) for s in [*failing, *disabled][:limit]]
    return {
        "total": len(states),
        "enabled": len(states) - len(disabled),
        "failing": len(failing),
        "disabled": len(disabled),
        "feeds": rows,
    }


def _alert_filter(alert: Alert, since: datetime) -> dict[str, Any]:
    """The alert's query and filters, restricted to articles written since `since`."""
    query = build_query(alert.search_query())
    query["bool"].setdefault("filter", []).append({"range": {"ingested_at": {"gte": since.isoformat()}}})
    return query


def alert_activity(es: Elasticsearch, client: redis.Redis, settings: Settings, *, limit: int, examples: int,
                   now: datetime | None = None) -> dict[str, Any]:  # fmt: skip
    """Each saved search (by name, the first `limit`) with the articles it matched in the last 24 hours and
    7 days and its latest matches. "Matched" is what the worker's matcher saw: articles written to the index
    (`ingested_at`) since the alert exists that its query and filters select (the matcher agrees with
    Elasticsearch on these: tests/integration/test_alerts_matcher.py). Baseline alerts have no query: listed
    without counts.

    One search over the last 7 days' articles with a `filters` bucket per alert (count, last day, top hits):
    an msearch of one search per alert gave the same rows 4x slower for 30 alerts and 7x for 200 (5,000
    articles, alternating runs on the shared test machine, 2026-11-30)."""
    now = now or datetime.now(UTC)
    alerts = AlertStore(client, settings.index_prefix).all()
    shown = alerts[:limit]
    week_ago, day_ago = now - timedelta(days=7), now - timedelta(days=1)
    filters: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for i, alert in enumerate(shown):
        rows.append({"name": alert.name, "kind": alert.kind, "query": alert.query, "lang": alert.lang,
                     "topic": alert.topic, "entity": alert.entity, "created_at": _iso(alert.created_at),
                     "matches_24h": None, "matches_7d": None, "latest": [], "error": None})  # fmt: skip
        if alert.kind != "search":
            continue
        try:
            filters[str(i)] = _alert_filter(alert, max(week_ago, alert.created_at))
        except ValueError as exc:  # saved before a parser change made it invalid: say so, as the matcher does
            rows[i]["error"] = f"does not compile: {exc}"
    if filters:
        per_alert: dict[str, Any] = {"day": {"filter": {"range": {"ingested_at": {"gte": day_ago.isoformat()}}}}}
        if examples:
            newest_first = [{"ingested_at": {"order": "desc"}}, {"id": {"order": "asc"}}]
            per_alert["latest"] = {"top_hits": {"size": examples, "_source": list(MATCH_FIELDS), "sort": newest_first}}
        def counts(chosen: dict[str, Any]) -> dict[str, Any]:
            response = es.search(
                index=settings.read_alias,
                size=0,
                query={"range": {"ingested_at": {"gte": week_ago.isoformat()}}},
                aggs={"alerts": {"filters": {"filters": chosen}, "aggs": per_alert}},
            )
            return dict(response["aggregations"]["alerts"]["buckets"])

        try:
            buckets = counts(filters)
        except BadRequestError:  # one alert's query refused (too many clauses, say): the others still count
            buckets = {}
            for key, one in filters.items():
                try:
                    buckets.update(counts({key: one}))
                except BadRequestError as exc:
                    rows[int(key)]["error"] = f"Elasticsearch refused its query: {exc.message}"
        for key, bucket in buckets.items():
            row = rows[int(key)]
            row["matches_7d"] = bucket["doc_count"]
            row["matches_24h"] = bucket["day"]["doc_count"]
            hits = bucket["latest"]["hits"]["hits"] if examples else []
            row["latest"] = [{k: h["_source"].get(k) for k in MATCH_FIELDS} for h in hits]
    return {"total": len(alerts), "shown": len(shown), "at": now.isoformat(), "alerts": rows}


def degraded_sources(client: redis.Redis, settings: Settings, *, include_all: bool) -> dict[str, Any]:
    """The latest baseline verdicts (worker/alerts/baselines.py, recorded by the beat's check): sources that
    are silent or flooding, with what was observed and the band expected; every source with `include_all`."""
    state = BaselineState(client, settings.index_prefix)
    verdicts = state.all()
    counts = {status: sum(1 for v in verdicts.values() if v.get("status") == status) for status in BASELINE_STATUSES}
    order = {status: n for n, status in enumerate(BASELINE_STATUSES)}
    chosen = [(s, v) for s, v in verdicts.items() if include_all or v.get("status") in DEGRADED]
    chosen.sort(key=lambda sv: (order.get(sv[1].get("status", ""), 9), sv[0]))
    rows = [
        {"source": source, "status": v.get("status"), "observed": v.get("observed"),
         "expected": round(float(v.get("expected", 0.0)), 2), "low": v.get("low"), "high": v.get("high"),
         "weeks": v.get("weeks"), "reason": v.get("reason", ""), "since": v.get("since")}
        for source, v in chosen
    ]  # fmt: skip
    return {
        "checked_at": state.checked_at(),
        "window_hours": settings.baseline_window_hours,
        "counts": counts,
        "sources": rows,
    }


def coverage(es: Elasticsearch, settings: Settings) -> dict[str, Any]:
    """Enrichment coverage as /metrics exposes it (worker/coverage.py), as JSON for the dashboard."""
    return enrichment_coverage(es, settings)
