"""Shared test setup.

Integration tests (marked `integration`) run on real Redis and Elasticsearch. When a service is down
they FAIL with the command that starts it. A developer may opt out locally with
NEWSWORKER_SKIP_INTEGRATION=1, which deselects them (reported in the summary); CI never sets it.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

# Isolate the test run before any worker module reads its Settings: own index prefix, own Redis DBs.
RUN_ID = uuid.uuid4().hex[:8]
os.environ.setdefault("NEWSWORKER_INDEX_PREFIX", f"nwtest-{RUN_ID}")
os.environ.setdefault("NEWSWORKER_BROKER_URL", "redis://127.0.0.1:6379/5")
os.environ.setdefault("NEWSWORKER_RESULT_BACKEND", "redis://127.0.0.1:6379/6")
os.environ.setdefault("NEWSWORKER_REDIS_URL", "redis://127.0.0.1:6379/7")

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_915c5c8c3194a4b4.txt"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("NEWSWORKER_SKIP_INTEGRATION") != "1" or os.environ.get("CI"):
        return
    selected = [i for i in items if "integration" not in i.keywords]
    deselected = [i for i in items if "integration" in i.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
