"""What parsing a feed, sitemap or JSON Feed gives, and why one is refused: shared by `feeds` and `sitemaps`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from worker.article import RawItem

FeedFormat = Literal["rss", "atom", "json", "sitemap", "sitemapindex", "unknown"]
# Enough for any real feed's item list; a feed with more is cut (and says so in `rejected`).
MAX_ITEMS = 2000


class FeedError(ValueError):
    """A body that is not a feed at all, or that is refused (unsafe XML); the message says which."""


class UnsafeXMLError(FeedError):
    """The document declares XML entities (billion laughs, external entities): refused unread."""


@dataclass
class ParsedFeed:
    """What a feed said: its own metadata, its items as RawItems, and what was left out and why."""

    url: str
    format: FeedFormat
    title: str = ""
    link: str | None = None
    language: str | None = None
    ttl_seconds: float | None = None
    items: list[RawItem] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    bozo: str | None = None
    sitemaps: list[str] = field(default_factory=list)
