"""Background exports: a job writes every match of a query to a gzip file (JSON lines or CSV) in
`export_dir`, page by page, and can be listed, followed, cancelled and resumed.

State lives in Redis: one hash per job (`{prefix}:exports:{id}`) and a sorted set of ids by creation time
(`{prefix}:exports`). Ids are random (16 hex digits): the same query exported twice is two exports of two
moments, not one.

Resuming. The file is a sequence of gzip members, one per page (concatenated members are one valid gzip
file for `gzip -d`, `zcat` and Python's `gzip`). After each page is written and fsync'd, the job records a
checkpoint: the `search_after` sort values of the page's last hit, the rows written and the file's length.
A task that starts on a job truncates the partial file to the checkpointed length (dropping a page written
after the last checkpoint) and continues after the cursor, so a worker killed anywhere leaves a file that,
once finished, holds every match exactly once.

Point in time. The job keeps its point in time (PIT) between pages and tasks. When it has expired (the job
waited in the queue, a worker died), the next task opens a fresh one and continues with the same sort values:
the sort ends with the unique article id, so no article is written twice, but an article that arrived or
changed its sort values meanwhile is in the export or not according to where it now sorts. An export is
"as of when it ran", which for a job that was interrupted spans the interruption. With `sort=relevance`
scores may change across points in time; `date` (the default) and `oldest` sort on stored values.

Slices. One task writes for at most `export_slice_seconds`, then hands the job to a continuation task, so
no task comes near the time limits or the broker's visibility timeout however long the export. Ownership:
the job names the task that owns it (`task`) and its successor (`next`); a delivery of any other task id (a
stale redelivery) does nothing. A lease (refreshed every page) holds a token drawn for each run, not the task
id, so two deliveries of one message (same task id: a redelivery while the first still runs) never write at
once: the second finds the lease held and retries later; the first, if its lease ran out meanwhile, sees
`lost` at its next checkpoint and stops (its task retries and resumes from the checkpoint).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import elasticsearch
import redis
from elasticsearch import Elasticsearch

from worker.article import utcnow
from worker.config import Settings
from worker.export import check_fields, csv_text, jsonl_text
from worker.search import SearchError, SearchQuery, Values, build_query, close_pit, pit_page, sort_spec

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv")
_JOB_ID = re.compile(r"[0-9a-f]{16}")
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")
PIT_KEEP_ALIVE = "5m"  # between two pages and between a slice and its continuation

# Take a job for `task` (its owner or named successor) under a lease; KEYS: job hash, lease.
# ARGV: task id, run token, lease ms. Returns ok | stale | busy | missing | <finished state>.
_CLAIM = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= 'queued' and state ~= 'running' then return state end
local owner = redis.call('HGET', KEYS[1], 'task')
local successor = redis.call('HGET', KEYS[1], 'next')
if ARGV[1] ~= owner and ARGV[1] ~= successor then return 'stale' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'busy' end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[1], 'task', ARGV[1], 'next', '', 'state', 'running')
return 'ok'
"""

# Record a checkpoint (or the end) if the job is still running and still ours; KEYS: job hash, lease.
# ARGV: run token, lease ms, then field/value pairs. Returns ok | lost | <state>.
_CHECKPOINT = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' then return state or 'missing' end
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 'lost' end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
local final = redis.call('HGET', KEYS[1], 'state')
if final == 'running' then redis.call('PEXPIRE', KEYS[2], ARGV[2]) else redis.call('DEL', KEYS[2]) end
return 'ok'
"""

# Hand a running job from this run's task to its successor and drop the lease; KEYS: job hash, lease.
# ARGV: task id, run token, successor id. Returns ok | lost | <state>.
_HAND_OVER = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' then return state or 'missing' end
if redis.call('HGET', KEYS[1], 'task') ~= ARGV[1] or redis.call('GET', KEYS[2]) ~= ARGV[2] then return 'lost' end
redis.call('HSET', KEYS[1], 'next', ARGV[3])
redis.call('DEL', KEYS[2])
return 'ok'
"""

