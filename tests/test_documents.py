from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

import pytest

from worker.cli import document_items, main
from worker.config import Settings
from worker.normalise import escape_for_terminal
from worker.sources.documents import (
    DocumentError,
    decode_document,
    document_failure,
    document_item,
    iter_document_paths,
    parse_document,
    read_document,
    read_stream,
)


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
    assert item.metadata == {"desk": "binnenland"}
    assert item.text == "Het kabinet is gevallen."


def test_author_and_language_headers_land_in_typed_fields() -> None:
    text = "author Piet Jansen; Anna de Vries\nauthor Kees Bakker\nlanguage nl\n\nHet kabinet is gevallen."
    item = document_item(text)
    assert item.authors == ["Piet Jansen", "Anna de Vries", "Kees Bakker"]
    assert item.declared_language == "nl"
    assert item.metadata == {}


def test_file_path_is_carried_in_document_path(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Het kabinet is gevallen.")
    item = document_item(read_document(path, max_bytes=1000))
    assert item.document_path == str(path.absolute())
    assert "document" not in item.metadata


@pytest.mark.parametrize(
    ("line", "date", "lede"),
    [
        ("date 2021-04-01T10:00:00Z Het kabinet", "2021-04-01T10:00:00Z", "Het kabinet"),
        ("date 2021-04-01T10:00:00.250+02:00", "2021-04-01T10:00:00.250+02:00", ""),
        ("date: 2021-04-01 10:30 Het kabinet", "2021-04-01 10:30", "Het kabinet"),
        ("date 2021-04 De Verenigde Staten", "2021-04", "De Verenigde Staten"),
        ("date 2022-13 Tekst", "2022-13", "Tekst"),
    ],
)
def test_iso_datetimes_in_the_date_header_are_taken_whole(line: str, date: str, lede: str) -> None:
    parsed = parse_document(f"{line}\n\nMeer tekst.")
    assert parsed.headers["date"] == date
    assert parsed.body.split("\n")[0] == (lede or "Meer tekst.")


def test_long_date_line_that_is_no_date_stays_body() -> None:
    lede = "date van de verkiezingen is nog niet bekend, zegt de minister in een brief aan de Kamer vandaag."
    parsed = parse_document(lede)
    assert parsed.headers == {}
    assert parsed.body == lede


def test_oversized_header_value_is_body_not_a_keyword_field() -> None:
    token = "x" * 40_000
    item = document_item(f"source {token}\n\nTekst.")
    assert item.source == "documents"
    assert token in (item.text or "")


def test_url_header_that_is_not_http_is_not_an_identity() -> None:
    item = document_item("url n/a\n\nTekst.")
    assert item.url is None
    assert item.metadata["url_rejected"] == "n/a"


def test_ansi_escapes_in_headers_are_removed_and_counted() -> None:
    item = document_item("source \x1b[31mred\x1b[0m\ntitle \x1b]0;pwned\x07Kop\n\nTekst\x07 hier.")
    assert item.source == "red"
    assert item.title == "Kop"
    assert item.text == "Tekst hier."
    assert item.metadata["removed_control_chars"] == str(5 + 4 + 10 + 1)


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
    with pytest.raises(DocumentError, match="over the 10-byte limit") as info:
        read_document(big, max_bytes=10)
    assert (info.value.path, info.value.stage) == (str(big), "read")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"abc\x00def")
    with pytest.raises(DocumentError, match="binary"):
        read_document(binary, max_bytes=1000)


def test_document_error_is_typed_and_picklable() -> None:
    error = DocumentError("dir/a.txt", "empty file (0 bytes)")
    again = pickle.loads(pickle.dumps(error))
    assert (again.path, again.reason, again.stage, str(again)) == (
        "dir/a.txt",
        "empty file (0 bytes)",
        "read",
        "dir/a.txt: empty file (0 bytes)",
    )


def test_stdin_is_capped_before_being_read_whole() -> None:
    stream = io.BytesIO(b"x" * 1_000_000)
    with pytest.raises(DocumentError, match="over the 100-byte limit"):
        read_stream(stream, max_bytes=100)
    assert stream.tell() == 101
    assert read_stream(io.BytesIO("Caf\u00e9".encode()), max_bytes=100).text == "Caf\u00e9"


def test_cp1252_file_is_decoded_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\u00e9 \u20ac".encode("cp1252"))
    document = read_document(path, max_bytes=1000)
    assert document.text == "Caf\u00e9 \u20ac"
    assert document.notes == {"encoding": "cp1252 (not valid UTF-8)"}


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-16-be", "utf-32-be", "utf-8-sig"])
def test_utf16_and_utf32_with_a_bom_are_decoded(codec: str) -> None:
    data = "Café in Zürich".encode(codec)
    if codec.endswith("-be"):
        data = ("\ufeff" + "Café in Zürich").encode(codec)
    assert decode_document(data, name="x").text == "Café in Zürich"


@pytest.mark.parametrize(("codec", "called"), [("utf-16-le", "UTF-16LE"), ("utf-32-be", "UTF-32BE")])
def test_utf16_without_a_bom_is_called_what_it_is(codec: str, called: str) -> None:
    with pytest.raises(DocumentError, match=f"{called} text without a byte-order mark") as info:
        decode_document("Het kabinet is gevallen.".encode(codec), name="x")
    assert "binary" not in info.value.reason


def test_invalid_utf8_is_decoded_with_a_flag_below_the_threshold() -> None:
    data = ("Caf\u00e9 " * 200).encode() + b"\xff\xfe broken"
    document = decode_document(data, name="x")
    assert document.notes == {"replaced_sequences": "2"}
    assert "\ufffd" in document.text


