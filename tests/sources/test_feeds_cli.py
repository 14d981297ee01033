"""`newsworker feeds` as a user runs it: discovery on add, list with health, show, disable, remove."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from source_server import LocalServer, Reply, data
from sources_support import make_settings, sources_redis_url

from worker.failures import FailureStore

REPO = Path(__file__).resolve().parents[2]
BROKER_URL = urlunsplit(urlsplit(sources_redis_url())._replace(path="/13"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NEWSWORKER_REDIS_URL": sources_redis_url(),
        "NEWSWORKER_BROKER_URL": BROKER_URL,
        "NEWSWORKER_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
    }
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", "feeds", *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_add_discovers_list_show_disable_remove(server: LocalServer, redis_client: redis.Redis) -> None:
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" title="Latest" href="/feed.xml">'
        '<link rel="alternate" type="application/atom+xml" title="Gone" href="/gone.atom"></head></html>'
    )
    server.route("/", Reply(body=page.encode(), headers={"Content-Type": "text/html"}))
    server.route("/feed.xml", Reply(body=data("rss2_news.xml"), headers={"Content-Type": "application/rss+xml"}))
    added = run("add", server.url("/"), "--all")
    assert added.returncode == 0, added.stderr
    assert f"added {server.url('/feed.xml')} (Latest)" in added.stdout
    assert f"added {server.url('/gone.atom')} (Gone)" in added.stdout

    polled = run("poll", server.url("/gone.atom"))
    assert polled.returncode == 1 and '"error": "HTTP 404"' in polled.stdout
    listed = run("list")
    assert "2 feed(s): 1 failing, 1 new" in listed.stdout
    assert "failing since" in listed.stdout and "HTTP 404; retry in" in listed.stdout

    dry = run("poll", server.url("/feed.xml"), "--dry-run", "--no-pages")
    assert dry.returncode == 0 and '"text_source": "feed"' in dry.stdout and '"date_source": "feed"' in dry.stdout
    assert "last_poll" not in run("show", server.url("/feed.xml")).stdout  # a dry run remembers nothing
    queued = run("poll", server.url("/feed.xml"))
    assert "queued 4 item(s) for page fetching" in queued.stdout
    broker = redis.Redis.from_url(BROKER_URL)
    assert broker.llen("sources") == 1
    broker.flushdb()
    shown = run("show", server.url("/feed.xml"))
    assert "Harbour Gazette - Latest" in shown.stdout and "items_seen             4" in shown.stdout

    disabled = run("disable", server.url("/gone.atom"), "--reason", "site closed")
    assert "disabled: site closed" in disabled.stdout
    assert "disabled: site closed" in run("list").stdout
    assert run("remove", server.url("/gone.atom")).returncode == 0
    assert "1 feed(s)" in run("list").stdout


def test_add_refuses_a_page_without_feeds(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/", Reply(body=b"<html><body>no feeds</body></html>", headers={"Content-Type": "text/html"}))
    result = run("add", server.url("/"))
    assert result.returncode == 1 and "announces none" in result.stderr
    assert [r.path for r in server.log] == ["/", "/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml"]


def test_add_finds_an_unannounced_feed_at_a_well_known_path(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/", Reply(body=b"<html><body>no links</body></html>", headers={"Content-Type": "text/html"}))
    server.route("/rss.xml", Reply(body=data("rss2_news.xml"), headers={"Content-Type": "application/rss+xml"}))
    result = run("add", server.url("/"))
    assert result.returncode == 0 and f"added {server.url('/rss.xml')} (Harbour Gazette - Latest)" in result.stdout


def test_sync_takes_a_plain_url_list_and_list_survives_a_closed_pipe(redis_client: redis.Redis, tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("# our feeds\nhttps://a.example/rss?q=a%2Bb\n\nhttps://b.example/atom.xml\n")
    synced = run("sync", str(listing))
    assert synced.returncode == 0 and "2 added" in synced.stdout, synced.stderr
    assert "https://a.example/rss?q=a%2Bb" in run("show", "https://a.example/rss?q=a%2Bb").stdout  # as typed
    many = "\n".join(f"https://site{i}.example/feed" for i in range(1500))
    env = {**os.environ, "NEWSWORKER_REDIS_URL": sources_redis_url(), "NEWSWORKER_BROKER_URL": BROKER_URL}
    stdin = subprocess.run(
        [sys.executable, "-m", "worker.cli", "feeds", "sync", "-"], input=many, cwd=REPO, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert stdin.returncode == 0 and "1500 added" in stdin.stdout, stdin.stderr
    piped = subprocess.run(
        f"{sys.executable} -m worker.cli feeds list | head -n 2", shell=True, cwd=REPO, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "1502 feed(s)" in piped.stdout
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr


def test_poll_honours_the_feeds_page_setting_and_records_rejections(
    server: LocalServer, redis_client: redis.Redis
) -> None:
    feed = data("rss2_news.xml").replace(b"</channel>", b"<item><title></title></item></channel>")
    server.route("/feed.xml", Reply(body=feed, headers={"Content-Type": "application/rss+xml"}))
    url = server.url("/feed.xml")
    assert run("add", url, "--no-pages", "--no-discover").returncode == 0
    dry = run("poll", url, "--dry-run")
    assert dry.returncode == 0 and '"text_source": "feed"' in dry.stdout
    assert [r.path for r in server.log] == ["/feed.xml"]  # no page fetched for a --no-pages feed
    queued = run("poll", url)
    assert "queued 4 item(s) for the pipeline (feed text, no pages)" in queued.stdout, queued.stdout + queued.stderr
    broker = redis.Redis.from_url(BROKER_URL)
    assert broker.llen("sources") == 0  # no page fetch task for a --no-pages feed
    message = json.loads(broker.lpop("ingest") or b"{}")
    assert message["headers"]["task"] == "newsworker.ingest_items"
    args = json.loads(zlib.decompress(base64.b64decode(message["body"])))[0]
    assert len(args[0]) == 4 and all(item["html"] is None for item in args[0])
    broker.flushdb()
    failures = FailureStore(redis_client, make_settings().failures_key).recent()
    assert any(f.stage == "feed" and "neither a link nor text" in f.reason and f.source == url for f in failures)
