"""Elasticsearch: template, versioned index behind read/write aliases, and the one idempotent bulk writer."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import elasticsearch
import orjson
from elasticsearch import Elasticsearch

from worker.article import Article
from worker.config import Settings
from worker.query.fold import fold_key, fold_text
from worker.tagging.iptc import topic_label

log = logging.getLogger(__name__)

LANGUAGE_ANALYZERS = frozenset({"dutch", "english"})
# Fields whose change alone does not make a new revision of a stored article.
VOLATILE_FIELDS = ("ingested_at", "first_seen")


class IndexNotReadyError(RuntimeError):
    """The aliases are missing: run `newsworker index setup` (workers also do it on start)."""


# Statuses of a whole bulk request that mean "not now": overloaded, or a new index whose shards are not active.
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
REQUEST_TOO_LARGE = 413


class TransientIndexError(RuntimeError):
    """Elasticsearch answered "not now" (429/5xx) to a whole request: retry the batch later."""


@dataclass
class BulkResult:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"indexed": len(self.indexed), "unchanged": len(self.unchanged), "failed": len(self.failed)}


def connect(settings: Settings, **options: Any) -> Elasticsearch:
    """The client for the configured cluster; `options` go to `Elasticsearch()` (e.g. a serializer)."""
    return Elasticsearch(settings.es_hosts, request_timeout=settings.es_timeout, retry_on_timeout=True, **options)


def load_template() -> dict[str, Any]:
    """The full-distribution template (mappings + settings) shipped with the package."""
    text = resources.files("worker.index").joinpath("templates/articles.json").read_text("utf-8")
    template: dict[str, Any] = json.loads(text)
    template.pop("_comment", None)
    return template


def without_language_analyzers(mappings: dict[str, Any]) -> dict[str, Any]:
    """The same mappings with `dutch`/`english` analyzers replaced by `standard`, nothing else changed."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: ("standard" if k in ("analyzer", "search_analyzer") and v in LANGUAGE_ANALYZERS else walk(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(copy.deepcopy(mappings))
    return result


def cluster_modules(es: Elasticsearch) -> set[str]:
    """Modules present on every node (an analyzer is only usable when all nodes have it)."""
    info = es.nodes.info(metric="plugins")
    per_node = [{m["name"] for m in node.get("modules", [])} for node in info["nodes"].values()]
    return set.intersection(*per_node) if per_node else set()


def server_version(es: Elasticsearch) -> str:
    # The minimal distribution has no rest-root module, so `GET /` is unavailable: ask the nodes API.
    info = es.nodes.info(node_id="_local", metric="_none")
    return str(next(iter(info["nodes"].values()))["version"])


def index_template_body(es: Elasticsearch, settings: Settings) -> tuple[dict[str, Any], bool]:
    """Template body for this cluster and whether the language analyzers are used."""
    template = load_template()
    has_analyzers = "analysis-common" in cluster_modules(es)
    mappings = template["mappings"]
    if not has_analyzers:
        log.warning(
            "Elasticsearch lacks the analysis-common module: dutch/english analyzers replaced by standard "
            "(stemming off; the full distribution, e.g. the Docker image, has them)"
        )
        mappings = without_language_analyzers(mappings)
    index_settings = {
        **template["settings"],
        "number_of_shards": settings.index_shards,
        "number_of_replicas": settings.index_replicas,
    }
    return {"settings": index_settings, "mappings": mappings}, has_analyzers


