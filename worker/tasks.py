"""The Celery app and its thin tasks: decode, call the pipeline's functions, own retries and failure records."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import elasticsearch
import redis
from celery import Celery, Task
from celery.signals import worker_process_init
from elasticsearch import Elasticsearch
from pydantic import ValidationError

from worker.article import Article, RawItem
from worker.config import Settings, get_settings
from worker.failures import Failure, FailureStore
from worker.index.store import connect, setup_index
from worker.pipeline import fetch_articles, process_items, store_articles, tag_isolating
from worker.stats import IngestStats

log = logging.getLogger(__name__)


def make_app(settings: Settings) -> Celery:
    celery_app = Celery(
        "newsworker",
        broker=settings.broker_url,
        backend=settings.result_backend,
        # Feed polling and page fetching live next to their domain; a worker must know their tasks.
        include=["worker.sources.tasks"],
    )
    celery_app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # A task is acknowledged after it ran, so a worker that dies mid-batch does not lose it;
        # writes are idempotent, so running it twice is harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="ingest",
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
        # A batch that hangs (a pathological document, a stuck connection) is stopped, not left to block.
        task_soft_time_limit=540,
        task_time_limit=600,
    )
    return celery_app


app = make_app(get_settings())

# Errors worth retrying: the cluster is down, overloaded or timing out. Anything else is a bug or bad data.
TRANSIENT_ES_ERRORS = (elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout, elasticsearch.ApiError)
# HTTP statuses that mean "not now" (overloaded, or a new index whose shards are not active yet).
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


def is_transient(exc: Exception) -> bool:
    if isinstance(exc, elasticsearch.ApiError):
        return exc.meta.status in TRANSIENT_STATUSES
    return isinstance(exc, TRANSIENT_ES_ERRORS)


@lru_cache(maxsize=1)
def es_client() -> Elasticsearch:
    settings = get_settings()
    es = connect(settings)
    setup_index(es, settings)
    return es


@lru_cache(maxsize=1)
def failure_store() -> FailureStore:
    settings = get_settings()
    return FailureStore(redis.Redis.from_url(settings.redis_url), settings.failures_key)


@lru_cache(maxsize=1)
def ingest_stats() -> IngestStats:
    settings = get_settings()
    return IngestStats(redis.Redis.from_url(settings.redis_url), settings.index_prefix)


@worker_process_init.connect
def _reset_clients(**_: Any) -> None:
    # Connections must not be shared across a fork.
    es_client.cache_clear()
    failure_store.cache_clear()
    ingest_stats.cache_clear()


def decode_items(payloads: list[dict[str, Any]]) -> tuple[list[RawItem], list[Failure]]:
    """RawItems from task payloads; one that does not validate is a recorded failure, not an exception."""
    items, failures = [], []
    for payload in payloads:
        try:
            items.append(RawItem.model_validate(payload))
        except ValidationError as exc:
            failures.append(Failure(stage="decode", reason=str(exc).splitlines()[0], payload={"raw": payload}))
    return items, failures


def _store(task: Task, articles: list[Article], failures: list[Failure], *, force: bool = False) -> dict[str, int]:
    settings = get_settings()
    try:
        result, index_failures = store_articles(es_client(), settings, articles, force=force)
    except TRANSIENT_ES_ERRORS as exc:
        if not is_transient(exc):
            raise
        if task.request.retries < settings.task_max_retries:
            raise task.retry(exc=exc, countdown=min(300, 5 * 2**task.request.retries)) from exc
        index_failures = [
            Failure(
                stage="index",
                reason=f"Elasticsearch unavailable after retries: {exc}",
                item_id=a.id,
                source=a.source,
                payload={"article": a.model_dump(mode="json")},
            )
            for a in articles
        ]
        result = None
    all_failures = failures + index_failures
    failure_store().record(all_failures)
    counts = result.as_dict() if result else {"indexed": 0, "unchanged": 0, "failed": 0}
    counts["failed"] = len(all_failures)
    ingest_stats().record(counts)
    return counts


@app.task(bind=True, name="newsworker.ingest_items", acks_late=True)
def ingest_items(self: Task, payloads: list[dict[str, Any]]) -> dict[str, int]:
    """RawItems (as JSON) -> normalised, tagged, indexed Articles."""
    items, failures = decode_items(payloads)
    processed = process_items(items)
    return _store(self, processed.articles, failures + processed.failures)


@app.task(bind=True, name="newsworker.index_articles", acks_late=True)
def index_articles_task(self: Task, payloads: list[dict[str, Any]]) -> dict[str, int]:
    """Articles (as JSON), already normalised and tagged -> indexed. Used by replay and by sources."""
    articles, failures = [], []
    for payload in payloads:
        try:
            articles.append(Article.model_validate(payload))
        except ValidationError as exc:
            failures.append(Failure(stage="decode", reason=str(exc).splitlines()[0], payload={"article": payload}))
    return _store(self, articles, failures)


@app.task(bind=True, name="newsworker.retag", acks_late=True)
def retag_task(self: Task, ids: list[str]) -> dict[str, int]:
    """Re-tag stored articles with the current models (after a model upgrade) and write them back."""
    try:
        articles, failures = fetch_articles(es_client(), get_settings(), ids)
    except TRANSIENT_ES_ERRORS as exc:
        if not is_transient(exc):
            raise
        raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from exc
    tagged = tag_isolating(articles)
    return _store(self, tagged.articles, failures + tagged.failures, force=True)
