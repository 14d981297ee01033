"""Fetch many article pages at once, every host at its own budget: `fetch_pages(items, client=...)`.

Design, and why:

- **One scheduler, a pool of sending threads.** The calling thread plans; the threads of a small pool only
  send requests and read bodies. Waiting for a host's budget never occupies a thread: the scheduler
  reserves the host's next slot in Redis (`HostBudget.reserve_slot`, which answers at once with the wait),
  and puts the request on a timer heap for that moment. Meanwhile other hosts' requests go out. The
  scheduler sleeps on a queue of finished requests with a timeout equal to the next timer: no polling
  loop, no busy waiting. So one batch of items from N hosts runs at about N x rate, where a fetch per item
  in sequence (the old path) ran at one host's rate.
- **The budget stays global.** Rate slots, the gate right before sending (`HostBudget.gate`), in-flight
  places and 429/503 blocks are the same Redis scripts the single-URL client uses, so any number of
  workers, each running this scheduler, still never exceed a host's rate, burst, concurrency, robots.txt
  Crawl-delay or Retry-After. The in-flight place is taken before the rate slot (as in the client), so a
  reserved slot is never wasted waiting for a place.
- **Hand back instead of waiting.** When a host's next slot is further away than `max_wait` (the batch's
  horizon, host_max_wait by default), or it is blocked by Retry-After, its remaining items come back in
  `deferred` with `retry_after`, for the caller to re-enqueue with a countdown. A Celery worker slot is
  therefore never held by a host that has no budget for a while.
- **Threads, not asyncio.** The polite client, its guarded transport (address check at connect time)
  and the Redis budget are synchronous and already proven against hostile servers; a thread pool reuses
  them unchanged. A thread per request in flight is cheap at the rates a polite crawler runs (tens of
  requests per second), and bodies are read under the same caps, bomb checks and total timeout.
- **Polls first.** A poll finds the work, so a host's feeds are read before its pages: pages do not take
  an in-flight place while a poll of the host waits for one, and a batch holds back the pages of a host
  whose dispatched polls have not all been sent yet (for at most `POLLS_FIRST_FOR` after the dispatch):
  with at most `POLLS_WAIT_SLOTS` polls left it waits for them itself (looking again every quarter slot,
  for those polls' slots at most) and starts the pages right after the last one; with more left it hands
  them back to come back when about that many are left, without counting that as one of its deferrals.
  The host's budget is the same; the pages then run back to back, and every feed's items are known early.
- **Every failure keeps its cause.** A page that could not be fetched comes back with `fetch_error`
  set to the reason (SSRF refusal, size cap, decompression bomb, timeout, HTTP status, robots.txt,
  not HTML), for the pipeline to record; the item still carries its feed text.
- **robots.txt** is read once per origin per batch, in a pool thread (a first fetch of it waits for its
  own budget there, once a day per site; afterwards it comes from Redis).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from worker.article import RawItem
from worker.sources.errors import FetchError, NotAPageError, RetryLaterError, TransportError
from worker.sources.http import FetchResult, PoliteClient
from worker.sources.robots import RobotsCache, robots_allows
from worker.sources.urls import budget_key

log = logging.getLogger(__name__)
DEFAULT_THREADS = 32
# Re-check a host whose in-flight places are all taken (by other workers) after this long, doubling.
BUSY_RECHECK = 0.05
BUSY_RECHECK_MAX = 1.0
ROBOTS_RETRY = 30.0
# Pages of a host whose last few polls are about to go wait for them here, looking again every quarter slot,
# rather than being handed back: a hand-back comes back after a countdown (and behind the sources queue),
# which overshot the polls' end by seconds and left the host idle (bench.crawl: hosts starting their pages
# 2-3 s after the others, the late host's tail). More polls pending than this: handed back to come back when
# about this many are left.
POLLS_WAIT_SLOTS = 3
POLLS_RECHECK_MIN = 0.02
POLLS_RECHECK_MAX = 0.25
PAGE_TYPES = ("html", "xml")
# A feed or sitemap served where an article page was expected: its root element, after the prolog.
_FEED_ROOT = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:(?:<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)\s*)*"
    rb"<(rss|feed|rdf:RDF|urlset|sitemapindex)\b",
    re.DOTALL | re.IGNORECASE,
)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


@dataclass
class FetchedPages:
    """What `fetch_pages` did with a batch.

    `items`: every item that was handled, in input order: with `html` and `final_url` when its page was
    fetched, with `fetch_error` (the reason) when not; items without a URL come back unchanged.
    `deferred`: items whose host had no budget within the horizon (or asked to wait, 429/503); fetch them
    again after `retry_after` seconds.
    """

    items: list[RawItem] = field(default_factory=list)
    deferred: list[RawItem] = field(default_factory=list)
    retry_after: float = 0.0
    only_behind_polls: bool = False  # every deferred item only waits for its host's dispatched polls


@dataclass
class _Job:
    position: int
    item: RawItem
    url: str
    seen: list[str]
    started: float | None = None
    token: str | None = None


@dataclass
class _Host:
    """One budget domain's queue in this batch."""

    domain: str
    waiting: deque[_Job] = field(default_factory=deque)
    active: int = 0  # jobs holding an in-flight place (scheduled or sending)
    recheck: float = BUSY_RECHECK
    pump_scheduled: bool = False
    polls_wait_until: float | None = None  # waiting here for the host's last polls ends then


