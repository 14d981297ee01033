"""`/monitor/*`, what the dashboard's monitoring panels read, on real Redis and Elasticsearch: failing feeds,
saved searches with their recent matches, sources outside their baseline, enrichment coverage; their shape,
the read scope, and a 400 for each bad parameter."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.integration.cleanup import delete_sources
from worker import api
from worker.alerts.baselines import BaselineState, Verdict
from worker.alerts.store import Alert, AlertStore
from worker.api import app
from worker.article import Article, Enrichment
from worker.config import Settings
from worker.index.store import index_articles
from worker.sources.registry import FeedDeclaration, FeedRegistry

pytestmark = pytest.mark.integration
SOURCE = "monitor-test"
WORD = "zeespiegelmeting"  # in these articles only
HOOK = "http://127.0.0.1:9/hook"
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def client(es: Elasticsearch) -> TestClient:
    return TestClient(app)


def _article(n: int, written: datetime, *, version: str = "mon-v1", word: str = WORD) -> Article:
    digest = hashlib.sha256(f"monitor|{n}".encode()).hexdigest()
    return Article(id=digest, source=SOURCE, title=f"Meting {n}", body=f"De {word} van vandaag, nummer {n}.",
                   content_hash=digest, language="zy", ingested_at=written,
                   enrichment=Enrichment(version=version, models={"x": version}, tagged_at=written))  # fmt: skip


@pytest.fixture(scope="module")
def written(es: Elasticsearch, settings: Settings) -> Iterator[None]:
    """Articles written 1 and 2 hours ago, 3 days ago (three), 6 days ago (before the alert) and 10 days ago;
    and one of another version, written last."""
    hours = [1, 2, 72, 73, 74, 6 * 24, 10 * 24]
    articles = [_article(n, NOW - timedelta(hours=h)) for n, h in enumerate(hours)]
    articles.append(_article(99, NOW - timedelta(minutes=30), version="mon-v2", word="anders"))  # newest tagged
    assert not index_articles(es, settings, articles).failed
    es.indices.refresh(index=settings.read_alias)
    yield
    delete_sources(es, settings, [SOURCE])


def test_monitor_feeds_lists_failing_then_disabled_feeds_with_their_reason(
    client: TestClient, redis_client: redis.Redis, settings: Settings
) -> None:
    registry = FeedRegistry(redis_client, settings)
    urls = [f"https://monitor{i}.example.org/rss" for i in range(4)]
    since, ok = NOW - timedelta(hours=5), NOW - timedelta(hours=6)
    try:
        states = [registry.add(FeedDeclaration(url=url, name=f"feed {i}"))[0] for i, url in enumerate(urls)]
        registry.save(states[0].model_copy(update={"consecutive_failures": 2, "last_error": "HTTP 500",
                                                   "failing_since": since, "last_ok": ok}))  # fmt: skip
        registry.save(states[1].model_copy(update={"consecutive_failures": 5, "last_error": "timeout",
                                                   "failing_since": since}))  # fmt: skip
        registry.set_enabled(urls[2], False, reason="410 Gone")
        body = client.get("/monitor/feeds").json()
        assert {"total", "enabled", "failing", "disabled", "feeds"} <= set(body)
        mine = [f for f in body["feeds"] if f["url"] in urls]
        assert [f["url"] for f in mine] == [urls[1], urls[0], urls[2]]  # most failures first, then disabled
        assert mine[1] == {
            "url": urls[0], "name": "feed 0", "state": "failing", "consecutive_failures": 2, "last_error": "HTTP 500",
            "disabled_reason": None, "failing_since": since.isoformat(), "last_ok": ok.isoformat(), "last_poll": None,
            "next_poll": mine[1]["next_poll"],
        }  # fmt: skip
        assert mine[0]["last_ok"] is None  # never polled successfully
        assert mine[2]["state"] == "disabled" and mine[2]["disabled_reason"] == "410 Gone"
        assert mine[2]["next_poll"] is None
        assert body["failing"] >= 2 and body["disabled"] >= 1
        assert len(client.get("/monitor/feeds", params={"limit": 1}).json()["feeds"]) == 1
    finally:
        for url in urls:
            registry.remove(url)


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("/monitor/feeds", {"limit": 0}, "limit"),
        ("/monitor/feeds", {"limit": "many"}, "limit"),
        ("/monitor/alerts", {"limit": 201}, "limit"),
        ("/monitor/alerts", {"examples": -1}, "examples"),
        ("/monitor/alerts", {"examples": 21}, "examples"),
        ("/monitor/sources", {"all": "perhaps"}, "all"),
    ],
)
def test_monitor_bad_parameters_are_400_naming_them(client: TestClient, path: str, params: dict[str, object],
                                                    param: str) -> None:  # fmt: skip
    response = client.get(path, params=params)
    assert response.status_code == 400
    assert response.json()["param"] == param and response.json()["error"].startswith(param)


MONITOR_PARAMS = {"/monitor/feeds": ["limit"], "/monitor/alerts": ["limit", "examples"], "/monitor/sources": ["all"],
                  "/monitor/coverage": ["x"]}  # fmt: skip


@given(
    path=st.sampled_from(sorted(MONITOR_PARAMS)),
    values=st.lists(st.text(max_size=25) | st.integers(-(10**6), 10**6).map(str), min_size=1, max_size=2),
    data=st.data(),
)
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_parameters_never_give_a_5xx(client: TestClient, path: str, values: list[str],
                                            data: st.DataObject) -> None:  # fmt: skip
    names = data.draw(st.lists(st.sampled_from(MONITOR_PARAMS[path]), min_size=len(values), max_size=len(values)))
    response = client.get(path, params=dict(zip(names, values, strict=True)))
    assert response.status_code < 500, (path, names, values, response.text)
    if response.status_code >= 400:
        assert response.json()["error"]


def test_monitor_alerts_counts_matches_written_since_the_alert_exists(
    client: TestClient, redis_client: redis.Redis, settings: Settings, written: None
) -> None:
    store = AlertStore(redis_client, settings.index_prefix)
    created = NOW - timedelta(days=5)
    store.add(Alert(name="mon-zeespiegel", query=WORD, lang=["zy"], webhook=HOOK, created_at=created))
    store.add(Alert(name="mon-ops", kind="baseline", webhook=HOOK))
    store.add(Alert(name="mon-quiet", query="nergensvoorkomend", webhook=HOOK))
    try:
        body = client.get("/monitor/alerts", params={"examples": 2}).json()
        assert body["total"] >= 3 and body["shown"] >= 3
        rows = {a["name"]: a for a in body["alerts"] if a["name"].startswith("mon-")}
        assert [a["name"] for a in body["alerts"]] == sorted(a["name"] for a in body["alerts"])
        watch = rows["mon-zeespiegel"]
        # 1 h and 2 h ago in the last day; 3 more 3 days ago; 6 and 10 days ago were before the alert existed.
        assert (watch["matches_24h"], watch["matches_7d"]) == (2, 5)
        assert [m["title"] for m in watch["latest"]] == ["Meting 0", "Meting 1"]  # newest written first
        assert set(watch["latest"][0]) == {"id", "title", "url", "source", "published_at", "ingested_at"}
        assert watch["query"] == WORD and watch["lang"] == ["zy"] and watch["created_at"] == created.isoformat()
        assert "webhook" not in watch and "secret" not in watch  # read scope: nothing secret
        assert (rows["mon-quiet"]["matches_24h"], rows["mon-quiet"]["matches_7d"], rows["mon-quiet"]["latest"]) == (
            0, 0, [])  # fmt: skip
        assert rows["mon-ops"]["kind"] == "baseline" and rows["mon-ops"]["matches_7d"] is None
        assert client.get("/monitor/alerts", params={"limit": 1}).json()["shown"] == 1
        counts_only = client.get("/monitor/alerts", params={"examples": 0}).json()["alerts"]
        watch = next(a for a in counts_only if a["name"] == "mon-zeespiegel")
        assert (watch["matches_24h"], watch["matches_7d"], watch["latest"]) == (2, 5, [])
    finally:
        for name in ("mon-zeespiegel", "mon-ops", "mon-quiet"):
            store.remove(name)


def test_monitor_sources_lists_degraded_sources_with_their_band(
    client: TestClient, redis_client: redis.Redis, settings: Settings
) -> None:
    state = BaselineState(redis_client, settings.index_prefix)
    verdicts = [
        Verdict("mon-quiet.example", "silent", 0, 18.0, 9, 29, 5, "0 article(s) in the last 6 h, expected 18.0"),
        Verdict("mon-busy.example", "flood", 120, 18.0, 9, 29, 5, "120 article(s) in the last 6 h, expected 18.0"),
        Verdict("mon-fine.example", "ok", 17, 18.0, 9, 29, 5),
        Verdict("mon-young.example", "learning", 4, 0.0, 0, 0, 1, "1 of 3 weeks of history"),
    ]
    try:
        state.record(verdicts, NOW)
        body = client.get("/monitor/sources").json()
        assert body["checked_at"] == NOW.isoformat() and body["window_hours"] == settings.baseline_window_hours
        assert body["counts"] == {"silent": 1, "flood": 1, "ok": 1, "learning": 1}
        assert [s["source"] for s in body["sources"]] == ["mon-quiet.example", "mon-busy.example"]
        assert body["sources"][0] == {
            "source": "mon-quiet.example", "status": "silent", "observed": 0, "expected": 18.0, "low": 9, "high": 29,
            "weeks": 5, "since": NOW.isoformat(), "reason": "0 article(s) in the last 6 h, expected 18.0",
        }  # fmt: skip
        every = client.get("/monitor/sources", params={"all": "true"}).json()["sources"]
        assert [s["status"] for s in every] == ["silent", "flood", "ok", "learning"]
    finally:
        redis_client.delete(state.key, state.checked_key)
    assert client.get("/monitor/sources").json() == {
        "checked_at": None, "window_hours": settings.baseline_window_hours,
        "counts": {"silent": 0, "flood": 0, "ok": 0, "learning": 0}, "sources": [],
    }  # fmt: skip


def test_monitor_coverage_counts_versions_and_gaps(client: TestClient, written: None) -> None:
    body = client.get("/monitor/coverage").json()
    assert {"total", "by_version", "without_entities", "without_topics", "not_current", "current"} == set(body)
    assert body["by_version"]["mon-v1"] == 7 and body["by_version"]["mon-v2"] == 1
    assert body["current"]["zy"] == "mon-v2"  # the most recently tagged of the language
    assert body["without_entities"] >= 8 and body["not_current"] >= 7


def test_monitor_endpoints_need_the_read_scope(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = Settings(api_keys=["reader-key:read"], api_auth="auto")
    monkeypatch.setattr(api, "api_settings", lambda: keys)
    for path in ("/monitor/feeds", "/monitor/alerts", "/monitor/sources", "/monitor/coverage"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"x-api-key": "reader-key"}).status_code == 200


def test_monitor_feeds_hides_credentials_in_feed_urls(
    client: TestClient, redis_client: redis.Redis, settings: Settings
) -> None:
    registry = FeedRegistry(redis_client, settings)
    url = "https://reader:s3cret@monitor-auth.example.org/rss?apikey=abc123&format=rss"
    try:
        state = registry.add(FeedDeclaration(url=url))[0]
        registry.save(state.model_copy(update={"consecutive_failures": 1, "last_error": f"HTTP 401 for {url}"}))
        row = next(f for f in client.get("/monitor/feeds").json()["feeds"] if "monitor-auth" in f["url"])
        assert row["url"] == "https://monitor-auth.example.org/rss?apikey=***&format=rss"
        assert "s3cret" not in str(row) and "abc123" not in str(row)
    finally:
        registry.remove(url)


def test_one_alert_query_refused_by_elasticsearch_does_not_hide_the_others(
    es: Elasticsearch, redis_client: redis.Redis, settings: Settings, written: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
    from elasticsearch import BadRequestError

    from worker.monitor import alert_activity

    store = AlertStore(redis_client, settings.index_prefix)
    store.add(Alert(name="mon-good", query=WORD, webhook=HOOK, created_at=NOW - timedelta(days=5)))
    store.add(Alert(name="mon-refused", query="weigeringswoord", webhook=HOOK, created_at=NOW - timedelta(days=5)))
    real = es.search

    def refusing(**kwargs: object) -> object:  # as ES answers a query over its clause limit
        if "weigeringswoord" in str(kwargs.get("aggs")):
            meta = ApiResponseMeta(400, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "127.0.0.1", 9200))
            raise BadRequestError("too_many_nested_clauses", meta, {"error": "too many clauses"})
        return real(**kwargs)

    monkeypatch.setattr(es, "search", refusing)
    try:
        rows = {a["name"]: a for a in alert_activity(es, redis_client, settings, limit=200, examples=1)["alerts"]}
        assert rows["mon-good"]["matches_7d"] == 5 and not rows["mon-good"].get("error")
        assert "refused" in rows["mon-refused"]["error"]
    finally:
        for name in ("mon-good", "mon-refused"):
            store.remove(name)
