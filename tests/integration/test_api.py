"""The HTTP API on the real services."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from worker import api
from worker.api import app
from worker.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(es: Elasticsearch) -> TestClient:
    return TestClient(app)


def test_health_reports_every_dependency_and_queue(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["redis"] == "ok"
    assert body["elasticsearch"] in ("green", "yellow")
    assert set(body["queues"]) == {"ingest", "sources"}


def test_health_counts_the_sources_queue(client: TestClient, settings: Settings) -> None:
    import redis

    from worker.app import app as celery_app

    r = redis.Redis.from_url(settings.broker_url)  # the queues live in the broker's Redis
    # A worker started by an earlier test would take these placeholder messages (and choke on them):
    # it stops consuming the queue while they sit there.
    celery_app.control.cancel_consumer("sources", reply=True, timeout=5)
    r.rpush("sources", "x", "y")
    api._workers_cache.clear()
    try:
        response = client.get("/health")
        body = response.json()
        assert body["queues"]["sources"] == 2 and body["queue_depth"] >= 2
        if not body["workers"]["sources"]:  # waiting work and nobody to do it: degraded, saying why
            assert response.status_code == 503
            assert any("no worker consumes 'sources'" in reason for reason in body["reasons"])
        families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
        depth = {s.labels["queue"]: s.value for s in families["newsworker_queue_depth"].samples}
        assert depth["sources"] == 2
    finally:
        r.delete("sources")
        celery_app.control.add_consumer("sources", reply=True, timeout=5)


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
    lines = client.get("/export", params={"q": "storm", "fields": "id,title"}).text.splitlines()
    assert [json.loads(line) for line in lines] == [{"id": hit["id"], "title": "Storm in Zeeland"}]
    rows = client.get("/export", params={"q": "storm", "format": "csv"}).text.splitlines()
    assert rows[0] == "id,url,source,title,published_at,language" and len(rows) == 2


def test_metrics_are_prometheus_text_from_prometheus_client(client: TestClient) -> None:
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    up = {s.labels["dependency"]: s.value for s in families["newsworker_up"].samples}
    assert up == {"redis": 1.0, "elasticsearch": 1.0}
    assert families["newsworker_articles"].type == "gauge"
    assert families["newsworker_items"].type == "counter"


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("/search", {"q": "(unbalanced"}, "q"),
        ("/search", {"q": "title:"}, "q"),
        ("/search", {"since": "yesterday-ish"}, "since"),
        ("/search", {"until": "2022-13"}, "until"),
        ("/search", {"offset": "9995", "size": "10"}, "offset"),
        ("/search", {"size": "20000"}, "size"),
        ("/search", {"size": "ten"}, "size"),
        ("/search", {"offset": "-1"}, "offset"),
        ("/search", {"sort": "popularity"}, "sort"),
        ("/search", {"cursor": "not-a-cursor"}, "cursor"),
        ("/search", {"until": "9999"}, "until"),
        ("/search", {"q": "published:9999-12-31"}, "q"),
        ("/search", {"facets": "maybe"}, "facets"),
        ("/export", {"format": "xml"}, "format"),
        ("/export", {"fields": "id,secret"}, "fields"),
        ("/export", {"q": '"open'}, "q"),
        ("/trends", {"window": "garbage"}, "window"),
        ("/trends", {"background": "-3d"}, "background"),
        ("/trends", {"at": "2024-13"}, "at"),
        ("/trends", {"at": "0001-01-01"}, "at"),
        ("/trends", {"top": "0"}, "top"),
        ("/timeline", {"interval": "fortnight"}, "interval"),
        ("/timeline", {"split": "colour"}, "split"),
        ("/stats/hourly", {"hours": "1e9"}, "hours"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client: TestClient, path: str, params: dict, param: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] and body["param"] == param


def test_a_forged_cursor_is_a_400(client: TestClient) -> None:
    from worker.search import SearchQuery, encode_cursor

    token = encode_cursor("bm90LWEtcGl0", ["x", 1], SearchQuery().signature())
    response = client.get("/search", params={"cursor": token})
    assert response.status_code == 400 and response.json()["param"] == "cursor"


def test_query_syntax_error_carries_its_position(client: TestClient) -> None:
    body = client.get("/search", params={"q": "Taliban AND (NAVO"}).json()
    assert body == {"error": "expected ')' at 17", "position": 17, "param": "q"}


@given(
    q=st.text(max_size=60) | st.sampled_from(['"a b"~3', "x*", "title:", "(", "published:[2021 TO", "-", "*"]),
    params=st.dictionaries(
        st.sampled_from(["lang", "source", "topic", "entity", "since", "until", "size", "offset", "sort", "cursor"]),
        st.text(max_size=20) | st.integers(-(10**12), 10**12).map(str),
        max_size=4,
    ),
)
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_queries_and_parameters_never_give_a_5xx(client: TestClient, q: str, params: dict[str, str]) -> None:
    response = client.get("/search", params={"q": q, **params})
    assert response.status_code < 500, (q, params, response.text)
    if response.status_code >= 400:
        assert response.json()["error"]


ENDPOINT_PARAMS = {
    "/export": ["q", "lang", "format", "fields", "sort", "since"],
    "/trends": ["field", "window", "background", "at", "top", "min_articles", "q", "entity"],
    "/timeline": ["q", "since", "until", "interval", "split", "top", "topic"],
    "/stats/hourly": ["hours"],
    "/articles/x/similar": ["size"],
}


@given(
    path=st.sampled_from(sorted(ENDPOINT_PARAMS)),
    values=st.lists(st.text(max_size=25) | st.integers(-(10**6), 10**6).map(str), min_size=1, max_size=4),
    data=st.data(),
)
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_parameters_never_give_a_5xx_on_any_endpoint(
    client: TestClient, path: str, values: list[str], data: st.DataObject
) -> None:
    names = data.draw(st.lists(st.sampled_from(ENDPOINT_PARAMS[path]), min_size=len(values), max_size=len(values)))
    response = client.get(path, params=dict(zip(names, values, strict=True)))
    assert response.status_code < 500, (path, names, values, response.text)


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[None]:
    monkeypatch.setattr(api, "_settings", lambda: settings.model_copy(update={"max_document_bytes": 1000}))
    yield


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        (None, b"title x\n\ntext", 415),
        ("application/x-www-form-urlencoded", b"a=b", 415),
        ("multipart/form-data; boundary=x", b"--x--", 415),
        ("text/plain", b"Caf\xe9 au lait \xff\xfe", 400),
        ("text/plain; charset=utf-8", b"\xc3\x28 broken", 400),
        ("text/plain; charset=no-such-charset", b"hello", 400),
        ("text/plain; charset=rot13", b"hello", 400),
        ("text/plain", b"   \n ", 400),
        ("text/plain", b"x" * 1001, 413),
    ],
)
def test_document_intake_refuses_what_it_cannot_read(
    client: TestClient, small_cap: None, content_type: str | None, body: bytes, status: int
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/documents", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"]


def test_document_over_the_cap_is_refused_while_streaming(client: TestClient, small_cap: None) -> None:
    def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to refuse on
        for _ in range(100):
            yield b"y" * 100

    response = client.post("/documents", content=chunks(), headers={"content-type": "text/plain"})
    assert response.status_code == 413


def test_declared_charset_is_decoded(client: TestClient) -> None:
    text = "title Café\n\nDe café aan de Maas is heropend na de verbouwing.".encode("latin-1")
    response = client.post("/documents", content=text, headers={"content-type": "text/plain; charset=ISO-8859-1"})
    assert response.status_code == 202 and response.json()["task_id"]


def test_api_keys_scope_reads_and_writes(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = Settings(api_keys="reader-key:read,writer-key:read+write", api_auth="auto")
    monkeypatch.setattr(api, "api_settings", lambda: keys)
    assert client.get("/search").status_code == 401
    assert client.get("/search", headers={"x-api-key": "wrong"}).status_code == 401
    assert client.get("/search", headers={"authorization": "Bearer reader-key"}).status_code == 200
    doc = {"content": b"title t\n\nEen tekst.", "headers": {"content-type": "text/plain"}}
    assert client.post("/documents", **doc).status_code == 401  # type: ignore[arg-type]
    denied = client.post("/documents", content=doc["content"], headers={**doc["headers"], "x-api-key": "reader-key"})
    assert denied.status_code == 403 and "write" in denied.json()["error"]
    allowed = client.post("/documents", content=doc["content"], headers={**doc["headers"], "x-api-key": "writer-key"})
    assert allowed.status_code == 202
    # Probes stay open: no key asked (its verdict, 200 or 503, depends on the services, not on the key).
    assert client.get("/health").status_code in (200, 503)


def test_health_counts_workers_per_queue(client: TestClient, celery_worker: None) -> None:
    # The test worker runs the solo pool: it answers broadcasts only between tasks, so wait until it is idle.
    deadline = time.monotonic() + 120
    workers: dict[str, int] = {}
    while time.monotonic() < deadline and not workers.get("ingest"):
        api._workers_cache.clear()
        workers = client.get("/health").json()["workers"]
    assert workers["ingest"] >= 1 and workers["sources"] >= 1


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
    seed = client.get("/search", params={"q": "Taliban AND NAVO"}).json()["hits"][0]
    assert seed["source"] == "seeds" or seed["language"] == "nl"
    assert seed["highlight"]["body"]
