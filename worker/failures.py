"""The dead-letter store: every item that could not be processed, with its stage and reason, replayable.

Failures live in Redis as a hash (id -> JSON) and a sorted set (id by time), so they can be listed newest
first, filtered, shown one by one and taken out by id when replayed. A failure's id is derived from what
would be replayed (or, for an unreplayable one, from its stage, source and reason): the same item failing
again replaces its record instead of piling up copies.

The store is capped (`failures_max`). At the cap it refuses new records rather than evicting old ones:
the refused ones are counted (`overflow()`, shown by `failures list`, `/health` and `/metrics`) and
logged, so nothing leaves it silently.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from pydantic import BaseModel, Field

from worker.article import utcnow

log = logging.getLogger(__name__)

# What a payload key means on replay: which task takes the item back.
REPLAY_TASKS = {
    "raw": "newsworker.ingest_items",  # a RawItem: the whole pipeline again
    "article": "newsworker.index_articles",  # an Article already tagged: indexing only
    "fetch": "newsworker.sources.fetch_pages",  # a feed item whose page was to be fetched
    "retag": "newsworker.retag",  # an article id to re-tag
    "alert": "newsworker.alerts.deliver",  # a webhook delivery (worker/alerts/tasks.py), same delivery id
}


class Failure(BaseModel):
    """One item that did not make it, and why."""

    stage: str = Field(description="read, decode, normalise, dedup, tag, index, fetch, feed, batch, ...")
    reason: str
    item_id: str | None = None
    source: str | None = None
    payload: dict[str, Any] | None = Field(
        default=None, description="What is needed to replay it: one key of REPLAY_TASKS and its item."
    )
    failed_at: datetime = Field(default_factory=utcnow)

    @property
    def id(self) -> str:
        if self.payload:
            basis = json.dumps(self.payload, sort_keys=True, default=str)
        else:
            basis = json.dumps([self.stage, self.source, self.item_id, self.reason])
        return hashlib.sha256(basis.encode()).hexdigest()[:20]

    @property
    def replay(self) -> tuple[str, Any] | None:
        """(task name, item) that takes this failure back into the pipeline, or None."""
        for key, task in REPLAY_TASKS.items():
            if self.payload and key in self.payload:
                return task, self.payload[key]
        return None


@dataclass(frozen=True)
class FailureFilter:
    """Which failures a listing or a replay is about; empty fields match everything."""

    stage: str | None = None
    reason: str | None = None  # case-insensitive substring
    since: datetime | None = None

    def matches(self, failure: Failure) -> bool:
        if self.stage and failure.stage != self.stage:
            return False
        if self.reason and self.reason.lower() not in failure.reason.lower():
            return False
        return not (self.since and failure.failed_at < self.since)


# Record atomically only while under the cap; replacing an existing id never counts against it.
_RECORD = """
local items, order, overflow = KEYS[1], KEYS[2], KEYS[3]
local cap = tonumber(ARGV[1])
local stored, refused = 0, 0
for i = 2, #ARGV, 3 do
  local id, score, body = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call('HEXISTS', items, id) == 1 or redis.call('ZCARD', order) < cap then
    redis.call('HSET', items, id, body)
    redis.call('ZADD', order, score, id)
    stored = stored + 1
  else
    refused = refused + 1
  end
end
if refused > 0 then redis.call('INCRBY', overflow, refused) end
return {stored, refused}
"""


class FailureStore:
    """Dead letters under one key prefix in Redis, capped without silent loss."""

    def __init__(self, client: redis.Redis, key: str, *, max_failures: int = 100_000) -> None:
        self.client = client
        self.key = key
        self.max_failures = max_failures
        self._items, self._order, self._overflow = f"{key}:items", f"{key}:order", f"{key}:overflow"
        self._record = client.register_script(_RECORD)

    def record(self, failures: list[Failure]) -> int:
        """Store the failures; returns how many were refused because the store is full (also counted)."""
        if not failures:
            return 0
        args: list[Any] = [self.max_failures]
        for failure in failures:
            args += [failure.id, failure.failed_at.timestamp(), failure.model_dump_json()]
        _stored, refused = self._record(keys=[self._items, self._order, self._overflow], args=args)
        if refused:
            log.error(
                "dead-letter store full (%d): %d failure(s) refused and counted; replay or clear it "
                "(`newsworker failures list`)",
                self.max_failures,
                refused,
            )
        return int(refused)

    def count(self) -> int:
        return int(self.client.zcard(self._order))  # type: ignore[arg-type]

    def overflow(self) -> int:
        """How many failures were refused since the store was last cleared."""
        return int(self.client.get(self._overflow) or 0)  # type: ignore[arg-type]

    def get(self, failure_id: str) -> Failure | None:
        raw = self.client.hget(self._items, failure_id)
        return Failure.model_validate(json.loads(raw)) if raw else None  # type: ignore[arg-type]

    def iter(
        self, where: FailureFilter | None = None, *, newest_first: bool = True, page: int = 500
    ) -> Iterator[Failure]:
        """Failures in time order, filtered; pages through the index so a large store is never loaded whole."""
        where = where or FailureFilter()
        start = 0
        while True:
            if newest_first:
                ids = self.client.zrevrange(self._order, start, start + page - 1)
            else:
                ids = self.client.zrange(self._order, start, start + page - 1)
            if not ids:
                return
            for raw in self.client.hmget(self._items, ids):  # type: ignore[arg-type, union-attr]
                if raw is None:  # taken out meanwhile
                    continue
                failure = Failure.model_validate(json.loads(raw))
                if where.matches(failure):
                    yield failure
            start += page

    def recent(self, limit: int = 50, where: FailureFilter | None = None) -> list[Failure]:
        out = []
        for failure in self.iter(where):
            out.append(failure)
            if len(out) >= limit:
                break
        return out

    def remove(self, ids: list[str]) -> int:
        """Take failures out (once they were handed back to the pipeline); returns how many were there."""
        if not ids:
            return 0
        pipe = self.client.pipeline()
        pipe.hdel(self._items, *ids)
        pipe.zrem(self._order, *ids)
        removed, _ = pipe.execute()
        return int(removed)

    def clear(self) -> None:
        self.client.delete(self._items, self._order, self._overflow)
