"""Why a fetch gave no usable body: one exception type per cause, each with the `reason` that gets recorded.

Callers branch on the type (never on the message): a refused address is not a timeout, a spent budget is
not a failure of the site.
"""

from __future__ import annotations


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


class BackoffError(RetryLaterError):
    """This URL answered 429/503 recently and is backing off (its host's other URLs are not)."""


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


class NotAPageError(FetchError):
    """The body fetched for an article page is something else (a feed, an image, a PDF): not an article."""
