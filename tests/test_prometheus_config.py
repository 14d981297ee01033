"""The Prometheus service in docker-compose scrapes the API's /metrics (no Docker engine here: structure only)."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def test_prometheus_scrapes_the_api_metrics_endpoint() -> None:
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    prometheus = services["prometheus"]
    mount = next(v for v in prometheus["volumes"] if v.endswith("/etc/prometheus/prometheus.yml:ro"))
    config = yaml.safe_load((REPO / mount.split(":")[0]).read_text())
    job = config["scrape_configs"][0]
    assert job["metrics_path"] == "/metrics"
    host, port = job["static_configs"][0]["targets"][0].split(":")
    assert host == "api" and host in services
    assert f'--port", "{port}' in str(services["api"]["command"]).replace("'", '"')
    assert prometheus["depends_on"]["api"]["condition"] == "service_healthy"
