"""Plain-text documents: header lines (`date 2021-04`, `key value`) then the story; files, dirs, stdin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from worker.article import RawItem

# Header keys the pipeline understands; other `key value` lines before the body are kept as metadata.
KNOWN_KEYS = frozenset({"date", "title", "url", "source", "author", "language", "lang"})
_DATE_HEADER = re.compile(r"^date[ \t:]+(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)\b[ \t]*(.*)$", re.IGNORECASE)
_KEY_VALUE = re.compile(r"^([a-z][a-z0-9_-]{0,30}):?[ \t]+(\S.*)$")
_MAX_UNKNOWN_VALUE = 120
DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ""})


class DocumentError(ValueError):
    """A document that cannot be read as text; the message names the file and the reason."""


@dataclass
class ParsedDocument:
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


def _is_unknown_header(key: str, value: str) -> bool:
    return len(value) <= _MAX_UNKNOWN_VALUE and value[-1] not in ".!?\"'”"


def parse_document(text: str) -> ParsedDocument:
    """Split header lines from the body.

    The seed shape puts the date header and the lede on one line (` date 2021-04 De Verenigde ...`),
    so a `date` header ends at its date and the rest of the line starts the body.
    """
    lines = text.lstrip("\ufeff").split("\n")
    headers: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        date = _DATE_HEADER.match(line)
        if date and "date" not in headers:
            headers["date"] = date.group(1)
            rest = date.group(2).strip()
            if rest:
                lines[i] = rest
                break
            i += 1
            continue
        kv = _KEY_VALUE.match(line)
        if (
            kv
            and kv.group(1) not in headers
            and (kv.group(1) in KNOWN_KEYS or _is_unknown_header(kv.group(1), kv.group(2)))
        ):
            headers[kv.group(1)] = kv.group(2).strip()
            i += 1
            continue
        break
    return ParsedDocument(headers=headers, body="\n".join(lines[i:]).strip())


def document_item(text: str, *, name: str, source: str = "documents") -> RawItem:
    """A RawItem from a document's text; `name` (a file name) is kept as metadata, not identity."""
    parsed = parse_document(text)
    headers = dict(parsed.headers)
    metadata = {k: v for k, v in headers.items() if k not in KNOWN_KEYS}
    metadata["document"] = name
    return RawItem(
        kind="document",
        source=headers.get("source", source),
        url=headers.get("url"),
        text=parsed.body,
        title=headers.get("title"),
        published=headers.get("date"),
        # Several authors are separated by ';' (a comma may be part of one name: "Jansen, Piet").
        authors=[a.strip() for a in headers.get("author", "").split(";") if a.strip()],
        declared_language=headers.get("language") or headers.get("lang"),
        metadata=metadata,
    )


def read_document(path: Path, *, max_bytes: int) -> str:
    """The file's text; refuses oversize and non-text files with a reason instead of guessing."""
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(f"{path}: {size} bytes is over the {max_bytes}-byte limit for documents")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{path}: binary file (NUL bytes), not a plain-text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Older newsroom exports are often Windows-1252; it decodes any byte string, so say so.
        return data.decode("cp1252", errors="replace")


def iter_document_paths(paths: list[Path]) -> Iterator[Path]:
    """Files as given, and text files under directories (recursive, sorted, hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in DOCUMENT_SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        else:
            raise DocumentError(f"{path}: no such file or directory")
