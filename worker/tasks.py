"""The pipeline's tasks, thin: decode the batch, call `worker.pipeline`, record failures and counts.

Retries, time limits, poison splitting and dead letters for a whole batch belong to `BatchTask`
(worker/app.py); what a single item did wrong is recorded here, from the pipeline's own Failures.
"""

from __future__ import annotations

from typing import Any

from celery import Task

from worker.alerts.tasks import alerts_for_batch
from worker.app import (
    INDEX_ARTICLES,
    INGEST_ITEMS,
    RETAG,
    BatchTask,
    app,
    dedup_index,
    es_client,
    failure_store,
    ingest_stats,
)
from worker.article import Article, RawItem
from worker.config import get_settings
from worker.pipeline import Ingested, decode, fetch_articles, ingest, store_articles, tag_isolating


def finish(done: Ingested) -> dict[str, int]:
    """Record the batch's failures and counts; the counts are the task's result."""
    failure_store().record(done.failures)
    counts = done.counts()
    ingest_stats().record(counts)
    return counts


@app.task(bind=True, base=BatchTask, name=INGEST_ITEMS, replay_key="raw", stage="pipeline")
def ingest_items(self: Task, payloads: list[dict[str, Any]]) -> dict[str, int]:
    """RawItems from any source (as JSON) -> normalised, grouped, tagged, indexed Articles."""
    items, failures = decode(payloads, RawItem, "raw")
    done = ingest(items, es=es_client(), settings=get_settings(), dedup=dedup_index())
    done.failures[:0] = failures
    alerts_for_batch(done.articles, done.result.indexed)  # saved searches see what the batch wrote
    return finish(done)


@app.task(bind=True, base=BatchTask, name=INDEX_ARTICLES, replay_key="article", stage="index")
def index_articles(self: Task, payloads: list[dict[str, Any]]) -> dict[str, int]:
    """Articles (as JSON), already normalised and tagged -> indexed. Replays of index failures use it."""
    articles, failures = decode(payloads, Article, "article")
    done = store_articles(es_client(), get_settings(), articles)
    done.failures[:0] = failures
    alerts_for_batch(done.articles, done.result.indexed)
    return finish(done)


@app.task(bind=True, base=BatchTask, name=RETAG, replay_key="retag", stage="retag")
def retag(self: Task, ids: list[str]) -> dict[str, int]:
    """Re-tag stored articles with the current models (after a model upgrade) and write them back."""
    settings = get_settings()
    articles, failures = fetch_articles(es_client(), settings, ids)
    tagged = tag_isolating(articles)
    done = store_articles(es_client(), settings, tagged.articles, force=True)
    done.failures[:0] = failures + tagged.failures
    return finish(done)
