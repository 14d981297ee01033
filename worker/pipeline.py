"""The one composition of stages that every source goes through: RawItems in (documents, feed items,
fetched pages, replays), indexed Articles out, every failure kept with its stage and reason.

    normalise (text or page extraction) -> dedup (near-duplicate stories) -> tag -> index

The stages are plain functions; the Redis (dedup) and Elasticsearch (index) edges are passed in, so
`newsworker process` runs the same composition without them. One bad item is set aside as a Failure and
never sinks its batch; errors that concern the whole batch (an outage, a time limit) pass through to the
task, which retries, splits or dead-letters it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import elasticsearch
import redis
from billiard.exceptions import SoftTimeLimitExceeded
from elasticsearch import Elasticsearch

from worker.article import Article, RawItem
from worker.config import Settings
from worker.dedup import DedupIndex, article_fingerprint, with_decision
from worker.extract import article_from_item
from worker.failures import Failure
from worker.index.store import BulkResult, index_articles, stored_articles
from worker.normalise import NormaliseError, normalise
from worker.tagging import tag_articles
from worker.timings import timed

log = logging.getLogger(__name__)

# Raised into running code by the worker when a batch is over its time: it concerns the whole batch, so no
# per-item isolation may swallow it.
BATCH_ABORTS: tuple[type[BaseException], ...] = (SoftTimeLimitExceeded,)
# Errors of the Redis edge: the batch is retried, items are not blamed.
EDGE_ERRORS: tuple[type[BaseException], ...] = (redis.ConnectionError, redis.TimeoutError)

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Processed:
    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Ingested:
    """What a batch became: counts for the stats and the CLI, failures for the dead-letter store."""

    result: BulkResult = field(default_factory=BulkResult)
    failures: list[Failure] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)  # what was written (for saved-search matching)

    def counts(self) -> dict[str, int]:
        return {"indexed": len(self.result.indexed), "unchanged": len(self.result.unchanged),
                "failed": len(self.failures)}  # fmt: skip


def raw_failure(stage: str, reason: str, raw: RawItem) -> Failure:
    """A RawItem set aside: replayed through the whole pipeline (or, for a page, its fetch)."""
    if stage == "fetch":
        item = raw.model_copy(update={"html": None, "final_url": None, "fetch_error": None})
        return Failure(stage=stage, reason=reason, source=raw.source, item_id=raw.url,
                       payload={"fetch": item.model_dump(mode="json")})  # fmt: skip
    return Failure(stage=stage, reason=reason, source=raw.source, item_id=raw.url or raw.document_path,
                   payload={"raw": raw.model_dump(mode="json")})  # fmt: skip


def article_failure(stage: str, reason: str, article: Article) -> Failure:
    """An Article set aside after normalisation: replayed by indexing it as it is."""
    return Failure(stage=stage, reason=reason, item_id=article.id, source=article.source,
                   payload={"article": article.model_dump(mode="json")})  # fmt: skip


def batch_abort_in(exc: BaseException) -> BaseException | None:
    """The time-limit interruption behind an error, if any. The Elasticsearch client turns whatever stops
    its request into a ConnectionError (keeping the original in `errors`/`__cause__`), which would read as an
    outage and be retried instead of splitting the batch that is too slow."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, BATCH_ABORTS):
            return current
        stack += [e for e in (current.__cause__, current.__context__, *getattr(current, "errors", ())) if e]
    return None


def describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, NormaliseError) else f"{type(exc).__name__}: {exc}"


def each_isolated(
    items: Sequence[T], stage: str, run: Callable[[T], R], fail: Callable[[str, str, T], Failure]
) -> tuple[list[R], list[Failure]]:
    """`run` on every item; an item that raises becomes a Failure, the batch goes on."""
    done: list[R] = []
    failures: list[Failure] = []
    for item in items:
        try:
            done.append(run(item))
        except BATCH_ABORTS + EDGE_ERRORS:
            raise
        except Exception as exc:  # one bad item (or a bug it triggers) must not sink the batch
            if not isinstance(exc, NormaliseError):
                log.exception("%s failed on an item", stage)
            failures.append(fail(stage, describe(exc), item))
    return done, failures


def to_article(raw: RawItem, settings: Settings) -> Article:
    """Normalise one item: a document's or feed item's text, or a fetched page's extracted text."""
    if raw.kind == "document":
        return normalise(raw)
    return article_from_item(raw, min_words=settings.page_min_words)


@timed("normalise")
def normalise_items(items: Sequence[RawItem], settings: Settings) -> Processed:
    def fail(stage: str, reason: str, raw: RawItem) -> Failure:
        if raw.fetch_error:  # nothing to fall back on: the fetch is what failed, say so
            return raw_failure("fetch", f"{raw.fetch_error} (and no feed text to use instead)", raw)
        return raw_failure(stage, reason, raw)

    articles, failures = each_isolated(items, "normalise", lambda raw: to_article(raw, settings), fail)
    return Processed(articles, failures)


