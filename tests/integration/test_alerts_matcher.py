"""The in-worker matcher of saved searches agrees with Elasticsearch: the same queries over the same indexed
articles select the same ids."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from tests.integration.cleanup import delete_sources
from worker.alerts.matcher import View, search_matcher
from worker.article import Article, Entity, Topic
from worker.config import Settings
from worker.index.store import index_articles
from worker.search import SearchQuery, Values, build_query, resolve_entity

pytestmark = pytest.mark.integration
SOURCE = "alerts-agree"

NATO = Entity(text="NAVO", type="ORG", forms=["NAVO"], wikidata="Q7184")
NATO_EN = Entity(text="NATO", type="ORG", forms=["NATO"], wikidata="Q7184")
RUTTE = Entity(text="Mark Rutte", type="PER", forms=["Rutte"])
KYIV = Entity(text="Kyiv", type="LOC", forms=["Kyiv", "Kiev"])
POLITICS = Topic(code="11000000", label="politiek en overheid", score=0.9)
WEATHER = Topic(code="17000000", label="weer", score=0.8)

ROWS = [
    ("nl", "BBC News", "Zorgbank Noord opent", "De Zorgbank Noord opent een nieuw kantoor in Groningen.", [], [], 2),
    ("nl", SOURCE, "Steun voor Oekraïne", "De steun voor Oekraïne groeit in Europa; covid-19 speelt mee.",
     [NATO], [POLITICS], 3),
    ("en", "BBC News", "NATO summit", "The NATO summit met in Brussels about Ukraine. U.S.A. and U.K. agreed.",
     [NATO_EN], [POLITICS], 4),
    ("nl", "nos.nl", "Rutte en de NAVO", "Premier Rutte sprak over de NAVO en de zware storm van 3,5 meter.",
     [RUTTE, NATO], [POLITICS], 5),
    ("nl", SOURCE, "Storm raast over Noord-Holland", "Een zware storm met windkracht 10 raasde over het land; "
     "de KNMI gaf code rood. Noord Zorgbank sloot.", [], [WEATHER], 7),
    ("en", "Reuters", "Kyiv under fire", "Missiles hit Kyiv overnight, officials said. Don't panic, they said.",
     [KYIV], [], 12),
    ("en", "reuters", "Storms and flooding", "Heavy storms flooded the valley; storm-chasers arrived.", [], [WEATHER],
     28),
    ("nl", SOURCE, "Weekoverzicht", "Een rustige week zonder groot nieuws; oekraïense graanexport hervat.", [], [],
     31),
    ("nl", SOURCE, "Geen datum", "Zorgbank Noord en de storm, zonder datum.", [], [], 0),
]

QUERIES = [
    "storm", "Storm AND Noord", "storm OR Kyiv", "storm -Noord", "NOT storm", '"Zorgbank Noord"',
    '"Noord Zorgbank"', '"Noord Zorgbank"~2', '"zware storm"~1', "oekra*", "storm*", "covid-19", "covid",
    "oekraine", "title:storm", "body:storm", 'body:"zware storm"', "title:(storm OR summit)", "source:nos.nl",
    "source:reuters", "source:bbc*", "lang:en", "topic:11000000", "topic:politics", "topic:weer", "topic:we*",
    "entity:NAVO", "entity:NATO", "entity:Q7184", 'entity:"Mark Rutte"', "entity:kiev", "type:PER", "type:loc",
    "published:2022-03", "published:[2022-03-03 TO 2022-03-07]", "published:>=2022-03-12",
    "published:{2022-03-04 TO 2022-03-28}", "published:<2022-03-05", "u.s.a", "3,5", "don't", "nos.nl",
    "(NAVO OR NATO) AND Oekraïne", "Rutte NAVO -storm", "KNMI", "knmi rood", "graanexport", "x", "",
    '"Rutte NAVO"', '"Rutte NAVO"~2', '"Rutte NAVO"~3',  # not across keyword values; within the body at ~3
]
FILTERS = [
    {"languages": Values(("en",))},
    {"languages": Values((), ("en",))},
    {"topics": Values(("politics",))},
    {"entities": Values(("NATO",))},
    {"sources": Values(("reuters", "nos.nl"))},
]


def article(row: tuple) -> Article:  # type: ignore[type-arg]
    language, source, title, body, entities, topics, day = row
    digest = hashlib.sha256(f"{title}|{body}".encode()).hexdigest()
    return Article(id=digest, source=source, title=title, body=body, content_hash=digest, language=language,
                   published_at=f"2022-03-{day:02d}" if day else None, published_precision="day" if day else None,
                   entities=entities, topics=topics, keywords=[e.text for e in entities])  # fmt: skip


@pytest.fixture(scope="module")
def corpus(es: Elasticsearch, settings: Settings) -> Iterator[list[Article]]:
    articles = [article(row) for row in ROWS]
    index_articles(es, settings, articles)
    es.indices.refresh(index=settings.read_alias)
    yield articles
    delete_sources(es, settings, sorted({a.source for a in articles}))


def es_ids(es: Elasticsearch, settings: Settings, q: SearchQuery, ids: list[str]) -> set[str]:
    query = {"bool": {"must": [build_query(q)], "filter": [{"ids": {"values": ids}}]}}
    hits = es.search(index=settings.read_alias, query=query, size=100, source=False)["hits"]["hits"]
    return {h["_id"] for h in hits}


def matcher_ids(q: SearchQuery, articles: list[Article]) -> set[str]:
    predicate = search_matcher(q.text, languages=q.languages, topics=q.topics, entities=q.entities,
                               sources=q.sources, resolve=resolve_entity)  # fmt: skip
    return {a.id for a in articles if predicate(View.of(a))}


@pytest.mark.parametrize("text", QUERIES)
def test_matcher_selects_what_elasticsearch_finds(text: str, es: Elasticsearch, settings: Settings,
                                                 corpus: list[Article]) -> None:  # fmt: skip
    q = SearchQuery(text=text)
    ids = [a.id for a in corpus]
    assert matcher_ids(q, corpus) == es_ids(es, settings, q, ids), text


@pytest.mark.parametrize("filters", FILTERS, ids=[next(iter(f)) + str(i) for i, f in enumerate(FILTERS)])
def test_matcher_applies_the_filters_like_search(filters: dict, es: Elasticsearch, settings: Settings,  # type: ignore[type-arg]
                                                 corpus: list[Article]) -> None:  # fmt: skip
    for text in ("", "storm OR NAVO OR Kyiv"):
        q = SearchQuery(text=text, **filters)
        assert matcher_ids(q, corpus) == es_ids(es, settings, q, [a.id for a in corpus]), (text, filters)


def test_the_corpus_is_not_trivial(corpus: list[Article]) -> None:
    """Guard against a vacuous agreement: the queries split the corpus in many different ways."""
    selections = {frozenset(matcher_ids(SearchQuery(text=t), corpus)) for t in QUERIES}
    assert len(selections) >= 20


def test_the_anchor_index_never_changes_a_match(corpus: list[Article]) -> None:
    """Evaluating only the searches whose anchors an article contains finds exactly the brute-force matches."""
    from worker.alerts.matcher import MatcherIndex
    from worker.alerts.matching import CompiledAlerts, match_articles
    from worker.alerts.store import Alert

    alerts = [Alert(name=f"q{i}", query=text, webhook="http://127.0.0.1/") for i, text in enumerate(QUERIES)]
    alerts += [Alert(name=f"f{i}", query="storm OR NAVO OR Kyiv", webhook="http://127.0.0.1/",
                     lang=list(f.get("languages", Values()).include), topic=list(f.get("topics", Values()).include),
                     entity=list(f.get("entities", Values()).include)) for i, f in enumerate(FILTERS)]  # fmt: skip
    indexed = CompiledAlerts.of(alerts)
    brute = CompiledAlerts(0, indexed.alerts, MatcherIndex([None] * len(indexed.alerts)))
    pairs = {(d["alert"], d["payload"]["article"]["id"]) for d in match_articles(indexed, corpus)}
    assert pairs == {(d["alert"], d["payload"]["article"]["id"]) for d in match_articles(brute, corpus)}
    assert len(indexed.index.always) < len(alerts) / 3  # most searches are anchored
