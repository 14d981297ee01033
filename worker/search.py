"""Query building and result shaping, shared by the CLI, the HTTP API and export.

`q` is parsed by the query language (worker/query/); the filters beside it (lang, source, topic, entity,
dates) take several values and exclusions. Results sort stably (the article id breaks ties), page with
from/size inside the first 10,000 hits, and beyond that with an opaque cursor: a point in time plus
`search_after`, so paging while documents arrive neither repeats nor skips an article.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Literal, NoReturn

import elasticsearch
from elasticsearch import AsyncElasticsearch, Elasticsearch

from worker.config import Settings
from worker.query import QuerySyntaxError, compile_query, fold_key, fold_text, parse
from worker.query.compile import date_range, entity_clause, period_bounds, topic_clause
from worker.tagging.iptc import topic_label

# Stored for display and replays (or for search only), not needed in a hit list.
HIDDEN_FIELDS = ["revision", "folded"]
MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: from + size beyond it needs the cursor
PIT_KEEP_ALIVE = "2m"
# Highlight at most this many characters of a field: index.highlight.max_analyzed_offset is 1,000,000 and
# a longer body would make the whole search fail instead of leaving the tail unhighlighted.
HIGHLIGHT_MAX_OFFSET = 999_999
SORTS = ("relevance", "date", "oldest")
Sort = Literal["relevance", "date", "oldest"]
PRE, POST = "\ue000", "\ue001"  # private-use marks inside Elasticsearch, « » in results


class SearchError(ValueError):
    """A parameter the search cannot use; `param` names it. The API answers 400, the CLI exits 2."""

    def __init__(self, message: str, param: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Values:
    """A multi-valued filter: any of `include` (when given), none of `exclude`."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: str | list[str] | tuple[str, ...] | None) -> Values:
        """`nl,en`, `-en`, or repeated values: several values and exclusions."""
        if raw is None:
            return cls()
        items = [raw] if isinstance(raw, str) else list(raw)
        include: list[str] = []
        exclude: list[str] = []
        for item in items:
            for part in item.split(","):
                value = part.strip()
                if value.startswith("-") and value[1:].strip():
                    exclude.append(value[1:].strip())
                elif value:
                    include.append(value)
        return cls(tuple(include), tuple(exclude))

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    languages: Values = field(default_factory=Values)
    sources: Values = field(default_factory=Values)
    topics: Values = field(default_factory=Values)
    entities: Values = field(default_factory=Values)
    since: str | None = None
    until: str | None = None
    size: int = 10
    offset: int = 0
    sort: str = "relevance"
    facets: bool = False
    cursor: str | None = None
    unique: bool = False

    def validate(self) -> None:
        if not 0 <= self.size <= MAX_PAGE_SIZE:
            raise SearchError(f"size must be between 0 and {MAX_PAGE_SIZE}", "size")
        if self.offset < 0:
            raise SearchError("offset must be 0 or more", "offset")
        if self.offset + self.size > MAX_WINDOW:
            raise SearchError(f"offset + size over {MAX_WINDOW}: page deeper with cursor=* and next_cursor", "offset")
        if self.sort not in SORTS:
            raise SearchError(f"sort must be one of {', '.join(SORTS)}", "sort")
        if self.cursor is not None and self.offset:
            raise SearchError("use either offset or cursor", "cursor")
        if self.cursor is not None and self.unique:
            raise SearchError("unique=true pages with offset, not with a cursor", "cursor")

    def signature(self) -> str:
        """What a cursor belongs to: every parameter except the page position."""
        data = asdict(self)
        for key in ("offset", "cursor", "facets", "size", "unique"):
            data.pop(key)
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def resolve_entity(name: str) -> str | None:
    """The Wikidata id the gazetteer gives a name in Dutch or English ("NAVO" and "NATO" -> Q7184)."""
    if re.fullmatch(r"[Qq]\d+", name):
        return name.upper()
    from worker.tagging import gazetteer

    for language in ("nl", "en"):
        entry = gazetteer.lookup(language, name)
        if entry is not None and entry.wikidata:
            return entry.wikidata
    return None


def _multi(values: Values, clause: Any) -> list[tuple[str, dict[str, Any]]]:
    """(occur, query) pairs: a should-group for the included values, a must_not per excluded one."""
    out: list[tuple[str, dict[str, Any]]] = []
    if values.include:
        out.append(("filter", {"bool": {"should": [clause(v) for v in values.include], "minimum_should_match": 1}}))
    out += [("must_not", clause(v)) for v in values.exclude]
    return out


