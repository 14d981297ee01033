"""Celery tasks for sources, thin: find due feeds, poll one feed, fetch a batch of items' pages.

They run on their own queue ("sources", prefetch 1) so a worker never holds a pile of fetches it cannot
start while its hosts' budgets are spent. Exactly one scheduler: beat runs with celery-redbeat (one beat
holds the lock), and claiming due feeds is atomic in Redis, so even two beats hand each feed out once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import redis
from celery import Task
from celery.signals import worker_process_init
from pydantic import ValidationError

from worker.article import Article, RawItem
from worker.config import get_settings
from worker.dedup import DedupIndex
from worker.failures import Failure
from worker.sources.http import PoliteClient
from worker.sources.poll import fetch_items, poll_feed_once
from worker.sources.registry import FeedRegistry
from worker.sources.robots import RobotsCache
from worker.tasks import app, failure_store, index_articles_task

log = logging.getLogger(__name__)
QUEUE = "sources"
INGEST_QUEUE = "ingest"
ITEMS_PER_TASK = 20
MAX_DEFERRALS = 20

_settings = get_settings()
app.conf.task_routes = {**(app.conf.task_routes or {}), "newsworker.sources.*": {"queue": QUEUE}}
app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "newsworker-dispatch-due-feeds": {
        "task": "newsworker.sources.dispatch_due",
        "schedule": _settings.poll_dispatch_every,
        "options": {"queue": QUEUE, "expires": _settings.poll_dispatch_every * 2},
    },
}
app.conf.redbeat_redis_url = _settings.redis_url
app.conf.redbeat_key_prefix = f"{_settings.index_prefix}:redbeat"
# A beat that dies frees the lock after this long; the other one then takes over.
app.conf.redbeat_lock_timeout = max(60, int(_settings.poll_dispatch_every * 5))


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url)


@lru_cache(maxsize=1)
def registry() -> FeedRegistry:
    return FeedRegistry(redis_client(), get_settings())


@lru_cache(maxsize=1)
def http_client() -> PoliteClient:
    return PoliteClient(get_settings(), redis_client())


@lru_cache(maxsize=1)
def dedup_index() -> DedupIndex:
    settings = get_settings()
    return DedupIndex(redis_client(), threshold=settings.dedup_threshold, window_days=settings.dedup_window_days)


@worker_process_init.connect
def _reset_clients(**_: Any) -> None:
    for cached in (redis_client, registry, http_client, dedup_index):
        cached.cache_clear()


def hand_on(articles: list[Article], failures: list[Failure]) -> int:
    """Set dup groups, then send the articles to be tagged and indexed on the ingest queue. Returns the count.

    Tagging is CPU-heavy: done here, it would stall this process's fetch threads (GIL) so that requests
    leave later than their slot and bunch up at the server. The ingest workers do it instead.
    """
    failure_store().record(failures)
    if not articles:
        return 0
    index = dedup_index()
    grouped = [index.assign(article) for article in articles]
    tag_and_index.apply_async(args=[[a.model_dump(mode="json") for a in grouped]], queue=INGEST_QUEUE)
    return len(grouped)


@app.task(bind=True, name="newsworker.tag_and_index", acks_late=True)
def tag_and_index(self: Task, payloads: list[dict[str, Any]]) -> dict[str, int]:
    """Articles built by sources (normalised, not yet tagged) -> tagged -> the ingest path's index task."""
    from worker.pipeline import tag_isolating

    articles, failures = [], []
    for payload in payloads:
        try:
            articles.append(Article.model_validate(payload))
        except ValidationError as exc:
            failures.append(Failure(stage="decode", reason=str(exc).splitlines()[0], payload={"article": payload}))
    tagged = tag_isolating(articles)
    failure_store().record(failures + tagged.failures)
    if tagged.articles:
        index_articles_task.apply_async(args=[[a.model_dump(mode="json") for a in tagged.articles]], queue=INGEST_QUEUE)
    return {"tagged": len(tagged.articles), "failed": len(failures) + len(tagged.failures)}


@app.task(name="newsworker.sources.dispatch_due")
def dispatch_due() -> int:
    """Hand each due feed to a poll task (atomically claimed: a second beat finds nothing to take)."""
    settings = get_settings()
    claimed = registry().claim_due(datetime.now(UTC), lease=settings.http_total_timeout * 4 + 60)
    for state in claimed:
        poll_feed.apply_async(args=[state.url], queue=QUEUE)
    return len(claimed)


@app.task(bind=True, name="newsworker.sources.poll_feed", acks_late=True)
def poll_feed(self: Task, url: str) -> dict[str, object]:
    """Poll one feed; its new items go to fetch_items in batches."""
    settings = get_settings()
    report = poll_feed_once(
        url, registry=registry(), client=http_client(), settings=settings, mark_seen=False, force=False
    )
    if report.rejected:
        failure_store().record([Failure(stage="feed", reason=r, source=url) for r in report.rejected[:50]])
    if report.outcome.kind == "failed" and report.outcome.error:
        failure_store().record([Failure(stage="fetch", reason=report.outcome.error, source=url)])
    payloads = [item.model_dump(mode="json") for item in report.items]
    fetch_pages = (
        settings.fetch_pages if report.state is None or report.state.fetch_pages is None else report.state.fetch_pages
    )
    for start in range(0, len(payloads), ITEMS_PER_TASK):
        fetch_items_task.apply_async(args=[payloads[start : start + ITEMS_PER_TASK], fetch_pages], queue=QUEUE)
    registry().mark_seen(report.versions)  # only now: handed on
    return report.as_dict()


@app.task(bind=True, name="newsworker.sources.fetch_items", acks_late=True)
def fetch_items_task(
    self: Task, payloads: list[dict[str, Any]], fetch_pages: bool = True, deferrals: int = 0
) -> dict[str, int]:
    """Fetch and extract the items' pages (feed text as fallback), dedup, tag, index."""
    settings = get_settings()
    items, failures = [], []
    for payload in payloads:
        try:
            items.append(RawItem.model_validate(payload))
        except ValidationError as exc:
            failures.append(Failure(stage="decode", reason=str(exc).splitlines()[0], payload={"raw": payload}))
    # A host that stays busy (or keeps answering 429) does not keep its items from being indexed forever:
    # after MAX_DEFERRALS the feed's own text is used.
    pages = fetch_pages and deferrals < MAX_DEFERRALS
    robots = RobotsCache(redis_client(), http_client()) if settings.obey_robots else None
    result = fetch_items(items, client=http_client(), settings=settings, fetch_pages=pages, robots=robots)
    sent = hand_on(result.articles, failures + result.failures)
    if result.deferred:
        # The host's budget is spent for a while: come back later rather than hold a worker.
        fetch_items_task.apply_async(
            args=[[i.model_dump(mode="json") for i in result.deferred], fetch_pages, deferrals + 1],
            queue=QUEUE,
            countdown=max(1.0, result.retry_after),
        )
    return {"articles": sent, "failed": len(failures) + len(result.failures), "deferred": len(result.deferred)}