def test_mostly_undecodable_text_is_refused() -> None:
    data = ("Caf\u00e9 ".encode() + b"\xc3\x28") * 50
    with pytest.raises(DocumentError, match="undecodable"):
        decode_document(data, name="x")


def test_random_bytes_and_known_formats_are_binary() -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(5000))
    with pytest.raises(DocumentError, match="binary"):
        decode_document(noise, name="x")
    with pytest.raises(DocumentError, match="PDF"):
        decode_document(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", name="x")


def test_empty_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(DocumentError, match="empty file") as info:
        read_document(path, max_bytes=100)
    assert info.value.path == str(path)


def test_fifo_and_device_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match="FIFO"):
        read_document(fifo, max_bytes=100)
    with pytest.raises(DocumentError, match="character device"):
        read_document(Path("/dev/zero"), max_bytes=100)


def test_proc_self_mem_is_a_reason_not_a_traceback() -> None:
    with pytest.raises(DocumentError) as info:
        read_document(Path("/proc/self/mem"), max_bytes=100)
    assert info.value.reason


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("x")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads everything: make the open fail as it would for anyone else

        def refuse(*args: object, **kwargs: object) -> int:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DocumentError, match="permission denied"):
        read_document(path, max_bytes=100)


def test_directories_are_walked_recursively_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("a.txt", "sub/b.txt", ".git/c.txt", "sub/image.png"):
        (tmp_path / rel).write_text("x")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in iter_document_paths([tmp_path]) if isinstance(p, Path))
    assert found == ["a.txt", "sub/b.txt"]
    (missing,) = iter_document_paths([tmp_path / "missing"])
    assert isinstance(missing, DocumentError) and "no such file" in missing.reason


def test_bad_entries_in_a_directory_are_reported_and_the_rest_walked(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    (tmp_path / "z.txt").write_text("x")
    entries = list(iter_document_paths([tmp_path]))
    files = [e.name for e in entries if isinstance(e, Path)]
    reasons = {Path(e.path).name: e.reason for e in entries if isinstance(e, DocumentError)}
    assert files == ["a.txt", "z.txt"]
    assert "dangling" in reasons["dangling.txt"]
    assert "loop" in reasons["loop.txt"]
    assert "FIFO" in reasons["pipe.txt"]
    assert "already walked" in reasons["up"]


def test_terminal_escaping_shows_escapes_instead_of_running_them() -> None:
    shown = escape_for_terminal("a\x1b[2Jb\u202ec\nd é")
    assert shown == "a\\x1b[2Jb\\u202ec\\x0ad é"


def test_unterminated_osc_sequence_does_not_swallow_the_body() -> None:
    item = document_item("title \x1b]8;;https://evil.example/\n\nHet kabinet is gevallen.")
    assert "Het kabinet is gevallen." in (item.text or "")


def test_date_followed_by_a_slash_is_not_split_into_a_lede() -> None:
    item = document_item("date 2021/04/01\n\nHet kabinet is gevallen.")
    assert (item.published, item.text) == ("2021/04/01", "Het kabinet is gevallen.")


def test_a_few_control_bytes_in_a_text_are_stripped_not_binary() -> None:
    document = decode_document(("Het kabinet\b is gevallen. " * 10).encode(), name="x")
    item = document_item(document)
    assert item.metadata["removed_control_chars"] == "10"
    assert "\b" not in (item.text or "")


def test_line_separators_are_line_ends_not_removed_characters() -> None:
    item = document_item("Een.\u2029Twee.\u2028Drie.")
    assert item.text == "Een.\n\nTwee.\nDrie."
    assert "removed_control_chars" not in item.metadata


def test_noise_after_a_utf16_bom_is_binary() -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(600))
    with pytest.raises(DocumentError, match=r"byte-order mark|undecodable"):
        decode_document(b"\xff\xfe" + noise.replace(b"\x00", b"\x01"), name="x")


def test_document_failure_names_the_file_and_keeps_no_payload() -> None:
    failure = document_failure(DocumentError("in/a.txt", "a FIFO (named pipe), not a document file"))
    assert (failure.stage, failure.reason, failure.source, failure.payload) == (
        "read",
        "in/a.txt: a FIFO (named pipe), not a document file",
        "documents",
        None,
    )


def test_source_given_by_the_caller_is_cleaned_and_bounded() -> None:
    item = document_item("Tekst.", source="api\x1b[31m" + "x" * 5000)
    assert item.source.startswith("apix") and len(item.source) == 1000


def test_cli_reads_everything_it_can_and_reports_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("Het kabinet is gevallen.")
    (tmp_path / "b.txt").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "c.txt")
    (tmp_path / "d.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "e.txt").write_text("De oppositie wil verkiezingen.")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"x" * 5000)))
    settings = Settings(max_document_bytes=1000)
    entries = list(document_items([str(tmp_path), "-", str(tmp_path / "missing.txt")], settings))
    texts = [e.text for e in entries if not isinstance(e, DocumentError)]
    errors = {Path(e.path).name: e.reason for e in entries if isinstance(e, DocumentError)}
    assert texts == ["Het kabinet is gevallen.", "De oppositie wil verkiezingen."]
    assert set(errors) == {"b.txt", "c.txt", "d.txt", "<stdin>", "missing.txt"}
    assert "over the 1000-byte limit" in errors["<stdin>"]


def test_ingest_prints_unreadable_names_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "x\x1b[2J.txt")
    assert main(["ingest", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "x\\x1b[2J.txt: a FIFO" in err
