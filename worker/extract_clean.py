"""Boilerplate that trafilatura keeps in an article page, found before extraction (in the lxml tree) and after it (in
the text); `worker.extract` drops it.

trafilatura names boilerplate by English class and id tokens. Modern templates hash their classes ("sc-9f3e1a-0")
and name blocks in `data-testid`/`data-component` instead, Dutch templates say "nieuwsbrief", "adv-blok",
"auteurinfo", and old table layouts name nothing at all. On the dev pages (`tests/data/extract/dev_s13_*`) that
leaked: newsletter boxes, author bios, video players with their captions, social embeds, betting promos, pull quotes
repeating a sentence of the text, ad labels, a comment section and a "posted on" line.
"""

from __future__ import annotations

import re

import lxml.html

_TOKEN = re.compile(r"\w+")
# The attributes a template names its blocks in: class and id, and the identifiers of component frameworks (React,
# Vue, Nuxt) whose classes are hashed. Not aria-label: it is free text, an article's headline can say "ad" or "video".
_NAME_ATTRIBUTES = ("class", "id", "data-testid", "data-test", "data-component", "data-module", "data-type")
# Blocks that are never the article, by a whole name token or a -/_ delimited part of one ("sc-ad-33e",
# "artikel-tussenblok--nieuwsbrief", "embed-instagram", "video-hero", "bet-promo", "auteurinfo", "author-bio").
# Comments are left to trafilatura and the chain's reference: a comment section is long prose, which the guard
# below would keep anyway.
_BOILERPLATE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|sharebar|social|socials|related|gerelateerd|newsletters?|nieuwsbrief\w*|signup|"
    r"ads?|adv|adslot|advert\w*|advertenties?|sponsor\w*|promo\w*|outbrain|taboola|embed\w*|instagram-media|"
    r"twitter-tweet|tiktok-embed|video\w*|player|tags|tag-list|trefwoorden|bio|(?:author|auteur)s?-?(?:bio|info|"
    r"card|box|profile)|about-the-author|most-read|most-viewed|most-popular|meest-gelezen|meest-bekeken|trending)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
# Names that say what a block holds, not what it is: a block with one paragraph of prose in the article is removed
# only when its name is none of these (a "video" or "tags" block may carry a paragraph of the story, a newsletter box
# or a bio does not).
_AMBIGUOUS_NAMES = re.compile(
    r"(?:^|[\s_-])(?:social|socials|video\w*|player|tags|tag-list|trefwoorden)(?:$|[\s_-])", re.IGNORECASE
)
# How a name token is read: a BEM modifier ("article__body--video") is dropped, and so is everything from a part that
# says the rest is a value, not the block's name ("format-video", "tag-social-media", "category-ads", "has-ads",
# "no-ads", "section-social-affairs": WordPress and other templates put these on the article itself). What is left is
# tested against the name patterns as a whole and by its -/_ delimited parts.
_VALUE_PREFIXES = frozenset(
    {"format", "tag", "category", "cat", "has", "no", "is", "with", "section", "type", "term", "topic", "rubriek"}
)
_NAME_PART_SEPARATOR = re.compile(r"[-_]")
# ARIA landmarks that are not the article: sidebars, dialogs (cookie walls), the site footer, menus, search.
_BOILERPLATE_ROLES = frozenset({"complementary", "dialog", "alertdialog", "contentinfo", "navigation", "search"})
# A named block is kept when it holds this share of the page's prose-paragraph words (a template's "article
# has-video" wrapper; measured in prose so that a long menu does not make the article a small part of the page)...
MAX_BOILERPLATE_SHARE = 0.5
# ... or more than this many paragraphs of prose (>= _PROSE_WORDS words, mostly not links): boilerplate boxes hold
# one or two short ones (a newsletter pitch, a bio, a promo), the article wrapper of a short story already holds three.
_MAX_PROSE_PARAGRAPHS = 2
_PROSE_WORDS = 20
# ... or, inside the article (`_ARTICLE_REGION`), any two paragraphs of prose, or one under an ambiguous name (an
# article split into containers: "<div id="story-body player">" holding the second half of the story)...
_MAX_PROSE_PARAGRAPHS_IN_ARTICLE = 1
# ... or the headline or the marked-up article itself (the block or one inside it).
_ARTICLE_MARKS = (
    'descendant-or-self::h1|descendant-or-self::main|descendant-or-self::*[@role="main"]|'
    'descendant-or-self::*[@itemprop="articleBody"]|self::article'
)
# The article region a block may sit in: the marked-up article.
_ARTICLE_REGION = 'ancestor::article|ancestor::main|ancestor::*[@role="main"]|ancestor::*[@itemprop="articleBody"]'

