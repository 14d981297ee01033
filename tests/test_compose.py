"""docker-compose.yml cannot run here (no Docker engine): check its structure instead."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from worker.config import Settings

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_production_services_are_declared(services: dict[str, Any]) -> None:
    assert {"redis", "elasticsearch", "worker", "beat", "flower", "api"} <= set(services)


def test_redis_persists_with_aof_and_elasticsearch_is_single_node_with_a_volume(services: dict[str, Any]) -> None:
    assert "--appendonly" in services["redis"]["command"]
    es = services["elasticsearch"]
    assert es["environment"]["discovery.type"] == "single-node"
    assert any(v.endswith(":/usr/share/elasticsearch/data") for v in es["volumes"])


def test_stateful_services_and_api_have_healthchecks(services: dict[str, Any]) -> None:
    for name in ("redis", "elasticsearch", "api", "worker"):
        assert services[name]["healthcheck"]["test"], name


def test_app_services_wait_for_healthy_dependencies(services: dict[str, Any]) -> None:
    for name in ("worker", "beat", "flower", "api"):
        depends = services[name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["elasticsearch"]["condition"] == "service_healthy", name


def test_worker_can_scale_and_beat_cannot(services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker
    assert services["beat"]["deploy"]["replicas"] == 1


def test_every_environment_name_is_a_setting() -> None:
    names = set(re.findall(r"\b(NEWSWORKER_[A-Z_]+)\b", COMPOSE.read_text()))
    assert names, "compose passes no settings"
    fields = {f"NEWSWORKER_{name.upper()}" for name in Settings.model_fields}
    assert names <= fields, names - fields