Event = Literal["send", "pump"]
Done = tuple[str, object, object]  # (kind, job or origin, outcome)


class _Scheduler:
    def __init__(
        self,
        client: PoliteClient,
        robots: RobotsCache | None,
        max_wait: float,
        threads: int,
        clock: Callable[[], float],
    ) -> None:
        self.client = client
        self.budget = client.budget
        self.settings = client.settings
        self.robots = robots
        self.clock = clock
        self.deadline = clock() + max_wait
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fetch")
        self.done: queue.SimpleQueue[Done] = queue.SimpleQueue()
        self.timers: list[tuple[float, int, Event, object]] = []
        self.counter = itertools.count()
        self.hosts: dict[str, _Host] = {}
        self.results: dict[int, RawItem] = {}
        self.deferred: dict[int, RawItem] = {}
        self.retry_after = 0.0
        self.budget_deferrals = False
        self.outstanding = 0  # pool tasks not yet reported back
        self.robots_rules: dict[str, str | None] = {}
        self.robots_waiting: dict[str, list[_Job]] = {}

    # ------------------------------------------------------------------------------------------ outcomes

    def finish(self, job: _Job, **update: object) -> None:
        self.results[job.position] = job.item.model_copy(update=update)

    def defer(self, job: _Job, retry_after: float, *, behind_polls: bool = False) -> None:
        self.deferred[job.position] = job.item
        self.retry_after = max(self.retry_after, retry_after)
        self.budget_deferrals = self.budget_deferrals or not behind_polls

    # ------------------------------------------------------------------------------------------ planning

    def start(self, job: _Job) -> None:
        """robots.txt first (once per origin), then the job's host queue."""
        if self.robots is None:
            self.enqueue(job)
            return
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(job.url))
        if origin in self.robots_rules:
            self.after_robots(job, self.robots_rules[origin])
            return
        waiting = self.robots_waiting.setdefault(origin, [])
        waiting.append(job)
        if len(waiting) == 1:
            self.submit("robots", origin, self._read_robots, job.url)

    def after_robots(self, job: _Job, rules: str | None) -> None:
        if rules is None or robots_allows(rules, job.url):
            self.enqueue(job)
        else:
            self.finish(job, fetch_error="page fetch failed: disallowed by robots.txt")

    def enqueue(self, job: _Job) -> None:
        domain = budget_key(job.url)
        host = self.hosts.setdefault(domain, _Host(domain))
        host.waiting.append(job)
        self.pump(host)

    def pump(self, host: _Host) -> None:
        """Start as many of the host's jobs as its in-flight places allow, each at its reserved slot."""
        s = self.settings
        if host.waiting and host.active < s.host_max_concurrency:
            pending = self.budget.pending_polls(host.domain)
            if pending:  # its feeds are being polled: they go first, the pages after them
                self.behind_polls(host, pending)
                return
        while host.waiting and host.active < s.host_max_concurrency:
            horizon = self.deadline - self.clock()
            if horizon <= 0:
                self.defer_host(host, 1.0)
                return
            job = host.waiting[0]
            backoff = self.budget.url_backoff(job.url)
            if backoff:  # this URL keeps answering 429/503: it waits, its host's other pages do not
                self.defer(host.waiting.popleft(), backoff)
                continue
            lease = s.http_total_timeout + horizon + 5
            token = self.budget.try_acquire(host.domain, lease, kind="page")
            if token is None:  # places all held, or a poll of the host waits for one: look again shortly
                self.schedule(self.clock() + host.recheck, "pump", host)
                host.recheck = min(host.recheck * 2, BUSY_RECHECK_MAX)
                return
            host.recheck = BUSY_RECHECK
            wait, reserved = self.budget.reserve_slot(host.domain, horizon)
            if not reserved:
                self.budget.release(host.domain, token)
                self.defer_host(host, wait)
                return
            host.waiting.popleft()
            host.active += 1
            job.token = token
            self.schedule(self.clock() + wait, "send", job)

    def behind_polls(self, host: _Host, pending: int) -> None:
        """The host's dispatched polls go first. When only a few are left, its pages wait for them in this batch
        (for those polls' slots at most) and start right after the last one; with more pending, or polls that
        do not come, they are handed back to return when about POLLS_WAIT_SLOTS polls are left."""
        interval = self.budget.interval_ms(host.domain) / 1000
        now = self.clock()
        if host.polls_wait_until is None:
            host.polls_wait_until = min(now + POLLS_WAIT_SLOTS * interval, self.deadline)
        if pending <= POLLS_WAIT_SLOTS and now < host.polls_wait_until:
            recheck = min(max(interval / 4, POLLS_RECHECK_MIN), POLLS_RECHECK_MAX)
            self.schedule(min(now + recheck, host.polls_wait_until), "pump", host)
            return
        # Many left: back when the last few are. Few left, waited for here already: they are not coming soon
        # (stuck in a queue, or on a slow host).
        slots = pending - POLLS_WAIT_SLOTS + 1 if pending > POLLS_WAIT_SLOTS else pending
        self.defer_host(host, slots * interval, behind_polls=True)

    def defer_host(self, host: _Host, retry_after: float, *, behind_polls: bool = False) -> None:
        while host.waiting:
            self.defer(host.waiting.popleft(), retry_after, behind_polls=behind_polls)

    def schedule(self, at: float, event: Event, subject: object) -> None:
        if event == "pump":
            host = subject
            assert isinstance(host, _Host)
            if host.pump_scheduled:
                return
            host.pump_scheduled = True
        heapq.heappush(self.timers, (at, next(self.counter), event, subject))

    def submit(self, kind: str, subject: object, work: Callable[..., object], *args: object) -> None:
        self.outstanding += 1

        def run() -> None:
            try:
                outcome: object = work(*args)
            except Exception as exc:  # reported back, never lost in a thread
                outcome = exc
            self.done.put((kind, subject, outcome))

        self.pool.submit(run)

    # ------------------------------------------------------------------------------------------ threads

    def _read_robots(self, url: str) -> str | None:
        assert self.robots is not None
        return self.robots.rules(url)

    def _send(self, job: _Job) -> FetchResult | str | float:
        """In a pool thread: the gate (a float back = seconds still to wait), then one request."""
        self.client.check_url(job.url)  # refused addresses cost no budget
        late = self.budget.gate(budget_key(job.url))
        if late:
            return late
        if job.started is None:
            job.started = time.monotonic()
        return self.client.send_hop(job.url, self.client.request_headers("page"), kind="page", started=job.started)

    # ------------------------------------------------------------------------------------------ events

    def on_timer(self, event: Event, subject: object) -> None:
        if event == "pump":
            assert isinstance(subject, _Host)
            subject.pump_scheduled = False
            self.pump(subject)
        else:
            assert isinstance(subject, _Job)
            self.submit("send", subject, self._send, subject)

    def on_done(self, kind: str, subject: object, outcome: object) -> None:
        self.outstanding -= 1
        if kind == "robots":
            assert isinstance(subject, str)
            if isinstance(outcome, RetryLaterError):
                for job in self.robots_waiting.pop(subject, []):
                    self.defer(job, outcome.retry_after)
                return
            if isinstance(outcome, Exception):  # Redis, a lock timeout: not the site's answer; try later
                log.info("robots.txt of %s not read (%s): its pages are handed back", subject, outcome)
                for job in self.robots_waiting.pop(subject, []):
                    self.defer(job, ROBOTS_RETRY)
                return
            assert outcome is None or isinstance(outcome, str)
            self.robots_rules[subject] = outcome
            for job in self.robots_waiting.pop(subject, []):
                self.after_robots(job, outcome)
            return
        assert isinstance(subject, _Job)
        job = subject
        if isinstance(outcome, float):  # the gate said: not yet (another worker's request just left)
            if self.clock() + outcome > self.deadline:
                self.release(job)
                self.defer(job, outcome)
            else:
                self.schedule(self.clock() + outcome, "send", job)
            return
        self.release(job)
        if isinstance(outcome, str):
            self.redirect(job, outcome)
        elif isinstance(outcome, FetchResult):
            self.page(job, outcome)
        elif isinstance(outcome, RetryLaterError):
            self.defer(job, outcome.retry_after)  # the hop blocked the domain: its other jobs defer too
        elif isinstance(outcome, FetchError):
            self.finish(job, fetch_error=f"page fetch failed: {outcome.reason}")
        else:
            self.finish(job, fetch_error=f"page fetch failed: {type(outcome).__name__}: {outcome}")

    def release(self, job: _Job) -> None:
        host = self.hosts[budget_key(job.url)]
        if job.token is not None:
            self.budget.release(host.domain, job.token)
            job.token = None
        host.active -= 1
        self.pump(host)

    def redirect(self, job: _Job, location: str) -> None:
        try:
            target = self.client.next_hop(job.url, job.seen, location)
        except FetchError as exc:
            self.finish(job, fetch_error=f"page fetch failed: {exc.reason}")
            return
        if job.started is not None and time.monotonic() - job.started > self.settings.http_total_timeout:
            error = TransportError(job.url, f"gave up after {self.settings.http_total_timeout:.0f}s")
            self.finish(job, fetch_error=f"page fetch failed: {error.reason}")
            return
        job.seen.append(target)
        job.url = target
        self.enqueue(job)

    def page(self, job: _Job, result: FetchResult) -> None:
        try:
            check_page(result)
        except NotAPageError as exc:
            self.finish(job, fetch_error=f"page fetch failed: {exc.reason}", final_url=job.url)
            return
        self.finish(job, html=result.text("page", job.item.declared_language), final_url=job.url, fetch_error=None)

    # ------------------------------------------------------------------------------------------ loop

    def run(self, jobs: list[_Job]) -> None:
        try:
            for job in jobs:
                self.start(job)
            while self.timers or self.outstanding:
                timeout = None
                if self.timers:
                    at, _, event, subject = self.timers[0]
                    now = self.clock()
                    if at <= now:
                        heapq.heappop(self.timers)
                        self.on_timer(event, subject)
                        continue
                    timeout = at - now
                try:
                    kind, subject, outcome = self.done.get(timeout=timeout)
                except queue.Empty:
                    continue
                self.on_done(kind, subject, outcome)
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def check_page(result: FetchResult) -> None:
    """NotAPageError when a fetched "page" is not an HTML document: an image, a PDF, or a feed/sitemap
    (whose text would otherwise be indexed as one short article)."""
    content_type = result.content_type
    if content_type in FEED_TYPES:
        raise NotAPageError(result.final_url, f"page is a feed ({content_type}), not an article")
    if content_type and not any(kind in content_type for kind in PAGE_TYPES):
        raise NotAPageError(result.final_url, f"page is {content_type}, not HTML")
    root = _FEED_ROOT.match(result.body[:4096])
    if root:
        raise NotAPageError(result.final_url, f"page is a feed (<{root.group(1).decode()}>), not an article")


