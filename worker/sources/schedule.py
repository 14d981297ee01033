"""When to poll a feed next: adaptive to its rate of new items and its own hints, backing off on failure.

Pure functions over a feed's state and the outcome of one poll; the registry stores the result.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from worker.config import Settings

PollKind = Literal["modified", "not_modified", "unchanged", "failed", "deferred"]
# Weight of the newest poll in the moving average of new items per hour.
EWMA_WEIGHT = 0.3
# Aim for about this many new items per poll: frequent enough not to miss much, rare enough to be polite.
TARGET_ITEMS_PER_POLL = 2.0
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*(\d+)", re.IGNORECASE)


class FeedState(BaseModel):
    """Everything known about one feed: its configuration, its conditional-GET validators, its health."""

    url: str
    feed_id: str
    name: str | None = None
    title: str | None = None
    format: str | None = None
    added_at: datetime
    interval_override: float | None = Field(default=None, description="Fixed poll interval, seconds (else adaptive).")
    fetch_pages: bool | None = None
    enabled: bool = True
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_full_fetch: datetime | None = None
    interval: float = 1800.0
    next_poll: datetime
    last_poll: datetime | None = None
    last_ok: datetime | None = None
    last_outcome: str | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    last_error: str | None = None
    polls: int = 0
    polls_ok: int = 0
    items_seen: int = 0
    new_items_per_hour: float | None = None
    avg_new_per_poll: float = 0.0
    ttl_seconds: float | None = None
    etag_unreliable: bool = False

    @property
    def health(self) -> str:
        """'ok', 'failing since ...' or 'disabled: reason', for `feeds list`."""
        if not self.enabled:
            return f"disabled: {self.disabled_reason or 'by hand'}"
        if self.consecutive_failures:
            since = self.failing_since.strftime("%Y-%m-%d %H:%M") if self.failing_since else "?"
            return f"failing since {since} ({self.consecutive_failures}x)"
        if self.last_ok is None:
            return "new"
        return "ok"


@dataclass(frozen=True)
class PollOutcome:
    """What one poll found."""

    kind: PollKind
    new_items: int = 0
    error: str | None = None
    permanent: bool = False
    retry_after: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    ttl_seconds: float | None = None
    max_age: float | None = None
    full_fetch: bool = False
    title: str | None = None
    format: str | None = None
    dated_rate: float | None = None
    notes: list[str] = field(default_factory=list)


def cache_max_age(cache_control: str | None) -> float | None:
    """max-age (or s-maxage) of a Cache-Control header, seconds."""
    if not cache_control:
        return None
    match = _MAX_AGE.search(cache_control)
    return float(match.group(1)) if match else None


def rate_from_dates(dates: list[datetime], now: datetime, window: timedelta = timedelta(days=7)) -> float | None:
    """Items per hour a feed published lately, from its items' dates (None with fewer than 3 recent ones)."""
    recent = sorted(d for d in dates if now - window <= d <= now)
    if len(recent) < 3:
        return None
    span = max((now - recent[0]).total_seconds() / 3600, 1.0)
    return len(recent) / span


def bounded(seconds: float, settings: Settings) -> float:
    return min(max(seconds, settings.poll_min_interval), settings.poll_max_interval)


def adaptive_interval(
    state: FeedState, outcome: PollOutcome, elapsed: float, settings: Settings
) -> tuple[float, float]:
    """(next interval, updated new-items-per-hour) after a successful poll.

    The rate of new items is a moving average over polls; the interval is the time in which about
    TARGET_ITEMS_PER_POLL new items are expected. A feed with nothing new slows down gradually. The feed's
    TTL and Cache-Control max-age are lower bounds: it said not to come back sooner.
    """
    rate = state.new_items_per_hour
    if elapsed > 0:
        observed = outcome.new_items / (elapsed / 3600)
        rate = observed if rate is None else (1 - EWMA_WEIGHT) * rate + EWMA_WEIGHT * observed
    elif rate is None and outcome.dated_rate is not None:
        rate = outcome.dated_rate  # first poll: how often the feed published lately, from its items' dates
    if state.interval_override:
        interval = state.interval_override
    elif rate and rate > 0:
        interval = TARGET_ITEMS_PER_POLL / rate * 3600
        if outcome.new_items == 0:
            interval = max(interval, state.interval * 1.25)
    else:
        interval = state.interval * 1.5
    hints = [h for h in (outcome.ttl_seconds, outcome.max_age) if h]
    if hints:
        interval = max(interval, min(max(hints), settings.poll_max_interval))
    return bounded(interval, settings), rate or 0.0


