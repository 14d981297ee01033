from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from worker.cli import main
from worker.config import Settings
from worker.tagging import enrichment_version, model_versions

pytestmark = pytest.mark.integration


def _seed_doc(es: Elasticsearch, settings: Settings) -> dict:
    es.indices.refresh(index=settings.read_alias)
    hits = es.search(index=settings.read_alias, query={"match_phrase": {"body": "Stef Blok"}})["hits"]["hits"]
    assert len(hits) == 1
    return hits[0]


def test_articles_tagged_by_older_models_are_retagged(
    celery_worker: None, es: Elasticsearch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "seeds/", "--wait", "--timeout", "240"]) == 0
    hit = _seed_doc(es, settings)
    # Pretend an older model set tagged it, with fewer entities.
    es.update(index=hit["_index"], id=hit["_id"], doc={"enrichment": {"version": "old"}, "entities": []})
    capsys.readouterr()
    assert main(["retag", "--wait", "--timeout", "240"]) == 0
    assert "re-tagged 1" in capsys.readouterr().out
    source = _seed_doc(es, settings)["_source"]
    assert source["enrichment"]["version"] == enrichment_version(model_versions("nl"))
    assert any(e["text"] == "Taliban" for e in source["entities"])
    # Nothing is stale any more: a second run finds nothing to do.
    assert main(["retag", "--wait"]) == 0
    assert "enqueued 0" in capsys.readouterr().out
