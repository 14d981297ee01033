"""The tasks' side of "polls first": dispatch_due marks each host's dispatched polls pending, and a poll task
clears its own mark whatever its outcome, so the host's pages stop waiting for it."""

from __future__ import annotations

import uuid

import pytest

from worker.app import feed_registry, http_client
from worker.sources import tasks
from worker.sources.registry import FeedDeclaration
from worker.sources.urls import budget_key


def test_dispatch_marks_polls_pending_and_each_poll_clears_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    run = uuid.uuid4().hex[:8]
    urls = [f"https://a-{run}.example/feed/1", f"https://a-{run}.example/feed/2", f"https://b-{run}.example/rss"]
    registry = feed_registry()
    budget = http_client().budget
    hosts = [budget_key(urls[0]), budget_key(urls[2])]
    sent: list[str] = []
    monkeypatch.setattr(tasks.poll_feed, "delay", sent.append)
    try:
        for url in urls:
            registry.add(FeedDeclaration(url=url))
        assert tasks.dispatch_due() >= 3  # (other tests' feeds due in the same registry go too)
        assert set(urls) <= set(sent)
        assert [budget.pending_polls(host) for host in hosts] == [2, 1]
        registry.remove(urls[0])  # its poll then fails ("not registered"): it still stops holding pages back
        tasks.poll_feed(urls[0])
        assert [budget.pending_polls(host) for host in hosts] == [1, 1]
    finally:
        for url in urls:
            registry.remove(url)
        for host in hosts:
            budget.client.delete(f"{budget.prefix}:{host}:polls-pending")


def test_waiting_behind_polls_is_free_only_so_many_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """A host whose feeds are dispatched again and again keeps its pages behind polls; after MAX_POLLS_WAITS
    such deferrals they count towards MAX_DEFERRALS, which ends in the feed's own text being indexed."""
    from worker.article import RawItem
    from worker.sources.fetcher import FetchedPages

    item = RawItem(kind="feed", source="https://busy.example/rss", url="https://busy.example/a", text="Feed text.")
    sent: list[tuple[str, tuple[object, ...]]] = []

    class Sent:
        id = "t"

    def fake_enqueue(name: str, items: list[object], *args: object, countdown: float | None = None) -> Sent:
        sent.append((name, args))
        return Sent()

    behind = FetchedPages(deferred=[item], retry_after=1.0, only_behind_polls=True)
    monkeypatch.setattr(tasks, "fetch_pages", lambda items, **_: behind)
    monkeypatch.setattr(tasks, "enqueue", fake_enqueue)
    payload = [item.model_dump(mode="json")]
    deferrals, waits = 0, 0
    for _ in range(tasks.MAX_POLLS_WAITS + tasks.MAX_DEFERRALS + 1):
        tasks.fetch_pages_task(payload, deferrals, waits)
        name, args = sent[-1]
        if name == tasks.INGEST_ITEMS:
            break
        deferrals, waits = args  # type: ignore[misc]
    assert sent[-1][0] == tasks.INGEST_ITEMS  # given up on the page: the feed text goes on
    assert len(sent) == tasks.MAX_POLLS_WAITS + tasks.MAX_DEFERRALS + 1
    assert sent[tasks.MAX_POLLS_WAITS - 1][1] == (0, tasks.MAX_POLLS_WAITS)  # free waits first
