"""Every source takes the same route: a document that repeats a feed story joins its dup group."""

from __future__ import annotations

import pytest
import redis
from elasticsearch import Elasticsearch

from worker.article import RawItem
from worker.config import Settings
from worker.dedup import DedupIndex
from worker.pipeline import ingest
from worker.sources.documents import document_item

pytestmark = pytest.mark.integration

STORY = (
    "De gemeenteraad van Utrecht heeft dinsdagavond ingestemd met een nieuw plan voor de binnenstad. "
    "Auto's mogen vanaf volgend jaar niet meer door de oude straten rijden, behalve voor bevoorrading "
    "in de ochtend. Winkeliers zijn verdeeld: sommigen vrezen minder klanten, anderen verwachten juist "
    "meer bezoekers die rustig willen winkelen. De wethouder zegt dat het plan over twee jaar wordt "
    "geëvalueerd en dat bewoners een vergunning kunnen aanvragen voor hun eigen straat."
)


def test_a_document_repeating_a_feed_story_gets_its_dup_group(
    es: Elasticsearch, settings: Settings, redis_client: redis.Redis
) -> None:
    dedup = DedupIndex(redis_client, threshold=settings.dedup_threshold, window_days=1, prefix="nwtest:route")
    feed = RawItem(kind="feed", source="https://news.example/rss", url="https://news.example/utrecht-auto",
                   title="Utrecht weert auto's uit binnenstad", text=STORY)  # fmt: skip
    first = ingest([feed], es=es, settings=settings, dedup=dedup)
    assert first.counts()["indexed"] == 1, first.failures
    document = document_item(f"title Auto's uit de Utrechtse binnenstad\n\n{STORY}\n", name="utrecht.txt")
    second = ingest([document], es=es, settings=settings, dedup=dedup)
    assert second.counts()["indexed"] == 1, second.failures
    es.indices.refresh(index=settings.read_alias)
    hits = es.search(index=settings.read_alias, query={"match_phrase": {"body": "oude straten"}}, size=10)
    groups = {h["_source"]["text_source"]: h["_source"]["dup_group"] for h in hits["hits"]["hits"]}
    assert groups["document"] == groups["feed"]
