"""Stage timers and histogram buckets (no services: the Redis side is in tests/integration/test_ops.py)."""

from __future__ import annotations

import threading

from worker.timings import LATENCY_BUCKETS, bucket_index, latency_since, take_stage_times, timed


def test_bucket_index_puts_a_value_in_the_first_bucket_that_holds_it() -> None:
    assert bucket_index((1.0, 5.0), 0.2) == 0
    assert bucket_index((1.0, 5.0), 1.0) == 0  # upper bounds are inclusive, as Prometheus' `le`
    assert bucket_index((1.0, 5.0), 3.0) == 1
    assert bucket_index((1.0, 5.0), 99.0) == 2  # +Inf
    assert bucket_index(LATENCY_BUCKETS, 10**9) == len(LATENCY_BUCKETS)


def test_timed_stages_are_kept_per_thread_until_taken() -> None:
    take_stage_times()

    @timed("tag")
    def tag() -> None:
        pass

    with timed("normalise"):
        pass
    tag()
    other: list[tuple[str, float]] = []
    thread = threading.Thread(target=lambda: (tag(), other.extend(take_stage_times())))
    thread.start()
    thread.join()
    taken = take_stage_times()
    assert [stage for stage, _ in taken] == ["normalise", "tag"]
    assert all(seconds >= 0 for _, seconds in taken)
    assert [stage for stage, _ in other] == ["tag"]
    assert take_stage_times() == []


def test_a_stage_that_raises_is_still_timed() -> None:
    take_stage_times()
    try:
        with timed("index"):
            raise RuntimeError("bulk failed")
    except RuntimeError:
        pass
    assert [stage for stage, _ in take_stage_times()] == ["index"]


def test_latency_since_reads_the_header_and_ignores_garbage() -> None:
    assert latency_since(100.0, now=160.5) == 60.5
    assert latency_since("100", now=101.0) == 1.0
    assert latency_since(None) is None
    assert latency_since("yesterday") is None


def test_a_batch_resent_by_its_own_task_keeps_the_first_enqueue_time() -> None:
    from celery._state import _task_stack

    import worker.tasks  # noqa: F401  (registers the tasks)
    from worker.app import FETCH_PAGES, INGEST_ITEMS, _stamp_enqueued_at, app

    task = app.tasks[INGEST_ITEMS]
    task.push_request(enqueued_at=50.0)
    _task_stack.push(task)
    try:
        halves: dict[str, object] = {}
        _stamp_enqueued_at(sender=INGEST_ITEMS, headers=halves)  # split halves, retries: same items
        assert halves == {"enqueued_at": 50.0}
        other: dict[str, float] = {}
        _stamp_enqueued_at(sender=FETCH_PAGES, headers=other)  # new work the task hands on: a new stamp
        assert other["enqueued_at"] > 50.0
    finally:
        _task_stack.pop()
        task.pop_request()
    stamped = {"enqueued_at": 7.0}
    _stamp_enqueued_at(sender=INGEST_ITEMS, headers=stamped)
    assert stamped == {"enqueued_at": 7.0}
