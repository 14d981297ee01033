"""One feed poll and one batch of item fetches, as plain functions over the registry and the polite client;
the Celery tasks in `worker.sources.tasks` only call these.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from worker.article import RawItem
from worker.config import Settings
from worker.dates import DateParseError, parse_date
from worker.failures import Failure
from worker.normalise import article_id, content_hash
from worker.sources.errors import BackoffError, FetchError, HostBusyError, HTTPStatusError, RetryLaterError
from worker.sources.feeds import feed_item_key, item_version, parse_feed
from worker.sources.http import PoliteClient
from worker.sources.parsed import FeedError, ParsedFeed
from worker.sources.registry import FeedRegistry
from worker.sources.schedule import (
    FeedState,
    PollKind,
    PollOutcome,
    apply_outcome,
    cache_max_age,
    rate_from_dates,
    wants_full_fetch,
)

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 5


@dataclass
class PollReport:
    """What a poll did: the outcome, the items to fetch/index (new or updated ones only), the feed's new state."""

    url: str
    outcome: PollOutcome
    state: FeedState | None
    items: list[RawItem] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)

    def failures(self) -> list[Failure]:
        """Dead letters for what the poll refused and for the poll itself when it failed (the feed is its own
        replay: it is polled again)."""
        failures = [Failure(stage="feed", reason=reason, source=self.url) for reason in self.rejected[:50]]
        if self.outcome.kind == "failed" and self.outcome.error:
            failures.append(Failure(stage="fetch", reason=self.outcome.error, source=self.url))
        return failures

    def as_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "outcome": self.outcome.kind,
            "new_items": len(self.items),
            "error": self.outcome.error,
            "rejected": len(self.rejected),
            "next_poll": self.state.next_poll.isoformat() if self.state else None,
        }


def item_id(item: RawItem) -> str:
    """The id the item's article will (most likely) get: from its canonical link, else source + text."""
    return article_id(url=item.url, source=item.source, body_hash=content_hash(item.text or item.title or ""))


def item_dates(items: list[RawItem]) -> list[datetime]:
    dates = []
    for item in items:
        if item.published:
            try:
                dates.append(parse_date(item.published)[0])
            except DateParseError:
                continue
    return dates


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _fetch_parsed(
    client: PoliteClient, url: str, state: FeedState, full: bool
) -> tuple[ParsedFeed | None, PollOutcome]:
    result = client.fetch(
        url,
        kind="feed",
        etag=None if full else state.etag,
        last_modified=None if full else state.last_modified,
    )
    headers = result.headers
    max_age = cache_max_age(headers.get("cache-control"))
    etag, last_modified = headers.get("etag"), headers.get("last-modified")
    if result.not_modified:
        # A 304 may omit validators; keep the ones we sent.
        return None, PollOutcome(
            "not_modified", etag=etag or state.etag, last_modified=last_modified or state.last_modified, max_age=max_age
        )
    digest = body_hash(result.body)
    notes = []
    if state.etag and etag == state.etag and state.body_hash and digest != state.body_hash:
        notes.append("etag_unreliable")  # same ETag, different body: never trust its ETag again
    if digest == state.body_hash:
        return None, PollOutcome(
            "unchanged", etag=etag, last_modified=last_modified, body_hash=digest, max_age=max_age, full_fetch=full,
            notes=notes,
        )  # fmt: skip
    parsed = parse_feed(result.text("feed"), result.final_url, headers.get("content-type", ""))
    return parsed, PollOutcome(
        "modified", etag=etag, last_modified=last_modified, body_hash=digest, max_age=max_age, full_fetch=full,
        ttl_seconds=parsed.ttl_seconds, title=parsed.title or None, format=parsed.format, notes=notes,
    )  # fmt: skip


def fresh_items(registry: FeedRegistry, items: list[RawItem]) -> tuple[list[RawItem], dict[str, str]]:
    """Items not seen before (by any feed) or changed since; and their versions, to mark once handled."""
    unique: dict[str, RawItem] = {}
    for item in items:
        unique.setdefault(feed_item_key(item), item)
    ids = {key: item_id(item) for key, item in unique.items()}
    seen = registry.seen_versions(list(dict.fromkeys(ids.values())))
    fresh: list[RawItem] = []
    versions: dict[str, str] = {}
    for key, item in unique.items():
        version = item_version(item)
        if seen.get(ids[key]) != version and versions.get(ids[key]) is None:
            fresh.append(item)
            versions[ids[key]] = version
    return fresh, versions


def poll_feed_once(
    url: str,
    *,
    registry: FeedRegistry,
    client: PoliteClient,
    settings: Settings,
    now: datetime | None = None,
    mark_seen: bool = True,
    save_state: bool = True,
    force: bool = True,
) -> PollReport:
    """Fetch a feed (conditionally when its validators can be trusted), parse it, pick its new items, and
    store the feed's next state. With mark_seen=False the caller marks `report.versions` seen once it has
    handed the items on (so a crash in between loses nothing: the next poll finds them new again)."""
    now = now or datetime.now(UTC)
    state = registry.get(url)
    if state is None:
        return PollReport(url, PollOutcome("failed", error="not registered"), None)
    if not state.enabled:
        return PollReport(url, PollOutcome("failed", error=f"disabled: {state.disabled_reason}"), state)
    if not force and state.next_poll > now:
        # A second claim of the same due time (its poll task waited in the queue longer than the claim's
        # lease, and another poll has run since): nothing to do but put the feed back at its real time.
        registry.save(state)
        return PollReport(url, PollOutcome("deferred", error="already polled"), state)
    full = wants_full_fetch(state, settings, now)
    rejected: list[str] = []
    items: list[RawItem] = []
    versions: dict[str, str] = {}
    try:
        parsed, outcome = _fetch_parsed(client, state.url, state, full)
        if parsed is not None:
            rejected += parsed.rejected
            all_items = list(parsed.items)
            for child in parsed.sitemaps[:MAX_CHILD_SITEMAPS]:
                try:
                    child_result = client.fetch(child, kind="feed")
                    child_feed = parse_feed(child_result.text("feed"), child_result.final_url)
                    all_items += child_feed.items
                    rejected += child_feed.rejected
                except (FetchError, FeedError) as exc:
                    rejected.append(f"child sitemap {child}: {exc}")
            items, versions = fresh_items(registry, all_items)
            outcome = replace(outcome, new_items=len(items), dated_rate=rate_from_dates(item_dates(all_items), now))
            if parsed.bozo:
                rejected.append(f"malformed feed (items still read): {parsed.bozo}")
    except RetryLaterError as exc:
        # Our own budget being spent is no failure of the feed; a 429/503 is (backoff honours Retry-After).
        kind: PollKind = "deferred" if isinstance(exc, HostBusyError | BackoffError) else "failed"
        outcome = PollOutcome(kind, error=exc.reason, retry_after=exc.retry_after)
    except HTTPStatusError as exc:
        outcome = PollOutcome("failed", error=exc.reason, permanent=exc.status == 410)
    except (FetchError, FeedError) as exc:
        outcome = PollOutcome("failed", error=str(getattr(exc, "reason", exc)))
    new_state = apply_outcome(state, outcome, settings, now)
    if save_state:  # a dry run leaves no trace: the next real poll sees what this one saw
        registry.save(new_state)
    if mark_seen and save_state:
        registry.mark_seen(versions)
    if outcome.kind == "failed":
        log.info("feed %s failed (%s); next poll %s", url, outcome.error, new_state.next_poll)
    return PollReport(url, outcome, new_state, items, rejected, versions)
