"""A local HTTP server for source tests: scripted routes, a request log with times, stops with the test."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float
    port: int


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Route = Callable[[Request], Reply]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        request = Request(
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            at=time.time(),
            port=self.server.server_address[1],
        )
        with self.server.lock:
            self.server.log.append(request)
        route = self.server.routes.get(self.path.split("?")[0])
        reply = route(request) if route else Reply(404, b"not found")
        if reply.delay:
            time.sleep(reply.delay)
        self.send_response(reply.status)
        headers = {"Content-Length": str(len(reply.body)), **reply.headers}
        if headers["Content-Length"] == "":
            # No length: the body runs until the connection closes (as some servers still do).
            del headers["Content-Length"]
            headers["Connection"] = "close"
            self.close_connection = True
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients closing kept-alive connections (workers stopping) are not test failures.
        return

    routes: dict[str, Route]
    log: list[Request]
    lock: threading.Lock


@dataclass
class LocalServer:
    """Routes by path; `log` has every request with its arrival time."""

    server: _Server

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://{self.server.server_address[0]}:{self.port}"

    @property
    def log(self) -> list[Request]:
        return self.server.log

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, route: Route | Reply) -> None:
        self.server.routes[path] = route if callable(route) else (lambda _r, reply=route: reply)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path.split("?")[0] == path]


@contextmanager
def serve(host: str = "127.0.0.1") -> Iterator[LocalServer]:
    """A server on `host` (a loopback address; free port) in a daemon thread, shut down when the block ends."""
    server = _Server((host, 0), _Handler)
    server.routes, server.log, server.lock = {}, [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LocalServer(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()
