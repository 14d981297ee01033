"""Adaptive intervals, backoff, auto-disable (pure) and the registry's atomic due-claim (real Redis)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sources_support import make_settings

from worker.sources.registry import FeedDeclaration, FeedRegistry, RegistryError, load_declarations
from worker.sources.schedule import (
    FeedState,
    PollOutcome,
    apply_outcome,
    cache_max_age,
    rate_from_dates,
    wants_full_fetch,
)

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


def state(**overrides: object) -> FeedState:
    base: dict[str, object] = {"url": "https://x.example/feed", "feed_id": "f", "added_at": NOW, "next_poll": NOW}
    base.update(overrides)
    return FeedState(**base)  # type: ignore[arg-type]


def test_busy_feed_polls_faster_quiet_feed_slower() -> None:
    settings = make_settings()
    busy = state(last_ok=NOW - timedelta(hours=1), interval=3600, new_items_per_hour=None)
    after = apply_outcome(busy, PollOutcome("modified", new_items=20), settings, NOW)
    assert after.interval == 360  # 20 new items per hour, about 2 per poll: every 6 minutes
    quiet = state(last_ok=NOW - timedelta(hours=2), interval=7200, new_items_per_hour=0.0)
    slower = apply_outcome(quiet, PollOutcome("not_modified"), settings, NOW)
    assert slower.interval == 7200 * 1.5
    assert slower.next_poll == NOW + timedelta(seconds=slower.interval)


def test_interval_bounded_and_respects_ttl() -> None:
    settings = make_settings()
    s = state(last_ok=NOW - timedelta(hours=20), interval=80_000, new_items_per_hour=0.0)
    assert apply_outcome(s, PollOutcome("unchanged"), settings, NOW).interval == settings.poll_max_interval
    busy = state(last_ok=NOW - timedelta(hours=1), interval=600, new_items_per_hour=30.0)
    with_ttl = apply_outcome(busy, PollOutcome("modified", new_items=30, ttl_seconds=3600), settings, NOW)
    assert with_ttl.interval == 3600
    assert cache_max_age("public, max-age=900") == 900


def test_failures_back_off_exponentially_then_disable() -> None:
    settings = make_settings(feed_max_failures=4)
    s = state()
    intervals = []
    for _ in range(4):
        s = apply_outcome(s, PollOutcome("failed", error="HTTP 500"), settings, NOW)
        intervals.append((s.next_poll - NOW).total_seconds())
    assert intervals[0] < intervals[1] < intervals[2]
    assert not s.enabled and s.disabled_reason == "4 consecutive failures; last: HTTP 500"
    assert s.failing_since == NOW and s.last_error == "HTTP 500"


def test_gone_disables_at_once_and_retry_after_is_honoured() -> None:
    settings = make_settings()
    gone = apply_outcome(state(), PollOutcome("failed", error="HTTP 410", permanent=True), settings, NOW)
    assert not gone.enabled and "permanent" in (gone.disabled_reason or "")
    limited = apply_outcome(state(), PollOutcome("failed", error="HTTP 429", retry_after=7200), settings, NOW)
    assert limited.next_poll >= NOW + timedelta(seconds=7200)


def test_deferred_is_not_a_failure() -> None:
    s = apply_outcome(state(), PollOutcome("deferred", retry_after=30), make_settings(), NOW)
    assert s.consecutive_failures == 0 and s.next_poll == NOW + timedelta(seconds=30)


def test_full_fetch_when_validators_cannot_be_trusted() -> None:
    settings = make_settings()
    assert wants_full_fetch(state(), settings, NOW)  # no validators yet
    fresh = state(etag='"a"', last_full_fetch=NOW - timedelta(hours=1))
    assert not wants_full_fetch(fresh, settings, NOW)
    assert wants_full_fetch(fresh.model_copy(update={"etag_unreliable": True}), settings, NOW)
    assert wants_full_fetch(state(etag='"a"', last_full_fetch=NOW - timedelta(days=2)), settings, NOW)


def test_claim_due_hands_each_feed_to_one_caller(redis_client: redis.Redis) -> None:
    registry = FeedRegistry(redis_client, make_settings())
    for i in range(200):
        registry.add(FeedDeclaration(url=f"https://host{i % 20}.example/feed{i}.xml"), now=NOW)
    claims: list[list[str]] = []
    lock = threading.Lock()

    def scheduler() -> None:
        own = FeedRegistry(redis.Redis(connection_pool=redis_client.connection_pool), make_settings())
        for _ in range(5):
            got = [s.feed_id for s in own.claim_due(NOW + timedelta(seconds=1), limit=30)]
            with lock:
                claims.append(got)

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    claimed = [fid for batch in claims for fid in batch]
    assert len(claimed) == 200 and len(set(claimed)) == 200
    # Claimed feeds are leased: nothing is due again until the lease runs out or the poll reschedules.
    assert registry.claim_due(NOW + timedelta(seconds=2)) == []


def test_a_feed_added_within_the_millisecond_of_the_claim_is_due(redis_client: redis.Redis) -> None:
    """A new feed is due at once: its score is `now` in ms with the fraction, and a claim made in the same
    millisecond must take it (the claim truncated `now` to whole ms, and CI saw a dispatch miss a feed)."""
    registry = FeedRegistry(redis_client, make_settings())
    added_at = NOW + timedelta(microseconds=700)  # 0.7 ms into a millisecond
    registry.add(FeedDeclaration(url="https://same-ms.example/feed.xml"), now=added_at)
    assert [s.url for s in registry.claim_due(added_at)] == ["https://same-ms.example/feed.xml"]


def test_add_is_idempotent_and_canonical(redis_client: redis.Redis) -> None:
    registry = FeedRegistry(redis_client, make_settings())
    _, new = registry.add(FeedDeclaration(url="HTTPS://X.example:443/feed/?utm_source=a"))
    again, new_again = registry.add(FeedDeclaration(url="https://x.example/feed", name="X"))
    assert new and not new_again and again.name == "X" and len(registry.all()) == 1
    with pytest.raises(RegistryError):
        registry.add(FeedDeclaration(url="ftp://x.example/feed"))
    assert registry.remove("https://x.example/feed") and registry.all() == []


def test_example_feeds_file_loads() -> None:
    declarations = load_declarations(REPO / "config" / "feeds.example.yaml")
    assert declarations and all(d.url.startswith("http") for d in declarations)


def test_feeds_file_errors_are_explained(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.yaml"
    bad.write_text("feeds:\n  - url: https://x.example/feed\n    intervall: 5\n")
    with pytest.raises(RegistryError, match="unknown keys"):
        load_declarations(bad)


def test_first_poll_interval_from_item_dates() -> None:
    settings = make_settings()
    dates = [NOW - timedelta(hours=h) for h in range(0, 24, 2)]  # 12 items in the last day: 0.5 per hour
    rate = rate_from_dates(dates, NOW)
    assert rate is not None and 0.4 < rate < 0.6
    first = apply_outcome(state(), PollOutcome("modified", new_items=12, dated_rate=rate), settings, NOW)
    assert 3 * 3600 < first.interval < 5 * 3600  # about 2 new items per poll
    assert rate_from_dates([NOW - timedelta(days=30)] * 5, NOW) is None


def test_opml_subscription_list_loads(tmp_path: Path) -> None:
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>My feeds</title></head><body>'
        '<outline text="News"><outline type="rss" text="NOS" xmlUrl="https://feeds.nos.nl/nosnieuwsalgemeen"/>'
        '<outline type="rss" title="BBC" text="bbc" xmlUrl=" https://feeds.bbci.co.uk/news/rss.xml "/></outline>'
        '<outline text="folder without feed"/></body></opml>'
    )
    declarations = load_declarations(opml)
    assert [(d.url, d.name) for d in declarations] == [
        ("https://feeds.nos.nl/nosnieuwsalgemeen", "NOS"),
        ("https://feeds.bbci.co.uk/news/rss.xml", "BBC"),
    ]


def test_due_feeds_are_handed_out_round_robin_over_hosts() -> None:
    from worker.sources.tasks import interleave_by_host

    urls = [f"https://{site}.example/feed{n}" for site in ("a", "b", "c") for n in range(3)] + [
        "https://d.example/only"
    ]
    order = interleave_by_host(urls)
    assert sorted(order) == sorted(urls)
    assert [u.split("//")[1].split(".")[0] for u in order[:4]] == ["a", "b", "c", "d"]
    assert order[4:7] == ["https://a.example/feed1", "https://b.example/feed1", "https://c.example/feed1"]
