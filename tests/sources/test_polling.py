"""Feed polls against a local server: conditional GET, lying ETags, 304 forever, 429, malformed and hostile
feeds, redirects, gzip, wrong charsets, one story in two feeds, pages with fallback, and `feeds list`."""

from __future__ import annotations

import argparse
import gzip
from datetime import UTC, datetime, timedelta

import pytest
import redis
from source_server import LocalServer, Reply, Request, data
from sources_support import make_settings, sources_redis_url

from worker.config import Settings
from worker.pipeline import normalise_items
from worker.sources.cli import cmd_list, cmd_show
from worker.sources.fetcher import fetch_pages
from worker.sources.http import PoliteClient
from worker.sources.poll import poll_feed_once
from worker.sources.registry import FeedDeclaration, FeedRegistry

NOW = datetime.now(UTC)


def rss(base: str, items: list[tuple[str, str]], title: str = "Local Gazette") -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{path}</link><description>Feed text of {t}.</description>"
        f"<pubDate>Mon, 04 Mar 2024 08:30:00 +0100</pubDate></item>"
        for path, t in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    ).encode()


class Env:
    def __init__(self, redis_client: redis.Redis, **overrides: object) -> None:
        self.settings: Settings = make_settings(**overrides)
        self.registry = FeedRegistry(redis_client, self.settings)
        self.client = PoliteClient(self.settings, redis_client)

    def add(self, url: str) -> None:
        self.registry.add(FeedDeclaration(url=url), now=NOW)

    def poll(self, url: str, now: datetime | None = None):  # type: ignore[no-untyped-def]
        return poll_feed_once(url, registry=self.registry, client=self.client, settings=self.settings, now=now or NOW)


@pytest.fixture
def env(redis_client: redis.Redis) -> Env:
    return Env(redis_client)


def test_conditional_get_skips_unchanged_feed(server: LocalServer, env: Env) -> None:
    body = rss(server.base, [("/a", "A"), ("/b", "B")])

    def feed(r: Request) -> Reply:
        if r.headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(body=body, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    server.route("/feed", feed)
    url = server.url("/feed")
    env.add(url)
    first = env.poll(url)
    assert first.outcome.kind == "modified" and len(first.items) == 2
    second = env.poll(url, NOW + timedelta(minutes=30))
    assert second.outcome.kind == "not_modified" and second.items == []
    assert server.log[1].headers["if-none-match"] == '"v1"'
    state = env.registry.get(url)
    assert state is not None and state.etag == '"v1"' and state.items_seen == 2 and state.polls == 2


def test_lying_etag_changed_body_is_detected_by_hash(server: LocalServer, env: Env) -> None:
    bodies = [rss(server.base, [("/a", "A")]), rss(server.base, [("/a", "A"), ("/c", "C")])]
    # Ignores If-None-Match and sends the same ETag for different bodies.
    same = {"ETag": '"same"'}
    server.route("/feed", lambda r: Reply(body=bodies[min(len(server.hits("/feed")), 2) - 1], headers=same))
    url = server.url("/feed")
    env.add(url)
    assert len(env.poll(url).items) == 1
    second = env.poll(url, NOW + timedelta(minutes=30))
    assert second.outcome.kind == "modified" and [i.url for i in second.items] == [server.url("/c")]
    state = env.registry.get(url)
    assert state is not None and state.etag_unreliable
    env.poll(url, NOW + timedelta(minutes=60))
    assert "if-none-match" not in server.log[-1].headers  # its ETag is not trusted any more


def test_server_that_304s_forever_gets_a_full_fetch_now_and_then(server: LocalServer, env: Env) -> None:
    bodies = [rss(server.base, [("/a", "A")]), rss(server.base, [("/a", "A"), ("/new", "New")])]
    stamp = {"Last-Modified": "Mon, 04 Mar 2024 08:00:00 GMT"}

    def feed(r: Request) -> Reply:
        if r.headers.get("if-modified-since"):
            return Reply(304)
        return Reply(body=bodies[min(len(server.hits("/feed")), 2) - 1], headers=stamp)

    server.route("/feed", feed)
    url = server.url("/feed")
    env.add(url)
    env.poll(url)
    assert env.poll(url, NOW + timedelta(hours=1)).outcome.kind == "not_modified"
    later = env.poll(url, NOW + timedelta(seconds=env.settings.poll_full_fetch_every + 1))
    assert later.outcome.kind == "modified" and [i.title for i in later.items] == ["New"]
    assert "if-modified-since" not in server.log[-1].headers


def test_same_body_without_validators_is_unchanged_and_not_parsed(server: LocalServer, env: Env) -> None:
    server.route("/feed", Reply(body=rss(server.base, [("/a", "A")])))
    url = server.url("/feed")
    env.add(url)
    env.poll(url)
    again = env.poll(url, NOW + timedelta(hours=1))
    assert again.outcome.kind == "unchanged" and again.items == []


def test_429_retry_after_is_a_failure_that_waits(server: LocalServer, env: Env) -> None:
    server.route("/feed", Reply(429, headers={"Retry-After": "3600"}))
    url = server.url("/feed")
    env.add(url)
    report = env.poll(url)
    assert report.outcome.kind == "failed" and "429" in (report.outcome.error or "")
    assert report.state is not None and report.state.next_poll >= NOW + timedelta(seconds=3600)


def test_malformed_feed_yields_items_and_notes_why(server: LocalServer, env: Env) -> None:
    server.route("/feed", Reply(body=data("malformed.xml")))
    url = server.url("/feed")
    env.add(url)
    report = env.poll(url)
    assert [i.title for i in report.items] == ["First story survives", "Second story too"]
    assert any("malformed feed" in r for r in report.rejected)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("billion_laughs.xml", "refers to other entities"), ("xxe.xml", "external entity 'xxe' refused (XXE")],
)
def test_hostile_xml_fails_with_reason(server: LocalServer, env: Env, name: str, reason: str) -> None:
    server.route("/feed", Reply(body=data(name)))
    url = server.url("/feed")
    env.add(url)
    report = env.poll(url)
    assert report.outcome.kind == "failed" and reason in (report.outcome.error or "")


