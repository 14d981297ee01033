"""Enrichment coverage on the real Elasticsearch: counts per version, without entities/topics, not current;
in /metrics and `newsworker retag --status`; `retag --wait` reports progress."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from tests.integration.cleanup import delete_sources
from worker.api import app
from worker.article import Article, Enrichment, Entity, Topic
from worker.cli import main
from worker.config import Settings
from worker.coverage import enrichment_coverage
from worker.index.store import index_articles

pytestmark = pytest.mark.integration
SOURCE = "coverage-test"
LANG = "zz"  # a language of its own, so "newest version" is decided by these articles alone


def make(n: int, version: str, *, entities: bool, topics: bool, minutes_ago: int) -> Article:
    digest = hashlib.sha256(f"coverage|{n}".encode()).hexdigest()
    tagged = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return Article(
        id=digest, source=SOURCE, title=f"Artikel {n}", body="Tekst.", content_hash=digest, language=LANG,
        entities=[Entity(text="Utrecht", type="LOC")] if entities else [],
        topics=[Topic(code="11000000", label="politics", score=0.9)] if topics else [],
        enrichment=Enrichment(version=version, models={"x": version}, tagged_at=tagged),
    )  # fmt: skip


@pytest.fixture(scope="module")
def corpus(es: Elasticsearch, settings: Settings) -> Iterator[dict[str, int]]:
    before = enrichment_coverage(es, settings, current={})
    articles = [
        make(1, "cov-new", entities=True, topics=True, minutes_ago=1),
        make(2, "cov-new", entities=False, topics=True, minutes_ago=5),
        make(3, "cov-old", entities=True, topics=False, minutes_ago=60),
        make(4, "cov-old", entities=False, topics=False, minutes_ago=90),
        make(5, "cov-old", entities=True, topics=True, minutes_ago=120),
    ]
    index_articles(es, settings, articles)
    es.indices.refresh(index=settings.read_alias)
    yield {"without_entities": before["without_entities"], "without_topics": before["without_topics"]}
    delete_sources(es, settings, [SOURCE])


def test_coverage_counts_versions_gaps_and_stale(es: Elasticsearch, settings: Settings,
                                                 corpus: dict[str, int]) -> None:  # fmt: skip
    data = enrichment_coverage(es, settings)
    assert data["current"][LANG] == "cov-new"  # the most recently tagged article's version
    assert data["by_version"]["cov-new"] == 2 and data["by_version"]["cov-old"] == 3
    # Counted over this test's articles alone: the suite's worker may be indexing others meanwhile.
    ours = enrichment_coverage(es, settings, where={"term": {"source": SOURCE}})
    assert ours["total"] == 5 and ours["without_entities"] == 2 and ours["without_topics"] == 2
    only_zz = enrichment_coverage(es, settings, current={LANG: "cov-new"})
    assert only_zz["not_current"] == 3


def test_metrics_expose_coverage(es: Elasticsearch, corpus: dict[str, int]) -> None:
    text = TestClient(app).get("/metrics").text
    assert 'newsworker_articles_by_enrichment_version{version="cov-old"} 3.0' in text
    assert 'newsworker_articles_without{what="entities"}' in text
    line = next(x for x in text.splitlines() if x.startswith("newsworker_articles_not_current_enrichment "))
    assert float(line.split()[1]) >= 3


def test_retag_status_and_progress(celery_worker: None, es: Elasticsearch, settings: Settings,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert main(["ingest", "seeds/", "--wait", "--timeout", "240"]) == 0
    es.indices.refresh(index=settings.read_alias)
    hit = es.search(index=settings.read_alias, query={"match_phrase": {"body": "Stef Blok"}})["hits"]["hits"][0]
    es.update(index=hit["_index"], id=hit["_id"], doc={"enrichment": {"version": "old"}}, refresh=True)
    capsys.readouterr()
    assert main(["retag", "--status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["not_current"] >= 1 and status["by_version"].get("old") == 1
    assert main(["retag", "--query", "Stef Blok", "--wait", "--timeout", "240"]) == 0
    captured = capsys.readouterr()
    assert "1 article(s) to re-tag" in captured.out and "re-tagged 1" in captured.out
    assert "progress: 1/1 (100 %)" in captured.err
