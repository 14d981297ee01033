"""Near-duplicates across sources share a dup_group (real Redis); different stories do not."""

from __future__ import annotations

from datetime import UTC, datetime

import redis
from source_server import data

from worker.article import RawItem
from worker.dedup import DedupIndex, fingerprint, similarity
from worker.extract import article_from_item

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


def article(page: str, url: str, source: str):  # type: ignore[no-untyped-def]
    raw = RawItem(
        kind="feed", source=source, url=url, title="t", text="feed text", html=data(page).decode(), final_url=url
    )
    return article_from_item(raw, now=NOW)


def test_syndicated_copy_with_small_edits_joins_the_original_group(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client, threshold=0.6, window_days=14)
    original = index.assign(article("article_full.html", "https://www.harbourgazette.example/news/ferry", "hg"))
    copy = index.assign(article("article_syndicated.html", "https://www.coastalcourier.example/ferry", "cc"))
    other = index.assign(article("article_other.html", "https://www.harbourgazette.example/news/storm", "hg"))
    assert original.dup_group == original.id
    assert copy.dup_group == original.id and copy.id != original.id
    assert copy.metadata["dup_of"] == original.id and float(copy.metadata["dup_score"]) >= 0.6
    assert other.dup_group == other.id


def test_reingesting_an_article_keeps_its_group_and_first_seen(redis_client: redis.Redis) -> None:
    index = DedupIndex(redis_client, threshold=0.6, window_days=14)
    first = index.assign(article("article_full.html", "https://a.example/x", "a"))
    later = article("article_full.html", "https://a.example/x", "a").model_copy(
        update={"first_seen": datetime(2025, 1, 1, tzinfo=UTC)}
    )
    again = index.assign(later)
    assert again.dup_group == first.dup_group and again.first_seen == first.first_seen


def test_short_texts_are_not_compared() -> None:
    assert fingerprint("Too short to say.") is None


def test_similarity_of_identical_and_unrelated() -> None:
    a = fingerprint("word " * 10 + "the quick brown fox jumps over the lazy dog " * 5)
    b = fingerprint("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor " * 5)
    assert a is not None and b is not None
    assert similarity(a, a) == 1.0 and similarity(a, b) < 0.2


def test_fingerprint_cost_is_bounded_for_huge_texts() -> None:
    import time

    from worker.dedup import MAX_CHARS, fingerprint

    story = " ".join(f"woord{i % 997} zin{i % 89}" for i in range(20_000))
    huge = story * 30  # ~ 5 MB
    start = time.perf_counter()
    small_sig = fingerprint(story[:MAX_CHARS])
    small = time.perf_counter() - start
    start = time.perf_counter()
    huge_sig = fingerprint(huge)
    large = time.perf_counter() - start
    assert huge_sig == small_sig  # only the opening counts
    assert large < small * 5 + 0.5  # not ~170x the text, ~170x the time
