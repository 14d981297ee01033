"""Feeds to Elasticsearch through real Celery workers: articles carry text_source, date_source, canonical
url and dup_group; a second round makes only conditional requests and adds nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from source_server import LocalServer, Reply, data, serve
from sources_support import make_settings, sources_redis_url

from worker.index.store import connect, setup_index
from worker.sources.registry import FeedDeclaration, FeedRegistry

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><description>Feed text of {t}.</description>"
        f"<pubDate>Mon, 04 Mar 2024 08:30:00 +0100</pubDate></item>"
        for p, t in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{entries}</channel></rss>'.encode()


@pytest.fixture
def two_sites() -> Iterator[tuple[LocalServer, LocalServer]]:
    with serve() as one, serve() as two:
        yield one, two


def _wait(predicate: Any, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def test_feeds_to_index_with_provenance_and_dup_groups(
    redis_client: redis.Redis, two_sites: tuple[LocalServer, LocalServer], tmp_path: Path
) -> None:
    one, two = two_sites
    etag = {"ETag": '"v1"', "Content-Type": "application/rss+xml"}
    for site, feed_items in (
        (one, [("/news/2024/03/04/ferry?utm_source=rss", "Ferry"), ("/storm", "Storm")]),
        (two, [("/wire/ferry", "Ferry (agency)")]),
    ):
        body = rss(site.base, feed_items)
        site.route(
            "/feed",
            lambda r, b=body: (
                Reply(304, headers=etag) if r.headers.get("if-none-match") else Reply(body=b, headers=etag)
            ),
        )
    one.route("/news/2024/03/04/ferry", Reply(body=data("article_full.html"), headers={"Content-Type": "text/html"}))
    one.route("/storm", Reply(body=data("article_other.html"), headers={"Content-Type": "text/html"}))
    two.route("/wire/ferry", Reply(body=data("article_syndicated.html"), headers={"Content-Type": "text/html"}))
    # The same story also in a second feed of site one, with other tracking parameters.
    one.route("/feed2", Reply(body=rss(one.base, [("/news/2024/03/04/ferry?fbclid=x", "Ferry")]), headers=etag))

    prefix = f"nwsrc-{uuid.uuid4().hex[:6]}"
    broker = urlunsplit(urlsplit(sources_redis_url())._replace(path="/13"))
    redis.Redis.from_url(broker).flushdb()
    env = {
        **os.environ,
        "NEWSWORKER_BROKER_URL": broker,
        "NEWSWORKER_REDIS_URL": sources_redis_url(),
        "NEWSWORKER_INDEX_PREFIX": prefix,
        "NEWSWORKER_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "NEWSWORKER_HOST_RATE": "5",
    }
    settings = make_settings(redis_url=sources_redis_url(), index_prefix=prefix)
    es = connect(settings)
    try:
        es.cluster.health(wait_for_status="yellow", timeout="20s")
    except Exception as exc:
        pytest.fail(f"Elasticsearch at {settings.es_url} is not reachable ({exc}); start it: newsworker services up")
    # Created up front, as `newsworker index setup` does: a fresh index answers 503 until its shard is active.
    setup_index(es, settings)
    es.cluster.health(index=f"{prefix}-articles", wait_for_status="yellow", timeout="20s")
    registry = FeedRegistry(redis_client, settings)
    for url in (one.url("/feed"), one.url("/feed2"), two.url("/feed")):
        registry.add(FeedDeclaration(url=url))

    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker.app", "worker", "--pool", "threads",
             "--concurrency", "2", "-Q", "ingest,sources", "--loglevel", "INFO",
             "--hostname", f"src-{uuid.uuid4().hex[:6]}@%h"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        from celery import Celery

        sender = Celery(broker=broker)
        sender.send_task("newsworker.sources.dispatch_due", queue="sources")

        def indexed() -> list[dict[str, Any]]:
            try:
                es.indices.refresh(index=f"{prefix}-articles")
                hits = es.search(index=f"{prefix}-articles", size=20)["hits"]["hits"]
            except Exception:
                return []
            return [h["_source"] for h in hits]

        _wait(lambda: len(indexed()) >= 3, 180, "3 articles in Elasticsearch", log)
        time.sleep(2)
        articles = {a["url"]: a for a in indexed()}
        # The storm page's rel=canonical (same site) names it /news/2024/03/02/storm-warning.
        storm_url = one.url("/news/2024/03/02/storm-warning")
        ferry_url, copy_url = one.url("/news/2024/03/04/ferry"), two.url("/wire/ferry")
        assert set(articles) == {ferry_url, storm_url, copy_url}
        ferry, copy, storm = articles[ferry_url], articles[copy_url], articles[storm_url]
        assert ferry["text_source"] == "page" and ferry["date_source"] == "page-jsonld"
        # One group, named after whichever copy was handled first (the two sites are polled in parallel).
        assert copy["dup_group"] == ferry["dup_group"] in (ferry["id"], copy["id"])
        assert storm["dup_group"] == storm["id"]
        assert len(one.hits("/news/2024/03/04/ferry")) == 1  # in two feeds, fetched once

        # Second round: only conditional requests, nothing new.
        for state in registry.all():
            registry.save(state.model_copy(update={"next_poll": state.next_poll.replace(year=2000)}))
        before_one, before_two = len(one.log), len(two.log)
        before = before_one + before_two
        sender.send_task("newsworker.sources.dispatch_due", queue="sources")
        _wait(lambda: len(one.log) + len(two.log) >= before + 3, 60, "second round of polls", log)
        time.sleep(3)
        second = one.log[before_one:] + two.log[before_two:]
        assert sorted(r.path for r in second) == ["/feed", "/feed", "/feed2"]
        assert all("if-none-match" in r.headers for r in second if r.path == "/feed")
        assert len(indexed()) == 3
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        generations = list(es.indices.get(index=f"{prefix}-articles-*", ignore_unavailable=True).body)
        if generations:
            es.indices.delete(index=",".join(generations))
        if es.indices.exists_index_template(name=f"{prefix}-articles"):
            es.indices.delete_index_template(name=f"{prefix}-articles")
        redis.Redis.from_url(broker).flushdb()
