"""HTTP read side and intake: search, articles, trends, health, Prometheus metrics, document POST.

Run with `newsworker api` (uvicorn). Metrics are computed from Redis and Elasticsearch at scrape
time, so they are true for the whole fleet of workers rather than for one process.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

import redis
from elasticsearch import Elasticsearch
from fastapi import Body, FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from worker.config import Settings, get_settings
from worker.dates import DateParseError
from worker.failures import FailureStore
from worker.index.store import connect
from worker.search import SearchQuery, search
from worker.sources.documents import document_item
from worker.stats import IngestStats

app = FastAPI(title="newsworker", version="0.1.0")

TREND_FIELDS = {"entities": ("entities", "entities.text"), "topics": ("topics", "topics.code")}


@lru_cache(maxsize=1)
def _es() -> Elasticsearch:
    return connect(get_settings())


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url, socket_timeout=2)


def _settings() -> Settings:
    return get_settings()


def _stats() -> IngestStats:
    return IngestStats(_redis(), _settings().index_prefix)


@app.get("/stats/hourly")
def hourly_stats(hours: Annotated[int, Query(ge=1, le=192)] = 48) -> dict[str, Any]:
    """Items indexed / unchanged / failed per hour, across all workers: the ingestion-health series."""
    return {"hours": _stats().hourly(hours)}


@app.get("/search")
def search_articles(
    q: str = "",
    lang: str | None = None,
    topic: str | None = None,
    entity: str | None = None,
    since: str | None = None,
    until: str | None = None,
    source: str | None = None,
    size: Annotated[int, Query(ge=0, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    sort: Literal["relevance", "date"] = "relevance",
    facets: bool = False,
) -> dict[str, Any]:
    try:
        query = SearchQuery(
            text=q,
            language=lang,
            topic=topic,
            entity=entity,
            since=since,
            until=until,
            source=source,
            size=size,
            offset=offset,
            sort=sort,
            facets=facets,
        )
        return search(_es(), _settings(), query)
    except DateParseError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@app.get("/articles/{article_id}")
def get_article(article_id: str) -> dict[str, Any]:
    settings = _settings()
    hits = _es().search(
        index=settings.read_alias, query={"ids": {"values": [article_id]}}, source_excludes=["revision"], size=1
    )["hits"]["hits"]
    if not hits:
        raise HTTPException(status_code=404, detail=f"no article {article_id}")
    return dict(hits[0]["_source"])


@app.get("/trends")
def trends(
    field: Literal["entities", "topics"] = "entities",
    interval: Literal["hour", "day", "week", "month"] = "day",
    since: str = "now-30d",
    top: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Counts per period of the top entities or topics: what a news-trends dashboard plots."""
    path, term_field = TREND_FIELDS[field]
    response = _es().search(
        index=_settings().read_alias,
        size=0,
        query={"range": {"published_at": {"gte": since}}},
        aggs={
            "periods": {
                "date_histogram": {"field": "published_at", "calendar_interval": interval, "min_doc_count": 1},
                "aggs": {
                    "n": {"nested": {"path": path}, "aggs": {"top": {"terms": {"field": term_field, "size": top}}}}
                },
            }
        },
    )
    periods = [
        {
            "period": b["key_as_string"],
            "articles": b["doc_count"],
            "top": {t["key"]: t["doc_count"] for t in b["n"]["top"]["buckets"]},
        }
        for b in response["aggregations"]["periods"]["buckets"]
    ]
    return {"field": field, "interval": interval, "periods": periods}


def _health() -> dict[str, Any]:
    settings = _settings()
    checks: dict[str, Any] = {}
    try:
        _redis().ping()
        checks["redis"] = "ok"
        checks["queue_depth"] = int(_redis().llen("ingest"))  # type: ignore[arg-type]
        checks["failures"] = FailureStore(_redis(), settings.failures_key).count()
        checks["totals"] = _stats().totals()
    except redis.RedisError as exc:
        checks["redis"] = f"error: {exc}"
    try:
        checks["elasticsearch"] = str(_es().cluster.health()["status"])
        checks["write_alias"] = bool(_es().indices.exists_alias(name=settings.write_alias))
    except Exception as exc:  # any failure to reach the cluster is what health must report
        checks["elasticsearch"] = f"error: {exc}"
    return checks


