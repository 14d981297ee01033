from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from worker.article import RawItem
from worker.index.store import revision_hash
from worker.normalise import NormaliseError, article_id, clean_text, content_hash, derive_title, normalise
from worker.sources.documents import document_item, read_document

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


@pytest.mark.parametrize(
    "variant",
    [
        "title Een andere kop\n\nHet kabinet is gevallen.",
        "date 2024-03-06\n\nHet kabinet is gevallen.",
        "Het Kabinet is gevallen.",
        "source elders\n\nHet kabinet is gevallen.",
    ],
)
def test_documents_differing_in_title_date_case_or_source_get_distinct_ids(variant: str) -> None:
    base = normalise(document_item("title Kop\ndate 2024-03-05\n\nHet kabinet is gevallen."), now=NOW)
    if not variant.startswith(("title", "date")):
        base = normalise(document_item("Het kabinet is gevallen."), now=NOW)
    other = normalise(document_item(variant), now=NOW)
    assert other.id != base.id


def test_re_ingesting_the_same_file_gives_the_same_id_and_revision(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("title Kop\ndate 2024-03-05\n\nHet  kabinet\r\nis gevallen.\n")
    first = normalise(read_item(path), now=NOW)
    again = normalise(read_item(path), now=datetime(2026, 2, 1, tzinfo=UTC))
    assert (again.id, revision_hash(again)) == (first.id, revision_hash(first))


def test_a_file_is_identified_by_its_path_not_its_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "title Kop\n\nHet kabinet is gevallen.\n"
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(text)
    a, b = (normalise(read_item(tmp_path / n), now=NOW) for n in ("a.txt", "b.txt"))
    assert a.id != b.id  # identical copies are two documents (dedup groups them)
    monkeypatch.chdir(tmp_path)
    assert normalise(read_item(Path("a.txt")), now=NOW).id == a.id  # relative or absolute: one file
    (tmp_path / "a.txt").write_text(text.replace("Kop", "Andere kop"))
    edited = normalise(read_item(tmp_path / "a.txt"), now=NOW)
    assert edited.id == a.id and revision_hash(edited) != revision_hash(a)  # an edit is an update


def read_item(path: Path) -> RawItem:
    return document_item(read_document(path, max_bytes=10_000))


def test_id_of_feed_items_without_url_is_still_source_and_content_hash() -> None:
    # worker/sources/poll.py predicts this id to skip items it has seen; documents alone changed.
    article = normalise(RawItem(kind="feed", source="https://e.nl/feed", text="Tekst een."), now=NOW)
    assert article.id == article_id(url=None, source="https://e.nl/feed", body_hash=content_hash("Tekst een."))


def test_typed_fields_reach_the_article(tmp_path: Path) -> None:
    path = tmp_path / "stuk.txt"
    path.write_text("author Piet Jansen\nlanguage nl\n\nHet kabinet is gevallen.")
    article = normalise(read_item(path), now=NOW)
    assert article.authors == ["Piet Jansen"]
    assert article.metadata == {"document": "stuk.txt"}
    assert article.declared_language == "nl"


def test_control_characters_never_reach_the_article_whatever_the_source() -> None:
    raw = RawItem(kind="feed", source="f", title="K\x1b[1mop\x00", text="Tekst\x00 met\x1b[31m kleur\x7f.\u2028Regel.")
    article = normalise(raw, now=NOW)
    assert (article.title, article.body) == ("Kop", "Tekst met kleur. Regel.")
    assert clean_text(article.body) == article.body


def test_empty_document_error_names_the_file() -> None:
    raw = RawItem(kind="document", source="documents", text="\x00 \n", document_path="in/leeg.txt")
    with pytest.raises(NormaliseError, match=r"in/leeg\.txt"):
        normalise(raw)


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


def test_iso_datetime_header_gives_second_precision_and_a_clean_lede() -> None:
    article = normalise(document_item("date 2021-04-01T10:00:00Z Het kabinet is gevallen."), now=NOW)
    assert article.model_dump(mode="json")["published_at"] == "2021-04-01T10:00:00Z"
    assert (article.published_precision, article.date_source) == ("second", "header")
    assert article.body == "Het kabinet is gevallen."


def test_whitespace_and_separators_as_the_line_by_line_version() -> None:
    """One regex pass over the text and str.replace for separators give what the per-line loop gave."""
    import re
    import unicodedata

    from worker.normalise import normalise_whitespace

    def per_line(text: str) -> str:
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        text = text.replace("\u00a0", " ").replace("\u200b", "")
        return "\n".join(re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n"))

    text = " a \t\f b\u00a0\u200bc \r\n\r\n\u2003d\u3000 e\v\n\t \n  f  g \rh\u0085i\u2028j\u2029k "
    assert normalise_whitespace(text) == per_line(text)
    assert clean_text("a\u2028b\u2029c\u0085d\x1b[31me\x07") == "a\nb\n\nc\nde"


_TRICKY = st.text(
    alphabet=st.sampled_from(
        list("aZé e\u0301\u0308 \t\n\r\x0b\x0c.!\u00a0\u200b\u2028\u2029\u0085\u3000")
        + list("\u1100\u1161\uac00\ufb01\x1b[31m\x00")
    ),
    min_size=1,
    max_size=80,
)


@settings(max_examples=400, deadline=None)
@given(_TRICKY)
@example("a\u200b\u0301")  # not NFC once the zero-width space is gone
def test_an_articles_content_hash_is_that_of_its_body(text: str) -> None:
    """build_article hashes the body without normalising its whitespace again: the same value."""
    try:
        article = normalise(RawItem(kind="document", source="s", text=text))
    except NormaliseError:
        return
    assert article.content_hash == content_hash(article.body)
