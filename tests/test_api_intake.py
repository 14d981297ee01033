"""API intake limits and key checks, without services."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import HTTPException
from starlette.requests import Request

from worker.api import _charset, _read_capped
from worker.api_security import AuthError, check, is_loopback, parse_keys
from worker.config import Settings


def _request(chunks: list[bytes], consumed: list[int], headers: dict[str, str] | None = None) -> Request:
    messages = iter(chunks)

    async def receive() -> dict[str, object]:
        chunk = next(messages, None)
        consumed.append(1)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    raw_headers = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "POST", "headers": raw_headers}, receive)


def test_body_over_the_cap_is_refused_without_reading_the_rest() -> None:
    consumed: list[int] = []
    request = _request([b"x" * 1000] * 1000, consumed)  # 1 MB offered, cap 5 KB
    with pytest.raises(HTTPException) as caught:
        asyncio.run(_read_capped(request, 5000))
    assert caught.value.status_code == 413
    assert len(consumed) == 6  # stopped at the chunk that crossed the cap


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    consumed: list[int] = []
    request = _request([b"x"], consumed, {"content-length": "999999"})
    with pytest.raises(HTTPException) as caught:
        asyncio.run(_read_capped(request, 5000))
    assert caught.value.status_code == 413 and consumed == []


def test_body_under_the_cap_is_read_whole() -> None:
    assert asyncio.run(_read_capped(_request([b"ab", b"cd"], []), 10)) == b"abcd"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/plain", "utf-8"),
        ("Text/Plain; charset=ISO-8859-1", "ISO-8859-1"),
        ('text/plain; charset="utf-16"', "utf-16"),
        ("application/json", 415),
        ("", 415),
        (None, 415),
        ("text/plain; charset=bogus", 400),
        ("text/plain; charset=base64", 400),
    ],
)
def test_only_text_plain_with_a_text_charset_is_accepted(content_type: str | None, expected: str | int) -> None:
    if isinstance(expected, str):
        assert _charset(content_type) == expected
        return
    with pytest.raises(HTTPException) as caught:
        _charset(content_type)
    assert caught.value.status_code == expected


def test_keys_parse_with_scopes() -> None:
    assert parse_keys(Settings(api_keys="a:read, b:read+write ,c").api_keys) == {
        "a": frozenset({"read"}),
        "b": frozenset({"read", "write"}),
        "c": frozenset({"read"}),
    }


def test_keys_are_required_beyond_loopback_unless_explicitly_off() -> None:
    open_ = Settings(api_keys="", api_auth="auto")
    check("write", None, "127.0.0.1", open_)  # loopback, no keys: open
    check("read", None, "::1", open_)
    with pytest.raises(AuthError) as caught:
        check("read", None, "10.1.2.3", open_)
    assert caught.value.status == 503 and "NEWSWORKER_API_KEYS" in caught.value.message
    check("read", None, "10.1.2.3", Settings(api_auth="off"))
    keyed = Settings(api_keys="r:read", api_auth="auto")
    with pytest.raises(AuthError) as caught:
        check("read", None, "127.0.0.1", keyed)  # keys configured: required everywhere
    assert caught.value.status == 401
    check("read", "r", "10.1.2.3", keyed)
    with pytest.raises(AuthError) as caught:
        check("write", "r", "10.1.2.3", keyed)
    assert caught.value.status == 403
    with pytest.raises(AuthError):
        check("read", None, "127.0.0.1", Settings(api_auth="on", api_keys="r:read"))
    assert is_loopback("127.0.0.5") and not is_loopback("0.0.0.0") and not is_loopback(None)