# Pull quotes: a short quote block whose words are a passage of the article's paragraphs. A quote that is not repeated
# (a quoted statement, an embedded post) stays.
_QUOTE_NAMES = re.compile(r"(?:^|[\s_-])(?:\w*quotes?|citaat\w*|citation)(?:$|[\s_-])", re.IGNORECASE)
_QUOTE_WORDS = (5, 60)


def element_names(element: lxml.html.HtmlElement) -> str:
    """The names a template gave a block: its class, id and component identifiers, space separated."""
    return " ".join(value for key in _NAME_ATTRIBUTES if (value := element.get(key)))


def _words(element: lxml.html.HtmlElement) -> int:
    return len(_TOKEN.findall(element.text_content()))


def _prose(element: lxml.html.HtmlElement, words_of: dict[lxml.html.HtmlElement, int]) -> list[int]:
    """The word counts of the paragraphs of prose inside a block (or the block itself): >= _PROSE_WORDS words, at
    most a fifth of them in links. `words_of` keeps each paragraph's count (0: no prose) for the nested blocks asked
    about after it (and, held, lxml's proxies): every paragraph is counted once per page."""
    found = []
    for paragraph in element.iter("p"):
        words = words_of.get(paragraph)
        if words is None:
            words = _words(paragraph)
            linked = sum(_words(a) for a in paragraph.iter("a"))
            words = words_of[paragraph] = words if words >= _PROSE_WORDS and linked <= words / 5 else 0
        if words:
            found.append(words)
    return found


def _block_name(names: str) -> str:
    """The part of a block's names that names it (`_VALUE_PREFIXES`): each whitespace token without its BEM
    modifier and cut at its first value prefix, space separated."""
    kept = []
    for token in names.split():
        parts = _NAME_PART_SEPARATOR.split(token.split("--", 1)[0])
        for index, part in enumerate(parts):
            if part.lower() in _VALUE_PREFIXES:
                parts = parts[:index]
                break
        kept.append("-".join(part for part in parts if part))
    return " ".join(name for name in kept if name)


def _is_boilerplate(element: lxml.html.HtmlElement) -> bool:
    if (element.get("role") or "").strip().lower() in _BOILERPLATE_ROLES:
        return True
    names = _block_name(element_names(element))
    return bool(names) and _BOILERPLATE_NAMES.search(names) is not None


def _holds_article_prose(element: lxml.html.HtmlElement, prose: int) -> bool:
    """A block inside the article with prose of the story: two paragraphs of it, or one when the block is not named
    as boilerplate but by what it holds (`_AMBIGUOUS_NAMES`: "video", "player", "tags")."""
    if not prose or not element.xpath(_ARTICLE_REGION):
        return False
    if prose > _MAX_PROSE_PARAGRAPHS_IN_ARTICLE:
        return True
    if (element.get("role") or "").strip().lower() in _BOILERPLATE_ROLES:
        return False
    unambiguous = _AMBIGUOUS_NAMES.sub(" ", _block_name(element_names(element)))
    return _BOILERPLATE_NAMES.search(unambiguous) is None


