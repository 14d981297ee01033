"""Export: every matching article as JSON lines or CSV, shared by `GET /export` and `newsworker export`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

EXPORT_FIELDS = (
    "id",
    "url",
    "source",
    "title",
    "published_at",
    "published_precision",
    "language",
    "authors",
    "word_count",
    "topics",
    "entities",
    "keywords",
    "dup_group",
    "body",
    "ingested_at",
)
DEFAULT_EXPORT_FIELDS = ("id", "url", "source", "title", "published_at", "language")


def _csv_cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(
            str(v.get("text") or v.get("label") or v.get("code")) if isinstance(v, dict) else str(v) for v in value
        )
    return "" if value is None else str(value)


def export_lines(rows: Iterator[dict[str, Any]], fields: tuple[str, ...], fmt: str) -> Iterator[str]:
    """Export rows as JSON lines or CSV (header first); shared by the API and `newsworker export`."""
    if fmt == "jsonl":
        # Chunks of ~64 KB, not a line at a time: each chunk of a streamed response is a thread hop.
        lines: list[str] = []
        size = 0
        for row in rows:
            line = json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False) + "\n"
            lines.append(line)
            size += len(line)
            if size > 65536:
                yield "".join(lines)
                lines, size = [], 0
        if lines:
            yield "".join(lines)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_csv_cell(row.get(f)) for f in fields])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
