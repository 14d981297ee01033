"""The background export's Celery task, thin: one slice of a job (worker/export_jobs.py), then the hand-over
to a continuation task while the job has pages left.

Every slice is in the task ledger (worker/ledger.py) from the moment it is sent until it ends: a continuation
taken by a worker that died before Kombu recorded it as unacknowledged is sent again under its own id (the job
names that id as its successor, so the re-sent task resumes it from the checkpoint)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import Task

from worker.app import EXPORT_RUN, TRANSIENT_ERRORS, app, es_client, redis_client, strike_off
from worker.config import get_settings
from worker.export_jobs import ExportJobs, run_slice

log = logging.getLogger(__name__)


def export_jobs() -> ExportJobs:
    return ExportJobs(redis_client(), get_settings())


def send_export(job_id: str, task_id: str) -> None:
    """Send one slice of a job, by task name, under the id the job expects."""
    app.send_task(EXPORT_RUN, args=[job_id], task_id=task_id)


class ExportTask(Task):
    """Transient errors (Elasticsearch or Redis down) are retried with backoff and jitter; anything that
    escapes after that (retries spent, a bug, a time limit) marks the job failed with the reason."""

    abstract = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_jitter = True
    acks_late = True

    def on_failure(self, exc: BaseException, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                   einfo: Any) -> None:  # fmt: skip
        if args:
            reason = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, TRANSIENT_ERRORS):
                reason = f"gave up after {self.request.retries} retries: {reason}"
            export_jobs().fail(str(args[0]), reason)
        strike_off(task_id)


ExportTask.max_retries = get_settings().task_max_retries
ExportTask.retry_backoff_max = get_settings().task_retry_backoff_max


@app.task(bind=True, base=ExportTask, name=EXPORT_RUN)
def run_export(self: Task, job_id: str) -> dict[str, Any]:
    jobs = export_jobs()
    task_id = str(self.request.id)
    deliveries = jobs.delivered(job_id, task_id, self.request.retries)
    if deliveries > get_settings().task_max_deliveries:
        jobs.fail(job_id, f"worker process died {deliveries - 1} times on this export (killed or out of memory)")
        return ended(self, {"state": "failed", "written": 0, "more": False})
    outcome = run_slice(es_client(), jobs, job_id, task_id)
    if outcome.state in ("busy", "lost"):
        # busy: another delivery of this message still writes; lost: this run's lease ran out mid-slice.
        raise look_again(self, jobs)
    if outcome.more:
        successor = str(uuid.uuid4())
        handed = jobs.hand_over(job_id, task_id, outcome.token, successor)
        if handed == "lost":
            # the lease ran out between the last checkpoint and the hand-over: nobody is named to go on
            raise look_again(self, jobs)
        if handed == "ok":
            send_export(job_id, successor)  # in the ledger before this slice leaves it
    return ended(self, outcome.summary())


def look_again(task: Task, jobs: ExportJobs) -> Exception:
    """The retry of a slice that could not go on now: after a lease the job is finished, taken by another run, or
    free to resume from its checkpoint. It is sent under the same id, which keeps the slice in the ledger."""
    return task.retry(countdown=jobs.lease_ms / 1000, max_retries=None)


def ended(task: Task, result: dict[str, Any]) -> dict[str, Any]:
    """This slice is over (finished, handed on, or found nothing to do): off the ledger."""
    if not task.request.called_directly:
        strike_off(task.request.id)
    return result
