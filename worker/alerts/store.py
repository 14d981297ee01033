"""Saved searches with a webhook (alerts), kept in Redis: one hash name -> JSON, plus a version counter that
workers watch so they recompile their matchers only when an alert changed."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, cast

import redis
from pydantic import BaseModel, Field

from worker.article import utcnow
from worker.query import parse
from worker.search import SearchQuery, Values, build_query


class AlertError(ValueError):
    """An alert that cannot be saved (bad name, query, filter or webhook URL); the API answers 400."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


class Alert(BaseModel):
    name: str
    query: str = ""
    lang: list[str] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)
    entity: list[str] = Field(default_factory=list)
    webhook: str
    secret: str = Field(default_factory=lambda: secrets.token_hex(32))
    kind: str = Field(default="search", description="search: a saved search; baseline: source-volume anomalies")
    created_at: datetime = Field(default_factory=utcnow)

    def search_query(self, **extra: object) -> SearchQuery:
        return SearchQuery(text=self.query, languages=Values.parse(self.lang), topics=Values.parse(self.topic),
                           entities=Values.parse(self.entity), **extra)  # type: ignore[arg-type]  # fmt: skip

    def public(self) -> dict[str, object]:
        """What listings show: everything but the secret."""
        return self.model_dump(mode="json", exclude={"secret"})


def validate_alert(alert: Alert) -> None:
    from worker.query import QuerySyntaxError

    if not alert.name or len(alert.name) > 200 or any(c.isspace() and c != " " for c in alert.name):
        raise AlertError("name: 1 to 200 characters, no tabs or newlines", "name")
    if alert.kind not in ("search", "baseline"):
        raise AlertError("kind: search or baseline", "kind")
    if not alert.webhook.lower().startswith(("http://", "https://")):
        raise AlertError("webhook: an http(s) URL", "webhook")
    try:
        parse(alert.query)
        build_query(alert.search_query())
    except QuerySyntaxError as exc:
        raise AlertError(str(exc), "query") from exc


class AlertStore:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.key = f"{prefix}:alerts"
        self.version_key = f"{prefix}:alerts:version"

    def add(self, alert: Alert, *, replace: bool = False) -> Alert:
        validate_alert(alert)
        data = alert.model_dump_json()
        if replace:
            self.redis.hset(self.key, alert.name, data)
        elif not self.redis.hsetnx(self.key, alert.name, data):
            raise AlertError(f"an alert named '{alert.name}' exists (remove it first)", "name")
        self.redis.incr(self.version_key)
        return alert

    def get(self, name: str) -> Alert | None:
        raw = cast(bytes | None, self.redis.hget(self.key, name))
        return Alert.model_validate_json(raw) if raw else None

    def all(self) -> list[Alert]:
        values = cast(list[bytes], self.redis.hvals(self.key))
        return sorted((Alert.model_validate_json(v) for v in values), key=lambda a: a.name)

    def remove(self, name: str) -> bool:
        removed = bool(self.redis.hdel(self.key, name))
        if removed:
            self.redis.incr(self.version_key)
        return removed

    def version(self) -> int:
        return int(cast(Any, self.redis.get(self.version_key)) or 0)

    def recent(self, name: str) -> list[str]:
        """Ids of the alert's latest matches, newest first (kept by worker/alerts/matching.py)."""
        return [v.decode() for v in cast(list[bytes], self.redis.lrange(f"{self.key}:recent:{name}", 0, -1))]
