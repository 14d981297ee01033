"""bench.topic_tiers times both topic tiers on the same rows and says what the accurate one decides."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import topic_tiers


def test_both_tiers_timed_on_the_same_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {"id": "a", "language": "en", "title": "Arsenal beat Chelsea 3-1",
         "text": "Bukayo Saka scored twice as Arsenal beat Chelsea 3-1 at the Emirates on Sunday.",
         "topics": ["15000000"]},
        {"id": "b", "language": "nl", "title": "Kabinet presenteert begroting",
         "text": "Het kabinet heeft dinsdag de begroting voor volgend jaar aan de Tweede Kamer gepresenteerd.",
         "topics": ["11000000"]},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    before = os.environ.get("NEWSWORKER_TOPIC_TIER")
    assert topic_tiers.main([str(path), "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 articles" in out and "1 of them in the accurate tier's languages" in out
    assert "fast " in out and "accurate " in out and "accurate / fast CPU x" in out
    assert "same primary topic in both tiers:" in out
    assert os.environ.get("NEWSWORKER_TOPIC_TIER") == before  # the setting is put back