def test_oversized_feed_fails_with_reason(server: LocalServer, redis_client: redis.Redis) -> None:
    env = Env(redis_client, feed_max_bytes=20_000)
    server.route("/feed", Reply(body=rss(server.base, [(f"/{i}", f"Story {i}") for i in range(500)])))
    url = server.url("/feed")
    env.add(url)
    report = env.poll(url)
    assert report.outcome.kind == "failed" and "cap" in (report.outcome.error or "")


def test_redirected_gzip_feed_with_wrong_charset(server: LocalServer, env: Env) -> None:
    latin = rss(server.base, [("/cafe", "Café in Zürich")]).decode().replace("utf-8", "iso-8859-1").encode("latin-1")
    server.route("/old-feed", Reply(301, headers={"Location": "/feed"}))
    server.route(
        "/feed",
        Reply(
            body=gzip.compress(latin),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml; charset=utf-8"},
        ),
    )
    url = server.url("/old-feed")
    env.add(url)
    report = env.poll(url)
    assert [i.title for i in report.items] == ["Café in Zürich"]


def test_ssrf_feed_fails_and_is_listed_with_its_error(
    server: LocalServer, redis_client: redis.Redis, capsys: pytest.CaptureFixture[str]
) -> None:
    env = Env(redis_client, allow_private_networks="")
    server.route("/feed", Reply(body=rss(server.base, [("/a", "A")])))
    url = server.url("/feed")
    # The listing below compares with the wall clock ("retry in ..."): use it here too, not the module's NOW,
    # which a long suite leaves minutes behind.
    now = datetime.now(UTC)
    env.registry.add(FeedDeclaration(url=url), now=now)
    report = env.poll(url, now=now)
    assert report.outcome.kind == "failed" and "loopback" in (report.outcome.error or "")
    assert server.log == []
    settings = make_settings(redis_url=sources_redis_url())
    cmd_list(argparse.Namespace(json=False), settings)
    out = capsys.readouterr().out
    assert "1 failing" in out and "FAILING" in out and "loopback address 127.0.0.1 refused" in out and "retry in" in out
    cmd_show(argparse.Namespace(url=url, json=False), settings)
    assert "consecutive_failures" in capsys.readouterr().out


def test_same_story_in_two_feeds_with_tracking_params_is_one_item(server: LocalServer, env: Env) -> None:
    server.route("/feed1", Reply(body=rss(server.base, [("/story?utm_source=feed1&utm_medium=rss", "Story")])))
    server.route("/feed2", Reply(body=rss(server.base, [("/story?fbclid=abc", "Story")], title="Other")))
    for path in ("/feed1", "/feed2"):
        env.add(server.url(path))
    first = env.poll(server.url("/feed1"))
    second = env.poll(server.url("/feed2"))
    assert [i.url for i in first.items] == [server.url("/story")]
    assert second.outcome.kind == "modified" and second.items == []


