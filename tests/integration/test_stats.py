from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from worker.stats import IngestStats

pytestmark = pytest.mark.integration


def test_counts_add_up_in_totals_and_in_their_hour(redis_client: redis.Redis) -> None:
    stats = IngestStats(redis_client, "statstest")
    # a run stopped before its teardown leaves its counts in the test DB: start from none, the hours too
    redis_client.delete(stats.total_key, *redis_client.scan_iter(f"{stats.hour_prefix}*"))
    at = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    stats.record({"indexed": 3, "unchanged": 1, "failed": 0}, at=at)
    stats.record({"indexed": 2, "failed": 1}, at=at.replace(hour=11))
    assert stats.totals() == {"indexed": 5, "unchanged": 1, "failed": 1}
    rows = stats.hourly(hours=3, now=at.replace(hour=11))
    assert [r["hour"] for r in rows] == ["2026-03-01T09:00Z", "2026-03-01T10:00Z", "2026-03-01T11:00Z"]
    assert rows[0] == {"hour": "2026-03-01T09:00Z"}
    assert rows[1]["indexed"] == 3 and rows[2]["failed"] == 1
