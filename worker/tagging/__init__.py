"""Tagging: language, entities, topics and keywords, each an `articles -> articles` stage.

`tag_articles` runs them in order on a batch, so each model sees many texts at once (`nlp.pipe`),
and records which models tagged the article so it can be re-tagged when they improve.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Sequence

from worker.article import Article, Enrichment, utcnow
from worker.config import get_settings
from worker.tagging import compiled

# before any rule module is imported: the compiled rules when built from these sources (worker/tagging/compiled.py)
compiled.activate(__path__, get_settings().compiled_rules)

from worker.tagging.entities import entity_model_versions, tag_entities  # noqa: E402
from worker.tagging.keywords import tag_keywords  # noqa: E402
from worker.tagging.language import MODEL_NAME as LANGUAGE_MODEL  # noqa: E402
from worker.tagging.language import tag_language  # noqa: E402
from worker.tagging.topics import tag_topics, topic_model_version  # noqa: E402


def model_versions(language: str) -> dict[str, str]:
    """Every model that tags an article of this language, by stage."""
    versions = {"language": LANGUAGE_MODEL, "topics": topic_model_version()}
    versions.update(entity_model_versions(language))
    return versions


def enrichment_version(models: dict[str, str]) -> str:
    """A short stable digest of the model set: articles with an older one are due for re-tagging."""
    text = ";".join(f"{k}={v}" for k, v in sorted(models.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def tag_articles(articles: Sequence[Article]) -> list[Article]:
    """Language first (it routes every later step), then entities, topics and keywords."""
    tagged = tag_keywords(tag_topics(tag_entities(tag_language(articles))))
    now = utcnow()
    by_language: dict[str, Enrichment] = {}  # the model set depends only on the language
    result = []
    for article in tagged:
        if article.language not in by_language:
            models = model_versions(article.language)
            by_language[article.language] = Enrichment(version=enrichment_version(models), models=models, tagged_at=now)
        result.append(article.model_copy(update={"enrichment": by_language[article.language]}))
    return result


WARM_UP_SAMPLES = (
    Article(id="warm-nl", source="warm-up", title="Kabinet", body="Het kabinet in Den Haag besprak de begroting.",
            content_hash="nl"),
    Article(id="warm-en", source="warm-up", title="Cabinet", body="The government in London discussed the budget.",
            content_hash="en"),
)  # fmt: skip


def warm_up(samples: Sequence[Article] = WARM_UP_SAMPLES) -> int:
    """Load every tagging model (by tagging `samples`), then move everything alive so far out of the garbage
    collector's sight (`gc.freeze`): the models live as long as the process, and a full collection would
    otherwise walk all their objects each time it runs (0.08-0.1 s each, once or twice per 164 articles in the
    benchmark). In a prefork worker it also keeps a child's collections from writing to the pages it shares
    with the parent. Returns the number of frozen objects. The worker calls it before forking; the benchmarks
    call it too, so they time the stage as the worker runs it."""
    tag_articles(samples)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
