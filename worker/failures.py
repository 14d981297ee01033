"""The dead-letter store: every item that could not be processed, with its stage and reason, replayable."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import redis
from pydantic import BaseModel, Field

from worker.article import utcnow

# Newest first; capped so a flood of bad input cannot fill Redis (the cap is logged by `failures list`).
MAX_FAILURES = 100_000


class Failure(BaseModel):
    """One item that did not make it, and why."""

    stage: str = Field(description="normalise, tag, index, fetch, ...")
    reason: str
    item_id: str | None = None
    source: str | None = None
    payload: dict[str, Any] | None = Field(default=None, description="What is needed to replay it.")
    failed_at: datetime = Field(default_factory=utcnow)


class FailureStore:
    """A capped Redis list of JSON failures under one key."""

    def __init__(self, client: redis.Redis, key: str) -> None:
        self.client = client
        self.key = key

    def record(self, failures: list[Failure]) -> None:
        if not failures:
            return
        pipe = self.client.pipeline()
        pipe.lpush(self.key, *[f.model_dump_json() for f in failures])
        pipe.ltrim(self.key, 0, MAX_FAILURES - 1)
        pipe.execute()

    def recent(self, limit: int = 50) -> list[Failure]:
        rows: list[bytes] = self.client.lrange(self.key, 0, max(limit, 1) - 1)  # type: ignore[assignment]
        return [Failure.model_validate(json.loads(row)) for row in rows]

    def count(self) -> int:
        return int(self.client.llen(self.key))  # type: ignore[arg-type]

    def take_all(self) -> list[Failure]:
        """Remove and return every failure (for replay: a replay that fails again is re-recorded)."""
        pipe = self.client.pipeline()
        pipe.lrange(self.key, 0, -1)
        pipe.delete(self.key)
        rows, _ = pipe.execute()
        return [Failure.model_validate(json.loads(row)) for row in reversed(rows)]
