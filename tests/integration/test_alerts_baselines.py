"""Source-volume baselines on a feed farm in the real Elasticsearch: a source that stops publishing and one
that starts repeating are degraded with their reason in /health and /metrics and announced by webhook; a
steady source stays ok and a new one is still learning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from tests.integration.cleanup import delete_sources
from tests.integration.receiver import Receiver
from tests.integration.volumes import weekly_windows
from worker.alerts.baselines import BaselineState, check
from worker.alerts.store import Alert, AlertStore
from worker.api import app
from worker.article import Article
from worker.config import Settings

pytestmark = pytest.mark.integration
STEADY, SILENT, FLOOD, NEW = "farm-steady.example", "farm-silent.example", "farm-flood.example", "farm-new.example"
WEEKLY = [18, 17, 19, 20, 16, 18]  # articles in the 6-hour window, this week (index 0) and 5 weeks back


def farm(now: datetime) -> list[Article]:
    """Each source's articles in the same 6-hour window of the week, this week and earlier weeks."""
    plan = {
        STEADY: WEEKLY,
        SILENT: [0, *WEEKLY[1:]],
        FLOOD: [120, *WEEKLY[1:]],  # a broken feed sending item after item
        NEW: [18, 17],  # one week of history: still learning
    }
    return weekly_windows(plan, now)


@pytest.fixture(scope="module")
def farm_now(es: Elasticsearch, settings: Settings, redis_client: redis.Redis) -> Iterator[datetime]:
    now = datetime.now(UTC)
    from worker.index.store import index_articles

    index_articles(es, settings, farm(now))
    es.indices.refresh(index=settings.read_alias)
    yield now
    delete_sources(es, settings, [STEADY, SILENT, FLOOD, NEW])
    redis_client.delete(BaselineState(redis_client, settings.index_prefix).key)


def test_farm_verdicts(es: Elasticsearch, redis_client: redis.Redis, settings: Settings, farm_now: datetime) -> None:
    verdicts, changed = check(es, redis_client, settings, farm_now)
    status = {v.source: v.status for v in verdicts if v.source.startswith("farm-")}
    assert status == {STEADY: "ok", SILENT: "silent", FLOOD: "flood", NEW: "learning"}
    assert sorted(v.source for v, _ in changed) == [FLOOD, SILENT]
    # The next check finds them still degraded: no second announcement.
    assert check(es, redis_client, settings, farm_now)[1] == []


def test_health_and_metrics_show_degraded_sources(es: Elasticsearch, redis_client: redis.Redis,
                                                  settings: Settings, farm_now: datetime) -> None:  # fmt: skip
    check(es, redis_client, settings, farm_now)
    client = TestClient(app)
    response = client.get("/health")
    body = response.json()
    assert body["status"] == "degraded"
    assert response.status_code == 200 or any("source" not in r for r in body["reasons"])  # sources alone: 200
    assert set(body["sources"]["degraded"]) >= {SILENT, FLOOD}
    silent = next(r for r in body["reasons"] if SILENT in r)
    assert "silent: 0 article(s) in the last 6 h, expected 18.0" in silent
    assert any(FLOOD in r and "flood: 120 article(s)" in r for r in body["reasons"])
    text = client.get("/metrics").text
    assert f'newsworker_source_status{{source="{FLOOD}",status="flood"}} 1.0' in text
    assert f'newsworker_source_volume{{source="{SILENT}"}} 0.0' in text
    assert 'newsworker_sources_degraded{status="silent"}' in text


def test_degraded_sources_are_announced_by_webhook(celery_worker: None, es: Elasticsearch, redis_client: redis.Redis,
                                                   settings: Settings, farm_now: datetime) -> None:  # fmt: skip
    from worker.alerts.tasks import check_baselines

    receiver = Receiver()
    store = AlertStore(redis_client, settings.index_prefix)
    try:
        redis_client.delete(BaselineState(redis_client, settings.index_prefix).key)  # start from no state
        store.add(Alert(name="ops", kind="baseline", webhook=receiver.url))
        result = check_baselines.apply().get()
        assert result["deliveries"] == 2
        bodies = [json.loads(b) for _, b in receiver.wait(2, timeout=30)]
        assert {(b["source"], b["status"]) for b in bodies} == {(SILENT, "silent"), (FLOOD, "flood")}
        assert all(b["kind"] == "baseline" and b["reason"] for b in bodies)
    finally:
        store.remove("ops")
        receiver.close()
