"""Real services for integration tests: Redis, Elasticsearch and a Celery worker in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from elasticsearch import Elasticsearch

from worker.config import Settings, get_settings
from worker.index.store import connect, setup_index

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def redis_client(settings: Settings) -> redis.Redis:
    client = redis.Redis.from_url(settings.redis_url)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {settings.redis_url} is not reachable ({exc}); start it: newsworker services up")
    return client


@pytest.fixture(scope="session")
def es(settings: Settings, redis_client: redis.Redis) -> Iterator[Elasticsearch]:
    client = connect(settings)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:
        pytest.fail(f"Elasticsearch at {settings.es_url} is not reachable ({exc}); start it: newsworker services up")
    setup_index(client, settings)
    yield client
    # Wildcard deletes are refused (action.destructive_requires_name): name each generation.
    generations = list(client.indices.get(index=f"{settings.read_alias}-*").body)
    if generations:
        client.indices.delete(index=",".join(generations))
    client.indices.delete_index_template(name=settings.read_alias)
    for url in (settings.broker_url, settings.result_backend, settings.redis_url):
        redis.Redis.from_url(url).flushdb()


@pytest.fixture(scope="session")
def celery_worker(es: Elasticsearch, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A real worker process on the real broker, as in production (one process, solo pool)."""
    from worker.app import app

    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker.app", "worker", "--pool", "solo",
             "--queues", "ingest,sources", "--loglevel", "INFO", "--hostname", f"test-{os.getpid()}@%h"],
            # The worker may fetch pages from the tests' own loopback server (refused by default: SSRF).
            cwd=REPO, env={**os.environ, "NEWSWORKER_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8"},
            stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90
    try:
        while not app.control.ping(timeout=1.0):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Celery worker did not come up; its log:\n{log.read_text()[-4000:]}")
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
