"""Enrichment coverage: how many articles each enrichment version tagged, how many have no entities or no
topics, and how many are not on the current version (what `newsworker retag` would re-tag).

`/metrics` cannot load the tagging models to learn the current versions (hundreds of MB in the API process),
so there "current" is the version of the most recently tagged article of each language: the fleet's newest.
`newsworker retag` uses the exact versions of the models it has installed.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from worker.config import Settings
from worker.index.store import stale_enrichment_query

MAX_VERSIONS = 100


def _without(path: str, field: str) -> dict[str, Any]:
    return {"bool": {"must_not": [{"nested": {"path": path, "query": {"exists": {"field": field}}}}]}}


def newest_versions(es: Elasticsearch, settings: Settings) -> dict[str, str]:
    """Per language, the enrichment version of its most recently tagged article."""
    response = es.search(
        index=settings.read_alias,
        size=0,
        query={"exists": {"field": "enrichment.tagged_at"}},
        aggs={"languages": {"terms": {"field": "language", "size": 200}, "aggs": {"newest": {"top_hits": {
            "size": 1, "sort": [{"enrichment.tagged_at": "desc"}], "_source": ["enrichment.version"]}}}}},
    )  # fmt: skip
    newest = {}
    for bucket in response["aggregations"]["languages"]["buckets"]:
        hits = bucket["newest"]["hits"]["hits"]
        if hits:
            newest[str(bucket["key"])] = str(hits[0]["_source"].get("enrichment", {}).get("version", ""))
    return newest


def enrichment_coverage(
    es: Elasticsearch, settings: Settings, current: dict[str, str] | None = None, where: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Counts per enrichment version, without entities / topics, and not on `current` (default: the newest
    version seen per language); over the articles matching `where` (default: all)."""
    current = newest_versions(es, settings) if current is None else current
    aggs: dict[str, Any] = {
        "versions": {"terms": {"field": "enrichment.version", "size": MAX_VERSIONS, "missing": "none"}},
        "without_entities": {"filter": _without("entities", "entities.text")},
        "without_topics": {"filter": _without("topics", "topics.code")},
    }
    if current:
        aggs["not_current"] = {"filter": stale_enrichment_query(current)}
    response = es.search(
        index=settings.read_alias, size=0, aggs=aggs, track_total_hits=True, query=where or {"match_all": {}}
    )
    result = response["aggregations"]
    return {
        "total": response["hits"]["total"]["value"],
        "by_version": {str(b["key"]): b["doc_count"] for b in result["versions"]["buckets"]},
        "without_entities": result["without_entities"]["doc_count"],
        "without_topics": result["without_topics"]["doc_count"],
        "not_current": result["not_current"]["doc_count"] if current else 0,
        "current": current,
    }


def coverage_metrics(es: Elasticsearch, settings: Settings) -> list[Any]:
    """Prometheus families for /metrics (prometheus-client imported here, not by the workers)."""
    from prometheus_client.core import GaugeMetricFamily

    data = enrichment_coverage(es, settings)
    by_version = GaugeMetricFamily("newsworker_articles_by_enrichment_version",
                                   "Articles per enrichment version (model set).", labels=["version"])  # fmt: skip
    for version, count in sorted(data["by_version"].items()):
        by_version.add_metric([version], count)
    without = GaugeMetricFamily("newsworker_articles_without", "Articles without entities or without topics.",
                                labels=["what"])  # fmt: skip
    without.add_metric(["entities"], data["without_entities"])
    without.add_metric(["topics"], data["without_topics"])
    stale = GaugeMetricFamily("newsworker_articles_not_current_enrichment",
                              "Articles not on the newest enrichment version seen for their language "
                              "(`newsworker retag` re-tags them).", value=data["not_current"])  # fmt: skip
    return [by_version, without, stale]
