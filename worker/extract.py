"""HTML -> Article: an article page's main text and metadata (trafilatura), its dates with provenance and
rel=canonical; and the one function that turns a fetched item (feed entry or page, its HTML when fetched)
into an Article, falling back to the feed's text.

Pure functions beside `worker.normalise`: the sources only fetch (`RawItem.html`, `final_url`,
`fetch_error`); reading the page is part of normalising it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from worker.article import Article, RawItem, TextSource
from worker.dates import DateCandidate, DateParseError, DateSource, parse_date
from worker.normalise import build_article, count_words
from worker.sources.urls import InvalidURLError, canonical_url, same_site

# Meta tags publishers put their publication date in, most specific first.
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "date.published",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "article.published",
    "cxenseparse:recs:publishtime",
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])(?:[/-](0[1-9]|[12]\d|3[01]))?(?=/|[-_.]|$)")
# An XML declaration and a DOCTYPE with an internal subset (an XHTML habit, or an XXE probe) before an HTML
# page: the HTML parser knows neither, so "]>" became text and the <title> after it was lost. HTML has no
# DTD to read: the prolog is replaced by a plain doctype, nothing in it is ever expanded.
_PROLOG = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.IGNORECASE | re.DOTALL)
_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "opinionnewsarticle",
     "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting", "webpage", "scholarlyarticle", "report"}
)  # fmt: skip


@dataclass
class PageExtract:
    """What an article page says about itself."""

    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    site_name: str | None = None
    image: str | None = None
    language: str | None = None
    description: str | None = None
    canonical: str | None = None
    dates: list[DateCandidate] = field(default_factory=list)
    extracted_date: DateCandidate | None = None  # trafilatura's (htmldate) reading, when no tag says it


def _parse(value: str | None, source: DateSource) -> DateCandidate | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed, precision = parse_date(value)
    except DateParseError:
        return None
    return DateCandidate(parsed, precision, source)


def _json_ld_objects(node: Any) -> list[dict[str, Any]]:
    """Every object in a JSON-LD document, through @graph and nested lists."""
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for child in node:
            found += _json_ld_objects(child)
    elif isinstance(node, dict):
        found.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(node.get(key), list | dict):
                found += _json_ld_objects(node[key])
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def json_ld_articles(doc: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """JSON-LD objects describing the article (NewsArticle and kin), unreadable blocks skipped."""
    articles = []
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content().strip() or "null")
        except (json.JSONDecodeError, ValueError):
            continue
        articles += [obj for obj in _json_ld_objects(data) if _types(obj) & _ARTICLE_TYPES]
    # The specific article types before a generic WebPage.
    return sorted(articles, key=lambda obj: "webpage" in _types(obj))


def _meta(doc: lxml.html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in doc.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key and key not in meta:
            meta[key] = node.get("content", "").strip()
    for node in doc.xpath('//time[@itemprop="datePublished"][@datetime]|//*[@itemprop="datePublished"][@content]'):
        meta.setdefault("datepublished", (node.get("datetime") or node.get("content") or "").strip())
    return meta


def url_date(url: str) -> DateCandidate | None:
    """/2024/03/05/ or /2024-03/ in the path: a date the publisher's CMS wrote into the URL."""
    match = _URL_DATE.search(url.split("?", 1)[0])
    if not match:
        return None
    year, month, day = match.groups()
    return _parse(f"{year}-{month}" + (f"-{day}" if day else ""), "url")


def page_dates(doc: lxml.html.HtmlElement, url: str) -> list[DateCandidate]:
    """Publication-date claims of a page in order of trust: JSON-LD, meta tags, the URL."""
    candidates: list[DateCandidate] = []
    for obj in json_ld_articles(doc):
        candidate = _parse(obj.get("datePublished") or obj.get("dateCreated"), "page-jsonld")
        if candidate:
            candidates.append(candidate)
            break
    meta = _meta(doc)
    for key in DATE_META:
        candidate = _parse(meta.get(key), "page-meta")
        if candidate:
            candidates.append(candidate)
            break
    from_url = url_date(url)
    if from_url:
        candidates.append(from_url)
    return candidates


def canonical_link(doc: lxml.html.HtmlElement, base: str) -> str | None:
    for href in doc.xpath('//link[@rel="canonical"]/@href|//meta[@property="og:url"]/@content'):
        try:
            return canonical_url(str(href), base=base)
        except InvalidURLError:
            continue
    return None


def _authors_from_json_ld(objects: list[dict[str, Any]]) -> list[str]:
    for obj in objects:
        author = obj.get("author")
        authors = author if isinstance(author, list) else [author]
        names = [a.get("name") if isinstance(a, dict) else a for a in authors]
        clean = [" ".join(str(n).split()) for n in names if isinstance(n, str) and n.strip()]
        if clean:
            return clean
    return []


