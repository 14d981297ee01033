from __future__ import annotations

from worker.search import SearchQuery, build_query


def test_text_query_searches_titles_body_and_boosts_entities() -> None:
    query = build_query(SearchQuery(text="Taliban"))["bool"]
    assert query["must"][0]["multi_match"]["query"] == "Taliban"
    assert "title^3" in query["must"][0]["multi_match"]["fields"]
    assert query["should"][0]["nested"]["path"] == "entities"
    assert query["filter"] == []


def test_filters_for_language_topic_entity_and_dates() -> None:
    query = build_query(
        SearchQuery(language="nl", topic="16000000", entity="Afghanistan", since="2021-04", until="2021")
    )["bool"]
    assert query["must"] == [{"match_all": {}}]
    filters = query["filter"]
    assert {"term": {"language": "nl"}} in filters
    nested_paths = sorted(f["nested"]["path"] for f in filters if "nested" in f)
    assert nested_paths == ["entities", "topics"]
    date_range = next(f["range"]["published_at"] for f in filters if "range" in f)
    assert date_range == {"gte": "2021-04-01T00:00:00+00:00", "lt": "2022-01-01T00:00:00+00:00"}


def test_until_a_month_includes_the_whole_month() -> None:
    filters = build_query(SearchQuery(until="2021-12"))["bool"]["filter"]
    assert filters == [{"range": {"published_at": {"lt": "2022-01-01T00:00:00+00:00"}}}]
