"""The one polite HTTP client every fetch goes through: feeds, sitemaps, pages, discovery, robots.txt.

Politeness and safety live here so no caller can forget them: a truthful User-Agent, timeouts, a redirect
limit with the address check on every hop, size caps enforced while streaming (also after decompression),
the per-domain budget shared by all workers (`budget`), and 429/503 Retry-After honoured for the whole
domain. `fetch` fetches one URL, waiting for its budget; `send_hop` is one request without any budget,
for a scheduler that does the budgeting itself (`fetcher`).
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field

import httpx
import redis

from worker.config import Settings
from worker.sources.budget import AcquireKind, HostBudget
from worker.sources.charsets import decode_body
from worker.sources.decoding import BodyDecoder, FetchKind
from worker.sources.errors import (
    BackoffError,
    BlockedAddressError,
    FetchError,
    HTTPStatusError,
    RedirectError,
    RetryLaterError,
    TooLargeError,
    TransportError,
)
from worker.sources.guard import GuardedTransport, IPNetwork, parse_networks, resolve_checked
from worker.sources.urls import InvalidURLError, budget_key, canonical_url, host_of

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    "page": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
}


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

    def text(self, kind: FetchKind = "page", language: str | None = None) -> str:
        """The body as text (`charsets.decode_body`); `language` hints detection when neither the body nor
        Content-Language declares one (a page of a feed in that language)."""
        hint = self.headers.get("content-language") or language
        return decode_body(self.body, self.headers.get("content-type", ""), kind, hint)


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
        transport = self.transport if self.transport is not None else GuardedTransport(self.allowed)
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

    def request_headers(
        self, kind: FetchKind, etag: str | None = None, last_modified: str | None = None
    ) -> dict[str, str]:
        headers = {"User-Agent": self.user_agent, "Accept": ACCEPT[kind], "Accept-Encoding": "gzip, deflate, br"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def max_bytes(self, kind: FetchKind) -> int:
        return self.settings.feed_max_bytes if kind == "feed" else self.settings.page_max_bytes

    def fetch(
        self,
        url: str,
        *,
        kind: FetchKind = "page",
        etag: str | None = None,
        last_modified: str | None = None,
        first: bool | None = None,
    ) -> FetchResult:
        """GET `url` following up to http_max_redirects redirects; every hop is checked and budgeted.

        `first` (default: for feeds) puts the request before the host's article pages while it waits for
        an in-flight place: polls find the work, pages fill the rest of the budget (`HostBudget.try_acquire`).
        Returns the response read in full (2xx) or a 304. Raises a FetchError subclass otherwise.
        """
        acquire_kind: AcquireKind = "poll" if (kind == "feed" if first is None else first) else "plain"
        s = self.settings
        started = time.monotonic()
        seen: list[str] = [url]
        current = url
        headers = self.request_headers(kind, etag, last_modified)
        while True:
            self.check_url(current)
            backoff = self.budget.url_backoff(current)
            if backoff:
                raise BackoffError(url, f"backing off after repeated 429/503 ({backoff:.0f}s left)", backoff)
            domain = budget_key(current)
            remaining = s.http_total_timeout - (time.monotonic() - started)
            if remaining <= 0:
                raise TransportError(url, f"gave up after {s.http_total_timeout:.0f}s")
            # In-flight place first, then the rate slot: nothing may stand between passing the rate gate and
            # sending, or requests leave late and bunch up with the next one.
            with self.budget.slot(domain, current, lease=remaining + s.host_max_wait + 5, kind=acquire_kind):
                self.budget.reserve(domain, current)
                hop = self.send_hop(current, headers, kind=kind, started=started)
            if isinstance(hop, FetchResult):
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=hop.status,
                    headers=hop.headers,
                    body=hop.body,
                    redirects=tuple(seen[1:]),
                    elapsed=time.monotonic() - started,
                    compressed_bytes=hop.compressed_bytes,
                )
            current = self.next_hop(url, seen, hop)
            seen.append(current)

    def next_hop(self, url: str, seen: list[str], location: str) -> str:
        """The redirect target, unless it loops or goes one hop too far."""
        if location in seen:
            raise RedirectError(url, f"redirect loop: {' -> '.join([*seen, location])}")
        if len(seen) > self.settings.http_max_redirects:
            raise RedirectError(url, f"more than {self.settings.http_max_redirects} redirects: {' -> '.join(seen)}")
        return location

    def send_hop(self, url: str, headers: dict[str, str], *, kind: FetchKind, started: float) -> FetchResult | str:
        """One request, no budget taken (the caller holds it): a FetchResult, or the absolute URL a redirect
        points to. A 429/503 blocks the whole domain for its Retry-After and raises RetryLaterError."""
        s = self.settings
        cap = self.max_bytes(kind)
        domain = budget_key(url)

        def trace(event: str, info: dict[str, object]) -> None:
            # httpcore's trace extension: the request headers are on the wire. A sender that passed the gate
            # and then stalled (the interpreter busy with another thread's parsing) moves its departure here,
            # so the next request to the domain counts from when this one really left.
            if event == "http11.send_request_headers.complete":
                self.budget.sent(domain)

        try:
            with self.client.stream("GET", url, headers=headers, extensions={"trace": trace}) as response:
                status = response.status_code
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise RedirectError(url, f"{status} redirect without Location")
                    return str(response.url.join(location))
                if status in (429, 503):
                    # The host's own Retry-After binds the whole domain; without one, only this URL backs off
                    # (exponentially, so one URL that keeps refusing cannot starve its host's other feeds).
                    header = response.headers.get("retry-after")
                    wait = retry_after_seconds(header, s.retry_after_default, s.retry_after_max)
                    if header is not None:
                        self.budget.block(domain, wait)
                    backoff = self.budget.strike_url(url, wait)
                    raise RetryLaterError(url, f"HTTP {status}, retry after {backoff:.0f}s", backoff)
                self.budget.clear_url(url)
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
        except BlockedAddressError as exc:  # raised at connect time by the guarded transport
            raise BlockedAddressError(url, exc.reason) from None
        except TransportError as exc:  # the guard could not resolve the host
            raise TransportError(url, exc.reason) from None
        except httpx.TimeoutException as exc:
            raise TransportError(url, f"timeout: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise TransportError(url, f"{type(exc).__name__}: {exc}") from exc
