"""The one polite HTTP client every fetch goes through: feeds, sitemaps, pages, discovery.

Politeness and safety live here so no caller can forget them: a truthful User-Agent, timeouts, a redirect
limit with the address check on every hop, size caps enforced while streaming (also after decompression),
a per-domain request budget and concurrency limit shared by all workers through Redis, and 429/503
Retry-After honoured for the whole domain.
"""

from __future__ import annotations

import codecs
import email.utils
import ipaddress
import math
import re
import socket
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import brotli
import httpcore
import httpx
import redis
from charset_normalizer import from_bytes

from worker.config import Settings
from worker.sources.urls import InvalidURLError, budget_key, canonical_url, host_of

FetchKind = Literal["feed", "page"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
SLOT_MARGIN = 1.2
MAX_CRAWL_DELAY = 120.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
}


# ---------------------------------------------------------------------------------------------- errors


class FetchError(Exception):
    """A fetch that did not produce a usable body; `reason` is what gets recorded."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class BlockedAddressError(FetchError):
    """The host is (or resolves to) a private, loopback or link-local address: refused (SSRF).

    Allow specific networks with NEWSWORKER_ALLOW_PRIVATE_NETWORKS for local testing.
    """


class TooLargeError(FetchError):
    """The body is larger than the configured cap (feed_max_bytes / page_max_bytes)."""


class DecompressionBombError(TooLargeError):
    """The body decompresses far beyond its compressed size or the cap."""


class RedirectError(FetchError):
    """Too many redirects, a redirect loop, or a redirect without a usable Location."""


class RetryLaterError(FetchError):
    """Do not ask this domain again before `retry_after` seconds: it sent 429/503, or its budget is spent."""

    def __init__(self, url: str, reason: str, retry_after: float) -> None:
        super().__init__(url, reason)
        self.retry_after = retry_after


class HostBusyError(RetryLaterError):
    """This worker would have to wait longer than host_max_wait for the domain's budget."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (other than 429/503, which are RetryLaterError)."""

    def __init__(self, url: str, reason: str, status: int) -> None:
        super().__init__(url, reason)
        self.status = status

    @property
    def permanent(self) -> bool:
        return self.status in (404, 410, 451)


class TransportError(FetchError):
    """Connection refused, DNS failure, timeout, TLS failure."""


# ---------------------------------------------------------------------------------------------- result


@dataclass(frozen=True)
class FetchResult:
    """A response that was read in full (or a 304)."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes = b""
    redirects: tuple[str, ...] = ()
    elapsed: float = 0.0
    compressed_bytes: int = 0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self, kind: FetchKind = "page") -> str:
        return decode_body(self.body, self.headers.get("content-type", ""), kind)


# ---------------------------------------------------------------------------------------------- SSRF


def parse_networks(spec: str) -> tuple[IPNetwork, ...]:
    """'127.0.0.0/8, ::1' -> networks; a bare address is a /32 (/128)."""
    networks = []
    for part in spec.split(","):
        part = part.strip()
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as exc:
                raise ValueError(f"allow_private_networks: {part!r} is not an address or CIDR") from exc
    return tuple(networks)


def address_refusal(address: IPAddress, allowed: tuple[IPNetwork, ...]) -> str | None:
    """Why an address may not be fetched, or None: anything not globally routable is refused."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return None
    for label, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
    ):
        if flag:
            return f"{label} address {address} refused (SSRF protection; see NEWSWORKER_ALLOW_PRIVATE_NETWORKS)"
    if not address.is_global:
        return f"non-global address {address} refused (SSRF protection)"
    return None


