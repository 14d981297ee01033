"""Plain-text documents: header lines (`date 2021-04`, `key value`) then the story; files, dirs, stdin.

Every input ends as text or as a `DocumentError` naming the input and the reason; nothing is skipped
without a word and one bad file never stops the rest. Decoding, in order:

- a byte-order mark decides: UTF-8, UTF-16 or UTF-32 (LE/BE) is decoded, the BOM dropped;
- known binary formats (PDF, images, archives, executables, ...) are refused by their signature;
- UTF-16/32 without a BOM is recognised by its zero bytes and refused as what it is (not "binary");
- NUL bytes in the first 8,000 bytes (git's rule) or more than 5 % control bytes mean binary data;
- valid UTF-8 is taken as is; text with invalid sequences is decoded with U+FFFD replacements and the
  count recorded in `metadata["replaced_sequences"]` — unless it has fewer valid multi-byte sequences
  than invalid ones: then it is a legacy 8-bit file, read as Windows-1252 (`metadata["encoding"]`);
- more than 1 % (and more than 10) undecodable sequences: refused, it is not text in an encoding we read.

Control characters and ANSI escape sequences are removed (`normalise.clean_text`) and counted in
`metadata["removed_control_chars"]`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import BinaryIO, Literal

from worker.article import RawItem
from worker.failures import Failure
from worker.normalise import clean_text, clean_text_counted
from worker.sources.urls import InvalidURLError, canonical_url

# Header keys the pipeline understands; other `key value` lines before the body are kept as metadata.
KNOWN_KEYS = frozenset({"date", "title", "url", "source", "author", "language", "lang"})
_ISO_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)"
# A date, optionally a full ISO 8601 datetime; what follows on the line (the seed's lede) is the body.
_DATE_HEADER = re.compile(
    rf"^date[ \t:]+(\d{{4}}(?:-\d{{1,2}}(?:-\d{{1,2}}{_ISO_TIME}?)?)?)(?=\s|$)[ \t]*(.*)$", re.IGNORECASE
)
_KEY_VALUE = re.compile(r"^([a-z][a-z0-9_-]{0,30}):?[ \t]+(\S.*)$")
_MAX_UNKNOWN_VALUE = 120
# Longer "header" values are body text; this also keeps keyword fields (source, authors) far below
# Lucene's 32,766-byte term limit, which would otherwise reject the article on every replay.
MAX_HEADER_VALUE = 1000
_MAX_DATE_VALUE = 64  # a longer `date ...` line that is no ISO date is a lede, not a header
MAX_HEADER_LINES = 64
DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ""})
DEFAULT_SOURCE = "documents"

# Up to this share of undecodable sequences (and always up to the floor) is decoded with a flag.
MAX_REPLACED_SHARE = 0.01
MAX_REPLACED_FLOOR = 10
# Control bytes other than tab, line ends, form feed and ESC (ANSI colours are stripped later).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32), 127])
MAX_CONTROL_SHARE = 0.05
_MIN_COUNT = 4  # a few stray control or high bytes in a short text are not yet "binary"
_NOISE = frozenset({"Co", "Cn", "Cs"})
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_NUL_WINDOW = 8000
# A legacy 8-bit text has a few accented letters; bytes above 0x7f in more than this share are not text.
_MAX_HIGH_BYTE_SHARE = 0.3
# Share of private-use, unassigned or surrogate characters from which a BOM-decoded text is noise.
_MAX_NOISE_SHARE = 0.05

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/ODT/EPUB)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE file (old Word/Excel document)"),
    (b"{\\rtf", "an RTF document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


class DocumentError(ValueError):
    """A document that cannot be read as text: typed for the dead-letter store, no string parsing needed.

    `path` is the file as given (or `<stdin>`), `reason` says why in words, `stage` is always "read".
    `str()` is "path: reason", unescaped: print it through `normalise.escape_for_terminal`.
    """

    stage: Literal["read"] = "read"

    def __init__(self, path: str, reason: str, *, source: str = DEFAULT_SOURCE) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.source = source

    def __reduce__(self) -> tuple[object, ...]:  # picklable despite the keyword-only init
        return (_rebuild_error, (self.path, self.reason, self.source))


def _rebuild_error(path: str, reason: str, source: str) -> DocumentError:
    return DocumentError(path, reason, source=source)


def document_failure(error: DocumentError) -> Failure:
    """The dead-letter record of a document refused at reading: stage "read", the file named in the
    reason. No payload: nothing was read that could be replayed; ingesting the fixed file is the replay
    (and a payload would make today's `failures replay` drop it rather than keep it)."""
    return Failure(stage=error.stage, reason=f"{error.path}: {error.reason}", source=error.source)


@dataclass(frozen=True)
class DocumentText:
    """A document decoded to text, with what decoding had to do to get there (kept in the metadata)."""

    text: str
    name: str = "<text>"
    path: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedDocument:
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    authors: list[str] = field(default_factory=list)


def _is_unknown_header(key: str, value: str) -> bool:
    return len(value) <= _MAX_UNKNOWN_VALUE and value[-1] not in ".!?\"'”"


def _split_authors(value: str) -> list[str]:
    return [a for a in (" ".join(part.split()) for part in value.split(";")) if a]


def parse_document(text: str) -> ParsedDocument:
    """Split header lines from the body.

    The seed shape puts the date header and the lede on one line (` date 2021-04 De Verenigde ...`),
    so a `date` header ends at its date (or ISO 8601 datetime) and the rest of the line starts the body.
    `author` may repeat (one name per line, or several separated by ';'); other keys count once.
    """
    lines = text.lstrip("\ufeff").split("\n")
    headers: dict[str, str] = {}
    authors: list[str] = []
    i = 0
    seen = 0
    while i < len(lines) and seen < MAX_HEADER_LINES:
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if len(line) > MAX_HEADER_VALUE + 40:
            break
        date = _DATE_HEADER.match(line)
        if date and "date" not in headers:
            headers["date"] = date.group(1)
            seen += 1
            rest = date.group(2).strip()
            if rest:
                lines[i] = rest
                break
            i += 1
            continue
        kv = _KEY_VALUE.match(line)
        if not kv:
            break
        key, value = kv.group(1), kv.group(2).strip()
        if key == "author":
            authors += _split_authors(value)
        elif (
            key in headers
            or not (key in KNOWN_KEYS or _is_unknown_header(key, value))
            or (key == "date" and len(value) > _MAX_DATE_VALUE)
        ):
            break
        else:
            headers[key] = value
        seen += 1
        i += 1
    return ParsedDocument(headers=headers, body="\n".join(lines[i:]).strip(), authors=authors)


def _document_url(value: str) -> str | None:
    try:
        return canonical_url(value)
    except InvalidURLError:
        return None


def document_item(document: DocumentText | str, *, name: str | None = None, source: str = DEFAULT_SOURCE) -> RawItem:
    """A RawItem from a document: headers to typed fields, the file path in `document_path`.

    Identity is decided in `normalise.document_id`: the file's absolute path when it came from one, else
    source + exact content. A `url` header that is not an http(s) URL is kept as
    `metadata["url_rejected"]` rather than used as an id that other files would share.
    """
    if isinstance(document, str):
        document = DocumentText(text=document, name=name or "<text>")
    text, removed = clean_text_counted(document.text)
    parsed = parse_document(text)
    headers = parsed.headers
    metadata = {k: v for k, v in headers.items() if k not in KNOWN_KEYS}
    url = None
    if "url" in headers:
        url = _document_url(headers["url"])
        if url is None:
            metadata["url_rejected"] = headers["url"]
    metadata.update(document.notes)
    if removed:
        metadata["removed_control_chars"] = str(removed)
    return RawItem(
        kind="document",
        source=headers.get("source") or " ".join(clean_text(source).split())[:MAX_HEADER_VALUE] or DEFAULT_SOURCE,
        url=url,
        text=parsed.body,
        title=headers.get("title"),
        published=headers.get("date"),
        authors=parsed.authors,
        declared_language=headers.get("language") or headers.get("lang"),
        document_path=document.path,
        metadata=metadata,
    )


def _os_reason(path: str, exc: OSError) -> str:
    """The reason an OS error gives, in words a person acts on."""
    code = exc.errno
    if code == errno.ENOENT:
        if os.path.islink(path):
            return "dangling symbolic link (its target does not exist)"
        return "no such file or directory"
    if code == errno.ELOOP:
        return "symbolic link loop"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied (not readable by this user)"
    if code == errno.EISDIR:
        return "is a directory"
    return f"cannot read it: {exc.strerror or exc}"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def _over_limit(name: str, size: str, max_bytes: int) -> DocumentError:
    return DocumentError(
        name, f"{size} bytes, over the {max_bytes}-byte limit for documents (NEWSWORKER_MAX_DOCUMENT_BYTES)"
    )


def _looks_bomless_utf(sample: bytes) -> str | None:
    """'UTF-16LE' etc. when the zero bytes fall where UTF-16/32 puts them for Latin-script text."""
    sample = sample[: len(sample) - len(sample) % 4]
    if len(sample) < 8:
        return None
    columns = [sample[k::4].count(0) / (len(sample) // 4) for k in range(4)]
    if columns[0] < 0.05 and min(columns[1:]) > 0.9:
        return "UTF-32LE"
    if columns[3] < 0.05 and min(columns[:3]) > 0.9:
        return "UTF-32BE"
    even = (columns[0] + columns[2]) / 2
    odd = (columns[1] + columns[3]) / 2
    if odd > 0.3 and even < 0.05:
        return "UTF-16LE"
    if even > 0.3 and odd < 0.05:
        return "UTF-16BE"
    return None


def _replaced(text: str, data: bytes) -> int:
    """How many U+FFFD decoding introduced (a U+FFFD the file itself contains does not count)."""
    return text.count("\ufffd") - data.count("\ufffd".encode())


def _check_replaced(name: str, replaced: int, length: int, what: str) -> None:
    if replaced > MAX_REPLACED_FLOOR and replaced > MAX_REPLACED_SHARE * max(length, 1):
        raise DocumentError(
            name,
            f"{what}: {replaced} of {length} characters undecodable (over the "
            f"{MAX_REPLACED_SHARE:.0%} limit); convert it to UTF-8",
        )


def decode_document(data: bytes, *, name: str, path: str | None = None) -> DocumentText:
    """Bytes to text by the rules in the module docstring; refuses what is not text with the reason."""
    if not data:
        raise DocumentError(name, "empty file (0 bytes)")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            notes = {} if codec == "utf-8" else {"encoding": f"{codec} (byte-order mark)"}
            replaced = _replaced(text, data[len(bom) :] if codec == "utf-8" else b"")
            _check_replaced(name, replaced, len(text), f"invalid {codec.upper()}")
            sample = text[:65536]
            noise = len(_TEXT_CONTROLS.findall(sample)) + sum(unicodedata.category(c) in _NOISE for c in sample)
            if noise > max(_MAX_NOISE_SHARE * len(sample), _MIN_COUNT):
                raise DocumentError(
                    name,
                    f"binary data after a {codec.upper()} byte-order mark ({noise} control or unassigned characters)",
                )
            if replaced:
                notes["replaced_sequences"] = str(replaced)
            return DocumentText(text=text, name=name, path=path, notes=notes)
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise DocumentError(name, f"binary file ({what}), not a plain-text document")
    utf = _looks_bomless_utf(data[:4096])
    if utf:
        raise DocumentError(
            name, f"{utf} text without a byte-order mark: save it as UTF-8 (or {utf[:6]} with a BOM) to ingest it"
        )
    if b"\x00" in data[:_NUL_WINDOW]:
        raise DocumentError(name, "binary file (NUL bytes), not a plain-text document")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(MAX_CONTROL_SHARE * len(data), _MIN_COUNT):
        raise DocumentError(name, f"binary data ({controls} control bytes in {len(data)}), not a plain-text document")
    try:
        return DocumentText(text=data.decode("utf-8"), name=name, path=path)
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    replaced = _replaced(text, data)
    valid_non_ascii = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if valid_non_ascii < replaced:
        # No (or hardly any) valid multi-byte sequence: a legacy 8-bit file, as older newsroom exports are.
        high = len(data) - len(data.translate(None, bytes(range(128, 256))))
        if high > max(_MAX_HIGH_BYTE_SHARE * len(data), _MIN_COUNT):
            raise DocumentError(name, f"binary data ({high} of {len(data)} bytes above 0x7f), not text")
        text = data.decode("cp1252", errors="replace")
        replaced = _replaced(text, data)
        _check_replaced(name, replaced, len(text), "not UTF-8 and not Windows-1252")
        notes = {"encoding": "cp1252 (not valid UTF-8)"}
    else:
        _check_replaced(name, replaced, len(text), "invalid UTF-8")
        notes = {}
    if replaced:
        notes["replaced_sequences"] = str(replaced)
    return DocumentText(text=text, name=name, path=path, notes=notes)


def read_document(path: Path, *, max_bytes: int) -> DocumentText:
    """The file's text; special, unreadable, oversize and non-text files are refused with the reason.

    Never blocks on a FIFO or device (checked before opening, opened non-blocking, checked again) and
    never reads more than `max_bytes + 1` bytes, whatever `stat` claimed (`/proc` files say 0).
    """
    name = str(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise DocumentError(name, _os_reason(name, exc)) from exc
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError(name, f"{_file_kind(st.st_mode)}, not a document file")
    if st.st_size > max_bytes:
        raise _over_limit(name, str(st.st_size), max_bytes)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise DocumentError(name, f"{_file_kind(mode)}, not a document file")
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(name, _os_reason(name, exc)) from exc
    if len(data) > max_bytes:
        raise _over_limit(name, f"more than {max_bytes}", max_bytes)
    # The absolute path is the document's identity (normalise.document_id), whatever the working directory.
    return decode_document(data, name=name, path=os.path.abspath(path))


def read_stream(stream: BinaryIO | None, *, max_bytes: int, name: str = "<stdin>") -> DocumentText:
    """A document from a byte stream (stdin), read up to the cap and no further."""
    if stream is None:
        raise DocumentError(name, "no input stream to read from")
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(name, _os_reason(name, exc)) from exc
    if len(data) > max_bytes:
        raise _over_limit(name, f"more than {max_bytes}", max_bytes)
    return decode_document(data, name=name)


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as it:
        return sorted(it, key=lambda e: e.name)


def iter_document_paths(paths: list[Path]) -> Iterator[Path | DocumentError]:
    """Files as given, and text files under directories (recursive, sorted, hidden files skipped).

    Problems come in line as `DocumentError`s so the caller reports them and carries on: missing
    paths, dangling links, link loops, unreadable directories, FIFOs/devices/sockets with a document
    name. Linked directories are followed once (a directory reached again is a loop, reported).
    Files whose suffix is not a document's (`.png`) are not documents and are passed over.
    """
    for path in paths:
        name = str(path)
        try:
            st = os.stat(path)
        except OSError as exc:
            yield DocumentError(name, _os_reason(name, exc))
            continue
        if not stat.S_ISDIR(st.st_mode):
            yield path
            continue
        visited: set[tuple[int, int]] = set()
        yield from _walk(path, visited)


def _walk(root: Path, visited: set[tuple[int, int]]) -> Iterator[Path | DocumentError]:
    stack: list[Iterator[Path]] = [iter([root])]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        name = str(child)
        try:
            st = os.stat(child)
        except OSError as exc:
            yield DocumentError(name, _os_reason(name, exc))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in visited:
                yield DocumentError(name, "directory already walked (a link back into the tree), skipped")
                continue
            visited.add(key)
            try:
                entries = _entries(child)
            except OSError as exc:
                yield DocumentError(name, _os_reason(name, exc))
                continue
            stack.append(Path(e.path) for e in entries if not e.name.startswith("."))
        elif PurePath(child).suffix.lower() not in DOCUMENT_SUFFIXES:
            continue
        elif stat.S_ISREG(st.st_mode):
            yield child
        else:
            yield DocumentError(name, f"{_file_kind(st.st_mode)}, not a document file; skipped")
