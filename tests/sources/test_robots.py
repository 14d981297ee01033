"""robots.txt for pages: Disallow honoured with feed-text fallback, Crawl-delay slows the host budget."""

from __future__ import annotations

import redis
from source_server import LocalServer, Reply
from sources_support import make_settings

from worker.article import RawItem
from worker.pipeline import normalise_items
from worker.sources.fetcher import fetch_pages
from worker.sources.http import PoliteClient
from worker.sources.robots import RobotsCache, robots_allows, robots_delay
from worker.sources.urls import budget_key

ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: newsworker\nDisallow: /nope/\n"


def test_rules_for_our_agent_and_wildcard() -> None:
    text = ROBOTS.decode()
    assert robots_allows(text, "https://x.example/news/a")
    assert not robots_allows(text, "https://x.example/nope/a")  # our own group wins over *
    assert robots_allows(text, "https://x.example/private/a")  # ... and it does not disallow /private/
    assert not robots_allows(text, "https://x.example/private/a", agent="otherbot")
    assert robots_delay("User-agent: *\nCrawl-delay: 3\n") == 3


def test_disallowed_page_falls_back_to_feed_text_and_delay_slows_budget(
    server: LocalServer, redis_client: redis.Redis
) -> None:
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n"))
    server.route("/private/story", Reply(body=b"<html><body><p>secret</p></body></html>"))
    settings = make_settings()
    client = PoliteClient(settings, redis_client)
    robots = RobotsCache(redis_client, client)
    item = RawItem(kind="feed", source="s", url=server.url("/private/story"), title="T", text="Feed text here.")
    fetched = fetch_pages([item, item], client=client, robots=robots)
    result = normalise_items(fetched.items, settings)
    assert [a.metadata["page_fallback"] for a in result.articles] == ["page fetch failed: disallowed by robots.txt"] * 2
    assert [r.path for r in server.log] == ["/robots.txt"]  # asked once, cached
    assert client.budget.rate(budget_key(server.base)) == 1.0


def test_robots_5xx_means_stay_out_404_means_no_rules(server: LocalServer, redis_client: redis.Redis) -> None:
    client = PoliteClient(make_settings(), redis_client)
    robots = RobotsCache(redis_client, client)
    server.route("/robots.txt", Reply(500))
    assert not robots.allowed(server.url("/a"))
    redis_client.flushdb()
    server.route("/robots.txt", Reply(404))
    assert robots.allowed(server.url("/a"))


def test_crawl_delay_fractional_and_per_agent() -> None:
    assert robots_delay("User-agent: *\nCrawl-delay: 1.5\n") == 1.5
    assert robots_delay("User-agent: *\nCrawl-delay: 10\n\nUser-agent: newsworker\nCrawl-delay: 0.5\n") == 0.5
    assert robots_delay("User-agent: other\nCrawl-delay: 9\n") is None
    assert robots_delay("User-agent: a\nUser-agent: *\nDisallow: /x\nCrawl-delay: 3 # slow\n") == 3.0
