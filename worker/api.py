"""HTTP read side and intake: search, export, articles, trends, health, Prometheus metrics, document POST.

Run with `newsworker api` (uvicorn). Metrics are computed from Redis and Elasticsearch at scrape
time, so they are true for the whole fleet of workers rather than for one process. Every input the API
cannot use is a 4xx with `{"error": ...}` (plus `position` for a query, `param` for a parameter).
"""

from __future__ import annotations

import codecs
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import elasticsearch
import orjson
import redis
import redis.asyncio
from elastic_transport import AiohttpHttpNode
from elasticsearch import AsyncElasticsearch, Elasticsearch
from elasticsearch.serializer import OrjsonSerializer
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from kombu.exceptions import OperationalError
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as ASGIScope

from worker.alerts.baselines import BaselineState, source_health
from worker.api_security import AuthError, Scope, api_settings, check
from worker.app import QUEUES
from worker.config import Settings, get_settings
from worker.coverage import coverage_metrics
from worker.export import DEFAULT_EXPORT_FIELDS, EXPORT_FIELDS, export_lines
from worker.failures import FailureStore
from worker.index.store import connect
from worker.ledger import BatchLedger
from worker.monitor import alert_activity, coverage, degraded_sources, failing_feeds
from worker.query import QuerySyntaxError
from worker.ratelimit import RateLimiter, client_id
from worker.search import MAX_PAGE_SIZE, SearchError, SearchQuery, Values, iter_matches, search_async, similar
from worker.sources.documents import document_item
from worker.sources.registry import FeedRegistry
from worker.stats import IngestStats
from worker.timings import ENQUEUED_AT, Histograms
from worker.trends import parse_instant, parse_span, rising, timeline

# How `newsworker api` (and bench.search) serve this app: uvicorn on uvloop with the httptools parser, pinned in
# pyproject.toml rather than left to uvicorn's "auto", which takes them only when they happen to be installed.
SERVER_OPTIONS: dict[str, Any] = {"loop": "uvloop", "http": "httptools"}


def connect_async(settings: Settings) -> AsyncElasticsearch:
    """The asynchronous client of /search: aiohttp under it costs the same CPU per search as the synchronous
    client's urllib3 (0.54-0.56 ms; the httpx node 1.2-1.3 ms), and the event loop waits on Elasticsearch
    instead of a threadpool thread (two thread wake-ups per request; bench/RESULTS.md)."""
    return AsyncElasticsearch(
        settings.es_hosts, request_timeout=settings.es_timeout, retry_on_timeout=True,
        serializer=OrjsonSerializer(), node_class=AiohttpHttpNode,
    )  # fmt: skip


@asynccontextmanager
async def _lifespan(api: FastAPI) -> AsyncIterator[None]:
    """The server's asynchronous clients, on its event loop, for its whole life: Elasticsearch (/search) and Redis
    (the read rate limit). Both connect on first use."""
    settings = get_settings()
    api.state.es = connect_async(settings)
    api.state.redis = _connect_redis_async(settings)
    try:
        yield
    finally:
        es, api.state.es = api.state.es, None
        connection, api.state.redis = api.state.redis, None
        await es.close()
        await connection.aclose()


def _connect_redis_async(settings: Settings) -> redis.asyncio.Redis:
    return redis.asyncio.Redis.from_url(settings.redis_url, socket_timeout=2)


# The stock /docs and /redoc pages load their scripts from a CDN; ours renders openapi.json with no external asset.
app = FastAPI(title="newsworker", version="0.1.0", docs_url=None, redoc_url=None, lifespan=_lifespan)

# Celery's queues (worker/tasks.py routes; the lead's worker/app.py will define these names once).
MAX_SOURCE_CHARS = 200


@lru_cache(maxsize=1)
def _es() -> Elasticsearch:
    # Responses parsed by orjson: a page of 10 hits (~18 KB) in 0.2 ms instead of 0.45 (bench.search).
    return connect(get_settings(), serializer=OrjsonSerializer())


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url, socket_timeout=2)


def _settings() -> Settings:
    return get_settings()


def _stats() -> IngestStats:
    return IngestStats(_redis(), _settings().index_prefix)


# --- errors: every client mistake is a 4xx with a message -------------------------------------------


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


@app.exception_handler(QuerySyntaxError)
def _query_error(_: Request, exc: QuerySyntaxError) -> JSONResponse:
    return _error(400, str(exc), position=exc.position, param="q")


@app.exception_handler(SearchError)
def _search_error(_: Request, exc: SearchError) -> JSONResponse:
    return _error(400, str(exc), param=exc.param)


@app.exception_handler(RequestValidationError)
def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
    param = ".".join(loc)
    return _error(400, f"{param}: {first.get('msg', 'invalid value')}" if param else "invalid request", param=param)


