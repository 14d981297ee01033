"""The polite client against a local server: redirects, caps, encodings, charsets, SSRF, budgets."""

from __future__ import annotations

import gzip
import itertools
import threading
import time
import zlib
from pathlib import Path

import brotli
import httpx
import pytest
import redis
from source_server import LocalServer, Reply, Request
from sources_support import make_settings

from worker.sources.budget import WAITER_TTL, HostBudget
from worker.sources.charsets import decode_body
from worker.sources.errors import (
    BackoffError,
    BlockedAddressError,
    DecompressionBombError,
    HTTPStatusError,
    RedirectError,
    RetryLaterError,
    TooLargeError,
)
from worker.sources.guard import GuardedTransport, parse_networks
from worker.sources.http import PoliteClient, retry_after_seconds
from worker.sources.urls import canonical_url


def client_for(redis_client: redis.Redis, **overrides: object) -> PoliteClient:
    return PoliteClient(make_settings(**overrides), redis_client)


def test_user_agent_names_contact_url(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/a", Reply(body=b"hello"))
    result = client_for(redis_client).fetch(server.url("/a"))
    assert result.body == b"hello"
    agent = server.log[0].headers["user-agent"]
    assert agent.startswith("newsworker/") and "https://example.org/newsworker-test" in agent


def test_redirect_chain_is_followed_and_recorded(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/r1", Reply(301, headers={"Location": "/r2"}))
    server.route("/r2", Reply(302, headers={"Location": server.url("/r3")}))
    server.route("/r3", Reply(body=b"end"))
    result = client_for(redis_client).fetch(server.url("/r1"))
    assert result.body == b"end"
    assert result.final_url == server.url("/r3")
    assert result.redirects == (server.url("/r2"), server.url("/r3"))


def test_redirect_loop_is_refused(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/x", Reply(302, headers={"Location": "/y"}))
    server.route("/y", Reply(302, headers={"Location": "/x"}))
    with pytest.raises(RedirectError, match="loop"):
        client_for(redis_client).fetch(server.url("/x"))
    assert len(server.log) == 2


def test_redirect_limit(server: LocalServer, redis_client: redis.Redis) -> None:
    for i in range(10):
        server.route(f"/h{i}", Reply(302, headers={"Location": f"/h{i + 1}"}))
    with pytest.raises(RedirectError, match="more than 3 redirects"):
        client_for(redis_client, http_max_redirects=3).fetch(server.url("/h0"))
    assert len(server.log) == 4


def test_ssrf_direct_loopback_refused_without_allow_list(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/secret", Reply(body=b"internal"))
    with pytest.raises(BlockedAddressError, match="loopback"):
        client_for(redis_client, allow_private_networks="").fetch(server.url("/secret"))
    assert server.log == []


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]:9/", "http://127.0.0.2:9/x"],
)
def test_ssrf_via_redirect_refused(server: LocalServer, redis_client: redis.Redis, target: str) -> None:
    # The first hop is an allowed local server (the "public" site); where it points is not allowed.
    server.route("/go", Reply(302, headers={"Location": target}))
    with pytest.raises(BlockedAddressError):
        client_for(redis_client, allow_private_networks="127.0.0.1/32").fetch(server.url("/go"))
    assert [r.path for r in server.log] == ["/go"]


def test_non_http_scheme_refused(redis_client: redis.Redis) -> None:
    with pytest.raises(Exception, match="not an http"):
        client_for(redis_client).fetch("file:///etc/passwd")


def test_oversized_response_refused_by_content_length(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/big", Reply(body=b"x" * 50_000))
    with pytest.raises(TooLargeError, match="Content-Length"):
        client_for(redis_client, page_max_bytes=10_000).fetch(server.url("/big"))


def test_oversized_response_refused_while_streaming(server: LocalServer, redis_client: redis.Redis) -> None:
    # A server that does not say how long its body is gets cut off at the cap.
    server.route("/endless", Reply(body=b"x" * 5_000_000, headers={"Content-Length": ""}))
    started = time.monotonic()
    with pytest.raises(TooLargeError, match="exceeds the 100000 byte cap"):
        client_for(redis_client, page_max_bytes=100_000).fetch(server.url("/endless"))
    assert time.monotonic() - started < 3


def test_gzip_deflate_brotli_bodies_decoded(server: LocalServer, redis_client: redis.Redis) -> None:
    text = "Nieuws over de gemeenteraad. " * 200
    server.route("/gz", Reply(body=gzip.compress(text.encode()), headers={"Content-Encoding": "gzip"}))
    server.route("/zl", Reply(body=zlib.compress(text.encode()), headers={"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(wbits=-15)
    server.route("/raw", Reply(body=raw.compress(text.encode()) + raw.flush(), headers={"Content-Encoding": "deflate"}))
    server.route("/br", Reply(body=brotli.compress(text.encode()), headers={"Content-Encoding": "br"}))
    client = client_for(redis_client)
    for path in ("/gz", "/zl", "/raw", "/br"):
        assert client.fetch(server.url(path)).body.decode() == text, path
    assert "br" in server.log[0].headers["accept-encoding"]


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_decompression_bomb_refused(server: LocalServer, redis_client: redis.Redis, encoding: str) -> None:
    zeros = b"\0" * 50_000_000
    body = gzip.compress(zeros, compresslevel=9) if encoding == "gzip" else brotli.compress(zeros)
    assert len(body) < 100_000
    server.route("/bomb", Reply(body=body, headers={"Content-Encoding": encoding}))
    started = time.monotonic()
    with pytest.raises(DecompressionBombError):
        client_for(redis_client, page_max_bytes=2_000_000).fetch(server.url("/bomb"))
    assert time.monotonic() - started < 5


def test_404_is_permanent_error(server: LocalServer, redis_client: redis.Redis) -> None:
    with pytest.raises(HTTPStatusError) as info:
        client_for(redis_client).fetch(server.url("/missing"))
    assert info.value.status == 404 and info.value.permanent


def test_429_retry_after_blocks_the_whole_domain(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/limited", Reply(429, headers={"Retry-After": "2"}))
    server.route("/other", Reply(body=b"ok"))
    client = client_for(redis_client)
    with pytest.raises(RetryLaterError) as info:
        client.fetch(server.url("/limited"))
    assert info.value.retry_after == 2
    # Another URL on the same domain waits out the block instead of hitting the server.
    started = time.monotonic()
    assert client.fetch(server.url("/other")).body == b"ok"
    assert time.monotonic() - started >= 1.5
    assert server.hits("/other")[0].at - server.hits("/limited")[0].at >= 1.5


def test_retry_after_longer_than_max_wait_is_handed_back(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/limited", Reply(503, headers={"Retry-After": "120"}))
    server.route("/other", Reply(body=b"ok"))
    client = client_for(redis_client, host_max_wait=1.0)
    with pytest.raises(RetryLaterError):
        client.fetch(server.url("/limited"))
    with pytest.raises(RetryLaterError, match="budget"):
        client.fetch(server.url("/other"))
    assert server.hits("/other") == []


def test_retry_after_http_date() -> None:
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", 60, 3600, now=1445412480 - 30) == 30
    assert retry_after_seconds("soon", 60, 3600) == 60
    assert retry_after_seconds("999999", 60, 3600) == 3600


def test_budget_shared_by_threads_keeps_the_rate(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/p", Reply(body=b"ok"))
    rate = 10.0
    clients = [client_for(redis_client, host_rate=rate, host_max_concurrency=8) for _ in range(4)]

    def work(client: PoliteClient) -> None:
        for _ in range(5):
            client.fetch(server.url("/p"))

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    times = sorted(r.at for r in server.log)
    assert len(times) == 20
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Slots are 120 ms apart (20% margin); arrivals jitter a little around them.
    assert min(gaps) > 0.06, gaps
    assert max_in_window(times, 1.0) <= rate


def max_in_window(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if start <= t < start + window) for start in times)


def test_concurrency_per_host_is_capped(server: LocalServer, redis_client: redis.Redis) -> None:
    active = {"now": 0, "max": 0}
    lock = threading.Lock()

    def slow(_r: Request) -> Reply:
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        time.sleep(0.3)
        with lock:
            active["now"] -= 1
        return Reply(body=b"ok")

    server.route("/slow", slow)
    threads = [
        threading.Thread(target=client_for(redis_client, host_max_concurrency=2).fetch, args=(server.url("/slow"),))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(server.log) == 6
    assert active["max"] == 2


def test_conditional_headers_sent_and_304_returned(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/f", lambda r: Reply(304) if r.headers.get("if-none-match") == '"v1"' else Reply(body=b"x"))
    result = client_for(redis_client).fetch(
        server.url("/f"), kind="feed", etag='"v1"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT"
    )
    assert result.not_modified
    assert server.log[0].headers["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT"


def test_charset_header_lies_utf8_body() -> None:
    body = "Café Zürich — ‘quoted’".encode()
    assert decode_body(body, "text/html; charset=ISO-8859-1") == "Café Zürich — ‘quoted’"


def test_charset_from_meta_when_header_silent() -> None:
    body = '<html><head><meta charset="windows-1252"></head><body>Caf\xe9 “x”</body>'.encode("cp1252")
    assert "Café “x”" in decode_body(body, "text/html")


def test_charset_header_says_utf8_but_body_is_latin1() -> None:
    body = "<p>Een café in Zürich en één fietsenstalling</p>".encode("latin-1")
    assert "café in Zürich en één" in decode_body(body, "text/html; charset=utf-8")


def test_xml_declaration_charset_used_for_feeds() -> None:
    body = '<?xml version="1.0" encoding="iso-8859-15"?><rss><title>€ café</title></rss>'.encode("iso-8859-15")
    assert "€ café" in decode_body(body, "application/xml", kind="feed")


def test_hostname_resolving_to_loopback_refused(redis_client: redis.Redis) -> None:
    with pytest.raises(BlockedAddressError, match="localhost resolves to"):
        client_for(redis_client, allow_private_networks="").fetch("http://localhost:9/x")


def test_connect_time_guard_raises_its_own_type(server: LocalServer) -> None:
    # Without the pre-check (rebinding: DNS said public, the socket would go to loopback), the transport
    # itself refuses, and the refusal arrives as BlockedAddressError, not as a message to parse.
    server.route("/secret", Reply(body=b"internal"))
    with httpx.Client(transport=GuardedTransport(())) as client, pytest.raises(BlockedAddressError, match="loopback"):
        client.get(server.url("/secret"))
    with httpx.Client(transport=GuardedTransport(parse_networks(["127.0.0.0/8"]))) as client:
        assert client.get(server.url("/secret")).content == b"internal"
    assert len(server.log) == 1


def test_client_uses_no_private_httpx_attributes() -> None:
    sources = Path(__file__).resolve().parents[2] / "worker" / "sources"
    for path in sources.glob("*.py"):
        assert "._pool" not in path.read_text(), path


def test_percent_encoding_reaches_the_server_byte_for_byte(server: LocalServer, redis_client: redis.Redis) -> None:
    server.route("/s", Reply(body=b"ok"))
    client_for(redis_client).fetch(canonical_url(server.url("/s?q=a%2Bb&r=c+d")))
    assert server.log[0].path == "/s?q=a%2Bb&r=c+d"


def test_one_url_answering_429_backs_off_alone(server: LocalServer, redis_client: redis.Redis) -> None:
    # No Retry-After: the host asked nothing of its other URLs, so only this one waits, doubling each time.
    server.route("/busy", Reply(429))
    server.route("/other", Reply(body=b"ok"))
    client = client_for(redis_client, retry_after_default=0.4)
    with pytest.raises(RetryLaterError) as first:
        client.fetch(server.url("/busy"))
    started = time.monotonic()
    assert client.fetch(server.url("/other")).body == b"ok"
    assert time.monotonic() - started < 0.3  # the host's other feeds are not held back
    with pytest.raises(BackoffError):
        client.fetch(server.url("/busy"))  # still backing off: not even asked
    assert len(server.hits("/busy")) == 1
    time.sleep(first.value.retry_after + 0.05)
    with pytest.raises(RetryLaterError) as second:
        client.fetch(server.url("/busy"))
    assert (first.value.retry_after, second.value.retry_after) == (0.4, 0.8)
    server.route("/busy", Reply(body=b"back"))
    time.sleep(second.value.retry_after + 0.05)
    assert client.fetch(server.url("/busy")).body == b"back"
    assert client.budget.url_backoff(server.url("/busy")) == 0  # forgiven


def test_limiter_gaps_never_below_the_budget_on_its_own_clock(redis_client: redis.Redis) -> None:
    # Six workers racing for one domain's slots; departures as the limiter recorded them (Redis TIME).
    rate = 20.0
    budget = HostBudget(redis_client, make_settings(host_rate=rate, host_max_wait=30.0))
    sent: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(6):
            wait, reserved = budget.reserve_slot("clock.example", 30.0)
            assert reserved
            time.sleep(wait)
            while True:
                late, sent_ms = budget.gate_at("clock.example")
                if not late:
                    break
                time.sleep(late)
            with lock:
                sent.append(sent_ms)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(sent) == 36
    gaps = [b - a for a, b in itertools.pairwise(sorted(sent))]
    assert min(gaps) >= budget.interval_ms("clock.example") >= 1000 / rate, gaps


def test_a_sender_stalled_after_the_gate_delays_the_next_request(
    server: LocalServer, redis_client: redis.Redis
) -> None:
    # The first request passes the gate, then its thread stalls (as behind another thread's CPU work) before
    # the request leaves. The next request must count its interval from the real departure, not the gate.
    server.route("/p", Reply(body=b"ok"))
    rate = 2.0
    client = client_for(redis_client, host_rate=rate, host_max_concurrency=2)
    stalled = threading.Event()

    def stall_first(request: httpx.Request) -> None:
        if not stalled.is_set():
            stalled.set()
            time.sleep(0.5)

    client.client.event_hooks["request"] = [stall_first]
    threads = [threading.Thread(target=client.fetch, args=(server.url(f"/p?{n}"),)) for n in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=30)
    times = sorted(r.at for r in server.log)
    assert len(times) == 2 and times[1] - times[0] >= 1 / rate, times


def test_a_waiting_poll_keeps_pages_from_taking_places(redis_client: redis.Redis) -> None:
    budget = HostBudget(redis_client, make_settings(host_max_concurrency=1))
    holder = budget.try_acquire("poll.example", 30.0)
    assert holder is not None
    # A poll refused a place registers as waiting: a page may not take the place it is waiting for.
    assert budget.try_acquire("poll.example", 30.0, kind="poll", waiter="poll-1") is None
    budget.release("poll.example", holder)
    assert budget.try_acquire("poll.example", 30.0, kind="page") is None
    assert budget.try_acquire("other.example", 30.0, kind="page") is not None  # other hosts are not held up
    poll = budget.try_acquire("poll.example", 30.0, kind="poll", waiter="poll-1")
    assert poll is not None  # the poll gets it, and stops holding pages back
    budget.release("poll.example", poll)
    assert budget.try_acquire("poll.example", 30.0, kind="page") is not None


def test_a_poll_that_stopped_waiting_holds_pages_back_no_longer(redis_client: redis.Redis) -> None:
    budget = HostBudget(redis_client, make_settings(host_max_concurrency=1))
    holder = budget.try_acquire("gone.example", 30.0)
    assert holder is not None
    assert budget.try_acquire("gone.example", 30.0, kind="poll", waiter="crashed") is None
    budget.release("gone.example", holder)
    assert budget.try_acquire("gone.example", 30.0, kind="page") is None
    time.sleep(WAITER_TTL + 0.1)  # its registration ran out (a poll that died, or gave up)
    assert budget.try_acquire("gone.example", 30.0, kind="page") is not None
