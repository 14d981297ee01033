from __future__ import annotations

import pytest

from worker import pipeline
from worker.article import Article, RawItem
from worker.config import get_settings


def test_a_bad_item_is_recorded_and_the_rest_of_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.normalise

    def flaky(item: RawItem) -> Article:
        if item.source == "boom":
            raise RuntimeError("unexpected")
        return real(item)

    monkeypatch.setattr(pipeline, "normalise", flaky)
    items = [
        RawItem(kind="document", source="ok", text="Een gewone zin over de gemeenteraad."),
        RawItem(kind="document", source="boom", text="Tekst."),
        RawItem(kind="document", source="empty", text=" "),
    ]
    out = pipeline.normalise_items(items, get_settings())
    assert [a.source for a in out.articles] == ["ok"]
    reasons = {f.source: f.reason for f in out.failures}
    assert reasons["boom"] == "RuntimeError: unexpected"
    assert "empty document" in reasons["empty"]
    assert all(f.payload and "raw" in f.payload for f in out.failures)


def test_tagging_failure_isolates_the_article_at_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    def tag(articles: list[Article]) -> list[Article]:
        if any(a.source == "bad" for a in articles):
            raise ValueError("model exploded")
        return [a.model_copy(update={"keywords": ["x"]}) for a in articles]

    monkeypatch.setattr(pipeline, "tag_articles", tag)
    good = Article(id="1", source="good", title="t", body="b", content_hash="h")
    bad = Article(id="2", source="bad", title="t", body="b", content_hash="h")
    out = pipeline.tag_isolating([good, bad])
    assert [a.id for a in out.articles] == ["1"]
    assert out.articles[0].keywords == ["x"]
    assert [(f.stage, f.item_id, f.reason) for f in out.failures] == [("tag", "2", "ValueError: model exploded")]


def test_a_time_limit_inside_an_elasticsearch_call_aborts_the_batch_not_an_outage() -> None:
    import elasticsearch
    from billiard.exceptions import SoftTimeLimitExceeded

    # What the Elasticsearch client raises when a signal interrupts its request: a ConnectionError.
    interrupted = SoftTimeLimitExceeded()
    wrapped = elasticsearch.ConnectionError("interrupted", errors=(interrupted,))
    assert pipeline.batch_abort_in(wrapped) is interrupted
    assert pipeline.batch_abort_in(elasticsearch.ConnectionError("refused")) is None

    class Boom:
        def __getattr__(self, name: str) -> object:
            raise wrapped

    with pytest.raises(SoftTimeLimitExceeded):
        pipeline.store_articles(Boom(), get_settings(), [Article(id="1", source="s", title="t", body="b",  # type: ignore[arg-type]
                                                                  content_hash="h")])


def test_tagging_off_indexes_articles_untagged(monkeypatch: pytest.MonkeyPatch) -> None:
    def tag(articles: list[Article]) -> list[Article]:
        raise AssertionError("tagging must not run")

    monkeypatch.setattr(pipeline, "tag_articles", tag)
    settings = get_settings().model_copy(update={"tagging": False})
    items = [RawItem(kind="document", source="ok", text="Het kabinet in Den Haag besprak de begroting.")]
    out = pipeline.process_items(items, settings)
    assert [a.source for a in out.articles] == ["ok"]
    assert out.articles[0].entities == [] and out.articles[0].topics == [] and not out.failures


def test_tagging_runs_in_chunks_and_a_failure_stays_in_its_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def tag(articles: list[Article]) -> list[Article]:
        calls.append(len(articles))
        if any(a.source == "bad" for a in articles):
            raise ValueError("model exploded")
        return list(articles)

    monkeypatch.setattr(pipeline, "tag_articles", tag)
    articles = [Article(id=str(i), source="bad" if i == 9 else "good", title="t", body="b", content_hash="h")
                for i in range(20)]  # fmt: skip
    out = pipeline.tag_isolating(articles, chunk=8)
    assert [a.id for a in out.articles] == [str(i) for i in range(20) if i != 9]
    assert [f.item_id for f in out.failures] == ["9"]
    assert calls[:2] == [8, 8] and calls[2:10] == [1] * 8 and calls[10:] == [4]
