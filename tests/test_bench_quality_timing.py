"""bench.quality times the stages per core: a stage is charged the CPU it uses, not the time it waits."""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.quality import interleaved_times


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_waiting_stage_is_charged_its_wall_time_but_not_cpu() -> None:
    calls: list[str] = []

    def waits() -> None:
        calls.append("waits")
        time.sleep(0.05)

    def works() -> None:
        calls.append("works")
        _busy(0.05)

    stages: dict[str, Callable[[], object]] = {"waits": waits, "works": works}
    runs = interleaved_times(stages, repeats=3)
    # one untimed round first, then the stages in turn in every round
    assert calls == ["waits", "works"] * 4
    assert [len(times) for times in runs.values()] == [3, 3]
    for cpu, wall in runs["waits"]:
        assert cpu < 0.02 and wall >= 0.05
    for cpu, wall in runs["works"]:
        assert cpu >= 0.05 and wall >= cpu - 0.01