# Cancel a job that has not finished; KEYS: job hash. ARGV: finished_at. Returns ok | missing | <state>.
_CANCEL = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'missing' end
if state ~= 'queued' and state ~= 'running' then return state end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'finished_at', ARGV[1])
return 'ok'
"""


class ExportNotFound(LookupError):
    """No export job with this id."""


class ExportStateError(RuntimeError):
    """The job is not in a state that allows this (cancel a finished job, download a running one)."""


@dataclass(frozen=True)
class ExportJob:
    id: str
    state: str
    format: str
    fields: tuple[str, ...]
    query: SearchQuery
    path: str
    created_at: str
    written: int = 0
    total: int | None = None
    bytes: int = 0
    size: int | None = None
    error: str | None = None
    finished_at: str | None = None
    after: list[Any] | None = None
    pit: str | None = None

    def public(self) -> dict[str, Any]:
        """What the API and `exports show` print."""
        q = self.query
        return {
            "id": self.id, "state": self.state, "format": self.format, "fields": list(self.fields),
            "query": {"q": q.text, "lang": _values(q.languages), "topic": _values(q.topics),
                      "entity": _values(q.entities), "source": _values(q.sources), "since": q.since,
                      "until": q.until, "sort": q.sort},
            "written": self.written, "total": self.total,
            "progress": round(self.written / self.total, 4) if self.total else (1.0 if self.state == "done" else 0.0),
            "path": self.path, "size": self.size, "error": self.error,
            "created_at": self.created_at, "finished_at": self.finished_at,
        }  # fmt: skip


def _values(values: Values) -> list[str]:
    return [*values.include, *(f"-{v}" for v in values.exclude)]


def query_json(q: SearchQuery) -> str:
    return json.dumps(asdict(q), sort_keys=True)


def query_from_json(raw: str) -> SearchQuery:
    data = json.loads(raw)
    for key in ("languages", "sources", "topics", "entities"):
        data[key] = Values(tuple(data[key]["include"]), tuple(data[key]["exclude"]))
    return SearchQuery(**data)


def _text(raw: dict[bytes, bytes], key: str) -> str | None:
    value = raw.get(key.encode())
    return value.decode() if value else None


class ExportJobs:
    """The jobs of one deployment (index prefix), in Redis."""

    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.redis = client
        self.settings = settings
        self.index_key = f"{settings.index_prefix}:exports"
        self._claim = client.register_script(_CLAIM)
        self._checkpoint = client.register_script(_CHECKPOINT)
        self._cancel = client.register_script(_CANCEL)
        self._hand_over = client.register_script(_HAND_OVER)

    def key(self, job_id: str) -> str:
        if not _JOB_ID.fullmatch(job_id):  # ids are ours: anything else (`x:lease`, a path) names no job
            raise ExportNotFound(f"no export {job_id[:64]}")
        return f"{self.index_key}:{job_id}"

    def lease_key(self, job_id: str) -> str:
        return f"{self.index_key}:{job_id}:lease"

    @property
    def lease_ms(self) -> int:
        """Long enough for a slice's last page; shorter than the visibility timeout, after which a dead
        worker's task is handed out again and must find the lease expired."""
        return int(1000 * (2 * self.settings.export_slice_seconds + self.settings.es_timeout))

    def create(self, query: SearchQuery, fmt: str, fields: str | list[str] | tuple[str, ...] | None,
               send: Callable[[str, str], Any]) -> ExportJob:  # fmt: skip
        """Check the request (a bad query, filter, field or format raises before anything is stored), store
        the job and send its first task with `send(job_id, task_id)`."""
        if fmt not in FORMATS:
            raise SearchError(f"format must be one of {', '.join(FORMATS)}", "format")
        chosen = check_fields(fields)
        query.validate()
        build_query(query)  # QuerySyntaxError / SearchError now, as a 400, not in the worker
        self.prune()
        job_id = secrets.token_hex(8)
        task_id = str(uuid.uuid4())
        path = self.settings.exports_path / f"{job_id}.{fmt}.gz"
        now = utcnow().isoformat()
        pipe = self.redis.pipeline()
        pipe.hset(self.key(job_id), mapping={
            "id": job_id, "state": "queued", "format": fmt, "fields": ",".join(chosen), "query": query_json(query),
            "path": str(path), "created_at": now, "written": 0, "bytes": 0, "task": "", "next": task_id,
        })  # fmt: skip
        pipe.zadd(self.index_key, {job_id: time.time()})
        pipe.execute()
        try:
            send(job_id, task_id)
        except Exception as exc:  # the broker is down: no job waits for a task that was never sent
            self.fail(job_id, f"could not queue the export: {type(exc).__name__}: {exc}")
            raise
        return self.get(job_id)

    def delivered(self, job_id: str, task_id: str, retries: int) -> int:
        """How many times this task (at this retry) was handed to a worker: more than `task_max_deliveries`
        means the slice kills its worker (out of memory on a page, say) and the job must stop, not loop."""
        key = f"{self.key(job_id)}:deliveries:{task_id}:{retries}"
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, self.settings.broker_visibility_timeout * (self.settings.task_max_deliveries + 2))
        return int(pipe.execute()[0])

    def get(self, job_id: str) -> ExportJob:
        raw = cast(dict[bytes, bytes], self.redis.hgetall(self.key(job_id)))
        if not raw:
            raise ExportNotFound(f"no export {job_id[:64]}")
        total, size, after = _text(raw, "total"), _text(raw, "size"), _text(raw, "after")
        return ExportJob(
            id=job_id, state=_text(raw, "state") or "queued", format=_text(raw, "format") or "jsonl",
            fields=tuple((_text(raw, "fields") or "id").split(",")), query=query_from_json(_text(raw, "query") or "{}"),
            path=_text(raw, "path") or "", created_at=_text(raw, "created_at") or "",
            written=int(_text(raw, "written") or 0), total=int(total) if total is not None else None,
            bytes=int(_text(raw, "bytes") or 0), size=int(size) if size is not None else None,
            error=_text(raw, "error"), finished_at=_text(raw, "finished_at"),
            after=json.loads(after) if after else None, pit=_text(raw, "pit"),
        )  # fmt: skip

    def remove(self, job_id: str) -> ExportJob:
        """Forget a finished job and delete its file; a job still queued or running must be cancelled first."""
        job = self.get(job_id)
        if job.state not in FINISHED:
            raise ExportStateError(f"export {job_id} is {job.state}: cancel it first")
        Path(job.path).unlink(missing_ok=True)
        _part(Path(job.path)).unlink(missing_ok=True)
        pipe = self.redis.pipeline()
        pipe.delete(self.key(job_id), self.lease_key(job_id))
        pipe.zrem(self.index_key, job_id)
        pipe.execute()
        return job

    def prune(self, now: datetime | None = None) -> list[str]:
        """Remove finished jobs older than `export_retention_days` (record and file); the ids removed."""
        days = self.settings.export_retention_days
        if days <= 0:
            return []
        cutoff = (now or utcnow()) - timedelta(days=days)
        removed = []
        # Finished jobs were created before they finished: only jobs created before the cutoff can qualify.
        for raw in cast(list[bytes], self.redis.zrangebyscore(self.index_key, 0, cutoff.timestamp())):
            job_id = raw.decode()
            try:
                job = self.get(job_id)
            except ExportNotFound:
                self.redis.zrem(self.index_key, job_id)  # its hash is gone: drop the dangling index entry
                continue
            finished = datetime.fromisoformat(job.finished_at) if job.finished_at else None
            if job.state in FINISHED and finished is not None and finished < cutoff:
                self.remove(job_id)
                removed.append(job_id)
        if removed:
            log.info("removed %d finished exports older than %g days", len(removed), days)
        return removed

    def list(self, limit: int = 50) -> list[ExportJob]:
        self.prune()
        ids = [i.decode() for i in cast(list[bytes], self.redis.zrevrange(self.index_key, 0, limit - 1))]
        jobs = []
        for job_id in ids:
            with contextlib.suppress(ExportNotFound):
                jobs.append(self.get(job_id))
        return jobs

    def cancel(self, job_id: str) -> ExportJob:
        """Mark the job cancelled; its task sees it at the next page and removes the partial file (a job
        still queued is removed by the task that would have started it)."""
        outcome = self._cancel(keys=[self.key(job_id)], args=[utcnow().isoformat()]).decode()
        if outcome == "missing":
            raise ExportNotFound(f"no export {job_id[:64]}")
        if outcome != "ok":
            raise ExportStateError(f"export {job_id} is {outcome} already")
        job = self.get(job_id)
        if not self.redis.exists(self.lease_key(job_id)):  # no run holds it: nobody else will remove the part
            _part(Path(job.path)).unlink(missing_ok=True)
        return job

    def claim(self, job_id: str, task_id: str, token: str) -> str:
        keys = [self.key(job_id), self.lease_key(job_id)]
        return str(self._claim(keys=keys, args=[task_id, token, self.lease_ms]).decode())

    def checkpoint(self, job_id: str, token: str, **fields: Any) -> str:
        args: list[Any] = [token, self.lease_ms]
        for name, value in fields.items():
            args += [name, value if isinstance(value, str | int) else json.dumps(value)]
        return str(self._checkpoint(keys=[self.key(job_id), self.lease_key(job_id)], args=args).decode())

    def hand_over(self, job_id: str, task_id: str, token: str, successor: str) -> str:
        """Name the successor task and drop this run's lease, if the job still runs under them."""
        keys = [self.key(job_id), self.lease_key(job_id)]
        return str(self._hand_over(keys=keys, args=[task_id, token, successor]).decode())

    def fail(self, job_id: str, reason: str) -> None:
        """A job that cannot go on: state failed with the reason (kept, listed); the partial file removed."""
        with contextlib.suppress(ExportNotFound):
            job = self.get(job_id)
            if job.state in FINISHED:
                return
            self.redis.hset(self.key(job_id), mapping={"state": "failed", "error": reason[:2000],
                                                      "finished_at": utcnow().isoformat()})  # fmt: skip
            _part(Path(job.path)).unlink(missing_ok=True)
            log.error("export %s failed: %s", job_id, reason)


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")


