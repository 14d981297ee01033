"""The batch ledger: every batch of articles sent and not yet finished, so that none is lost in the one
window the broker leaves open.

Kombu's Redis transport takes a message with BRPOP and only then, in a second round trip, records it as
unacknowledged. A worker that dies in between (SIGKILL, power loss, a warm shutdown that drops a reply
already in its socket) loses the message: it is in no queue, in no `unacked` hash, and no task code ever saw
it. The ledger closes that window from outside:

- publishing a batch task (or a background export's slice: worker/export_tasks.py) records it (`record`,
  from Celery's `before_task_publish`): id, task, arguments, queue, time sent; a retry or a re-send of the
  same id refreshes it;
- a batch that ends (indexed, dead-lettered, split into new batches; a slice finished or handed on) is struck
  off (`finish`) before its message is acknowledged;
- `reap` re-sends, under the same id, a batch that is neither finished, nor held by a worker (`unacked`),
  nor possibly still queued. Queues are first in, first out: a batch sent well before the message now at
  the head of its queue (its enqueue stamp) has left the queue, so if no worker holds it, it is lost.
  A wrong guess can only send a batch twice, and writes are idempotent.

The ledger lives in the broker's Redis database, beside the messages, and holds the in-flight batches a
second time (compressed). `status` is what operators see of it (`/health`, `/metrics`, `newsworker ledger`):
batches in flight, the age of the oldest, and how many the reaper has re-sent.
"""

from __future__ import annotations

import json
import logging
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import redis

log = logging.getLogger(__name__)

# Kombu's Redis transport: the hash of messages held by workers (delivery tag -> [message, exchange, key]).
UNACKED_KEY = "unacked"


@dataclass(frozen=True)
class Entry:
    task_id: str
    task: str
    args: list[Any]
    kwargs: dict[str, Any]
    queue: str
    sent_at: float


def held_ids(broker: redis.Redis) -> set[str]:
    """Ids of the tasks whose messages workers hold (taken, not yet acknowledged)."""
    ids = set()
    for raw in broker.hvals(UNACKED_KEY):  # type: ignore[union-attr]
        try:
            message = json.loads(raw)[0]
            ids.add(str(message["headers"]["id"]))
        except (ValueError, LookupError, TypeError):
            continue
    return ids


def left_before(broker: redis.Redis, queue: str, stamp_header: str, grace: float) -> float:
    """The time before which a batch sent to `queue` has surely left it: `grace` seconds before the enqueue
    stamp of the message next out (Kombu pushes left, pops right); every time when the queue is empty; none
    when that message carries no stamp (nothing can then be judged gone)."""
    raw = broker.lindex(queue, -1)
    if raw is None:
        return math.inf
    try:
        return float(json.loads(raw)["headers"][stamp_header]) - grace  # type: ignore[arg-type]
    except (ValueError, LookupError, TypeError):
        return -math.inf


@dataclass(frozen=True)
class LedgerStatus:
    """The ledger at one moment. The age counts from a batch's latest send: a retry or a re-send restarts it."""

    in_flight: int  # batches sent and not yet finished (queued, running, waiting for a retry, or lost)
    oldest_seconds: float | None  # since the oldest of them was sent; None when none is in flight
    oldest_task_id: str | None
    resent: int  # batches the reaper has sent again, ever
    last_resent_at: float | None  # Unix time of the last re-send; None: never

    def as_json(self) -> dict[str, Any]:
        """For /health and `newsworker ledger --json`: the time of the last re-send as ISO 8601 (UTC)."""
        data = asdict(self)
        if self.last_resent_at is not None:
            data["last_resent_at"] = datetime.fromtimestamp(self.last_resent_at, UTC).isoformat()
        return data


