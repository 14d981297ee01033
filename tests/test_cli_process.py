"""`newsworker process --json`: normalise + tag in-process, one JSON record per line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from worker.cli import main

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_915c5c8c3194a4b4.txt"


def test_seed_record_has_every_field_with_the_expected_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["process", str(SEED), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    required = {"id", "url", "source", "title", "title_derived", "published_at", "published_precision",
                "date_source", "language", "body", "paragraphs", "subheadings", "word_count", "content_hash",
                "entities", "topics", "keywords", "ingested_at"}
    assert required <= set(record)
    assert record["url"] is None
    assert (record["published_at"], record["published_precision"]) == ("2021-04", "month")
    assert record["language"] == "nl"
    assert record["title_derived"] is True
    assert record["subheadings"] == ["Ook Verenigd Koninkrijk trekt zich terug"]
    entities = {(e["text"], e["type"]) for e in record["entities"]}
    assert {("Afghanistan", "LOC"), ("Taliban", "ORG")} <= entities
    assert all(set(e) >= {"text", "type", "count"} for e in record["entities"])
    assert all(set(t) >= {"code", "label", "score"} for t in record["topics"])
    assert record["enrichment"]["models"]["language"]


def test_directory_prints_one_record_per_document_and_bad_files_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("title Eerste\n\nDe gemeenteraad van Utrecht vergaderde dinsdag.")
    (tmp_path / "b.txt").write_text("The council of Leeds met on Tuesday to agree the budget.")
    (tmp_path / "empty.txt").write_text("date 2021-01\n")
    assert main(["process", str(tmp_path), "--json"]) == 1
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.strip().splitlines()]
    assert sorted(r["language"] for r in records) == ["en", "nl"]
    assert "empty document" in captured.err
