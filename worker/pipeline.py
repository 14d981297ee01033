"""The pipeline's stages composed: RawItems in, indexed Articles out, every failure kept with its reason."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from elasticsearch import Elasticsearch

from worker.article import Article, RawItem
from worker.config import Settings
from worker.failures import Failure
from worker.index.store import BulkResult, index_articles, stored_articles
from worker.normalise import NormaliseError, normalise
from worker.tagging import tag_articles

log = logging.getLogger(__name__)


@dataclass
class Processed:
    articles: list[Article] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def normalise_items(items: Sequence[RawItem]) -> Processed:
    """Normalise each item on its own: one bad item is recorded, never fatal to the batch."""
    out = Processed()
    for item in items:
        try:
            out.articles.append(normalise(item))
        except Exception as exc:  # one bad item (or a bug it triggers) must not sink the batch
            reason = str(exc) if isinstance(exc, NormaliseError) else f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, NormaliseError):
                log.exception("normalising an item from %s failed", item.source)
            out.failures.append(
                Failure(
                    stage="normalise",
                    reason=reason,
                    source=item.source,
                    payload={"raw": item.model_dump(mode="json")},
                )
            )
    return out


def tag_isolating(articles: list[Article]) -> Processed:
    """Tag the batch at once; if that raises, tag one by one so only the article at fault is set aside."""
    if not articles:
        return Processed()
    try:
        return Processed(articles=tag_articles(articles))
    except Exception:
        log.exception("tagging a batch of %d failed; retrying one by one", len(articles))
    out = Processed()
    for article in articles:
        try:
            out.articles += tag_articles([article])
        except Exception as exc:
            out.failures.append(
                Failure(
                    stage="tag",
                    reason=f"{type(exc).__name__}: {exc}",
                    item_id=article.id,
                    source=article.source,
                    payload={"article": article.model_dump(mode="json")},
                )
            )
    return out


def process_items(items: Sequence[RawItem]) -> Processed:
    """Normalise and tag (no I/O): what `newsworker process` prints and what workers index."""
    normalised = normalise_items(items)
    tagged = tag_isolating(normalised.articles)
    return Processed(articles=tagged.articles, failures=normalised.failures + tagged.failures)


def fetch_articles(es: Elasticsearch, settings: Settings, ids: list[str]) -> tuple[list[Article], list[Failure]]:
    """Stored articles by id, as records; a stored document that no longer validates is a failure."""
    articles, failures = [], []
    for article_id, source in stored_articles(es, settings, ids).items():
        try:
            articles.append(Article.model_validate(source))
        except ValueError as exc:
            failures.append(Failure(stage="decode", reason=str(exc).splitlines()[0], item_id=article_id))
    return articles, failures


def store_articles(
    es: Elasticsearch, settings: Settings, articles: list[Article], *, force: bool = False
) -> tuple[BulkResult, list[Failure]]:
    """Bulk-write in batches; per-document rejections become failures carrying the article for replay."""
    total = BulkResult()
    failures: list[Failure] = []
    by_id = {a.id: a for a in articles}
    for start in range(0, len(articles), settings.bulk_batch_size):
        result = index_articles(es, settings, articles[start : start + settings.bulk_batch_size], force=force)
        total.indexed += result.indexed
        total.unchanged += result.unchanged
        total.failed += result.failed
        for article_id, reason in result.failed:
            article = by_id[article_id]
            failures.append(
                Failure(
                    stage="index",
                    reason=reason,
                    item_id=article_id,
                    source=article.source,
                    payload={"article": article.model_dump(mode="json")},
                )
            )
    return total, failures
