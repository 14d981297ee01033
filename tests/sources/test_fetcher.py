"""fetch_pages against local servers: many hosts at once, each host's budget kept (from the servers' own
logs), items handed back instead of waited for, and every failure with its real reason."""

from __future__ import annotations

import gzip
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
import redis
from source_server import LocalServer, Reply, Request, serve
from sources_support import make_settings

from worker.article import RawItem
from worker.sources.fetcher import fetch_pages
from worker.sources.http import PoliteClient
from worker.sources.robots import RobotsCache
from worker.sources.urls import budget_key

PAGE = b"<html><head><title>t</title></head><body><p>" + b"word " * 100 + b"</p></body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def item(url: str) -> RawItem:
    return RawItem(kind="feed", source="https://feeds.example/rss", url=url, text="feed text", title="t")


def client_for(redis_client: redis.Redis, **overrides: object) -> PoliteClient:
    return PoliteClient(make_settings(**overrides), redis_client)


@pytest.fixture
def servers() -> Iterator[list[LocalServer]]:
    with ExitStack() as stack:
        yield [stack.enter_context(serve()) for _ in range(6)]


def gaps(times: list[float]) -> list[float]:
    ordered = sorted(times)
    return [b - a for a, b in itertools.pairwise(ordered)]


def max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def test_hosts_are_fetched_at_once_each_within_its_budget(
    servers: list[LocalServer], redis_client: redis.Redis
) -> None:
    rate = 2.0  # slots 0.6 s apart (margin): 4 pages of one host take 1.8 s; 6 hosts in turn would take 11 s
    for server in servers:
        server.route("/p", Reply(body=PAGE, headers=HTML))
    items = [item(server.url(f"/p?n={n}")) for n in range(4) for server in servers]
    client = client_for(redis_client, host_rate=rate, host_max_concurrency=2)
    started = time.monotonic()
    out = fetch_pages(items, client=client)
    elapsed = time.monotonic() - started
    assert not out.deferred and len(out.items) == len(items)
    assert all(i.html and "word" in i.html and i.fetch_error is None for i in out.items)
    assert [i.url for i in out.items] == [i.url for i in items]  # input order
    assert elapsed < 4.0, elapsed
    first_arrivals = sorted(server.log[0].at for server in servers)
    assert first_arrivals[-1] - first_arrivals[0] < 0.5  # every host's first page at the start, not in turn
    for server in servers:
        times = [r.at for r in server.log]
        assert len(times) == 4
        assert min(gaps(times)) >= 1 / rate, gaps(times)
        assert max_in_window(times, 1.0) <= rate


def test_two_workers_share_each_hosts_budget(servers: list[LocalServer], redis_client: redis.Redis) -> None:
    rate = 4.0
    hosts = servers[:3]
    for server in hosts:
        server.route("/p", Reply(body=PAGE, headers=HTML))
    batches = [[item(s.url(f"/p?w={w}&n={n}")) for n in range(4) for s in hosts] for w in range(2)]
    results: list[object] = []

    def worker(batch: list[RawItem]) -> None:
        results.append(fetch_pages(batch, client=client_for(redis_client, host_rate=rate, host_max_concurrency=4)))

    threads = [threading.Thread(target=worker, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    for server in hosts:
        times = [r.at for r in server.log]
        assert len(times) == 8
        assert min(gaps(times)) >= 1 / rate, gaps(times)
        assert max_in_window(times, 1.0) <= rate


def test_in_flight_cap_per_host_holds_across_workers(server: LocalServer, redis_client: redis.Redis) -> None:
    active = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slow(_r: Request) -> Reply:
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.4)
        with lock:
            active["now"] -= 1
        return Reply(body=PAGE, headers=HTML)

    server.route("/slow", slow)

    def worker(w: int) -> None:
        batch = [item(server.url(f"/slow?w={w}&n={n}")) for n in range(4)]
        fetch_pages(batch, client=client_for(redis_client, host_rate=100.0, host_max_concurrency=2))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(server.log) == 8
    assert active["max"] == 2


def test_host_without_budget_in_the_horizon_is_handed_back(
    servers: list[LocalServer], redis_client: redis.Redis
) -> None:
    slow_host, other = servers[:2]
    for server in (slow_host, other):
        server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=0.5, host_max_concurrency=2)  # slots 2.4 s apart
    items = [item(slow_host.url(f"/p?n={n}")) for n in range(5)] + [item(other.url("/p"))]
    started = time.monotonic()
    out = fetch_pages(items, client=client, max_wait=3.0)
    assert time.monotonic() - started < 4.5
    assert [i.url for i in out.items] == [items[0].url, items[1].url, items[5].url]
    assert [i.url for i in out.deferred] == [i.url for i in items[2:5]]
    assert 0 < out.retry_after <= 2.4 * 3
    assert len(slow_host.log) == 2 and len(other.log) == 1


