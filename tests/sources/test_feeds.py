"""Feed formats -> RawItems: RSS 0.91/1.0/2.0, Atom, JSON Feed, news sitemaps, malformed and hostile XML."""

from __future__ import annotations

import re
import time

import pytest
from source_server import data

from worker.sources.charsets import decode_body
from worker.sources.feeds import (
    feed_item_key,
    html_to_text,
    item_version,
    parse_feed,
)
from worker.sources.parsed import FeedError, UnsafeXMLError
from worker.sources.registry import RegistryError, opml_declarations


def parse(name: str, url: str = "https://feeds.example/feed", content_type: str = "application/xml"):  # type: ignore[no-untyped-def]
    body = data(name)
    return parse_feed(decode_body(body, content_type, "feed"), url, content_type)


def test_rss2_items_have_canonical_links_dates_authors() -> None:
    feed = parse("rss2_news.xml", "https://www.harbourgazette.example/rss/latest.xml")
    assert feed.format == "rss" and feed.title == "Harbour Gazette - Latest" and feed.language == "en-gb"
    assert feed.ttl_seconds == 15 * 60
    first, second, third, future = feed.items
    assert first.url == "https://www.harbourgazette.example/news/2024/03/04/ferry-terminal"
    assert first.published == "Mon, 04 Mar 2024 08:30:00 +0100"
    assert first.authors == ["Alice Marsh"]
    assert first.metadata["categories"] == "Local; Transport"
    assert (
        first.text == "The port authority on Monday approved plans for a new ferry terminal on the east quay.\n\n"
        "Construction is due to start in the autumn."
    )
    assert second.url == "https://www.harbourgazette.example/news/2024/03/03/parking-vote?ref=rss"
    assert second.title == "Council delays vote on harbour parking & fees"
    # Relative link resolved against the feed; script dropped from content:encoded.
    assert third.url == "https://www.harbourgazette.example/news/2024/03/02/storm-warning"
    assert "track()" not in (third.text or "") and "Ferries may be cancelled" in (third.text or "")
    assert future.published == "Thu, 01 Jan 2099 00:00:00 GMT"  # kept as said; rejected later by choose_published
    assert feed.rejected == ["item ?: neither a link nor text"]


def test_atom_relative_links_html_titles_and_updated() -> None:
    feed = parse("atom.xml", "https://blog.riviernieuws.example/atom.xml")
    assert feed.format == "atom" and feed.language == "nl"
    first, second = feed.items
    assert first.url == "https://blog.riviernieuws.example/2024/03/brug-maas-geopend.html"
    assert first.title == "Nieuwe brug over de Maas geopend"
    assert first.metadata["updated"] == "2024-03-05T11:00:00+01:00"
    assert first.authors == ["Joost de Vries"]
    assert second.published == "2024-03-04T18:00:00Z"  # no <published>: the updated date stands in


def test_rss1_and_rss091_with_doctype() -> None:
    rdf = parse("rss1.rdf")
    assert rdf.items[0].url == "https://science.example/a/comet"
    assert rdf.items[0].published == "2024-03-01T20:00:00Z"
    old = parse("rss091.xml")
    assert old.items[0].title == "Market hall reopens"
    assert old.items[0].url == "http://oldtown.example/market-hall.html"


def test_json_feed_1_1() -> None:
    feed = parse("feed.json", "https://valleytech.example/feed.json", "application/feed+json")
    assert feed.format == "json" and feed.title == "Valley Tech Notes"
    first, second = feed.items
    assert first.url == "https://valleytech.example/2024/03/chip-plant"
    assert first.published == "2024-03-05T14:30:00-05:00"
    assert first.authors == ["Maria Chen"] and first.metadata["updated"] == "2024-03-05T16:00:00-05:00"
    assert second.url is None and second.text == "A short note without a link: the office is closed on Friday."
    assert second.authors == ["Valley Tech staff"]
    assert feed.rejected == ["item 3: neither a link nor text", "item 3: not an object"]


def test_news_sitemap() -> None:
    feed = parse("news_sitemap.xml", "https://www.dagblad.example/sitemap-news.xml")
    assert feed.format == "sitemap" and feed.title == "Dagblad"
    first, second = feed.items
    assert first.url == "https://www.dagblad.example/binnenland/2024/03/05/kabinet-presenteert-plan"
    assert first.title == "Kabinet presenteert plan voor woningbouw"
    assert first.published == "2024-03-05T07:45:00+01:00"
    assert first.declared_language == "nl" and first.metadata["categories"] == "wonen, kabinet"
    assert second.published == "2024-03-04" and second.metadata["updated"] == "2024-03-04T22:10:00+01:00"
    assert len(feed.rejected) == 1 and "javascript" in feed.rejected[0]


def test_sitemap_index_lists_children() -> None:
    feed = parse("sitemap_index.xml", "https://www.dagblad.example/sitemap.xml")
    assert feed.format == "sitemapindex"
    assert feed.sitemaps == [
        "https://www.dagblad.example/sitemaps/news.xml",
        "https://www.dagblad.example/sitemaps/news-2.xml",
    ]


def test_malformed_feed_still_yields_its_items() -> None:
    feed = parse("malformed.xml", "https://broken.example/rss")
    assert feed.bozo
    assert [i.title for i in feed.items] == ["First story survives", "Second story too"]
    assert "bare & ampersand" in (feed.items[0].text or "")


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe.xml"])
def test_entity_declarations_refused_quickly(name: str) -> None:
    started = time.monotonic()
    with pytest.raises(UnsafeXMLError, match="entity"):
        parse(name)
    assert time.monotonic() - started < 1


