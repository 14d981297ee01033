"""robots.txt for article pages: asked once a day per site (cached in Redis for all workers), its Disallow
rules honoured and its Crawl-delay applied to the site's request budget.

Feeds are not checked: they are published to be polled by feed readers, and many robots.txt files block
/feed paths only by accident of a wildcard rule (what feed readers generally do too).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import redis

from worker.sources.errors import FetchError, HTTPStatusError, RetryLaterError
from worker.sources.http import PoliteClient
from worker.sources.urls import budget_key

log = logging.getLogger(__name__)
ROBOTS_MAX_BYTES = 500_000  # what the big crawlers read at most (RFC 9309 asks for at least 500 KiB)
TTL = 24 * 3600
TTL_UNREACHABLE = 3600
ALLOW_ALL = ""
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
AGENT = "newsworker"


def parse_robots(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def robots_allows(text: str, url: str, agent: str = AGENT) -> bool:
    return parse_robots(text).can_fetch(agent, url)


def robots_delay(text: str, agent: str = AGENT) -> float | None:
    """The Crawl-delay of the group for `agent` (else of `*`), in seconds. Read here rather than by
    urllib.robotparser, which ignores fractional delays ("Crawl-delay: 1.5" is common)."""
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:  # a user-agent line after rules starts a new group
                agents, in_rules = [], False
            agents.append(value.lower())
        elif key in ("allow", "disallow", "crawl-delay"):
            in_rules = True
            if key == "crawl-delay":
                try:
                    seconds = float(value)
                except ValueError:
                    continue
                for name in agents:
                    delays.setdefault(name, seconds)
    for name, seconds in delays.items():
        if name != "*" and name in agent.lower():
            return seconds
    return delays.get("*")


class RobotsCache:
    """robots.txt per origin, fetched through the polite client and kept in Redis."""

    def __init__(self, client: redis.Redis, http: PoliteClient, prefix: str = "nw:robots") -> None:
        self.client = client
        self.http = http
        self.prefix = prefix

    def rules(self, url: str) -> str:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        key = f"{self.prefix}:{origin}"
        cached = self.client.get(key)
        if cached is not None:
            return cached.decode("utf-8", "replace")  # type: ignore[union-attr]
        # One worker asks; the others that wanted it at the same moment wait for its answer.
        with self.client.lock(f"{key}:lock", timeout=120, blocking_timeout=self.http.settings.host_max_wait * 2):
            cached = self.client.get(key)
            if cached is not None:
                return cached.decode("utf-8", "replace")  # type: ignore[union-attr]
            text, ttl = self._fetch(origin)
            self.client.set(key, text, ex=ttl)
        delay = robots_delay(text)
        if delay:
            # The site asked for this many seconds between requests: the budget takes it as a slower rate.
            self.http.budget.set_crawl_delay(budget_key(url), delay, ttl)
        return text

    def _fetch(self, origin: str) -> tuple[str, int]:
        """RFC 9309: a 4xx means no rules; a 5xx or no answer means stay out for now."""
        try:
            result = self.http.fetch(f"{origin}/robots.txt", kind="page", first=True)
        except HTTPStatusError as exc:
            return (ALLOW_ALL, TTL) if exc.status < 500 else (DISALLOW_ALL, TTL_UNREACHABLE)
        except RetryLaterError:
            raise
        except FetchError as exc:
            log.info("robots.txt of %s unavailable (%s): staying out for an hour", origin, exc.reason)
            return DISALLOW_ALL, TTL_UNREACHABLE
        return result.text("page")[:ROBOTS_MAX_BYTES], TTL

    def allowed(self, url: str) -> bool:
        return robots_allows(self.rules(url), url)
