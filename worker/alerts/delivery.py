"""Webhook deliveries: the JSON body, its deterministic id, the HMAC-SHA256 signature, and one POST through
the polite client's guarded transport (address check on connect, timeouts, no proxies, no redirects, a
capped response).

At-least-once: a delivery is retried until the receiver answers 2xx (or it is dead-lettered), so the same
delivery may arrive twice; its `delivery_id` is derived from the alert and the article (or the event), never
from the attempt, so the receiver deduplicates on it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx

from worker.sources.errors import FetchError, HTTPStatusError, TransportError
from worker.sources.http import PoliteClient

SIGNATURE_HEADER = "X-Newsworker-Signature"
DELIVERY_HEADER = "X-Newsworker-Delivery"
MAX_RESPONSE_BYTES = 64_000


def delivery_id(alert_name: str, created_at: str, subject: str) -> str:
    """The same alert (as created) and the same article or event give the same id on every attempt."""
    return hashlib.sha256(json.dumps([alert_name, created_at, subject]).encode()).hexdigest()[:32]


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute the signature over the raw body and compare in constant time."""
    return hmac.compare_digest(signature(secret, body), header)


class WebhookRetryable(TransportError):
    """The receiver is down, slow or answered 5xx/429: try again later."""


def post_webhook(client: PoliteClient, url: str, payload: dict[str, Any], secret: str) -> int:
    """POST one delivery; returns the status (2xx). Raises BlockedAddressError (refused address: retrying
    will not help), WebhookRetryable (5xx, 429, 408, timeouts, connection errors) or HTTPStatusError (any
    other 4xx, redirects included: the receiver refused it)."""
    client.check_url(url)  # before connecting: refused schemes, private or loopback addresses (SSRF)
    body = body_bytes(payload)
    headers = {
        "User-Agent": client.user_agent,
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, body),
        DELIVERY_HEADER: str(payload["delivery_id"]),
    }
    try:
        with client.client.stream("POST", url, content=body, headers=headers) as response:
            received = 0
            for chunk in response.iter_raw():  # read (capped) so the connection can be reused
                received += len(chunk)
                if received > MAX_RESPONSE_BYTES:
                    break
            status = response.status_code
    except FetchError:
        raise
    except httpx.TimeoutException as exc:
        raise WebhookRetryable(url, f"timeout: {type(exc).__name__}") from exc
    except httpx.TransportError as exc:
        raise WebhookRetryable(url, f"{type(exc).__name__}: {exc}") from exc
    if 200 <= status < 300:
        return status
    if status >= 500 or status in (408, 429):
        raise WebhookRetryable(url, f"HTTP {status}")
    raise HTTPStatusError(url, f"HTTP {status}", status)
