"""`newsworker ingest`: documents per task, 50 with tagging and 200 without (bench/RESULTS.md, 2026-12-01)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from worker import app, cli
from worker.config import Settings


def _batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings, *flags: str) -> list[int]:
    for i in range(250):
        (tmp_path / f"{i:03d}.txt").write_text(f"Bericht {i}\n\nEen kort bericht nummer {i} over de haven.\n")
    sent: list[int] = []

    def enqueue(task: str, items: list[Any], *args: Any, countdown: float | None = None) -> None:
        assert task == app.INGEST_ITEMS
        sent.append(len(items))

    monkeypatch.setattr(app, "enqueue", enqueue)
    monkeypatch.setattr(cli, "record_read_errors", lambda errors, settings: None)
    args = cli.build_parser().parse_args(["ingest", str(tmp_path), *flags])
    assert isinstance(args, argparse.Namespace) and cli.cmd_ingest(args, settings) == 0
    return sent


def test_untagged_ingestion_sends_bigger_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _batches(tmp_path, monkeypatch, Settings(tagging=True)) == [50] * 5
    assert _batches(tmp_path, monkeypatch, Settings(tagging=False)) == [200, 50]


def test_an_explicit_batch_size_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _batches(tmp_path, monkeypatch, Settings(tagging=False), "--batch-size", "100") == [100, 100, 50]