def boilerplate_elements(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The outermost blocks of a page named as boilerplate (`_BOILERPLATE_NAMES` in `_block_name`,
    `_BOILERPLATE_ROLES`) that do not look like the article: not holding MAX_BOILERPLATE_SHARE of the page's prose
    words, more than _MAX_PROSE_PARAGRAPHS paragraphs of prose (inside the article: the story's prose,
    `_holds_article_prose`), the headline or the marked-up article. A kept block is searched further inside."""
    body = doc.find("body")
    if body is None:
        return []
    words_of: dict[lxml.html.HtmlElement, int] = {}
    total = sum(_prose(body, words_of))
    found = []
    stack = list(body)
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if _is_boilerplate(element):
            prose = _prose(element, words_of)
            words = sum(prose)
            if (
                not (total and words >= MAX_BOILERPLATE_SHARE * total)
                and len(prose) <= _MAX_PROSE_PARAGRAPHS
                and not _holds_article_prose(element, len(prose))
                and not element.xpath(_ARTICLE_MARKS)
            ):
                found.append(element)
                continue
        stack.extend(element)
    return found


def _token_string(text: str) -> str:
    return " " + " ".join(word.lower() for word in _TOKEN.findall(text)) + " "


def repeated_quotes(
    doc: lxml.html.HtmlElement, boilerplate: list[lxml.html.HtmlElement] | tuple[()] = ()
) -> list[lxml.html.HtmlElement]:
    """Pull quotes: <blockquote>, <aside> or blocks named "quote"/"citaat" of 5-60 words whose words appear, in
    order, in the article's paragraphs outside them. They repeat a sentence of the article for the eye. The
    article's paragraphs: those in the quote's marked-up article (`_ARTICLE_REGION`; the page if none), not in
    another quote nor in a `boilerplate` block (a related-story teaser may say the quote as well)."""
    candidates = []
    chosen: set[lxml.html.HtmlElement] = set()
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("blockquote", "aside") or _QUOTE_NAMES.search(element_names(element)):
            low, high = _QUOTE_WORDS
            if low <= _words(element) <= high and not any(a in chosen for a in element.iterancestors()):
                candidates.append(element)
                chosen.add(element)
    if not candidates:
        return []
    # Held, so lxml keeps the same proxies.
    excluded = {p for block in (*candidates, *boilerplate) for p in block.iter("p")}
    scopes: dict[lxml.html.HtmlElement, str] = {}
    found = []
    for candidate in candidates:
        regions = candidate.xpath(_ARTICLE_REGION)
        scope = regions[-1] if regions else doc
        if scope not in scopes:
            scopes[scope] = _token_string(" ".join(p.text_content() for p in scope.iter("p") if p not in excluded))
        if _token_string(candidate.text_content()) in scopes[scope]:
            found.append(candidate)
    return found


# A line that is only an ad slot's label.
_AD_LABEL_LINE = re.compile(
    r"^\W*(?:advertentie|advertisement|advertising|advert|ad|anzeige|reclame|sponsored|gesponsord)\W*$", re.IGNORECASE
)
# A photo caption whose markup did not say so: a short passage opening a line and ending in a credit in brackets
# ("Feest na het fluitsignaal. (foto: Douwe Visser)", "... (Photo: AP)"). Prose does not credit a photographer. On
# an unwrapped table layout the caption's cell runs into the next paragraph (trafilatura joins them), so what
# follows the credit on the line stays.
_CAPTION_PREFIX = re.compile(
    r"^(?P<caption>[^()\[\]]*[(\[]\s*(?:foto|foto's|photo|photograph|picture|beeld|image|afbeelding)\s*"
    r"(?::|©)[^)\]]*[)\]])\s*(?P<rest>(?![.,;:!?)\]]).*)$",
    re.IGNORECASE,
)
_MAX_CAPTION_WORDS = 30
# A "posted on <date>" line of a CMS template ("Geplaatst op 13-04-2024 door Redactie | 412x gelezen"): the keyword,
# then a date (digits or a month's name) right after it, not a sentence opening with the word ("Published in 1962,
# the novel ...", "Updated figures show ...").
_MONTHS = (
    r"jan(?:uary|uari)?|feb(?:ruary|ruari)?|mar(?:ch)?|maart|apr(?:il)?|may|mei|june?|juni|july?|juli|aug(?:ust|ustus)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_POSTED_LINE = re.compile(
    r"^\W*(?:geplaatst|gepubliceerd|bijgewerkt|laatst bijgewerkt|published|posted|updated|last updated)"
    r"(?:\s+(?:on|op|at))?\s*:?\s*(?:\d|(?:" + _MONTHS + r")\b)",
    re.IGNORECASE,
)
_MAX_POSTED_LINE_WORDS = 15
# The heading a comment section opens with: a count ("Reacties (2)", "3 comments") or a reply form ("Leave a reply",
# "Plaats een reactie"). Not a bare "Reacties", "Reactions", "Comments" or "Reageer": news stories have subheadings
# of that name (what politicians said).
_COMMENTS_HEADING = re.compile(
    r"^\W*(?:\d+\s+(?:comments?|reacties|reactions)|(?:comments?|reacties|reactions)\s*\(\d+\)|"
    r"leave a (?:comment|reply)|post a comment|plaats een reactie|schrijf een reactie)\W*$",
    re.IGNORECASE,
)
# A comment heading only ends the article past this share of its words: a heading near the top is a section of it.
MIN_WORDS_BEFORE_COMMENTS = 0.5


def _line_words(line: str) -> int:
    return len(_TOKEN.findall(line))


def drop_noise_lines(text: str) -> str:
    """Lines that are an ad label or a "posted on <date>" line removed, and a photo caption ending in its credit
    that opens a line (`_CAPTION_PREFIX`)."""
    kept = []
    for line in text.splitlines():
        caption = _CAPTION_PREFIX.match(line)
        if caption and _line_words(caption["caption"]) <= _MAX_CAPTION_WORDS:
            line = caption["rest"]
        if not line.strip() or _AD_LABEL_LINE.match(line):
            continue
        if _line_words(line) <= _MAX_POSTED_LINE_WORDS and _POSTED_LINE.match(line):
            continue
        kept.append(line)
    return "\n".join(kept)


def cut_comments(text: str) -> str:
    """The text up to a comment section's heading (`_COMMENTS_HEADING`), when at least MIN_WORDS_BEFORE_COMMENTS of
    the words come before it: a comment section without telling markup (old CMSs) ends the article."""
    lines = text.splitlines()
    total = _line_words(text)
    before = 0
    for index, line in enumerate(lines):
        if _COMMENTS_HEADING.match(line) and before >= MIN_WORDS_BEFORE_COMMENTS * total:
            return "\n".join(lines[:index])
        before += _line_words(line)
    return text


# What separates a headline from the site's name in a <title>: "Site :: Headline", "Headline | Site", "Headline - Site".
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||::|-|–|—|»|·)\s+")


def headlines(doc: lxml.html.HtmlElement, *titles: str | None) -> set[str]:
    """The page's headline as a first line may say it alone, lower-cased: the given titles (the extractor's,
    og:title), the <title> and each part of it between separators, and the <h1> elements' text."""
    found = {title for title in titles if title}
    page_title = doc.findtext(".//title")
    if page_title:
        found |= {page_title, *_TITLE_SEPARATORS.split(page_title)}
    return _lowered(found) | full_headlines(doc, None)


def full_headlines(doc: lxml.html.HtmlElement, og_title: str | None) -> set[str]:
    """The page's headline as a first line may open with it and go on with a byline, lower-cased: the <h1> elements'
    text and og:title, whole. Not a part of the <title>: a site's name ("The Washington Post") opens sentences."""
    return _lowered({h1.text_content() for h1 in doc.iter("h1")} | ({og_title} if og_title else set()))


def _lowered(titles: set[str]) -> set[str]:
    return {" ".join(title.split()).lower() for title in titles if title.strip()}