@app.exception_handler(StarletteHTTPException)
def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)


@app.exception_handler(AuthError)
def _auth_error(_: Request, exc: AuthError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)


@app.exception_handler(elasticsearch.ConnectionError)
@app.exception_handler(elasticsearch.ConnectionTimeout)
def _es_down(_: Request, exc: Exception) -> JSONResponse:
    return _error(503, f"Elasticsearch unavailable: {exc}")


@app.exception_handler(OperationalError)
@app.exception_handler(redis.RedisError)
def _redis_down(_: Request, exc: Exception) -> JSONResponse:
    return _error(503, f"Redis unavailable: {exc}")


def _key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def _authorise(scope: Scope, request: Request) -> None:
    server = request.scope.get("server")
    check(scope, _key(request), server[0] if server else None, api_settings())


def _scope(scope: Scope) -> Any:
    async def dependency(request: Request) -> None:  # async: no thread hop for a dictionary lookup
        _authorise(scope, request)

    return Depends(dependency)


def _read_scope() -> Any:
    """Read access: the key's scope, then the client's rate budget (after auth, so it is keyed by a valid key).
    One dependency rather than one depending on the other: FastAPI resolves each level on every request."""

    async def dependency(request: Request) -> None:
        # async, and so is the rate limit's Redis call: a trip through the threadpool is two thread wake-ups.
        _authorise("read", request)
        if _rate_limiter() is not None:
            await enforce_rate_limit(request)

    return Depends(dependency)


READ = _read_scope()
WRITE = _scope("write")
app.include_router(__import__("worker.alerts.api", fromlist=["router"]).router, dependencies=[WRITE])  # /alerts


# --- CORS and the per-client rate limit of the read endpoints (NEWSWORKER_API_CORS_ORIGINS, _API_RATE_LIMIT)


class SettingsCORS:
    """CORS from the settings, built on the first request (the settings are read when the API starts
    serving, not when this module is imported); no CORS headers at all when no origin is configured."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.inner: ASGIApp | None = None

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        if self.inner is None:
            origins = get_settings().api_cors_origins
            self.inner = self.app if not origins else CORSMiddleware(
                self.app, allow_origins=origins, allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "X-API-Key", "Content-Type"],
                expose_headers=["Retry-After"], max_age=600,
            )  # fmt: skip
        await self.inner(scope, receive, send)


app.add_middleware(SettingsCORS)


@lru_cache(maxsize=1)
def _rate_limiter() -> RateLimiter | None:
    settings = get_settings()
    if settings.api_rate_limit <= 0:
        return None
    return RateLimiter(settings.index_prefix, settings.api_rate_limit, settings.api_rate_burst)


async def enforce_rate_limit(request: Request) -> None:
    """429 with Retry-After when the client (its API key, else its address) has spent its read budget."""
    limiter = _rate_limiter()
    if limiter is None:
        return
    who = client_id(_key(request), request.client.host if request.client else None)
    connection: redis.asyncio.Redis | None = getattr(request.app.state, "redis", None)
    if connection is not None:
        decision = await limiter.take(connection, who)
    else:  # served without the lifespan (Starlette's TestClient outside `with`): a connection for this request
        async with _connect_redis_async(get_settings()) as own:
            decision = await limiter.take(own, who)
    if not decision.allowed:
        message = (f"rate limit: {limiter.rate:g} requests/s (burst {limiter.burst}) per client; "
                   f"retry in {decision.retry_after} s")  # fmt: skip
        raise HTTPException(429, message, headers={"Retry-After": str(decision.retry_after)})


# --- search, export, articles ------------------------------------------------------------------------

Multi = Annotated[list[str] | None, Query()]


class OrjsonResponse(JSONResponse):
    """JSON rendered by orjson: a page of hits in 0.05 ms instead of 0.75 with json (bench.search)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _search_query(
    q: str,
    lang: list[str] | None,
    topic: list[str] | None,
    entity: list[str] | None,
    since: str | None,
    until: str | None,
    source: list[str] | None,
    size: int,
    offset: int,
    sort: str,
    facets: bool = False,
    cursor: str | None = None,
    unique: bool = False,
) -> SearchQuery:
    query = SearchQuery(
        text=q,
        languages=Values.parse(lang),
        topics=Values.parse(topic),
        entities=Values.parse(entity),
        since=since or None,
        until=until or None,
        sources=Values.parse(source),
        size=size,
        offset=offset,
        sort=sort,
        facets=facets,
        cursor=cursor or None,
        unique=unique,
    )
    query.validate()
    return query


