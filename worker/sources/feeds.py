"""Feed bodies -> RawItems: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed 1.0/1.1, Google News sitemaps.

Pure functions over bytes already fetched by the polite client. Malformed ("bozo") feeds still yield the
items that could be read; every item left out is listed with its reason.
"""

from __future__ import annotations

import io
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from worker.article import RawItem
from worker.dates import DateParseError, parse_date
from worker.sources.parsed import MAX_ITEMS, FeedError, FeedFormat, ParsedFeed
from worker.sources.sitemaps import parse_sitemap
from worker.sources.urls import InvalidURLError, canonical_url
from worker.sources.xmlsafety import safe_xml

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr",
     "section", "article", "figure", "figcaption", "header", "footer", "hr", "dd", "dt"}
)  # fmt: skip


# ------------------------------------------------------------------------------------------ helpers


def html_to_text(html: str) -> str:
    """Readable text of an HTML fragment: block elements become paragraphs, scripts and styles dropped."""
    if not html or not html.strip():
        return ""
    if "<" not in html:
        return html.strip()
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html).strip()
    for bad in root.xpath("//script|//style|//noscript|//iframe"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n\n")

    walk(root)
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*\n\s*", "\n\n", text).strip()


def _struct_to_iso(value: time.struct_time | None) -> str | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat().replace("+00:00", "Z")
    except (TypeError, ValueError):
        return None


def date_string(raw: str | None, parsed: time.struct_time | None = None) -> tuple[str | None, str | None]:
    """(a date string our parser reads, the raw string when it had to be reformatted)."""
    if raw:
        try:
            parse_date(raw)
            return raw.strip(), None
        except DateParseError:
            pass
    iso = _struct_to_iso(parsed)
    if iso:
        return iso, raw
    return None, raw


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    text = html_to_text(title) if "<" in title else title
    return " ".join(text.split()) or None


def _item_url(link: str | None, base: str) -> str | None:
    if not link:
        return None
    try:
        return canonical_url(link, base=base)
    except InvalidURLError:
        return None


def detect_format(body: bytes, content_type: str = "") -> FeedFormat:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{") or "json" in content_type:
        return "json"
    if b"<urlset" in body[:4096].lower():
        return "sitemap"
    if b"<sitemapindex" in body[:4096].lower():
        return "sitemapindex"
    if b"<feed" in body[:4096].lower():
        return "atom"
    if b"<rss" in body[:4096].lower() or b"<rdf:rdf" in body[:4096].lower():
        return "rss"
    return "unknown"


def _as_utf8_xml(text: str) -> bytes:
    """Decoded text back to bytes for feedparser, its XML declaration saying what the bytes now are."""
    return _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode("utf-8")


# ------------------------------------------------------------------------------------------ RSS / Atom


def parse_xml_feed(text: str, url: str) -> ParsedFeed:
    """RSS or Atom via feedparser. Always given a stream: feedparser treats a str or bytes argument that
    looks like a URL or a path as something to fetch or open."""
    text = safe_xml(text, url)
    result = feedparser.parse(
        io.BytesIO(_as_utf8_xml(text)),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": url},
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    version = str(result.get("version") or "")
    feed = result.get("feed", {})
    if not version and not result.entries:
        reason = str(result.get("bozo_exception") or "no feed elements found")
        raise FeedError(f"{url}: not a feed ({reason})")
    parsed = ParsedFeed(
        url=url,
        format="atom" if version.startswith("atom") else "rss",
        title=_clean_title(feed.get("title")) or "",
        link=_item_url(feed.get("link"), url),
        language=(feed.get("language") or None),
        bozo=f"{type(result.bozo_exception).__name__}: {result.bozo_exception}" if result.get("bozo") else None,
    )
    ttl = feed.get("ttl")
    if ttl and str(ttl).strip().isdigit():
        parsed.ttl_seconds = float(str(ttl).strip()) * 60
    for position, entry in enumerate(result.entries):
        if position >= MAX_ITEMS:
            parsed.rejected.append(f"{len(result.entries) - MAX_ITEMS} items beyond the first {MAX_ITEMS} ignored")
            break
        item = _entry_item(entry, url, parsed)
        if isinstance(item, str):
            parsed.rejected.append(item)
        else:
            parsed.items.append(item)
    return parsed


def _entry_item(entry: Any, feed_url: str, feed: ParsedFeed) -> RawItem | str:
    link = entry.get("link")
    if not link:
        for candidate in entry.get("links", []):
            if candidate.get("rel") in (None, "alternate") and candidate.get("href"):
                link = candidate["href"]
                break
    guid = entry.get("id") or ""
    if not link and guid.startswith(("http://", "https://")) and entry.get("guidislink", True):
        link = guid
    url = _item_url(link, feed_url)
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    html = max(contents, key=len) if contents else entry.get("summary", "") or ""
    text = html_to_text(html)
    title = _clean_title(entry.get("title"))
    if not url and not text:
        return f"item {guid or title or '?'}: neither a link nor text"
    published, raw_date = date_string(entry.get("published"), entry.get("published_parsed"))
    # dict.get: feedparser's own get maps a missing `updated` to `published` (with a warning).
    updated, _ = date_string(dict.get(entry, "updated"), dict.get(entry, "updated_parsed"))
    metadata = {"feed": feed_url}
    if feed.title:
        metadata["feed_title"] = feed.title
    if guid:
        metadata["guid"] = guid
    if updated:
        metadata["updated"] = updated
    if raw_date:
        metadata["published_raw"] = raw_date
    if link and url is None:
        metadata["link_rejected"] = link[:500]
    names = [a.get("name", "") for a in entry.get("authors", []) if a.get("name")] or (
        [entry["author"]] if entry.get("author") else []
    )
    tags = [t.get("term", "") for t in entry.get("tags", []) if t.get("term")]
    if tags:
        metadata["categories"] = "; ".join(tags[:20])
    return RawItem(
        kind="feed",
        source=feed_url,
        url=url,
        text=text or None,
        title=title,
        published=published or updated,
        authors=clean_names(names),
        declared_language=feed.language,
        metadata=metadata,
    )


def clean_names(names: list[str]) -> list[str]:
    """Bylines one per name, whitespace collapsed, repeats dropped (order kept)."""
    return list(dict.fromkeys(n for n in (" ".join(str(name).split()) for name in names) if n))


# ------------------------------------------------------------------------------------------ JSON Feed


def parse_json_feed(text: str, url: str) -> ParsedFeed:
    """JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"{url}: not JSON ({exc})") from exc
    if not isinstance(data, dict) or "jsonfeed.org/version" not in str(data.get("version", "")):
        raise FeedError(f"{url}: JSON without a jsonfeed.org version: not a JSON Feed")
    parsed = ParsedFeed(
        url=url,
        format="json",
        title=_clean_title(str(data.get("title") or "")) or "",
        link=_item_url(data.get("home_page_url"), url),
        language=data.get("language") if isinstance(data.get("language"), str) else None,
    )
    items = data.get("items")
    if not isinstance(items, list):
        parsed.bozo = "items is not a list"
        return parsed
    feed_authors = _json_authors(data)
    for position, entry in enumerate(items):
        if position >= MAX_ITEMS:
            parsed.rejected.append(f"{len(items) - MAX_ITEMS} items beyond the first {MAX_ITEMS} ignored")
            break
        if not isinstance(entry, dict):
            parsed.rejected.append(f"item {position}: not an object")
            continue
        link = entry.get("url") or entry.get("external_url")
        item_url = _item_url(link if isinstance(link, str) else None, url)
        html = entry.get("content_html")
        text = html_to_text(html) if isinstance(html, str) else str(entry.get("content_text") or "").strip()
        if not text and isinstance(entry.get("summary"), str):
            text = entry["summary"].strip()
        title = _clean_title(entry.get("title") if isinstance(entry.get("title"), str) else None)
        if not item_url and not text:
            parsed.rejected.append(f"item {entry.get('id', position)}: neither a link nor text")
            continue
        metadata = {"feed": url}
        if parsed.title:
            metadata["feed_title"] = parsed.title
        if entry.get("id") is not None:
            metadata["guid"] = str(entry["id"])
        if isinstance(entry.get("date_modified"), str):
            metadata["updated"] = entry["date_modified"]
        authors = _json_authors(entry) or feed_authors
        if isinstance(entry.get("tags"), list):
            metadata["categories"] = "; ".join(str(t) for t in entry["tags"][:20])
        language = entry.get("language") or parsed.language
        published = entry.get("date_published") or entry.get("date_modified")
        parsed.items.append(
            RawItem(
                kind="feed",
                source=url,
                url=item_url,
                text=text or None,
                title=title,
                published=published if isinstance(published, str) else None,
                authors=clean_names(authors),
                declared_language=language if isinstance(language, str) else None,
                metadata=metadata,
            )
        )
    return parsed


def _json_authors(node: dict[str, Any]) -> list[str]:
    authors = node.get("authors")
    if not isinstance(authors, list):
        authors = [node["author"]] if isinstance(node.get("author"), dict) else []
    return [str(a["name"]).strip() for a in authors if isinstance(a, dict) and a.get("name")]


# ------------------------------------------------------------------------------------------ entry point


def parse_feed(text: str, url: str, content_type: str = "") -> ParsedFeed:
    """Any supported feed format, detected from the content (Content-Type is only a hint)."""
    fmt = detect_format(text[:4096].encode("utf-8", "replace"), content_type)
    if fmt == "json" and text.lstrip("\ufeff \t\r\n").startswith("{"):
        return parse_json_feed(text.lstrip("\ufeff"), url)
    if fmt in ("sitemap", "sitemapindex"):
        return parse_sitemap(text, url)
    return parse_xml_feed(text, url)


def feed_item_key(item: RawItem) -> str:
    """What identifies an item within its feed across polls: its link, else its guid, else its title."""
    return item.url or item.metadata.get("guid") or f"title:{item.title}"


def item_version(item: RawItem) -> str:
    """Changes when the item changed: its updated stamp, else its date, title and text length."""
    return item.metadata.get("updated") or f"{item.published}|{item.title}|{len(item.text or '')}"
