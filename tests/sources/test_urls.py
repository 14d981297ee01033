"""Canonical URLs: one spelling per article, so one id; and the budget key of a URL."""

from __future__ import annotations

import pytest

from worker.sources.urls import InvalidURLError, budget_key, canonical_url, registered_domain, same_site


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTP://WWW.Example.COM:80/a/./b/../c/", "http://www.example.com/a/c"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com:443/x?b=2&a=1", "https://example.com/x?a=1&b=2"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("https://ex.com/story?utm_source=rss&utm_medium=feed&utm_campaign=x&id=7", "https://ex.com/story?id=7"),
        ("https://ex.com/story?fbclid=IwAR0&gclid=1&mc_cid=2&_ga=3&id=7", "https://ex.com/story?id=7"),
        ("https://ex.com/story/#comments", "https://ex.com/story"),
        ("https://ex.com/app/#!/story/7", "https://ex.com/app#!/story/7"),
        ("https://ex.com/%7efoo/caf%c3%a9", "https://ex.com/~foo/caf%C3%A9"),
        ("https://ex.com/a b", "https://ex.com/a%20b"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://EXAMPLE.com./x", "https://example.com/x"),
        ("https://ex.com/search?q=&page=2", "https://ex.com/search?page=2&q="),
        # Percent-encoding kept byte for byte where it is significant: %2B is a plus, + a space.
        ("https://ex.com/s?q=a%2bb&r=c+d", "https://ex.com/s?q=a%2Bb&r=c+d"),
        ("https://ex.com/s?q=%7Ex%26y%3Dz", "https://ex.com/s?q=~x%26y%3Dz"),
        ("https://ex.com/a%2Fb/c?x=1=2&flag", "https://ex.com/a%2Fb/c?flag&x=1=2"),
        ("https://ex.com/s?ysclid=1&itm_source=home&id=3", "https://ex.com/s?id=3"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


def test_same_story_with_different_tracking_is_one_url() -> None:
    a = canonical_url("https://news.example/2024/03/story?utm_source=twitter&utm_medium=social")
    b = canonical_url("https://news.example/2024/03/story/?fbclid=abc123")
    assert a == b == "https://news.example/2024/03/story"


def test_relative_urls_resolve_against_base() -> None:
    assert canonical_url("../b?utm_source=x", base="https://ex.com/a/c/d") == "https://ex.com/a/b"


@pytest.mark.parametrize(
    "bad", ["ftp://ex.com/x", "javascript:alert(1)", "mailto:a@b.c", "https:///nohost", "http://[::1"]
)
def test_non_http_or_broken_urls_rejected(bad: str) -> None:
    with pytest.raises(InvalidURLError):
        canonical_url(bad)


def test_registered_domain_and_budget_key() -> None:
    assert registered_domain("www.bbc.co.uk") == "bbc.co.uk"
    assert registered_domain("feeds.nos.nl") == "nos.nl"
    assert registered_domain("localhost") == "localhost"
    # Unknown suffixes (.test, .example): the last two labels, so one site's hosts share one budget.
    assert registered_domain("www.harbourgazette.example") == "harbourgazette.example"
    assert budget_key("http://feeds.site.test:8001/rss") == budget_key("http://www.site.test:8001/a") == "site.test"
    assert budget_key("http://site.test:8001/rss") == "site.test"
    assert budget_key("https://example.com:8443/a") == budget_key("https://www.example.com/b") == "example.com"
    assert budget_key("https://feeds.bbci.co.uk:443/news/rss.xml") == "bbci.co.uk"
    assert budget_key("https://www.bbc.co.uk/news") == "bbc.co.uk"
    assert budget_key("http://127.0.0.1:8001/feed") == "127.0.0.1:8001"
    assert budget_key("http://localhost:8002/feed") == "localhost:8002"
    assert same_site("https://www.ex.co.uk/a", "https://news.ex.co.uk/b")
    # ICANN suffixes only: blogs on one hosting platform share its servers, so they share one budget.
    assert budget_key("https://a.github.io/x") == budget_key("https://b.github.io/y") == "github.io"


def test_redact_url_hides_userinfo_and_credential_parameters() -> None:
    from worker.sources.urls import redact_url

    assert (
        redact_url("https://u:p@news.example/rss?token=t&page=2&Sig=x")
        == "https://news.example/rss?token=***&page=2&Sig=***"
    )
    assert redact_url("https://news.example/feed?format=rss") == "https://news.example/feed?format=rss"
    assert redact_url("not a url") == "not a url"
