"""Source tasks, thin and I/O only: find due feeds, poll one feed, fetch a batch of items' pages.

They run on the sources queue (prefetch 1) so a worker never holds a pile of fetches it cannot start while
its hosts' budgets are spent. What they produce are RawItems, handed to the one pipeline
(`newsworker.ingest_items` on the ingest queue) by name: sources never normalise, tag or index.
Exactly one scheduler: beat runs with celery-redbeat (one beat holds the lock), and claiming due feeds
is atomic in Redis, so even two beats hand each feed out once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from celery import Task

from worker.app import (
    DISPATCH_DUE,
    FETCH_PAGES,
    INGEST_ITEMS,
    POLL_FEED,
    BatchTask,
    app,
    enqueue,
    failure_store,
    feed_registry,
    http_client,
    redis_client,
)
from worker.article import RawItem
from worker.config import get_settings
from worker.pipeline import decode
from worker.sources.fetcher import fetch_pages
from worker.sources.poll import poll_feed_once
from worker.sources.robots import RobotsCache
from worker.sources.urls import budget_key

log = logging.getLogger(__name__)
ITEMS_PER_TASK = 20
MAX_DEFERRALS = 20
MAX_POLLS_WAITS = 10  # deferrals behind the host's own polls not counted towards MAX_DEFERRALS


def interleave_by_host(urls: list[str]) -> list[str]:
    """Round-robin over hosts: consecutive tasks on the queue are for different hosts, so a pool of fetch
    threads works on many hosts' budgets at once instead of queueing behind one host's (feeds are claimed
    in registry order, where one site's feeds sit together)."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(budget_key(url), []).append(url)
    queues = list(by_host.values())
    out: list[str] = []
    for rank in range(max((len(q) for q in queues), default=0)):
        out += [q[rank] for q in queues if rank < len(q)]
    return out


def hosts_of(items: list[RawItem]) -> str:
    """The budget domains of some items, for the log (why a host's pages waited)."""
    return ",".join(sorted({budget_key(item.url) for item in items if item.url}))


def hand_on(items: list[RawItem], *, fetch: bool) -> None:
    """New feed items to the page fetcher, or straight to the pipeline when pages are off."""
    payloads = [item.model_dump(mode="json") for item in items]
    task = FETCH_PAGES if fetch else INGEST_ITEMS
    for start in range(0, len(payloads), ITEMS_PER_TASK):
        enqueue(task, payloads[start : start + ITEMS_PER_TASK])


@app.task(name=DISPATCH_DUE)
def dispatch_due() -> int:
    """Hand each due feed to a poll task (atomically claimed: a second beat finds nothing to take)."""
    settings = get_settings()
    claimed = feed_registry().claim_due(datetime.now(UTC), lease=settings.http_total_timeout * 4 + 60)
    urls = interleave_by_host([state.url for state in claimed])
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(budget_key(url), []).append(url)
    http_client().budget.expect_polls(by_host)  # each host's pages wait for its polls (budget.py)
    for url in urls:
        poll_feed.delay(url)
    return len(claimed)


@app.task(bind=True, name=POLL_FEED, acks_late=True)
def poll_feed(self: Task, url: str) -> dict[str, object]:
    """Poll one feed; its new items go on in batches; then they are marked seen (a crash before loses none)."""
    settings = get_settings()
    try:
        report = poll_feed_once(
            url, registry=feed_registry(), client=http_client(), settings=settings, mark_seen=False, force=False
        )
    finally:
        http_client().budget.poll_done(budget_key(url), url)  # its host's pages need not wait for it any more
    failure_store().record(report.failures())
    state = report.state
    fetch = settings.fetch_pages if state is None or state.fetch_pages is None else state.fetch_pages
    hand_on(report.items, fetch=fetch)
    feed_registry().mark_seen(report.versions)  # only now: handed on
    return report.as_dict()


@app.task(bind=True, base=BatchTask, name=FETCH_PAGES, replay_key="fetch", stage="fetch")
def fetch_pages_task(self: Task, payloads: list[dict[str, Any]], deferrals: int = 0,
                     polls_waits: int = 0) -> dict[str, Any]:  # fmt: skip
    """Fetch the items' pages (I/O only) and hand the items, page attached, to the pipeline."""
    settings = get_settings()
    items, failures = decode(payloads, RawItem, "fetch")
    failure_store().record(failures)
    # A host that stays busy (or keeps answering 429) does not keep its items from being indexed forever:
    # after MAX_DEFERRALS the feed's own text is used.
    if deferrals >= MAX_DEFERRALS:
        return {"pages": 0, "failed": len(failures), "deferred": 0,
                "then": [enqueue(INGEST_ITEMS, [i.model_dump(mode="json") for i in items]).id]}  # fmt: skip
    robots = RobotsCache(redis_client(), http_client()) if settings.obey_robots else None
    fetched = fetch_pages(items, client=http_client(), robots=robots)
    then = []  # the batches this one handed on, for whoever waits on it (`newsworker ingest --wait`)
    if fetched.items:
        then.append(enqueue(INGEST_ITEMS, [item.model_dump(mode="json") for item in fetched.items]).id)
    if fetched.deferred:
        # The host's budget is spent for a while: come back later rather than hold a worker. The pause
        # stays well under the broker's visibility timeout, or the waiting message would be handed out twice.
        countdown = min(max(1.0, fetched.retry_after), settings.broker_visibility_timeout / 3)
        deferred = [i.model_dump(mode="json") for i in fetched.deferred]
        # Waiting for the host's own polls (polls first) is not counted, up to MAX_POLLS_WAITS times: a host
        # whose feeds are dispatched again and again (a backlogged queue) must not put its pages off forever.
        behind_polls = fetched.only_behind_polls and polls_waits < MAX_POLLS_WAITS
        counted = deferrals if behind_polls else deferrals + 1
        waits = polls_waits + 1 if fetched.only_behind_polls else polls_waits
        then.append(enqueue(FETCH_PAGES, deferred, counted, waits, countdown=countdown).id)
        log.info("fetch: %d of %d pages handed back for %.1fs (%s; hosts %s)", len(deferred), len(items),
                 countdown, "behind polls" if fetched.only_behind_polls else "budget", hosts_of(fetched.deferred))
    elif fetched.items:
        log.info("fetch: %d pages done (hosts %s)", len(fetched.items), hosts_of(fetched.items))
    return {"pages": len(fetched.items), "failed": len(failures), "deferred": len(fetched.deferred), "then": then}
