"""The per-domain request budget, shared by every worker through Redis: rate (with burst), requests in
flight, robots.txt Crawl-delay, and 429/503 Retry-After blocks.

Each operation is one atomic Lua script on Redis's own clock, so workers on several machines agree
without trusting each other's clocks. The primitives never wait: they say how long to wait (a reserved
slot) or refuse, so a scheduler can wait for many domains at once (`worker.sources.fetcher`); `reserve`
and `slot` are the waiting forms for one fetch at a time (`PoliteClient.fetch`). A URL that keeps answering
429/503 backs off by itself (`strike_url`): only a Retry-After header blocks its whole domain.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import redis

from worker.config import Settings
from worker.sources.errors import HostBusyError

# Slots are this much further apart than the rate says. A request leaves at its slot but reaches the server
# with network and scheduling jitter, and the server counting them must still never see more than its budget
# in any window. The sender's own stalls (a thread that passed the gate waiting for the interpreter) no
# longer count: the departure is re-stamped when the headers are on the wire (`sent`). What remains is the
# server's side; bench.crawl measured the smallest arrival gap at 1.192 s against slots 1.2 s apart, and at
# 1.034-1.047 s against 1.05 s (load 8-13, 820 requests each), with the farm in its own process. A server
# busy in the same process as its clients timestamped requests up to 95 ms late (test_http, 10/s, load 8),
# and the bench's farm once 79 ms (1.021 s against 1.1 s slots), so 15 % (150 ms at 1 request/s) it is.
# It was 20 % before `sent` existed. What `sent` cannot cover: a sender
# that stalls for a whole interval between its gate and its send lets the next one pass its gate, so at high
# rates (10/s: 110 ms slots) a loaded worker can still bunch two requests.
SLOT_MARGIN = 1.15
MAX_CRAWL_DELAY = 120.0
# A request waiting for an in-flight place looks again at most this often; a waiting poll's registration
# (see _ACQUIRE) outlives that pause, so pages keep yielding to it between two looks.
WAITER_PAUSE_MAX = 0.5
WAITER_TTL = 1.5
AcquireKind = Literal["plain", "page", "poll"]
# Pages of a host yield to its dispatched polls for at most this long (a poll stuck in a queue, or on a slow
# host, holds its host's pages back no longer than this).
POLLS_FIRST_FOR = 30.0

# GCRA ("virtual scheduling"): each call reserves the next free slot of the domain's schedule and says
# how long to wait for it, so waiting workers queue up instead of polling. A domain that sent 429/503
# is blocked until its Retry-After passed. Nothing is reserved when the wait would exceed max_wait.
# KEYS[1] schedule key, KEYS[2] blocked-until key; ARGV: interval ms, burst, max_wait ms.
# Returns {wait_ms, reserved(1/0)}.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if blocked > tat then tat = blocked end
local start = tat - (burst - 1) * interval
local wait = start - now
if wait < 0 then wait = 0 end
if wait > max_wait then return {wait, 0} end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.max(interval * burst + wait, 1000) + 60000)
return {wait, 1}
"""

# The last line of defence, right before a request leaves: at least ARGV[1] ms since the previous one
# actually left. A worker that was stalled after taking its slot (GIL, swap) would otherwise send late and
# bunch up with the next slot's request. KEYS[1] last-sent key.
# Returns {ms still to wait, 0} or {0, the time recorded as sent (ms, Redis clock)}.
_GATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local wait = last + tonumber(ARGV[1]) - now
if wait > 0 then return {wait, 0} end
redis.call('SET', KEYS[1], now, 'PX', tonumber(ARGV[1]) + 60000)
return {0, now}
"""

# Right after a request's headers went out: the departure is moved to now if the sender was late (a thread
# that passed the gate and then waited for the interpreter). The next request's gate counts from here.
# KEYS[1] last-sent key; ARGV[1] interval ms.
_SENT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if now > last then redis.call('SET', KEYS[1], now, 'PX', tonumber(ARGV[1]) + 60000) end
return now - last
"""

# One URL that keeps answering 429/503 backs off by itself, exponentially: ARGV[1] ms after the first
# answer, twice that after the second, ... up to ARGV[2] ms. KEYS[1] strike count, KEYS[2] blocked-until.
# Returns the ms it is now blocked for.
_STRIKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local strikes = redis.call('INCR', KEYS[1])
local wait = math.min(tonumber(ARGV[1]) * 2 ^ (strikes - 1), tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[2]) * 2))
redis.call('SET', KEYS[2], now + wait, 'PX', math.floor(wait) + 1000)
return math.floor(wait)
"""

# ms a URL is still blocked for (0: not). KEYS[1] blocked-until.
_URL_WAIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = tonumber(redis.call('GET', KEYS[1]) or '0') - now
if wait > 0 then return wait end
return 0
"""

