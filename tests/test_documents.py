from __future__ import annotations

from pathlib import Path

import pytest

from worker.sources.documents import DocumentError, document_item, iter_document_paths, parse_document, read_document


def test_date_header_on_the_lede_line_is_split_from_the_body(seed_text: str) -> None:
    parsed = parse_document(seed_text)
    assert parsed.headers == {"date": "2021-04"}
    assert parsed.body.startswith("De Verenigde Staten en het Verenigd Koninkrijk")
    assert "date 2021-04" not in parsed.body


def test_header_lines_before_the_body_are_parsed_and_unknown_ones_kept() -> None:
    text = "date 2024-03-05\ntitle Kabinet valt\nurl https://example.nl/a\ndesk binnenland\n\nHet kabinet is gevallen."
    item = document_item(text, name="a.txt")
    assert item.published == "2024-03-05"
    assert item.title == "Kabinet valt"
    assert item.url == "https://example.nl/a"
    assert item.metadata == {"desk": "binnenland", "document": "a.txt"}
    assert item.text == "Het kabinet is gevallen."


def test_document_without_headers_is_all_body() -> None:
    parsed = parse_document("The council met on Tuesday.\n\nIt agreed the budget.")
    assert parsed.headers == {}
    assert parsed.body.startswith("The council met")


def test_sentence_that_looks_like_key_value_is_not_a_header() -> None:
    parsed = parse_document("premier Rutte zei dinsdag dat het kabinet doorgaat.\n\nMeer tekst.")
    assert parsed.headers == {}


def test_oversized_and_binary_files_are_refused_with_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 100)
    with pytest.raises(DocumentError, match="over the 10-byte limit"):
        read_document(big, max_bytes=10)
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"abc\x00def")
    with pytest.raises(DocumentError, match="binary"):
        read_document(binary, max_bytes=1000)


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 \u20ac".encode("cp1252"))
    assert read_document(path, max_bytes=1000) == "Caf\u00e9 \u20ac"


def test_directories_are_walked_recursively_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("a.txt", "sub/b.txt", ".git/c.txt", "sub/image.png"):
        (tmp_path / rel).write_text("x")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in iter_document_paths([tmp_path]))
    assert found == ["a.txt", "sub/b.txt"]
    with pytest.raises(DocumentError, match="no such file"):
        list(iter_document_paths([tmp_path / "missing"]))