def resolve_checked(host: str, port: int, allowed: tuple[IPNetwork, ...]) -> list[str]:
    """Resolve a host and return its addresses, refusing the host if ANY of them is not allowed.

    All of them, because the connection may use any, and a DNS answer mixing a public and a private
    address is a classic rebinding trick.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TransportError(host, f"cannot resolve {host}: {exc.strerror}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for raw in addresses:
        reason = address_refusal(ipaddress.ip_address(raw.split("%")[0]), allowed)
        if reason:
            name = host if host == raw else f"{host} resolves to {raw}:"
            raise BlockedAddressError(host, f"{name} {reason}" if host != raw else reason)
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """Checks the address at connect time and connects to exactly the address it checked.

    The check before each request gives a clear error early; this one closes the gap where DNS answers
    differently the second time (rebinding). TLS still verifies the certificate against the host name.
    """

    def __init__(self, allowed: tuple[IPNetwork, ...]) -> None:
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve_checked(host, port, self.allowed)
        except FetchError as exc:
            raise httpcore.ConnectError(exc.reason) from exc
        error: Exception | None = None
        for address in addresses:  # e.g. an IPv6 address first that this machine cannot reach
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error


# ---------------------------------------------------------------------------------------------- budget

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
# bunch up with the next slot's request. KEYS[1] last-sent key. Returns ms still to wait (0: go, recorded).
_GATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local wait = last + tonumber(ARGV[1]) - now
if wait > 0 then return wait end
redis.call('SET', KEYS[1], now, 'PX', tonumber(ARGV[1]) + 60000)
return 0
"""

# A counting semaphore with leases: a holder that died frees its slot when the lease runs out.
# KEYS[1] zset of holders; ARGV: token, limit, lease ms. Returns 1 (acquired) or 0.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + 1000)
  return 1
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


def parse_host_rates(spec: str) -> dict[str, float]:
    """'example.com=0.2, other.org=2' -> {domain: requests per second}."""
    rates: dict[str, float] = {}
    for part in spec.split(","):
        if part.strip():
            domain, _, rate = part.partition("=")
            try:
                rates[domain.strip().lower()] = float(rate)
            except ValueError as exc:
                raise ValueError(f"host_rates: {part!r} is not domain=requests_per_second") from exc
    return rates


class HostBudget:
    """Per-domain request rate, concurrency and Retry-After blocks, shared by every worker through Redis."""

    def __init__(self, client: redis.Redis, settings: Settings, prefix: str = "nw:host") -> None:
        self.client = client
        self.settings = settings
        self.prefix = prefix
        self.rates = parse_host_rates(settings.host_rates)
        self._reserve = client.register_script(_RESERVE)
        self._acquire = client.register_script(_ACQUIRE)
        self._block = client.register_script(_BLOCK)
        self._gate = client.register_script(_GATE)

    def rate(self, domain: str) -> float:
        """Requests per second for a domain: the configured rate, slower if its robots.txt asks for a delay."""
        rate = self.rates.get(domain, self.settings.host_rate)
        delay = self.client.get(f"{self.prefix}:{domain}:delay")
        if delay:
            rate = min(rate, 1 / float(delay))  # type: ignore[arg-type]
        return rate

    def set_crawl_delay(self, domain: str, seconds: float, ttl: int) -> None:
        """Crawl-delay from robots.txt, capped so one odd file cannot park a site for hours."""
        self.client.set(f"{self.prefix}:{domain}:delay", min(max(seconds, 0.01), MAX_CRAWL_DELAY), ex=ttl)

    def reserve(self, domain: str, url: str) -> None:
        """Wait for this domain's next request slot; HostBusyError when that is more than host_max_wait away."""
        # Slots 20% further apart than the rate: requests leave at their slot but arrive with network and
        # scheduling jitter, and the server counting them must still never see more than its budget.
        interval_ms = max(1, math.ceil(1000 / self.rate(domain) * SLOT_MARGIN))
        max_wait_ms = round(self.settings.host_max_wait * 1000)
        keys = [f"{self.prefix}:{domain}:tat", f"{self.prefix}:{domain}:blocked"]
        wait_ms, reserved = self._reserve(keys=keys, args=[interval_ms, max(1, self.settings.host_burst), max_wait_ms])
        if not reserved:
            raise HostBusyError(url, f"{domain}: request budget spent for {wait_ms / 1000:.1f}s", wait_ms / 1000)
        if wait_ms:
            time.sleep(wait_ms / 1000)
        if self.settings.host_burst > 1:
            return
        deadline = time.monotonic() + self.settings.host_max_wait
        while True:
            late_ms = self._gate(keys=[f"{self.prefix}:{domain}:sent"], args=[interval_ms])
            if not late_ms:
                return
            if time.monotonic() + late_ms / 1000 > deadline:
                raise HostBusyError(url, f"{domain}: request budget spent for {late_ms / 1000:.1f}s", late_ms / 1000)
            time.sleep(late_ms / 1000)

    def block(self, domain: str, seconds: float) -> None:
        """Nobody asks this domain anything for `seconds` (it said 429/503 Retry-After)."""
        self._block(keys=[f"{self.prefix}:{domain}:blocked"], args=[max(1, round(seconds * 1000))])

    def blocked_for(self, domain: str) -> float:
        """Seconds this domain is still blocked (0 when it is not)."""
        raw = self.client.get(f"{self.prefix}:{domain}:blocked")
        if not raw:
            return 0.0
        return max(0.0, int(raw) / 1000 - time.time())  # type: ignore[arg-type]

    @contextmanager
    def slot(self, domain: str, url: str, lease: float) -> Iterator[None]:
        """Hold one of the domain's host_max_concurrency slots for the duration of a request."""
        key = f"{self.prefix}:{domain}:inflight"
        token = uuid.uuid4().hex
        deadline = time.monotonic() + self.settings.host_max_wait
        pause = 0.02
        while not self._acquire(keys=[key], args=[token, self.settings.host_max_concurrency, round(lease * 1000)]):
            if time.monotonic() > deadline:
                raise HostBusyError(url, f"{domain}: {self.settings.host_max_concurrency} requests in flight", 5.0)
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
        try:
            yield
        finally:
            self.client.zrem(key, token)


