"""API keys with read/write scopes, and the intake limits of the HTTP API.

Keys are required as soon as the API answers on a non-loopback address (the server address of each
request says where it is bound), unless `NEWSWORKER_API_AUTH=off` says so explicitly; with keys configured
they are required everywhere. A key is sent as `Authorization: Bearer KEY` or `X-API-Key: KEY`.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from typing import Literal

from worker.config import Settings, get_settings

Scope = Literal["read", "write"]


class AuthError(Exception):
    """A request without the key (401), with a key lacking the scope (403), or keys not configured (503)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def parse_keys(entries: Iterable[str]) -> dict[str, frozenset[str]]:
    """['KEY:read', 'OTHER:read+write', 'BARE'] (Settings.api_keys) -> scopes by key; a bare key reads."""
    keys: dict[str, frozenset[str]] = {}
    for entry in entries:
        key, _, scopes = entry.strip().rpartition(":")
        if not entry.strip():
            continue
        if not key:  # a bare key: read only
            key, scopes = entry.strip(), "read"
        keys[key] = frozenset(s for s in scopes.replace("+", " ").split() if s in ("read", "write"))
    return keys


def api_settings() -> Settings:
    return get_settings()


def is_loopback(host: str | None) -> bool:
    if host in (None, "localhost", "testserver"):  # testserver: Starlette's TestClient
        return host is not None
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def check(scope: Scope, presented: str | None, server_host: str | None, settings: Settings) -> None:
    """Raise AuthError unless the request may use `scope`."""
    keys = parse_keys(settings.api_keys)
    if settings.api_auth == "off":
        return
    required = settings.api_auth == "on" or bool(keys) or not is_loopback(server_host)
    if not required:
        return
    if not keys:
        raise AuthError(
            503,
            "API keys are required on a non-loopback address: set NEWSWORKER_API_KEYS "
            "(or NEWSWORKER_API_AUTH=off to run open on purpose)",
        )
    if not presented:
        raise AuthError(401, "API key required (Authorization: Bearer KEY or X-API-Key)")
    for key, scopes in keys.items():
        if hmac.compare_digest(key.encode(), presented.encode()):
            if scope not in scopes:
                raise AuthError(403, f"this API key lacks the '{scope}' scope")
            return
    raise AuthError(401, "unknown API key")
