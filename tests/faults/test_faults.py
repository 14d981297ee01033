"""Fault tests on real processes (Redis, Elasticsearch, Celery workers, the CLI; nothing mocked). Each
prints its accounting: sent / indexed / duplicates / dead letters / lost, and lost must be 0.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.faults.stack import Stack, write_documents
from worker.dedup import DedupIndex

pytestmark = pytest.mark.integration


@pytest.fixture
def make_stack(tmp_path: Path) -> Iterator[type[Stack]]:
    stacks: list[Stack] = []

    def make(**overrides: str) -> Stack:
        stack = Stack(tmp_path / f"stack{len(stacks)}", overrides=overrides)
        stacks.append(stack)
        return stack

    yield make  # type: ignore[misc]
    for stack in stacks:
        stack.close()


def wait_indexed(stack: Stack, at_least: int, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = len(stack.indexed_ids())
        if n >= at_least:
            return n
        time.sleep(0.5)
    raise AssertionError(f"fewer than {at_least} indexed after {timeout} s; log:\n{stack.worker_log()[-3000:]}")


def test_elasticsearch_outage_of_60_s_mid_ingest_loses_nothing(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Full-jitter backoff capped at 15 s: 20 retries last ~140 s on average, well beyond the outage (with 10,
    # a slow machine's worker spent them within 60 s now and then and dead-lettered a batch).
    stack = make_stack(NEWSWORKER_TASK_MAX_RETRIES="20")
    stack.start_worker()
    write_documents(tmp_path / "docs", 1000)
    produced = stack.cli("ingest", str(tmp_path / "docs"), "--batch-size", "50")
    assert produced.returncode == 0, produced.stderr
    wait_indexed(stack, 50)
    stack.proxy.cut()
    time.sleep(60)
    stack.proxy.restore()
    counts = stack.account(1000, timeout=900, label="ES down 60 s")
    if counts["dead_letters"]:
        replay = stack.cli("failures", "replay")
        assert replay.returncode == 0, replay.stderr
        # A replayed item leaves the dead letters: the same 1,000 items, each indexed or still dead.
        counts = stack.account(1000, timeout=600, label="after replay")
    assert counts["lost"] == 0 and counts["duplicates"] == 0
    assert len(set(stack.indexed_ids())) == 1000


def test_elasticsearch_unreachable_dead_letters_every_item_then_replay_recovers(  # type: ignore[no-untyped-def]
    make_stack, tmp_path: Path
) -> None:
    stack = make_stack(NEWSWORKER_TASK_MAX_RETRIES="2", NEWSWORKER_TASK_RETRY_BACKOFF_MAX="2")
    stack.proxy.cut()  # Elasticsearch "down" from the start
    stack.start_worker()
    write_documents(tmp_path / "docs", 30)
    waited = stack.cli("ingest", str(tmp_path / "docs"), "--batch-size", "10", "--wait", "--timeout", "120")
    assert "Traceback" not in waited.stderr
    assert waited.returncode == 1 and "failed 30" in waited.stdout, waited.stdout + waited.stderr
    dead = stack.dead_letters()
    assert len(dead) == 30 and all("gave up after 2 retries" in d["reason"] for d in dead)
    listed = stack.cli("failures", "list", "--stage", "pipeline")
    assert listed.stdout.startswith("30 failure(s) recorded")
    stack.proxy.restore()
    replay = stack.cli("failures", "replay")
    assert "replayed 30 item(s)" in replay.stdout, replay.stdout + replay.stderr
    counts = stack.account(30, timeout=300, label="ES unreachable, then replay")
    assert counts == {"sent": 30, "indexed": 30, "duplicates": 0, "dead_letters": 0, "lost": 0}


def test_sigkill_of_the_worker_mid_batch_loses_nothing(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Bound: visibility timeout (25 s) + one restore sweep (10 s) + the time to process what remains.
    # The kill lands mid-batch for certain: the first batch waits on the dedup lock (held here for a while).
    # A kill *between* two batches, after Redis handed the next message over and before Kombu recorded it as
    # unacknowledged, is the window the batch ledger covers (test_a_batch_taken_by_a_consumer_that_died_...).
    stack = make_stack(NEWSWORKER_BROKER_VISIBILITY_TIMEOUT="25", NEWSWORKER_TASK_SOFT_TIME_LIMIT="15",
                       NEWSWORKER_TASK_TIME_LIMIT="20", NEWSWORKER_TASK_RETRY_BACKOFF_MAX="4")  # fmt: skip
    first = stack.start_worker("first")
    write_documents(tmp_path / "docs", 300)
    hold_dedup_lock(stack, ms=8_000)
    assert stack.cli("ingest", str(tmp_path / "docs"), "--batch-size", "25").returncode == 0
    wait_running(stack)
    time.sleep(1)
    assert not stack.indexed_ids()  # still waiting: mid-batch
    stack.kill_worker(first)  # main process and children, mid-batch
    killed_at = time.monotonic()
    stack.start_worker("second")
    counts = stack.account(300, timeout=300, label="worker SIGKILL")
    print(f"[worker SIGKILL] settled {time.monotonic() - killed_at:.0f} s after the kill")
    assert counts["lost"] == 0 and counts["duplicates"] == 0 and counts["indexed"] == 300


def test_redis_restart_mid_ingest_loses_nothing_acknowledged(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stack = make_stack(NEWSWORKER_BROKER_VISIBILITY_TIMEOUT="25", NEWSWORKER_TASK_SOFT_TIME_LIMIT="15",
                       NEWSWORKER_TASK_TIME_LIMIT="20", NEWSWORKER_TASK_RETRY_BACKOFF_MAX="4")  # fmt: skip
    worker = stack.start_worker()
    write_documents(tmp_path / "docs", 300)
    produced = stack.cli("ingest", str(tmp_path / "docs"), "--batch-size", "25")
    assert produced.returncode == 0  # acknowledged to the producer: every batch is in Redis
    wait_indexed(stack, 25)
    stack.restart_redis(down_for=3)
    counts = stack.account(300, timeout=400, label="Redis restart")
    assert counts["lost"] == 0 and counts["duplicates"] == 0 and counts["indexed"] == 300
    assert worker.poll() is None, "the worker survives a broker restart"


def test_redis_restart_while_a_batch_waits_on_redis_loses_nothing(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Deterministic: the batch is made to wait on the dedup lock (held here), so the restart finds it before
    # anything is indexed. Its Redis call fails, Celery's retry cannot be published (broker down) and would
    # reject the message for good; the batch must go back to the broker instead and be indexed once Redis
    # is back (before the fix: sent=27 indexed=2 lost=25, every run).
    stack = make_stack(NEWSWORKER_BROKER_VISIBILITY_TIMEOUT="25", NEWSWORKER_TASK_SOFT_TIME_LIMIT="15",
                       NEWSWORKER_TASK_TIME_LIMIT="20", NEWSWORKER_TASK_RETRY_BACKOFF_MAX="4")  # fmt: skip
    worker = stack.start_worker()
    write_documents(tmp_path / "warm", 2, start=500)
    assert stack.cli("ingest", str(tmp_path / "warm"), "--wait", "--timeout", "120").returncode == 0
    hold_dedup_lock(stack, ms=12_000)  # persisted: still held for a while after the restart
    write_documents(tmp_path / "docs", 25)
    assert stack.cli("ingest", str(tmp_path / "docs"), "--batch-size", "25").returncode == 0
    wait_running(stack)
    time.sleep(2)  # normalised, now polling the lock
    stack.restart_redis(down_for=3)
    counts = stack.account(27, timeout=300, label="Redis restart, batch waiting on Redis")
    assert counts["lost"] == 0 and counts["duplicates"] == 0 and counts["indexed"] == 27
    assert "batch kept in the broker" in stack.worker_log()  # the path under test was taken
    assert worker.poll() is None


def test_a_batch_taken_by_a_consumer_that_died_before_recording_it_is_sent_again(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Kombu's window: a consumer takes a message with BRPOP and dies before recording it as unacknowledged; the
    # message is then in no queue and in no `unacked` hash. Reproduced exactly: the test takes the message itself
    # (RPOP, what BRPOP does) and drops it. The batch ledger (worker/ledger.py) must send it again.
    stack = make_stack(NEWSWORKER_LEDGER_GRACE="5", NEWSWORKER_LEDGER_REAP_EVERY="2")
    stack.start_worker()
    write_documents(tmp_path / "docs", 300)
    hold_dedup_lock(stack, ms=8_000)
    assert stack.cli("ingest", str(tmp_path / "docs"), "--batch-size", "25").returncode == 0
    wait_running(stack)  # the worker holds batch 1 (waiting on the lock); the other 11 are queued
    taken = redis.Redis(port=stack.redis_port, db=1).rpop("ingest")
    assert taken is not None
    counts = stack.account(300, timeout=300, label="message taken by a consumer that died")
    assert counts["lost"] == 0 and counts["duplicates"] == 0 and counts["indexed"] == 300
    assert "sent again" in stack.worker_log()


def hold_dedup_lock(stack: Stack, *, ms: int) -> None:
    """Take the dedup lock as another worker would: the next batch waits on it (mid-batch, nothing indexed)."""
    stack.redis.set(DedupIndex(stack.redis, threshold=0.8, window_days=1).lock_key, "another worker", px=ms)


def wait_running(stack: Stack, timeout: float = 60) -> None:
    """Until the worker holds a batch (its message is unacknowledged)."""
    deadline = time.monotonic() + timeout
    broker = redis.Redis(port=stack.redis_port, db=1)
    while int(broker.hlen("unacked")) == 0:  # type: ignore[arg-type]
        assert time.monotonic() < deadline, f"no batch taken in {timeout} s; log:\n{stack.worker_log()[-3000:]}"
        time.sleep(0.1)


def test_poison_document_is_dead_lettered_alone_and_the_batch_goes_on(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # On a quiet machine a 4 MB one-line document takes 2-3 s to normalise and tag, a half-batch of short ones
    # under 0.1 s: at 1 s the limit fires while the poison is still being processed, before anything of its
    # batch is written (a limit that fired during the bulk request could find the poison written already).
    stack = make_stack(NEWSWORKER_TASK_SOFT_TIME_LIMIT="1", NEWSWORKER_TASK_TIME_LIMIT="20",
                       NEWSWORKER_BROKER_VISIBILITY_TIMEOUT="60")  # fmt: skip
    worker = stack.start_worker()
    write_documents(tmp_path / "warm", 2)
    stack.cli("ingest", str(tmp_path / "warm"), "--wait", "--timeout", "120")  # models loaded
    docs = tmp_path / "docs"
    write_documents(docs, 10, start=100)
    # Pathological shape: one line of 4 MB, under the 5 MB document cap.
    sentence = "De minister van Financiën sprak gisteren in Den Haag over de begroting van het volgende jaar. "
    (docs / "doc-00105-poison.txt").write_text(sentence * (4_000_000 // len(sentence)))
    waited = stack.cli("ingest", str(docs), "--batch-size", "20", "--wait", "--timeout", "300")
    assert "Traceback" not in waited.stderr, waited.stderr
    counts = stack.account(13, timeout=300, label="poison document")
    assert counts["lost"] == 0 and counts["indexed"] == 12 and counts["dead_letters"] == 1
    [dead] = stack.dead_letters()
    assert "time limit exceeded" in dead["reason"], dead["reason"]
    raw = dead["payload"]["raw"]
    assert "poison" in (raw.get("document_path") or raw["metadata"].get("document", ""))
    assert worker.poll() is None


def test_batch_larger_than_a_bulk_request_is_indexed_in_pieces(make_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stack = make_stack(NEWSWORKER_TASK_SOFT_TIME_LIMIT="240", NEWSWORKER_TASK_TIME_LIMIT="300",
                       NEWSWORKER_BROKER_VISIBILITY_TIMEOUT="600")  # fmt: skip
    worker = stack.start_worker()
    docs = tmp_path / "big"
    docs.mkdir()
    for i in range(12):  # 12 x 4.9 MB: over Elasticsearch's 100 MB request limit in one bulk
        paragraph = f"Document {i}: de gemeenteraad besprak de begroting en de plannen voor het nieuwe jaar. " * 40
        (docs / f"big-{i}.txt").write_text((paragraph + "\n\n") * (4_900_000 // (len(paragraph) + 2)))
    waited = stack.cli("ingest", str(docs), "--batch-size", "12", "--wait", "--timeout", "900", timeout=1000)
    assert "Traceback" not in waited.stderr, waited.stderr
    counts = stack.account(12, timeout=600, label="12 x 4.9 MB")
    assert counts == {"sent": 12, "indexed": 12, "duplicates": 0, "dead_letters": 0, "lost": 0}
    peak = max_child_rss_mb(worker.pid)
    print(f"[12 x 4.9 MB] worker peak RSS (largest process) {peak:.0f} MB")


def max_child_rss_mb(pid: int) -> float:
    """Largest VmHWM (peak resident set) among the worker's processes, in MB."""
    import subprocess

    pids = [str(pid), *subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    peaks = []
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return max(peaks, default=0.0)


def test_bad_input_corpus_through_the_workers_ends_indexed_or_dead_lettered(  # type: ignore[no-untyped-def]
    make_stack, tmp_path: Path
) -> None:
    import shutil

    corpus = Path(__file__).resolve().parents[1] / "data" / "bad_input"
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    docs = tmp_path / "bad"
    shutil.copytree(corpus, docs)
    stack = make_stack()
    worker = stack.start_worker()
    waited = stack.cli("ingest", str(docs), "--batch-size", "25", "--wait", "--timeout", "600")
    assert "Traceback" not in waited.stderr, waited.stderr
    assert "\x1b" not in waited.stdout + waited.stderr  # escape sequences from headers are never printed raw
    counts = stack.account(len(files), timeout=600, label=f"bad-input corpus ({len(files)} files)")
    assert counts["lost"] == 0 and counts["duplicates"] == 0
    for dead in stack.dead_letters():
        assert dead["reason"].strip() and dead["stage"], dead
    listed = stack.cli("failures", "list", "--limit", "500")
    assert "\x1b" not in listed.stdout and listed.returncode == 0
    assert worker.poll() is None, "the worker survives every case"
