"""A per-client token bucket in Redis for the API's read endpoints, shared by every API instance.

The bucket lives in one Redis hash per client (tokens, time of the last refill) and is refilled and spent in
one Lua script, on Redis's own clock, so instances with skewed clocks agree and two requests never spend the
same token.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import redis.asyncio

# KEYS[1] the bucket; ARGV: rate (tokens/s), burst. Returns {allowed 0/1, seconds to wait as a string}.
_TAKE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # whole seconds, at least 1 when refused (the Retry-After header)


def client_id(api_key: str | None, address: str | None) -> str:
    """Who spends the bucket: the API key when one is sent (hashed, never stored), else the address."""
    if api_key:
        return "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:24]
    return f"addr:{address or 'unknown'}"


class RateLimiter:
    def __init__(self, prefix: str, rate: float, burst: int) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.prefix = f"{prefix}:ratelimit:"
        self.rate = rate
        self.burst = burst

    async def take(self, connection: redis.asyncio.Redis, client: str) -> Decision:
        """Spend one of `client`'s tokens, over an asynchronous Redis client: the API's event loop waits on Redis
        rather than a threadpool thread (two thread wake-ups per read request)."""
        script = connection.register_script(_TAKE)  # a hash of the text; loaded into Redis once (EVALSHA)
        allowed, wait = await script(keys=[self.prefix + client], args=[self.rate, self.burst])
        return _decision(allowed, wait)


def _decision(allowed: bytes | int, wait: bytes | str) -> Decision:
    seconds = float(wait)
    return Decision(bool(int(allowed)), max(1, math.ceil(seconds)) if not int(allowed) else 0)
