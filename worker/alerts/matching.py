"""From an indexed batch to webhook deliveries: every saved search's compiled matcher run on the articles the
batch actually wrote (new or changed, not `unchanged`), each match enqueued as one delivery task.

Workers keep the compiled matchers per process and recompile only when the alerts' version counter in
Redis moved (one GET per batch).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis

from worker.alerts.baselines import Verdict
from worker.alerts.delivery import delivery_id
from worker.alerts.matcher import MatcherIndex, Predicate, View, search_anchors, search_matcher
from worker.alerts.store import Alert, AlertStore
from worker.article import Article
from worker.search import resolve_entity

log = logging.getLogger(__name__)
RECENT_MATCHES = 50
SENT_TTL = 90 * 86_400  # seconds a (alert, article) pair is remembered as delivered


@dataclass
class CompiledAlerts:
    """Saved searches compiled once per version of the alerts: predicates, and an index by anchor."""

    version: int = -1
    alerts: list[tuple[Alert, Predicate]] = field(default_factory=list)
    index: MatcherIndex = field(default_factory=lambda: MatcherIndex([]))

    @classmethod
    def of(cls, alerts: Sequence[Alert], version: int = 0) -> CompiledAlerts:
        compiled: list[tuple[Alert, Predicate]] = []
        anchors = []
        for alert in alerts:
            if alert.kind != "search":
                continue
            try:
                compiled.append((alert, compile_alert(alert)))
                q = alert.search_query()
                anchors.append(search_anchors(q.text, languages=q.languages, topics=q.topics, entities=q.entities,
                                              resolve=resolve_entity))  # fmt: skip
            except ValueError as exc:  # saved before a parser change made it invalid: skip, say so
                log.error("alert %r does not compile, skipped: %s", alert.name, exc)
        return cls(version, compiled, MatcherIndex(anchors))


_cache = CompiledAlerts()


def compile_alert(alert: Alert) -> Predicate:
    q = alert.search_query()
    return search_matcher(q.text, languages=q.languages, topics=q.topics, entities=q.entities, resolve=resolve_entity)


def compiled(store: AlertStore) -> CompiledAlerts:
    global _cache
    version = store.version()
    if version != _cache.version:
        _cache = CompiledAlerts.of(store.all(), version)
    return _cache


def article_payload(alert: Alert, article: Article) -> dict[str, Any]:
    """The webhook body for one match: deterministic (no send time), so a redelivery is byte-identical."""
    return {
        "kind": "article",
        "delivery_id": delivery_id(alert.name, alert.created_at.isoformat(), article.id),
        "alert": {"name": alert.name, "query": alert.query},
        "article": {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "source": article.source,
            "language": article.language,
            "published_at": article.published_at.isoformat() if article.published_at else None,
        },
    }


def baseline_payload(alert: Alert, verdict: Verdict, since: str) -> dict[str, Any]:
    """The webhook body announcing a source that turned silent or flooding; one delivery id per episode."""
    return {
        "kind": "baseline",
        "delivery_id": delivery_id(alert.name, alert.created_at.isoformat(),
                                   f"{verdict.source}|{verdict.status}|{since}"),
        "alert": {"name": alert.name},
        "source": verdict.source,
        "status": verdict.status,
        "since": since,
        "observed": verdict.observed,
        "expected": round(verdict.expected, 2),
        "band": [verdict.low, verdict.high],
        "reason": verdict.reason,
    }


def match_articles(alerts: CompiledAlerts, articles: Sequence[Article]) -> list[dict[str, Any]]:
    """Deliveries for every (alert, article) that matches; only the searches whose anchors the article
    contains are evaluated."""
    deliveries: list[dict[str, Any]] = []
    if not alerts.alerts:
        return deliveries
    for article in articles:
        view = View.of(article)
        for i in alerts.index.candidates(view):
            alert, predicate = alerts.alerts[i]
            if predicate(view):
                deliveries.append({"alert": alert.name, "payload": article_payload(alert, article)})
    return deliveries


def alert_on_indexed(articles: Sequence[Article], indexed_ids: Sequence[str], *, client: redis.Redis, prefix: str,
                     send: Callable[[list[dict[str, Any]]], Any]) -> int:  # fmt: skip
    """Match the batch's written articles against every saved search and `send` the deliveries not sent
    before (one call per batch); returns how many. Matches are also kept (the last RECENT_MATCHES per
    alert) for `alerts show`."""
    written = set(indexed_ids)
    fresh = [a for a in articles if a.id in written]
    if not fresh:
        return 0
    matches = match_articles(compiled(AlertStore(client, prefix)), fresh)
    if not matches:
        return 0
    # An article updated later (new text, re-tagged) matches again: one delivery per (alert, article) is
    # enough. The marker is set when the delivery is handed to the broker; retries and replays bypass it.
    pipe = client.pipeline()
    for delivery in matches:
        pipe.set(f"{prefix}:alerts:sent:{delivery['payload']['delivery_id']}", 1, nx=True, ex=SENT_TTL)
    deliveries = [d for d, fresh_marker in zip(matches, pipe.execute(), strict=True) if fresh_marker]
    if not deliveries:
        return 0
    pipe = client.pipeline()
    for delivery in deliveries:
        key = f"{prefix}:alerts:recent:{delivery['alert']}"
        pipe.lpush(key, delivery["payload"]["article"]["id"])
        pipe.ltrim(key, 0, RECENT_MATCHES - 1)
    pipe.hincrby(f"{prefix}:alerts:stats", "matched", len(deliveries))
    pipe.execute()
    send(deliveries)
    return len(deliveries)