class SearchParams(BaseModel):
    """The parameters of /search. Validated as one model from the query string rather than as 13 FastAPI
    parameters: FastAPI's per-parameter machinery cost 100-130 us a request, a third of the API's own work
    besides the Elasticsearch call (bench/RESULTS.md). Same conversions (pydantic's lax mode, the last of a
    repeated single value), same 400 for a value that does not convert."""

    model_config = ConfigDict(extra="ignore")

    q: str = ""
    lang: list[str] | None = None
    topic: list[str] | None = None
    entity: list[str] | None = None
    since: str | None = None
    until: str | None = None
    source: list[str] | None = None
    size: int = 10
    offset: int = 0
    sort: str = "relevance"
    facets: bool = False
    cursor: str | None = None
    unique: bool = False


_MULTI_PARAMS = frozenset(n for n, f in SearchParams.model_fields.items() if f.annotation == list[str] | None)


def search_params(request: Request) -> SearchParams:
    """SearchParams from the request's query string; a RequestValidationError (400) for a value that does not fit."""
    given = request.query_params
    raw = {
        name: given.getlist(name) if name in _MULTI_PARAMS else given[name]
        for name in SearchParams.model_fields
        if name in given
    }
    try:
        return SearchParams.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()]) from None


def query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """OpenAPI query parameters for a model's fields, as FastAPI documents typed parameters."""
    properties = model.model_json_schema()["properties"]
    return [
        {"name": name, "in": "query", "required": False,
         "schema": {k: v for k, v in schema.items() if not (k == "default" and v is None)}}
        for name, schema in properties.items()
    ]  # fmt: skip


@app.get(
    "/search", dependencies=[READ], response_class=OrjsonResponse,
    openapi_extra={"parameters": query_parameters(SearchParams)},
)  # fmt: skip
async def search_articles(request: Request) -> OrjsonResponse:
    """The query language in `q`; filters take several values (`lang=nl,en`, repeated) and exclusions
    (`source=-reuters`). `cursor=*` starts deep paging: follow `next_cursor` until it is null."""
    p = search_params(request)
    query = _search_query(
        p.q, p.lang, p.topic, p.entity, p.since, p.until, p.source, p.size, p.offset, p.sort, p.facets, p.cursor,
        p.unique,
    )  # fmt: skip
    # Plain JSON types already: skip FastAPI's jsonable_encoder walk over every hit (measured in bench.search).
    es: AsyncElasticsearch | None = getattr(request.app.state, "es", None)
    if es is not None:
        return OrjsonResponse(await search_async(es, _settings(), query))
    # Served without the lifespan (Starlette's TestClient outside `with`): a client for this request.
    async with connect_async(_settings()) as own:
        return OrjsonResponse(await search_async(own, _settings(), query))


@app.get("/export", dependencies=[READ])
def export(
    q: str = "",
    lang: Multi = None,
    topic: Multi = None,
    entity: Multi = None,
    since: str | None = None,
    until: str | None = None,
    source: Multi = None,
    sort: str = "date",
    format: Literal["jsonl", "csv"] = "jsonl",
    fields: str | None = None,
) -> StreamingResponse:
    """Every match, streamed from one point in time (no 10,000 ceiling, no repeats): JSON lines or CSV."""
    chosen = tuple(f.strip() for f in fields.split(",") if f.strip()) if fields else DEFAULT_EXPORT_FIELDS
    unknown = [f for f in chosen if f not in EXPORT_FIELDS]
    if unknown or not chosen:
        raise SearchError(f"unknown export field(s) {', '.join(unknown)}; fields: {', '.join(EXPORT_FIELDS)}", "fields")
    query = _search_query(q, lang, topic, entity, since, until, source, 0, 0, sort)
    from worker.search import build_query

    build_query(query)  # a bad query fails here, as a 400, before streaming starts
    rows = iter_matches(_es(), _settings(), query, source=list(chosen))
    return StreamingResponse(
        export_lines(rows, chosen, format),
        media_type="application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="articles.{format}"'},
    )


