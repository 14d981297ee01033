"""Fetched item (feed entry + its page) -> Article: text source, dates with provenance, canonical URL, fallbacks."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from worker.article import RawItem
from worker.extract import (
    article_from_item,
    caption_elements,
    drop_credit_lines,
    extract_page,
    join_comment_tails,
    layout_tables,
    paragraphs_text,
    reference_text,
    unwrap_layout_tables,
    url_date,
)
from worker.extract_clean import (
    boilerplate_elements,
    cut_comments,
    drop_noise_lines,
    full_headlines,
    headlines,
    repeated_quotes,
)
from worker.normalise import article_id

NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
DATA = Path(__file__).parent / "data" / "sources"
URL = "https://www.harbourgazette.example/news/2024/03/04/ferry-terminal"


def item(**overrides: object) -> RawItem:
    base: dict[str, object] = {
        "kind": "feed",
        "source": "https://www.harbourgazette.example/rss/latest.xml",
        "url": URL,
        "title": "Port authority approves new ferry terminal",
        "text": "The port authority on Monday approved plans for a new ferry terminal on the east quay.",
        "published": "Mon, 04 Mar 2024 08:30:00 +0100",
        "authors": ["Alice Marsh"],
    }
    base.update(overrides)
    return RawItem(**base)  # type: ignore[arg-type]


def page(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_page_text_wins_with_json_ld_date() -> None:
    article = article_from_item(item(html=page("article_full.html"), final_url=URL + "?utm_source=x"), now=NOW)
    assert article.text_source == "page"
    assert article.date_source == "page-jsonld"
    assert article.published_at == datetime(2024, 3, 4, 7, 30, tzinfo=UTC)
    # rel=canonical (same site) is the URL, tracking parameters stripped; the id follows it.
    assert article.url == URL
    assert article.id == article_id(url=URL, source="", body_hash="")
    assert article.authors == ["Alice Marsh"]
    assert article.metadata["site_name"] == "Harbour Gazette"
    assert article.metadata["page_language"] == "en-GB"
    assert "Opposition councillors" in article.body and "Most read" not in article.body
    assert article.word_count > 150


def test_paywall_falls_back_to_feed_text_and_rejects_future_page_date() -> None:
    article = article_from_item(
        item(url="https://www.harbourgazette.example/news/2024/03/03/parking-vote", html=page("article_paywall.html")),
        now=NOW,
    )
    assert article.text_source == "feed"
    assert "too short" in article.metadata["page_fallback"]
    assert article.date_source == "feed"
    assert "page-meta: 2099-01-01" in article.metadata["date_rejected"]


def test_fetch_failure_falls_back_to_feed_and_records_why() -> None:
    article = article_from_item(item(fetch_error="page fetch failed: HTTP 500"), now=NOW)
    assert article.text_source == "feed" and article.metadata["page_fallback"] == "page fetch failed: HTTP 500"
    assert article.date_source == "feed"
    assert article.published_at == datetime(2024, 3, 4, 7, 30, tzinfo=UTC)


def test_future_feed_date_falls_back_to_url_date() -> None:
    article = article_from_item(
        item(url="https://www.harbourgazette.example/news/2024/03/02/storm", published="Thu, 01 Jan 2099 00:00:00 GMT"),
        now=NOW,
    )
    assert article.date_source == "url" and article.published_precision == "day"
    assert article.published_at == datetime(2024, 3, 2, tzinfo=UTC)
    assert "feed: 2099-01-01" in article.metadata["date_rejected"]


def test_no_date_anywhere_is_ingestion_time() -> None:
    article = article_from_item(item(url="https://x.example/story", published=None), now=NOW)
    assert article.date_source == "ingested" and article.published_at == NOW


def test_cross_site_canonical_is_recorded_not_followed() -> None:
    url = "https://www.coastalcourier.example/news/ferry-terminal"
    article = article_from_item(item(url=url, html=page("article_syndicated.html"), final_url=url), now=NOW)
    assert article.url == url
    assert article.metadata["canonical_elsewhere"] == URL


def test_unparseable_json_ld_date_uses_meta() -> None:
    extract = extract_page(page("article_other.html"), "https://www.harbourgazette.example/news/storm")
    assert [c.source for c in extract.dates] == ["page-meta"]


def test_url_dates() -> None:
    assert url_date("https://x.example/2024/03/05/story") is not None
    month = url_date("https://x.example/archive/2023-11/story")
    assert month is not None and month.precision == "month"
    assert url_date("https://x.example/story-20240305") is None
    assert url_date("https://x.example/2024/13/01/x") is None


def test_extractor_date_used_when_no_tag_and_no_feed_date() -> None:
    html = (
        "<html><head><title>Story</title></head><body><article><h1>Story</h1>"
        '<p>Published <time datetime="2023-06-01">1 June 2023</time></p>'
        "<p>" + "word " * 120 + "</p></article></body></html>"
    )
    article = article_from_item(item(url="https://x.example/story", published=None, html=html), now=NOW)
    assert article.date_source == "page-meta" and article.published_at == datetime(2023, 6, 1, tzinfo=UTC)
    assert article.published_precision == "day"
    with_feed = article_from_item(item(url="https://x.example/story", html=html), now=NOW)
    assert with_feed.date_source == "feed"  # the feed's explicit date beats the extractor's reading


def test_dtd_before_an_html_page_never_reaches_title_or_text() -> None:
    words = "Some words about the harbour. " * 30
    for prolog in (
        '<?xml version="1.0"?>\n<!DOCTYPE html [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n',
        '<!DOCTYPE html [<!ENTITY x "y">]>\n',
    ):
        html = prolog + f"<html><head><title>XXE page</title></head><body><p>{words}&xxe;</p></body></html>"
        page = extract_page(html, "https://x.example/a")
        assert page.title == "XXE page"
        assert "]>" not in page.text and "ENTITY" not in page.text and "passwd" not in page.text


# The extraction fallback chain, on pages of tests/data/extract/ (tuning pages only: heldout_* are never used here).
PAGES = Path(__file__).parent / "data" / "extract"
PAGE_URL = "https://news.example/2024/03/05/story"


def expected_words(name: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", (PAGES / f"{name}.txt").read_text(encoding="utf-8"))}


def share_found(text: str, name: str) -> float:
    expected = expected_words(name)
    return len(expected & {w.lower() for w in re.findall(r"\w+", text)}) / len(expected)


def test_precision_stands_on_a_clean_page_and_runs_nothing_else() -> None:
    page = extract_page((PAGES / "dev_03_long_subheads_en.html").read_text(encoding="utf-8"), PAGE_URL)
    assert page.extraction == "precision" and page.extraction_run == ["precision"]
    assert share_found(page.text, "dev_03_long_subheads_en") > 0.98


def test_precision_keeps_paywall_teaser_without_the_wall() -> None:
    page = extract_page((PAGES / "dev_04_paywall_nl.html").read_text(encoding="utf-8"), PAGE_URL)
    assert page.extraction == "precision"
    assert "abonnement" not in page.text and "Dokkum" in page.text


def test_recall_step_recovers_gallery_that_precision_cuts() -> None:
    html = (PAGES / "dev_07_gallery_en.html").read_text(encoding="utf-8")
    assert share_found(extract_page(html, PAGE_URL, steps=("precision",)).text, "dev_07_gallery_en") < 0.4
    page = extract_page(html, PAGE_URL)
    assert page.extraction == "recall" and page.extraction_run == ["precision", "recall", "tables"]
    assert share_found(page.text, "dev_07_gallery_en") > 0.95


def test_tables_step_reads_a_table_layout_page_that_precision_empties() -> None:
    html = (PAGES / "dev_12_table_font_nl.html").read_text(encoding="utf-8")
    assert extract_page(html, PAGE_URL, steps=("precision",)).text == ""
    page = extract_page(html, PAGE_URL)
    assert page.extraction == "tables"
    assert share_found(page.text, "dev_12_table_font_nl") > 0.98
    # Recall alone reads it too, but with the menu: the tables step wins on the reference estimate.
    recall = extract_page(html, PAGE_URL, steps=("precision", "recall"))
    assert "Kerkdiensten" in recall.text and "Kerkdiensten" not in page.text


def test_tables_step_keeps_a_results_table_that_carries_the_article() -> None:
    html = (PAGES / "dev_09_results_table_en.html").read_text(encoding="utf-8")
    assert "Eastbury" not in extract_page(html, PAGE_URL, steps=("precision", "recall")).text
    page = extract_page(html, PAGE_URL)
    # Precision was not short, but a page with a table it covers < 95 % of gets the tables step, not recall.
    assert page.extraction == "tables" and page.extraction_run == ["precision", "tables"]
    # Cells stay apart: a result row never reads as one run of names.
    assert "Northshire | Eastbury | Northshire won by 3 wickets" in page.text


def test_layout_tables_are_told_from_data_tables() -> None:
    layout = lxml.html.document_fromstring((PAGES / "dev_02_table_rows_en.html").read_text(encoding="utf-8"))
    data = lxml.html.document_fromstring((PAGES / "dev_09_results_table_en.html").read_text(encoding="utf-8"))
    assert layout_tables(layout) and not layout_tables(data)


def test_reference_leaves_out_navigation_comments_and_paywall() -> None:
    doc = lxml.html.document_fromstring(
        "<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav>"
        "<div class='main-nav-offset'><p>" + "The harbour board met on Monday to discuss the new quay. " * 3 + "</p>"
        "<div class='paywall'><p>Subscribe now to read the whole story for one pound a month.</p></div></div>"
        "<div id='comments'><p>What a waste of money this quay is, says a reader here.</p></div>"
        "<ul><li><a href='/a'>A linked headline of seven words here</a></li></ul></body></html>"
    )
    reference = reference_text(doc)
    assert reference["harbour"] == 3 and reference["quay"] == 3
    assert not {"subscribe", "waste", "linked", "home"} & set(reference)


def test_extraction_step_is_recorded_in_article_metadata() -> None:
    html = (PAGES / "dev_01_table_layout_nl.html").read_text(encoding="utf-8")
    article = article_from_item(item(url="https://x.example/kindcentrum", html=html), now=NOW)
    assert article.text_source == "page" and article.metadata["extraction"] == "tables"
    assert "kindcentrum" in article.body


def test_reader_posts_outside_the_article_do_not_send_precision_to_recall() -> None:
    # The posts have no telling class names and outweigh the article: the <article> region is the reference.
    html = (PAGES / "dev_17_reader_posts_en.html").read_text(encoding="utf-8")
    page = extract_page(html, PAGE_URL)
    assert page.extraction == "precision"
    assert "grandparents" not in page.text and share_found(page.text, "dev_17_reader_posts_en") > 0.98


def test_figure_captions_and_photo_credits_stay_out_of_the_paragraphs() -> None:
    # figcaption, a caption <p> with its credit <p>, a caption span with a credit span, a credit-only paragraph.
    for name, caption, credit in (
        ("dev_19_figures_en", "stone bridge", "Valley Post"),
        ("dev_19_figures_en", "wades through", "Picture:"),
        ("dev_20_figures_nl", "Parkweg", "ANP"),
        ("dev_20_figures_nl", "Roest aan de stalen balken", "Beeld:"),
    ):
        page = extract_page((PAGES / f"{name}.html").read_text(encoding="utf-8"), PAGE_URL)
        assert caption not in page.text and credit not in page.text, (name, caption)
        assert share_found(page.text, name) > 0.98


def test_captions_of_a_photo_gallery_are_its_article_and_stay() -> None:
    html = (PAGES / "dev_07_gallery_en.html").read_text(encoding="utf-8")
    assert caption_elements(lxml.html.document_fromstring(html)) == []
    page = extract_page(html, PAGE_URL)
    assert "giant carrot" in page.text and "Photograph: Staff" not in page.text


def test_credit_lines_are_dropped_but_sentences_about_photos_are_not() -> None:
    text = "Photograph: Tom Hale/Valley Post\nFoto's: ANP, Gemeente\n© ANP\nThe photo shows the bridge: it held."
    assert drop_credit_lines(text) == "The photo shows the bridge: it held."


# Boilerplate inside the article region (worker/extract_clean.py): inline pages in the shape of tests/data/extract/
# dev_s13_* templates, hashed classes with data-testid names, Dutch names, old table layouts.
STORY = [
    "The water board will start strengthening twelve kilometres of the river dike in May, at a cost of 310 million.",
    "Research in 2021 showed that the dike no longer meets the new safety standards for extreme high water levels.",
    "On most stretches the dike is widened on the land side, and where houses stand too close steel walls are used.",
    "Thirty-four homes have no room left; the board bought them in recent years and most residents have moved out.",
]


def story_page(inserts: dict[int, str], wrapper: str = '<div class="sc-body-8i1" data-testid="article-body">') -> str:
    paragraphs = "".join(
        f'<div class="sc-text-1f2" data-testid="article-paragraph"><p>{text}</p></div>{inserts.get(i, "")}'
        for i, text in enumerate(STORY)
    )
    return (
        "<html><head><title>Dike to be strengthened | Regio Nieuws</title></head><body><article>"
        f"<h1>Dike to be strengthened</h1>{wrapper}{paragraphs}</div></article></body></html>"
    )


def test_boilerplate_blocks_named_in_data_attributes_and_dutch_classes_stay_out() -> None:
    html = story_page(
        {
            0: '<div class="sc-vid-7h1" data-testid="video-hero"><p data-testid="video-caption">Drone footage of the '
            "dike section between the two towns</p></div>",
            1: '<div class="sc-emb-4d0" data-testid="embed-instagram"><blockquote><p>First test drillings today, the '
            "real work starts in a few weeks #dike</p></blockquote></div>"
            '<div class="bet-promo"><p><strong>BET OF THE DAY:</strong> Okoro to score anytime, 11/4, T&amp;Cs '
            "apply.</p></div>",
            2: '<div class="sc-nl-8f0" data-testid="newsletter"><p><strong>Stay informed</strong></p><p>Receive the '
            "most important regional news in your mailbox every morning.</p></div>",
            3: '<div class="auteurinfo"><p><b>Floor van Leeuwen</b> is a reporter covering water, farming and life '
            "in the villages of the region.</p></div>",
        }
    )
    text = extract_page(html, PAGE_URL).text
    for leak in ("Drone footage", "drillings", "BET OF THE DAY", "mailbox", "reporter covering"):
        assert leak not in text, leak
    assert all(sentence in text for sentence in STORY)


def test_a_boilerplate_name_on_the_article_wrapper_never_drops_the_article() -> None:
    # "has-video" names a video, but the block holds the article's prose (and most of the page): it stays.
    doc = lxml.html.document_fromstring(story_page({}, wrapper='<div class="article-body has-video">'))
    assert boilerplate_elements(doc) == []
    text = extract_page(lxml.html.tostring(doc, encoding="unicode"), PAGE_URL).text
    assert all(sentence in text for sentence in STORY)


def test_a_pull_quote_repeating_the_text_is_dropped_and_a_quote_of_its_own_stays() -> None:
    repeated = '<blockquote class="pullquote">"Most residents have moved out."</blockquote>'
    own = "<blockquote><p>The dike is not acutely unsafe, but the standards have become stricter.</p></blockquote>"
    doc = lxml.html.document_fromstring(story_page({1: repeated.replace("Most", "most") + own}))
    quotes = repeated_quotes(doc)
    assert [q.get("class") for q in quotes] == ["pullquote"]
    text = extract_page(lxml.html.tostring(doc, encoding="unicode"), PAGE_URL).text
    assert text.count("most residents have moved out") == 1


def test_table_captions_are_captions() -> None:
    doc = lxml.html.document_fromstring(
        "<html><body>" + "".join(f"<p>{s}</p>" for s in STORY * 2) + "<table><caption>Spot rates, US$ per container. "
        "Source: Freight Index</caption><tr><td>Shanghai</td><td>2,140</td></tr></table></body></html>"
    )
    assert [e.tag for e in caption_elements(doc)] == ["caption"]


def test_a_data_table_nested_in_a_layout_table_stays_a_table() -> None:
    prose = " ".join(STORY)
    doc = lxml.html.document_fromstring(
        f"<html><body><table><tr><td>{prose}</td></tr><tr><td><table class='results'>"
        "<tr><td>Oosterend</td><td>Harkema</td><td>3-1</td></tr></table></td></tr></table></body></html>"
    )
    unwrapped = unwrap_layout_tables(doc)
    assert [t.get("class") for t in unwrapped.iter("table")] == ["results"]
    assert len(unwrapped.findall(".//table[@class='results']//td")) == 3  # read as one row, not three blocks


def test_ad_labels_run_in_captions_and_posted_on_lines_are_dropped() -> None:
    text = "\n".join(
        [
            "Geplaatst op 13-04-2024 door Redactie | 412x gelezen",
            "Feest na het laatste fluitsignaal. (foto: Douwe Visser) Oosterend won zaterdag de periodetitel.",
            "ADVERTENTIE",
            "Advertisement",
            "A flood on the quay (photo: AP)",
            "Door de periodetitel is Oosterend verzekerd van de nacompetitie.",
            "Updated rules take effect on 1 May, the council said in a statement to residents of the town on Monday.",
        ]
    )
    assert drop_noise_lines(text).splitlines() == [
        "Oosterend won zaterdag de periodetitel.",
        "Door de periodetitel is Oosterend verzekerd van de nacompetitie.",
        "Updated rules take effect on 1 May, the council said in a statement to residents of the town on Monday.",
    ]


def test_a_comment_heading_after_the_article_ends_it() -> None:
    article = "\n".join(STORY)
    assert cut_comments(article + "\nReacties (2)\nSjoerd: Gefeliciteerd mannen!") == article
    assert cut_comments(article + "\n3 comments\nA reader: nonsense.") == article
    # A "Reacties" subheading (what politicians said) and a heading in the first half are the article's.
    subheading = article + "\nReacties\nThe mayor welcomed it."
    assert cut_comments(subheading) == subheading
    early = "Intro line.\nComments (4)\n" + article
    assert cut_comments(early) == early


def test_the_headline_line_is_dropped_when_the_title_does_not_say_it_alone() -> None:
    doc = lxml.html.document_fromstring(
        "<html><head><title>Sportnieuws Noordoost :: VV Oosterend pakt periodetitel</title></head><body>"
        "<h1>Solvane picks Harwick for plant, bringing 900 jobs</h1></body></html>"
    )
    heads = headlines(doc, "Solvane picks Harwick for plant", None)
    for first in (
        "VV Oosterend pakt periodetitel",  # the <title> without the site's name
        "Solvane picks Harwick for plant, bringing 900 jobs",  # the <h1>, longer than og:title
        "Solvane picks Harwick for plant, bringing 900 jobs door de redactie",  # the <h1> with its byline
    ):
        assert paragraphs_text(first + "\nThe story.", None, heads, full_headlines(doc, None)) == "The story."
    long_line = "VV Oosterend pakt periodetitel en dat vierde de hele club zaterdag tot diep in de nacht."
    assert paragraphs_text(long_line, None, heads) == long_line
    # A one-word <h1> (a section, the site's name) opening a short first sentence is not a headline with a byline.
    sentence = "Sport is good for you, says report."
    assert paragraphs_text(sentence, None, {"sport"}) == sentence


# Session 13 review: article text that the boilerplate and text-line rules removed.
LEDE = (
    "The city council approved a new budget on Tuesday after a long debate about road repairs, school funding and "
    "the cost of public transport in the northern districts of the city."
)
MIDDLE = (
    "Mayor Jan de Vries said the plan would be reviewed next spring, and that residents could comment on it at "
    "three public meetings to be held in the town hall during March and April."
)
LAST = (
    "Opposition members voted against the plan, saying it raised local taxes too sharply for families on low "
    "incomes and that the council had ignored advice from its own auditors about the long term costs."
)
MENU = "<nav><ul>" + "".join(f'<li><a href="/s{i}">Section link {i} here</a></li>' for i in range(60)) + "</ul></nav>"


def council_page(body: str, title: str = "Council approves budget - News Site") -> str:
    return f"<html><head><title>{title}</title></head><body>{MENU}{body}</body></html>"


@pytest.mark.parametrize(
    "opening",
    [
        '<article class="post-12 post type-post format-video hentry category-news">',
        '<article class="post type-post hentry category-news tag-social-media">',
        '<article class="post type-post hentry tag-advertising">',
        '<article class="article-body has-ads">',
        '<article class="article video-article">',
        '<article class="story tags-3">',
        '<div class="article__body article__body--video">',
        '<div data-type="video" class="article">',
        '<div class="section-social-affairs story">',
        '<div itemprop="articleBody" class="article-body has-video">',
        '<main class="content video-page">',
    ],
)
def test_a_boilerplate_token_on_a_short_storys_own_container_keeps_the_story(opening: str) -> None:
    # The container itself is the article (self::article, main, articleBody), holds most of the page's prose (the
    # menu's words do not count), or its token is a value ("format-video", "has-ads") or a BEM modifier. Two prose
    # paragraphs and a short one: a story the guard's paragraph count alone does not keep.
    short = "Opposition members voted against the plan."
    closing = "</" + opening[1:].split()[0].rstrip(">") + ">"
    html = council_page(
        '<header class="entry-header"><h1>Council approves budget</h1></header>'
        f"{opening}<div>{''.join(f'<p>{s}</p>' for s in (LEDE, MIDDLE, short))}</div>{closing}"
    )
    text = extract_page(html, PAGE_URL).text
    assert all(sentence in text for sentence in (LEDE, MIDDLE, short)), text


def test_a_story_split_into_named_containers_keeps_every_part() -> None:
    pitch = (
        "Sign up for our free morning newsletter and receive the most important news of the region in your mailbox "
        "before breakfast every single day."
    )
    html = council_page(
        f"<article><h1>Council approves budget</h1><p>{LEDE}</p>"
        f'<div id="story-body player"><p>{MIDDLE}</p></div><div class="video-wrap"><p>{LAST}</p></div>'
        f'<div class="newsletter"><p>{pitch}</p></div></article>'
    )
    text = extract_page(html, PAGE_URL).text
    assert all(sentence in text for sentence in (LEDE, MIDDLE, LAST)), text
    assert "morning newsletter" not in text
    html = council_page(
        f'<article><h1>Council approves budget</h1><p>{LEDE}</p><div id="story-body player"><p>{MIDDLE}</p>'
        f"<p>{LAST}</p></div></article>"
    )
    assert all(sentence in extract_page(html, PAGE_URL).text for sentence in (LEDE, MIDDLE, LAST))


def test_a_first_paragraph_opening_with_the_headline_or_the_sites_name_stays() -> None:
    for first, h1, title in (
        ("Storm hits coast of Florida on Monday night.", "Storm hits coast", "Storm hits coast - News Site"),
        ("The Washington Post endorsed no candidate this year.", "Budget row", "Budget row - The Washington Post"),
        (
            "Brand in Rotterdam verwoest drie woningen aan de Maasboulevard.",
            "Brand in Rotterdam",
            "Brand in Rotterdam | RTV Rijnmond",
        ),
    ):
        html = (
            f"<html><head><title>{title}</title></head><body>{MENU}<header class='page-header'><h1>{h1}</h1></header>"
            f"<article><p>{first}</p><p>{LEDE}</p><p>{MIDDLE}</p><p>{LAST}</p></article></body></html>"
        )
        assert extract_page(html, PAGE_URL).text.startswith(first), first
    heads = {"storm hits coast"}
    assert paragraphs_text("Storm hits coast By Jan Smit.\nThe story.", None, set(), heads) == "The story."
    assert paragraphs_text("Storm hits coast of Florida.\nThe story.", None, set(), heads).startswith("Storm")
    # A part of the <title> is the headline only when the line says it alone.
    site = {"the washington post"}
    assert paragraphs_text("The Washington Post said so.\nThe story.", None, site).startswith("The W")


def test_a_quote_also_told_in_a_related_teaser_outside_the_article_stays() -> None:
    quote = "We will not give up on the northern districts, said the mayor."
    html = council_page(
        f"<article><h1>Council approves budget</h1><p>{LEDE}</p><blockquote><p>{quote}</p></blockquote>"
        f'<p>{MIDDLE}</p><p>{LAST}</p></article><div class="related"><h3>Read also</h3><p>{quote}</p></div>'
    )
    doc = lxml.html.document_fromstring(html)
    assert repeated_quotes(doc, boilerplate_elements(doc)) == []
    assert quote in extract_page(html, PAGE_URL).text


def test_sentences_opening_with_published_or_updated_and_a_video_credit_in_a_sentence_stay() -> None:
    lines = [
        "Published in 1962, the novel has sold 30 million copies.",
        "Updated figures show 12 people died in the storm.",
        "Police released footage of the robbery (video: Utrecht Police). Anyone who recognises them is asked to call.",
        "A flood on the quay (photo: AP). It rose fast.",
    ]
    assert drop_noise_lines("\n".join(lines)).splitlines() == lines
    dated = ["Published on 3 May 2024", "Updated: 14:02", "Gepubliceerd op 4 maart 2024", "Posted March 4, 2024"]
    assert drop_noise_lines("\n".join([*dated, "Story."])) == "Story."


def test_a_bare_comments_or_reageer_subheading_does_not_end_the_article() -> None:
    article = "\n".join(STORY)
    for heading in ("Comments", "Reageer"):
        text = article + f"\n{heading}\nThe mayor welcomed it in a statement on Monday."
        assert cut_comments(text) == text
    assert cut_comments(article + "\nLeave a reply\nYour email address will not be published.") == article


def test_a_comment_inside_a_sentence_never_cuts_it() -> None:
    # React renders "<!-- -->" between adjacent text expressions; the text after it is the sentence's end.
    body = "".join(
        f"<p>Paragraph {i} says the city is replacing older, leak-prone <!-- -->water and sewer mains in district {i}."
        "</p>"
        for i in range(12)
    )
    html = f"<html><head><title>Water mains</title></head><body><article><h1>Mains</h1>{body}</article></body></html>"
    text = extract_page(html, PAGE_URL).text
    for i in range(12):
        assert f"leak-prone water and sewer mains in district {i}." in text


def test_a_control_character_in_a_page_is_dropped_not_fatal() -> None:
    # lxml parses a BEL (U+0007) or group separator (U+001D), raw or as a character reference, into text, then
    # refuses it when the chain sets text.
    body = "".join(f"<p>Paragraph {i} of the story about the new\x07 bridge over&#x1d; the river&#7; in town.</p>"
                   for i in range(12))
    html = f"<html><head><title>Bridge</title></head><body><article><h1>Bridge</h1>{body}</article></body></html>"
    text = extract_page(html, PAGE_URL).text
    for i in range(12):
        assert f"Paragraph {i} of the story about the new bridge over the river in town." in text


def test_comments_back_to_back_inside_a_sentence_pass_its_end_on() -> None:
    doc = lxml.html.fromstring("<div><p>leak-prone <!-- --><!-- -->water and <!--$--><!--/$-->sewer mains.</p></div>")
    join_comment_tails(doc)
    assert doc.find("p").text_content() == "leak-prone water and sewer mains."
    assert not list(doc.iter(lxml.etree.Comment))


def test_comments_between_blocks_stay_and_comment_text_is_never_text() -> None:
    doc = lxml.html.fromstring(
        "<div><p>Before<!-- hidden note --> after.</p><!-- end of story --><p>Next <b>bold</b><!-- x -->tail</p></div>"
    )
    join_comment_tails(doc)
    paragraphs = doc.findall("p")
    assert paragraphs[0].text_content() == "Before after." and paragraphs[1].text_content() == "Next boldtail"
    assert [c.text for c in doc.iter(lxml.etree.Comment)] == [" end of story "]


def _json_ld_page(visible: str, body: str) -> str:
    data = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Snow in the Alps",
                       "articleBody": body})
    return (f'<html><head><title>Snow in the Alps</title><script type="application/ld+json">{data}</script></head>'
            f"<body><article><h1>Snow in the Alps</h1>{visible}</article></body></html>")


def test_the_publishers_article_body_stands_in_for_text_the_chain_missed() -> None:
    sentences = [f"Sentence {i} of the report says the passes over the Alps closed after a metre of snow fell."
                 for i in range(12)]
    body = "\n".join(sentences)
    # the page shows a teaser of one sentence: the JSON-LD article body is the article
    page = extract_page(_json_ld_page(f"<p>{sentences[0]}</p>", body), PAGE_URL)
    assert page.extraction == "json-ld"
    assert all(sentence in page.text for sentence in sentences)
    # a body written as HTML is read as text, block by block
    page = extract_page(_json_ld_page("<p>Teaser.</p>", "".join(f"<p>{s}</p>" for s in sentences)), PAGE_URL)
    assert page.extraction == "json-ld" and "<p>" not in page.text and sentences[5] in page.text.splitlines()
    # where the page's own text holds the body, the chain's text stands
    page = extract_page(_json_ld_page("".join(f"<p>{s}</p>" for s in sentences), body), PAGE_URL)
    assert page.extraction == "precision"