def test_entity_declarations_refused_in_sitemaps_too() -> None:
    body = data("billion_laughs.xml").decode().replace("<rss", "<urlset").replace("</rss>", "</urlset>")
    with pytest.raises(UnsafeXMLError):
        parse_feed(body, "https://x.example/sitemap.xml")


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed("<html><body><p>hello</p></body></html>", "https://x.example/")


def test_feed_path_argument_is_never_opened_as_a_file(tmp_path: object) -> None:
    # feedparser opens a str/bytes argument naming a file; we always hand it a stream.
    with pytest.raises(FeedError):
        parse_feed("/etc/passwd", "https://x.example/feed")


def test_item_key_and_version() -> None:
    feed = parse("atom.xml", "https://blog.riviernieuws.example/atom.xml")
    assert feed_item_key(feed.items[0]) == feed.items[0].url
    assert item_version(feed.items[0]) == "2024-03-05T11:00:00+01:00"


def test_html_to_text_paragraphs() -> None:
    assert html_to_text("<p>One</p><p>Two <b>bold</b></p><br>Three") == "One\n\nTwo bold\n\nThree"


def test_authors_are_a_list_and_language_is_declared_not_metadata() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl"><title>T</title><id>urn:x</id>
<entry><title>Een</title><link href="https://x.example/a"/><id>urn:a</id><updated>2024-03-05T10:00:00Z</updated>
<author><name>Anna de  Wit</name></author><author><name>Bram; Jansen</name></author>
<author><name>Anna de Wit</name></author>
<summary>Tekst.</summary></entry></feed>"""
    feed = parse_feed(decode_body(body, "application/atom+xml", "feed"), "https://x.example/feed")
    (entry,) = feed.items
    assert entry.authors == ["Anna de Wit", "Bram; Jansen"]  # a ";" inside a name is not a separator
    assert "authors" not in entry.metadata and "feed_language" not in entry.metadata
    json_feed = parse("feed.json", "https://valley.example/feed.json", "application/feed+json")
    assert all(isinstance(i.authors, list) for i in json_feed.items)


RSS_WITH_ENTITIES = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY nbsp "&#160;"> <!ENTITY mdash "&#8212;"> <!ENTITY site "Harbour Gazette">]>
<rss version="2.0"><channel><title>News&nbsp;today</title><item><title>Ferry&nbsp;terminal &mdash; &site;</title>
<link>https://x.example/a</link><description>Text&nbsp;here.</description></item></channel></rss>"""


def test_small_internal_entities_are_expanded_not_refused() -> None:
    feed = parse_feed(RSS_WITH_ENTITIES, "https://x.example/rss")
    (entry,) = feed.items
    assert feed.title == "News today" and entry.title == "Ferry terminal — Harbour Gazette"
    assert entry.text == "Text\xa0here." and feed.bozo is None
    assert "ENTITY" not in (entry.title or "") and "]>" not in (entry.text or "")


@pytest.mark.parametrize(
    ("subset", "reason"),
    [
        ('<!ENTITY x SYSTEM "file:///etc/passwd">', "external entity 'x' refused"),
        ('<!ENTITY x PUBLIC "-//x//EN" "http://evil.example/x.dtd">', "external entity 'x' refused"),
        ("<!ENTITY % p \"<!ENTITY x 'y'>\"> %p;", "parameter entity 'p' refused"),
        ('<!ENTITY a "aaaa"> <!ENTITY b "&a;&a;&a;">', "'b' refers to other entities"),
        ('<!ENTITY big "' + "x" * 5000 + '">', "longer than 1000 characters"),
        ("".join(f'<!ENTITY e{i} "v">' for i in range(150)), "more than 100 entity declarations"),
    ],
)
def test_dangerous_declarations_refused_with_their_reason(subset: str, reason: str) -> None:
    body = f'<?xml version="1.0"?><!DOCTYPE rss [{subset}]><rss version="2.0"><channel><title>x</title></channel></rss>'
    with pytest.raises(UnsafeXMLError, match=re.escape(reason)):
        parse_feed(body, "https://x.example/rss")


def test_many_references_to_a_small_entity_are_capped() -> None:
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "'
        + "x" * 1000
        + '">]><rss version="2.0"><channel><title>'
        + "&e;" * 2000
        + "</title></channel></rss>"
    )
    with pytest.raises(UnsafeXMLError, match="expand to more than"):
        parse_feed(body, "https://x.example/rss")


def test_sitemap_and_opml_expand_internal_entities_too() -> None:
    sitemap = (
        '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY site "Harbour Gazette">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.example/a</loc>'
        "<news:news><news:title>Story by &site;</news:title></news:news></url></urlset>"
    )
    assert [i.title for i in parse_feed(sitemap, "https://x.example/s.xml").items] == ["Story by Harbour Gazette"]
    opml = (
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY host "https://x.example">]><opml><body>'
        '<outline text="x" xmlUrl="&host;/rss"/></body></opml>'
    )
    assert [d.url for d in opml_declarations(opml)] == ["https://x.example/rss"]
    with pytest.raises(RegistryError, match="external entity"):
        opml_declarations('<!DOCTYPE opml [<!ENTITY h SYSTEM "file:///etc/hosts">]><opml><body/></opml>')
