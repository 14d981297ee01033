"""The address guard (SSRF protection): only globally routable addresses are fetched, unless configured.

Checked twice: before each request (a clear error early, no budget spent) and at connect time by the
transport, which connects to exactly the address it checked, so a DNS answer that changes in between
(rebinding) cannot slip a private address in.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from worker.sources.errors import BlockedAddressError, FetchError, TransportError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(specs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """['127.0.0.0/8', '::1'] (Settings.allow_private_networks) -> networks; a bare address is a /32 (/128)."""
    networks = []
    for part in specs:
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"allow_private_networks: {part!r} is not an address or CIDR") from exc
    return tuple(networks)


def address_refusal(address: IPAddress, allowed: tuple[IPNetwork, ...]) -> str | None:
    """Why an address may not be fetched, or None: anything not globally routable is refused."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return None
    for label, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
    ):
        if flag:
            return f"{label} address {address} refused (SSRF protection; see NEWSWORKER_ALLOW_PRIVATE_NETWORKS)"
    if not address.is_global:
        return f"non-global address {address} refused (SSRF protection)"
    return None


def resolve_checked(host: str, port: int, allowed: tuple[IPNetwork, ...]) -> list[str]:
    """Resolve a host and return its addresses, refusing the host if ANY of them is not allowed.

    All of them, because the connection may use any, and a DNS answer mixing a public and a private
    address is a classic rebinding trick.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TransportError(host, f"cannot resolve {host}: {exc.strerror}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for raw in addresses:
        reason = address_refusal(ipaddress.ip_address(raw.split("%")[0]), allowed)
        if reason:
            raise BlockedAddressError(host, reason if host == raw else f"{host} resolves to {raw}: {reason}")
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """Resolves and checks at connect time, then connects to exactly the address it checked.

    A refusal is raised as BlockedAddressError and travels through httpcore and httpx unchanged (they only
    translate their own exceptions), so the client sees the type, not a message to parse.
    """

    def __init__(self, allowed: tuple[IPNetwork, ...]) -> None:
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_checked(host, port, self.allowed)
        error: Exception | None = None
        for address in addresses:  # e.g. an IPv6 address first that this machine cannot reach
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error


# httpcore's exceptions -> httpx's of the same name, so the client handles one family (httpx's own transport
# does the same translation; it just offers no way to plug in a network backend).
_HTTPX_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.ProxyError: httpx.ProxyError,
}


@contextmanager
def _httpx_errors() -> Iterator[None]:
    try:
        yield
    except FetchError:
        raise
    except Exception as exc:
        for source, target in _HTTPX_ERRORS.items():
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self.stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self.stream

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore connection pool whose sockets come from GuardedBackend."""

    def __init__(self, allowed: tuple[IPNetwork, ...], *, max_connections: int = 100, keepalive: int = 20) -> None:
        self.pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=keepalive,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allowed),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = self.pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.pool.close()
