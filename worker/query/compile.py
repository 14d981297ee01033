"""Compile a query AST to Elasticsearch's bool DSL, over the folded fields that `document()` indexes.

Only match, match_phrase, bounded phrase_prefix, term, prefix (on keywords, at least two characters) and
range queries are produced: no regexp, wildcard, script or query_string ever reaches Elasticsearch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from worker.dates import DateParseError, parse_date
from worker.query.fold import fold_key, fold_text
from worker.query.parser import And, MatchAll, Node, Not, Or, Phrase, QuerySyntaxError, Range, Term

# Where each logical field is searched. Text fields are folded copies (diacritics removed at index time);
# plain words also go to the language-analysed fields, which stem where the full distribution has them.
TEXT_FIELDS: dict[str | None, list[str]] = {
    None: ["folded.title^3", "folded.subheadings^2", "folded.body", "folded.keywords^2", "folded.entities^2"],
    "title": ["folded.title"],
    "body": ["folded.body", "folded.subheadings"],
    "author": ["folded.authors"],
}
STEMMED_FIELDS: dict[str | None, list[str]] = {
    None: ["title.nl^3", "title.en^3", "body.nl", "body.en"],
    "title": ["title.nl", "title.en"],
    "body": ["body.nl", "body.en"],
    "author": [],
}
PREFIX_EXPANSIONS = 100
ENTITY_TYPES = frozenset({"PER", "ORG", "LOC", "MISC"})

EntityResolver = Callable[[str], str | None]


def period_bounds(text: str, pos: int = 0) -> tuple[str, str]:
    """The first instant of a (partial) date and the exclusive start of the next period: 2021-04 is all April."""
    try:
        value, precision = parse_date(text)
    except DateParseError as exc:
        raise QuerySyntaxError(f"invalid date '{text}': {exc}", pos) from exc
    try:
        if precision == "year":
            end = value.replace(year=value.year + 1)
        elif precision == "month":
            end = value.replace(year=value.year + value.month // 12, month=value.month % 12 + 1)
        elif precision == "day":
            end = value + timedelta(days=1)
        else:
            end = value + timedelta(milliseconds=1)
    except (ValueError, OverflowError) as exc:  # the period ends after year 9999
        raise QuerySyntaxError(f"date '{text}' is out of range", pos) from exc
    return value.isoformat(), end.isoformat()


def date_range(
    lower: str | None, upper: str | None, *, include_lower: bool = True, include_upper: bool = True, pos: int = 0
) -> dict[str, Any]:
    """A range on published_at where each bound covers its whole period (until 2021 = through December 31)."""
    bounds: dict[str, str] = {}
    if lower is not None:
        start, end = period_bounds(lower, pos)
        bounds["gte"] = start if include_lower else end
    if upper is not None:
        start, end = period_bounds(upper, pos)
        bounds["lt"] = end if include_upper else start
    if not bounds:
        return {"match_all": {}}
    return {"range": {"published_at": bounds}}


def _has_text(text: str) -> bool:
    return any(c.isalnum() for c in text)


def entity_clause(value: str, resolve: EntityResolver | None = None, *, prefix: bool = False) -> dict[str, Any]:
    """Articles naming an entity: by any of its forms, its Wikidata id, or (via the gazetteer) the id of the name."""
    key = fold_key(value)
    if prefix:
        return {"prefix": {"folded.entity_keys": key}}
    should: list[dict[str, Any]] = [
        {"term": {"folded.entity_keys": key}},
        {"match_phrase": {"folded.entities": fold_text(value)}},
    ]
    qid = resolve(value) if resolve else None
    if qid:
        should.append({"term": {"folded.entity_keys": fold_key(qid)}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def topic_clause(value: str, *, prefix: bool = False) -> dict[str, Any]:
    """A topic by code or label in Dutch or English; a label's first words suffice ("politics" finds
    "politics and government")."""
    key = fold_key(value)
    if prefix or len(key) < 3:
        return {"prefix" if prefix else "term": {"folded.topics": key}}
    return {
        "bool": {
            "should": [{"term": {"folded.topics": key}}, {"prefix": {"folded.topics": key}}],
            "minimum_should_match": 1,
        }
    }


def _keyword(fld: str, value: str, prefix: bool, pos: int, resolve: EntityResolver | None) -> dict[str, Any]:
    if fld == "lang":
        return {"prefix" if prefix else "term": {"language": fold_key(value)}}
    if fld == "source":
        return {"prefix" if prefix else "term": {"folded.source": fold_key(value)}}
    if fld == "url":
        return {"prefix" if prefix else "term": {"url": value}}
    if fld == "topic":
        return topic_clause(value, prefix=prefix)
    if fld == "entity":
        return entity_clause(value, resolve, prefix=prefix)
    if fld == "type":
        kind = value.upper()
        if kind not in ENTITY_TYPES:
            raise QuerySyntaxError(f"type: is one of {', '.join(sorted(ENTITY_TYPES))}", pos)
        return {"term": {"folded.entity_types": kind}}
    if fld == "published":
        if prefix:
            raise QuerySyntaxError("published: takes a date or a range, not a prefix", pos)
        return date_range(value, value, pos=pos)
    raise QuerySyntaxError(f"unknown field '{fld}'", pos)


def _text(fld: str | None, text: str, *, prefix: bool = False, slop: int | None = None) -> dict[str, Any]:
    folded = fold_text(text)
    if not _has_text(folded):
        return {"match_all": {}}  # punctuation only: analysed to nothing, so it constrains nothing
    fields = TEXT_FIELDS[fld]
    if prefix:
        return {
            "multi_match": {
                "query": folded,
                "fields": fields,
                "type": "phrase_prefix",
                "max_expansions": PREFIX_EXPANSIONS,
            }
        }
    if slop is not None:  # a quoted phrase: exact order (or within `slop` moves), folded fields only
        return {"multi_match": {"query": folded, "fields": fields, "type": "phrase", "slop": slop}}
    # A word: "covid-19" is analysed to two tokens that must stay adjacent, hence type phrase.
    return {
        "multi_match": {
            "query": folded,
            "fields": fields + STEMMED_FIELDS[fld],
            "type": "phrase",
            "tie_breaker": 0.3,
        }
    }


def compile_query(node: Node, resolve: EntityResolver | None = None) -> dict[str, Any]:
    """The Elasticsearch query for an AST (see worker/query/parser.py)."""
    if isinstance(node, MatchAll):
        return {"match_all": {}}
    if isinstance(node, Term):
        if node.field in TEXT_FIELDS:
            return _text(node.field, node.text, prefix=node.prefix)
        assert node.field is not None
        return _keyword(node.field, node.text, node.prefix, node.pos, resolve)
    if isinstance(node, Phrase):
        if node.field in TEXT_FIELDS:
            return _text(node.field, node.text, slop=node.slop)
        assert node.field is not None
        return _keyword(node.field, node.text, False, node.pos, resolve)
    if isinstance(node, Range):
        return date_range(
            node.lower, node.upper, include_lower=node.include_lower, include_upper=node.include_upper, pos=node.pos
        )
    if isinstance(node, Not):
        return {"bool": {"must_not": [compile_query(node.child, resolve)]}}
    if isinstance(node, And):
        must: list[dict[str, Any]] = []
        must_not: list[dict[str, Any]] = []
        for child in node.children:
            if isinstance(child, Not):
                must_not.append(compile_query(child.child, resolve))
            else:
                must.append(compile_query(child, resolve))
        body: dict[str, Any] = {"must": must or [{"match_all": {}}]}
        if must_not:
            body["must_not"] = must_not
        return {"bool": body}
    if isinstance(node, Or):
        return {"bool": {"should": [compile_query(c, resolve) for c in node.children], "minimum_should_match": 1}}
    raise TypeError(f"not a query node: {node!r}")