def fetch_pages(
    items: Sequence[RawItem],
    *,
    client: PoliteClient,
    robots: RobotsCache | None = None,
    max_wait: float | None = None,
    threads: int = DEFAULT_THREADS,
    clock: Callable[[], float] = time.monotonic,
) -> FetchedPages:
    """Fetch the pages of `items` (their `url`), many hosts at once, each within its budget.

    Returns every item fetched or failed (`html`/`final_url`, or `fetch_error`) in input order, and the
    ones handed back (`deferred`, `retry_after`) because their host has no budget within `max_wait`
    seconds (default host_max_wait). Never raises for one item's failure.
    """
    scheduler = _Scheduler(
        client,
        robots,
        client.settings.host_max_wait if max_wait is None else max_wait,
        # No more sending threads than pages: a fetch task of 3 items need not start 32 (a sources worker runs
        # many such tasks at once, each with its own pool).
        max(1, min(threads, len(items))),
        clock,
    )
    jobs = [_Job(position, item, item.url, [item.url]) for position, item in enumerate(items) if item.url]
    for position, item in enumerate(items):
        if not item.url:
            scheduler.results[position] = item
    scheduler.run(jobs)
    out = FetchedPages(retry_after=scheduler.retry_after)
    out.only_behind_polls = bool(scheduler.deferred) and not scheduler.budget_deferrals
    out.items = [scheduler.results[p] for p in sorted(scheduler.results)]
    out.deferred = [scheduler.deferred[p] for p in sorted(scheduler.deferred)]
    return out
