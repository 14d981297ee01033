"""Tagging: language, entities, topics and keywords, each an `articles -> articles` stage.

`tag_articles` runs them in order on a batch, so each model sees many texts at once (`nlp.pipe`),
and records which models tagged the article so it can be re-tagged when they improve.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from worker.article import Article, Enrichment, utcnow
from worker.tagging.entities import entity_model_versions, tag_entities
from worker.tagging.keywords import tag_keywords
from worker.tagging.language import MODEL_NAME as LANGUAGE_MODEL
from worker.tagging.language import tag_language
from worker.tagging.topics import tag_topics, topic_model_version


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
