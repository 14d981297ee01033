"""Rising trends and timelines on the real Elasticsearch, counting articles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from tests.integration.cleanup import delete_sources
from worker.api import app
from worker.article import Article, Entity
from worker.config import Settings
from worker.index.store import index_articles

pytestmark = pytest.mark.integration
SOURCE = "trends-test"
AT = datetime(2024, 6, 1, tzinfo=UTC)


def _article(n: int, when: datetime, entities: list[Entity], language: str = "nl") -> Article:
    digest = hashlib.sha256(f"{SOURCE}{n}".encode()).hexdigest()
    return Article(
        id=digest,
        source=SOURCE,
        title=f"Bericht {n}",
        body=f"Bericht nummer {n}.",
        content_hash=digest,
        language=language,
        published_at=when.isoformat(),
        published_precision="second",
        entities=entities,
    )


@pytest.fixture(scope="module")
def client(es: Elasticsearch, settings: Settings) -> Iterator[TestClient]:
    frequent = Entity(text="Den Haag", type="LOC", wikidata="Q36600")
    articles = []
    # Background: 30 days before the window, four articles a day, one naming Den Haag (a steady 25%).
    for day in range(30):
        for k in range(4):
            articles.append(
                _article(day * 4 + k, AT - timedelta(days=day + 1, hours=3 + k), [frequent] if k == 0 else [])
            )
    # Foreground (last day): Den Haag in 10 articles, its usual 25%; a new party in 30, Dutch and English forms.
    for k in range(10):
        articles.append(_article(1000 + k, AT - timedelta(hours=2 + k), [frequent]))
    for k in range(30):
        party = (
            Entity(text="Nieuwe Partij", type="ORG", wikidata="Q999001")
            if k % 3
            else Entity(text="New Party", type="ORG", wikidata="Q999001")
        )
        articles.append(_article(200 + k, AT - timedelta(hours=1 + k % 20), [party], "en" if k % 3 == 0 else "nl"))
    result = index_articles(es, settings, articles)
    assert not result.failed
    es.indices.refresh(index=settings.read_alias)
    yield TestClient(app)
    delete_sources(es, settings, [SOURCE])


def test_a_burst_of_a_new_entity_rises_above_merely_frequent_ones(client: TestClient) -> None:
    params = {"source": SOURCE, "window": "1d", "background": "30d", "at": AT.isoformat(), "min_articles": 2}
    body = client.get("/trends", params=params).json()
    top = body["rising"][0]
    assert top["key"] == "Q999001" and top["articles"] == 30  # both languages, counted as articles
    assert top["label"] == "Nieuwe Partij" and top["type"] == "ORG"
    frequent = next(r for r in body["rising"] if r["key"] == "Q36600")
    assert frequent["articles"] == 10 and frequent["background_articles"] == 30
    assert abs(frequent["score"]) < 1 < 20 < top["score"]
    assert body["window"]["articles"] == 40 and body["background"]["articles"] == 120


@pytest.mark.parametrize("params", [{"window": "soon"}, {"background": "0d"}, {"at": "2024-13"}, {"field": "words"}])
def test_trends_refuse_bad_parameters(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/trends", params=params)
    assert response.status_code == 400 and response.json()["error"]


def test_timeline_keeps_empty_periods_and_splits(client: TestClient) -> None:
    params = {"source": SOURCE, "since": "2024-05-20", "until": "2024-05-31", "interval": "day"}
    body = client.get("/timeline", params=params).json()
    days = [row["period"][:10] for row in body["series"]]
    assert days[0] == "2024-05-20" and days[-1] == "2024-05-31" and len(days) == 12  # no day skipped
    by_day = {row["period"][:10]: row["articles"] for row in body["series"]}
    assert by_day["2024-05-31"] == 40 and by_day["2024-05-29"] == 4
    split = client.get("/timeline", params={**params, "split": "language"}).json()["series"][-1]["split"]
    assert split == {"nl": 30, "en": 10}
    auto = client.get("/timeline", params={"source": SOURCE}).json()
    assert auto["interval"] == "day" and auto["total"] == 160
    assert client.get("/timeline", params={"interval": "hour", "since": "1990"}).status_code == 400