def setup_index(es: Elasticsearch, settings: Settings) -> dict[str, Any]:
    """Idempotent: put the composable template, create the first generation with both aliases if absent."""
    body, has_analyzers = index_template_body(es, settings)
    version = load_template()["template_version"]
    pattern = f"{settings.read_alias}-*"
    es.indices.put_index_template(
        name=settings.read_alias,
        index_patterns=[pattern],
        # Every generation joins the read alias, including those a rollover creates.
        template={**body, "aliases": {settings.read_alias: {}}},
        priority=200,
        version=version,
        meta={"description": "newsworker articles", "language_analyzers": has_analyzers},
    )
    created = None
    if not es.indices.exists_alias(name=settings.write_alias):
        created = f"{settings.read_alias}-000001"
        try:
            es.indices.create(
                index=created,
                aliases={settings.read_alias: {}, settings.write_alias: {"is_write_index": True}},
            )
        except elasticsearch.BadRequestError as exc:
            # Another worker created it between our check and our create: that is the state we wanted.
            if exc.error != "resource_already_exists_exception":
                raise
            created = None
        # A brand-new index answers 503 until its primary is active: be ready before the first write.
        es.cluster.health(index=settings.write_alias, wait_for_status="yellow", timeout="30s")
    else:
        # Additive mapping changes (new fields) reach the live write index; conflicting ones raise.
        es.indices.put_mapping(index=settings.write_alias, **body["mappings"])
    return {
        "template": settings.read_alias,
        "template_version": version,
        "created_index": created,
        "language_analyzers": has_analyzers,
    }


def revision_hash(article: Article) -> str:
    """What makes a stored article different: everything except when we saw it."""
    return revision_of(article.model_dump(mode="json"))


