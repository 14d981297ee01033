"""BatchTask's delivery rules, the failing batch run eagerly here, its halves by the suite's real worker:
a poison batch is split, a lone poison item is dead-lettered, a batch whose worker keeps dying stops
being fed, and a batch that can be neither run nor handed on (broker or Redis down) stays in the broker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.exceptions import Reject, SoftTimeLimitExceeded
from celery.result import AsyncResult
from kombu.exceptions import OperationalError

from worker import tasks
from worker.app import BatchTask, app, failure_store
from worker.article import RawItem
from worker.config import Settings
from worker.failures import FailureStore
from worker.ledger import BatchLedger

pytestmark = pytest.mark.integration


def payload(n: int) -> dict[str, Any]:
    return RawItem(kind="document", source=f"batch-test-{n}", text=f"Tekst nummer {n}.").model_dump(mode="json")


@pytest.fixture
def broker(settings: Settings) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(settings.broker_url)
    ledger = BatchLedger(client, settings.index_prefix)
    client.delete("ingest", ledger.entries_key, ledger.sent_key)
    yield client
    client.delete("ingest", ledger.entries_key, ledger.sent_key)  # the halves are not for the suite's worker


def too_slow(*_: Any, **__: Any) -> None:
    raise SoftTimeLimitExceeded()


def broker_down(*_: Any, **__: Any) -> None:
    raise OperationalError("Error 111 connecting to the broker. Connection refused.")


def redis_down(*_: Any, **__: Any) -> None:
    raise redis.ConnectionError("Error 111 connecting to Redis. Connection refused.")


def halves_indexed(split: list[str]) -> int:
    """Wait for the halves (run by the real worker, unpatched) and count what they indexed."""
    counts = [AsyncResult(task_id, app=app).get(timeout=120) for task_id in split]
    return sum(c["indexed"] + c["unchanged"] for c in counts)


def test_a_batch_over_its_time_limit_is_split_in_halves(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis, celery_worker: None
) -> None:
    monkeypatch.setattr(tasks, "ingest", too_slow)
    result = tasks.ingest_items.apply(args=[[payload(1), payload(2), payload(3)]], task_id="split-me").get()
    assert len(result["split"]) == 2 and "SoftTimeLimitExceeded" in result["reason"]
    assert halves_indexed(result["split"]) == 3  # nothing lost by splitting


def test_a_lone_item_over_its_time_limit_is_dead_lettered_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis
) -> None:
    monkeypatch.setattr(tasks, "ingest", too_slow)
    result = tasks.ingest_items.apply(args=[[payload(4)]], task_id="alone").get()
    assert result == {"indexed": 0, "unchanged": 0, "failed": 1}
    assert int(broker.llen("ingest")) == 0  # type: ignore[arg-type]
    [dead] = [f for f in failure_store().recent(100) if f.source == "batch-test-4"]
    assert dead.stage == "pipeline" and "time limit exceeded" in dead.reason
    assert dead.replay is not None and dead.replay[0] == "newsworker.ingest_items"


def test_a_batch_whose_worker_keeps_dying_is_split_instead_of_run_again(
    monkeypatch: pytest.MonkeyPatch,
    broker: redis.Redis,
    redis_client: redis.Redis,
    settings: Settings,
    celery_worker: None,
) -> None:
    ran = []
    monkeypatch.setattr(tasks, "ingest", lambda *a, **k: ran.append(1))
    # Three deliveries already ended with the worker process dying (killed, out of memory).
    redis_client.set(f"{settings.index_prefix}:deliveries:killer:0", settings.task_max_deliveries)
    result = tasks.ingest_items.apply(args=[[payload(5), payload(6)]], task_id="killer").get()
    assert not ran and len(result["split"]) == 2
    assert halves_indexed(result["split"]) == 2
    assert app.conf.task_reject_on_worker_lost and app.conf.task_acks_late


# --- the broker or Redis down while a failed batch is handed on: the batch stays in the broker


def rejected_for_requeue(result: Any) -> Reject:
    """The eager result of a task that rejected its message; the Reject must ask for a requeue."""
    assert result.state == "REJECTED", (result.state, result.result)
    reject = result.result
    assert isinstance(reject, Reject) and reject.requeue, reject
    return reject


def test_a_batch_whose_halves_cannot_be_published_goes_back_to_the_broker(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis
) -> None:
    monkeypatch.setattr(tasks, "ingest", too_slow)
    monkeypatch.setattr(BatchTask, "apply_async", broker_down)
    reject = rejected_for_requeue(tasks.ingest_items.apply(args=[[payload(7), payload(8)]], task_id="no-broker"))
    assert "could not hand the batch on: OperationalError" in str(reject.reason)


def test_a_lone_item_whose_dead_letter_cannot_be_written_goes_back_to_the_broker(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis
) -> None:
    monkeypatch.setattr(tasks, "ingest", too_slow)
    monkeypatch.setattr(FailureStore, "record", redis_down)
    rejected_for_requeue(tasks.ingest_items.apply(args=[[payload(9)]], task_id="no-dead-letters"))


def test_a_retry_that_cannot_be_published_keeps_the_batch_in_the_broker(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis
) -> None:
    # What Celery's Task.retry raises when publishing the retry fails: a reject *without* requeue, which
    # would drop the batch (the real broker outage is in tests/faults, test_redis_restart_while_...).
    def retry_not_published(*_: Any, **__: Any) -> None:
        raise Reject(OperationalError("Connection refused."), requeue=False)

    monkeypatch.setattr(tasks, "ingest", retry_not_published)
    reject = rejected_for_requeue(tasks.ingest_items.apply(args=[[payload(10)]], task_id="no-retry"))
    assert "retry not published" in str(reject.reason)


def test_a_batch_whose_delivery_cannot_be_counted_goes_back_to_the_broker_unrun(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis
) -> None:
    ran = []

    monkeypatch.setattr(tasks, "ingest", lambda *a, **k: ran.append(1))
    monkeypatch.setattr(BatchTask, "count_delivery", redis_down)
    rejected_for_requeue(tasks.ingest_items.apply(args=[[payload(11)]], task_id="uncounted"))
    assert not ran


def test_a_batch_kept_in_the_broker_is_not_counted_as_a_worker_death(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis, settings: Settings
) -> None:
    monkeypatch.setattr(tasks, "ingest", too_slow)
    monkeypatch.setattr(BatchTask, "apply_async", broker_down)
    for _ in range(settings.task_max_deliveries + 2):
        rejected_for_requeue(tasks.ingest_items.apply(args=[[payload(12), payload(13)]], task_id="outage"))
    assert int(redis_client.get(f"{settings.index_prefix}:deliveries:outage:0") or 0) == 0  # type: ignore[arg-type]