def backoff_interval(failures: int, settings: Settings, retry_after: float | None = None, jitter: float = 0.1) -> float:
    """Exponential backoff from the minimum interval, with jitter so failing feeds do not return in step."""
    base = settings.poll_min_interval * 2 ** max(failures - 1, 0)
    base *= 1 + random.uniform(-jitter, jitter)
    if retry_after:
        base = max(base, retry_after)
    return bounded(base, settings)


def apply_outcome(state: FeedState, outcome: PollOutcome, settings: Settings, now: datetime) -> FeedState:
    """The feed's state after one poll: validators, health, statistics, next poll time."""
    update: dict[str, object] = {"last_poll": now, "polls": state.polls + 1}
    if outcome.kind == "deferred":
        # The host's budget was spent or it asked us to wait: not the feed's fault, not a failure.
        wait = outcome.retry_after or settings.poll_min_interval
        update.update(next_poll=now + timedelta(seconds=wait), polls=state.polls, last_outcome="deferred")
        return state.model_copy(update=update)
    if outcome.kind == "failed":
        failures = state.consecutive_failures + 1
        update.update(
            consecutive_failures=failures,
            failing_since=state.failing_since or now,
            last_error=outcome.error,
            last_outcome="failed",
        )
        if outcome.permanent or failures >= settings.feed_max_failures:
            why = "permanent error" if outcome.permanent else f"{failures} consecutive failures"
            update.update(enabled=False, disabled_reason=f"{why}; last: {outcome.error}", disabled_at=now)
        interval = backoff_interval(failures, settings, outcome.retry_after)
        update.update(next_poll=now + timedelta(seconds=interval))
        return state.model_copy(update=update)
    elapsed = (now - state.last_ok).total_seconds() if state.last_ok else 0.0
    interval, rate = adaptive_interval(state, outcome, elapsed, settings)
    if outcome.retry_after:
        interval = max(interval, outcome.retry_after)
    update.update(
        consecutive_failures=0,
        failing_since=None,
        last_ok=now,
        last_outcome=outcome.kind,
        interval=interval,
        next_poll=now + timedelta(seconds=interval),
        new_items_per_hour=rate,
        items_seen=state.items_seen + outcome.new_items,
        polls_ok=state.polls_ok + 1,
        avg_new_per_poll=state.avg_new_per_poll + (outcome.new_items - state.avg_new_per_poll) / (state.polls_ok + 1),
    )
    if outcome.kind == "modified" or outcome.kind == "unchanged":
        update.update(etag=outcome.etag, last_modified=outcome.last_modified)
        if outcome.body_hash:
            update["body_hash"] = outcome.body_hash
        if outcome.full_fetch:
            update["last_full_fetch"] = now
    if outcome.ttl_seconds:
        update["ttl_seconds"] = outcome.ttl_seconds
    if outcome.title:
        update["title"] = outcome.title
    if outcome.format:
        update["format"] = outcome.format
    if "etag_unreliable" in outcome.notes:
        update["etag_unreliable"] = True
    return state.model_copy(update=update)


def wants_full_fetch(state: FeedState, settings: Settings, now: datetime) -> bool:
    """Poll without validators now and then: some servers answer 304 forever, or reuse an ETag (a lying one)."""
    if state.etag_unreliable:
        return True
    if not (state.etag or state.last_modified):
        return True
    if state.last_full_fetch is None:
        return True
    return (now - state.last_full_fetch).total_seconds() >= settings.poll_full_fetch_every
