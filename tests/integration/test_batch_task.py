"""BatchTask's delivery rules, the failing batch run eagerly here, its halves by the suite's real worker:
a poison batch is split, a lone poison item is dead-lettered, a batch whose worker keeps dying stops
being fed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.exceptions import SoftTimeLimitExceeded
from celery.result import AsyncResult

from worker import tasks
from worker.app import app, failure_store
from worker.article import RawItem
from worker.config import Settings

pytestmark = pytest.mark.integration


def payload(n: int) -> dict[str, Any]:
    return RawItem(kind="document", source=f"batch-test-{n}", text=f"Tekst nummer {n}.").model_dump(mode="json")


@pytest.fixture
def broker(settings: Settings) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(settings.broker_url)
    client.delete("ingest")
    yield client
    client.delete("ingest")  # the halves are not for the suite's worker


def halves_indexed(split: list[str]) -> int:
    """Wait for the halves (run by the real worker, unpatched) and count what they indexed."""
    counts = [AsyncResult(task_id, app=app).get(timeout=120) for task_id in split]
    return sum(c["indexed"] + c["unchanged"] for c in counts)


def test_a_batch_over_its_time_limit_is_split_in_halves(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis, celery_worker: None
) -> None:
    def too_slow(*_: Any, **__: Any) -> None:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "ingest", too_slow)
    result = tasks.ingest_items.apply(args=[[payload(1), payload(2), payload(3)]], task_id="split-me").get()
    assert len(result["split"]) == 2 and "SoftTimeLimitExceeded" in result["reason"]
    assert halves_indexed(result["split"]) == 3  # nothing lost by splitting


def test_a_lone_item_over_its_time_limit_is_dead_lettered_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, broker: redis.Redis, redis_client: redis.Redis
) -> None:
    def too_slow(*_: Any, **__: Any) -> None:
        raise SoftTimeLimitExceeded()

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