def build_query(q: SearchQuery) -> dict[str, Any]:
    """The Elasticsearch `query` for a SearchQuery: the parsed `q`, filters beside it. Raises
    QuerySyntaxError for `q` and SearchError for a filter it cannot use."""
    must = [compile_query(parse(q.text), resolve_entity)]
    pairs = [
        *_multi(q.languages, lambda v: {"term": {"language": fold_key(v)}}),
        *_multi(q.sources, lambda v: {"term": {"folded.source": fold_key(v)}}),
        *_multi(q.topics, topic_clause),
        *_multi(q.entities, lambda v: entity_clause(v, resolve_entity)),
    ]
    for param, value in (("since", q.since), ("until", q.until)):
        try:
            if value is not None:
                period_bounds(value)
        except QuerySyntaxError as exc:
            raise SearchError(exc.message, param) from exc
    if q.since or q.until:
        pairs.append(("filter", date_range(q.since, q.until)))
    body: dict[str, Any] = {"must": must}
    for occur, clause in pairs:
        body.setdefault(occur, []).append(clause)
    return {"bool": body}


# The same searches come back (a dashboard refreshing, people paging): their compiled query is kept rather than
# parsed, resolved against the gazetteer and compiled again (10-60 us each, bench/RESULTS.md). It depends on the
# query text, the filters and the gazetteer only: dates are absolute and topic labels fixed.
COMPILED_QUERIES = 1024


def compiled_query(q: SearchQuery) -> dict[str, Any]:
    """`build_query(q)`, cached by the text, the filters and the gazetteer's content version (a changed
    gazetteer, once reloaded, compiles afresh). Shared between requests: callers must not modify it."""
    from worker.tagging.gazetteer import gazetteer_version

    return _compiled(q.text, q.languages, q.sources, q.topics, q.entities, q.since, q.until, gazetteer_version())


@lru_cache(maxsize=COMPILED_QUERIES)
def _compiled(
    text: str, languages: Values, sources: Values, topics: Values, entities: Values,
    since: str | None, until: str | None, gazetteer: str,
) -> dict[str, Any]:  # fmt: skip
    del gazetteer  # part of the key only
    query = SearchQuery(
        text=text, languages=languages, sources=sources, topics=topics, entities=entities, since=since, until=until
    )
    return build_query(query)


def sort_spec(sort: str, has_text: bool) -> list[Any]:
    """A total order: the article id breaks every tie, so pages never overlap."""
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    if sort == "oldest":
        order = [{"published_at": {"order": "asc", "missing": "_last"}}]
    elif sort == "date" or not has_text:
        order = [newest]
    else:
        order = [{"_score": {"order": "desc"}}, newest]
    return [*order, {"id": {"order": "asc"}}]


def _nested_articles(path: str, field_name: str, size: int) -> dict[str, Any]:
    """Counts of articles (not nested entity/topic records) per value."""
    return {
        "nested": {"path": path},
        "aggs": {
            "values": {"terms": {"field": field_name, "size": size}, "aggs": {"articles": {"reverse_nested": {}}}}
        },
    }


FACETS: dict[str, Any] = {
    "languages": {"terms": {"field": "language", "size": 20}},
    "sources": {"terms": {"field": "source", "size": 20}},
    "topics": _nested_articles("topics", "topics.code", 20),
    # Articles per entity, merged across languages and forms (folded.entity_ids); labels from the nested forms.
    "entities": {"terms": {"field": "folded.entity_ids", "size": 40}},
    "entity_labels": {
        "nested": {"path": "entities"},
        "aggs": {
            "texts": {
                "terms": {"field": "entities.text", "size": 80},
                "aggs": {
                    "qid": {"terms": {"field": "entities.wikidata", "size": 1}},
                    "type": {"terms": {"field": "entities.type", "size": 1}},
                },
            }
        },
    },
    "per_month": {"date_histogram": {"field": "published_at", "calendar_interval": "month", "min_doc_count": 1}},
}


def _flatten_facets(aggs: dict[str, Any]) -> dict[str, Any]:
    def buckets(agg: dict[str, Any]) -> dict[str, int]:
        return {
            str(b.get("key_as_string", b["key"])): b["articles"]["doc_count"] if "articles" in b else b["doc_count"]
            for b in agg["buckets"]
        }

    topic_buckets = aggs["topics"]["values"]["buckets"]
    return {
        "languages": buckets(aggs["languages"]),
        "sources": buckets(aggs["sources"]),
        "topics": buckets(aggs["topics"]["values"]),
        "topic_labels": {str(b["key"]): topic_label(str(b["key"]), "en") for b in topic_buckets},
        "entities": _entity_facet(aggs),
        "per_month": buckets(aggs["per_month"]),
    }


