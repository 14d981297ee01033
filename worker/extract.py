"""HTML -> Article: an article page's main text and metadata (trafilatura), its dates with provenance and
rel=canonical; and the one function that turns a fetched item (feed entry or page, its HTML when fetched)
into an Article, falling back to the feed's text.

Pure functions beside `worker.normalise`: the sources only fetch (`RawItem.html`, `final_url`,
`fetch_error`); reading the page is part of normalising it.

Main text is read by a fallback chain (`EXTRACTION_STEPS`): trafilatura with `favor_precision` first, which is
clean but empties table-layout pages and cuts galleries (and, in production, some long pages); then recall; then the
page with its layout tables unwrapped into plain blocks ("tables"). Each result is scored against a cheap estimate of
the page's main text (`reference_text`: long, link-poor text blocks outside navigation, comments, paywalls and
sidebars, within the marked-up article region). Precision is kept when it covers >= 50 % of that estimate (and,
on a page with tables, >= 95 %), so a normal page costs one extraction plus the estimate (~0.7 ms; CPU x1.05 of a
precision-only run, `bench/extraction.py`). Otherwise the step whose text best matches the estimate (word F1)
wins, the earlier step on a tie; the step kept is recorded in `metadata["extraction"]`. On our 24 pages
(`tests/data/extract/`) word F1 goes from 0.857 (old call) to 0.984 (0.815 -> 0.962 on the 6 held-out pages);
trafilatura's defaults score 0.969 (0.947).

What sits in the article region but is not the article is taken out around the chain (`worker/extract_clean.py`):
before it, from a copy of the page (`noise_elements`): figure and table captions, blocks named as boilerplate in
their class, id or data-testid (newsletter, ad, promo, embed, video, author bio, most read...) and pull quotes
repeating a sentence of the text; after it, from the text: ad labels, run-in photo captions, "posted on" lines, a
comment section without markup, and the headline however the <title> wraps it. On the 34 dev pages
(`dev_*`) the chain's word precision goes 0.976 -> 0.997, F1 0.985 -> 0.997, at the same CPU cost.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import lxml.html
import trafilatura
from lxml import etree

from worker.article import Article, RawItem, TextSource
from worker.dates import DateCandidate, DateParseError, DateSource, parse_date
from worker.extract_clean import (
    boilerplate_elements,
    cut_comments,
    drop_noise_lines,
    full_headlines,
    headlines,
    repeated_quotes,
)
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
# Characters XML forbids: lxml parses them into text but refuses them in any text it is handed back, so one stray
# BEL or group separator in a page made every step fail (2 of trafilatura's 983 evaluation pages, session 47).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# ... and the character references that name one ("&#7;", "&#x1d;"): lxml decodes them into the same characters.
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _xml_safe(html: str) -> str:
    """The page with each XML-forbidden character, raw or as a numeric reference, replaced by a space."""
    html = _NOT_XML.sub(" ", html)
    if "&#" not in html:
        return html

    def reference(match: re.Match[str]) -> str:
        hexadecimal, decimal = match.groups()
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        return " " if code < 0x110000 and _NOT_XML.match(chr(code)) else match.group(0)

    return _NUMERIC_REFERENCE.sub(reference, html)


def join_comment_tails(doc: lxml.html.HtmlElement) -> None:
    """Comments that split a run of text are taken out, the text after them joined to the text before.

    React renders "older, leak-prone <!-- -->water and sewer mains." between adjacent text expressions. trafilatura,
    handed a tree with the comment in it, removed the comment with its tail, and the sentence lost its end (session
    46: a New York Times page of Readability's tests). Comments between blocks (a whitespace tail) stay where they are:
    dropping them all moved trafilatura's choice of blocks on other pages.
    """
    # Last first: a comment's text may pass to the comment before it ("<!-- --><!-- -->water", React's "<!--$-->"),
    # which then hands it on in its turn.
    for comment in reversed(list(doc.iter(etree.Comment))):
        tail, parent = comment.tail, comment.getparent()
        if parent is None or not tail or not tail.strip():
            continue
        previous = comment.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        comment.tail = None
        parent.remove(comment)


_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "opinionnewsarticle",
     "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting", "webpage", "scholarlyarticle", "report"}
)  # fmt: skip


ExtractionStep = Literal["precision", "recall", "tables", "json-ld"]
EXTRACTION_STEPS: tuple[ExtractionStep, ...] = ("precision", "recall", "tables")
# The publisher's own article body (JSON-LD `articleBody`) replaces the chain's text when it has this many words and
# the chain's text holds less than this share of them (session 47: 6 of 52 outside pages that give one, e.g. a page
# whose article the chain read as 26 of its 726 words).
ARTICLE_BODY_MIN_WORDS = 100
ARTICLE_BODY_COVERAGE = 0.5
# Precision is good enough when it covers this share of the reference's words. Measured on the page set: a
# complete extraction covers 0.85-1.0 of the reference, the failures (empty table pages, galleries) < 0.35.
MIN_COVERAGE = 0.5
# Below this many reference words the estimate says little (briefs, teasers): precision stands unless empty.
MIN_REFERENCE_WORDS = 30
# On a page with a table, precision must cover this much of the reference or the tables step is tried too.
TABLE_COVERAGE = 0.95
# A reference line shorter than this is a byline, date, credit, button or menu entry, not article text.
_MIN_LINE_WORDS = 5
# Containers that are not the article, by tag and by class/id token (a whole token or a -/_ delimited part).
_NOT_ARTICLE_TAGS = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select",
     "iframe", "svg", "object", "embed"}
)  # fmt: skip
_NOT_ARTICLE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:comments?|reacties?|discussion|disqus|paywall|premium|subscribe|subscription|abonneren|"
    r"abonnement|newsletter|nieuwsbrief|share|sharing|social|related|sidebar|menu|nav|navigation|cookies?|"
    r"consent|footer|advert\w*|advertentie|ads?|promo|most-read|meest-gelezen|breadcrumbs?|read-also|lees-ook|"
    r"tags)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "td", "th", "tr", "table", "tbody", "thead", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3",
     "h4", "h5", "h6", "blockquote", "figcaption", "figure", "section", "article", "main", "pre", "caption", "br",
     "center", "body"}
)  # fmt: skip
_TOKEN = re.compile(r"\w+")
# The marked-up article region is the reference when it holds this share of the page's remaining text.
MIN_REGION_SHARE = 0.25
# A layout table: a cell holding this many words of its own (not nested tables') text is prose, not data.
_LAYOUT_CELL_WORDS = 25

# Figure captions and photo credits: the <figcaption> element, and blocks whose class/id names a caption or credit
# (a whole token or a -/_ delimited part: "wp-caption-text", "media__caption", "photo-credit", "fotobijschrift").
_CAPTION_NAMES = re.compile(
    r"(?:^|[\s_-])(?:captions?|credits?|\w*bijschrift|onderschrift|fotocredits?|photocredits?)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Captions are dropped only when the page has this much prose outside them, and at least this many times the
# captions' words: on a photo gallery the captions are the article (tests/data/extract/*gallery*).
MIN_PROSE_WORDS = 50
PROSE_PER_CAPTION_WORD = 2.0
# A line that is only a photo credit ("Photograph: Tom Hale/Valley Post", "Foto's: ANP, Gemeente", "© ANP").
_CREDIT_LINE = re.compile(
    r"^\(?\s*(?:©|\(c\)|copyright\b|(?:photo|photos|photograph|photographs|picture|pictures|image|images|credit|"
    r"credits|foto|foto's|fotografie|beeld|illustratie|afbeelding|video)\s*(?::|©|\|))",
    re.IGNORECASE,
)
_MAX_CREDIT_WORDS = 10
# A first line that is the headline and this many words more is the headline with its byline, not a paragraph.
_MAX_HEADLINE_TAIL_WORDS = 8
# ... when the headline has this many words: a one-word <h1> ("Sport", the site's name) may open a sentence.
_MIN_HEADLINE_WORDS = 3
# ... and the words after it are a byline: opening with "by"/"door"/"van", or without a sentence's end (. ! ?).
_BYLINE_TAIL = re.compile(r"^(?:(?:by|door|van|von|par)\b.*|[^.!?]*)$", re.IGNORECASE)

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
    extraction: ExtractionStep | None = None  # the step of the fallback chain whose text was kept
    extraction_run: list[ExtractionStep] = field(default_factory=list)  # the steps that ran (their cost)


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


def paragraphs_text(
    text: str,
    title: str | None,
    headline: set[str] | frozenset[str] = frozenset(),
    full_headline: set[str] | frozenset[str] = frozenset(),
) -> str:
    """trafilatura's one-line-per-block text as blank-line separated paragraphs, the title line dropped: a first
    line equal to `title` or to one of `headline` (lower-cased forms of the headline, `extract_clean.headlines`), or
    one of `full_headline` (the <h1>, og:title: `extract_clean.full_headlines`) followed by a byline."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    heads = {title.strip().lower()} | headline if title else headline
    if lines and _is_headline_line(lines[0].lower(), heads, full_headline):
        lines = lines[1:]
    return "\n\n".join(lines)


def _is_headline_line(line: str, headline: set[str] | frozenset[str], full_headline: set[str] | frozenset[str]) -> bool:
    """The line is a headline, or a full headline followed by a byline in the same block ("Record aantal
    zwaluwnesten ingezonden door de vogelwerkgroep": old pages put both in one table cell): at most
    _MAX_HEADLINE_TAIL_WORDS words after it that open with "by"/"door"/"van" or end no sentence (`_BYLINE_TAIL`)."""
    return line in headline or any(
        line.startswith(head + " ")
        and len(_TOKEN.findall(head)) >= _MIN_HEADLINE_WORDS
        and len(_TOKEN.findall(line[len(head) :])) <= _MAX_HEADLINE_TAIL_WORDS
        and _BYLINE_TAIL.match(line[len(head) :].strip()) is not None
        for head in full_headline
    )


def _tokens(text: str) -> Counter[str]:
    return Counter(word.lower() for word in _TOKEN.findall(text))


def _not_article(element: lxml.html.HtmlElement) -> bool:
    if element.tag in _NOT_ARTICLE_TAGS:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(names.strip()) and _NOT_ARTICLE_NAMES.search(names) is not None


def _link_density(element: lxml.html.HtmlElement) -> float:
    text = len(" ".join(element.text_content().split()))
    if not text:
        return 0.0
    links = sum(len(" ".join(a.text_content().split())) for a in element.iter("a"))
    return links / text


def _leaf_blocks(body: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Block elements with no block inside them: the units a link density is measured on."""
    for element in body.iter():
        if element.tag not in _BLOCK_TAGS or element.tag == "br":
            continue
        if next((d for d in element.iterdescendants() if d.tag in _BLOCK_TAGS and d.tag != "br"), None) is None:
            yield element


def _main_region(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The element the publisher marked as the article (articleBody, then <article>, then <main>), the largest of
    its kind, when it holds >= MIN_REGION_SHARE of the page's text; else the body. Reader posts, related teasers
    and live-blog entries outside it are not the article; a small <article> (one teaser, one entry) is not it."""
    total = len(_TOKEN.findall(body.text_content()))
    for kind in ('.//*[@itemprop="articleBody"]', ".//article", './/main|.//*[@role="main"]'):
        sizes = [(len(_TOKEN.findall(e.text_content())), e) for e in body.xpath(kind)]
        if sizes:
            words, element = max(sizes, key=lambda pair: pair[0])
            if words >= MIN_REGION_SHARE * total:
                return element
    return body


def reference_text(doc: lxml.html.HtmlElement) -> Counter[str]:
    """A cheap estimate of the page's main text as a bag of words, to judge an extraction against.

    The visible text of the page without navigation, header, footer, sidebars, forms, comments, paywall and
    share boxes (by tag and by class/id), without link lists (leaf blocks with link density > 0.5), then of its
    article region only (`_main_region`), split at block boundaries, table rows and <br>; lines of fewer than 5
    words (bylines, dates, credits, menu entries) dropped.
    A container is never dropped when it holds most of the page's text: a class like "main-nav-offset" on the
    wrapper of the whole article must not empty the estimate.
    """
    body = doc.find("body")
    if body is None:
        return Counter()
    body = copy.deepcopy(body)
    total = len(body.text_content())
    stack = list(body)  # top down, never into a dropped subtree
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            element.drop_tree()  # comments and processing instructions
        elif _not_article(element) and len(element.text_content()) <= total / 2:
            element.drop_tree()
        else:
            stack.extend(element)
    for element in list(_leaf_blocks(body)):
        if _link_density(element) > 0.5:
            element.drop_tree()
    body = _main_region(body)
    for element in body.iter():
        if element.tag in ("td", "th"):  # a table row is one line: a result row reads as one
            element.tail = " " + (element.tail or "")
        elif element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    words: Counter[str] = Counter()
    for line in body.text_content().split("\n"):
        line_words = _tokens(line)
        if line_words.total() >= _MIN_LINE_WORDS:
            words.update(line_words)
    return words


def match_reference(text: str, reference: Counter[str]) -> tuple[float, float]:
    """(coverage, F1) of an extraction's words against the reference: coverage = share of the reference found."""
    words = _tokens(text)
    overlap = (words & reference).total()
    if not overlap:
        return 0.0, 0.0
    coverage, precision = overlap / reference.total(), overlap / words.total()
    return coverage, 2 * coverage * precision / (coverage + precision)


def _is_caption(element: lxml.html.HtmlElement) -> bool:
    if element.tag in ("figcaption", "caption"):  # a table's <caption> is its title, as a figure's
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return bool(names.strip()) and _CAPTION_NAMES.search(names) is not None


def caption_elements(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The outermost figure captions and photo credits of a page, or none when they may be the article itself.

    Captions are dropped when the page has at least MIN_PROSE_WORDS words of paragraphs outside them and at least
    PROSE_PER_CAPTION_WORD times the captions' words; on a photo gallery (a short lead, then captioned pictures) the
    captions carry the story and stay."""
    captions = [
        e
        for e in doc.iter()
        if isinstance(e.tag, str) and _is_caption(e) and not any(map(_is_caption, e.iterancestors()))
    ]
    if not captions:
        return []
    caption_words = sum(len(_TOKEN.findall(e.text_content())) for e in captions)
    prose_words = sum(
        len(_TOKEN.findall(p.text_content()))
        for p in doc.iter("p")
        if not _is_caption(p) and not any(_is_caption(a) or _not_article(a) for a in p.iterancestors())
    )
    if prose_words < MIN_PROSE_WORDS or prose_words < PROSE_PER_CAPTION_WORD * caption_words:
        return []
    return captions


def noise_elements(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """What is in an article page's text region but not the article: figure captions and credits, blocks named as
    boilerplate (`extract_clean.boilerplate_elements`: share bars, newsletter boxes, ads, promos, embeds, video
    players, tags, author bios, most-read lists) and pull quotes repeating a sentence of the text."""
    boilerplate = boilerplate_elements(doc)
    return caption_elements(doc) + boilerplate + repeated_quotes(doc, boilerplate)


def without_noise(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page without `noise_elements`; the page itself if it has none."""
    return _without(doc, noise_elements(doc))


def _without(doc: lxml.html.HtmlElement, elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    """A copy of the page without `elements` (found on the page itself: one copy, found once, dropped by position)."""
    if not elements:
        return doc
    wanted = set(elements)  # held, so lxml yields these same proxies below
    positions = [index for index, element in enumerate(doc.iter()) if element in wanted]
    cleaned = copy.deepcopy(doc)
    nodes = list(cleaned.iter())
    for index in positions:
        nodes[index].drop_tree()
    return cleaned


def drop_credit_lines(text: str) -> str:
    """Lines that are only a photo credit ("Picture: Valley Post", "Foto's: ANP, Gemeente", "© ANP") removed: what
    is left of a caption whose markup did not say so."""
    return "\n".join(
        line
        for line in text.splitlines()
        if not (_CREDIT_LINE.match(line.strip()) and len(_TOKEN.findall(line)) <= _MAX_CREDIT_WORDS)
    )

def _cell_words(cell: lxml.html.HtmlElement) -> int:
    """Words of a cell's own text, its nested tables' text not counted."""
    own_table = next(cell.iterancestors("table"), None)
    nested = sum(
        len(_TOKEN.findall(table.text_content()))
        for table in cell.iterdescendants("table")
        if next(table.iterancestors("table"), None) is own_table
    )
    return len(_TOKEN.findall(cell.text_content())) - nested


def layout_tables(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Tables used for page layout rather than data: they nest tables or hold prose in a cell."""
    found = []
    for table in doc.iter("table"):
        if table.find(".//table") is not None or any(
            _cell_words(cell) >= _LAYOUT_CELL_WORDS for cell in table.iter("td", "th")
        ):
            found.append(table)
    return found


def _in_data_table(
    element: lxml.html.HtmlElement, layout_table: lxml.html.HtmlElement, layout: list[lxml.html.HtmlElement]
) -> bool:
    """Whether a table part inside a layout table belongs to a data table nested in it (a results table in the
    article column of an old site): that one stays a table, one line per row."""
    for ancestor in (element, *element.iterancestors("table")):
        if ancestor is layout_table:
            return False
        if ancestor.tag == "table" and ancestor not in layout:
            return True
    return False


def unwrap_layout_tables(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A copy of the page whose layout tables are plain blocks: each row and cell a <div>, so their prose reads as
    paragraphs (trafilatura keeps or drops a table whole, and drops one that is mostly links)."""
    unwrapped = copy.deepcopy(doc)
    layout = layout_tables(unwrapped)
    for table in layout:
        for element in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
            if _in_data_table(element, table, layout):
                continue
            element.tag = "div"
            for attribute in ("width", "align", "valign", "colspan", "rowspan", "bgcolor", "border"):
                element.attrib.pop(attribute, None)
    return unwrapped


def _table_rows_as_text(text: str) -> str:
    """trafilatura writes kept tables as "| cell | cell |" lines: a one-cell row is its text, cells stay apart."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
            cells = [cell.strip() for cell in stripped[1:-1].split(" | ") if cell.strip(" |")]
            line = " | ".join(cells)
        lines.append(line)
    return "\n".join(lines)


def _run_step(doc: lxml.html.HtmlElement, url: str, step: ExtractionStep, *, with_metadata: bool) -> dict[str, Any]:
    tree = doc if with_metadata else unwrap_layout_tables(doc) if step == "tables" else copy.deepcopy(doc)
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=with_metadata,
        include_comments=False,
        # No guessing from free text (a masthead's "today" is not a publication date); first-published wins.
        date_extraction_params={"extensive_search": False, "original_date": True},
        # precision: favor_precision, tables off (the old call); recall: favor_recall; tables: favor_precision with
        # tables kept, on a copy of the page whose layout tables are unwrapped.
        favor_precision=step != "recall",
        favor_recall=step == "recall",
        include_tables=step == "tables",
    )
    extracted: dict[str, Any] = {}
    if result is not None:
        extracted = result if isinstance(result, dict) else result.as_dict()
    extracted["text"] = _table_rows_as_text(str(extracted.get("text") or ""))
    return extracted


def extract_main_text(
    doc: lxml.html.HtmlElement, url: str, first: dict[str, Any], steps: tuple[ExtractionStep, ...] = EXTRACTION_STEPS
) -> tuple[str, ExtractionStep, list[ExtractionStep]]:
    """The fallback chain after its first (precision) step, whose result is `first`: the text kept, its step and
    the steps run.

    Precision stands when it covers enough of `reference_text` (MIN_COVERAGE; or the page has too little text to
    judge) and, on a page with tables, nearly all of it (TABLE_COVERAGE: what is missing may be a table that
    carries the article). Otherwise recall runs when precision is short, and the tables step when precision is
    short or the page has tables; the candidate with the best word F1 against the reference wins, the earlier
    step on a tie. `steps` lets the benchmark and tests switch steps off.
    """
    text: str = first["text"]
    reference = reference_text(doc)
    coverage, best_f1 = match_reference(text, reference)
    short = not text.strip() or (reference.total() >= MIN_REFERENCE_WORDS and coverage < MIN_COVERAGE)
    tables_missing = coverage < TABLE_COVERAGE and doc.find(".//table") is not None
    best: tuple[str, ExtractionStep] = (text, "precision")
    run: list[ExtractionStep] = ["precision"]
    for step in steps[1:]:
        if not short and not (step == "tables" and tables_missing):
            continue
        run.append(step)
        candidate = _run_step(doc, url, step, with_metadata=False)["text"]
        f1 = match_reference(candidate, reference)[1]
        if candidate.strip() and (f1 > best_f1 or not best[0].strip()):
            best, best_f1 = (candidate, step), f1
    return best[0], best[1], run


def article_body(json_ld: list[dict[str, Any]]) -> str:
    """The longest `articleBody` the page's JSON-LD articles give, as text (a publisher that writes it as HTML gets
    its tags read as blocks), or ""."""
    bodies = [obj["articleBody"] for obj in json_ld if isinstance(obj.get("articleBody"), str)]
    body: str = max(bodies, key=len, default="").strip()
    if "<" in body and ">" in body:
        try:
            fragment = lxml.html.fragment_fromstring(_xml_safe(body), create_parent="div")
        except (etree.ParserError, ValueError):
            return body
        for block in fragment.iter(*_BLOCK_TAGS):
            block.tail = "\n" + (block.tail or "")
        body = fragment.text_content().strip()
    return body


def _body_missed(text: str, body: str) -> bool:
    """Whether the chain's text holds less than ARTICLE_BODY_COVERAGE of a long enough article body's words."""
    wanted = _tokens(body)
    total = wanted.total()
    return total >= ARTICLE_BODY_MIN_WORDS and (_tokens(text) & wanted).total() < ARTICLE_BODY_COVERAGE * total


def extract_page(html: str, url: str, steps: tuple[ExtractionStep, ...] = EXTRACTION_STEPS) -> PageExtract:
    """Main text and metadata of an article page; what cannot be found stays empty."""
    try:
        doc = lxml.html.document_fromstring(_PROLOG.sub("<!DOCTYPE html>", _xml_safe(html), count=1))
    except (etree.ParserError, ValueError):
        return PageExtract()
    join_comment_tails(doc)
    text_doc = without_noise(doc)  # captions, credits, boxes and teasers are not paragraphs of the article
    extracted = _run_step(text_doc, url, "precision", with_metadata=True)
    text, step, run = extract_main_text(text_doc, url, extracted, steps)
    json_ld = json_ld_articles(doc)
    meta = _meta(doc)
    title = extracted.get("title") or meta.get("og:title") or None
    authors = _authors_from_json_ld(json_ld)
    if not authors and extracted.get("author"):
        authors = [a.strip() for a in str(extracted["author"]).split(";") if a.strip()]
    language = (doc.get("lang") or meta.get("og:locale") or meta.get("content-language") or "").strip() or None
    body = article_body(json_ld)
    if body and _body_missed(text, body):
        text, step = body, "json-ld"
    text = cut_comments(drop_noise_lines(drop_credit_lines(text)))
    return PageExtract(
        text=paragraphs_text(
            text, title, headlines(doc, title, meta.get("og:title")), full_headlines(doc, meta.get("og:title"))
        ),
        title=title,
        authors=authors,
        site_name=extracted.get("sitename") or meta.get("og:site_name") or None,
        image=extracted.get("image") or meta.get("og:image") or None,
        language=language,
        description=extracted.get("description") or meta.get("description") or None,
        canonical=canonical_link(doc, url),
        dates=page_dates(doc, url),
        extracted_date=_parse(extracted.get("date"), "page-meta"),
        extraction=step,
        extraction_run=run,
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
        if extract.extraction:
            metadata["extraction"] = extract.extraction
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
