"""Background exports on real Redis, Elasticsearch and a Celery worker: a job writes every match once, in
slices that resume from their checkpoint, can be cancelled, and bad requests are 400s / exit status 2."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from tests.integration.cleanup import delete_sources
from worker import api
from worker.api import app
from worker.article import Article
from worker.cli import main
from worker.config import Settings
from worker.export_jobs import ExportJobs, ExportStateError, run_slice
from worker.index.store import index_articles
from worker.search import SearchQuery, Values

pytestmark = pytest.mark.integration
SOURCE = "exports-test"
N = 2345


@pytest.fixture(scope="module")
def corpus(es: Elasticsearch, settings: Settings) -> Iterator[list[Article]]:
    """N articles, a third of them about a 'havenstaking'; dates over 2025 (some without a date)."""
    articles = []
    for i in range(N):
        title = f"Havenstaking bericht {i}" if i % 3 == 0 else f"Ander nieuws {i}"
        digest = hashlib.sha256(f"{SOURCE}-{i}".encode()).hexdigest()
        published = None if i % 97 == 0 else f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
        articles.append(Article(id=digest, source=SOURCE, title=title, body=f"{title}. Tekst, met \"quotes\".",
                                content_hash=digest, language="nl", published_at=published,
                                published_precision="second" if published else None))  # fmt: skip
    index_articles(es, settings, articles)
    es.indices.refresh(index=settings.read_alias)
    yield articles
    delete_sources(es, settings, [SOURCE])


@pytest.fixture
def local(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"export_dir": tmp_path / "exports"})


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch, local: Settings) -> dict[str, str]:
    monkeypatch.setattr(api, "api_settings", lambda: Settings(api_keys="r:read,w:read+write", api_auth="on"))
    monkeypatch.setattr(api, "_settings", lambda: local)
    return {"x-api-key": "w"}


def ids_in(path: Path, fmt: str) -> list[str]:
    text = gzip.decompress(path.read_bytes()).decode()
    if fmt == "csv":
        return [row["id"] for row in csv.DictReader(io.StringIO(text))]
    return [json.loads(line)["id"] for line in text.splitlines()]


def search_count(es: Elasticsearch, settings: Settings, q: str) -> int:
    from worker.search import build_query

    query = build_query(SearchQuery(text=q, sources=Values((SOURCE,))))
    return int(es.count(index=settings.read_alias, query=query)["count"])


def wait_state(client: TestClient, job_id: str, states: tuple[str, ...], timeout: float = 120) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/exports/{job_id}", headers={"x-api-key": "r"}).json()
        if job["state"] in states:
            return dict(job)
        time.sleep(0.2)
    raise AssertionError(f"export {job_id} not {states} after {timeout} s: {job}")


def test_background_export_through_the_worker_writes_every_match_once(
    corpus: list[Article], es: Elasticsearch, settings: Settings, keys: dict[str, str], celery_worker: None
) -> None:
    client = TestClient(app)
    started = client.post("/exports", headers=keys, json={"q": "havenstaking", "source": SOURCE, "format": "csv",
                                                          "fields": ["id", "title", "published_at"]})  # fmt: skip
    assert started.status_code == 202, started.text
    job = wait_state(client, started.json()["id"], ("done", "failed"))
    expected = search_count(es, settings, "havenstaking")
    assert job["state"] == "done", job
    assert job["written"] == job["total"] == expected == len(range(0, N, 3))
    ids = ids_in(Path(str(job["path"])), "csv")
    assert len(ids) == len(set(ids)) == expected
    assert job["size"] == Path(str(job["path"])).stat().st_size
    download = client.get(f"/exports/{job['id']}/file", headers={"x-api-key": "r"})
    assert download.status_code == 200 and download.headers["content-type"] == "application/gzip"
    assert download.content == Path(str(job["path"])).read_bytes()
    assert job["id"] in [j["id"] for j in client.get("/exports", headers={"x-api-key": "r"}).json()["exports"]]


def test_slices_resume_from_the_checkpoint_and_drop_what_came_after_it(
    corpus: list[Article], es: Elasticsearch, redis_client: redis.Redis, local: Settings
) -> None:
    """Each slice writes one page and hands over; bytes written after a checkpoint (a worker that died
    between fsync and checkpoint) are cut off by the next slice."""
    small = local.model_copy(update={"export_page_size": 200, "export_slice_seconds": 0})
    jobs = ExportJobs(redis_client, small)
    sent: list[str] = []
    job = jobs.create(SearchQuery(sources=Values((SOURCE,)), sort="oldest"), "jsonl", "id,title",
                      lambda _job, task: sent.append(task))  # fmt: skip
    slices, previous = 0, None
    while True:
        task = sent[-1]
        outcome = run_slice(es, jobs, job.id, task)
        slices += 1
        if not outcome.more:
            break
        if previous is not None:  # its successor took the job: a late redelivery of it does nothing
            assert run_slice(es, jobs, job.id, previous).state == "stale"
        previous = task
        part = Path(job.path + ".part")
        with part.open("ab") as out:  # a page that never reached its checkpoint
            out.write(gzip.compress(b'{"id": "half-written"}\n'))
        successor = uuid.uuid4().hex
        assert jobs.hand_over(job.id, task, outcome.token, successor) == "ok"
        sent.append(successor)
    done = jobs.get(job.id)
    assert outcome.state == done.state == "done"
    assert slices == N // 200 + 1
    ids = ids_in(Path(done.path), "jsonl")
    assert len(ids) == len(set(ids)) == N == done.written == done.total
    assert "half-written" not in ids
    assert not Path(job.path + ".part").exists()


def test_an_expired_point_in_time_is_replaced_by_a_fresh_one(
    corpus: list[Article], es: Elasticsearch, redis_client: redis.Redis, local: Settings
) -> None:
    small = local.model_copy(update={"export_page_size": 1000, "export_slice_seconds": 0})
    jobs = ExportJobs(redis_client, small)
    sent: list[str] = []
    job = jobs.create(SearchQuery(sources=Values((SOURCE,))), "jsonl", None, lambda _j, t: sent.append(t))
    outcome = run_slice(es, jobs, job.id, sent[-1])
    assert outcome.more
    pit = jobs.get(job.id).pit
    assert pit
    es.close_point_in_time(id=pit)  # as when the job waited longer than the keep-alive
    task = sent[-1]
    for k in range(10):
        assert jobs.hand_over(job.id, task, outcome.token, f"slice-{k}") == "ok"
        task = f"slice-{k}"
        outcome = run_slice(es, jobs, job.id, task)
        if not outcome.more:
            break
    assert jobs.get(job.id).state == "done"
    ids = ids_in(Path(jobs.get(job.id).path), "jsonl")
    assert len(ids) == len(set(ids)) == N


def test_cancel_stops_the_job_and_removes_the_partial_file(
    corpus: list[Article], es: Elasticsearch, redis_client: redis.Redis, local: Settings, keys: dict[str, str]
) -> None:
    small = local.model_copy(update={"export_page_size": 100, "export_slice_seconds": 0})
    jobs = ExportJobs(redis_client, small)
    sent: list[str] = []
    job = jobs.create(SearchQuery(sources=Values((SOURCE,))), "jsonl", None, lambda _j, t: sent.append(t))
    first = run_slice(es, jobs, job.id, sent[-1])
    assert first.more
    part = Path(job.path + ".part")
    assert part.stat().st_size > 0
    client = TestClient(app)
    cancelled = client.delete(f"/exports/{job.id}", headers=keys)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert jobs.hand_over(job.id, sent[-1], first.token, "next") == "cancelled"  # no successor named
    assert run_slice(es, jobs, job.id, sent[-1]).state == "cancelled"
    assert not part.exists() and not Path(job.path).exists()
    assert jobs.get(job.id).state == "cancelled" and jobs.get(job.id).written == 100
    with pytest.raises(ExportStateError):
        jobs.cancel(job.id)
    assert client.delete(f"/exports/{job.id}", headers=keys).status_code == 409
    gone = client.get(f"/exports/{job.id}/file", headers=keys)
    assert gone.status_code == 409 and "cancelled" in gone.json()["error"]


def test_a_job_cancelled_while_running_in_the_worker_stops(
    corpus: list[Article], keys: dict[str, str], celery_worker: None
) -> None:
    client = TestClient(app)
    started = client.post("/exports", headers=keys, json={"source": SOURCE, "fields": "id,body"}).json()
    cancelled = client.delete(f"/exports/{started['id']}", headers=keys)
    # The worker may have finished the small export first: then cancelling is a 409, and the file stays.
    if cancelled.status_code == 409:
        assert wait_state(client, started["id"], ("done",))["written"] == N
        return
    assert cancelled.status_code == 200
    time.sleep(2)
    job = wait_state(client, started["id"], ("cancelled",))
    assert not Path(str(job["path"])).exists() and not Path(str(job["path"]) + ".part").exists()


def test_bad_export_requests_are_400_with_the_parameter(keys: dict[str, str], es: Elasticsearch) -> None:
    client = TestClient(app)
    bad_query = client.post("/exports", headers=keys, json={"q": "(havenstaking"})
    assert bad_query.status_code == 400
    assert bad_query.json()["param"] == "q" and bad_query.json()["position"] == 13
    bad_field = client.post("/exports", headers=keys, json={"fields": "id,nope"})
    assert bad_field.status_code == 400 and bad_field.json()["param"] == "fields"
    assert "nope" in bad_field.json()["error"]
    bad_format = client.post("/exports", headers=keys, json={"format": "xml"})
    assert bad_format.status_code == 400 and bad_format.json()["param"] == "format"
    unknown = client.post("/exports", headers=keys, json={"languages": "nl"})
    assert unknown.status_code == 400 and unknown.json()["param"] == "languages"
    bad_date = client.post("/exports", headers=keys, json={"since": "gisteren"})
    assert bad_date.status_code == 400 and bad_date.json()["param"] == "since"
    assert client.post("/exports", headers={"x-api-key": "r"}, json={}).status_code == 403
    assert client.get("/exports/0123456789abcdef", headers=keys).status_code == 404
    assert client.delete("/exports/0123456789abcdef", headers=keys).status_code == 404
    assert client.get("/exports/0123456789abcdef/file", headers=keys).status_code == 404


def test_cli_background_export_and_exports_commands(
    corpus: list[Article], local: Settings, capsys: pytest.CaptureFixture[str], celery_worker: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("worker.cli.get_settings", lambda: local)
    assert main(["export", "havenstaking", "--source", SOURCE, "--format", "jsonl", "--background"]) == 0
    job_id = capsys.readouterr().out.strip()
    assert len(job_id) == 16
    assert main(["exports", "show", job_id, "--wait", "120", "--json"]) == 0  # 0: done within the wait
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "done" and shown["written"] == len(range(0, N, 3))
    assert Path(shown["path"]).parent == local.exports_path
    assert len(set(ids_in(Path(shown["path"]), "jsonl"))) == shown["written"]
    assert main(["exports", "list"]) == 0
    assert job_id in capsys.readouterr().out
    assert main(["exports", "cancel", job_id]) == 1  # done already
    assert "done already" in capsys.readouterr().err
    assert main(["exports", "show", "nosuchexport"]) == 1
    assert main(["export", "(haven", "--background"]) == 2
    assert "expected ')'" in capsys.readouterr().err
    assert main(["export", "x", "--fields", "id,nope", "--background"]) == 2
    assert "unknown export field(s) nope" in capsys.readouterr().err
    assert main(["export", "x", "--background", "-o", "out.jsonl"]) == 2
    assert main(["exports", "remove", job_id]) == 0
    assert not Path(shown["path"]).exists()
    assert main(["exports", "show", job_id]) == 1


def test_a_job_whose_task_cannot_be_sent_is_failed_not_left_queued(redis_client: redis.Redis,
                                                                  local: Settings) -> None:  # fmt: skip
    jobs = ExportJobs(redis_client, local)

    def broker_down(_job: str, _task: str) -> None:
        raise ConnectionError("broker unreachable")

    with pytest.raises(ConnectionError):
        jobs.create(SearchQuery(text="x"), "jsonl", None, broker_down)
    failed = jobs.list(1)[0]
    assert failed.state == "failed" and "could not queue the export" in (failed.error or "")


def test_a_slice_that_kills_its_worker_again_and_again_fails_the_job(redis_client: redis.Redis,
                                                                     local: Settings) -> None:  # fmt: skip
    from worker.export_tasks import run_export

    jobs = ExportJobs(redis_client, local)
    sent: list[str] = []
    job = jobs.create(SearchQuery(text="x"), "jsonl", None, lambda _j, t: sent.append(t))
    for _ in range(local.task_max_deliveries):  # the deliveries whose worker died
        jobs.delivered(job.id, sent[-1], 0)
    result = run_export.apply(args=[job.id], task_id=sent[-1]).get()
    assert result["state"] == "failed"
    assert jobs.get(job.id).state == "failed" and "died 3 times" in (jobs.get(job.id).error or "")


def test_finished_exports_older_than_the_retention_are_removed_with_their_files(
    redis_client: redis.Redis, local: Settings
) -> None:
    from datetime import timedelta

    from worker.article import utcnow

    jobs = ExportJobs(redis_client, local.model_copy(update={"export_retention_days": 7.0}))
    local.exports_path.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, state, age_days in (("old-done", "done", 9), ("old-running", "running", 9), ("new-done", "done", 1)):
        job = jobs.create(SearchQuery(text=name), "jsonl", None, lambda _j, _t: None)
        finished = (utcnow() - timedelta(days=age_days)).isoformat()
        redis_client.hset(jobs.key(job.id), mapping={"state": state, "finished_at": finished})
        redis_client.zadd(jobs.index_key, {job.id: time.time() - age_days * 86_400})
        Path(job.path).write_bytes(b"x")
        made[name] = job
    listed = {job.id for job in jobs.list(100)}  # listing prunes
    assert made["old-done"].id not in listed and not Path(made["old-done"].path).exists()
    assert made["old-running"].id in listed and Path(made["old-running"].path).exists()  # not finished: kept
    assert made["new-done"].id in listed and Path(made["new-done"].path).exists()
    with pytest.raises(ExportStateError, match="cancel it first"):
        jobs.remove(made["old-running"].id)
    jobs.remove(made["new-done"].id)
    assert not Path(made["new-done"].path).exists()
    assert made["new-done"].id not in {job.id for job in jobs.list(100)}
    jobs.redis.delete(jobs.key(made["old-running"].id))
    jobs.redis.zrem(jobs.index_key, made["old-running"].id)


def test_two_deliveries_of_one_task_never_write_at_once(
    corpus: list[Article], es: Elasticsearch, redis_client: redis.Redis, local: Settings
) -> None:
    """The lease holds a token per run, not the task id: a redelivery of the same task while the first run
    holds the lease is refused (busy); a run whose lease ran out stops at its next checkpoint (lost)."""
    small = local.model_copy(update={"export_page_size": 100, "export_slice_seconds": 0})
    jobs = ExportJobs(redis_client, small)
    sent: list[str] = []
    job = jobs.create(SearchQuery(sources=Values((SOURCE,))), "jsonl", None, lambda _j, t: sent.append(t))
    assert jobs.claim(job.id, sent[-1], "first-run") == "ok"
    assert jobs.claim(job.id, sent[-1], "second-run") == "busy"  # same task id, another delivery
    assert run_slice(es, jobs, job.id, sent[-1]).state == "busy"
    assert jobs.checkpoint(job.id, "first-run", written=0) == "ok"
    redis_client.delete(jobs.lease_key(job.id))  # the first run's lease runs out (a page slower than it)
    assert jobs.checkpoint(job.id, "first-run", written=0) == "lost"
    outcome = run_slice(es, jobs, job.id, sent[-1])  # the task retried: claims afresh, resumes
    assert outcome.more and outcome.token not in ("", "first-run")
    assert jobs.hand_over(job.id, sent[-1], "first-run", "nope") == "lost"  # only the lease's run hands over
    jobs.cancel(job.id)
    assert run_slice(es, jobs, job.id, sent[-1]).state == "cancelled"


def test_a_job_removed_while_its_slice_runs_leaves_no_file(
    corpus: list[Article], es: Elasticsearch, redis_client: redis.Redis, local: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    jobs = ExportJobs(redis_client, local.model_copy(update={"export_page_size": 100}))
    sent: list[str] = []
    job = jobs.create(SearchQuery(sources=Values((SOURCE,))), "jsonl", None, lambda _j, t: sent.append(t))
    real = jobs.checkpoint
    calls = []

    def removed_after_two_pages(job_id: str, token: str, **fields: object) -> str:
        calls.append(fields)
        if len(calls) == 3:  # the total, then two pages: the job is removed (cancel + remove) meanwhile
            redis_client.delete(jobs.key(job_id))
        return real(job_id, token, **fields)

    monkeypatch.setattr(jobs, "checkpoint", removed_after_two_pages)
    assert run_slice(es, jobs, job.id, sent[-1]).state == "missing"
    assert not Path(job.path + ".part").exists() and not Path(job.path).exists()


def test_ids_that_are_not_ours_are_404_not_500(keys: dict[str, str], redis_client: redis.Redis,
                                              local: Settings) -> None:  # fmt: skip
    client = TestClient(app)
    for bad in ("abc:lease", "0123456789abcdef:lease", "../../etc/passwd", "A" * 16):
        assert client.get(f"/exports/{bad}", headers=keys).status_code == 404
    with pytest.raises(Exception, match="no export"):
        ExportJobs(redis_client, local).cancel("x:y")


def test_every_slice_is_in_the_ledger_from_its_send_until_it_ends(
    corpus: list[Article], redis_client: redis.Redis, local: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A continuation is recorded when it is sent, before the slice that sent it is struck off; a slice that ends
    (finished, or finding nothing to do) is struck off: the ledger re-sends only a slice that was lost."""
    from worker import export_tasks
    from worker.app import EXPORT_RUN, app, batch_ledger

    small = local.model_copy(update={"export_page_size": 100, "export_slice_seconds": 0})
    monkeypatch.setattr(export_tasks, "export_jobs", lambda: ExportJobs(redis_client, small))
    queue = "exports-ledger-test"  # no worker consumes it: what is sent stays there
    monkeypatch.setattr(export_tasks, "send_export",
                        lambda job_id, task_id: app.send_task(EXPORT_RUN, args=[job_id], task_id=task_id, queue=queue))
    jobs = ExportJobs(redis_client, small)
    try:
        job = jobs.create(SearchQuery(sources=Values((SOURCE,))), "jsonl", "id", export_tasks.send_export)
        first = jobs.get(job.id)
        sent = str(redis_client.hget(jobs.key(job.id), "next").decode())  # type: ignore[union-attr]
        entry = batch_ledger().entry(sent)
        assert entry is not None and entry.task == EXPORT_RUN and entry.args == [first.id] and entry.queue == queue
        result = export_tasks.run_export.apply(args=[job.id], task_id=sent).get()
        assert result["more"] is True
        successor = str(redis_client.hget(jobs.key(job.id), "next").decode())  # type: ignore[union-attr]
        assert batch_ledger().entry(sent) is None  # this slice ended
        assert (following := batch_ledger().entry(successor)) is not None and following.args == [job.id]
        assert export_tasks.run_export.apply(args=[job.id], task_id=successor).get()["more"] is True
        third = str(redis_client.hget(jobs.key(job.id), "next").decode())  # type: ignore[union-attr]
        assert batch_ledger().entry(successor) is None and batch_ledger().entry(third) is not None
        batch_ledger().record(sent, EXPORT_RUN, [job.id], {}, queue, time.time())  # sent again by the ledger
        stale = export_tasks.run_export.apply(args=[job.id], task_id=sent).get()  # the job moved on: nothing to do
        assert stale["state"] == "stale" and batch_ledger().entry(sent) is None
        jobs.cancel(job.id)
        assert export_tasks.run_export.apply(args=[job.id], task_id=third).get()["state"] == "cancelled"
        assert batch_ledger().entry(third) is None
    finally:
        batch_ledger().broker.delete(queue)


