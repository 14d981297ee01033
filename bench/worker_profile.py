"""pyinstrument inside a Celery worker's processes, for `python -m bench --profile-worker DIR`.

`install(directory)` is called in the worker's main process before `worker_main`: the main process (consumer,
acks, pool bookkeeping) is profiled from `worker_init` to `worker_shutdown`, each pool child from
`worker_process_init` to `worker_process_shutdown` (a warm shutdown, which SIGTERM starts, sends both). Each
process writes `DIR/<role>-<pid>.txt`. pyinstrument samples the main thread only, which is where a prefork
child runs its tasks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from celery.signals import worker_init, worker_process_init, worker_process_shutdown, worker_shutdown
from pyinstrument import Profiler

_profiler: dict[str, Profiler] = {}


def _start(role: str) -> None:
    profiler = Profiler(interval=0.001)
    profiler.start()
    _profiler[role] = profiler


def _stop(role: str, directory: Path) -> None:
    profiler = _profiler.pop(role, None)
    if profiler is None:
        return
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    (directory / f"{role}-{os.getpid()}.txt").write_text(text)


def install(directory: str) -> None:
    """Connect the start/stop handlers (weakly referenced by Celery's signals, so kept here)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)

    def main_start(**_: Any) -> None:
        _start("main")

    def main_stop(**_: Any) -> None:
        _stop("main", out)

    def child_start(**_: Any) -> None:
        inherited = _profiler.pop("main", None)  # the parent's, copied by the fork: one per thread may run
        if inherited is not None:
            inherited.stop()
        _start("child")

    def child_stop(**_: Any) -> None:
        _stop("child", out)

    handlers.extend([main_start, main_stop, child_start, child_stop])
    worker_init.connect(main_start)
    worker_shutdown.connect(main_stop)
    worker_process_init.connect(child_start)
    worker_process_shutdown.connect(child_stop)


handlers: list[Any] = []