@timed("dedup")
def group_duplicates(articles: Sequence[Article], index: DedupIndex | None) -> Processed:
    """Each article's dup_group and first_seen from the near-duplicate index (all sources alike)."""
    if index is None:
        return Processed(list(articles))
    # Fingerprints one by one (an article that breaks it is set aside), then the batch decided at once.
    signed, failures = each_isolated(articles, "dedup", lambda a: (a, article_fingerprint(a)), article_failure)
    decisions = index.decide_batch([a for a, _ in signed], [s for _, s in signed])
    grouped = [with_decision(a, d) for (a, _), d in zip(signed, decisions, strict=True)]
    return Processed(grouped, failures)


# Articles tagged together. The entity models keep every parsed document of a call alive until the stage
# ends, so a worker's peak memory grows with the texts tagged at once: on 760-word articles (bench/suite.py,
# 2026-11-30) tagging 48 at once peaked 400 MB above the loaded models, 16 at once 144 MB, 8 at once 71 MB,
# at the same speed within the noise of the shared machine. 8 keeps a worker process under 600 MB.
TAG_CHUNK = 8


@timed("tag")
def tag_isolating(articles: list[Article], chunk: int = TAG_CHUNK) -> Processed:
    """Tag the batch in chunks; a chunk that raises is tagged one by one, so only the article at fault is
    set aside."""
    done = Processed()
    for start in range(0, len(articles), chunk):
        part = articles[start : start + chunk]
        try:
            done.articles += tag_articles(part)
            continue
        except BATCH_ABORTS:
            raise
        except Exception:
            log.exception("tagging %d articles failed; retrying one by one", len(part))
        tagged, failures = each_isolated(part, "tag", lambda a: tag_articles([a])[0], article_failure)
        done.articles += tagged
        done.failures += failures
    return done


def process_items(items: Sequence[RawItem], settings: Settings, *, dedup: DedupIndex | None = None) -> Processed:
    """Normalise, group duplicates (when an index is given) and tag: what `newsworker process` prints and
    what workers index."""
    normalised = normalise_items(items, settings)
    grouped = group_duplicates(normalised.articles, dedup)
    tagged = tag_isolating(grouped.articles) if settings.tagging else Processed(grouped.articles)
    return Processed(tagged.articles, normalised.failures + grouped.failures + tagged.failures)


def fetch_articles(es: Elasticsearch, settings: Settings, ids: list[str]) -> tuple[list[Article], list[Failure]]:
    """Stored articles by id, as records; a stored document that no longer validates is a failure."""
    articles, failures = [], []
    for article_id, source in stored_articles(es, settings, ids).items():
        try:
            articles.append(Article.model_validate(source))
        except ValueError as exc:
            failures.append(Failure(stage="decode", reason=str(exc).splitlines()[0], item_id=article_id,
                                    payload={"retag": article_id}))  # fmt: skip
    return articles, failures


@timed("index")
def store_articles(
    es: Elasticsearch, settings: Settings, articles: list[Article], *, force: bool = False
) -> Ingested:
    """Bulk-write (bounded by count and bytes); per-document rejections become failures carrying the
    article for replay. A whole-request error propagates (the task retries it)."""
    try:
        result = index_articles(es, settings, articles, force=force)
    except elasticsearch.TransportError as exc:
        abort = batch_abort_in(exc)
        if abort is not None:
            raise abort from exc
        raise
    by_id = {a.id: a for a in articles}
    failures = [article_failure("index", reason, by_id[article_id]) for article_id, reason in result.failed]
    return Ingested(result, failures, list(articles))


def ingest(
    items: Sequence[RawItem], *, es: Elasticsearch, settings: Settings, dedup: DedupIndex | None
) -> Ingested:
    """The whole route of a batch of RawItems: process, then index."""
    processed = process_items(items, settings, dedup=dedup)
    stored = store_articles(es, settings, processed.articles)
    return Ingested(stored.result, processed.failures + stored.failures, stored.articles)


def decode(payloads: Sequence[Any], model: type[T], replay_key: str) -> tuple[list[T], list[Failure]]:
    """Records from task payloads; one that does not validate is a recorded failure, not an exception."""
    records: list[T] = []
    failures: list[Failure] = []
    for payload in payloads:
        try:
            records.append(model.model_validate(payload))  # type: ignore[attr-defined]
        except ValueError as exc:
            reason = str(exc).splitlines()[0]
            failures.append(Failure(stage="decode", reason=reason, payload={replay_key: payload}))
    return records, failures
