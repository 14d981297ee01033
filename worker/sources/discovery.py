"""Feed discovery: `feeds add https://site/` finds the feeds a site announces with <link rel="alternate">."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from worker.sources.errors import FetchError
from worker.sources.feeds import parse_feed
from worker.sources.http import PoliteClient
from worker.sources.parsed import FeedError
from worker.sources.urls import InvalidURLError, canonical_url

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)


WELL_KNOWN_PATHS = ("/feed", "/rss", "/feed.xml", "/rss.xml", "/atom.xml", "/index.xml")


class DiscoveryError(ValueError):
    """The URL is neither a feed nor a page that announces one."""


@dataclass(frozen=True)
class FoundFeed:
    url: str
    title: str | None = None


def alternate_feeds(html: str, base: str) -> list[FoundFeed]:
    """<link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href> of a page, in page order."""
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    found: dict[str, FoundFeed] = {}
    for link in doc.xpath("//link[@href]"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or kind not in FEED_TYPES or (kind == "application/json" and "feed" not in rels):
            continue
        try:
            url = canonical_url(link.get("href"), base=base)
        except InvalidURLError:
            continue
        found.setdefault(url, FoundFeed(url, (link.get("title") or "").strip() or None))
    return list(found.values())


def discover(url: str, client: PoliteClient) -> list[FoundFeed]:
    """The feed at `url` itself, or the feeds the page at `url` announces."""
    result = client.fetch(url, kind="feed")
    text = result.text("feed")
    try:
        parsed = parse_feed(text, result.final_url, result.headers.get("content-type", ""))
        return [FoundFeed(canonical_url(result.final_url), parsed.title or None)]
    except FeedError:
        pass
    feeds = alternate_feeds(result.text("page"), result.final_url)
    if feeds:
        return feeds
    # Many sites have a feed but do not announce it: try the paths CMSes put one at (a few requests,
    # through the same budget), before giving up.
    for path in WELL_KNOWN_PATHS:
        candidate = urljoin(result.final_url, path)
        try:
            found = client.fetch(candidate, kind="feed")
            parsed = parse_feed(found.text("feed"), found.final_url, found.headers.get("content-type", ""))
        except (FetchError, FeedError):
            continue
        if parsed.items or parsed.sitemaps:
            return [FoundFeed(canonical_url(found.final_url), parsed.title or None)]
    tried = ", ".join(WELL_KNOWN_PATHS)
    raise DiscoveryError(f'{url}: not a feed, the page announces none (<link rel="alternate">), and none at {tried}')
