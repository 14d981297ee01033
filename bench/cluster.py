"""A local 3-node Elasticsearch cluster for the benchmark (issue 14 item h): three JVMs on loopback ports,
from the same distribution `newsworker services up` fetched, run as its unprivileged user.

    .venv/bin/python -m bench.cluster up [--nodes 3] [--http-port 9301] [--heap 512m]
    .venv/bin/python -m bench.cluster down

Data and logs live under the services home in `bench-cluster/` and are removed by `down`. Nothing is
downloaded: `services up` must have fetched the distribution once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx

from worker.config import get_services_settings
from worker.services import ES_USER, _chown_tree, _ensure_es_user, find_java, layout

CLUSTER_NAME = "nwbench"


def cluster_dir() -> Path:
    return layout(get_services_settings()).home / "bench-cluster"


def urls(nodes: int = 3, http_port: int = 9301) -> list[str]:
    return [f"http://127.0.0.1:{http_port + i}" for i in range(nodes)]


def health(url: str) -> dict[str, object] | None:
    try:
        response = httpx.get(f"{url}/_cluster/health", timeout=2)
        return dict(response.json()) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None


def up(nodes: int = 3, http_port: int = 9301, transport_port: int = 9401, heap: str = "512m",
       timeout: float = 300) -> list[str]:  # fmt: skip
    settings = get_services_settings()
    install = layout(settings).es_install(settings.es_version)
    if not (install / "bin" / "elasticsearch").exists():
        raise SystemExit(f"no Elasticsearch under {install}: run `newsworker services up` once (it fetches it)")
    state = health(urls(nodes, http_port)[0])
    if state and state.get("number_of_nodes") == nodes and state.get("cluster_name") == CLUSTER_NAME:
        return urls(nodes, http_port)  # already up (started by `bench.cluster up`)
    java_home = find_java(settings)
    home = cluster_dir()
    names = [f"bench-n{i + 1}" for i in range(nodes)]
    seeds = ",".join(f"127.0.0.1:{transport_port + i}" for i in range(nodes))
    env = {**os.environ, "ES_JAVA_HOME": str(java_home), "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}"}
    env.pop("JAVA_HOME", None)
    launchers: list[tuple[str, subprocess.Popen[bytes]]] = []
    for i, name in enumerate(names):
        node = home / name
        for sub in ("data", "logs"):
            (node / sub).mkdir(parents=True, exist_ok=True)
        command = [
            str(install / "bin" / "elasticsearch"), "-d", "-p", str(node / "es.pid"),
            "-E", f"cluster.name={CLUSTER_NAME}", "-E", f"node.name={name}",
            "-E", "network.host=127.0.0.1", "-E", f"http.port={http_port + i}",
            "-E", f"transport.port={transport_port + i}", "-E", f"discovery.seed_hosts={seeds}",
            "-E", f"cluster.initial_master_nodes={','.join(names)}",
            "-E", f"path.data={node / 'data'}", "-E", f"path.logs={node / 'logs'}",
            "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
            "-E", "xpack.security.enabled=false",
        ]  # fmt: skip
        if os.geteuid() == 0:
            user = _ensure_es_user()
            home.chmod(0o755)
            _chown_tree(home, user.pw_uid, user.pw_gid)
            command = ["runuser", "-u", ES_USER, "--", *command]
        # in parallel: each launcher (-d) returns once its node has started
        launchers.append((name, subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
    for name, launcher in launchers:
        output, _ = launcher.communicate(timeout=timeout)
        if launcher.returncode != 0:  # seen once on the loaded machine while the node itself came up: judge below
            print(f"launcher of {name} exited {launcher.returncode}: {output.decode(errors='replace')[-300:]}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = health(urls(nodes, http_port)[0])
        if state and state.get("number_of_nodes") == nodes:
            return urls(nodes, http_port)
        time.sleep(2)
    raise SystemExit(f"cluster not formed within {timeout:.0f} s; logs under {home}/*/logs")


def pids() -> list[int]:
    found = []
    for pidfile in cluster_dir().glob("*/es.pid"):
        with contextlib.suppress(ValueError):
            found.append(int(pidfile.read_text().strip()))
    return found


def down(timeout: float = 60) -> None:
    running = pids()
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in running:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.3)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(cluster_dir(), ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--http-port", type=int, default=9301)
    parser.add_argument("--heap", default="512m")
    args = parser.parse_args()
    if args.action == "up":
        print("cluster up:", ", ".join(up(args.nodes, args.http_port, heap=args.heap)))
    else:
        down()
        print("cluster down")


if __name__ == "__main__":
    main()