def test_retry_after_defers_the_host_and_spares_the_others(
    servers: list[LocalServer], redis_client: redis.Redis
) -> None:
    limited, other = servers[:2]
    limited.route("/busy", Reply(429, headers={"Retry-After": "30"}))
    limited.route("/p", Reply(body=PAGE, headers=HTML))
    other.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=5.0, host_max_concurrency=1)
    items = [item(limited.url("/busy")), item(limited.url("/p")), item(other.url("/p")), item(other.url("/p?2"))]
    out = fetch_pages(items, client=client, max_wait=5.0)
    assert [i.url for i in out.deferred] == [items[0].url, items[1].url]
    assert out.retry_after == 30
    assert [r.path for r in limited.log] == ["/busy"]  # nothing more asked of a host that said wait
    assert all(i.html for i in out.items) and len(other.log) == 2


def test_every_failure_keeps_its_reason(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/ok", Reply(body=PAGE, headers=HTML))
    server.route("/private", Reply(302, headers={"Location": "http://10.0.0.1/x"}))
    server.route("/metadata", Reply(302, headers={"Location": "http://169.254.169.254/latest/"}))
    server.route("/big", Reply(body=b"x" * 200_000, headers=HTML))
    zeros = gzip.compress(b"\0" * 20_000_000, compresslevel=9)
    server.route("/bomb", Reply(body=zeros, headers={**HTML, "Content-Encoding": "gzip"}))
    server.route("/slow", Reply(body=PAGE, headers=HTML, delay=3.0))
    server.route("/pdf", Reply(body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}))
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    server.route("/rss", Reply(body=rss, headers={"Content-Type": "text/xml"}))
    server.route("/atom", Reply(body=b"<feed/>", headers={"Content-Type": "application/atom+xml"}))
    server.route("/error", Reply(500))
    client = client_for(
        redis_client, allow_private_networks="127.0.0.1/32", page_max_bytes=100_000, http_read_timeout=1.0
    )
    paths = ["/ok", "/private", "/metadata", "/big", "/bomb", "/slow", "/missing", "/pdf", "/rss", "/atom", "/error"]
    items = [item(server.url(path)) for path in paths] + [RawItem(kind="feed", source="s", text="no link")]
    out = fetch_pages(items, client=client)
    reasons = {i.url: i.fetch_error for i in out.items}
    expected = {
        "/ok": None,
        "/private": "private address 10.0.0.1 refused (SSRF",
        "/metadata": "link-local address 169.254.169.254 refused (SSRF",
        "/big": "exceeds the 100000 byte cap",
        "/bomb": "decompresses beyond the 100000 byte cap",
        "/slow": "timeout",
        "/missing": "HTTP 404",
        "/pdf": "page is application/pdf, not HTML",
        "/rss": "page is a feed (<rss>), not an article",
        "/atom": "page is a feed (application/atom+xml), not an article",
        "/error": "HTTP 500",
    }
    for path, reason in expected.items():
        got = reasons[server.url(path)]
        assert (got is None) if reason is None else (got is not None and reason in got), (path, got)
    assert out.items[-1].text == "no link" and out.items[-1].fetch_error is None
    assert len(out.items) == len(items) and not out.deferred


def test_redirect_to_another_host_is_budgeted_there(servers: list[LocalServer], redis_client: redis.Redis) -> None:
    origin, target = servers[:2]
    origin.route("/moved", Reply(301, headers={"Location": target.url("/story")}))
    target.route("/story", Reply(body=PAGE, headers=HTML))
    (page,) = fetch_pages([item(origin.url("/moved"))], client=client_for(redis_client)).items
    assert page.final_url == target.url("/story") and page.html and page.url == origin.url("/moved")


