"""Preview a saved search against history before it goes live: articles it would have matched per day, with
examples. It is the `/search` of the same query and filters with `since`/`until` as whole days, so the
per-day counts add up to that search's `total` (the response says which `since` and `until` it used)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from worker.alerts.store import Alert
from worker.config import Settings
from worker.search import HIDDEN_FIELDS, SearchError, build_query

MAX_DAYS = 400
DAYS = re.compile(r"(\d{1,3})d")


def since_day(since: str, today: date) -> str:
    """`30d` -> the day 30 days before today (so 30 whole days and today so far); a date is taken as given."""
    match = DAYS.fullmatch(since.strip())
    if match:
        return (today - timedelta(days=int(match.group(1)))).isoformat()
    return since


def preview(es: Elasticsearch, settings: Settings, alert: Alert, *, since: str = "30d", until: str | None = None,
            examples: int = 5, today: date | None = None) -> dict[str, Any]:  # fmt: skip
    today = today or datetime.now(UTC).date()
    first = since_day(since, today)
    last = until or today.isoformat()
    q = alert.search_query(since=first, until=last)
    query = build_query(q)  # SearchError / QuerySyntaxError for bad dates or query
    start = datetime.fromisoformat(q.since or first).date() if len(first) == 10 else None
    end = datetime.fromisoformat(last).date() if len(last) == 10 else None
    if start and end and (end - start).days > MAX_DAYS:
        raise SearchError(f"at most {MAX_DAYS} days at a time", "since")
    histogram: dict[str, Any] = {"field": "published_at", "calendar_interval": "day", "min_doc_count": 0,
                                 "format": "yyyy-MM-dd", "time_zone": "UTC"}  # fmt: skip
    if start and end:
        histogram["extended_bounds"] = {"min": start.isoformat(), "max": end.isoformat()}
    response = es.search(
        index=settings.read_alias,
        query=query,
        size=examples,
        sort=[{"published_at": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}],
        source_excludes=[*HIDDEN_FIELDS, "paragraphs", "body", "entities", "metadata", "enrichment"],
        track_total_hits=True,
        aggs={"days": {"date_histogram": histogram}},
    )
    days = [{"day": b["key_as_string"], "count": b["doc_count"]} for b in response["aggregations"]["days"]["buckets"]]
    hits = response["hits"]["hits"]
    return {
        "alert": alert.name,
        "query": alert.query,
        "since": first,
        "until": last,
        "total": response["hits"]["total"]["value"],
        "days": days,
        "examples": [{k: h["_source"].get(k) for k in ("id", "title", "url", "source", "published_at")} for h in hits],
    }
