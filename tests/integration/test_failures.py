"""The dead-letter store on a real Redis: capped without silent loss, one record per item, filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from worker.failures import Failure, FailureFilter, FailureStore

pytestmark = pytest.mark.integration


@pytest.fixture
def store(redis_client: redis.Redis) -> Iterator[FailureStore]:
    s = FailureStore(redis_client, "nwtest-failures", max_failures=3)
    s.clear()
    yield s
    s.clear()


def failure(n: int, stage: str = "normalise", **extra: object) -> Failure:
    return Failure(stage=stage, reason=f"reason {n}", source=f"s{n}", payload={"raw": {"n": n}}, **extra)  # type: ignore[arg-type]


def test_full_store_refuses_counts_and_keeps_the_old_records(store: FailureStore) -> None:
    assert store.record([failure(1), failure(2), failure(3)]) == 0
    assert store.record([failure(4), failure(5)]) == 2
    assert store.count() == 3 and store.overflow() == 2
    assert sorted(f.source or "" for f in store.iter()) == ["s1", "s2", "s3"]
    # Re-recording an item that is already there is no overflow: it replaces its record.
    assert store.record([failure(1).model_copy(update={"reason": "again"})]) == 0
    assert store.count() == 3 and {f.reason for f in store.iter()} >= {"again"}


def test_the_same_item_failing_twice_is_one_record(store: FailureStore) -> None:
    store.record([failure(7), failure(7)])
    assert store.count() == 1
    assert store.get(failure(7).id) is not None


def test_filters_and_removal(store: FailureStore) -> None:
    old = failure(1, stage="index", failed_at=datetime.now(UTC) - timedelta(days=3))
    store.record([old, failure(2, stage="fetch")])
    assert [f.source for f in store.iter(FailureFilter(stage="index"))] == ["s1"]
    assert [f.source for f in store.iter(FailureFilter(reason="REASON 2"))] == ["s2"]
    assert [f.source for f in store.iter(FailureFilter(since=datetime.now(UTC) - timedelta(days=1)))] == ["s2"]
    assert [f.source for f in store.iter(newest_first=False)] == ["s1", "s2"]
    assert store.remove([old.id]) == 1 and store.count() == 1


def test_replay_route_follows_the_payload_key() -> None:
    assert failure(1).replay == ("newsworker.ingest_items", {"n": 1})
    article = Failure(stage="index", reason="r", payload={"article": {"id": "x"}})
    assert article.replay == ("newsworker.index_articles", {"id": "x"})
    assert Failure(stage="feed", reason="r").replay is None
