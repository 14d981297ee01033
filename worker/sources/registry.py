"""The feed registry: which feeds exist (declared in a YAML file or added with `newsworker feeds add`) and
each feed's state in Redis; the due-queue every scheduler claims from atomically, so a feed is handed out
once per due time however many beat processes run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import yaml

from worker.config import Settings
from worker.sources.schedule import FeedState
from worker.sources.urls import InvalidURLError, canonical_url

# Claim due feeds: take up to ARGV[2] members whose time has come and push them ARGV[3] ms into the
# future in the same step, so a second scheduler running the same script finds nothing to take.
# The poll then sets the real next time. KEYS[1] the due zset; ARGV: now ms, limit, lease ms.
_CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]), id)
end
return due
"""
_URL_LINE = re.compile(r"^https?://\S+$", re.IGNORECASE)


class RegistryError(ValueError):
    """A feed declaration that cannot be used (bad URL, bad file); the message says what to fix."""


@dataclass(frozen=True)
class FeedDeclaration:
    """One feed as declared in the YAML file or on the command line."""

    url: str
    name: str | None = None
    interval: float | None = None
    fetch_pages: bool | None = None


def feed_id(url: str) -> str:
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()[:16]


def opml_declarations(text: str, source: str = "OPML") -> list[FeedDeclaration]:
    """Feeds of an OPML subscription list (what feed readers export): every <outline xmlUrl=...>."""
    from lxml import etree

    from worker.sources.parsed import FeedError
    from worker.sources.xmlsafety import SAFE_PARSER_OPTIONS, safe_xml

    try:
        text = safe_xml(text, source)
        parser = etree.XMLParser(**SAFE_PARSER_OPTIONS, recover=True)
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except (FeedError, etree.XMLSyntaxError) as exc:
        raise RegistryError(f"cannot read OPML {source}: {exc}") from exc
    if root is None:
        raise RegistryError(f"{source}: empty OPML")
    return [
        FeedDeclaration(url=str(node.get("xmlUrl")).strip(), name=(node.get("title") or node.get("text") or None))
        for node in root.iter("outline")
        if node.get("xmlUrl")
    ]


def url_list_declarations(text: str) -> list[FeedDeclaration] | None:
    """A plain list of feed URLs, one per line (blank lines and # comments skipped); None if it is not one."""
    lines = [line.strip() for line in text.splitlines()]
    urls = [line for line in lines if line and not line.startswith("#")]
    if not urls or not all(_URL_LINE.match(url) for url in urls):
        return None
    return [FeedDeclaration(url=url) for url in urls]


