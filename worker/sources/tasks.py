"""Celery tasks for sources, thin: find due feeds, poll one feed, fetch a batch of items' pages.

They run on their own queue ("sources", prefetch 1) so a worker never holds a pile of fetches it cannot
start while its hosts' budgets are spent. Exactly one scheduler: beat runs with celery-redbeat (one beat
holds the lock), and claiming due feeds is atomic in Redis, so even two beats hand each feed out once.
"""

from __future__ import annotations

import logging
import zlib
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import redis
from celery import Task
from celery.signals import worker_process_init
from pydantic import ValidationError

from worker.config import get_settings
from worker.dedup import DedupIndex
from worker.failures import Failure
from worker.sources.http import PoliteClient
from worker.sources.poll import FetchedPage, build_articles, poll_feed_once
from worker.sources.poll import fetch_pages as fetch_item_pages
from worker.sources.registry import FeedRegistry
from worker.sources.robots import RobotsCache
from worker.tasks import app, decode_items, failure_store, index_articles_task

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


@app.task(bind=True, name="newsworker.build_articles", acks_late=True)
def build_articles_task(self: Task, messages: list[dict[str, Any]]) -> dict[str, int]:
    """Fetched pages -> extracted Articles (feed text as fallback) -> dup groups -> tagged -> indexed.

    Runs on the ingest queue: extraction and tagging are CPU-heavy, and in a fetch worker they would hold
    the interpreter while fetch threads wait to send, so requests would leave late and bunch up.
    """
    from worker.pipeline import tag_isolating

    settings = get_settings()
    pages, failures = [], []
    for message in messages:
        try:
            pages.append(FetchedPage.from_message(message))
        except (ValidationError, ValueError, KeyError, zlib.error) as exc:
            failures.append(Failure(stage="decode", reason=f"{type(exc).__name__}: {exc}", payload={"page": message}))
    built = build_articles(pages, settings)
    index = dedup_index()
    grouped = [index.assign(article) for article in built.articles]
    tagged = tag_isolating(grouped)
    failure_store().record(failures + built.failures + tagged.failures)
    if tagged.articles:
        index_articles_task.apply_async(args=[[a.model_dump(mode="json") for a in tagged.articles]], queue=INGEST_QUEUE)
    return {"articles": len(tagged.articles), "failed": len(failures) + len(built.failures) + len(tagged.failures)}


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
    """Fetch the items' pages (I/O only) and hand them to build_articles on the ingest queue."""
    settings = get_settings()
    items, failures = decode_items(payloads)
    # A host that stays busy (or keeps answering 429) does not keep its items from being indexed forever:
    # after MAX_DEFERRALS the feed's own text is used.
    fetch = fetch_pages and deferrals < MAX_DEFERRALS
    robots = RobotsCache(redis_client(), http_client()) if settings.obey_robots else None
    fetched = fetch_item_pages(items, client=http_client(), fetch=fetch, robots=robots)
    failure_store().record(failures)
    if fetched.pages:
        messages = [page.to_message() for page in fetched.pages]
        build_articles_task.apply_async(args=[messages], queue=INGEST_QUEUE)
    if fetched.deferred:
        # The host's budget is spent for a while: come back later rather than hold a worker.
        fetch_items_task.apply_async(
            args=[[i.model_dump(mode="json") for i in fetched.deferred], fetch_pages, deferrals + 1],
            queue=QUEUE,
            countdown=max(1.0, fetched.retry_after),
        )
    return {"pages": len(fetched.pages), "failed": len(failures), "deferred": len(fetched.deferred)}