def test_a_slice_that_fails_for_good_or_loses_its_lease_before_the_hand_over_stays_accounted_for(
    corpus: list[Article], redis_client: redis.Redis, local: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slice whose lease ran out before the hand-over retries (nobody else is named to go on); a slice that
    fails for good (retries spent, a bug) marks the job failed and leaves the ledger."""
    from celery.exceptions import Retry

    from worker import export_tasks
    from worker.app import EXPORT_RUN, batch_ledger

    small = local.model_copy(update={"export_page_size": 100, "export_slice_seconds": 0})
    monkeypatch.setattr(export_tasks, "export_jobs", lambda: ExportJobs(redis_client, small))
    jobs = ExportJobs(redis_client, small)
    sent: list[str] = []
    job = jobs.create(SearchQuery(sources=Values((SOURCE,))), "jsonl", "id", lambda _j, t: sent.append(t))
    monkeypatch.setattr(ExportJobs, "hand_over", lambda *_args: "lost")
    retries: list[float] = []

    def retry(*_args: object, countdown: float = 0, **_kwargs: object) -> Retry:
        retries.append(countdown)
        return Retry("again")

    monkeypatch.setattr(export_tasks.run_export, "retry", retry)
    with pytest.raises(Retry):
        export_tasks.run_export.apply(args=[job.id], task_id=sent[-1], throw=True)
    assert retries == [small.export_slice_seconds * 2 + small.es_timeout]
    batch_ledger().record(sent[-1], EXPORT_RUN, [job.id], {}, "exports-ledger-test", time.time())
    export_tasks.run_export.on_failure(RuntimeError("boom"), sent[-1], (job.id,), {}, None)
    assert jobs.get(job.id).state == "failed" and "boom" in (jobs.get(job.id).error or "")
    assert batch_ledger().entry(sent[-1]) is None