def load_declarations(path: Path, text: str | None = None) -> list[FeedDeclaration]:
    """Feeds from a YAML file (`feeds: [{url, name?, interval?, fetch_pages?}, ...]` or a list of URLs), from
    an OPML export of a feed reader (`.opml`), or from a plain list of URLs, one per line. `text`: the
    content when it does not come from `path` (stdin)."""
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
    except OSError as exc:
        raise RegistryError(f"cannot read feeds file {path}: {exc}") from exc
    if path.suffix.lower() in (".opml", ".xml") or text.lstrip().startswith("<"):
        return opml_declarations(text, str(path))
    plain = url_list_declarations(text)
    if plain is not None:
        return plain
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RegistryError(f"cannot read feeds file {path}: {exc}") from exc
    entries = data.get("feeds", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a list under `feeds:`")
    declarations: list[FeedDeclaration] = []
    for position, entry in enumerate(entries):
        spec: dict[str, Any] = {"url": entry} if isinstance(entry, str) else entry
        if not isinstance(spec, dict) or not isinstance(spec.get("url"), str):
            raise RegistryError(f"{path}: feed {position + 1} has no url")
        unknown = set(spec) - {"url", "name", "interval", "fetch_pages"}
        if unknown:
            raise RegistryError(f"{path}: feed {spec['url']}: unknown keys {sorted(unknown)}")
        interval = spec.get("interval")
        declarations.append(
            FeedDeclaration(
                url=spec["url"],
                name=spec.get("name"),
                interval=float(interval) if interval is not None else None,
                fetch_pages=spec.get("fetch_pages"),
            )
        )
    return declarations


class FeedRegistry:
    """Feed states as JSON under `{prefix}:feed:{id}`, the due-queue as a sorted set of ids by next poll."""

    def __init__(self, client: redis.Redis, settings: Settings, prefix: str = "nw:feeds") -> None:
        self.client = client
        self.settings = settings
        self.prefix = prefix
        self.due_key = f"{prefix}:due"
        self.all_key = f"{prefix}:all"
        self._claim = client.register_script(_CLAIM)

    def _key(self, fid: str) -> str:
        return f"{self.prefix}:feed:{fid}"

    def add(self, declaration: FeedDeclaration, now: datetime | None = None) -> tuple[FeedState, bool]:
        """Register a feed (idempotent: an existing one keeps its state, its declaration is updated).

        Returns the state and whether it was new. A new feed is due at once.
        """
        now = now or datetime.now(UTC)
        try:
            url = canonical_url(declaration.url)
        except InvalidURLError as exc:
            raise RegistryError(f"cannot add feed: {exc}") from exc
        fid = feed_id(url)
        existing = self.get_by_id(fid)
        if existing:
            state = existing.model_copy(
                update={
                    "name": declaration.name or existing.name,
                    "interval_override": declaration.interval,
                    "fetch_pages": declaration.fetch_pages,
                }
            )
            self.save(state, schedule=False)
            return state, False
        state = FeedState(
            url=url,
            feed_id=fid,
            name=declaration.name,
            added_at=now,
            interval_override=declaration.interval,
            fetch_pages=declaration.fetch_pages,
            interval=declaration.interval or self.settings.poll_default_interval,
            next_poll=now,
        )
        self.client.hset(self.all_key, fid, url)
        self.save(state)
        return state, True

    def remove(self, url: str) -> bool:
        fid = feed_id(url)
        pipe = self.client.pipeline()
        pipe.hdel(self.all_key, fid)
        pipe.zrem(self.due_key, fid)
        pipe.delete(self._key(fid))
        removed, _, _ = pipe.execute()
        return bool(removed)

    def save(self, state: FeedState, *, schedule: bool = True) -> None:
        """Store the state; enabled feeds are (re)queued at their next poll time, disabled ones leave the queue."""
        pipe = self.client.pipeline()
        pipe.set(self._key(state.feed_id), state.model_dump_json())
        if not state.enabled:
            pipe.zrem(self.due_key, state.feed_id)
        elif schedule:
            pipe.zadd(self.due_key, {state.feed_id: state.next_poll.timestamp() * 1000})
        pipe.execute()

    def get_by_id(self, fid: str) -> FeedState | None:
        raw = self.client.get(self._key(fid))
        return FeedState.model_validate_json(raw) if raw else None  # type: ignore[arg-type]

    def get(self, url: str) -> FeedState | None:
        try:
            return self.get_by_id(feed_id(url))
        except InvalidURLError:
            return None

    def all(self) -> list[FeedState]:
        ids = sorted(k.decode() for k in self.client.hkeys(self.all_key))  # type: ignore[union-attr]
        if not ids:
            return []
        raws = self.client.mget([self._key(fid) for fid in ids])
        states = [FeedState.model_validate_json(raw) for raw in raws if raw]  # type: ignore[union-attr]
        return sorted(states, key=lambda s: (s.name or s.title or s.url).lower())

    def set_enabled(self, url: str, enabled: bool, reason: str | None = None, now: datetime | None = None) -> FeedState:
        state = self.get(url)
        if state is None:
            raise RegistryError(f"no such feed: {url} (see `newsworker feeds list`)")
        now = now or datetime.now(UTC)
        if enabled:
            state = state.model_copy(
                update={"enabled": True, "disabled_reason": None, "disabled_at": None, "consecutive_failures": 0,
                        "failing_since": None, "next_poll": now}
            )  # fmt: skip
        else:
            state = state.model_copy(
                update={"enabled": False, "disabled_reason": reason or "by hand", "disabled_at": now}
            )
        self.save(state)
        return state

    def claim_due(self, now: datetime, limit: int = 500, lease: float = 600.0) -> list[FeedState]:
        """Feeds whose poll time has come, each handed out to exactly one caller (until its lease runs out)."""
        # `now` in ms as stored (not truncated): a feed added in the same millisecond is due as well
        ids = self._claim(keys=[self.due_key], args=[now.timestamp() * 1000, limit, int(lease * 1000)])
        states = [self.get_by_id(raw.decode()) for raw in ids]
        return [s for s in states if s is not None and s.enabled]

    # -- items already seen, across all feeds (one story in two feeds is fetched once) -------------

    def seen_versions(self, article_ids: list[str]) -> dict[str, str | None]:
        if not article_ids:
            return {}
        raws = self.client.mget([f"{self.prefix}:seen:{aid}" for aid in article_ids])
        return {aid: (raw.decode() if raw else None) for aid, raw in zip(article_ids, raws, strict=True)}  # type: ignore[arg-type]

    def mark_seen(self, versions: dict[str, str], ttl_days: int = 60) -> None:
        if not versions:
            return
        pipe = self.client.pipeline()
        for aid, version in versions.items():
            pipe.set(f"{self.prefix}:seen:{aid}", version, ex=ttl_days * 86_400)
        pipe.execute()

    def sync(self, declarations: list[FeedDeclaration], *, prune: bool = False) -> dict[str, list[str]]:
        """Make the registry match a feeds file: add/update what it declares; with prune, remove the rest."""
        added: list[str] = []
        updated: list[str] = []
        removed: list[str] = []
        declared = set()
        for declaration in declarations:
            state, new = self.add(declaration)
            declared.add(state.feed_id)
            (added if new else updated).append(state.url)
        if prune:
            for state in self.all():
                if state.feed_id not in declared and self.remove(state.url):
                    removed.append(state.url)
        return {"added": added, "updated": updated, "removed": removed}