# A counting semaphore with leases: a holder that died frees its slot when the lease runs out. Feed polls
# (and robots.txt) go before article pages on the same host: a poll waiting for a place registers as a
# waiter, and a page does not take a place while one is registered. A poll is one request that finds the
# work (and freshness depends on it); pages fill the rest of the budget.
# KEYS[1] zset of holders, KEYS[2] zset of waiting polls; ARGV: token, limit, lease ms, mode (0 plain,
# 1 page: yields to waiting polls, 2 poll: registers as a waiter while refused), waiter id, waiter ttl ms.
# Returns 1 (acquired) or 0.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if mode == 1 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
  if mode == 2 then redis.call('ZREM', KEYS[2], ARGV[5]) end
  return 1
end
if mode == 2 then
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[6]), ARGV[5])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[6]) + 1000)
end
return 0
"""

# Block a domain until now + ms unless it is already blocked for longer. KEYS[1] blocked key; ARGV[1] ms.
_BLOCK = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then
  redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 1000)
end
return until_ms
"""


class HostBudget:
    """Per-domain request rate, concurrency and Retry-After blocks, shared by every worker through Redis."""

    def __init__(self, client: redis.Redis, settings: Settings, prefix: str = "nw:host") -> None:
        self.client = client
        self.settings = settings
        self.prefix = prefix
        self.rates = dict(settings.host_rates)
        self._reserve = client.register_script(_RESERVE)
        self._acquire = client.register_script(_ACQUIRE)
        self._block = client.register_script(_BLOCK)
        self._gate = client.register_script(_GATE)
        self._strike = client.register_script(_STRIKE)
        self._sent = client.register_script(_SENT)
        self._url_wait = client.register_script(_URL_WAIT)

    def rate(self, domain: str) -> float:
        """Requests per second for a domain: the configured rate, slower if its robots.txt asks for a delay."""
        rate = self.rates.get(domain, self.settings.host_rate)
        delay = self.client.get(f"{self.prefix}:{domain}:delay")
        if delay:
            rate = min(rate, 1 / float(delay))  # type: ignore[arg-type]
        return rate

    def interval_ms(self, domain: str) -> int:
        """Milliseconds between two of the domain's slots (SLOT_MARGIN included)."""
        return max(1, math.ceil(1000 / self.rate(domain) * SLOT_MARGIN))

    def set_crawl_delay(self, domain: str, seconds: float, ttl: int) -> None:
        """Crawl-delay from robots.txt, capped so one odd file cannot park a site for hours."""
        self.client.set(f"{self.prefix}:{domain}:delay", min(max(seconds, 0.01), MAX_CRAWL_DELAY), ex=ttl)

    # -------------------------------------------------------------------------------- primitives (no waiting)

    def reserve_slot(self, domain: str, max_wait: float) -> tuple[float, bool]:
        """(seconds until the domain's next free slot, whether it was reserved). Nothing is reserved when the
        slot is more than `max_wait` away: the caller hands the work back instead of waiting."""
        keys = [f"{self.prefix}:{domain}:tat", f"{self.prefix}:{domain}:blocked"]
        args = [self.interval_ms(domain), max(1, self.settings.host_burst), max(0, round(max_wait * 1000))]
        wait_ms, reserved = self._reserve(keys=keys, args=args)
        return int(wait_ms) / 1000, bool(reserved)

    def gate(self, domain: str) -> float:
        """Right before sending: 0 when at least one interval passed since the domain's previous request left
        (this one is then recorded as sent), else the seconds still to wait. Always 0 with a burst above 1."""
        return self.gate_at(domain)[0]

    def gate_at(self, domain: str) -> tuple[float, int]:
        """`gate`, and the Redis-clock millisecond it recorded as this request's departure (0 if none)."""
        if self.settings.host_burst > 1:
            return 0.0, 0
        late_ms, sent_ms = self._gate(keys=[f"{self.prefix}:{domain}:sent"], args=[self.interval_ms(domain)])
        return int(late_ms) / 1000, int(sent_ms)

    def sent(self, domain: str) -> None:
        """The request that passed the gate has now actually gone out: its departure is at least now."""
        if self.settings.host_burst <= 1:
            self._sent(keys=[f"{self.prefix}:{domain}:sent"], args=[self.interval_ms(domain)])

    def try_acquire(self, domain: str, lease: float, *, kind: AcquireKind = "plain", waiter: str = "") -> str | None:
        """One of the domain's host_max_concurrency in-flight places, or None when all are taken. The token
        frees it (`release`); a holder that died frees it when the lease runs out.

        `kind="page"` also refuses while a poll of the domain waits for a place; `kind="poll"` registers
        `waiter` as such a poll (for WAITER_TTL) when refused, and unregisters it once it has its place."""
        token = uuid.uuid4().hex
        limit = self.settings.host_max_concurrency
        keys = [f"{self.prefix}:{domain}:inflight", f"{self.prefix}:{domain}:polls-waiting"]
        mode = {"plain": 0, "page": 1, "poll": 2}[kind]
        args: list[str | int] = [token, limit, round(lease * 1000), mode, waiter or token, round(WAITER_TTL * 1000)]
        acquired = self._acquire(keys=keys, args=args)
        return token if acquired else None

    # ------------------------------------------------------------------ polls queued for a domain (polls first)

    def expect_polls(self, feeds: dict[str, list[str]], for_seconds: float = POLLS_FIRST_FOR) -> None:
        """Polls were just dispatched (domain -> feed URLs): until each has sent its request, or for_seconds at
        most, the domain's pages yield to them (`pending_polls`), so every host's feeds are read first."""
        until = (time.time() + for_seconds) * 1000
        pipe = self.client.pipeline()
        for domain, urls in feeds.items():
            key = f"{self.prefix}:{domain}:polls-pending"
            pipe.zadd(key, {url: until for url in urls})
            pipe.pexpire(key, round(for_seconds * 1000) + 1000)
        pipe.execute()

    def poll_done(self, domain: str, url: str) -> None:
        self.client.zrem(f"{self.prefix}:{domain}:polls-pending", url)

    def pending_polls(self, domain: str) -> int:
        """Polls of the domain dispatched and not yet done (for at most POLLS_FIRST_FOR after dispatch)."""
        key = f"{self.prefix}:{domain}:polls-pending"
        return int(self.client.zcount(key, time.time() * 1000, "+inf"))  # type: ignore[arg-type]

    def release(self, domain: str, token: str) -> None:
        self.client.zrem(f"{self.prefix}:{domain}:inflight", token)

    def block(self, domain: str, seconds: float) -> None:
        """Nobody asks this domain anything for `seconds` (it said 429/503 Retry-After)."""
        self._block(keys=[f"{self.prefix}:{domain}:blocked"], args=[max(1, round(seconds * 1000))])

    def _url_keys(self, url: str) -> list[str]:
        digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:20]
        return [f"{self.prefix}:url:{digest}:strikes", f"{self.prefix}:url:{digest}:blocked"]

    def strike_url(self, url: str, base: float) -> float:
        """Another 429/503 from this URL: seconds it now backs off (base, 2 x base, ... up to retry_after_max)."""
        maximum = max(base, self.settings.retry_after_max)
        wait_ms = self._strike(keys=self._url_keys(url), args=[round(base * 1000), round(maximum * 1000)])
        return int(wait_ms) / 1000

    def url_backoff(self, url: str) -> float:
        """Seconds this URL is still backing off (0 when it is not)."""
        return int(self._url_wait(keys=self._url_keys(url)[1:])) / 1000

    def clear_url(self, url: str) -> None:
        """The URL answered: its strikes are forgiven."""
        self.client.delete(*self._url_keys(url))

    # -------------------------------------------------------------------------------- waiting forms

    def reserve(self, domain: str, url: str) -> None:
        """Wait for this domain's next request slot; HostBusyError when that is more than host_max_wait away."""
        wait, reserved = self.reserve_slot(domain, self.settings.host_max_wait)
        if not reserved:
            raise HostBusyError(url, f"{domain}: request budget spent for {wait:.1f}s", wait)
        if wait:
            time.sleep(wait)
        deadline = time.monotonic() + self.settings.host_max_wait
        while late := self.gate(domain):
            if time.monotonic() + late > deadline:
                raise HostBusyError(url, f"{domain}: request budget spent for {late:.1f}s", late)
            time.sleep(late)

    @contextmanager
    def slot(self, domain: str, url: str, lease: float, *, kind: AcquireKind = "plain") -> Iterator[None]:
        """Hold one of the domain's in-flight places for the duration of a request (waiting for one).
        A `kind="poll"` request goes before the domain's pages while it waits (`try_acquire`)."""
        deadline = time.monotonic() + self.settings.host_max_wait
        pause = 0.02
        waiter = uuid.uuid4().hex
        while (token := self.try_acquire(domain, lease, kind=kind, waiter=waiter)) is None:
            if time.monotonic() > deadline:
                if kind == "poll":
                    self.client.zrem(f"{self.prefix}:{domain}:polls-waiting", waiter)
                raise HostBusyError(url, f"{domain}: {self.settings.host_max_concurrency} requests in flight", 5.0)
            time.sleep(pause)
            pause = min(pause * 2, WAITER_PAUSE_MAX)
        try:
            yield
        finally:
            self.release(domain, token)
