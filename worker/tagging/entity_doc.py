"""What the entity rules read about a whole document, computed from spaCy's token arrays once per doc.

Iterating a `Doc` in Python makes a `Token` object per word, and `Doc.text` iterates the doc each time it is
read: on the benchmark corpus (200 articles of ≈ 700 words) the rules read `Doc.text` about five times per
article and `Doc.from_docs` (joining the pieces the model read) made three `Token` per word, together about a
quarter of the stage's time over the bare model's (cProfile in bench/RESULTS.md, 2026-11-30 entity speed).
Here the same values come from the ORTH/SPACY arrays and the string store, and are kept for the doc being
tagged (`facts(doc)`); every value is the one the `Doc` API gives (tests/tagging/test_entity_doc.py).
The rules read words, lower-case forms, lexical flags and span texts from here too (`doc[i].lower_`,
`ent.text`): on 162 English texts they had made about 1.06 M `Token` objects, a fifth of the stage's cost
over the bare model (bench/RESULTS.md, 2026-12-01 English entity speed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache
from operator import attrgetter
from typing import Any, Generic, TypeVar, cast

import numpy
from spacy.attrs import (
    ENT_ID,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_ALPHA,
    IS_DIGIT,
    IS_LOWER,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    IS_UPPER,
    LIKE_NUM,
    LOWER,
    ORTH,
    SPACY,
)
from spacy.tokens import Doc, Span

_DIGITS = re.compile(r"\d+")
_FLAGS = (IS_ALPHA, IS_DIGIT, IS_LOWER, IS_PUNCT, IS_SPACE, IS_STOP, IS_UPPER, LIKE_NUM)  # DocFacts' lexical flags
T = TypeVar("T")


def join_docs(parts: Sequence[Doc]) -> Doc:
    """`Doc.from_docs(parts, ensure_whitespace=False)` (the same Doc: words, spaces, every array attribute,
    the tensor), built from the token arrays instead of a `Token` object per word. Parts with user data or
    span groups go through `Doc.from_docs` itself, which knows how to move them."""
    if any(part.user_data or part.spans for part in parts):
        return Doc.from_docs(list(parts), ensure_whitespace=False)
    vocab = parts[0].vocab
    if any(part.vocab is not vocab for part in parts):
        return Doc.from_docs(list(parts), ensure_whitespace=False)  # raises as it should
    attrs = list(Doc._get_array_attrs())
    if SPACY not in attrs:
        attrs.append(SPACY)
    # one array per part; the new Doc is made from the ORTH hashes (no string per word) and the SPACY flags
    array = numpy.concatenate([part.to_array(attrs) for part in parts])
    words = array[:, attrs.index(ORTH)].tolist()
    spaces = array[:, attrs.index(SPACY)].astype(bool).tolist()
    joined = Doc(vocab, words=words, spaces=spaces, user_data={})
    joined.from_array(attrs, cast(Any, array))
    if any(len(part) for part in parts):
        from thinc.api import get_current_ops

        ops = get_current_ops()
        joined.tensor = ops.xp.vstack([ops.asarray(cast(Any, part.tensor)) for part in parts if len(part)])
    return joined


# `key=SPAN_START` sorts spans by their start (as `lambda e: e.start`, without a Python call per span).
SPAN_START = attrgetter("start")

# The model's labels of numbers, dates and amounts: spans that are no names.
NUMBER_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})


def sentence_bounds(starts: Sequence[bool], i: int) -> tuple[int, int]:
    """(start, end) of the sentence holding token i, from the doc's sentence starts."""
    begin = i
    while begin > 0 and not starts[begin]:
        begin -= 1
    end = i + 1
    while end < len(starts) and not starts[end]:
        end += 1
    return begin, end


def set_entities(doc: Doc, spans: Sequence[Span]) -> None:
    """`doc.ents = spans` for spans of this doc: the setter makes a new Span of each (two Token objects per
    span) and hands them to `Doc.set_ents`; ours go there directly."""
    doc.set_ents(list(spans), default="outside")


def as_decided(doc: Doc, ents: list[Span], spans: Sequence[tuple[int, int]], label: str,
               decided: dict[tuple[int, int], str], span_label: str | None = None) -> list[Span]:
    """The entities with these token spans as `label` (the spans labelled `span_label` when the model's label set
    names the type otherwise, "PERSON"), replacing what overlapped them, in order; `decided` receives the type. The
    common last step of the layout and title rules: dateline places, price-table companies, press digests' papers,
    page titles."""
    covered = {i for a, b in spans for i in range(a, b)}
    kept = [ent for ent in ents if covered.isdisjoint(range(ent.start, ent.end))]
    for a, b in spans:
        decided[(a, b)] = label
    new = [Span(doc, a, b, label=span_label or label) for a, b in spans]
    return sorted(kept + new, key=SPAN_START)