def entity_labels(texts: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Entity key (Wikidata id, else TYPE:folded name) -> (most frequent written form, type)."""
    labels: dict[str, tuple[str, str]] = {}
    for bucket in texts["buckets"]:
        kind = bucket["type"]["buckets"][0]["key"] if bucket["type"]["buckets"] else "MISC"
        qid = bucket["qid"]["buckets"][0]["key"] if bucket["qid"]["buckets"] else None
        labels.setdefault(qid or f"{kind}:{fold_key(bucket['key'])}", (str(bucket["key"]), kind))
    return labels


def _entity_facet(aggs: dict[str, Any], per_type: int = 10) -> dict[str, dict[str, int]]:
    """{type: {label: articles}}, an entity's languages and forms counted once."""
    labels = entity_labels(aggs["entity_labels"]["texts"])
    facet: dict[str, dict[str, int]] = {}
    for bucket in aggs["entities"]["buckets"]:
        key = str(bucket["key"])
        label, kind = labels.get(key, (key.split(":", 1)[-1], key.split(":", 1)[0] if ":" in key else "MISC"))
        group = facet.setdefault(kind, {})
        if len(group) < per_type:
            group[label] = group.get(label, 0) + int(bucket["doc_count"])
    return facet


def _split_marks(fragment: str) -> list[str]:
    return re.split(f"([{PRE}{POST}])", fragment)


def restore_highlight(fragment: str, original: str, folded: str | None = None) -> str:
    """A highlight found in the folded copy, put back on the original text (folding keeps every offset)."""
    plain = fragment.replace(PRE, "").replace(POST, "")
    start = original.find(plain)  # a stretch without diacritics reads the same folded: no need to fold it all
    if start < 0:
        folded = fold_text(original) if folded is None else folded
        start = folded.find(plain)
    pieces = []
    pos = start
    for piece in _split_marks(fragment):
        if piece == PRE:
            pieces.append("«")
        elif piece == POST:
            pieces.append("»")
        elif start >= 0:
            pieces.append(original[pos : pos + len(piece)])
            pos += len(piece)
        else:
            pieces.append(piece)
    return "".join(pieces)


HIGHLIGHT = {
    "pre_tags": [PRE],
    "post_tags": [POST],
    "max_analyzed_offset": HIGHLIGHT_MAX_OFFSET,
    "fields": {
        "folded.title": {"number_of_fragments": 0},
        "folded.body": {"fragment_size": 160, "number_of_fragments": 2},
    },
}


def shape_hit(hit: dict[str, Any]) -> dict[str, Any]:
    """The article record plus `score` and `highlight` (title/body fragments marked «like this»)."""
    record = dict(hit["_source"])
    record["score"] = hit.get("_score")
    highlight: dict[str, list[str]] = {}
    for name in ("title", "body"):
        fragments = hit.get("highlight", {}).get(f"folded.{name}")
        if fragments:
            original = str(record.get(name) or "")
            highlight[name] = [restore_highlight(f, original) for f in fragments]
    record["highlight"] = highlight
    return record


def encode_cursor(pit: str, after: list[Any], signature: str) -> str:
    raw = json.dumps({"p": pit, "a": after, "s": signature}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, signature: str) -> tuple[str, list[Any]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        pit, after, owner = data["p"], data["a"], data["s"]
        if not isinstance(pit, str) or not isinstance(after, list):
            raise TypeError
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise SearchError("cursor is not one this API issued (start with cursor=*)", "cursor") from exc
    if owner != signature:
        raise SearchError("cursor belongs to another query or other filters", "cursor")
    return pit, after


# What shaping reads of a search response: Elasticsearch leaves out the rest (each hit's _index, _id and
# _ignored, _shards, took), so less JSON is written, sent and parsed. With no hit, `hits.hits` is absent.
FILTER_PATH = [
    "hits.total",
    "hits.hits._source",
    "hits.hits._score",
    "hits.hits.highlight",
    "hits.hits.sort",
    "hits.hits.inner_hits.copies.hits.total",
    "hits.hits.inner_hits.copies.hits.hits._source",
    "aggregations",
    "pit_id",
]


def search_request(q: SearchQuery) -> dict[str, Any]:
    """The keyword arguments of `es.search` for a SearchQuery, except the index or point in time (which
    `search()` adds): the exact request `search()` sends, also for the benchmark's bare query.
    Raises QuerySyntaxError or SearchError for input it cannot use."""
    q.validate()
    request: dict[str, Any] = {
        "query": compiled_query(q),
        "size": q.size,
        "sort": sort_spec(q.sort, bool(q.text.strip())),
        "source_excludes": HIDDEN_FIELDS,
        "track_total_hits": True,
        "highlight": HIGHLIGHT,
        "filter_path": FILTER_PATH,
    }
    aggs = dict(FACETS) if q.facets else {}
    if q.unique:
        # One hit per story (near-duplicate group), with how many copies it has and from which sources.
        request["collapse"] = {
            "field": "folded.story",
            "inner_hits": {"name": "copies", "size": 5, "_source": ["id", "source", "url"], "sort": [{"id": "asc"}]},
        }
        aggs["stories"] = {"cardinality": {"field": "folded.story"}}
    if aggs:
        request["aggs"] = aggs
    return request


def search_result(q: SearchQuery, response: Any) -> dict[str, Any]:
    """The API's result for an Elasticsearch response to `search_request(q)` (without `next_cursor`)."""
    raw_hits = response["hits"].get("hits", [])
    result: dict[str, Any] = {"total": response["hits"]["total"]["value"], "hits": [shape_hit(h) for h in raw_hits]}
    if q.facets:
        result["facets"] = _flatten_facets(response["aggregations"])
    if q.unique:
        result["stories"] = response["aggregations"]["stories"]["value"]
        for record, hit in zip(result["hits"], raw_hits, strict=True):
            copies = hit.get("inner_hits", {}).get("copies", {}).get("hits", {})
            record["copies"] = copies.get("total", {}).get("value", 1)
            record["copy_sources"] = sorted({c["_source"].get("source") for c in copies.get("hits", [])})
    return result


def _aim(
    kwargs: dict[str, Any], q: SearchQuery, settings: Settings, pit: str | None, after: list[Any] | None
) -> dict[str, Any]:
    """`search_request(q)` aimed at the read alias (first pages) or at point in time `pit` (cursor pages)."""
    if pit is None:
        kwargs.update(index=settings.read_alias, from_=q.offset)
    else:
        if after is not None:
            kwargs["search_after"] = after
        kwargs["pit"] = {"id": pit, "keep_alive": PIT_KEEP_ALIVE}
    return kwargs


def _cursor_position(q: SearchQuery) -> tuple[str | None, list[Any] | None]:
    """For a cursor page: the point in time and sort values it continues from (None, None for `*`: a new PIT)."""
    if q.cursor is None or q.cursor == "*":
        return None, None
    return decode_cursor(q.cursor, q.signature())


def _raise_search_error(q: SearchQuery, pit: str | None, exc: elasticsearch.ApiError) -> NoReturn:
    """Raise the client's error for an Elasticsearch error on a cursor page, else the error itself."""
    if pit is not None:
        if isinstance(exc, elasticsearch.NotFoundError):
            raise SearchError("cursor expired (kept 2 minutes between pages): start again with cursor=*",
                              "cursor") from exc  # fmt: skip
        if q.cursor != "*":  # a cursor is client input: whatever Elasticsearch makes of a forged one is its error
            raise SearchError(f"cursor not usable: {exc.message}", "cursor") from exc
    raise exc


def _page_result(q: SearchQuery, response: Any, pit: str | None) -> tuple[dict[str, Any], str | None]:
    """The result of one page, with `next_cursor` on cursor pages; and the PIT to close (last page), if any."""
    result = search_result(q, response)
    if pit is None:
        return result, None
    raw_hits = response["hits"].get("hits", [])
    new_pit = response.get("pit_id", pit)
    if raw_hits and len(raw_hits) == q.size:
        result["next_cursor"] = encode_cursor(new_pit, raw_hits[-1]["sort"], q.signature())
        return result, None
    result["next_cursor"] = None
    return result, new_pit


def search(es: Elasticsearch, settings: Settings, q: SearchQuery) -> dict[str, Any]:
    """`{"total": N, "hits": [record + "highlight" + "score"], "facets"?, "next_cursor"?}`.

    Raises QuerySyntaxError or SearchError for input it cannot use (never a server error)."""
    kwargs = search_request(q)  # bad input fails here, before a point in time is opened
    pit, after = _cursor_position(q)
    if q.cursor == "*":
        pit = es.open_point_in_time(index=settings.read_alias, keep_alive=PIT_KEEP_ALIVE)["id"]
    try:
        response = es.search(**_aim(kwargs, q, settings, pit, after))
    except elasticsearch.ApiError as exc:
        _raise_search_error(q, pit, exc)
    result, finished = _page_result(q, response, pit)
    if finished is not None:
        close_pit(es, finished)
    return result


async def search_async(es: AsyncElasticsearch, settings: Settings, q: SearchQuery) -> dict[str, Any]:
    """`search()` on the asynchronous client: the API's event loop waits on Elasticsearch without a thread."""
    kwargs = search_request(q)  # bad input fails here, before a point in time is opened
    pit, after = _cursor_position(q)
    if q.cursor == "*":
        pit = (await es.open_point_in_time(index=settings.read_alias, keep_alive=PIT_KEEP_ALIVE))["id"]
    try:
        response = await es.search(**_aim(kwargs, q, settings, pit, after))
    except elasticsearch.ApiError as exc:
        _raise_search_error(q, pit, exc)
    result, finished = _page_result(q, response, pit)
    if finished is not None:
        with contextlib.suppress(elasticsearch.ApiError):  # already expired: nothing to free
            await es.close_point_in_time(id=finished)
    return result


# Function words carry no topic: without them more-like-this picks the words two articles share by chance.
_STOP_WORDS = (
    "de het een en van in op te dat die voor met aan is zijn was werd wordt niet ook als bij uit om tot naar"
    " door over maar dan nog wel er hij zij ze we wij je u ik dit deze na al of meer heeft hebben had"
    " the a an and of in on to that for with at is are was were be been by from as it its this these"
    " not also but or than then he she they we you his her their has have had will would after over"
)
SIMILAR_STOP_WORDS = sorted(set(_STOP_WORDS.split()))


def similar(es: Elasticsearch, settings: Settings, article_id: str, size: int = 10) -> dict[str, Any] | None:
    """Articles like this one (more-like-this over folded title, body and entity names), other stories only:
    copies of the same story are counted, not listed. None when the article does not exist."""
    found = es.search(
        index=settings.read_alias, query={"ids": {"values": [article_id]}}, source_includes=["folded.story"], size=1
    )["hits"]["hits"]
    if not found:
        return None
    story = found[0]["_source"].get("folded", {}).get("story") or article_id
    like = {"_index": found[0]["_index"], "_id": article_id}
    response = es.search(
        index=settings.read_alias,
        size=size,
        query={
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["folded.title", "folded.body", "folded.entities"],
                            "like": [like],
                            "min_term_freq": 1,
                            "min_doc_freq": 1,
                            "max_query_terms": 40,
                            "minimum_should_match": "30%",
                            "min_word_length": 3,
                            "stop_words": SIMILAR_STOP_WORDS,
                        }
                    }
                ],
                "must_not": [{"term": {"folded.story": story}}],
            }
        },
        collapse={"field": "folded.story"},
        source_excludes=[*HIDDEN_FIELDS, "body", "paragraphs"],
    )
    copies = es.count(index=settings.read_alias, query={"term": {"folded.story": story}})["count"]
    hits = []
    for hit in response["hits"]["hits"]:
        record = dict(hit["_source"])
        record["score"] = hit.get("_score")
        hits.append(record)
    return {"id": article_id, "copies": copies, "hits": hits}