@app.get("/articles/{article_id}/similar", dependencies=[READ])
def similar_articles(article_id: str, size: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """More like this article (title, body, entities), one hit per other story; `copies` of its own story."""
    result = similar(_es(), _settings(), article_id, size) if len(article_id) <= 512 else None
    if result is None:
        raise HTTPException(status_code=404, detail=f"no article {article_id[:80]}")
    return result


@app.get("/articles/{article_id}", dependencies=[READ])
def get_article(article_id: str) -> dict[str, Any]:
    settings = _settings()
    if len(article_id) > 512:
        raise HTTPException(status_code=404, detail="no such article")
    hits = _es().search(
        index=settings.read_alias,
        query={"ids": {"values": [article_id]}},
        source_excludes=["revision", "folded"],
        size=1,
    )["hits"]["hits"]
    if not hits:
        raise HTTPException(status_code=404, detail=f"no article {article_id}")
    return dict(hits[0]["_source"])


@app.get("/trends", dependencies=[READ])
def trends(
    field: Literal["entities", "topics"] = "entities",
    window: str = "1d",
    background: str = "30d",
    at: str | None = None,
    top: Annotated[int, Query(ge=1, le=50)] = 10,
    min_articles: Annotated[int, Query(ge=1, le=1000)] = 3,
    q: str = "",
    lang: Multi = None,
    source: Multi = None,
    topic: Multi = None,
    entity: Multi = None,
) -> dict[str, Any]:
    """Entities or topics rising in the last `window` against the `background` before it, counting articles
    (entities merged by Wikidata id); the scoring formula is in worker/trends.py and in the response."""
    query = _search_query(q, lang, topic, entity, None, None, source, 0, 0, "relevance")
    return rising(
        _es(),
        _settings(),
        query,
        field=field,
        window=parse_span(window, "window"),
        background=parse_span(background, "background"),
        at=parse_instant(at, "at"),
        top=top,
        min_articles=min_articles,
    )


@app.get("/timeline", dependencies=[READ])
def timeline_series(
    q: str = "",
    lang: Multi = None,
    topic: Multi = None,
    entity: Multi = None,
    since: str | None = None,
    until: str | None = None,
    source: Multi = None,
    interval: Literal["auto", "hour", "day", "week", "month", "year"] = "auto",
    split: Literal["topic", "entity", "language", "source"] | None = None,
    top: Annotated[int, Query(ge=1, le=20)] = 5,
) -> dict[str, Any]:
    """Articles per period for any query and filters, empty periods included; optionally split."""
    query = _search_query(q, lang, topic, entity, since, until, source, 0, 0, "relevance")
    return timeline(_es(), _settings(), query, interval=interval, split=split, top=top)


@app.get("/stats/hourly", dependencies=[READ])
def hourly_stats(hours: Annotated[int, Query(ge=1, le=192)] = 48) -> dict[str, Any]:
    """Items indexed / unchanged / failed per hour, across all workers: the ingestion-health series."""
    return {"hours": _stats().hourly(hours)}


# --- health and metrics --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _broker() -> redis.Redis:
    """The broker's Redis (the queues live there, which may be another database than the state's)."""
    return redis.Redis.from_url(get_settings().broker_url, socket_timeout=2)


def queue_depths(client: redis.Redis) -> dict[str, int]:
    """Messages waiting per Celery queue (the Redis transport keeps each queue as a list of its name)."""
    return {name: int(client.llen(name)) for name in QUEUES}  # type: ignore[arg-type]


def queue_ages(client: redis.Redis, now: float | None = None) -> dict[str, float | None]:
    """Seconds the oldest task of each queue has waited: the Redis transport pushes on the left and takes
    from the right, so the oldest message is the list's last; its `enqueued_at` header is stamped at publish
    (worker/app.py), since Celery's messages carry no time. None: empty, or a message without the stamp."""
    now = time.time() if now is None else now
    ages: dict[str, float | None] = {}
    for name in QUEUES:
        raw = client.lindex(name, -1)
        try:
            stamp = json.loads(raw)["headers"][ENQUEUED_AT] if raw else None  # type: ignore[arg-type]
            ages[name] = round(max(0.0, now - float(stamp)), 3) if stamp is not None else None
        except (ValueError, KeyError, TypeError):
            ages[name] = None
    return ages


MAX_FAILING_FEEDS_LISTED = 10


def feed_health(client: redis.Redis, settings: Settings) -> dict[str, Any]:
    """Feeds known to the registry: how many are enabled, failing (consecutive failed polls) and disabled,
    and the failing ones with their error (the first few)."""
    states = FeedRegistry(client, settings).all()
    enabled = [s for s in states if s.enabled]
    failing = sorted((s for s in enabled if s.consecutive_failures), key=lambda s: -s.consecutive_failures)
    return {
        "total": len(states),
        "enabled": len(enabled),
        "disabled": len(states) - len(enabled),
        "failing": len(failing),
        "failing_feeds": [
            {
                "url": s.url,
                "failures": s.consecutive_failures,
                "last_error": s.last_error,
                "failing_since": s.failing_since.isoformat() if s.failing_since else None,
            }
            for s in failing[:MAX_FAILING_FEEDS_LISTED]
        ],
    }


WORKERS_TTL = 10.0
_workers_cache: dict[str, Any] = {}


def workers_per_queue() -> dict[str, int]:
    """How many Celery workers consume each queue (a broadcast `active_queues`, cached 10 s so probes are cheap)."""
    now = time.monotonic()
    if _workers_cache.get("at", -WORKERS_TTL) + WORKERS_TTL > now:
        return dict(_workers_cache["value"])
    from worker.app import app as celery_app

    replies = celery_app.control.inspect(timeout=0.5).active_queues() or {}
    counts = dict.fromkeys(QUEUES, 0)
    for queues in replies.values():
        for queue in queues or []:
            counts[queue["name"]] = counts.get(queue["name"], 0) + 1
    _workers_cache.update(at=now, value=counts)
    return counts


def _health() -> dict[str, Any]:
    settings = _settings()
    checks: dict[str, Any] = {}
    try:
        _redis().ping()
        checks["redis"] = "ok"
        checks["queues"] = queue_depths(_broker())
        checks["queue_depth"] = sum(checks["queues"].values())
        checks["queue_oldest_seconds"] = queue_ages(_broker())
        checks["ledger"] = BatchLedger(_broker(), settings.index_prefix).status(time.time()).as_json()
        checks["feeds"] = feed_health(_redis(), settings)
        failures = FailureStore(_redis(), settings.failures_key)
        checks["failures"] = failures.count()
        checks["failures_refused"] = failures.overflow()  # dead letters refused because the store was full
        checks["totals"] = _stats().totals()
        checks["workers"] = workers_per_queue()
        checks["sources"] = source_health(_redis(), settings.index_prefix)  # volume baselines (worker/alerts)
    except (redis.RedisError, OperationalError) as exc:
        checks["redis"] = f"error: {exc}"
    try:
        checks["elasticsearch"] = str(_es().cluster.health()["status"])
        checks["write_alias"] = bool(_es().indices.exists_alias(name=settings.write_alias))
    except Exception as exc:  # any failure to reach the cluster is what health must report
        checks["elasticsearch"] = f"error: {exc}"
    return checks


def _reasons(checks: dict[str, Any]) -> list[str]:
    reasons = []
    if checks.get("redis") != "ok":
        reasons.append(f"redis: {checks.get('redis')}")
    if checks.get("elasticsearch") not in ("green", "yellow"):
        reasons.append(f"elasticsearch: {checks.get('elasticsearch')}")
    elif not checks.get("write_alias"):
        reasons.append("write alias missing: run `newsworker index setup`")
    for queue, waiting in checks.get("queues", {}).items():
        if waiting and not checks.get("workers", {}).get(queue):
            reasons.append(f"no worker consumes '{queue}' ({waiting} waiting): start `newsworker worker`")
    age_max = _settings().health_queue_age_max
    for queue, age in checks.get("queue_oldest_seconds", {}).items():
        if age is not None and age > age_max:
            reasons.append(f"oldest task in '{queue}' has waited {age:.0f} s (over {age_max:g} s): "
                           "add workers or look for a stuck one")  # fmt: skip
    ledger, ledger_age_max = checks.get("ledger") or {}, _settings().health_ledger_age_max
    if ledger.get("oldest_seconds") is not None and ledger["oldest_seconds"] > ledger_age_max:
        reasons.append(f"oldest batch in the ledger ({ledger['oldest_task_id']}) was sent "
                       f"{ledger['oldest_seconds']:.0f} s ago (over {ledger_age_max:g} s) and has not finished: "
                       "see `newsworker ledger` and the workers' logs")  # fmt: skip
    feeds = checks.get("feeds", {})
    ratio = _settings().health_failing_feeds_ratio
    if feeds.get("failing") and feeds["failing"] > ratio * feeds["enabled"]:
        worst = feeds["failing_feeds"][0]
        reasons.append(f"{feeds['failing']} of {feeds['enabled']} enabled feeds failing (over {ratio:.0%}), e.g. "
                       f"{worst['url']}: {worst['last_error']}; see `newsworker feeds list`")  # fmt: skip
    if checks.get("failures_refused"):
        reasons.append(f"dead-letter store full: {checks['failures_refused']} failure(s) refused; "
                       "replay or clear it (`newsworker failures list`)")  # fmt: skip
    return reasons


def _source_reasons(checks: dict[str, Any]) -> list[str]:
    """Sources outside their volume baseline: reported as degraded, but the service itself is up (200)."""
    return [f"source '{s}' {why}" for s, why in checks.get("sources", {}).get("degraded", {}).items()]


@app.get("/health")
def health() -> JSONResponse:
    checks = _health()
    reasons = _reasons(checks)
    all_reasons = reasons + _source_reasons(checks)
    body = {"status": "degraded" if all_reasons else "ok", **checks}
    if all_reasons:
        body["reasons"] = all_reasons
    return JSONResponse(body, status_code=503 if reasons else 200)


def baseline_metrics(client: redis.Redis, prefix: str) -> Iterator[Metric]:
    """Each source's recent volume and its baseline band (worker/alerts/baselines.py)."""
    verdicts = BaselineState(client, prefix).all()
    observed = GaugeMetricFamily("newsworker_source_volume", "Articles of a source in the baseline window.",
                                 labels=["source"])  # fmt: skip
    band = GaugeMetricFamily("newsworker_source_volume_band", "A source's expected volume band in the window.",
                             labels=["source", "bound"])  # fmt: skip
    status = GaugeMetricFamily("newsworker_source_status", "1 for a source's current baseline status.",
                               labels=["source", "status"])  # fmt: skip
    for source, v in verdicts.items():
        observed.add_metric([source], v["observed"])
        if v["status"] != "learning":
            band.add_metric([source, "low"], v["low"])
            band.add_metric([source, "high"], v["high"])
        status.add_metric([source, v["status"]], 1)
    degraded = GaugeMetricFamily("newsworker_sources_degraded", "Sources outside their volume baseline.",
                                 labels=["status"])  # fmt: skip
    for kind in ("silent", "flood"):
        degraded.add_metric([kind], sum(1 for v in verdicts.values() if v["status"] == kind))
    yield from (observed, band, status, degraded)


def ledger_metrics(ledger: dict[str, Any] | None) -> Iterator[Metric]:
    """The batch ledger (worker/ledger.py); nothing when Redis did not answer (newsworker_up says so)."""
    if ledger is None:
        return
    yield GaugeMetricFamily("newsworker_ledger_in_flight", "Batches sent and not yet finished (the ledger).",
                            value=ledger["in_flight"])  # fmt: skip
    yield GaugeMetricFamily("newsworker_ledger_oldest_seconds",
                            "Seconds since the oldest unfinished batch was sent (0 when none).",
                            value=ledger["oldest_seconds"] or 0.0)  # fmt: skip
    yield CounterMetricFamily("newsworker_ledger_resent", "Lost batches the ledger's reaper has sent again.",
                              value=ledger["resent"])  # fmt: skip


class FleetCollector:
    """Prometheus metrics computed at scrape time from Redis and Elasticsearch (the whole fleet's state)."""

    def collect(self) -> Iterator[Metric]:
        checks = _health()
        up = GaugeMetricFamily("newsworker_up", "1 when the dependency answers.", labels=["dependency"])
        up.add_metric(["redis"], int(checks.get("redis") == "ok"))
        up.add_metric(["elasticsearch"], int(checks.get("elasticsearch") in ("green", "yellow")))
        yield up
        depth = GaugeMetricFamily("newsworker_queue_depth", "Tasks waiting per Celery queue.", labels=["queue"])
        for name, value in checks.get("queues", {}).items():
            depth.add_metric([name], value)
        yield depth
        workers = GaugeMetricFamily("newsworker_workers", "Celery workers consuming each queue.", labels=["queue"])
        for name, value in checks.get("workers", {}).items():
            workers.add_metric([name], value)
        yield workers
        oldest = GaugeMetricFamily(
            "newsworker_queue_oldest_seconds", "Seconds the oldest task of each queue has waited (0 when empty).",
            labels=["queue"],
        )
        for name, age in checks.get("queue_oldest_seconds", {}).items():
            oldest.add_metric([name], age or 0.0)
        yield oldest
        yield from ledger_metrics(checks.get("ledger"))
        feeds = GaugeMetricFamily("newsworker_feeds", "Feeds in the registry, by state.", labels=["state"])
        for state in ("enabled", "disabled", "failing"):
            feeds.add_metric([state], checks.get("feeds", {}).get(state, 0))
        yield feeds
        items = CounterMetricFamily(
            "newsworker_items", "Items processed by the workers, by outcome.", labels=["outcome"]
        )
        for outcome, value in sorted(checks.get("totals", {}).items()):
            items.add_metric([outcome], value)
        yield items
        yield GaugeMetricFamily(
            "newsworker_failures", "Items in the dead-letter store.", value=checks.get("failures", 0)
        )
        yield CounterMetricFamily(
            "newsworker_failures_refused",
            "Dead letters refused because the store was full (never trimmed silently).",
            value=checks.get("failures_refused", 0),
        )
        yield from baseline_metrics(_redis(), _settings().index_prefix)
        if checks.get("elasticsearch") not in ("green", "yellow") or not checks.get("write_alias"):
            return  # no index to count in (a degraded queue or feeds still leave the article metrics)
        response = _es().search(
            index=_settings().read_alias,
            size=0,
            aggs={
                "languages": {"terms": {"field": "language", "size": 50}},
                "last_hour": {"filter": {"range": {"ingested_at": {"gte": "now-1h"}}}},
                "last_day": {"filter": {"range": {"ingested_at": {"gte": "now-1d"}}}},
            },
            track_total_hits=True,
        )
        aggs = response["aggregations"]
        yield GaugeMetricFamily(
            "newsworker_articles", "Articles in the index.", value=response["hits"]["total"]["value"]
        )
        by_language = GaugeMetricFamily(
            "newsworker_articles_by_language", "Articles in the index by language.", labels=["language"]
        )
        for bucket in aggs["languages"]["buckets"]:
            by_language.add_metric([str(bucket["key"])], bucket["doc_count"])
        yield by_language
        recent = GaugeMetricFamily(
            "newsworker_articles_ingested", "Articles (re)indexed in a recent window.", labels=["window"]
        )
        recent.add_metric(["1h"], aggs["last_hour"]["doc_count"])
        recent.add_metric(["1d"], aggs["last_day"]["doc_count"])
        yield recent
        yield from coverage_metrics(_es(), _settings())  # enrichment coverage (worker/coverage.py)


REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(FleetCollector())


class TimingsCollector:
    """Histograms of enqueue->indexed latency and per-stage time, kept in Redis by every worker process
    (worker/timings.py says why Redis rather than prometheus-client's multiprocess mode)."""

    def collect(self) -> Iterator[Metric]:
        try:
            yield from Histograms(_redis(), _settings().index_prefix).families()
        except redis.RedisError:  # newsworker_up{dependency="redis"} already says so
            return


REGISTRY.register(TimingsCollector())


@app.get("/metrics")
def metrics() -> Response:
    """Prometheus text format (prometheus-client), computed at scrape time."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


@app.get("/failures/summary", dependencies=[READ])
def failures_summary(recent: Annotated[int, Query(ge=1, le=5000)] = 1000) -> dict[str, Any]:
    """Dead letters grouped by stage and reason (the `recent` newest), for the dashboard."""
    store = FailureStore(_redis(), _settings().failures_key)
    groups: dict[tuple[str, str], int] = {}
    for failure in store.recent(recent):
        key = (failure.stage, failure.reason[:100])
        groups[key] = groups.get(key, 0) + 1
    rows = [{"stage": k[0], "reason": k[1], "count": n} for k, n in sorted(groups.items(), key=lambda kv: -kv[1])]
    return {"total": store.count(), "recent": recent, "by_reason": rows[:50]}


# --- background exports (worker/export_jobs.py): a job per export, a file when done ------------------


class ExportRequest(BaseModel):
    """The body of POST /exports: the parameters of GET /export (lists or comma-separated strings)."""

    model_config = ConfigDict(extra="forbid")

    q: str = ""
    lang: list[str] | str | None = None
    topic: list[str] | str | None = None
    entity: list[str] | str | None = None
    since: str | None = None
    until: str | None = None
    source: list[str] | str | None = None
    sort: str = "date"
    format: Literal["jsonl", "csv"] = "jsonl"
    fields: list[str] | str | None = None


def _export_jobs() -> Any:
    from worker.export_jobs import ExportJobs

    return ExportJobs(_redis(), _settings())


def _export_job(export_id: str) -> Any:
    from worker.export_jobs import ExportNotFound

    try:
        return _export_jobs().get(export_id)
    except ExportNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@app.post("/exports", dependencies=[WRITE], status_code=202)
def start_export(body: ExportRequest) -> dict[str, Any]:
    """Start a background export of every match into a gzip file (JSON lines or CSV); follow it at
    /exports/{id}, fetch it from /exports/{id}/file when done."""
    from worker.export_tasks import send_export

    as_list = lambda v: [v] if isinstance(v, str) else v  # noqa: E731
    query = _search_query(body.q, as_list(body.lang), as_list(body.topic), as_list(body.entity), body.since,
                          body.until, as_list(body.source), 0, 0, body.sort)  # fmt: skip
    job = _export_jobs().create(query, body.format, body.fields, send_export)
    return dict(job.public())


@app.get("/exports", dependencies=[READ])
def list_exports(limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> dict[str, Any]:
    """The newest export jobs with their state and progress."""
    return {"exports": [job.public() for job in _export_jobs().list(limit)]}


@app.get("/exports/{export_id}", dependencies=[READ])
def show_export(export_id: str) -> dict[str, Any]:
    """State (queued, running, done, failed, cancelled), progress (written / total), file path and size, error."""
    return dict(_export_job(export_id).public())


@app.delete("/exports/{export_id}", dependencies=[WRITE])
def cancel_export(export_id: str) -> dict[str, Any]:
    """Cancel a queued or running export (409 once it has finished); its partial file is removed."""
    from worker.export_jobs import ExportNotFound, ExportStateError

    try:
        return dict(_export_jobs().cancel(export_id).public())
    except ExportNotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except ExportStateError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc


@app.get("/exports/{export_id}/file", dependencies=[READ])
def export_file(export_id: str) -> FileResponse:
    """The finished export (gzip); 409 while it runs or when it failed or was cancelled."""
    job = _export_job(export_id)
    if job.state != "done":
        progress = f": {job.written} of {job.total if job.total is not None else '?'} written" if job.state in (
            "queued", "running") else (f": {job.error}" if job.error else "")  # fmt: skip
        raise HTTPException(status_code=409, detail=f"export {job.id} is {job.state}{progress}")
    path = Path(job.path)
    if not path.is_file():
        raise HTTPException(status_code=410, detail=f"export {job.id} is done but its file {path} is gone")
    return FileResponse(path, media_type="application/gzip", filename=path.name)


# --- monitoring panels of the dashboard (worker/monitor.py): read scope, nothing secret ---------------


@app.get("/monitor/feeds", dependencies=[READ])
def monitor_feeds(limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Feeds whose latest polls failed (most consecutive failures first), then disabled feeds: each with its
    error, consecutive failures, failing since and last successful poll."""
    return failing_feeds(_redis(), _settings(), limit)


@app.get("/monitor/alerts", dependencies=[READ])
def monitor_alerts(
    limit: Annotated[int, Query(ge=1, le=200)] = 50, examples: Annotated[int, Query(ge=0, le=20)] = 3
) -> dict[str, Any]:
    """Saved searches (name, query, filters; no webhook, no secret) with the articles they matched in the last
    24 h and 7 d and the latest `examples` of them."""
    return alert_activity(_es(), _redis(), _settings(), limit=limit, examples=examples)


@app.get("/monitor/sources", dependencies=[READ])
def monitor_sources(include_all: Annotated[bool, Query(alias="all")] = False) -> dict[str, Any]:
    """Sources outside their volume baseline (silent or flooding) with observed count and expected band;
    `all=true` lists every source with its status (ok, learning too)."""
    return degraded_sources(_redis(), _settings(), include_all=include_all)


@app.get("/monitor/coverage", dependencies=[READ])
def monitor_coverage() -> dict[str, Any]:
    """Enrichment coverage: articles per enrichment version, without entities, without topics, not current."""
    return coverage(_es(), _settings())


# --- intake -------------------------------------------------------------------------------------------


def _charset(content_type: str | None) -> str:
    """The charset of a text/plain body; 415 for any other media type, 400 for a charset Python lacks."""
    if not content_type:
        raise HTTPException(status_code=415, detail="Content-Type must be text/plain (with an optional charset)")
    media, *params = (p.strip() for p in content_type.split(";"))
    if media.lower() != "text/plain":
        raise HTTPException(status_code=415, detail=f"Content-Type {media or '?'} not accepted: send text/plain")
    charset = "utf-8"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or "utf-8"
    try:
        if not codecs.lookup(charset)._is_text_encoding:
            raise LookupError(charset)
    except LookupError as exc:
        raise HTTPException(status_code=400, detail=f"unknown or non-text charset '{charset[:40]}'") from exc
    return charset


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` (never read whole into memory first)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(status_code=413, detail=f"document over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status_code=413, detail=f"document over the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


@app.post("/documents", status_code=202, dependencies=[WRITE])
async def post_document(request: Request, source: str = "api") -> dict[str, Any]:
    """A plain-text document (header lines allowed) for the workers; returns the task id."""
    from worker.app import INGEST_ITEMS, enqueue

    charset = _charset(request.headers.get("content-type"))
    if not source.strip() or len(source) > MAX_SOURCE_CHARS or not source.isprintable():
        raise SearchError(f"source must be 1-{MAX_SOURCE_CHARS} printable characters", "source")
    raw = await _read_capped(request, _settings().max_document_bytes)
    try:
        text = raw.decode(charset)
    except UnicodeDecodeError as exc:
        raise HTTPException(
            status_code=400, detail=f"body is not valid {charset} (byte {exc.start}): declare its charset"
        ) from exc
    if not text.strip():
        raise HTTPException(status_code=400, detail="empty document")
    item = document_item(text, name="<api>", source=source)
    task = enqueue(INGEST_ITEMS, [item.model_dump(mode="json")])
    return {"task_id": task.id}


@app.get("/dashboard", response_class=HTMLResponse)
def dashboard() -> str:
    """One self-contained page (no external assets): health KPIs, hourly outcomes, facets and trends."""
    return resources.files("worker").joinpath("static/dashboard.html").read_text("utf-8")


@app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs() -> str:
    """API documentation rendered from /openapi.json in the page itself: works offline."""
    return resources.files("worker").joinpath("static/docs.html").read_text("utf-8")


@app.get("/")
def root() -> dict[str, Any]:
    return {
        "service": "newsworker",
        "endpoints": [
            "/dashboard",
            "/docs",
            "/search",
            "/export",
            "/exports (POST, GET), /exports/{id} (GET, DELETE), /exports/{id}/file",
            "/articles/{id}",
            "/articles/{id}/similar",
            "/trends",
            "/timeline",
            "/stats/hourly",
            "/failures/summary",
            "/monitor/feeds",
            "/monitor/alerts",
            "/monitor/sources",
            "/monitor/coverage",
            "/health",
            "/metrics",
            "/documents (POST)",
        ],
        "max_page_size": MAX_PAGE_SIZE,
    }