# ---------------------------------------------------------------------------------------------- bodies


def retry_after_seconds(value: str | None, default: float, maximum: float, now: float | None = None) -> float:
    """Retry-After as delta-seconds or HTTP-date, bounded to [1 s, maximum]; `default` when absent/garbled."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        seconds = when.timestamp() - (now if now is not None else time.time())
    return min(max(seconds, 1.0), maximum)


class BodyDecoder:
    """Content-Encoding undone incrementally with a hard cap on the output, so a bomb never fills memory."""

    def __init__(self, encodings: list[str], url: str, cap: int, max_ratio: int) -> None:
        self.url = url
        self.cap = cap
        self.max_ratio = max_ratio
        self.stages: list[Any] = []
        for encoding in encodings:
            if encoding == "gzip" or encoding == "x-gzip":
                self.stages.append(("zlib", zlib.decompressobj(16 + zlib.MAX_WBITS)))
            elif encoding == "deflate":
                self.stages.append(("deflate", None))
            elif encoding == "br":
                self.stages.append(("br", brotli.Decompressor()))
            elif encoding in ("identity", ""):
                continue
            else:
                raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
        self.compressed = 0
        self.size = 0
        self.chunks: list[bytes] = []

    def _limit(self) -> int:
        return self.cap - self.size + 1

    def _stage(self, index: int, data: bytes) -> bytes:
        kind, obj = self.stages[index]
        limit = self._limit()
        if kind == "deflate" and obj is None:
            # "deflate" is zlib-wrapped by the spec, raw deflate by some servers: look at the first bytes.
            wbits = zlib.MAX_WBITS if data[:1] and (data[0] & 0x0F) == 8 and int.from_bytes(data[:2]) % 31 == 0 else -15
            obj = zlib.decompressobj(wbits)
            self.stages[index] = ("zlib", obj)
            kind = "zlib"
        try:
            if kind == "zlib":
                out = obj.decompress(data, limit)
                if obj.unconsumed_tail:
                    raise self._bomb()
                return bytes(out)
            out = obj.process(data, output_buffer_limit=limit)
            if len(out) >= limit or not obj.can_accept_more_data():
                raise self._bomb()
            return bytes(out)
        except (zlib.error, brotli.error) as exc:
            raise FetchError(self.url, f"corrupt {kind} body: {exc}") from exc

    def _bomb(self) -> DecompressionBombError:
        return DecompressionBombError(self.url, f"body decompresses beyond the {self.cap} byte cap")

    def feed(self, data: bytes) -> None:
        self.compressed += len(data)
        for index in range(len(self.stages) - 1, -1, -1):
            data = self._stage(index, data)
        self.size += len(data)
        if self.size > self.cap:
            raise (self._bomb() if self.stages else TooLargeError(self.url, f"body exceeds the {self.cap} byte cap"))
        if self.stages and self.size > 1_000_000 and self.size > self.max_ratio * max(self.compressed, 1):
            raise DecompressionBombError(
                self.url, f"compression ratio above {self.max_ratio} ({self.compressed} -> {self.size} bytes)"
            )
        self.chunks.append(data)

    def body(self) -> bytes:
        return b"".join(self.chunks)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # What browsers do (WHATWG): Latin-1 and ASCII labels mean windows-1252.
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def declared_charsets(body: bytes, content_type: str, kind: FetchKind) -> list[str]:
    """Encodings the response claims, most authoritative first: BOM, header, in-document declaration."""
    claims: list[str] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            return [name]
    header = _HEADER_CHARSET.search(content_type)
    if header:
        claims.append(header.group(1))
    head = body[:4096]
    in_doc = _XML_ENCODING.search(head) if kind == "feed" else None
    in_doc = in_doc or _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if in_doc:
        claims.append(in_doc.group(1).decode("ascii", "replace"))
    return [c for c in dict.fromkeys(filter(None, (_codec(claim) for claim in claims)))]


def decode_body(body: bytes, content_type: str, kind: FetchKind = "page") -> str:
    """Bytes -> text when the headers may lie.

    Valid UTF-8 with non-ASCII bytes is taken as UTF-8 whatever is declared: a text in another encoding is
    almost never valid UTF-8 by accident, while servers that label UTF-8 as ISO-8859-1 are common. Then the
    declarations in order of authority, then detection, then UTF-8 with replacement characters.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    try:
        text = body.decode("utf-8")
        if not body.isascii():
            return text
    except UnicodeDecodeError:
        text = None
    for name in declared_charsets(body, content_type, kind):
        if name in ("utf-8", "utf_8") and text is None:
            continue  # declared UTF-8 but is not: the declaration lies
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    if text is not None:
        return text
    best = from_bytes(body[:200_000]).best()
    guess = best.encoding if best is not None and best.encoding else None
    # Short texts make detectors waver between single-byte code pages; windows-1252 is by far the most
    # common legacy encoding of the web, so it wins among them when it decodes cleanly.
    if guess is None or re.match(r"^(cp125\d|iso8859_\d+|latin_1|mac_\w+)$", guess):
        try:
            return body.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return body.decode(guess or "utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------- client


@dataclass
class PoliteClient:
    """Fetch one URL politely. Thread-safe; one per worker process (it holds a connection pool)."""

    settings: Settings
    redis_client: redis.Redis
    transport: httpx.BaseTransport | None = None
    budget: HostBudget = field(init=False)
    allowed: tuple[IPNetwork, ...] = field(init=False)
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.allowed = parse_networks(self.settings.allow_private_networks)
        self.budget = HostBudget(self.redis_client, self.settings)
        transport = self.transport
        if transport is None:
            guarded = httpx.HTTPTransport(retries=0)
            # httpx has no public hook for the socket layer; swap the pool for one with the guarded backend.
            guarded._pool = httpcore.ConnectionPool(
                ssl_context=httpx.create_ssl_context(),
                max_connections=100,
                max_keepalive_connections=20,
                keepalive_expiry=5.0,
                network_backend=GuardedBackend(self.allowed),
            )
            transport = guarded
        s = self.settings
        timeout = httpx.Timeout(s.http_read_timeout, connect=s.http_connect_timeout)
        # trust_env=False: an HTTP(S)_PROXY in the environment would bypass the address checks.
        self.client = httpx.Client(transport=transport, timeout=timeout, trust_env=False, follow_redirects=False)

    @property
    def user_agent(self) -> str:
        return self.settings.user_agent.replace("{contact_url}", self.settings.contact_url)

    def close(self) -> None:
        self.client.close()

    def check_url(self, url: str) -> str:
        """Refuse a URL before any request: not http(s), or a host that is/resolves to a refused address."""
        try:
            canonical_url(url)
            host = host_of(url)
        except InvalidURLError as exc:
            raise FetchError(url, str(exc)) from exc
        port = httpx.URL(url).port or (443 if url.lower().startswith("https") else 80)
        try:
            resolve_checked(host, port, self.allowed)
        except BlockedAddressError as exc:
            raise BlockedAddressError(url, exc.reason) from None
        except TransportError as exc:
            raise TransportError(url, exc.reason) from None
        return host

    def fetch(
        self,
        url: str,
        *,
        kind: FetchKind = "page",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET `url` following up to http_max_redirects redirects; every hop is checked and budgeted.

        Returns the response read in full (2xx) or a 304. Raises a FetchError subclass otherwise.
        """
        s = self.settings
        cap = s.feed_max_bytes if kind == "feed" else s.page_max_bytes
        started = time.monotonic()
        seen: list[str] = [url]
        current = url
        headers = {
            "User-Agent": self.user_agent,
            "Accept": ACCEPT[kind],
            "Accept-Encoding": "gzip, deflate, br",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        while True:
            self.check_url(current)
            domain = budget_key(current)
            remaining = s.http_total_timeout - (time.monotonic() - started)
            if remaining <= 0:
                raise TransportError(url, f"gave up after {s.http_total_timeout:.0f}s")
            # In-flight slot first, then the rate slot: nothing may stand between passing the rate gate and
            # sending, or requests leave late and bunch up with the next one.
            with self.budget.slot(domain, current, lease=remaining + s.host_max_wait + 5):
                self.budget.reserve(domain, current)
                response_or_location = self._request(current, headers, cap, started)
            if isinstance(response_or_location, FetchResult):
                result = response_or_location
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=result.status,
                    headers=result.headers,
                    body=result.body,
                    redirects=tuple(seen[1:]),
                    elapsed=time.monotonic() - started,
                    compressed_bytes=result.compressed_bytes,
                )
            location = response_or_location
            if location in seen:
                raise RedirectError(url, f"redirect loop: {' -> '.join([*seen, location])}")
            if len(seen) > s.http_max_redirects:
                raise RedirectError(url, f"more than {s.http_max_redirects} redirects: {' -> '.join(seen)}")
            seen.append(location)
            current = location

    def _request(self, url: str, headers: dict[str, str], cap: int, started: float) -> FetchResult | str:
        """One hop: a FetchResult, or the absolute URL a redirect points to."""
        s = self.settings
        domain = budget_key(url)
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise RedirectError(url, f"{status} redirect without Location")
                    return str(response.url.join(location))
                if status in (429, 503):
                    wait = retry_after_seconds(
                        response.headers.get("retry-after"), s.retry_after_default, s.retry_after_max
                    )
                    self.budget.block(domain, wait)
                    raise RetryLaterError(url, f"HTTP {status}, retry after {wait:.0f}s", wait)
                if status == 304:
                    return FetchResult(url=url, final_url=url, status=304, headers=response_headers)
                if status >= 400:
                    raise HTTPStatusError(url, f"HTTP {status}", status)
                length = response.headers.get("content-length")
                encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
                encodings = [e for e in encodings if e and e != "identity"]
                if length and length.isdigit() and not encodings and int(length) > cap:
                    raise TooLargeError(url, f"Content-Length {length} exceeds the {cap} byte cap")
                decoder = BodyDecoder(encodings, url, cap, s.http_max_compression_ratio)
                for chunk in response.iter_raw():
                    decoder.feed(chunk)
                    if decoder.compressed > cap:
                        raise TooLargeError(url, f"body exceeds the {cap} byte cap")
                    if time.monotonic() - started > s.http_total_timeout:
                        raise TransportError(url, f"body not complete after {s.http_total_timeout:.0f}s")
                return FetchResult(
                    url=url,
                    final_url=url,
                    status=status,
                    headers=response_headers,
                    body=decoder.body(),
                    compressed_bytes=decoder.compressed,
                )
        except httpx.TimeoutException as exc:
            raise TransportError(url, f"timeout: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            cause = exc.__cause__
            if isinstance(cause, httpcore.ConnectError) and "SSRF" in str(cause):
                raise BlockedAddressError(url, str(cause)) from exc
            if "SSRF" in str(exc):
                raise BlockedAddressError(url, str(exc)) from exc
            raise TransportError(url, f"{type(exc).__name__}: {exc}") from exc
