"""Real Redis for source tests (FAIL, not skip, when it is down) and settings that allow the loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from source_server import LocalServer, serve

from worker.config import Settings, get_settings

# A DB of its own: each test starts from an empty one (budgets, feed state, dedup fingerprints).
SOURCES_DB = 11


def sources_redis_url() -> str:
    """The configured Redis, database SOURCES_DB (a db in the URL would win over a db= argument)."""
    return urlunsplit(urlsplit(get_settings().redis_url)._replace(path=f"/{SOURCES_DB}"))


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


def make_settings(**overrides: object) -> Settings:
    base: dict[str, object] = {
        "allow_private_networks": "127.0.0.0/8",
        "host_rate": 200.0,
        "host_max_wait": 5.0,
        "http_total_timeout": 10.0,
        "http_read_timeout": 5.0,
        "contact_url": "https://example.org/newsworker-test",
    }
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serve() as running:
        yield running
