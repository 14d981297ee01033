"""Export: every matching article as JSON lines or CSV, shared by `GET /export` and `newsworker export`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
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


def jsonl_text(rows: Iterable[dict[str, Any]], fields: tuple[str, ...]) -> str:
    """Rows as JSON lines, each ending in a newline."""
    return "".join(json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False) + "\n" for row in rows)


def csv_text(rows: Iterable[dict[str, Any]], fields: tuple[str, ...], *, header: bool) -> str:
    """Rows as CSV (lists joined with "; "), after a header row when asked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(fields)
    for row in rows:
        writer.writerow([_csv_cell(row.get(f)) for f in fields])
    return buffer.getvalue()


def check_fields(fields: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The export fields asked for (comma-separated or a list), the defaults when none; SearchError naming
    `fields` for an unknown one."""
    from worker.search import SearchError

    if not fields:
        return DEFAULT_EXPORT_FIELDS
    parts = fields.split(",") if isinstance(fields, str) else [p for f in fields for p in f.split(",")]
    chosen = tuple(f.strip() for f in parts if f.strip())
    unknown = [f for f in chosen if f not in EXPORT_FIELDS]
    if unknown or not chosen:
        raise SearchError(f"unknown export field(s) {', '.join(unknown)}; fields: {', '.join(EXPORT_FIELDS)}", "fields")
    return chosen


def export_lines(rows: Iterator[dict[str, Any]], fields: tuple[str, ...], fmt: str) -> Iterator[str]:
    """Export rows as JSON lines or CSV (header first); shared by the API and `newsworker export`.
    Chunks of ~64 KB, not a line at a time: each chunk of a streamed response is a thread hop."""
    page: list[dict[str, Any]] = []
    first = True
    for row in rows:
        page.append(row)
        if len(page) == 256:
            yield jsonl_text(page, fields) if fmt == "jsonl" else csv_text(page, fields, header=first)
            page, first = [], False
    if page or (first and fmt == "csv"):
        yield jsonl_text(page, fields) if fmt == "jsonl" else csv_text(page, fields, header=first)