class BatchLedger:
    def __init__(self, broker: redis.Redis, prefix: str) -> None:
        self.broker = broker
        self.entries_key = f"{prefix}:ledger:entries"
        self.sent_key = f"{prefix}:ledger:sent"
        self.resent_key = f"{prefix}:ledger:resent"  # counter, INCRBY'd by `reap`
        self.resent_at_key = f"{prefix}:ledger:resent_at"
        self.reaper_key = f"{prefix}:ledger:reaper"  # a short lock: one worker at a time looks for lost batches

    def status(self, now: float) -> LedgerStatus:
        """In-flight count, oldest batch and re-send count, in one round trip."""
        pipe = self.broker.pipeline(transaction=False)
        pipe.zcard(self.sent_key)
        pipe.zrange(self.sent_key, 0, 0, withscores=True)
        pipe.get(self.resent_key)
        pipe.get(self.resent_at_key)
        in_flight, oldest, resent, resent_at = pipe.execute()
        oldest_id, oldest_seconds = None, None
        if oldest:
            member, sent_at = oldest[0]
            oldest_id = _text(member)
            oldest_seconds = round(max(0.0, now - float(sent_at)), 3)
        return LedgerStatus(
            in_flight=int(in_flight),
            oldest_seconds=oldest_seconds,
            oldest_task_id=oldest_id,
            resent=int(resent or 0),
            last_resent_at=float(resent_at) if resent_at is not None else None,
        )

    def record(self, task_id: str, task: str, args: Sequence[Any], kwargs: dict[str, Any], queue: str,
               sent_at: float) -> None:  # fmt: skip
        body = json.dumps({"task": task, "args": list(args), "kwargs": kwargs, "queue": queue}).encode()
        pipe = self.broker.pipeline(transaction=True)
        pipe.hset(self.entries_key, task_id, zlib.compress(body, 1))  # type: ignore[arg-type]
        pipe.zadd(self.sent_key, {task_id: sent_at})
        pipe.execute()

    def finish(self, task_id: str) -> None:
        pipe = self.broker.pipeline(transaction=True)
        pipe.hdel(self.entries_key, task_id)
        pipe.zrem(self.sent_key, task_id)
        pipe.execute()

    def entry(self, task_id: str) -> Entry | None:
        pipe = self.broker.pipeline(transaction=False)
        pipe.hget(self.entries_key, task_id)
        pipe.zscore(self.sent_key, task_id)
        raw, score = pipe.execute()
        if raw is None or score is None:
            return None
        return _decoded(task_id, raw, float(score))

    def lost(self, *, now: float, grace: float, stamp_header: str, limit: int = 1000) -> list[Entry]:
        """Entries sent more than `grace` seconds ago that are neither held by a worker nor possibly queued:
        sent more than `grace` seconds before the enqueue stamp of their queue's head (or their queue empty).
        The margin absorbs clocks that differ between producers and a publish that took a while."""
        oldest = self.broker.zrangebyscore(self.sent_key, "-inf", now - grace, start=0, num=limit, withscores=True)
        held = held_ids(self.broker) if oldest else set()
        candidates = []
        for member, sent_at in oldest:  # type: ignore[union-attr]
            task_id = _text(member)
            if task_id not in held:
                candidates.append((task_id, float(sent_at)))
        if not candidates:
            return []
        payloads = self.broker.hmget(self.entries_key, [task_id for task_id, _ in candidates])
        cutoffs: dict[str, float] = {}
        lost = []
        for (task_id, sent_at), raw in zip(candidates, payloads, strict=True):  # type: ignore[arg-type]
            if raw is None:
                continue  # finished meanwhile
            entry = _decoded(task_id, raw, sent_at)
            if entry.queue not in cutoffs:
                cutoffs[entry.queue] = left_before(self.broker, entry.queue, stamp_header, grace)
            if sent_at < cutoffs[entry.queue]:  # otherwise it may be behind the head, still queued
                lost.append(entry)
        return lost

    def reap(self, resend: Callable[[Entry], Any], *, now: float, grace: float, stamp_header: str) -> list[str]:
        """Re-send every lost batch under its own id; the ids re-sent, counted (`status`) even when a later
        re-send fails."""
        sent: list[str] = []
        try:
            for entry in self.lost(now=now, grace=grace, stamp_header=stamp_header):
                log.warning("batch %s (%s, queue %s) sent %.0f s ago is neither queued, nor held by a worker, "
                            "nor finished: sent again", entry.task_id, entry.task, entry.queue,
                            now - entry.sent_at)  # fmt: skip
                resend(entry)
                sent.append(entry.task_id)
        finally:
            if sent:
                pipe = self.broker.pipeline(transaction=True)
                pipe.incrby(self.resent_key, len(sent))
                pipe.set(self.resent_at_key, repr(now))
                pipe.execute()
        return sent


def _text(member: bytes | str) -> str:
    """A sorted-set member as text (redis-py gives bytes unless the client decodes responses)."""
    return member.decode() if isinstance(member, bytes) else str(member)


def _decoded(task_id: str, raw: bytes, sent_at: float) -> Entry:
    data = json.loads(zlib.decompress(raw))
    return Entry(task_id, data["task"], data["args"], data["kwargs"], data["queue"], sent_at)