def test_robots_read_once_per_origin_and_obeyed(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    server.route("/news/a", Reply(body=PAGE, headers=HTML))
    server.route("/news/b", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client)
    urls = ["/news/a", "/private/x", "/news/b"]
    out = fetch_pages([item(server.url(u)) for u in urls], client=client, robots=RobotsCache(redis_client, client))
    assert [i.fetch_error for i in out.items] == [None, "page fetch failed: disallowed by robots.txt", None]
    assert [r.path for r in server.log].count("/robots.txt") == 1
    assert "/private/x" not in [r.path for r in server.log]


def test_waiting_for_budget_burns_no_cpu(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=1.0)
    cpu, wall = time.process_time(), time.monotonic()
    out = fetch_pages([item(server.url(f"/p?{n}")) for n in range(3)], client=client)
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    assert len(out.items) == 3 and wall >= 2.0  # three requests at 1/s: two intervals at least
    assert cpu < 0.3 * wall, (cpu, wall)  # the scheduler sleeps until the next slot; it does not spin


def test_a_url_backing_off_is_handed_back_alone(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/busy", Reply(503))
    server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, retry_after_default=60.0)
    first = fetch_pages([item(server.url("/busy"))], client=client)
    assert [i.url for i in first.deferred] == [server.url("/busy")] and first.retry_after == 60
    second = fetch_pages([item(server.url("/busy")), item(server.url("/p"))], client=client)
    assert [i.url for i in second.deferred] == [server.url("/busy")]
    assert [i.url for i in second.items] == [server.url("/p")] and second.items[0].html
    assert len(server.hits("/busy")) == 1


def test_crawl_delay_from_robots_slows_the_host_below_its_rate(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 1.5\n"))
    server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=50.0)
    items = [item(server.url(f"/p?{n}")) for n in range(3)]
    out = fetch_pages(items, client=client, robots=RobotsCache(redis_client, client), max_wait=10.0)
    assert all(i.html for i in out.items) and not out.deferred
    times = [r.at for r in server.log if r.path.startswith("/p")]
    assert len(times) == 3 and min(gaps(times)) >= 1.5, gaps(times)


def test_a_feed_poll_goes_before_the_hosts_queued_pages(server: LocalServer, redis_client: redis.Redis) -> None:
    # 12 pages of one host at 10 requests/s, one in flight; a poll of the same host starts once they run.
    server.route("/p", Reply(body=PAGE, headers=HTML))
    server.route("/feed", Reply(body=b"<rss/>", headers={"Content-Type": "application/rss+xml"}))
    items = [item(server.url(f"/p?n={n}")) for n in range(12)]
    client = client_for(redis_client, host_rate=10.0, host_max_concurrency=1)
    fetching = threading.Thread(target=fetch_pages, args=(items,), kwargs={"client": client})
    fetching.start()
    while len(server.log) < 2:
        time.sleep(0.01)
    client.fetch(server.url("/feed"), kind="feed")
    fetching.join(timeout=30)
    paths = [r.path for r in server.log]
    assert len(paths) == 13
    # The poll waits for one place and one slot at most, not behind the 10 pages still queued.
    assert paths.index("/feed") <= 4, paths


def test_pages_wait_for_their_hosts_dispatched_polls(servers: list[LocalServer], redis_client: redis.Redis) -> None:
    polled, other = servers[:2]
    for server in (polled, other):
        server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=10.0)
    feeds = [polled.url("/feed/1"), polled.url("/feed/2")]
    client.budget.expect_polls({budget_key(polled.url("/")): feeds})
    items = [item(polled.url("/p?n=1")), item(other.url("/p?n=1"))]
    out = fetch_pages(items, client=client)
    # The polled host's page is handed back until its two polls are sent; the other host is not held up.
    assert [i.url for i in out.deferred] == [polled.url("/p?n=1")] and out.only_behind_polls
    assert out.retry_after == pytest.approx(2 * client.budget.interval_ms(budget_key(polled.url("/"))) / 1000)
    assert [i.url for i in out.items] == [other.url("/p?n=1")] and polled.log == []
    for feed in feeds:
        client.budget.poll_done(budget_key(feed), feed)
    again = fetch_pages(out.deferred, client=client)
    assert not again.deferred and again.items[0].html


def test_pages_wait_for_dispatched_polls_for_a_bounded_time(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=10.0)
    client.budget.expect_polls({budget_key(server.url("/")): [server.url("/feed")]}, for_seconds=5)
    assert fetch_pages([item(server.url("/p"))], client=client).deferred  # waited 3 slots here, then handed back
    client.budget.expect_polls({budget_key(server.url("/")): [server.url("/feed")]}, for_seconds=0.3)
    time.sleep(0.4)  # a poll that never ran (lost, or stuck behind a slow host) holds the pages no longer
    assert fetch_pages([item(server.url("/p"))], client=client).items[0].html


def test_pages_start_right_after_their_hosts_last_polls(server: LocalServer, redis_client: redis.Redis) -> None:
    """A host's last few polls: its pages wait for them in the batch, not handed back with a countdown that
    overshoots (bench.crawl: hosts idle for seconds after their polls)."""
    server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=2.0)  # slots 0.575 s: the last 2 polls take about 1.2 s
    feeds = [server.url("/feed/1"), server.url("/feed/2")]
    domain = budget_key(server.url("/"))
    client.budget.expect_polls({domain: feeds})
    done_at: list[float] = []

    def polls_go() -> None:
        for feed in feeds:
            time.sleep(0.3)
            client.budget.poll_done(domain, feed)
        done_at.append(time.time())

    polls = threading.Thread(target=polls_go)
    polls.start()
    out = fetch_pages([item(server.url("/p"))], client=client)
    polls.join()
    assert not out.deferred and out.items[0].html
    # The page went right after the last poll: within a recheck (a quarter slot) and a request's time.
    assert 0 <= server.log[0].at - done_at[0] < 0.15 + 0.3


def test_pages_behind_many_polls_come_back_when_few_are_left(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/p", Reply(body=PAGE, headers=HTML))
    client = client_for(redis_client, host_rate=10.0)
    domain = budget_key(server.url("/"))
    client.budget.expect_polls({domain: [server.url(f"/feed/{n}") for n in range(6)]})
    started = time.monotonic()
    out = fetch_pages([item(server.url("/p"))], client=client)
    assert out.deferred and out.only_behind_polls and time.monotonic() - started < 0.1  # not waited for here
    interval = client.budget.interval_ms(domain) / 1000
    # Back when POLLS_WAIT_SLOTS - 1 polls are left (6 - 3 + 1 slots), to wait for those in the batch.
    assert out.retry_after == pytest.approx(4 * interval)
