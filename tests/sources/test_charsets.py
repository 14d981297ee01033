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


WESTERN_PAGES = [
    "Die Regierung hat angekündigt, dass die Grenzkontrollen über Wochen verlängert werden.",
    "Le ministre a déjà présenté la réforme à l'Assemblée, où les élèves ont manifesté très tôt.",
    "El año pasado la información llegó tarde; mañana el niño jugará al fútbol con su pingüino.",
    "O governo português anunciou ações para reduzir a inflação até ao próximo verão.",
    "De coöperatie in Zürich heeft één café gekocht; de reünie is in België.",
    "Straße, Größe, Bürger, Grüße: Änderungen müssen öffentlich gehört werden, schön.",
    # Mostly ASCII with a few accents: these two were read as Big5 / GB18030 before the CJK-runs check.
    "The team from the north and the club from the south met in the final; the coach of the visitors said the "
    "élève had played très well and the forêt of fans sang for the whole night.",
    "Der Plan für die Stadt und die Leute in der Region ist fertig, sagte der Sprecher am Abend in Berlin, und die "
    "Bürger werden im Mai darüber abstimmen.",
]


@pytest.mark.parametrize("sentence", WESTERN_PAGES)
def test_undeclared_western_pages_are_not_read_as_cjk(sentence: str) -> None:
    # A Latin text with a few accented letters also decodes as GB18030/Big5 (each accent byte plus the ASCII
    # letter after it makes one ideograph): without a language hint that must not win.
    page = f"<html><body><p>{sentence}</p></body></html>".encode("cp1252")
    assert detect_charset(page) == "cp1252"
