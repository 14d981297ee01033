"""Google News sitemaps (and plain sitemaps / sitemap indexes) -> RawItems, parsed without entity expansion."""

from __future__ import annotations

from lxml import etree

from worker.article import RawItem
from worker.sources.parsed import MAX_ITEMS, FeedError, ParsedFeed
from worker.sources.urls import InvalidURLError, canonical_url
from worker.sources.xmlsafety import SAFE_PARSER_OPTIONS, safe_xml

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# Entities limited to the document's own checked ones (xmlsafety), no DTD, no network; tolerant of errors.
_PARSER_OPTIONS = {**SAFE_PARSER_OPTIONS, "recover": True, "remove_comments": True}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(node: etree._Element, name: str, namespace: str | None = None) -> str | None:
    for child in node:
        if _local(child.tag) == name and (namespace is None or str(child.tag).startswith("{" + namespace)):
            text = (child.text or "").strip()
            return text or None
    return None


def parse_sitemap(text: str, url: str) -> ParsedFeed:
    """A `<urlset>` (news entries become items with title, date, language, publication) or a
    `<sitemapindex>` (its child sitemaps are returned in `sitemaps` for the caller to fetch)."""
    text = safe_xml(text, url)
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"{url}: unreadable sitemap ({exc})") from exc
    if root is None:
        raise FeedError(f"{url}: empty sitemap")
    bozo = "; ".join(str(e) for e in parser.error_log[:3]) or None
    kind = _local(root.tag)
    if kind == "sitemapindex":
        parsed = ParsedFeed(url=url, format="sitemapindex", bozo=bozo)
        for node in root:
            loc = _child_text(node, "loc")
            if loc:
                try:
                    parsed.sitemaps.append(canonical_url(loc, base=url))
                except InvalidURLError as exc:
                    parsed.rejected.append(f"sitemap {loc[:200]}: {exc}")
        return parsed
    if kind != "urlset":
        raise FeedError(f"{url}: root element <{kind}> is neither urlset nor sitemapindex")
    parsed = ParsedFeed(url=url, format="sitemap", bozo=bozo)
    for position, node in enumerate(node for node in root if _local(node.tag) == "url"):
        if position >= MAX_ITEMS:
            parsed.rejected.append(f"entries beyond the first {MAX_ITEMS} ignored")
            break
        loc = _child_text(node, "loc")
        if not loc:
            parsed.rejected.append(f"url entry {position}: no <loc>")
            continue
        try:
            item_url = canonical_url(loc, base=url)
        except InvalidURLError as exc:
            parsed.rejected.append(f"url entry {position}: {exc}")
            continue
        news = next((c for c in node if _local(c.tag) == "news"), None)
        metadata = {"feed": url, "sitemap": "news" if news is not None else "plain"}
        title = published = language = None
        lastmod = _child_text(node, "lastmod")
        if lastmod:
            metadata["updated"] = lastmod
        if news is not None:
            title = _child_text(news, "title")
            published = _child_text(news, "publication_date")
            publication = next((c for c in news if _local(c.tag) == "publication"), None)
            if publication is not None:
                name = _child_text(publication, "name")
                language = _child_text(publication, "language")
                if name:
                    metadata["publication"] = name
                    parsed.title = parsed.title or name
            keywords = _child_text(news, "keywords")
            if keywords:
                metadata["categories"] = keywords
        parsed.items.append(
            RawItem(
                kind="feed",
                source=url,
                url=item_url,
                title=title,
                published=published or lastmod,
                declared_language=language,
                metadata=metadata,
            )
        )
    return parsed