def test_items_become_articles_from_pages_with_feed_fallback(server: LocalServer, env: Env) -> None:
    items = [("/full", "Full"), ("/paywalled", "Paywalled"), ("/gone", "Gone")]
    server.route("/feed", Reply(body=rss(server.base, items)))
    server.route("/full", Reply(body=data("article_full.html"), headers={"Content-Type": "text/html; charset=utf-8"}))
    server.route("/paywalled", Reply(body=data("article_paywall.html"), headers={"Content-Type": "text/html"}))
    url = server.url("/feed")
    env.add(url)
    report = env.poll(url)
    fetched = fetch_pages(report.items, client=env.client)
    result = normalise_items(fetched.items, env.settings)
    by_title = {a.metadata.get("feed_url", a.url): a for a in result.articles}
    full = by_title[server.url("/full")]
    assert full.text_source == "page" and full.date_source == "page-jsonld"
    # rel=canonical points to another site: recorded, not followed.
    assert full.url == server.url("/full") and "canonical_elsewhere" in full.metadata
    paywalled = by_title[server.url("/paywalled")]
    assert paywalled.text_source == "feed" and "too short" in paywalled.metadata["page_fallback"]
    gone = by_title[server.url("/gone")]
    assert gone.text_source == "feed" and gone.metadata["page_fallback"] == "page fetch failed: HTTP 404"
    assert all(a.date_source != "ingested" for a in result.articles)


def test_json_feed_and_news_sitemap_index_are_polled(server: LocalServer, env: Env) -> None:
    server.route("/feed.json", Reply(body=data("feed.json"), headers={"Content-Type": "application/feed+json"}))
    index = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>{server.base}/news.xml</loc></sitemap></sitemapindex>"""
    server.route("/sitemap.xml", Reply(body=index.encode(), headers={"Content-Type": "application/xml"}))
    server.route("/news.xml", Reply(body=data("news_sitemap.xml"), headers={"Content-Type": "application/xml"}))
    for path in ("/feed.json", "/sitemap.xml"):
        env.add(server.url(path))
    json_report = env.poll(server.url("/feed.json"))
    assert json_report.state is not None and json_report.state.format == "json" and len(json_report.items) == 2
    sitemap_report = env.poll(server.url("/sitemap.xml"))
    assert [i.title for i in sitemap_report.items] == ["Kabinet presenteert plan voor woningbouw", "Ajax wint met 3-1"]
    assert any("javascript" in r for r in sitemap_report.rejected)


def test_updated_item_comes_back_unchanged_item_does_not(server: LocalServer, env: Env) -> None:
    def atom(updated: str, extra: str = "") -> bytes:
        return f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
          <entry><title>Story</title><link href="{server.base}/story"/><id>s1</id>
          <updated>{updated}</updated><summary>Text.</summary></entry>{extra}</feed>""".encode()

    versions = [
        atom("2024-03-05T10:00:00Z"),
        atom("2024-03-05T10:00:00Z", '<entry><title>Other</title><link href="/other"/><id>s2</id></entry>'),
        atom("2024-03-05T12:00:00Z"),
    ]
    server.route("/feed", lambda r: Reply(body=versions[min(len(server.hits("/feed")), 3) - 1]))
    url = server.url("/feed")
    env.add(url)
    assert [i.title for i in env.poll(url).items] == ["Story"]
    assert [i.title for i in env.poll(url, NOW + timedelta(hours=1)).items] == ["Other"]  # Story unchanged
    again = env.poll(url, NOW + timedelta(hours=2)).items
    assert [(i.title, i.metadata["updated"]) for i in again] == [("Story", "2024-03-05T12:00:00Z")]


def test_a_stale_second_claim_does_not_poll_again(server: LocalServer, env: Env) -> None:
    server.route("/feed", Reply(body=rss(server.base, [("/a", "A")])))
    url = server.url("/feed")
    env.add(url)
    env.poll(url)
    later = NOW + timedelta(minutes=1)
    e = env
    report = poll_feed_once(url, registry=e.registry, client=e.client, settings=e.settings, now=later, force=False)
    assert report.outcome.kind == "deferred" and len(server.log) == 1
