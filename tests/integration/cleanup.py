"""Take test articles out of the shared test index again, so modules that count articles are not disturbed."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from worker.config import Settings


def delete_sources(es: Elasticsearch, settings: Settings, sources: list[str]) -> None:
    """Delete every article from these sources (the minimal distribution has no delete_by_query)."""
    es.indices.refresh(index=settings.read_alias)
    while True:
        hits = es.search(index=settings.read_alias, query={"terms": {"source": sources}}, size=1000, source=False)[
            "hits"
        ]["hits"]
        if not hits:
            return
        es.bulk(operations=[{"delete": {"_index": h["_index"], "_id": h["_id"]}} for h in hits], refresh=True)
