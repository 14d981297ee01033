"""Bytes -> text like a browser: the encoding corpus (tests/data/sources/encodings, written by its
make_corpus.py) decodes exactly, feeds and pages, declared or not; and the WHATWG order itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from worker.extract import extract_page
from worker.sources.charsets import declared_language, decode_body, detect_charset
from worker.sources.feeds import parse_feed

CORPUS = Path(__file__).resolve().parents[1] / "data" / "sources" / "encodings"
CASES: list[dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_decodes_exactly(case: dict[str, Any]) -> None:
    body = (CORPUS / case["file"]).read_bytes()
    text = decode_body(body, case["content_type"], case["kind"])
    assert case["title"] in text
    for paragraph in case["paragraphs"]:
        assert paragraph in text


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "feed"], ids=lambda c: c["file"])
def test_corpus_feeds_parse_to_clean_items(case: dict[str, Any]) -> None:
    body = (CORPUS / case["file"]).read_bytes()
    feed = parse_feed(decode_body(body, case["content_type"], "feed"), "https://news.example/rss")
    (entry,) = feed.items
    assert entry.title == case["title"]
    assert entry.text == "\n\n".join(case["paragraphs"])


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "page"], ids=lambda c: c["file"])
def test_corpus_pages_extract_clean_text(case: dict[str, Any]) -> None:
    body = (CORPUS / case["file"]).read_bytes()
    page = extract_page(decode_body(body, case["content_type"], "page"), "https://news.example/2024/03/05/story")
    assert page.title == case["title"]
    assert case["paragraphs"][0] in page.text


def test_feed_language_hint_decides_between_code_pages() -> None:
    # Short and undeclared: alone it could be read either way; the feed said it is Russian.
    body = "Новости дня".encode("koi8_r")
    assert decode_body(body, "text/html", language="ru") == "Новости дня"


def test_meta_beyond_1024_bytes_is_not_a_declaration() -> None:
    body = b"<html><head>" + b" " * 1100 + b'<meta charset="koi8-r"></head><body>' + "Привет, мир".encode("cp1251")
    assert "Привет, мир" in decode_body(body, "text/html")
    early = b'<html><head><meta charset="koi8-r"></head><body>' + "Привет, мир".encode("koi8_r")
    assert "Привет, мир" in decode_body(early, "text/html")


def test_header_beats_meta_and_bom_beats_both() -> None:
    body = b'<meta charset="koi8-r">' + "Ольга".encode("cp1251")
    assert "Ольга" in decode_body(body, "text/html; charset=windows-1251")
    assert "Ольга" in decode_body(b"\xef\xbb\xbf" + "Ольга".encode(), "text/html; charset=koi8-r")


def test_declared_language_from_document_then_header() -> None:
    assert declared_language(b'<html lang="ru-RU"><head>') == "ru"
    assert declared_language(b"<rss><channel><language>pl</language>") == "pl"
    assert declared_language(b'<feed xml:lang="cs">') == "cs"
    assert declared_language(b"<html>", "uk, en") == "uk"
    assert declared_language(b"<html>") is None


def test_western_text_stays_windows_1252() -> None:
    assert detect_charset("Ça coûte 5 € à Zürich".encode("cp1252")) == "cp1252"
