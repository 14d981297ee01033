from __future__ import annotations

from datetime import UTC, datetime

import pytest

from worker.article import RawItem
from worker.normalise import NormaliseError, content_hash, derive_title, normalise
from worker.sources.documents import document_item

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_seed_normalises_to_the_expected_record(seed_text: str) -> None:
    article = normalise(document_item(seed_text, name="000.txt"), now=NOW)
    data = article.model_dump(mode="json")
    assert data["published_at"] == "2021-04"
    assert article.published_precision == "month"
    assert article.date_source == "header"
    assert "date 2021-04" not in article.body
    assert article.title_derived is True
    assert article.title.startswith("De Verenigde Staten en het Verenigd Koninkrijk zijn van plan")
    assert article.subheadings == ["Ook Verenigd Koninkrijk trekt zich terug"]
    assert len(article.paragraphs) == 8
    assert all("Ook Verenigd Koninkrijk trekt" not in p for p in article.paragraphs)
    assert article.url is None
    assert article.word_count > 300
    assert article.text_source == "document"


def test_id_is_deterministic_and_independent_of_file_name(seed_text: str) -> None:
    a = normalise(document_item(seed_text, name="a.txt"), now=NOW)
    b = normalise(document_item(seed_text, name="copy.txt"), now=NOW)
    assert a.id == b.id
    assert a.content_hash == b.content_hash


def test_id_comes_from_url_when_there_is_one() -> None:
    a = normalise(RawItem(kind="document", source="s1", url="https://e.nl/x", text="Tekst een."), now=NOW)
    b = normalise(RawItem(kind="document", source="s2", url="https://e.nl/x", text="Andere tekst."), now=NOW)
    assert a.id == b.id


def test_content_hash_ignores_whitespace_and_case() -> None:
    assert content_hash("Een  tekst\n\nmet regels") == content_hash("een tekst\nmet   regels ")
    assert content_hash("een tekst") != content_hash("een andere tekst")


def test_future_date_is_rejected_with_reason_and_ingestion_time_used() -> None:
    article = normalise(RawItem(kind="document", source="s", text="Tekst.", published="2031-01-01"), now=NOW)
    assert article.date_source == "ingested"
    assert article.published_at == NOW
    assert "in the future" in article.metadata["date_rejected"]


def test_unparsable_date_is_kept_as_metadata() -> None:
    article = normalise(RawItem(kind="document", source="s", text="Tekst.", published="gisteren"), now=NOW)
    assert article.date_source == "ingested"
    assert article.metadata["date_unparsed"] == "gisteren"


def test_given_title_is_not_flagged_as_derived() -> None:
    article = normalise(RawItem(kind="document", source="s", title="Kop", text="Tekst hier."), now=NOW)
    assert (article.title, article.title_derived) == ("Kop", False)


def test_long_lede_sentence_is_cut_at_a_word_boundary() -> None:
    title = derive_title(["woord " * 60 + "einde."])
    assert len(title) <= 161
    assert title.endswith("…")
    assert "  " not in title


def test_empty_item_is_an_error_naming_the_source() -> None:
    with pytest.raises(NormaliseError, match="empty document from src"):
        normalise(RawItem(kind="document", source="src", text="  \n "))
