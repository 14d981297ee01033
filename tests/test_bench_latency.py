"""The latency bench's split of enqueue -> searchable at its task's start and end (bench/suite.py, issue 14 (d))."""

from __future__ import annotations

import pytest

from bench.suite import latency_split, percentile


def test_each_article_is_split_into_queue_wait_task_run_and_refresh() -> None:
    sent = {"a": 10.0, "b": 20.0}
    seen = {"a": 11.5, "b": 20.9}
    events = {
        "a": {"task-received": 10.1, "task-started": 10.2, "task-succeeded": 10.5},
        "b": {"task-received": 20.05, "task-started": 20.1, "task-succeeded": 20.3},
    }
    split = latency_split(sent, seen, events)
    assert split["queue wait"]["mean_s"] == pytest.approx((0.2 + 0.1) / 2)
    assert split["  to worker"]["mean_s"] == pytest.approx((0.1 + 0.05) / 2)
    assert split["  reserved"]["mean_s"] == pytest.approx((0.1 + 0.05) / 2)
    assert split["task run"]["mean_s"] == pytest.approx((0.3 + 0.2) / 2)
    assert split["index -> searchable"]["mean_s"] == pytest.approx((1.0 + 0.6) / 2)
    assert split["total"]["p95_s"] == pytest.approx(1.5)
    # every part is measured for both articles
    for part in ("queue wait", "task run", "index -> searchable"):
        assert split[part]["n"] == 2


def test_an_article_whose_task_events_are_missing_is_left_out_not_guessed() -> None:
    split = latency_split({"a": 1.0, "b": 2.0}, {"a": 2.0, "b": 3.0},
                          {"a": {"task-started": 1.1, "task-succeeded": 1.4}, "b": {"task-started": 2.1}})  # fmt: skip
    assert split["total"]["n"] == 1 and split["task run"]["p50_s"] == pytest.approx(0.3)
    assert split["  to worker"]["n"] == 0


def test_percentile_is_by_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 51.0 and percentile(values, 95) == 96.0 and percentile(values, 99) == 100.0
