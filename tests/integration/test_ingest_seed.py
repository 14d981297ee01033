"""The walking skeleton end to end: CLI -> Redis broker -> Celery worker -> Elasticsearch -> search."""

from __future__ import annotations

import json

import elasticsearch
import pytest
import redis
from elasticsearch import Elasticsearch

from worker.cli import main
from worker.config import Settings
from worker.index.store import server_version

pytestmark = pytest.mark.integration


def _search_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert main(["search", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _ingest(capsys: pytest.CaptureFixture[str], *paths: str) -> str:
    capsys.readouterr()
    status = main(["ingest", *paths, "--wait", "--timeout", "240"])
    out = capsys.readouterr().out
    assert status == 0, out
    return out


def test_seed_is_searchable_with_its_fields(celery_worker: None, capsys: pytest.CaptureFixture[str]) -> None:
    out = _ingest(capsys, "seeds/")
    assert "failed 0" in out
    result = _search_json(capsys, "Taliban")
    assert result["total"] == 1
    hit = result["hits"][0]
    assert hit["language"] == "nl"
    assert hit["published_at"] == "2021-04"
    assert hit["published_precision"] == "month"
    assert hit["date_source"] == "header"
    assert hit["title_derived"] is True
    assert "Ook Verenigd Koninkrijk trekt zich terug" in hit["subheadings"]
    entities = {(e["text"], e["type"]) for e in hit["entities"]}
    assert ("Afghanistan", "LOC") in entities
    assert ("Taliban", "ORG") in entities
    assert "«Taliban»" in " ".join(hit["highlight"]["body"])
    assert "revision" not in hit


def test_reingesting_keeps_one_document(
    celery_worker: None, es: Elasticsearch, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        out = _ingest(capsys, "seeds/000_915c5c8c3194a4b4.txt")
    assert "unchanged 1" in out
    es.indices.refresh(index=settings.read_alias)
    assert es.count(index=settings.read_alias, query={"match_phrase": {"body": "Stef Blok"}})["count"] == 1


def test_update_after_rollover_goes_to_the_generation_holding_the_article(
    celery_worker: None, es: Elasticsearch, settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    doc = tmp_path / "story.txt"
    doc.write_text("date 2024-05-02\ntitle Dijkversterking bij Kampen\n\nHet waterschap versterkt de dijk.\n")
    _ingest(capsys, str(doc))
    es.indices.rollover(alias=settings.write_alias)
    # Same document (same id), new title: an update, which must not create a copy in the new generation.
    doc.write_text("date 2024-05-02\ntitle Dijkversterking bij Kampen begint\n\nHet waterschap versterkt de dijk.\n")
    _ingest(capsys, str(doc))
    es.indices.refresh(index=settings.read_alias)
    hits = es.search(index=settings.read_alias, query={"match_phrase": {"body": "waterschap versterkt"}})["hits"]
    assert hits["total"]["value"] == 1
    assert hits["hits"][0]["_source"]["title"] == "Dijkversterking bij Kampen begint"


def test_aliases_and_versions(es: Elasticsearch, settings: Settings) -> None:
    aliases = es.indices.get_alias(name=f"{settings.read_alias},{settings.write_alias}").body
    write_indices = [i for i, a in aliases.items() if a["aliases"].get(settings.write_alias, {}).get("is_write_index")]
    assert len(write_indices) == 1
    assert all(settings.read_alias in a["aliases"] for a in aliases.values())
    assert server_version(es).split(".")[0] == elasticsearch.__versionstr__.split(".")[0]


def test_bad_document_is_recorded_with_its_reason(
    celery_worker: None, redis_client: redis.Redis, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("date 2021-04\n\n")
    capsys.readouterr()
    assert main(["ingest", str(empty), "--wait", "--timeout", "120"]) == 1
    assert main(["failures", "list"]) == 0
    listing = capsys.readouterr().out
    assert "normalise" in listing
    assert "empty document" in listing
