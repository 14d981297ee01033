"""Grafana in docker-compose loads ops/grafana/newsworker.json on the Prometheus service (structure only: no
Docker engine here; tests/integration/test_ops.py checks the dashboard's metric names against /metrics)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def test_grafana_is_provisioned_with_the_dashboard_and_the_prometheus_datasource() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    grafana = services["grafana"]
    assert ":" in grafana["image"] and not grafana["image"].endswith(":latest")  # pinned
    mounts = {target.removesuffix(":ro"): REPO / source for source, target in
              (volume.split(":", 1) for volume in grafana["volumes"] if volume.startswith("./"))}  # fmt: skip
    dashboard = mounts["/var/lib/grafana/dashboards/newsworker.json"]
    assert json.loads(dashboard.read_text())["panels"]
    provider = yaml.safe_load((mounts["/etc/grafana/provisioning/dashboards"] / "newsworker.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    source = yaml.safe_load((mounts["/etc/grafana/provisioning/datasources"] / "prometheus.yml").read_text())
    datasource = source["datasources"][0]
    assert datasource["type"] == "prometheus" and datasource["url"] == "http://prometheus:9090"
    assert "prometheus" in services and "prometheus" in grafana["depends_on"]
    # Every panel queries that datasource by its uid.
    uids = {t["datasource"]["uid"] for p in json.loads(dashboard.read_text())["panels"] for t in p["targets"]}
    assert uids == {datasource["uid"]}
