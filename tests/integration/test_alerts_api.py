"""`/alerts` and `newsworker alerts` on real Redis and Elasticsearch: CRUD behind the write scope, and the
history preview whose per-day counts add up to the `/search` of the same query and dates."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date

import pytest
import redis
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from tests.integration.cleanup import delete_sources
from worker import api
from worker.alerts.preview import preview
from worker.alerts.store import Alert, AlertStore
from worker.api import app
from worker.article import Article
from worker.cli import main
from worker.config import Settings
from worker.index.store import index_articles

pytestmark = pytest.mark.integration
SOURCE = "alerts-preview"
HOOK = "http://127.0.0.1:9/hook"


@pytest.fixture(scope="module")
def client(es: Elasticsearch) -> TestClient:
    return TestClient(app)


@pytest.fixture
def store(redis_client: redis.Redis, settings: Settings) -> Iterator[AlertStore]:
    s = AlertStore(redis_client, settings.index_prefix)
    yield s
    for alert in s.all():
        s.remove(alert.name)


@pytest.fixture(scope="module")
def history(es: Elasticsearch, settings: Settings) -> Iterator[list[Article]]:
    """Articles over November 2026: a 'havenstaking' story on some days, other news on others."""
    articles = []
    for day, n_match, n_other in ((3, 2, 1), (4, 0, 2), (10, 1, 0), (11, 3, 1), (20, 1, 1), (29, 2, 0)):
        for i in range(n_match + n_other):
            title = f"Havenstaking dag {day} nummer {i}" if i < n_match else f"Ander nieuws dag {day} nummer {i}"
            body = f"{title}. De havenstaking in Rotterdam duurt voort." if i < n_match else f"{title}. Rustig."
            digest = hashlib.sha256(title.encode()).hexdigest()
            articles.append(Article(id=digest, source=SOURCE, title=title, body=body, content_hash=digest,
                                    language="nl", published_at=f"2026-11-{day:02d}T{8 + i:02d}:00:00Z",
                                    published_precision="second"))  # fmt: skip
    index_articles(es, settings, articles)
    es.indices.refresh(index=settings.read_alias)
    yield articles
    delete_sources(es, settings, [SOURCE])


def test_alerts_crud_over_http_needs_the_write_scope(client: TestClient, store: AlertStore,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    keys = Settings(api_keys="reader-key:read,writer-key:read+write", api_auth="auto")
    monkeypatch.setattr(api, "api_settings", lambda: keys)
    new = {"name": "haven", "query": "havenstaking", "lang": ["nl"], "webhook": HOOK}
    assert client.post("/alerts", json=new).status_code == 401
    assert client.post("/alerts", json=new, headers={"x-api-key": "reader-key"}).status_code == 403
    assert client.get("/alerts", headers={"x-api-key": "reader-key"}).status_code == 403  # secrets, webhooks
    writer = {"x-api-key": "writer-key"}
    created = client.post("/alerts", json=new, headers=writer)
    assert created.status_code == 201 and len(created.json()["secret"]) == 64
    assert client.post("/alerts", json=new, headers=writer).status_code == 409
    bad = client.post("/alerts", json={**new, "name": "bad", "query": "(havenstaking"}, headers=writer)
    assert bad.status_code == 400 and bad.json()["param"] == "query"
    listed = client.get("/alerts", headers=writer).json()["alerts"]
    assert [a["name"] for a in listed] == ["haven"] and "secret" not in listed[0]
    assert client.get("/alerts/haven", headers=writer).json()["recent_matches"] == []
    assert client.delete("/alerts/haven", headers=writer).status_code == 200
    assert client.get("/alerts/haven", headers=writer).status_code == 404


def test_preview_counts_per_day_match_search(client: TestClient, store: AlertStore, history: list[Article],
                                             es: Elasticsearch, settings: Settings) -> None:  # fmt: skip
    store.add(Alert(name="haven", query="havenstaking", webhook=HOOK))
    result = client.get("/alerts/haven/test", params={"since": "2026-11-01", "until": "2026-11-30"}).json()
    counts = {d["day"]: d["count"] for d in result["days"]}
    assert counts["2026-11-03"] == 2 and counts["2026-11-04"] == 0 and counts["2026-11-11"] == 3
    assert len(result["days"]) == 30  # empty days included
    search = client.get("/search", params={"q": "havenstaking", "since": "2026-11-01", "until": "2026-11-30",
                                           "size": 0}).json()  # fmt: skip
    assert result["total"] == sum(counts.values()) == search["total"] == 9
    assert result["examples"][0]["title"].startswith("Havenstaking dag 29")
    # The same per day: a search restricted to one day finds that day's count.
    for day in ("2026-11-03", "2026-11-11", "2026-11-20"):
        one = client.get("/search", params={"q": "havenstaking", "since": day, "until": day, "size": 0}).json()
        assert one["total"] == counts[day]


def test_preview_since_days_back_counts_from_today(es: Elasticsearch, settings: Settings,
                                                   history: list[Article]) -> None:  # fmt: skip
    alert = Alert(name="haven", query="havenstaking", webhook=HOOK)
    result = preview(es, settings, alert, since="10d", today=date(2026, 11, 21))
    assert (result["since"], result["until"]) == ("2026-11-11", "2026-11-21")
    assert result["total"] == 4 and len(result["days"]) == 11


def test_cli_add_list_test_remove(store: AlertStore, history: list[Article],
                                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert main(["alerts", "add", "haven", "havenstaking", "--lang", "nl", "--webhook", HOOK]) == 0
    assert "signing secret" in capsys.readouterr().out
    assert main(["alerts", "add", "haven", "x", "--webhook", HOOK]) == 2
    assert main(["alerts", "add", "bad", "x", "--webhook", "ftp://example.org/"]) == 2
    capsys.readouterr()
    assert main(["alerts", "list", "--json"]) == 0
    assert [a["name"] for a in json.loads(capsys.readouterr().out)] == ["haven"]
    assert main(["alerts", "test", "haven", "--since", "2026-11-01", "--until", "2026-11-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 9
    assert main(["alerts", "remove", "haven"]) == 0
    assert main(["alerts", "show", "haven"]) == 1