def revision_of(data: dict[str, Any]) -> str:
    """`revision_hash` of an article's JSON dump (`model_dump(mode="json")`), left unchanged: the writer dumps
    each article once for its revision and its document. The encoding is the stored revisions' own (json,
    sorted keys, default separators): another would call every stored article changed."""
    kept = {k: v for k, v in data.items() if k not in VOLATILE_FIELDS}
    if isinstance(kept.get("enrichment"), dict):
        kept["enrichment"] = {k: v for k, v in kept["enrichment"].items() if k != "tagged_at"}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def existing_revisions(es: Elasticsearch, settings: Settings, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Where each already-stored id lives and its revision, in one request for the whole batch.

    After a rollover an article may live in an older generation; updates go there, not to a new copy.
    """
    if not ids:
        return {}
    try:
        response = es.search(
            index=settings.read_alias,
            query={"ids": {"values": ids}},
            source_includes=["first_seen"],
            docvalue_fields=[{"field": "revision"}],
            size=len(ids),
        )
    except elasticsearch.NotFoundError as exc:
        raise IndexNotReadyError(f"alias {settings.read_alias} missing: run `newsworker index setup`") from exc
    except elasticsearch.ApiError as exc:
        if exc.meta.status in TRANSIENT_STATUSES:
            raise TransientIndexError(f"Elasticsearch answered {exc.meta.status}: {exc}") from exc
        raise
    found: dict[str, dict[str, Any]] = {}
    for hit in response["hits"]["hits"]:
        found[hit["_id"]] = {
            "index": hit["_index"],
            "first_seen": hit["_source"].get("first_seen"),
            "revision": (hit.get("fields", {}).get("revision") or [None])[0],
        }
    return found


def stored_articles(es: Elasticsearch, settings: Settings, ids: list[str]) -> dict[str, dict[str, Any]]:
    """`_source` of stored articles by id (through the read alias, so any generation)."""
    if not ids:
        return {}
    response = es.search(
        index=settings.read_alias,
        query={"ids": {"values": ids}},
        # folded.*: search-only copies written by document(), not part of the Article record
        source_excludes=["revision", "folded"],
        size=len(ids),
    )
    return {hit["_id"]: hit["_source"] for hit in response["hits"]["hits"]}


def stale_enrichment_query(current: dict[str, str]) -> dict[str, Any]:
    """Articles whose enrichment version is not the current one for their language."""
    stale = [
        {
            "bool": {
                "filter": [{"term": {"language": language}}],
                "must_not": [{"term": {"enrichment.version": version}}],
            }
        }
        for language, version in sorted(current.items())
    ]
    return {"bool": {"should": stale, "minimum_should_match": 1}}


def iter_ids(es: Elasticsearch, settings: Settings, query: dict[str, Any], batch: int = 500) -> Iterator[list[str]]:
    """Ids matching a query, in batches, with search_after on _id order (stable under concurrent writes)."""
    after: list[Any] | None = None
    while True:
        response = es.search(
            index=settings.read_alias, query=query, size=batch, source=False, sort=[{"id": "asc"}], search_after=after
        )
        hits = response["hits"]["hits"]
        if not hits:
            return
        yield [hit["_id"] for hit in hits]
        after = hits[-1]["sort"]


def languages_present(es: Elasticsearch, settings: Settings) -> list[str]:
    response = es.search(index=settings.read_alias, size=0, aggs={"l": {"terms": {"field": "language", "size": 200}}})
    return [str(b["key"]) for b in response["aggregations"]["l"]["buckets"]]


def folded_fields(article: Article) -> dict[str, Any]:
    """Case/diacritic-folded copies of what people search (`folded.*`), since the minimal distribution
    has no asciifolding: queries are folded by the same functions (worker/query/fold.py)."""
    names = [fold_text(form) for e in article.entities for form in dict.fromkeys([e.text, *e.forms])]
    keys = [fold_key(form) for e in article.entities for form in [e.text, *e.forms, e.wikidata or ""] if form]
    topics = [
        key
        for t in article.topics
        for key in (t.code, fold_key(t.label), fold_key(topic_label(t.code, "en")), fold_key(topic_label(t.code, "nl")))
    ]
    return {
        "title": fold_text(article.title),
        "subheadings": [fold_text(s) for s in article.subheadings],
        "body": fold_text(article.body),
        "keywords": [fold_text(k) for k in article.keywords],
        "entities": names,
        "authors": [fold_text(a) for a in article.authors],
        "source": fold_key(article.source),
        "entity_keys": list(dict.fromkeys(keys)),
        "entity_types": sorted({e.type for e in article.entities}),
        # The story an article belongs to: its near-duplicate group, else itself (collapse needs a value).
        "story": article.dup_group or article.id,
        # One key per entity whatever its language or form: its Wikidata id, else type + folded name.
        "entity_ids": list(dict.fromkeys(e.wikidata or f"{e.type}:{fold_key(e.text)}" for e in article.entities)),
        "topics": list(dict.fromkeys(topics)),
    }


def document(
    article: Article, *, revision: str, first_seen: str | None, dumped: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The indexed document; `dumped` is the article's `model_dump(mode="json")` when the caller has it."""
    doc = dict(dumped) if dumped is not None else article.model_dump(mode="json")
    if first_seen:
        doc["first_seen"] = first_seen
    doc["folded"] = folded_fields(article)
    doc["revision"] = revision
    return doc


def _serialise(operation: dict[str, Any]) -> str:
    """One bulk line: orjson (≈ 10x json's time on a 750-word document), or json for what orjson refuses (a
    lone surrogate, an integer beyond 64 bits), so nothing that json wrote before fails now."""
    try:
        return orjson.dumps(operation).decode()
    except orjson.JSONEncodeError:
        return json.dumps(operation, ensure_ascii=False, separators=(",", ":"))


BulkLine = tuple[str, str, str]  # (id, action line, document line)


def bulk_chunks(lines: list[BulkLine], *, max_docs: int, max_bytes: int) -> Iterator[list[BulkLine]]:
    """(id, action line, document line) grouped into requests of at most max_docs documents and max_bytes
    bytes; a document larger than max_bytes goes alone (Elasticsearch judges it)."""
    chunk: list[BulkLine] = []
    size = 0
    for entry in lines:
        entry_bytes = len(entry[1].encode()) + len(entry[2].encode()) + 2
        if chunk and (len(chunk) >= max_docs or size + entry_bytes > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(entry)
        size += entry_bytes
    if chunk:
        yield chunk


def _send_bulk(es: Elasticsearch, chunk: list[BulkLine], result: BulkResult) -> None:
    """One bulk request; a 413 (request too large) is split in halves until each piece fits, and a single
    document that is still too large fails alone with the reason."""
    try:
        # Lines go pre-serialised (the sizes above were measured on them); the client passes strings through.
        lines: list[Any] = [line for _, action, doc in chunk for line in (action, doc)]
        response = es.bulk(operations=lines)
    except elasticsearch.ApiError as exc:
        if exc.meta.status == REQUEST_TOO_LARGE:
            if len(chunk) == 1:
                result.failed.append((chunk[0][0], f"document too large for a bulk request (HTTP 413): {exc}"))
                return
            middle = len(chunk) // 2
            _send_bulk(es, chunk[:middle], result)
            _send_bulk(es, chunk[middle:], result)
            return
        if exc.meta.status in TRANSIENT_STATUSES:
            raise TransientIndexError(f"Elasticsearch answered {exc.meta.status}: {exc}") from exc
        raise
    for item in response["items"]:
        outcome = item["index"]
        if outcome.get("error"):
            error = outcome["error"]
            result.failed.append((outcome["_id"], f"{error.get('type')}: {error.get('reason')}"))
        elif outcome.get("status") in TRANSIENT_STATUSES:
            raise TransientIndexError(f"Elasticsearch answered {outcome.get('status')} for {outcome['_id']}")
        else:
            result.indexed.append(outcome["_id"])


def index_articles(
    es: Elasticsearch, settings: Settings, articles: list[Article], *, force: bool = False
) -> BulkResult:
    """Write a batch idempotently: same id -> same document; an unchanged article is not rewritten
    unless `force` (re-tagging rewrites whatever the stored revision says). Requests are bounded by
    bulk_batch_size documents and bulk_max_bytes bytes."""
    result = BulkResult()
    latest: dict[str, Article] = {a.id: a for a in articles}  # a batch may carry the same article twice
    existing = existing_revisions(es, settings, list(latest))
    lines: list[BulkLine] = []
    for article_id, article in latest.items():
        stored = existing.get(article_id)
        dumped = article.model_dump(mode="json")  # once, for the revision and the document
        revision = revision_of(dumped)
        if stored and not force and stored["revision"] == revision:
            result.unchanged.append(article_id)
            continue
        target = stored["index"] if stored else settings.write_alias
        doc = document(article, revision=revision, first_seen=stored["first_seen"] if stored else None,
                       dumped=dumped)  # fmt: skip
        lines.append((article_id, _serialise({"index": {"_index": target, "_id": article_id}}), _serialise(doc)))
    for chunk in bulk_chunks(lines, max_docs=settings.bulk_batch_size, max_bytes=settings.bulk_max_bytes):
        _send_bulk(es, chunk, result)
    return result


def index_status(es: Elasticsearch, settings: Settings) -> dict[str, Any]:
    """Aliases, generations, document counts and versions: what `newsworker index status` prints."""
    aliases = es.indices.get_alias(name=f"{settings.read_alias},{settings.write_alias}", ignore_unavailable=True)
    generations = []
    for index_name, data in sorted(aliases.body.items()):
        count = es.count(index=index_name)["count"]
        names = data.get("aliases", {})
        write = bool(names.get(settings.write_alias, {}).get("is_write_index"))
        generations.append({"index": index_name, "docs": count, "aliases": sorted(names), "is_write_index": write})
    health = es.cluster.health()
    return {
        "server_version": server_version(es),
        "client_version": elasticsearch.__versionstr__,
        "cluster_status": health["status"],
        "read_alias": settings.read_alias,
        "write_alias": settings.write_alias,
        "generations": generations,
        "language_analyzers": "analysis-common" in cluster_modules(es),
    }
