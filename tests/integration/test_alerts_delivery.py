"""Saved-search alerts end to end on the real broker, Redis and Elasticsearch: a matching document ingested
reaches a local receiver as one signed POST; a receiver that fails recovers through retries with the same
delivery id; a private address is refused and recorded; the last retry leaves a replayable dead letter."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from elasticsearch import Elasticsearch

from tests.integration.cleanup import delete_sources
from tests.integration.receiver import Receiver
from worker.alerts.delivery import DELIVERY_HEADER, SIGNATURE_HEADER, post_webhook, verify
from worker.alerts.store import Alert, AlertStore
from worker.cli import main
from worker.config import Settings
from worker.failures import FailureFilter, FailureStore
from worker.sources.errors import BlockedAddressError
from worker.sources.http import PoliteClient

pytestmark = pytest.mark.integration
# The session's worker subprocess reads this when it starts: retries 1 s, 2 s, 4 s ... instead of 5 s, 10 s ...
os.environ.setdefault("NEWSWORKER_ALERT_RETRY_BACKOFF", "1")


@pytest.fixture(scope="module", autouse=True)
def _remove_test_articles(es: Elasticsearch, settings: Settings) -> Iterator[None]:
    """The articles ingested here leave the shared test index again (other modules count and rank)."""
    yield
    delete_sources(es, settings, ["alerts-e2e"])


@pytest.fixture
def store(redis_client: redis.Redis, settings: Settings) -> Iterator[AlertStore]:
    s = AlertStore(redis_client, settings.index_prefix)
    yield s
    for alert in s.all():
        s.remove(alert.name)


@pytest.fixture
def failures(redis_client: redis.Redis, settings: Settings) -> FailureStore:
    return FailureStore(redis_client, settings.failures_key)


def ingest(tmp_path: Path, name: str, text: str) -> None:
    doc = tmp_path / name
    doc.write_text(text, encoding="utf-8")
    assert main(["ingest", str(doc), "--wait", "--timeout", "240"]) == 0


def test_matching_document_reaches_the_receiver_signed(celery_worker: None, store: AlertStore, tmp_path: Path) -> None:
    receiver = Receiver()
    try:
        alert = store.add(Alert(name="dijk", query="dijkdoorbraak OR zeewering", lang=["nl"], webhook=receiver.url))
        other = store.add(Alert(name="other", query="kernfusie", webhook=receiver.url))
        ingest(tmp_path, "match.txt", "title Dijkdoorbraak bij Zeeland\nsource alerts-e2e\n\n"
               "Bij een dijkdoorbraak in Zeeland liepen vannacht polders onder water. Het waterschap sloot de weg.")
        ingest(tmp_path, "nomatch.txt", "title Nieuwe brug\nsource alerts-e2e\n\n"
               "De gemeente opende vandaag een nieuwe brug over het kanaal, na twee jaar bouwen.")
        requests = receiver.wait(1, timeout=30)
        time.sleep(2)  # nothing else may follow
        assert len(requests) == 1, [json.loads(b) for _, b in requests]
        headers, body = requests[0]
        assert verify(alert.secret, body, headers[SIGNATURE_HEADER.lower()])
        assert not verify(other.secret, body, headers[SIGNATURE_HEADER.lower()])
        payload = json.loads(body)
        assert payload["alert"]["name"] == "dijk"
        assert payload["article"]["title"] == "Dijkdoorbraak bij Zeeland"
        assert payload["article"]["source"] == "alerts-e2e"
        assert set(payload["article"]) >= {"id", "title", "url", "source"}
        assert headers[DELIVERY_HEADER.lower()] == payload["delivery_id"]
        assert store.recent("dijk") == [payload["article"]["id"]]
        # The article updated (edited file) matches again, but was delivered already: nothing more is sent.
        ingest(tmp_path, "match.txt", (tmp_path / "match.txt").read_text() + "\n\nUpdate: de weg is weer open.")
        time.sleep(2)
        assert len(receiver.requests) == 1
    finally:
        receiver.close()


def test_failing_receiver_gets_the_delivery_once_it_recovers(celery_worker: None, store: AlertStore,
                                                           tmp_path: Path) -> None:  # fmt: skip
    receiver = Receiver([500, 500, 500])
    try:
        store.add(Alert(name="storm", query='"code oranje"', webhook=receiver.url))
        ingest(tmp_path, "storm.txt", "title Storm op komst\nsource alerts-e2e\n\n"
               "Het KNMI geeft code oranje af voor de kust: zware windstoten tot 110 kilometer per uur.")
        requests = receiver.wait(4, timeout=60)
        assert len(requests) == 4
        ids = {json.loads(body)["delivery_id"] for _, body in requests}
        assert len(ids) == 1  # one delivery, four attempts: the receiver deduplicates on it
        assert len({body for _, body in requests}) == 1
    finally:
        receiver.close()


def test_private_address_is_refused_and_recorded(celery_worker: None, store: AlertStore, failures: FailureStore,
                                                 tmp_path: Path) -> None:  # fmt: skip
    # The session's worker allows 127.0.0.0/8 (for the receivers above), not 10.0.0.0/8.
    store.add(Alert(name="intranet", query="zonnepanelen", webhook="http://10.20.30.40/hook"))
    ingest(tmp_path, "zon.txt", "title Zonnepanelen\nsource alerts-e2e\n\n"
           "Steeds meer zonnepanelen op daken van scholen, meldt de gemeente in een nieuw rapport vandaag.")
    deadline = time.monotonic() + 30
    found = []
    while not found and time.monotonic() < deadline:
        found = [f for f in failures.iter(FailureFilter(stage="alert")) if f.source == "intranet"]
        time.sleep(0.2)
    assert found, "the refusal was not recorded"
    assert "refused" in found[0].reason and "10.20.30.40" in found[0].reason
    assert found[0].replay is not None and found[0].replay[0] == "newsworker.alerts.deliver"


def test_post_webhook_refuses_loopback_without_allowance(redis_client: redis.Redis, settings: Settings) -> None:
    client = PoliteClient(settings.model_copy(update={"allow_private_networks": []}), redis_client)
    with pytest.raises(BlockedAddressError):
        post_webhook(client, "http://127.0.0.1:9/hook", {"delivery_id": "x"}, "secret")


def test_last_retry_leaves_a_dead_letter_that_replays_with_the_same_id(
    store: AlertStore, failures: FailureStore, redis_client: redis.Redis, settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from worker.alerts import tasks

    receiver = Receiver([500] * 50)
    client = PoliteClient(settings.model_copy(update={"allow_private_networks": ["127.0.0.0/8"]}), redis_client)
    monkeypatch.setattr(tasks, "http_client", lambda: client)
    monkeypatch.setattr(tasks.deliver_alert, "max_retries", 2)
    try:
        store.add(Alert(name="down", query="x", webhook=receiver.url))
        delivery = {"alert": "down", "payload": {"kind": "article", "delivery_id": "d-1", "article": {"id": "a1"}}}
        result = tasks.deliver_alert.apply(args=[[delivery]]).get()
        assert result == {"delivered": 0, "failed": 1}
        assert len(receiver.requests) == 3  # the first attempt and 2 retries
        dead = [f for f in failures.iter(FailureFilter(stage="alert")) if f.item_id == "d-1"]
        assert len(dead) == 1 and dead[0].reason.startswith("gave up after 2 retries: HTTP 500")
        task_name, item = dead[0].replay or ("", None)
        assert task_name == "newsworker.alerts.deliver" and item == delivery
        receiver.statuses.clear()  # the receiver recovers; the replay sends the same delivery
        assert tasks.deliver_alert.apply(args=[[item]]).get() == {"delivered": 1, "failed": 0}
        assert json.loads(receiver.requests[-1][1])["delivery_id"] == "d-1"
    finally:
        receiver.close()
