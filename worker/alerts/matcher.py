"""Saved searches evaluated in the worker, on the batch it has just indexed: the query AST compiled to a
Python predicate over the same folded fields Elasticsearch searches.

Why not the alternatives:
- polling the index (a search per alert every N seconds) costs one request per alert per poll whether or not
  anything arrived, and is late by the poll interval;
- the percolator is not in the minimal distribution we run locally (no `percolator` module);
- one `msearch` per bulk batch restricted to the batch's ids costs one sub-search per alert per batch (1,000
  alerts: 1,000 searches for every 200 articles) and must wait for a refresh before the documents are
  searchable.
A compiled predicate costs microseconds per alert per article and needs nothing but the Article in hand.

Agreement with Elasticsearch is by construction: the article is seen through `folded_fields` (what
`store.document()` indexes), text is tokenised like the `standard` analyzer (Unicode word boundaries,
lower-cased), and every AST node mirrors `worker/query/compile.py`: words and quoted phrases are phrase
queries over the folded text fields (one value of a multi-valued field at a time, as the position gap makes
Elasticsearch do), `~N` is Lucene's sloppy-phrase distance, `word*` a phrase whose last token is a prefix,
keyword fields compare folded keys, dates use the same period bounds. `tests/alerts/test_matcher_agrees.py`
checks it against real search results. Two known differences, both on the side of matching more: a prefix
here expands to every word (Elasticsearch stops at the first 100 expansions of the index), and the stemmed
`*.nl`/`*.en` fields of the full distribution (which add plural/inflected matches) are not modelled — on the
minimal distribution they use `standard` and add nothing the folded fields lack.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from worker.article import Article
from worker.index.store import folded_fields
from worker.query import fold_key, fold_text, parse
from worker.query.compile import ENTITY_TYPES, period_bounds
from worker.query.parser import And, MatchAll, Node, Not, Or, Phrase, QuerySyntaxError, Range, Term
from worker.search import Values

# The standard tokenizer (UAX #29 word boundaries), closely enough for news text: letters and digits (and
# "_") form words; "." and "'" join letters or digits on both sides ("u.s.a", "nos.nl", "don't", "3.14"),
# "," joins digits ("1,5"); everything else separates. Lower-cased like the standard analyzer.
_TOKEN = re.compile(r"\w+(?:[.'’]\w+|,\d+)*")
MAX_TOKEN_CHARS = 255
POSITION_GAP = 100  # Elasticsearch's position_increment_gap between the values of a text field

TEXT_FIELDS: dict[str | None, tuple[str, ...]] = {
    None: ("title", "subheadings", "body", "keywords", "entities"),
    "title": ("title",),
    "body": ("body", "subheadings"),
    "author": ("authors",),
}


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        word = match.group(0).lower()
        out.extend(word[i : i + MAX_TOKEN_CHARS] for i in range(0, len(word), MAX_TOKEN_CHARS))
    return tuple(out)


@dataclass
class View:
    """An article as the index sees it: token positions per text value, keyword sets, the date."""

    texts: dict[str, dict[str, list[int]]]
    language: str
    source: str
    url: str | None
    topics: frozenset[str]
    entity_keys: frozenset[str]
    entity_types: frozenset[str]
    published_at: datetime | None
    anchors: frozenset[str] = frozenset()

    @classmethod
    def of(cls, article: Article) -> View:
        folded = folded_fields(article)
        texts: dict[str, dict[str, list[int]]] = {}
        for name in ("title", "subheadings", "body", "keywords", "entities", "authors"):
            value = folded[name]
            # The values of a multi-valued field one after the other, POSITION_GAP apart as in the index,
            # so no phrase (slop at most 50) spans two values.
            positions: dict[str, list[int]] = {}
            base = 0
            for text in [value] if isinstance(value, str) else value:
                toks = tokens(text)
                for i, tok in enumerate(toks):
                    positions.setdefault(tok, []).append(base + i)
                base += len(toks) + POSITION_GAP
            texts[name] = positions
        published = article.published_at
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        anchors = {tok for positions in texts.values() for tok in positions}
        anchors.update(f"key:{k}" for k in folded["entity_keys"])
        anchors.update(f"topic:{t[:3]}" for t in folded["topics"])
        anchors.update(f"type:{t}" for t in folded["entity_types"])
        anchors.update((f"lang:{article.language}", f"source:{folded['source']}"))
        return cls(
            texts=texts,
            language=article.language,
            source=folded["source"],
            url=article.url,
            topics=frozenset(folded["topics"]),
            entity_keys=frozenset(folded["entity_keys"]),
            entity_types=frozenset(folded["entity_types"]),
            published_at=published,
            anchors=frozenset(anchors),
        )


Predicate = Callable[[View], bool]
EntityResolver = Callable[[str], str | None]


def _phrase_in(positions: dict[str, list[int]], toks: tuple[str, ...], slop: int,
               prefix_tokens: tuple[str, ...] | None = None) -> bool:  # fmt: skip
    """Lucene's phrase match: some choice of one position per query token whose offsets (position minus
    index in the phrase) span at most `slop`. With `prefix_tokens`, the last query token may be any of them."""
    candidates: list[list[int]] = []
    for i, tok in enumerate(toks):
        if prefix_tokens is not None and i == len(toks) - 1:
            found = sorted({p for t in prefix_tokens for p in positions.get(t, ())})
        else:
            found = positions.get(tok, [])
        if not found:
            return False
        candidates.append([p - i for p in found])
    if slop == 0:
        common = set(candidates[0])
        for offsets in candidates[1:]:
            common &= set(offsets)
            if not common:
                return False
        return True
    starts = sorted({o for offsets in candidates for o in offsets})
    for low in starts:
        used: set[int] = set()
        ok = True
        for i, offsets in enumerate(candidates):
            pick = next((o for o in offsets if low <= o <= low + slop and o + i not in used), None)
            if pick is None:
                ok = False
                break
            used.add(pick + i)
        if ok:
            return True
    return False


def _text(fld: str | None, text: str, *, prefix: bool = False, slop: int = 0) -> Predicate:
    folded = fold_text(text)
    if not any(c.isalnum() for c in folded):
        return lambda view: True  # compile.py: punctuation only is match_all
    toks = tokens(folded)
    if not toks:
        return lambda view: True
    fields = TEXT_FIELDS[fld]

    if prefix:
        stem = toks[-1]

        def match_prefix(view: View) -> bool:
            for name in fields:
                positions = view.texts[name]
                expansions = tuple(t for t in positions if t.startswith(stem))
                if expansions and _phrase_in(positions, toks, 0, expansions):
                    return True
            return False

        return match_prefix

    if len(toks) == 1:
        word = toks[0]
        return lambda view: word in view.anchors and any(word in view.texts[name] for name in fields)

    def match_phrase(view: View) -> bool:
        if not all(tok in view.anchors for tok in toks):  # every token must occur somewhere
            return False
        return any(_phrase_in(view.texts[name], toks, slop) for name in fields)

    return match_phrase


def _entity(value: str, resolve: EntityResolver | None, prefix: bool) -> Predicate:
    key = fold_key(value)
    if prefix:
        return lambda view: any(k.startswith(key) for k in view.entity_keys)
    toks = tokens(fold_text(value))
    qid = resolve(value) if resolve else None
    qid_key = fold_key(qid) if qid else None

    def match(view: View) -> bool:
        if key in view.entity_keys or (qid_key is not None and qid_key in view.entity_keys):
            return True
        return bool(toks) and _phrase_in(view.texts["entities"], toks, 0)

    return match


def _topic(value: str, prefix: bool) -> Predicate:
    key = fold_key(value)
    if prefix or len(key) >= 3:  # compile.topic_clause: term or prefix (a prefix includes the term)
        return lambda view: any(t.startswith(key) for t in view.topics)
    return lambda view: key in view.topics


def _keyword(fld: str, value: str, prefix: bool, pos: int, resolve: EntityResolver | None) -> Predicate:
    if fld == "lang":
        key = fold_key(value)
        return (lambda v: v.language.startswith(key)) if prefix else (lambda v: v.language == key)
    if fld == "source":
        key = fold_key(value)
        return (lambda v: v.source.startswith(key)) if prefix else (lambda v: v.source == key)
    if fld == "url":
        return (lambda v: (v.url or "").startswith(value) and v.url is not None) if prefix else (
            lambda v: v.url == value)  # fmt: skip
    if fld == "topic":
        return _topic(value, prefix)
    if fld == "entity":
        return _entity(value, resolve, prefix)
    if fld == "type":
        kind = value.upper()
        if kind not in ENTITY_TYPES:
            raise QuerySyntaxError(f"type: is one of {', '.join(sorted(ENTITY_TYPES))}", pos)
        return lambda v: kind in v.entity_types
    if fld == "published":
        if prefix:
            raise QuerySyntaxError("published: takes a date or a range, not a prefix", pos)
        return date_predicate(value, value, pos=pos)
    raise QuerySyntaxError(f"unknown field '{fld}'", pos)


def date_predicate(lower: str | None, upper: str | None, *, include_lower: bool = True,
                   include_upper: bool = True, pos: int = 0) -> Predicate:  # fmt: skip
    """compile.date_range as a predicate: each bound covers its whole period; no date never matches a range."""
    gte = lt = None
    if lower is not None:
        start, end = period_bounds(lower, pos)
        gte = _instant(start if include_lower else end)
    if upper is not None:
        start, end = period_bounds(upper, pos)
        lt = _instant(end if include_upper else start)
    if gte is None and lt is None:
        return lambda view: True

    def match(view: View) -> bool:
        at = view.published_at
        if at is None:
            return False
        return (gte is None or at >= gte) and (lt is None or at < lt)

    return match


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def compile_matcher(node: Node, resolve: EntityResolver | None = None) -> Predicate:
    """A predicate over a View, true exactly when `worker.query.compile_query(node)` would match."""
    if isinstance(node, MatchAll):
        return lambda view: True
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
        return date_predicate(node.lower, node.upper, include_lower=node.include_lower,
                              include_upper=node.include_upper, pos=node.pos)  # fmt: skip
    if isinstance(node, Not):
        child = compile_matcher(node.child, resolve)
        return lambda view: not child(view)
    if isinstance(node, And):
        parts = [compile_matcher(c, resolve) for c in node.children]
        return lambda view: all(p(view) for p in parts)
    if isinstance(node, Or):
        options = [compile_matcher(c, resolve) for c in node.children]
        return lambda view: any(p(view) for p in options)
    raise TypeError(f"not a query node: {node!r}")


def _multi(include: Sequence[str], exclude: Sequence[str], clause: Callable[[str], Predicate]) -> list[Predicate]:
    """search._multi: any of the included values, none of the excluded ones."""
    out: list[Predicate] = []
    if include:
        options = [clause(v) for v in include]
        out.append(lambda view: any(p(view) for p in options))
    for value in exclude:
        excluded = clause(value)
        out.append(lambda view, excluded=excluded: not excluded(view))  # type: ignore[misc]
    return out


def search_matcher(text: str, *, languages: Any = None, topics: Any = None, entities: Any = None,
                   sources: Any = None, resolve: EntityResolver | None = None) -> Predicate:  # fmt: skip
    """The predicate of `search.build_query` for a query and its filters (`search.Values`, or None)."""
    parts = [compile_matcher(parse(text), resolve)]
    langs, tops, ents, srcs = (v if v is not None else Values() for v in (languages, topics, entities, sources))
    parts += _multi(langs.include, langs.exclude, lambda v: _keyword("lang", v, False, 0, None))
    parts += _multi(srcs.include, srcs.exclude, lambda v: _keyword("source", v, False, 0, None))
    parts += _multi(tops.include, tops.exclude, lambda v: _topic(v, False))
    parts += _multi(ents.include, ents.exclude, lambda v: _entity(v, resolve, False))
    if len(parts) == 1:
        return parts[0]
    return lambda view: all(p(view) for p in parts)


# --- anchors: a necessary condition per saved search, so that an article is tried only against the searches
# that could match it. An anchor is a token or key the article must contain for the search to match (one of a
# set); None means "no such condition" (NOT, prefixes, dates, URLs): that search is tried on every article.

Anchors = frozenset[str] | None


def _token_anchor(text: str, *, prefix: bool = False) -> Anchors:
    folded = fold_text(text)
    toks = tokens(folded) if any(c.isalnum() for c in folded) else ()
    if prefix:
        toks = toks[:-1]  # the last token of a prefix query is any word starting with it
    if not toks:
        return None
    return frozenset({max(toks, key=len)})  # every token must occur; the longest is likely the rarest


def _keyword_anchors(fld: str, value: str, prefix: bool, resolve: EntityResolver | None) -> Anchors:
    key = fold_key(value)
    if prefix and fld != "topic":
        return None
    if fld in ("lang", "source"):
        return frozenset({f"{fld}:{key}"})
    if fld == "topic":
        return frozenset({f"topic:{key[:3]}"}) if len(key) >= 3 else None
    if fld == "type":
        return frozenset({f"type:{value.upper()}"})
    if fld == "entity":
        names = _token_anchor(value)
        if names is None:  # no words: only the key can match
            return frozenset({f"key:{key}"})
        qid = resolve(value) if resolve else None
        return names | {f"key:{key}"} | ({f"key:{fold_key(qid)}"} if qid else set())
    return None


def _all_of(parts: list[Anchors]) -> Anchors:
    """Anchors of a conjunction: any one conjunct's condition is necessary; take the narrowest."""
    known = [p for p in parts if p is not None]
    return min(known, key=len) if known else None