@dataclass(frozen=True)
class SliceOutcome:
    """What one task did: `more` asks the caller to send a continuation."""

    state: str
    written: int = 0
    more: bool = False
    token: str = ""  # the run's lease token, for the hand-over to a continuation

    def summary(self) -> dict[str, Any]:
        return {"state": self.state, "written": self.written, "more": self.more}


def _encode(rows: list[dict[str, Any]], fields: tuple[str, ...], fmt: str, header: bool) -> bytes:
    text = jsonl_text(rows, fields) if fmt == "jsonl" else csv_text(rows, fields, header=header)
    return text.encode("utf-8")


def write_member(out: Any, data: bytes) -> int:
    """Append one gzip member and make it durable; the file's new length."""
    out.write(gzip.compress(data, compresslevel=6, mtime=0))
    out.flush()
    os.fsync(out.fileno())
    return int(out.tell())


def _open_at(part: Path, length: int) -> Any:
    """The partial file, cut back to the checkpointed length (a page written after the checkpoint goes)."""
    part.parent.mkdir(parents=True, exist_ok=True)
    if length == 0:
        return part.open("wb")
    out = part.open("r+b")
    out.truncate(length)
    out.seek(length)
    return out


def _page(es: Elasticsearch, settings: Settings, job: ExportJob, pit: str | None, after: list[Any] | None,
          query: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:  # fmt: skip
    """One page after `after` from the job's point in time, or from a fresh one when it has expired."""
    sort = sort_spec(job.query.sort, bool(job.query.text.strip()))
    for attempt in (0, 1):
        fresh = pit is None
        if pit is None:
            pit = str(es.open_point_in_time(index=settings.read_alias, keep_alive=PIT_KEEP_ALIVE)["id"])
        try:
            return pit_page(es, query, sort, pit=pit, after=after, size=settings.export_page_size,
                            source=list(job.fields), keep_alive=PIT_KEEP_ALIVE)  # fmt: skip
        except elasticsearch.NotFoundError:
            if attempt or fresh:
                raise
            log.info("export %s: point in time expired; continuing from a fresh one", job.id)
            pit = None
    raise AssertionError("unreachable")


def run_slice(es: Elasticsearch, jobs: ExportJobs, job_id: str, task_id: str,
              clock: Callable[[], float] = time.monotonic) -> SliceOutcome:  # fmt: skip
    """Write pages of one export job until it is done, cancelled, or this slice's time is up."""
    settings = jobs.settings
    token = uuid.uuid4().hex  # this run's, not the task's: a redelivery of the same task must find it held
    claimed = jobs.claim(job_id, task_id, token)
    if claimed != "ok":
        if claimed == "cancelled":
            with contextlib.suppress(ExportNotFound):
                _part(Path(jobs.get(job_id).path)).unlink(missing_ok=True)
        return SliceOutcome(state=claimed)
    job = jobs.get(job_id)
    deadline = clock() + settings.export_slice_seconds
    query = build_query(job.query)
    part = _part(Path(job.path))
    length, written, after, pit = job.bytes, job.written, job.after, job.pit
    if length and not part.exists():  # the partial file was lost (another disk, removed): start again
        log.warning("export %s: partial file %s missing; starting again", job_id, part)
        length, written, after, pit = 0, 0, None, None
    if job.total is None or not length:
        total = int(es.count(index=settings.read_alias, query=query)["count"])
        jobs.checkpoint(job_id, token, total=total)
    state = "running"
    with _open_at(part, length) as out:
        if length == 0:
            length = write_member(out, _encode([], job.fields, job.format, header=True))
        while True:
            pit, hits = _page(es, settings, job, pit, after, query)
            if hits:
                rows = [dict(hit["_source"]) for hit in hits]
                length = write_member(out, _encode(rows, job.fields, job.format, header=False))
                written += len(hits)
                after = hits[-1]["sort"]
            last = len(hits) < settings.export_page_size
            fields: dict[str, Any] = {"written": written, "bytes": length, "after": after, "pit": pit}
            if last:
                final = Path(job.path)
                os.replace(part, final)
                _fsync_dir(final.parent)
                fields.update(state="done", size=length, finished_at=utcnow().isoformat(), total=written, pit="")
            state = jobs.checkpoint(job_id, token, **fields)
            if state != "ok" or last:
                break
            if clock() >= deadline:
                return SliceOutcome(state="running", written=written, more=True, token=token)
    if state == "ok":  # finished: the point in time is no longer needed
        close_pit(es, pit)
        return SliceOutcome(state="done", written=written)
    if state in ("cancelled", "failed", "missing"):  # cancelled, failed or removed meanwhile: nothing to keep
        part.unlink(missing_ok=True)
        Path(job.path).unlink(missing_ok=True)
        close_pit(es, pit)
    # "lost": this run's lease ran out (a page slower than the lease) and the job may be another run's now;
    # what this run wrote after its last checkpoint is cut off by whichever run resumes.
    return SliceOutcome(state=state, written=written)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