def entity_spans(doc: Doc) -> list[tuple[int, int, str, str]]:
    """`[(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]`, read from the token arrays without a Span (and
    its Token objects) per entity. An entity is a B token with a label and the I tokens after it, as `Doc.ents`
    reads them; `Span.ent_id_` is its root token's, the first token in a doc without a parse. A doc with a parse,
    span hooks or an I token outside an entity (`Doc.ents` raises) goes through `Doc.ents` itself."""
    if not len(doc):
        return []
    array = doc.to_array([ENT_IOB, ENT_TYPE, ENT_ID, HEAD]).astype("int64")
    iob, types, ids, heads = array.T
    begins = (iob == 3) & (types != 0)
    inside = iob == 1
    run_starts = numpy.flatnonzero(inside & ~numpy.concatenate(([False], inside[:-1])))
    if heads.any() or doc.user_span_hooks or (
            len(run_starts) and not begins[numpy.maximum(run_starts - 1, 0)][run_starts > 0].all()) \
            or (len(run_starts) and run_starts[0] == 0):
        return [(e.start, e.end, e.label_, e.ent_id_) for e in doc.ents]
    starts = numpy.flatnonzero(begins)
    if not len(starts):
        return []
    # an entity ends at the first token after its B that is not an I token (or at the doc's end)
    stops = numpy.append(numpy.flatnonzero(~inside), len(doc))
    ends = stops[numpy.searchsorted(stops, starts, side="right")]
    strings = doc.vocab.strings
    names: dict[int, str] = {}
    result = []
    for start, end, label, ent_id in zip(starts.tolist(), ends.tolist(), types[starts].tolist(), ids[starts].tolist(),
                                         strict=True):
        label_ = names.get(label)
        if label_ is None:
            label_ = names[label] = strings[label]
        ent_id_ = names.get(ent_id)
        if ent_id_ is None:
            ent_id_ = names[ent_id] = strings[ent_id] if ent_id else ""
        result.append((start, end, label_, ent_id_))
    return result


@lru_cache(maxsize=16)
def string_ids(words: frozenset[str]) -> numpy.ndarray:
    """The hashes spaCy stores for these strings (the same in every vocab)."""
    from spacy.strings import get_string_id

    return numpy.array(sorted(get_string_id(word) for word in words), dtype="uint64")


def isin(values: numpy.ndarray, ids: numpy.ndarray) -> numpy.ndarray:
    """`numpy.isin(values, ids)` for `ids` sorted ascending (as `string_ids` gives them): one binary search per
    value. numpy.isin sorts both arrays first, several times the cost on a doc's few hundred tokens."""
    if not len(ids):
        return numpy.zeros(values.shape, dtype=bool)
    found = numpy.minimum(numpy.searchsorted(ids, values), len(ids) - 1)
    return cast(numpy.ndarray, ids[found] == values)


def in_words(doc: Doc, words: frozenset[str]) -> numpy.ndarray:
    """Per token, whether its text is one of these words (`[t.text in words for t in doc]`), on the ORTH array."""
    if not len(doc):
        return numpy.zeros(0, dtype=bool)
    return isin(facts(doc).orth, string_ids(words))


# What DocFacts reads of each distinct word, per vocab (lexical attributes depend on the language's vocab):
# orth -> (text, lower-case form, holds a digit, the _FLAGS). A word's row is made once, from its Lexeme; a
# doc's columns are then one dict look-up per token instead of a string-store decode per token and column (words,
# lower, three flags, text and digits of a 538-token news article: about 580 -> 270 µs, bench/RESULTS.md session 24).
_WORD_ROWS_MAX = 50_000  # distinct words kept per vocab, emptied when full: 12 MB then (tracemalloc, 7-letter words)
_WORD_ROWS: dict[int, tuple[Any, dict[int, tuple[Any, ...]]]] = {}  # id(vocab) -> (vocab, rows); holds the vocab
_FLAG_NAMES = ("is_alpha", "is_digit", "is_lower", "is_punct", "is_space", "is_stop", "is_upper", "like_num")


def _word_rows(vocab: Any) -> dict[int, tuple[Any, ...]]:
    entry = _WORD_ROWS.get(id(vocab))
    if entry is None or entry[0] is not vocab:
        if len(_WORD_ROWS) >= 8:  # test suites make many vocabs; the worker has one per language
            _WORD_ROWS.clear()
        entry = _WORD_ROWS[id(vocab)] = (vocab, {})
    rows = entry[1]
    if len(rows) >= _WORD_ROWS_MAX:
        rows.clear()
    return rows