@app.get("/health")
def health() -> JSONResponse:
    checks = _health()
    ok = (
        checks.get("redis") == "ok" and checks.get("elasticsearch") in ("green", "yellow") and checks.get("write_alias")
    )
    return JSONResponse({"status": "ok" if ok else "degraded", **checks}, status_code=200 if ok else 503)


@app.get("/metrics", response_class=PlainTextResponse)
def metrics() -> str:
    """Prometheus text format: ingestion health and volume, computed at scrape time."""
    settings = _settings()
    checks = _health()
    lines = [
        "# HELP newsworker_up 1 when the dependency answers.",
        "# TYPE newsworker_up gauge",
        f'newsworker_up{{dependency="redis"}} {int(checks.get("redis") == "ok")}',
        f'newsworker_up{{dependency="elasticsearch"}} {int(checks.get("elasticsearch") in ("green", "yellow"))}',
        "# HELP newsworker_queue_depth Tasks waiting in the ingest queue.",
        "# TYPE newsworker_queue_depth gauge",
        f"newsworker_queue_depth {checks.get('queue_depth', 0)}",
        "# HELP newsworker_items_total Items processed by the workers, by outcome.",
        "# TYPE newsworker_items_total counter",
        *[f'newsworker_items_total{{outcome="{k}"}} {v}' for k, v in sorted(checks.get("totals", {}).items())],
        "# HELP newsworker_failures Items in the dead-letter store.",
        "# TYPE newsworker_failures gauge",
        f"newsworker_failures {checks.get('failures', 0)}",
    ]
    if str(checks.get("elasticsearch", "")).startswith("error") or not checks.get("write_alias"):
        return "\n".join(lines) + "\n"
    response = _es().search(
        index=settings.read_alias,
        size=0,
        aggs={
            "languages": {"terms": {"field": "language", "size": 50}},
            "last_hour": {"filter": {"range": {"ingested_at": {"gte": "now-1h"}}}},
            "last_day": {"filter": {"range": {"ingested_at": {"gte": "now-1d"}}}},
        },
        track_total_hits=True,
    )
    aggs = response["aggregations"]
    lines += [
        "# HELP newsworker_articles Articles in the index.",
        "# TYPE newsworker_articles gauge",
        f"newsworker_articles {response['hits']['total']['value']}",
        "# HELP newsworker_articles_by_language Articles in the index by language.",
        "# TYPE newsworker_articles_by_language gauge",
        *[
            f'newsworker_articles_by_language{{language="{b["key"]}"}} {b["doc_count"]}'
            for b in aggs["languages"]["buckets"]
        ],
        "# HELP newsworker_articles_ingested Articles (re)indexed in a recent window.",
        "# TYPE newsworker_articles_ingested gauge",
        f'newsworker_articles_ingested{{window="1h"}} {aggs["last_hour"]["doc_count"]}',
        f'newsworker_articles_ingested{{window="1d"}} {aggs["last_day"]["doc_count"]}',
    ]
    return "\n".join(lines) + "\n"


@app.post("/documents", status_code=202)
def post_document(
    text: Annotated[str, Body(media_type="text/plain")],
    source: str = "api",
) -> dict[str, Any]:
    """A plain-text document (header lines allowed) for the workers; returns the task id."""
    from worker.tasks import ingest_items

    if len(text.encode("utf-8")) > _settings().max_document_bytes:
        raise HTTPException(status_code=413, detail="document over NEWSWORKER_MAX_DOCUMENT_BYTES")
    if not text.strip():
        raise HTTPException(status_code=422, detail="empty document")
    item = document_item(text, name="<api>", source=source)
    task = ingest_items.delay([item.model_dump(mode="json")])
    return {"task_id": task.id}


@app.get("/dashboard", response_class=HTMLResponse)
def dashboard() -> str:
    """One self-contained page (no external assets): health KPIs, hourly outcomes, facets and trends."""
    return resources.files("worker").joinpath("static/dashboard.html").read_text("utf-8")


@app.get("/")
def root() -> dict[str, Any]:
    return {
        "service": "newsworker",
        "endpoints": [
            "/dashboard",
            "/search",
            "/articles/{id}",
            "/trends",
            "/stats/hourly",
            "/health",
            "/metrics",
            "/documents (POST)",
        ],
    }
