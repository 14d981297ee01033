"""A stack of real processes for fault tests, isolated from the rest of the suite: its own Redis (AOF on,
restartable), Elasticsearch behind a TCP proxy that can cut the connection (a real outage from the
workers' side, without stopping the shared node), Celery worker processes, and the CLI as producer.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from elasticsearch import Elasticsearch

REPO = Path(__file__).resolve().parents[2]
ES_UPSTREAM = ("127.0.0.1", 9200)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TcpProxy:
    """Forwards a loopback port to an upstream; `cut()` closes every connection and refuses new ones
    (connection refused, as when the node is down) until `restore()`."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self._conns += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


@dataclass
class Stack:
    """One isolated deployment: Redis, proxied Elasticsearch, workers; everything a fault test needs."""

    tmp: Path
    overrides: dict[str, str] = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.redis_port = free_port()
        self.redis_dir = self.tmp / "redis"
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        self.redis_proc: subprocess.Popen[bytes] | None = None
        self.start_redis()
        self.proxy = TcpProxy(ES_UPSTREAM)
        self.prefix = f"nwfault-{self.run_id}"
        self.es = Elasticsearch(f"http://{ES_UPSTREAM[0]}:{ES_UPSTREAM[1]}", request_timeout=60)

    # --- configuration

    @property
    def env(self) -> dict[str, str]:
        base = f"redis://127.0.0.1:{self.redis_port}"
        env = {
            **os.environ,
            "NEWSWORKER_REDIS_URL": f"{base}/0",
            "NEWSWORKER_BROKER_URL": f"{base}/1",
            "NEWSWORKER_RESULT_BACKEND": f"{base}/2",
            "NEWSWORKER_ES_URL": f"http://127.0.0.1:{self.proxy.port}",
            "NEWSWORKER_ES_TIMEOUT": "10",
            "NEWSWORKER_INDEX_PREFIX": self.prefix,
            # Short enough for a test to see recovery, with the same relations as the defaults.
            "NEWSWORKER_TASK_RETRY_BACKOFF_MAX": "15",
            "NEWSWORKER_TASK_MAX_RETRIES": "10",
            "NEWSWORKER_TASK_SOFT_TIME_LIMIT": "60",
            "NEWSWORKER_TASK_TIME_LIMIT": "75",
            "NEWSWORKER_BROKER_VISIBILITY_TIMEOUT": "100",
        }
        env.update(self.overrides)
        return env

    @property
    def redis(self) -> redis.Redis:
        return redis.Redis(port=self.redis_port, db=0)

    # --- Redis

    def start_redis(self) -> None:
        self.redis_proc = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--dir", str(self.redis_dir),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.redis_port).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"test Redis did not start on port {self.redis_port}")

    def restart_redis(self, down_for: float = 2.0) -> None:
        """A graceful restart (SIGTERM: the AOF is flushed), as `systemctl restart` does."""
        assert self.redis_proc is not None
        self.redis_proc.terminate()
        self.redis_proc.wait(timeout=30)
        time.sleep(down_for)
        self.start_redis()

    # --- workers and the producer

    def start_worker(self, name: str = "w", concurrency: int = 1) -> subprocess.Popen[bytes]:
        log = (self.tmp / f"worker-{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker.app", "worker", "--pool", "prefork",
             "--concurrency", str(concurrency), "--queues", "ingest,sources", "--loglevel", "INFO",
             "--hostname", f"{name}-{self.run_id}@%h"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.workers.append(proc)
        self.wait_for_worker(f"{name}-{self.run_id}", proc)
        return proc

    def wait_for_worker(self, name: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = subprocess.run(
                [sys.executable, "-m", "celery", "-A", "worker.app", "inspect", "ping", "--timeout", "2"],
                cwd=REPO, env=self.env, capture_output=True, text=True,
            )  # fmt: skip
            if name in answer.stdout:
                return
            if proc.poll() is not None:
                break
            time.sleep(1)
        raise AssertionError(f"worker {name} did not come up; log:\n{self.worker_log()[-4000:]}")

    def worker_log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.tmp.glob("worker-*.log")))

    def kill_worker(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """The whole worker (main process and its children), as when a machine dies."""
        os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "worker.cli", *args], cwd=REPO, env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip

    # --- accounting

    def indexed_ids(self) -> list[str]:
        alias = f"{self.prefix}-articles"
        if not self.es.indices.exists_alias(name=alias):
            return []
        self.es.indices.refresh(index=alias)
        ids: list[str] = []
        after: list[Any] | None = None
        while True:
            page = self.es.search(index=alias, size=1000, source=False, sort=[{"id": "asc"}], search_after=after)
            hits = page["hits"]["hits"]
            if not hits:
                return ids
            ids += [h["_id"] for h in hits]
            after = hits[-1]["sort"]

    def dead_letters(self) -> list[dict[str, Any]]:
        raw = self.redis.hgetall(f"{self.prefix}:failures:items")
        return [json.loads(v) for v in raw.values()]  # type: ignore[union-attr]

    def queued(self) -> int:
        broker = redis.Redis(port=self.redis_port, db=1)
        return sum(int(broker.llen(q)) for q in ("ingest", "sources")) + int(broker.hlen("unacked"))  # type: ignore[arg-type]

    def account(self, sent: int, *, timeout: float, label: str) -> dict[str, int]:
        """Wait until every item sent is indexed or dead-lettered (and nothing is queued), then print and
        return the accounting."""
        deadline = time.monotonic() + timeout
        while True:
            ids = self.indexed_ids()
            dead = self.dead_letters()
            settled = len(set(ids)) + len(dead) >= sent and self.queued() == 0
            if settled or time.monotonic() > deadline:
                break
            time.sleep(2)
        counts = {"sent": sent, "indexed": len(set(ids)), "duplicates": len(ids) - len(set(ids)),
                  "dead_letters": len(dead), "lost": sent - len(set(ids)) - len(dead)}  # fmt: skip
        print(f"[{label}] " + " ".join(f"{k}={v}" for k, v in counts.items()))
        return counts

    def close(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        self.proxy.cut()
        if self.redis_proc is not None:
            self.redis_proc.terminate()
            self.redis_proc.wait(timeout=30)
        generations = list(self.es.indices.get(index=f"{self.prefix}-articles-*", ignore_unavailable=True).body)
        if generations:
            self.es.indices.delete(index=",".join(generations))
        if self.es.indices.exists_index_template(name=f"{self.prefix}-articles"):
            self.es.indices.delete_index_template(name=f"{self.prefix}-articles")


def write_documents(directory: Path, count: int, *, start: int = 0) -> list[Path]:
    """`count` distinct short news documents (Dutch and English), from the repo's labelled news."""
    directory.mkdir(parents=True, exist_ok=True)
    texts = [json.loads(line)["text"] for line in (REPO / "data/topics/news.jsonl").read_text().splitlines()]
    paths = []
    for i in range(start, start + count):
        body = texts[i % len(texts)]
        path = directory / f"doc-{i:05d}.txt"
        path.write_text(f"title Bericht {i}\ndate 2024-{1 + i % 12:02d}\n\n{body}\n\nVolgnummer {i}.\n")
        paths.append(path)
    return paths


def stack_fixture(tmp: Path, **overrides: str) -> Iterator[Stack]:
    stack = Stack(tmp, overrides=dict(overrides))
    try:
        yield stack
    finally:
        stack.close()