def _any_of(parts: list[Anchors]) -> Anchors:
    if any(p is None for p in parts):
        return None
    return frozenset().union(*[p for p in parts if p is not None])


def node_anchors(node: Node, resolve: EntityResolver | None = None) -> Anchors:
    if isinstance(node, Term | Phrase):
        if node.field in TEXT_FIELDS:
            return _token_anchor(node.text, prefix=isinstance(node, Term) and node.prefix)
        assert node.field is not None
        return _keyword_anchors(node.field, node.text, isinstance(node, Term) and node.prefix, resolve)
    if isinstance(node, And):
        return _all_of([node_anchors(c, resolve) for c in node.children])
    if isinstance(node, Or):
        return _any_of([node_anchors(c, resolve) for c in node.children])
    return None  # MatchAll, Range, Not


def search_anchors(text: str, *, languages: Any = None, topics: Any = None, entities: Any = None,
                   sources: Any = None, resolve: EntityResolver | None = None) -> Anchors:  # fmt: skip
    """The anchors of `search_matcher` with the same arguments."""
    parts = [node_anchors(parse(text), resolve)]
    for fld, values in (("lang", languages), ("source", sources), ("topic", topics), ("entity", entities)):
        if values is not None and values.include:
            parts.append(_any_of([_keyword_anchors(fld, v, False, resolve) for v in values.include]))
    return _all_of(parts)


class MatcherIndex:
    """Saved searches by anchor: `candidates(view)` are the searches worth evaluating on an article."""

    def __init__(self, anchors: list[Anchors]) -> None:
        self.always = [i for i, a in enumerate(anchors) if a is None]
        self.by_anchor: dict[str, list[int]] = {}
        for i, found in enumerate(anchors):
            for anchor in found or ():
                self.by_anchor.setdefault(anchor, []).append(i)

    def candidates(self, view: View) -> list[int]:
        hits = set(self.always)
        by_anchor = self.by_anchor
        for anchor in view.anchors:
            found = by_anchor.get(anchor)
            if found:
                hits.update(found)
        return sorted(hits)
