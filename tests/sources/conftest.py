"""Real Redis for source tests (FAIL, not skip, when it is down) and settings that allow the loopback server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from source_server import LocalServer, serve
from sources_support import make_settings, sources_redis_url

from worker.config import Settings


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    url = sources_redis_url()
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(
            f"Redis at {url} is not reachable ({exc}); start it with `newsworker services up` "
            "or point NEWSWORKER_REDIS_URL at a running Redis"
        )
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as running:
        yield running
