"""Add the folded search fields (`folded.*`) to articles indexed before they existed, without re-tagging.

    .venv/bin/python -m worker.query.backfill

Articles written by `store.document()` since template version 2 carry them already; this walks the read
alias once (search_after on id) and sends partial updates for the articles that lack them.
"""

from __future__ import annotations

import sys
from typing import Any

from elasticsearch import Elasticsearch

from worker.article import Article
from worker.config import Settings, get_settings
from worker.index.store import connect, folded_fields, setup_index

MISSING = {"bool": {"must_not": [{"exists": {"field": "folded.source"}}]}}


def backfill(es: Elasticsearch, settings: Settings, batch: int = 200) -> int:
    """Partial updates adding `folded` to every article lacking it; returns how many were updated."""
    updated = 0
    after: list[Any] | None = None
    while True:
        response = es.search(
            index=settings.read_alias,
            query=MISSING,
            size=batch,
            sort=[{"id": "asc"}],
            search_after=after,
            source_excludes=["revision"],
        )
        hits = response["hits"]["hits"]
        if not hits:
            return updated
        operations: list[dict[str, Any]] = []
        for hit in hits:
            article = Article.model_validate(hit["_source"])
            operations.append({"update": {"_index": hit["_index"], "_id": hit["_id"]}})
            operations.append({"doc": {"folded": folded_fields(article)}})
        result = es.bulk(operations=operations, refresh=False)
        updated += sum(1 for item in result["items"] if not item["update"].get("error"))
        after = hits[-1]["sort"]


def main() -> int:
    settings = get_settings()
    es = connect(settings)
    setup_index(es, settings)  # the mapping of the folded fields reaches the live generations first
    print(f"added folded fields to {backfill(es, settings)} article(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
