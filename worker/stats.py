"""Ingestion counters in Redis, shared by every worker: totals (for Prometheus) and per-hour series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

HOURLY_RETENTION = timedelta(days=8)


class IngestStats:
    """`record` after each batch; `totals` and `hourly` for /metrics and dashboards."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.total_key = f"{prefix}:stats:total"
        self.hour_prefix = f"{prefix}:stats:hour:"

    def record(self, counts: dict[str, int], at: datetime | None = None) -> None:
        at = at or datetime.now(UTC)
        hour_key = self.hour_prefix + at.strftime("%Y%m%d%H")
        pipe = self.client.pipeline()
        for outcome, n in counts.items():
            if n:
                pipe.hincrby(self.total_key, outcome, n)
                pipe.hincrby(hour_key, outcome, n)
        pipe.expire(hour_key, HOURLY_RETENTION)
        pipe.execute()

    def totals(self) -> dict[str, int]:
        raw: dict[bytes, bytes] = self.client.hgetall(self.total_key)  # type: ignore[assignment]
        return {k.decode(): int(v) for k, v in raw.items()}

    def hourly(self, hours: int = 48, now: datetime | None = None) -> list[dict[str, object]]:
        """Oldest first, one row per hour, zeros included (a dashboard must see the gaps)."""
        now = now or datetime.now(UTC)
        stamps = [now - timedelta(hours=h) for h in range(hours - 1, -1, -1)]
        pipe = self.client.pipeline()
        for stamp in stamps:
            pipe.hgetall(self.hour_prefix + stamp.strftime("%Y%m%d%H"))
        rows = []
        for stamp, raw in zip(stamps, pipe.execute(), strict=True):
            counts = {k.decode(): int(v) for k, v in raw.items()}
            rows.append({"hour": stamp.strftime("%Y-%m-%dT%H:00Z"), **counts})
        return rows