def _word_row(vocab: Any, orth: int) -> tuple[Any, ...]:
    lexeme = vocab[orth]
    text = lexeme.orth_
    lower = lexeme.lower_
    return (text, text if lower == text else lower, _DIGITS.search(text) is not None,
            *(bool(getattr(lexeme, name)) for name in _FLAG_NAMES))


class DocFacts:
    """A doc's words, text and digit positions, each computed on first use from the token arrays."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc

    @cached_property
    def _orth_space(self) -> numpy.ndarray:
        return self.doc.to_array([ORTH, SPACY]) if len(self.doc) else numpy.zeros((0, 2), dtype="uint64")

    @property
    def orth(self) -> numpy.ndarray:
        """`doc.to_array(ORTH)`."""
        return cast(numpy.ndarray, self._orth_space[:, 0])

    @cached_property
    def lower_ids(self) -> numpy.ndarray:
        """`doc.to_array(LOWER)`."""
        return self.doc.to_array(LOWER) if len(self.doc) else numpy.zeros(0, dtype="uint64")

    @cached_property
    def _rows(self) -> list[tuple[Any, ...]]:
        """Per token, its word's row (see _WORD_ROWS): text, lower, holds a digit, then the flags of _FLAGS."""
        vocab = self.doc.vocab
        rows = _word_rows(vocab)
        get = rows.get

        def made(orth: int) -> tuple[Any, ...]:
            row = rows[orth] = _word_row(vocab, orth)
            return row

        return [get(orth) or made(orth) for orth in self._orth_space[:, 0].tolist()]  # a row is never empty

    @cached_property
    def _columns(self) -> list[list[Any]]:
        """Every column of the rows at once (words, lower-case forms, digits, the flags), made while the rows are
        fresh in the CPU's caches: the rules read most columns of every doc, and a column made later, one at a
        time, walked the rows again from memory (20 sports documents, the docs' ten columns in a tight loop: 3.15
        -> 2.55 ms; the words alone cost more, 1.30 -> 2.28 ms, but no doc the rules tag reads only those)."""
        rows = self._rows
        if not rows:
            return [[] for _ in range(3 + len(_FLAGS))]
        return [list(column) for column in zip(*rows, strict=True)]

    def _column(self, k: int) -> list[Any]:
        return self._columns[k]

    @cached_property
    def words(self) -> list[str]:
        """`[t.text for t in doc]`."""
        return self._column(0)

    @cached_property
    def spaces(self) -> list[bool]:
        """`[bool(t.whitespace_) for t in doc]`."""
        return cast(list[bool], self._orth_space[:, 1].astype(bool).tolist())

    @cached_property
    def text(self) -> str:
        """`doc.text`."""
        return "".join([word + " " if space else word for word, space in zip(self.words, self.spaces, strict=True)])

    @cached_property
    def digits(self) -> numpy.ndarray:
        """Per token, whether its text holds a digit (`re.search(r"\\d", t.text)`)."""
        return numpy.array(self._column(2), dtype=bool)

    @cached_property
    def lower(self) -> list[str]:
        """`[t.lower_ for t in doc]`."""
        return self._column(1)

    @cached_property
    def word_set(self) -> frozenset[str]:
        """The doc's distinct words as written: a rule that needs one of a few words can see at once that the doc
        has none (`has_word`) instead of reading every entity."""
        return frozenset(self.words)

    @cached_property
    def lower_set(self) -> frozenset[str]:
        """The doc's distinct lower-case forms (`has_lower`)."""
        return frozenset(self.lower)

    # The lexical flags, each a list made on first use and then an attribute of the instance (`cached_property`): the
    # rules read them some 200 times a doc, and a property with a memo had cost a Python call at each read.
    @cached_property
    def is_alpha(self) -> list[bool]:
        """`[t.is_alpha for t in doc]`; likewise is_digit, is_lower, is_punct, is_space, is_stop, is_upper,
        like_num (lexical flags, one row per word for all of them)."""
        return self._column(3 + _FLAGS.index(IS_ALPHA))

    @cached_property
    def is_digit(self) -> list[bool]:
        return self._column(3 + _FLAGS.index(IS_DIGIT))

    @cached_property
    def is_lower(self) -> list[bool]:
        return self._column(3 + _FLAGS.index(IS_LOWER))

    @cached_property
    def is_punct(self) -> list[bool]:
        return self._column(3 + _FLAGS.index(IS_PUNCT))

    @cached_property
    def is_space(self) -> list[bool]:
        return self._column(3 + _FLAGS.index(IS_SPACE))

    @cached_property
    def is_stop(self) -> list[bool]:
        return self._column(3 + _FLAGS.index(IS_STOP))

    @cached_property
    def is_upper(self) -> list[bool]:
        return self._column(3 + _FLAGS.index(IS_UPPER))

    @cached_property
    def like_num(self) -> list[bool]:
        return self._column(3 + _FLAGS.index(LIKE_NUM))

    @cached_property
    def idx(self) -> list[int]:
        """`[t.idx for t in doc]`: each token's character offset."""
        return self.doc.to_array(IDX).tolist() if len(self.doc) else []

    def span_text(self, start: int, end: int) -> str:
        """`doc[start:end].text`, sliced from the doc's text (Span.text makes a Token per word)."""
        if end - start == 1:
            return self.words[start]  # a token's text is its slice of the doc's text (most entities: one word)
        if start >= end:
            return ""
        return self.text[self.idx[start]:self.idx[end - 1] + len(self.words[end - 1])]



