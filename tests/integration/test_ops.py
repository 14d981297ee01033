"""Operations on the real services: queue ages and failing feeds in /health, the latency and stage-time
histograms in /metrics, the Grafana dashboard's metric names, CORS and the read rate limit."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from elasticsearch import Elasticsearch
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from worker import api
from worker.api import app
from worker.app import INGEST_ITEMS, _stamp_enqueued_at
from worker.app import app as celery_app
from worker.config import Settings
from worker.ledger import BatchLedger
from worker.sources.registry import FeedDeclaration, FeedRegistry
from worker.timings import STAGES, Histograms

pytestmark = pytest.mark.integration

DASHBOARD = Path(__file__).resolve().parents[2] / "ops" / "grafana" / "newsworker.json"


@pytest.fixture(scope="module")
def client(es: Elasticsearch) -> TestClient:
    return TestClient(app)


@pytest.fixture
def broker(settings: Settings) -> Iterator[redis.Redis]:
    """The broker's Redis, with the `sources` queue to ourselves: a worker started by an earlier test stops
    consuming it while these tests put placeholder messages there."""
    from worker.app import app as celery_app

    client = redis.Redis.from_url(settings.broker_url)
    celery_app.control.cancel_consumer("sources", reply=True, timeout=5)
    yield client
    ledger = BatchLedger(client, settings.index_prefix)
    client.delete("sources", ledger.entries_key, ledger.sent_key)  # nothing for the reaper to send again
    celery_app.control.add_consumer("sources", reply=True, timeout=5)


def samples(client: TestClient) -> dict[str, list[tuple[dict[str, str], float]]]:
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def test_a_published_task_carries_its_enqueue_time(broker: redis.Redis) -> None:
    queue = f"nw-test-stamp-{os.getpid()}"  # a queue no worker consumes: the message stays to be read
    before = time.time()
    try:
        celery_app.send_task(INGEST_ITEMS, args=[[]], queue=queue)
        message = json.loads(broker.lindex(queue, -1))  # type: ignore[arg-type]
        assert before <= message["headers"]["enqueued_at"] <= time.time()
    finally:
        broker.delete(queue)


def test_a_split_batch_keeps_the_first_enqueue_time() -> None:
    headers = {"enqueued_at": 123.0}
    _stamp_enqueued_at(sender=INGEST_ITEMS, headers=headers)
    assert headers == {"enqueued_at": 123.0}


def test_health_reports_the_age_of_the_oldest_task_and_degrades_past_the_limit(
    client: TestClient, broker: redis.Redis, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    now = time.time()
    # LPUSH like the transport: the oldest message is the list's last.
    broker.lpush("sources", json.dumps({"headers": {"enqueued_at": now - 1200}}))
    broker.lpush("sources", json.dumps({"headers": {"enqueued_at": now - 5}}))
    api._workers_cache.update(at=time.monotonic(), value={"ingest": 1, "sources": 1})  # someone consumes
    monkeypatch.setattr(api, "_settings", lambda: settings.model_copy(update={"health_queue_age_max": 900.0}))
    try:
        response = client.get("/health")
        body = response.json()
        assert 1199 <= body["queue_oldest_seconds"]["sources"] <= 1260
        assert body["queue_oldest_seconds"]["ingest"] is None
        assert response.status_code == 503
        assert any("oldest task in 'sources' has waited" in reason for reason in body["reasons"])
        ages = {labels["queue"]: value for labels, value in samples(client)["newsworker_queue_oldest_seconds"]}
        assert ages["sources"] >= 1199 and ages["ingest"] == 0
        broker.rpop("sources")  # the old one taken: 5 s is fine
        assert client.get("/health").json()["queue_oldest_seconds"]["sources"] < 900
    finally:
        api._workers_cache.clear()


def test_health_and_metrics_report_the_ledger_and_degrade_when_its_oldest_batch_is_too_old(
    client: TestClient, broker: redis.Redis, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    ledger, now, queue = BatchLedger(broker, settings.index_prefix), time.time(), f"nw-test-ledger-{os.getpid()}"
    broker.delete(ledger.entries_key, ledger.sent_key, ledger.resent_key)
    # The head of the batches' queue carries no enqueue stamp: no worker's reaper judges them lost and re-sends them.
    broker.lpush(queue, json.dumps({"headers": {}}))
    ledger.record("ledger-old", INGEST_ITEMS, [[]], {}, queue, now - 1200)
    ledger.record("ledger-new", INGEST_ITEMS, [[]], {}, queue, now - 5)
    broker.set(ledger.resent_key, 3)
    monkeypatch.setattr(api, "_settings", lambda: settings.model_copy(update={"health_ledger_age_max": 900.0}))
    try:
        response = client.get("/health")
        body = response.json()
        assert body["ledger"]["in_flight"] == 2 and body["ledger"]["oldest_task_id"] == "ledger-old"
        assert 1199 <= body["ledger"]["oldest_seconds"] <= 1260 and body["ledger"]["resent"] == 3
        assert response.status_code == 503
        assert any("oldest batch in the ledger (ledger-old) was sent" in reason for reason in body["reasons"])
        exported = samples(client)
        assert exported["newsworker_ledger_in_flight"] == [({}, 2.0)]
        assert exported["newsworker_ledger_oldest_seconds"][0][1] >= 1199
        assert exported["newsworker_ledger_resent_total"] == [({}, 3.0)]
        ledger.finish("ledger-old")  # the old one done: 5 s is fine
        body = client.get("/health").json()
        assert body["ledger"]["in_flight"] == 1 and body["ledger"]["oldest_seconds"] < 900
        assert not any("ledger" in reason for reason in body.get("reasons", []))
    finally:
        broker.delete(queue, ledger.resent_key)


def test_a_message_without_the_stamp_has_no_age(client: TestClient, broker: redis.Redis) -> None:
    broker.rpush("sources", "not json")
    assert client.get("/health").json()["queue_oldest_seconds"]["sources"] is None


def test_health_degrades_when_too_many_feeds_fail(client: TestClient, settings: Settings) -> None:
    registry = FeedRegistry(redis.Redis.from_url(settings.redis_url), settings)
    urls = [f"https://feeds{i}.example.org/rss" for i in range(3)]
    try:
        states = [registry.add(FeedDeclaration(url=url))[0] for url in urls]
        registry.save(states[0].model_copy(update={"consecutive_failures": 4, "last_error": "HTTP 500",
                                                   "failing_since": datetime.now(UTC)}))  # fmt: skip
        body = client.get("/health").json()
        assert body["feeds"]["failing"] == 1 and body["feeds"]["enabled"] >= 3
        assert body["feeds"]["failing_feeds"][0]["last_error"] == "HTTP 500"
        assert not any("feeds failing" in reason for reason in body.get("reasons", []))  # 1 of 3: below half
        for state in states[1:]:
            registry.save(state.model_copy(update={"consecutive_failures": 1, "last_error": "timeout"}))
        response = client.get("/health")
        reason = next(r for r in response.json()["reasons"] if "feeds failing" in r)
        assert response.status_code == 503
        assert "3 of" in reason and "HTTP 500" in reason  # the worst feed named, with its error
        exported = samples(client)
        feeds = {labels["state"]: value for labels, value in exported["newsworker_feeds"]}
        assert feeds["failing"] == 3
        assert "newsworker_articles" in exported  # degraded by feeds: the index is still counted
    finally:
        for url in urls:
            registry.remove(url)


def test_histograms_from_every_process_are_summed_in_metrics(client: TestClient, settings: Settings) -> None:
    store = Histograms(redis.Redis.from_url(settings.redis_url), settings.index_prefix)
    before = samples(client)
    # Two "processes" record: one batch of 3 indexed items after 2 s, one of 1 after 40 s.
    store.record([("normalise", 0.02), ("tag", 0.3)], latency=2.0, items=3)
    store.record([("tag", 0.7)], latency=40.0, items=1)
    after = samples(client)

    def delta(name: str, **labels: str) -> float:
        def value(rows: dict[str, list[tuple[dict[str, str], float]]]) -> float:
            return next(v for lbl, v in rows[name] if all(lbl.get(k) == x for k, x in labels.items()))

        return value(after) - value(before)

    assert delta("newsworker_enqueue_to_indexed_seconds_count") == 4
    assert delta("newsworker_enqueue_to_indexed_seconds_sum") == pytest.approx(46.0)
    assert delta("newsworker_enqueue_to_indexed_seconds_bucket", le="2.5") == 3
    assert delta("newsworker_enqueue_to_indexed_seconds_bucket", le="60.0") == 4
    assert delta("newsworker_stage_seconds_count", stage="tag") == 2
    assert delta("newsworker_stage_seconds_bucket", stage="tag", le="0.5") == 1
    assert {lbl["stage"] for lbl, _ in after["newsworker_stage_seconds_count"]} == set(STAGES)


def test_a_posted_document_is_timed_from_enqueue_to_index(
    client: TestClient, celery_worker: None, es: Elasticsearch, settings: Settings
) -> None:
    def latency_count() -> float:
        return samples(client)["newsworker_enqueue_to_indexed_seconds_count"][0][1]

    def stage_count(stage: str) -> float:
        return next(v for lbl, v in samples(client)["newsworker_stage_seconds_count"] if lbl["stage"] == stage)

    before, tags_before = latency_count(), stage_count("tag")
    text = f"title Ops timing {time.time()}\n\nDe dijkgraaf van Zeeland meldde hoog water bij Vlissingen."
    assert client.post("/documents", content=text, headers={"content-type": "text/plain"}).status_code == 202
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and latency_count() == before:
        time.sleep(0.5)
    assert latency_count() == before + 1
    assert stage_count("tag") > tags_before
    assert all(stage_count(stage) > 0 for stage in STAGES)


def test_every_metric_of_the_grafana_dashboard_is_exported(client: TestClient) -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert exprs and dashboard["uid"] == "newsworker"
    used = {name for expr in exprs for name in re.findall(r"\b(newsworker_[a-z_]+)\b", expr)}
    exported = set()  # the series names each family declares, whether or not it has samples yet
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        exported |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
    assert used and used <= exported, f"not in /metrics: {sorted(used - exported)}"
    assert {"newsworker_enqueue_to_indexed_seconds_bucket", "newsworker_stage_seconds_bucket"} <= used


def _cors_app(monkeypatch: pytest.MonkeyPatch, settings: Settings, origins: list[str]) -> TestClient:
    monkeypatch.setattr(api, "get_settings", lambda: settings.model_copy(update={"api_cors_origins": origins}))
    tiny = FastAPI()
    tiny.add_middleware(api.SettingsCORS)
    tiny.get("/search")(lambda: {"hits": []})
    return TestClient(tiny)


def test_cors_is_off_by_default_and_allows_only_configured_origins(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    origin = {"origin": "https://news.example.org"}
    assert "access-control-allow-origin" not in client.get("/health", headers=origin).headers  # default: off
    assert "access-control-allow-origin" not in _cors_app(monkeypatch, settings, []).get(
        "/search", headers=origin).headers  # fmt: skip
    configured = _cors_app(monkeypatch, settings, ["https://news.example.org"])
    assert configured.get("/search", headers=origin).headers["access-control-allow-origin"] == origin["origin"]
    other = configured.get("/search", headers={"origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers
    preflight = configured.options("/search", headers={**origin, "access-control-request-method": "GET",
                                                       "access-control-request-headers": "x-api-key"})  # fmt: skip
    assert preflight.status_code == 200 and "x-api-key" in preflight.headers["access-control-allow-headers"].lower()


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[None]:
    prefix = f"ratetest{os.getpid()}"
    monkeypatch.setattr(api, "get_settings", lambda: settings.model_copy(
        update={"api_rate_limit": 0.5, "api_rate_burst": 2, "index_prefix": prefix}))  # fmt: skip
    api._rate_limiter.cache_clear()
    yield
    api._rate_limiter.cache_clear()
    r = redis.Redis.from_url(settings.redis_url)
    for key in r.scan_iter(f"{prefix}:ratelimit:*"):
        r.delete(key)


def test_read_endpoints_answer_429_with_retry_after_past_the_budget(client: TestClient, limited: None) -> None:
    assert [client.get("/stats/hourly", params={"hours": 1}).status_code for _ in range(2)] == [200, 200]
    refused = client.get("/search", params={"q": "storm"})
    assert refused.status_code == 429
    assert refused.headers["retry-after"] in ("1", "2") and "rate limit" in refused.json()["error"]
    assert client.get("/health").status_code != 429 and client.get("/metrics").status_code == 200  # probes open
    time.sleep(2.1)  # 0.5 token/s: one request again
    assert client.get("/stats/hourly", params={"hours": 1}).status_code == 200


def test_each_client_has_its_own_bucket(client: TestClient, limited: None) -> None:
    for _ in range(2):
        client.get("/stats/hourly", params={"hours": 1})
    assert client.get("/stats/hourly", params={"hours": 1}).status_code == 429
    other = TestClient(app, client=("203.0.113.9", 5000))
    assert other.get("/stats/hourly", params={"hours": 1}).status_code == 200


def test_the_servers_own_redis_connection_enforces_the_rate_limit(limited: None) -> None:
    with TestClient(app) as served:  # the lifespan: the limit is spent over the server's async Redis client
        assert app.state.redis is not None
        assert [served.get("/stats/hourly", params={"hours": 1}).status_code for _ in range(2)] == [200, 200]
        refused = served.get("/search", params={"q": "storm"})
        assert refused.status_code == 429 and refused.headers["retry-after"] in ("1", "2")
    assert app.state.redis is None  # closed with the server


def test_rate_limit_is_off_by_default(client: TestClient) -> None:
    api._rate_limiter.cache_clear()
    assert api._rate_limiter() is None
    assert all(client.get("/stats/hourly", params={"hours": 1}).status_code == 200 for _ in range(40))
