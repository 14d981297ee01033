"""The batch ledger (worker/ledger.py) on the real broker Redis: what it records, what it strikes off, and which
batches it calls lost: only those neither finished, nor held by a worker, nor possibly still queued."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.exceptions import TimeLimitExceeded

from tests.integration.test_batch_task import too_slow
from worker import cli, tasks
from worker.app import INGEST_ITEMS, QUEUE_INGEST, app, batch_ledger
from worker.article import RawItem
from worker.config import Settings
from worker.ledger import UNACKED_KEY, BatchLedger, Entry, LedgerStatus
from worker.timings import ENQUEUED_AT

pytestmark = pytest.mark.integration

QUEUE = "ledger-test"  # a queue no worker consumes


@pytest.fixture
def broker(settings: Settings) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(settings.broker_url)
    ledger = BatchLedger(client, settings.index_prefix)
    keys = (QUEUE, ledger.entries_key, ledger.sent_key, ledger.resent_key, ledger.resent_at_key)
    client.delete(*keys)
    yield client
    client.delete(*keys)
    for tag, raw in client.hgetall(UNACKED_KEY).items():  # type: ignore[union-attr]
        if b"ledger-test-" in raw:
            client.hdel(UNACKED_KEY, tag)


@pytest.fixture
def own_ledger(broker: redis.Redis, settings: Settings) -> Iterator[BatchLedger]:
    """A ledger under a prefix of its own: no worker's reaper looks at it, so its figures are this test's alone."""
    ledger = BatchLedger(broker, f"{settings.index_prefix}-status")
    keys = (ledger.entries_key, ledger.sent_key, ledger.resent_key, ledger.resent_at_key)
    broker.delete(*keys)
    yield ledger
    broker.delete(*keys)


def payload(n: int) -> dict[str, Any]:
    return RawItem(kind="document", source=f"ledger-test-{n}", text=f"Tekst {n}.").model_dump(mode="json")


def message(task_id: str, stamp: float | None) -> bytes:
    headers: dict[str, Any] = {"id": task_id}
    if stamp is not None:
        headers[ENQUEUED_AT] = stamp
    return json.dumps({"body": "", "headers": headers, "properties": {}}).encode()


def test_a_published_batch_is_recorded_with_what_it_takes_to_send_it_again(broker: redis.Redis) -> None:
    before, batch = time.time(), [payload(1)]
    result = app.signature(INGEST_ITEMS, args=[batch]).apply_async(queue=QUEUE, compression="zlib")
    entry = batch_ledger().entry(result.id)
    assert entry is not None and entry.task == INGEST_ITEMS and entry.queue == QUEUE
    assert entry.args == [batch] and before <= entry.sent_at <= time.time()


def test_a_batch_that_ran_is_struck_off(broker: redis.Redis, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "ingest", too_slow)
    batch_ledger().record("ran-alone", INGEST_ITEMS, [[payload(2)]], {}, QUEUE, time.time())
    tasks.ingest_items.apply(args=[[payload(2)]], task_id="ran-alone").get()  # dead-lettered: it ended
    assert batch_ledger().entry("ran-alone") is None


def test_a_batch_over_its_hard_limit_is_struck_off_once_split(broker: redis.Redis) -> None:
    batch_ledger().record("hard-limit", INGEST_ITEMS, [[payload(3), payload(4)]], {}, QUEUE, time.time())
    tasks.ingest_items.on_failure(TimeLimitExceeded(1), "hard-limit", ([payload(3), payload(4)],), {}, None)
    assert batch_ledger().entry("hard-limit") is None
    broker.delete(QUEUE_INGEST)  # the halves (new batches, in the ledger until the fixture clears it): not run here


def test_only_batches_neither_held_nor_possibly_queued_are_lost(broker: redis.Redis) -> None:
    ledger, now, grace = batch_ledger(), time.time(), 60.0
    for task_id, sent_at in (("held", now - 900), ("gone", now - 900), ("queued", now - 400), ("young", now - 10)):
        ledger.record(task_id, INGEST_ITEMS, [[]], {}, QUEUE, sent_at)
    broker.hset(UNACKED_KEY, "tag-ledger-test", json.dumps([json.loads(message("held", now - 900)), "", QUEUE]))
    broker.lpush(QUEUE, message("queued", now - 400))  # the head of the queue: sent 400 s ago
    lost = ledger.lost(now=now, grace=grace, stamp_header=ENQUEUED_AT)
    assert [e.task_id for e in lost] == ["gone"]  # sent 500 s before the head, held by nobody
    broker.delete(QUEUE)  # the queue drained: what is not held and older than the grace is lost
    assert [e.task_id for e in ledger.lost(now=now, grace=grace, stamp_header=ENQUEUED_AT)] == ["gone", "queued"]


def test_a_queue_whose_head_has_no_stamp_makes_no_judgement(broker: redis.Redis) -> None:
    ledger, now = batch_ledger(), time.time()
    ledger.record("old", INGEST_ITEMS, [[]], {}, QUEUE, now - 3600)
    broker.lpush(QUEUE, message("someone-else", None))
    assert ledger.lost(now=now, grace=60, stamp_header=ENQUEUED_AT) == []


def test_reaping_sends_a_lost_batch_again_under_its_own_id(broker: redis.Redis) -> None:
    ledger, now, batch = batch_ledger(), time.time(), [payload(5)]
    ledger.record("lost-one", INGEST_ITEMS, [batch], {}, QUEUE, now - 900)
    sent: list[Entry] = []
    assert ledger.reap(sent.append, now=now, grace=60, stamp_header=ENQUEUED_AT) == ["lost-one"]
    assert sent[0].args == [batch] and sent[0].queue == QUEUE


def test_the_resent_message_is_on_its_queue_and_refreshes_the_entry(broker: redis.Redis) -> None:
    from worker.app import resend

    ledger, now = batch_ledger(), time.time()
    ledger.record("resent", INGEST_ITEMS, [[payload(6)]], {}, QUEUE, now - 900)
    [entry] = ledger.lost(now=now, grace=60, stamp_header=ENQUEUED_AT)
    resend(entry)
    queued = json.loads(broker.lindex(QUEUE, -1))  # type: ignore[arg-type]
    assert queued["headers"]["id"] == "resent" and queued["headers"]["task"] == INGEST_ITEMS
    refreshed = ledger.entry("resent")
    assert refreshed is not None and refreshed.sent_at >= now
    assert ledger.lost(now=time.time(), grace=60, stamp_header=ENQUEUED_AT) == []


def test_status_counts_the_batches_in_flight_the_oldest_and_the_resent(own_ledger: BatchLedger) -> None:
    ledger, now = own_ledger, time.time()
    sent: list[Entry] = []
    assert ledger.status(now) == LedgerStatus(0, None, None, 0, None)
    ledger.record("older", INGEST_ITEMS, [[]], {}, QUEUE, now - 900)
    ledger.record("newer", INGEST_ITEMS, [[]], {}, QUEUE, now - 10)
    assert ledger.status(now) == LedgerStatus(2, 900.0, "older", 0, None)
    ledger.finish("older")
    assert ledger.status(now) == LedgerStatus(1, 10.0, "newer", 0, None)
    later = now + 1000  # "newer" is now lost (its queue is empty): re-sent, still in flight until it finishes
    assert ledger.reap(sent.append, now=later, grace=60, stamp_header=ENQUEUED_AT) == ["newer"]
    assert ledger.status(later) == LedgerStatus(1, 1010.0, "newer", 1, later)
    ledger.reap(sent.append, now=later + 100, grace=60, stamp_header=ENQUEUED_AT)
    assert ledger.status(later + 100).resent == 2 and ledger.status(later + 100).last_resent_at == later + 100
    ledger.finish("newer")
    assert ledger.status(later + 100) == LedgerStatus(0, None, None, 2, later + 100)


def test_a_failed_resend_still_counts_the_batches_sent_before_it(own_ledger: BatchLedger) -> None:
    ledger, now = own_ledger, time.time()
    sent: list[str] = []
    for task_id in ("first", "second"):
        ledger.record(task_id, INGEST_ITEMS, [[]], {}, QUEUE, now - 900)

    def resend(entry: Entry) -> None:
        if sent:
            raise redis.ConnectionError("broker gone")
        sent.append(entry.task_id)

    with pytest.raises(redis.ConnectionError):
        ledger.reap(resend, now=now, grace=60, stamp_header=ENQUEUED_AT)
    assert ledger.status(now).resent == 1


def test_the_ledger_command_prints_the_figures(broker: redis.Redis, settings: Settings,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    ledger, now = batch_ledger(), time.time()
    ledger.record("printed", INGEST_ITEMS, [[]], {}, QUEUE, now - 30)  # younger than the grace: nobody re-sends it
    broker.set(ledger.resent_key, 4)
    broker.set(ledger.resent_at_key, repr(now - 60))
    strict = settings.model_copy(update={"health_ledger_age_max": 20.0})
    assert cli.cmd_ledger(argparse.Namespace(json=False), strict) == 1  # over the limit: scripts can tell
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "batches in flight: 1"
    assert lines[1].startswith("oldest: printed, sent 30 s ago") and "(over 20 s: /health is degraded)" in lines[1]
    assert lines[2].startswith("re-sent by the reaper: 4, last 20") and lines[2].endswith("(60 s ago)")
    assert cli.cmd_ledger(argparse.Namespace(json=True), settings) == 0  # 30 s: under the default 1800 s
    printed = json.loads(capsys.readouterr().out)
    assert printed["in_flight"] == 1 and printed["oldest_task_id"] == "printed" and printed["resent"] == 4
    assert 30 <= printed["oldest_seconds"] < 40 and printed["last_resent_at"].endswith("+00:00")
    assert cli.cmd_ledger(argparse.Namespace(json=True), strict) == 1
    capsys.readouterr()