def paragraphs_text(text: str, title: str | None) -> str:
    """trafilatura's one-line-per-block text as blank-line separated paragraphs, the title line dropped."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0].strip().lower() == title.strip().lower():
        lines = lines[1:]
    return "\n\n".join(lines)


def extract_page(html: str, url: str) -> PageExtract:
    """Main text and metadata of an article page; what cannot be found stays empty."""
    try:
        doc = lxml.html.document_fromstring(_PROLOG.sub("<!DOCTYPE html>", html, count=1))
    except (etree.ParserError, ValueError):
        return PageExtract()
    result = trafilatura.bare_extraction(
        doc,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        # No guessing from free text (a masthead's "today" is not a publication date); first-published wins.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    extracted: dict[str, Any] = {}
    if result is not None:
        extracted = result if isinstance(result, dict) else result.as_dict()
    json_ld = json_ld_articles(doc)
    meta = _meta(doc)
    title = extracted.get("title") or meta.get("og:title") or None
    authors = _authors_from_json_ld(json_ld)
    if not authors and extracted.get("author"):
        authors = [a.strip() for a in str(extracted["author"]).split(";") if a.strip()]
    language = (doc.get("lang") or meta.get("og:locale") or meta.get("content-language") or "").strip() or None
    return PageExtract(
        text=paragraphs_text(str(extracted.get("text") or ""), title),
        title=title,
        authors=authors,
        site_name=extracted.get("sitename") or meta.get("og:site_name") or None,
        image=extracted.get("image") or meta.get("og:image") or None,
        language=language,
        description=extracted.get("description") or meta.get("description") or None,
        canonical=canonical_link(doc, url),
        dates=page_dates(doc, url),
        extracted_date=_parse(extracted.get("date"), "page-meta"),
    )


def feed_date(item: RawItem) -> list[DateCandidate]:
    candidate = _parse(item.published, "feed")
    return [candidate] if candidate else []


def choose_url(
    item_url: str | None, final_url: str | None, canonical: str | None, metadata: dict[str, str]
) -> str | None:
    """The URL an article is known by: the page's rel=canonical when it is on the same site, else the URL the
    page was fetched from (after redirects), else the feed's link.

    A canonical pointing to another site (syndication partners point at the original) is not followed:
    that would fold two publishers' copies into one article; near-duplicate detection groups them instead.
    """
    fetched = final_url or item_url
    if canonical and fetched and canonical != fetched:
        if same_site(canonical, fetched):
            return canonical
        metadata["canonical_elsewhere"] = canonical
    return fetched


def article_from_item(item: RawItem, *, min_words: int = 80, now: datetime | None = None) -> Article:
    """A fetched item -> Article, recording where text and date came from.

    The page is `item.html` (fetched from `item.url`, ending at `item.final_url`), or `item.fetch_error` says
    why there is none. Page text wins when there is enough of it; otherwise (no link, fetch failed, paywall
    or consent wall) the feed's own text is used and the reason is recorded in metadata["page_fallback"].
    """
    page_html, final_url, page_error = item.html, item.final_url, item.fetch_error
    metadata = dict(item.metadata)
    extract = PageExtract()
    if page_html is not None:
        extract = extract_page(page_html, final_url or item.url or item.source)
    elif page_error:
        metadata["page_fallback"] = page_error
    page_words = count_words(extract.text)
    feed_text = item.text or ""
    text_source: TextSource
    if page_html is not None and page_words >= min_words:
        text, text_source = extract.text, "page"
    elif feed_text.strip():
        text, text_source = feed_text, "feed"
        if page_html is not None:
            metadata["page_fallback"] = f"page text too short ({page_words} words < {min_words})"
    elif extract.text:
        text, text_source = extract.text, "page"
        metadata["page_fallback"] = f"page text short ({page_words} words) but the feed has none"
    else:
        text, text_source = item.title or "", "feed"
    url = choose_url(item.url, final_url, extract.canonical, metadata)
    if item.url and url != item.url:
        metadata["feed_url"] = item.url
    for key, value in (
        ("site_name", extract.site_name),
        ("image", extract.image),
        ("page_language", extract.language),
        ("description", extract.description),
    ):
        if value:
            metadata[key] = value[:1000]
    page_candidates = [c for c in extract.dates if c.source != "url"]
    url_candidates = [c for c in extract.dates if c.source == "url"]
    if not url_candidates and url:
        from_url = url_date(url)
        url_candidates = [from_url] if from_url else []
    # The extractor's own date reading only after the feed's: it is a heuristic over the same page.
    extra = [extract.extracted_date] if extract.extracted_date and not page_candidates else []
    candidates = page_candidates + feed_date(item) + extra + url_candidates
    authors = extract.authors or item.authors
    return build_article(
        item.model_copy(update={"metadata": metadata}),
        text=text,
        text_source=text_source,
        candidates=candidates,
        title=extract.title if text_source == "page" and extract.title else item.title or extract.title,
        url=url,
        authors=authors,
        now=now,
    )
