"""Time series and rising trends over articles, shared by the API (and the dashboard through it).

Rising score (own formula, not significant_terms, so it can merge an entity's languages and forms by key):
for an entity or topic with `f` articles among the `F` articles of the foreground window and `b` among the
`B` of the background window just before it,

    p = (b + 1) / (B + 2)                   background share, smoothed so an unseen key is not a zero
    e = F * p                               articles expected in the foreground if nothing changed
    score = (f - e) / sqrt(e * (1 - p) + 1) how many binomial standard deviations above expectation

A key that is merely frequent scores near 0 (f close to e); 30 articles about a new entity score ~30/sqrt(1).
Entities merge by Wikidata id, else by type + folded name (`folded.entity_ids`); counts are articles.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from elasticsearch import Elasticsearch

from worker.config import Settings
from worker.dates import DateParseError, parse_date
from worker.search import SearchError, SearchQuery, build_query, entity_labels
from worker.tagging.iptc import topic_label

TrendField = Literal["entities", "topics"]
Interval = Literal["auto", "hour", "day", "week", "month", "year"]
Split = Literal["topic", "entity", "language", "source"]
MAX_BUCKETS = 400
_SPAN = re.compile(r"(\d{1,5})([hd])")


def parse_span(value: str, param: str) -> timedelta:
    """`24h`, `7d`: a window length."""
    match = _SPAN.fullmatch(value.strip())
    if not match or int(match.group(1)) == 0:
        raise SearchError(f"{param} is a number of hours or days, like 24h or 7d", param)
    amount = int(match.group(1))
    span = timedelta(hours=amount) if match.group(2) == "h" else timedelta(days=amount)
    if span > timedelta(days=3660):
        raise SearchError(f"{param} is at most 3660d", param)
    return span


def parse_instant(value: str | None, param: str) -> datetime:
    if not value or value == "now":
        return datetime.now(UTC)
    try:
        return parse_date(value)[0]
    except DateParseError as exc:
        raise SearchError(f"{param}: {exc}", param) from exc


def _window(query: dict[str, Any], start: datetime, end: datetime) -> dict[str, Any]:
    window = {"range": {"published_at": {"gte": start.isoformat(), "lt": end.isoformat()}}}
    return {"bool": {"must": [query], "filter": [window]}}


def _count_aggs(field: TrendField, size: int, include: list[str] | None = None) -> dict[str, Any]:
    terms: dict[str, Any] = {"size": size}
    if include is not None:
        terms["include"] = include
    if field == "entities":
        aggs: dict[str, Any] = {"keys": {"terms": {"field": "folded.entity_ids", **terms}}}
        if include is None:  # labels: the most common written form of each linked or unlinked entity
            aggs["labels"] = {
                "nested": {"path": "entities"},
                "aggs": {
                    "texts": {
                        "terms": {"field": "entities.text", "size": size * 2},
                        "aggs": {
                            "qid": {"terms": {"field": "entities.wikidata", "size": 1}},
                            "type": {"terms": {"field": "entities.type", "size": 1}},
                        },
                    }
                },
            }
        return aggs
    return {
        "keys": {
            "nested": {"path": "topics"},
            "aggs": {
                "codes": {"terms": {"field": "topics.code", **terms}, "aggs": {"articles": {"reverse_nested": {}}}}
            },
        }
    }


def _counts(field: TrendField, aggs: dict[str, Any]) -> dict[str, int]:
    if field == "entities":
        return {str(b["key"]): int(b["doc_count"]) for b in aggs["keys"]["buckets"]}
    return {str(b["key"]): int(b["articles"]["doc_count"]) for b in aggs["keys"]["codes"]["buckets"]}


def rising_score(f: int, big_f: int, b: int, big_b: int) -> float:
    p = (b + 1) / (big_b + 2)
    expected = big_f * p
    return (f - expected) / math.sqrt(expected * (1 - p) + 1)


def rising(
    es: Elasticsearch,
    settings: Settings,
    q: SearchQuery,
    *,
    field: TrendField = "entities",
    window: timedelta = timedelta(days=1),
    background: timedelta = timedelta(days=30),
    at: datetime | None = None,
    top: int = 10,
    min_articles: int = 3,
) -> dict[str, Any]:
    """Entities or topics rising in [at - window, at) against the `background` before it (module docstring)."""
    end = at or datetime.now(UTC)
    try:
        start = end - window
        (start - background).isoformat()
    except OverflowError as exc:
        raise SearchError("at minus window and background falls before year 1", "at") from exc
    base = build_query(q)
    fg = es.search(
        index=settings.read_alias,
        size=0,
        query=_window(base, start, end),
        aggs=_count_aggs(field, 500),
        track_total_hits=True,
    )
    fg_counts = {k: v for k, v in _counts(field, fg["aggregations"]).items() if v >= min_articles}
    big_f = int(fg["hits"]["total"]["value"])
    bg_counts: dict[str, int] = {}
    big_b = 0
    if fg_counts:
        bg = es.search(
            index=settings.read_alias,
            size=0,
            query=_window(base, start - background, start),
            aggs=_count_aggs(field, len(fg_counts), include=sorted(fg_counts)),
            track_total_hits=True,
        )
        bg_counts = _counts(field, bg["aggregations"])
        big_b = int(bg["hits"]["total"]["value"])
    else:
        big_b = int(es.count(index=settings.read_alias, query=_window(base, start - background, start))["count"])
    labels = entity_labels(fg["aggregations"]["labels"]["texts"]) if field == "entities" else {}
    rows = []
    for key, f in fg_counts.items():
        b = bg_counts.get(key, 0)
        label, kind = labels.get(key, (key.split(":", 1)[-1], key.split(":", 1)[0] if ":" in key else ""))
        row: dict[str, Any] = {
            "key": key,
            "label": topic_label(key, "en") if field == "topics" else label,
            "articles": f,
            "background_articles": b,
            "score": round(rising_score(f, big_f, b, big_b), 3),
        }
        if field == "entities":
            row["type"] = kind
        rows.append(row)
    rows.sort(key=lambda r: (-r["score"], -r["articles"], r["key"]))
    return {
        "field": field,
        "window": {"from": start.isoformat(), "to": end.isoformat(), "articles": big_f},
        "background": {"from": (start - background).isoformat(), "to": start.isoformat(), "articles": big_b},
        "formula": "score = (f - e) / sqrt(e * (1 - p) + 1), p = (b + 1) / (B + 2), e = F * p",
        "rising": rows[:top],
    }


AUTO_STEPS: list[tuple[timedelta, str]] = [
    (timedelta(days=3), "hour"),
    (timedelta(days=180), "day"),
    (timedelta(days=1500), "week"),
    (timedelta(days=12000), "month"),
]
STEP_LENGTH = {
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}
SPLIT_FIELDS = {"language": "language", "source": "source", "entity": "folded.entity_ids"}


def timeline(
    es: Elasticsearch,
    settings: Settings,
    q: SearchQuery,
    *,
    interval: Interval = "auto",
    split: Split | None = None,
    top: int = 5,
) -> dict[str, Any]:
    """Articles per period for a query and filters, empty periods included; optionally split by the `top`
    languages, sources, entities or topics. `auto` picks the interval from the span of the dates."""
    query = build_query(q)
    bounds = es.search(
        index=settings.read_alias,
        size=0,
        query=query,
        aggs={"first": {"min": {"field": "published_at"}}, "last": {"max": {"field": "published_at"}}},
        track_total_hits=True,
    )
    total = int(bounds["hits"]["total"]["value"])
    first = bounds["aggregations"]["first"].get("value")
    last = bounds["aggregations"]["last"].get("value")
    low = parse_date(q.since)[0] if q.since else (datetime.fromtimestamp(first / 1000, UTC) if first else None)
    high = parse_date(q.until)[0] if q.until else (datetime.fromtimestamp(last / 1000, UTC) if last else None)
    if low is None or high is None or total == 0:
        return {"interval": interval if interval != "auto" else "day", "total": total, "series": []}
    span = max(high - low, timedelta(0))
    chosen: str = interval
    if interval == "auto":
        chosen = next((name for limit, name in AUTO_STEPS if span <= limit), "year")
    if span / STEP_LENGTH[chosen] > MAX_BUCKETS:
        raise SearchError(f"{chosen} buckets over {span.days} days would be more than {MAX_BUCKETS}", "interval")
    histogram: dict[str, Any] = {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": chosen,
            "min_doc_count": 0,
            "extended_bounds": {"min": low.isoformat(), "max": high.isoformat()},
        }
    }
    if split == "topic":
        histogram["aggs"] = {
            "split": {
                "nested": {"path": "topics"},
                "aggs": {
                    "codes": {"terms": {"field": "topics.code", "size": top}, "aggs": {"a": {"reverse_nested": {}}}}
                },
            }
        }
    elif split:
        histogram["aggs"] = {"split": {"terms": {"field": SPLIT_FIELDS[split], "size": top}}}
    response = es.search(index=settings.read_alias, size=0, query=query, aggs={"periods": histogram})
    series = []
    for bucket in response["aggregations"]["periods"]["buckets"]:
        row: dict[str, Any] = {"period": bucket["key_as_string"], "articles": bucket["doc_count"]}
        if split == "topic":
            row["split"] = {b["key"]: b["a"]["doc_count"] for b in bucket["split"]["codes"]["buckets"]}
        elif split:
            row["split"] = {str(b["key"]): b["doc_count"] for b in bucket["split"]["buckets"]}
        series.append(row)
    return {"interval": chosen, "total": total, "split": split, "series": series}
