"""The query language (parse, AST, bool DSL), folding, filters, cursors, highlights: no services needed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker.query import QuerySyntaxError, compile_query, fold_key, fold_text, parse
from worker.query.fold import _fold_char
from worker.query.parser import And, MatchAll, Not, Or, Phrase, Range, Term
from worker.search import (
    MAX_WINDOW,
    POST,
    PRE,
    SearchError,
    SearchQuery,
    Values,
    build_query,
    decode_cursor,
    encode_cursor,
    restore_highlight,
    sort_spec,
)


def test_fold_removes_diacritics_and_keeps_offsets() -> None:
    assert fold_text("Oekraïne en Curaçao") == "Oekraine en Curacao"
    assert len(fold_text("Ærø straße ﬁn")) == len("Ærø straße ﬁn")
    assert fold_key("  Oekraïne   NAVO ") == "oekraine navo"


def test_fold_text_equals_folding_each_character_on_its_own() -> None:
    """fold_text replaces each distinct character in one pass; the result must be the per-character fold."""
    chars = "".join(chr(c) for c in range(0x80, 0x2000) if chr(c).isprintable()) + "ﬁﬂ№™ＡＢ①"
    text = " ".join([chars, "Oekraïne", "Nguyễn Thị Ánh", chars[::-1], "a\u0308o\u0301"])
    reference = "".join(_fold_char(c) for c in text)
    assert fold_text(text) == reference and len(reference) == len(text)


def test_operators_precedence_and_implicit_and() -> None:
    assert parse("Taliban AND NAVO") == And((Term("Taliban", pos=0), Term("NAVO", pos=12)))
    assert parse("a b OR c") == Or((And((Term("a", pos=0), Term("b", pos=2))), Term("c", pos=7)))
    assert parse("NAVO NOT Rutte") == And((Term("NAVO", pos=0), Not(Term("Rutte", pos=9))))
    assert parse("NAVO -Rutte") == And((Term("NAVO", pos=0), Not(Term("Rutte", pos=6))))
    assert parse("covid-19") == Term("covid-19", pos=0)  # a hyphen inside a word is not NOT
    assert parse("(a OR b) c") == And((Or((Term("a", pos=1), Term("b", pos=6))), Term("c", pos=9)))
    assert parse("") == MatchAll()
    assert parse("   ") == MatchAll()


def test_phrases_proximity_prefix_and_fields() -> None:
    assert parse('"Zorgbank Noord"~5') == Phrase("Zorgbank Noord", None, 5, 0)
    assert parse("oekra*") == Term("oekra", None, True, 0)
    assert parse("title:storm") == Term("storm", "title", False, 6)
    assert parse("language:NL") == Term("NL", "lang", False, 9)
    assert parse('entity:"Mark Rutte"') == Phrase("Mark Rutte", "entity", 0, 7)
    assert parse("url:https://nos.nl/a:b") == Term("https://nos.nl/a:b", "url", False, 4)
    assert parse("title:(storm OR wind)") == Or((Term("storm", "title", pos=7), Term("wind", "title", pos=16)))
    assert parse("published:[2021-01 TO 2021-06]") == Range("published", "2021-01", "2021-06", True, True, 10)
    assert parse("published:>=2021") == Range("published", "2021", None, True, True, 10)
    assert parse("published:{* TO 2021}") == Range("published", None, "2021", False, False, 10)


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("(unbalanced", 11, "expected ')'"),
        ('"unterminated', 13, "unterminated phrase"),
        ("title:", 6, "expected a value after 'title:'"),
        ("title: storm", 6, "expected a value"),
        ("storm)", 5, "unexpected ')'"),
        ("a AND", 5, "expected a word"),
        ("OR a", 0, "unexpected 'OR'"),
        ("*stan", 0, "leading wildcards"),
        ("Afgh*stan", 4, "only at the end"),
        ("a*", 0, "at least 2 characters"),
        ("foo:bar", 0, "unknown field 'foo'"),
        ('"a b"~', 6, "expected a number"),
        ('"a b"~999', 6, "proximity"),
        ("published:2021-13", 10, "invalid date"),
        ("published:9999", 10, "out of range"),
        ("published:[2020 TO 9999-12-31]", 10, "out of range"),
        ("published:[2021 TO]", 10, "a range is"),
        ("title:[a TO b]", 6, "takes no range"),
        ("type:THING", 5, "type: is one of"),
        ("()", 1, "empty parentheses"),
        ('""', 0, "empty phrase"),
    ],
)
def test_invalid_syntax_is_a_typed_error_with_position(query: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        compile_query(parse(query))
    assert caught.value.position == position, str(caught.value)
    assert message in caught.value.message
    assert str(caught.value).endswith(f"at {position}")


def test_deep_nesting_and_huge_queries_are_refused() -> None:
    with pytest.raises(QuerySyntaxError):
        parse("(" * 100 + "a" + ")" * 100)
    with pytest.raises(QuerySyntaxError):
        parse("a " * 3000)


def test_compiled_query_uses_only_safe_query_types() -> None:
    dsl = json.dumps(
        compile_query(
            parse(
                'Taliban AND (NAVO OR "Noord Atlantisch"~3) -Rutte oekra* title:Oekraïne source:BBC* lang:NL '
                "topic:politiek entity:NATO type:ORG author:Jansen url:https://x.nl/* published:[2021 TO *]"
            ),
            lambda name: "Q7184" if name == "NATO" else None,
        )
    )
    for forbidden in ('"regexp"', '"wildcard"', '"script"', '"query_string"', '"fuzzy"'):
        assert forbidden not in dsl
    assert '"oekraine"' not in dsl.lower() or "Oekraine" in dsl  # title value folded
    assert '"folded.source": "bbc"' in dsl
    assert '"language": "nl"' in dsl
    assert '"folded.entity_keys": "q7184"' in dsl  # NATO resolved through the gazetteer to its Wikidata id


def test_phrase_keeps_word_order_and_word_matches_folded() -> None:
    phrase = compile_query(parse('"Zorgbank Noord"'))["multi_match"]
    assert phrase["type"] == "phrase" and phrase["slop"] == 0 and phrase["query"] == "Zorgbank Noord"
    word = compile_query(parse("Oekraïne"))["multi_match"]
    assert word["query"] == "Oekraine" and "folded.body" in word["fields"]
    prefix = compile_query(parse("oekra*"))["multi_match"]
    assert prefix["type"] == "phrase_prefix" and prefix["max_expansions"] <= 100


def test_not_and_or_compile_to_bool() -> None:
    dsl = compile_query(parse("NAVO NOT Rutte"))["bool"]
    assert dsl["must"][0]["multi_match"]["query"] == "NAVO"
    assert dsl["must_not"][0]["multi_match"]["query"] == "Rutte"
    ors = compile_query(parse("a OR -b"))["bool"]
    assert ors["minimum_should_match"] == 1 and "must_not" in ors["should"][1]["bool"]


def test_date_bounds_cover_whole_periods() -> None:
    rng = compile_query(parse("published:[2021-01 TO 2021-06]"))["range"]["published_at"]
    assert rng == {"gte": "2021-01-01T00:00:00+00:00", "lt": "2021-07-01T00:00:00+00:00"}
    filters = build_query(SearchQuery(since="2021-04", until="2021"))["bool"]["filter"]
    assert filters == [
        {"range": {"published_at": {"gte": "2021-04-01T00:00:00+00:00", "lt": "2022-01-01T00:00:00+00:00"}}}
    ]


def test_filter_values_are_multi_valued_excludable_and_case_insensitive() -> None:
    assert Values.parse(["nl,EN", "-de"]) == Values(("nl", "EN"), ("de",))
    assert Values.parse("-reuters") == Values((), ("reuters",))
    assert not Values.parse(" , ")
    query = build_query(SearchQuery(languages=Values.parse("NL,en"), sources=Values.parse("-Reuters")))["bool"]
    assert query["filter"][0]["bool"]["should"] == [{"term": {"language": "nl"}}, {"term": {"language": "en"}}]
    assert query["must_not"] == [{"term": {"folded.source": "reuters"}}]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        (SearchQuery(size=101), "size"),
        (SearchQuery(size=-1), "size"),
        (SearchQuery(offset=-5), "offset"),
        (SearchQuery(offset=9995, size=10), "offset"),
        (SearchQuery(sort="popularity"), "sort"),
        (SearchQuery(cursor="*", offset=10), "cursor"),
    ],
)
def test_bad_parameters_raise_search_error(query: SearchQuery, param: str) -> None:
    with pytest.raises(SearchError) as caught:
        query.validate()
    assert caught.value.param == param
    assert MAX_WINDOW == 10_000


def test_bad_dates_name_their_parameter() -> None:
    with pytest.raises(SearchError) as caught:
        build_query(SearchQuery(since="2022-13"))
    assert caught.value.param == "since"
    with pytest.raises(SearchError) as caught:
        build_query(SearchQuery(until="yesterday-ish"))
    assert caught.value.param == "until"
    with pytest.raises(SearchError) as caught:
        build_query(SearchQuery(until="9999"))
    assert caught.value.param == "until"


def test_sort_is_total_with_id_tiebreaker() -> None:
    assert sort_spec("relevance", True)[-1] == {"id": {"order": "asc"}}
    assert sort_spec("date", True)[0] == {"published_at": {"order": "desc", "missing": "_last"}}
    assert sort_spec("relevance", False)[0] == {"published_at": {"order": "desc", "missing": "_last"}}


def test_cursor_round_trip_and_refusals() -> None:
    q = SearchQuery(text="storm")
    token = encode_cursor("pit-id==", [1.5, 1617235200000, "abc"], q.signature())
    assert decode_cursor(token, q.signature()) == ("pit-id==", [1.5, 1617235200000, "abc"])
    with pytest.raises(SearchError, match="another query"):
        decode_cursor(token, SearchQuery(text="wind").signature())
    for garbage in ("!!!", "e30", "bm90IGpzb24", ""):
        with pytest.raises(SearchError):
            decode_cursor(garbage, q.signature())


def test_highlight_from_the_folded_copy_lands_on_the_original_text() -> None:
    original = "Steun voor Oekraïne groeit"
    fragment = f"Steun voor {PRE}Oekraine{POST} groeit"
    assert restore_highlight(fragment, original) == "Steun voor «Oekraïne» groeit"
    body = "In Curaçao en Oekraïne. " * 3
    assert restore_highlight(f"en {PRE}Oekraine{POST}.", body) == "en «Oekraïne»."


@pytest.fixture
def fresh_gazetteer() -> Iterator[None]:
    """Gazetteer caches cleared before and after: a test may point the gazetteer at another file."""
    from worker.tagging import gazetteer

    def clear() -> None:
        for cached in (gazetteer.load_entries, gazetteer.name_index, gazetteer.gazetteer_version):
            cached.cache_clear()

    clear()
    yield
    clear()


def test_compiled_query_is_reused_for_the_same_text_and_filters() -> None:
    from worker.search import compiled_query, search_request

    q = SearchQuery(text='(NAVO OR NATO) AND "Mark Rutte"', languages=Values.parse("nl"), since="2025-01")
    first = compiled_query(q)
    assert first == build_query(q)
    # The page, sort and facets are not part of the query: the same compiled query serves every page.
    assert compiled_query(SearchQuery(text=q.text, languages=q.languages, since="2025-01", size=5, offset=20,
                                      sort="date", facets=True)) is first  # fmt: skip
    other = compiled_query(SearchQuery(text=q.text, languages=Values.parse("en"), since="2025-01"))
    assert other is not first and other != first and other == build_query(
        SearchQuery(text=q.text, languages=Values.parse("en"), since="2025-01")
    )
    # search() aims the request it gets at an index or a point in time: that never reaches the cached query.
    request = search_request(q)
    request.update(index="somewhere", from_=10, search_after=["x"])
    fresh = search_request(q)
    assert not {"index", "from_", "search_after"} & set(fresh)
    assert fresh["query"] is first and first == build_query(q)


def test_compiled_query_follows_a_changed_gazetteer(
    fresh_gazetteer: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from worker.search import compiled_query
    from worker.tagging import gazetteer

    q = SearchQuery(entities=Values.parse("Nieuwe Kustpartij"))
    before = json.dumps(compiled_query(q))
    assert "q999999" not in before
    linked = {"type": "ORG", "names": {"nl": ["Nieuwe Kustpartij"]}, "wikidata": "Q999999"}
    path = tmp_path / "gazetteer.jsonl"
    path.write_text(json.dumps(linked) + "\n", encoding="utf-8")
    monkeypatch.setattr(gazetteer, "GAZETTEER_FILE", path)
    for cached in (gazetteer.load_entries, gazetteer.name_index, gazetteer.gazetteer_version):
        cached.cache_clear()  # what reloading the gazetteer does
    after = compiled_query(q)
    assert {"term": {"folded.entity_keys": "q999999"}} in after["bool"]["filter"][0]["bool"]["should"][0]["bool"][
        "should"
    ]
    assert after == build_query(q)
