"""Helpers shared by the source tests (a module, not conftest: two conftest modules would shadow each other)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from worker.config import Settings, get_settings

# A DB of its own: each test starts from an empty one (budgets, feed state, dedup fingerprints).
SOURCES_DB = 11


def sources_redis_url() -> str:
    """The configured Redis, database SOURCES_DB (a db in the URL would win over a db= argument)."""
    return urlunsplit(urlsplit(get_settings().redis_url)._replace(path=f"/{SOURCES_DB}"))


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