def close_pit(es: Elasticsearch, pit: str) -> None:
    with contextlib.suppress(elasticsearch.ApiError):  # already expired: nothing to free
        es.close_point_in_time(id=pit)


def pit_page(
    es: Elasticsearch, query: dict[str, Any], sort: list[Any], *, pit: str,
    after: list[Any] | None, size: int, source: list[str] | None, keep_alive: str = PIT_KEEP_ALIVE,
) -> tuple[str, list[dict[str, Any]]]:  # fmt: skip
    """One page of matches from point in time `pit`, after the sort values `after`; and the PIT id for the next
    page (Elasticsearch may hand back a new one)."""
    response = es.search(
        query=query,
        size=size,
        sort=sort,
        pit={"id": pit, "keep_alive": keep_alive},
        search_after=after,
        source_excludes=HIDDEN_FIELDS,
        source_includes=source,
        track_total_hits=False,
    )
    return str(response.get("pit_id", pit)), response["hits"]["hits"]


def iter_matches(
    es: Elasticsearch, settings: Settings, q: SearchQuery, batch: int = 1000, source: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every article matching a query, in sort order, from one point in time (export: no window, no repeats)."""
    query = build_query(q)
    sort = sort_spec(q.sort, bool(q.text.strip()))
    pit = str(es.open_point_in_time(index=settings.read_alias, keep_alive=PIT_KEEP_ALIVE)["id"])
    after: list[Any] | None = None
    try:
        while True:
            pit, hits = pit_page(es, query, sort, pit=pit, after=after, size=batch, source=source)
            for hit in hits:
                yield dict(hit["_source"])
            if len(hits) < batch:
                return
            after = hits[-1]["sort"]
    finally:
        close_pit(es, pit)
