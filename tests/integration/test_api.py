"""The HTTP API on the real services."""

from __future__ import annotations

import time

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from worker.api import app
from worker.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(es: Elasticsearch) -> TestClient:
    return TestClient(app)


def test_health_reports_every_dependency(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["redis"] == "ok"
    assert body["elasticsearch"] in ("green", "yellow")


def test_posted_document_is_indexed_and_searchable(
    client: TestClient, celery_worker: None, es: Elasticsearch, settings: Settings
) -> None:
    text = "date 2023-09-12\ntitle Storm in Zeeland\n\nEen zware storm trok dinsdag over Zeeland en Vlissingen."
    response = client.post("/documents", content=text, headers={"content-type": "text/plain"})
    assert response.status_code == 202
    deadline = time.monotonic() + 120
    total = 0
    while time.monotonic() < deadline and not total:
        es.indices.refresh(index=settings.read_alias)
        total = client.get("/search", params={"q": "storm Zeeland"}).json()["total"]
        time.sleep(0.5)
    assert total == 1
    hit = client.get("/search", params={"q": "storm", "since": "2023-09", "until": "2023-09"}).json()["hits"][0]
    assert hit["published_at"] == "2023-09-12"
    assert client.get(f"/articles/{hit['id']}").json()["title"] == "Storm in Zeeland"
    assert client.get("/articles/does-not-exist").status_code == 404


def test_metrics_are_prometheus_text(client: TestClient) -> None:
    text = client.get("/metrics").text
    assert 'newsworker_up{dependency="redis"} 1' in text
    assert "# TYPE newsworker_articles gauge" in text


def test_bad_date_is_a_client_error(client: TestClient) -> None:
    assert client.get("/search", params={"since": "yesterday-ish"}).status_code == 422
    assert client.post("/documents", content="  ", headers={"content-type": "text/plain"}).status_code == 422


def test_dashboard_page_and_hourly_series(client: TestClient, celery_worker: None, capsys) -> None:
    from worker.cli import main

    assert main(["ingest", "seeds/", "--wait", "--timeout", "240"]) == 0
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "stats/hourly" in page.text and "<script>" in page.text
    hours = client.get("/stats/hourly", params={"hours": 3}).json()["hours"]
    assert len(hours) == 3
    assert sum(h.get("indexed", 0) + h.get("unchanged", 0) for h in hours) >= 1
    metrics = client.get("/metrics").text
    assert 'newsworker_items_total{outcome="indexed"}' in metrics
    facets = client.get("/search", params={"size": 0, "facets": True}).json()["facets"]
    assert facets["languages"]["nl"] >= 1
    assert "conflict" in facets["topic_labels"]["16000000"]