class LastDoc(Generic[T]):
    """`make(doc)` for the doc last asked about, kept for the components that tag it one after the other (the
    entity rules, then the gazetteer matcher). A token-changing component makes a new Doc, so an old doc's value
    is never reused; tagging runs one doc at a time per process."""

    def __init__(self, make: Callable[[Doc], T]) -> None:
        self.make = make
        self._last: tuple[Doc, T] | None = None

    def __call__(self, doc: Doc) -> T:
        last = self._last
        if last is not None and last[0] is doc:
            return last[1]
        value = self.make(doc)
        self._last = (doc, value)
        return value


class PerStarts(Generic[T]):
    """`make(doc, starts)` for the doc last asked about, kept per sentence-starts list (held, so that its id is not
    reused): the rules ask two to four times per doc, always with the doc's one sentence-start evidence. A kept value
    is shared: read it, never change it."""

    def __init__(self, make: Callable[[Doc, Sequence[bool]], T]) -> None:
        self.make = make
        self._answers: LastDoc[dict[int, tuple[Sequence[bool], T]]] = LastDoc(lambda doc: {})

    def __call__(self, doc: Doc, starts: Sequence[bool]) -> T:
        answers = self._answers(doc)
        known = answers.get(id(starts))
        if known is not None and known[0] is starts:
            return known[1]
        value = self.make(doc, starts)
        answers[id(starts)] = (starts, value)
        return value


facts = LastDoc(DocFacts)  # a doc's words, text and digits, shared by the rules that read them


# Punctuation a rule step needs in a doc before it reads the entities (its `has_word` trigger).
OPEN_BRACKET = frozenset({"("})
CLOSE_BRACKET = frozenset({")"})
COLON = frozenset({":"})


def has_word(doc: Doc, words: frozenset[str]) -> bool:
    """Whether one of these words stands in the doc as written (`any(t.text in words for t in doc)`), on the doc's
    set of words: a rule step without its trigger words in the doc returns its entities as they are."""
    return not words.isdisjoint(facts(doc).word_set)


def has_lower(doc: Doc, words: frozenset[str]) -> bool:
    """Whether one of these lower-case forms stands in the doc (`any(t.lower_ in words for t in doc)`)."""
    return not words.isdisjoint(facts(doc).lower_set)


_DECIDED_TYPES = {"PERSON": "PER"}


def layout_wins(ents: list[Span], found: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """The spans a layout rule found (a results row, a term sheet's field, a line-up's player) replace every entity
    they overlap, and their types go into `decided` (entity_rules.CONTEXT_TYPES_KEY), so that the name lists and the
    gazetteer do not undo them; sorted by start."""
    taken = {i for span in found for i in range(span.start, span.end)}
    kept = [e for e in ents if taken.isdisjoint(range(e.start, e.end))]
    for span in found:
        # our type: an English layout's person carries the English model's label ("PERSON")
        decided[(span.start, span.end)] = _DECIDED_TYPES.get(span.label_, span.label_)
    return sorted(kept + found, key=SPAN_START)


def longest_first(bounded: list[tuple[int, int, T]]) -> list[T]:
    """`spacy.util.filter_spans` on (start, end, item) triples: the longest first, the earliest among equals, then in
    the order given; none overlapping one kept; the items kept, by start."""
    ordered = sorted(bounded, key=lambda item: (item[1] - item[0], -item[0]), reverse=True)  # stable, as spaCy's
    kept: list[tuple[int, T]] = []
    seen: set[int] = set()
    for start, end, item in ordered:
        if start not in seen and end - 1 not in seen:
            kept.append((start, item))
            seen.update(range(start, end))
    kept.sort(key=lambda pair: pair[0])
    return [item for _, item in kept]


def filter_spans(spans: Iterable[Span]) -> list[Span]:
    """`spacy.util.filter_spans` with each span's bounds read once (it reads them at every comparison)."""
    spans = list(spans)
    last_end = 0  # (no span ends before 0)
    for span in spans:  # in order and apart already (most calls): all kept as they are
        start, end = span.start, span.end
        if start >= end or start < last_end:
            break
        last_end = end
    else:
        return spans
    return longest_first([(span.start, span.end, span) for span in spans])
