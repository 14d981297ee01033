"""A background export whose worker is SIGKILLed mid-file resumes on another worker from its checkpoint, and one
whose task was taken by a consumer that died before recording it is sent again by the ledger: the finished file
holds every match exactly once (real Redis, Elasticsearch, Celery workers and the CLI)."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.faults.stack import REPO, Stack, stack_fixture
from worker.article import Article
from worker.config import Settings
from worker.index.store import index_articles, setup_index

pytestmark = pytest.mark.integration
SOURCE = "export-fault"
N = 3000


def index_corpus(stack: Stack) -> list[Article]:
    settings = Settings(index_prefix=stack.prefix, es_url=["http://127.0.0.1:9200"])
    setup_index(stack.es, settings)
    articles = []
    for i in range(N):
        digest = hashlib.sha256(f"{SOURCE}-{i}".encode()).hexdigest()
        articles.append(Article(id=digest, source=SOURCE, title=f"Bericht {i}", body=f"Bericht {i}.",
                                content_hash=digest, language="nl", published_at=f"2025-01-01T00:{i % 60:02d}:00Z",
                                published_precision="second"))  # fmt: skip
    index_articles(stack.es, settings, articles)
    stack.es.indices.refresh(index=settings.read_alias)
    return articles


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    # Short limits with the defaults' relations: the visibility timeout (after which the dead worker's task is
    # handed out again) exceeds the time limit plus the retry pause, and the export lease (2 x slice + ES
    # timeout = 9 s) is shorter than it.
    yield from stack_fixture(
        tmp_path, NEWSWORKER_BROKER_VISIBILITY_TIMEOUT="20", NEWSWORKER_TASK_SOFT_TIME_LIMIT="10",
        NEWSWORKER_TASK_TIME_LIMIT="12", NEWSWORKER_TASK_RETRY_BACKOFF_MAX="2", NEWSWORKER_ES_TIMEOUT="5",
        NEWSWORKER_EXPORT_PAGE_SIZE="100", NEWSWORKER_EXPORT_SLICE_SECONDS="2",
        NEWSWORKER_EXPORT_DIR=str(tmp_path / "exports"),
        # A continuation the killed worker had taken but not yet recorded (Kombu's window) is re-sent by the
        # ledger: look every 5 s, call it lost 20 s after it was sent.
        NEWSWORKER_LEDGER_GRACE="20", NEWSWORKER_LEDGER_REAP_EVERY="5",
    )  # fmt: skip


def slow_worker(stack: Stack) -> subprocess.Popen[bytes]:
    """A worker on the sources queue that pauses 0.2 s after each page, so the test can kill it mid-file."""
    name = f"slow-{stack.run_id}"
    celery = ["worker", "--pool", "prefork", "--concurrency", "1", "--queues", "sources", "--loglevel", "INFO",
              "--hostname", f"{name}@%h"]  # fmt: skip
    code = ("import time, worker.export_jobs as jobs; from worker.app import app; write = jobs.write_member; "
            "jobs.write_member = lambda out, data: (time.sleep(0.2), write(out, data))[1]; "
            f"app.worker_main({celery!r})")  # fmt: skip
    log = (stack.tmp / "worker-slow.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=stack.env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    stack.workers.append(proc)
    stack.wait_for_worker(name, proc)
    return proc


def job_fields(stack: Stack, job_id: str) -> dict[str, str]:
    raw = stack.redis.hgetall(f"{stack.prefix}:exports:{job_id}")
    return {k.decode(): v.decode() for k, v in raw.items()}  # type: ignore[union-attr]


def finished_job(stack: Stack, job_id: str, timeout: float, what: str) -> dict[str, str]:
    """The job's fields once it is done, failed or cancelled; fails the test with the log after `timeout` s."""
    deadline = time.monotonic() + timeout
    while (job := job_fields(stack, job_id))["state"] not in ("done", "failed", "cancelled"):
        assert time.monotonic() < deadline, f"{what}: {job}; log:\n{stack.worker_log()[-3000:]}"
        time.sleep(0.5)
    return job


def file_ids(job: dict[str, str]) -> list[str]:
    """The ids in the finished export file, in file order."""
    return [json.loads(line)["id"] for line in gzip.decompress(Path(job["path"]).read_bytes()).decode().splitlines()]


def test_a_worker_killed_mid_export_resumes_and_writes_every_id_once(stack: Stack) -> None:
    articles = index_corpus(stack)
    slow = slow_worker(stack)
    started = stack.cli("export", "--source", SOURCE, "--fields", "id,title", "--background")
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.strip()
    deadline = time.monotonic() + 180
    while int(job_fields(stack, job_id).get("written", 0)) < 800:
        assert time.monotonic() < deadline, f"export did not progress; log:\n{stack.worker_log()[-3000:]}"
        time.sleep(0.05)
    stack.kill_worker(slow)  # SIGKILL, whole process group, mid-file
    killed_at = job_fields(stack, job_id)
    assert killed_at["state"] == "running" and 800 <= int(killed_at["written"]) < N

    stack.start_worker("w2")  # the dead worker's task is handed out again after the visibility timeout
    job = finished_job(stack, job_id, 240, "export did not resume")
    assert job["state"] == "done", job
    ids = file_ids(job)
    print(f"[export resume] killed at written={killed_at['written']} bytes={killed_at['bytes']}; "
          f"file rows={len(ids)} distinct={len(set(ids))} expected={N}")
    assert len(ids) == len(set(ids)) == N == int(job["written"]) == int(job["total"])
    assert set(ids) == {a.id for a in articles}
    assert not Path(job["path"] + ".part").exists()
    assert "starting again" not in stack.worker_log()  # resumed from the checkpoint, not from the top


@pytest.fixture
def ledger_stack(tmp_path: Path) -> Iterator[Stack]:
    """The ledger looks for lost tasks every second and calls one lost 3 s after it was sent."""
    yield from stack_fixture(tmp_path, NEWSWORKER_LEDGER_GRACE="3", NEWSWORKER_LEDGER_REAP_EVERY="1",
                             NEWSWORKER_EXPORT_DIR=str(tmp_path / "exports"))  # fmt: skip


def test_an_export_task_taken_by_a_consumer_that_died_before_recording_it_is_sent_again(ledger_stack: Stack) -> None:
    # Kombu's window (worker/ledger.py): a consumer takes the message with BRPOP and dies before recording it as
    # unacknowledged; the job would stay "queued" (or, for a continuation, "running") for good. Reproduced
    # exactly: no worker runs, the test takes the message itself (RPOP) and drops it; then a worker starts.
    stack = ledger_stack
    articles = index_corpus(stack)
    started = stack.cli("export", "--source", SOURCE, "--fields", "id", "--background")
    assert started.returncode == 0, started.stderr
    job_id = started.stdout.strip()
    taken = redis.Redis(port=stack.redis_port, db=1).rpop("sources")
    assert taken is not None and job_id.encode() in taken
    stack.start_worker("w")
    job = finished_job(stack, job_id, 180, "export never ran")
    assert job["state"] == "done", job
    assert sorted(file_ids(job)) == sorted(a.id for a in articles)
    assert "sent again" in stack.worker_log()
