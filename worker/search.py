"""Query building and result shaping, shared by the CLI and the HTTP API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from elasticsearch import Elasticsearch

from worker.config import Settings
from worker.dates import parse_date
from worker.tagging.iptc import topic_label

TEXT_FIELDS = [
    "title^3",
    "title.nl^3",
    "title.en^3",
    "subheadings^2",
    "subheadings.nl^2",
    "subheadings.en^2",
    "body",
    "body.nl",
    "body.en",
    "keywords.search^2",
]
# Stored for display and replays, not needed in a hit list.
HIDDEN_FIELDS = ["revision"]


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    language: str | None = None
    topic: str | None = None
    entity: str | None = None
    since: str | None = None
    until: str | None = None
    source: str | None = None
    size: int = 10
    offset: int = 0
    sort: Literal["relevance", "date"] = "relevance"
    facets: bool = False


def _period_end(text: str) -> tuple[str, str]:
    """`until 2021` means through the end of 2021: an exclusive bound at the next period's start."""
    value, precision = parse_date(text)
    if precision == "year":
        return "lt", value.replace(year=value.year + 1).isoformat()
    if precision == "month":
        nxt = value.replace(year=value.year + value.month // 12, month=value.month % 12 + 1)
        return "lt", nxt.isoformat()
    if precision == "day":
        return "lt", (value + timedelta(days=1)).isoformat()
    return "lte", value.isoformat()


def build_query(q: SearchQuery) -> dict[str, Any]:
    """The Elasticsearch `query` for a SearchQuery: full text on titles and body, filters beside it."""
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    if q.text.strip():
        must.append({"multi_match": {"query": q.text, "fields": TEXT_FIELDS, "type": "most_fields"}})
        # Articles where the query names an entity rank higher than ones that merely mention the words.
        should.append(
            {
                "nested": {
                    "path": "entities",
                    "score_mode": "max",
                    "query": {"match_phrase": {"entities.text.search": q.text}},
                }
            }
        )
    filters: list[dict[str, Any]] = []
    if q.language:
        filters.append({"term": {"language": q.language}})
    if q.source:
        filters.append({"term": {"source": q.source}})
    if q.topic:
        filters.append(
            {
                "nested": {
                    "path": "topics",
                    "query": {
                        "bool": {"should": [{"term": {"topics.code": q.topic}}, {"term": {"topics.label": q.topic}}]}
                    },
                }
            }
        )
    if q.entity:
        filters.append(
            {
                "nested": {
                    "path": "entities",
                    "query": {
                        "bool": {
                            "should": [
                                {"match_phrase": {"entities.text.search": q.entity}},
                                {"match_phrase": {"entities.forms.search": q.entity}},
                                {"term": {"entities.wikidata": q.entity}},
                            ]
                        }
                    },
                }
            }
        )
    if q.since or q.until:
        bounds = {}
        if q.since:
            bounds["gte"] = parse_date(q.since)[0].isoformat()
        if q.until:
            op, value = _period_end(q.until)
            bounds[op] = value
        filters.append({"range": {"published_at": bounds}})
    if not must and not should:
        must.append({"match_all": {}})
    return {"bool": {"must": must, "should": should, "filter": filters}}


FACETS: dict[str, Any] = {
    "languages": {"terms": {"field": "language", "size": 20}},
    "sources": {"terms": {"field": "source", "size": 20}},
    "topics": {"nested": {"path": "topics"}, "aggs": {"codes": {"terms": {"field": "topics.code", "size": 20}}}},
    "entities": {
        "nested": {"path": "entities"},
        "aggs": {
            "types": {
                "terms": {"field": "entities.type", "size": 4},
                "aggs": {"top": {"terms": {"field": "entities.text", "size": 10}}},
            }
        },
    },
    "per_month": {"date_histogram": {"field": "published_at", "calendar_interval": "month", "min_doc_count": 1}},
}


def _flatten_facets(aggs: dict[str, Any]) -> dict[str, Any]:
    def buckets(agg: dict[str, Any]) -> dict[str, int]:
        return {str(b.get("key_as_string", b["key"])): b["doc_count"] for b in agg["buckets"]}

    return {
        "languages": buckets(aggs["languages"]),
        "sources": buckets(aggs["sources"]),
        "topics": buckets(aggs["topics"]["codes"]),
        "topic_labels": {
            str(b["key"]): topic_label(str(b["key"]), "en") for b in aggs["topics"]["codes"]["buckets"]
        },
        "entities": {b["key"]: buckets(b["top"]) for b in aggs["entities"]["types"]["buckets"]},
        "per_month": buckets(aggs["per_month"]),
    }


def search(es: Elasticsearch, settings: Settings, q: SearchQuery) -> dict[str, Any]:
    """`{"total": N, "hits": [article record + "highlight" + "score"], "facets"?: {...}}`."""
    sort: list[Any] = ["_score", {"published_at": {"order": "desc", "missing": "_last"}}]
    if q.sort == "date" or not q.text.strip():
        sort = [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    response = es.search(
        index=settings.read_alias,
        query=build_query(q),
        size=q.size,
        from_=q.offset,
        sort=sort,
        source_excludes=HIDDEN_FIELDS,
        track_total_hits=True,
        highlight={
            "pre_tags": ["«"],
            "post_tags": ["»"],
            "fields": {"title": {"number_of_fragments": 0}, "body": {"fragment_size": 160, "number_of_fragments": 2}},
        },
        aggs=FACETS if q.facets else None,
    )
    hits = []
    for hit in response["hits"]["hits"]:
        record = dict(hit["_source"])
        record["score"] = hit.get("_score")
        record["highlight"] = hit.get("highlight", {})
        hits.append(record)
    result: dict[str, Any] = {"total": response["hits"]["total"]["value"], "hits": hits}
    if q.facets:
        result["facets"] = _flatten_facets(response["aggregations"])
    return result
