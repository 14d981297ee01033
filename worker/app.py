"""The Celery app, configured once: queues and routes, beat, delivery guarantees, the base batch task, and
the clients every task shares (created lazily per process, dropped after a fork).

Task modules (`worker.tasks`, `worker.sources.tasks`) only declare tasks on this app; nothing here
imports them, and importing them changes no configuration.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import elasticsearch
import redis
from celery import Celery, Task
from celery.exceptions import Reject, Retry, SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import before_task_publish, task_postrun, worker_init, worker_process_init, worker_ready
from elasticsearch import Elasticsearch

from worker.config import Settings, get_settings
from worker.dedup import DedupIndex
from worker.failures import Failure, FailureStore
from worker.index.store import TransientIndexError, connect, setup_index
from worker.ledger import BatchLedger, Entry
from worker.sources.http import PoliteClient
from worker.sources.registry import FeedRegistry
from worker.stats import IngestStats
from worker.timings import ENQUEUED_AT, Histograms, latency_since, take_stage_times

log = logging.getLogger(__name__)

# Queues: CPU work (normalise, dedup, tag, index) and I/O work (feed polls, page fetches) are sized apart.
QUEUE_INGEST = "ingest"
QUEUE_SOURCES = "sources"
QUEUES = (QUEUE_INGEST, QUEUE_SOURCES)

# Task names, so a producer can enqueue without importing the module that defines the task.
INGEST_ITEMS = "newsworker.ingest_items"
INDEX_ARTICLES = "newsworker.index_articles"
RETAG = "newsworker.retag"
DISPATCH_DUE = "newsworker.sources.dispatch_due"
POLL_FEED = "newsworker.sources.poll_feed"
FETCH_PAGES = "newsworker.sources.fetch_pages"
DELIVER_ALERT = "newsworker.alerts.deliver"  # worker/alerts/tasks.py (I/O: sources queue)
DISPATCH_ALERTS = "newsworker.alerts.dispatch"
CHECK_BASELINES = "newsworker.alerts.check_baselines"
EXPORT_RUN = "newsworker.exports.run"  # worker/export_tasks.py (I/O: sources queue, see make_app)
# Kept in the ledger from publish to finish (worker/ledger.py): the batches of the article path, and the slices
# of background exports (a continuation lost in Kombu's window would leave its job "running" for good).
LEDGERED_TASKS = frozenset({INGEST_ITEMS, INDEX_ARTICLES, RETAG, FETCH_PAGES, EXPORT_RUN})

# Errors that mean "not now": the cluster or Redis is down, overloaded or slow. Retried with backoff;
# anything else is a bug or bad data, handled by splitting the batch (see BatchTask.on_failure).
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    elasticsearch.ConnectionError,
    elasticsearch.ConnectionTimeout,
    TransientIndexError,
    redis.ConnectionError,
    redis.TimeoutError,
)


def make_app(settings: Settings) -> Celery:
    celery_app = Celery(
        "newsworker",
        broker=settings.broker_url,
        backend=settings.result_backend,
        include=["worker.tasks", "worker.sources.tasks", "worker.alerts.tasks", "worker.export_tasks"],
    )
    celery_app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE_INGEST,
        # Background exports mostly wait on Elasticsearch and the disk (the worker's own CPU: 36 µs an article
        # with the default fields, 116 with bodies; bench.alerts --only export), and each task is a bounded
        # slice that hands over to a continuation: the sources thread pool runs them beside fetches without a
        # third kind of worker to deploy and watch (/health already covers the queue).
        task_routes={
            "newsworker.sources.*": {"queue": QUEUE_SOURCES},
            "newsworker.alerts.*": {"queue": QUEUE_SOURCES},
            "newsworker.exports.*": {"queue": QUEUE_SOURCES},
        },
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Delivery, chosen together so that no batch is acknowledged without its items being indexed or
        # dead-lettered:
        # - a task is acknowledged after it ran (acks_late), so a worker that dies mid-batch loses nothing;
        #   writes are idempotent, so running it twice is harmless;
        # - a child process that dies (killed, out of memory) hands its message back (reject_on_worker_lost);
        #   BatchTask counts deliveries so a batch that kills its worker every time is split, not looped;
        # - a failed or timed-out task is acknowledged (acks_on_failure_or_timeout) only after
        #   BatchTask.on_failure has re-enqueued its halves or dead-lettered its items, which Celery runs
        #   for exceptions, soft and hard time limits alike;
        # - the soft limit stops a batch in the task (and it is split); the hard limit kills a child that
        #   ignores it; the visibility timeout, after which a vanished worker's task is handed out again,
        #   exceeds the hard limit plus the longest retry pause, so no running task is handed out twice.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit,
        task_time_limit=settings.task_time_limit,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout,
            # Look for abandoned tasks every 10 s (Kombu's default sweep is every 100 s).
            "unacked_restore_interval": 10,
            "unacked_restore_throttle": 1,
        },
        # Feed polling: exactly one beat holds the RedBeat lock; due feeds are claimed atomically.
        beat_schedule={
            "newsworker-dispatch-due-feeds": {
                "task": DISPATCH_DUE,
                "schedule": settings.poll_dispatch_every,
                "options": {"queue": QUEUE_SOURCES, "expires": settings.poll_dispatch_every * 2},
            },
            "newsworker-check-baselines": {  # source-volume baselines (worker/alerts/baselines.py)
                "task": CHECK_BASELINES,
                "schedule": settings.baseline_check_every,
                "options": {"queue": QUEUE_SOURCES, "expires": settings.baseline_check_every},
            },
        },
        redbeat_redis_url=settings.redis_url,
        redbeat_key_prefix=f"{settings.index_prefix}:redbeat",
        # A beat that dies frees the lock after this long; another one then takes over.
        redbeat_lock_timeout=max(60, int(settings.poll_dispatch_every * 5)),
    )
    if settings.broker_visibility_timeout <= settings.task_time_limit + settings.task_retry_backoff_max:
        log.warning(
            "broker_visibility_timeout (%s s) should exceed task_time_limit + task_retry_backoff_max (%s s): "
            "a long task could be handed out twice",
            settings.broker_visibility_timeout,
            settings.task_time_limit + settings.task_retry_backoff_max,
        )
    return celery_app


# --- clients: one per process, created on first use, dropped after a fork (sockets must not be shared)


@lru_cache(maxsize=1)
def es_client() -> Elasticsearch:
    """The workers' client retries nothing itself: Celery owns retries (backoff, jitter, dead letters), and
    the client's own retry loop would swallow a time limit that fires during a request (it wraps whatever
    interrupts the request as a ConnectionError and sends it again), so a batch over its limit ran on."""
    settings = get_settings()
    es = connect(settings).options(max_retries=0, retry_on_timeout=False)
    setup_index(es, settings)
    return es


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url)


@lru_cache(maxsize=1)
def broker_client() -> redis.Redis:
    return redis.Redis.from_url(get_settings().broker_url)


@lru_cache(maxsize=1)
def batch_ledger() -> BatchLedger:
    return BatchLedger(broker_client(), get_settings().index_prefix)


@lru_cache(maxsize=1)
def failure_store() -> FailureStore:
    settings = get_settings()
    return FailureStore(redis_client(), settings.failures_key, max_failures=settings.failures_max)


@lru_cache(maxsize=1)
def ingest_stats() -> IngestStats:
    return IngestStats(redis_client(), get_settings().index_prefix)


@lru_cache(maxsize=1)
def dedup_index() -> DedupIndex:
    settings = get_settings()
    return DedupIndex(redis_client(), threshold=settings.dedup_threshold, window_days=settings.dedup_window_days)


@lru_cache(maxsize=1)
def feed_registry() -> FeedRegistry:
    return FeedRegistry(redis_client(), get_settings())


@lru_cache(maxsize=1)
def http_client() -> PoliteClient:
    return PoliteClient(get_settings(), redis_client())


CLIENTS: tuple[Any, ...] = (es_client, redis_client, broker_client, batch_ledger, failure_store, ingest_stats,
                            dedup_index, feed_registry, http_client)  # fmt: skip


@worker_process_init.connect
def _reset_clients(**_: Any) -> None:
    for cached in CLIENTS:
        cached.cache_clear()


@worker_init.connect
def _preload_models(sender: Any = None, **_: Any) -> None:
    """Load every tagging model in the worker's main process, before the pool forks: the children share
    them (copy-on-write) instead of each loading its own copy, and no batch pays the load inside its
    time limit. A worker that consumes only the sources queue (polls, fetches) tags nothing: it loads none
    (they cost it hundreds of MB and, on a loaded 2-core box, tens of seconds of start-up)."""
    try:
        consumed = set(sender.app.amqp.queues.consume_from or ())
    except AttributeError:  # not started by a Celery worker (tests, embedded use): load everything
        consumed = set()
    if consumed and QUEUE_INGEST not in consumed:
        log.info("no tagging models loaded: this worker consumes %s", ", ".join(sorted(consumed)))
        return
    from worker.tagging import warm_up

    started = time.monotonic()
    # Everything loaded so far lives as long as the process: out of the garbage collector's sight, so that a
    # collection in a child does not write to the shared pages of these objects (and copy them).
    frozen = warm_up()
    log.info("tagging models loaded in %.1f s, before forking (%d objects frozen)", time.monotonic() - started,
             frozen)  # fmt: skip


# --- latency and stage-time metrics (worker/timings.py): the enqueue stamp, and one write per task


@before_task_publish.connect
def _stamp_enqueued_at(sender: str | None = None, headers: dict[str, Any] | None = None, **_: Any) -> None:
    """Stamp each message with its enqueue time (Celery's messages carry none; /health reads it for the age
    of a queue's oldest task). A batch re-sent by its own task (split halves) keeps its first stamp."""
    if headers is None or ENQUEUED_AT in headers:
        return
    from celery import current_task

    inherited = current_task.request.get(ENQUEUED_AT) if current_task and current_task.name == sender else None
    headers[ENQUEUED_AT] = inherited if inherited is not None else time.time()


@before_task_publish.connect
def _record_in_ledger(sender: str | None = None, body: Any = None, routing_key: str | None = None,
                      headers: dict[str, Any] | None = None, **_: Any) -> None:  # fmt: skip
    """Every batch of the article path, from the moment it is sent (worker/ledger.py). Celery logs and
    swallows an error here: the batch is then sent without the ledger's cover, as before it existed."""
    if sender not in LEDGERED_TASKS or headers is None or not isinstance(body, list | tuple) or len(body) < 2:
        return
    args, kwargs = body[0], body[1]
    batch_ledger().record(str(headers["id"]), sender, args, kwargs, routing_key or QUEUE_INGEST, time.time())


def strike_off(task_id: str | None) -> None:
    """A ledgered task ended: off the ledger. If Redis refuses, the ledger will send it once more later, which
    writes nothing new (a batch is indexed idempotently; an export slice finds its job finished or moved on)."""
    if not task_id:
        return
    try:
        batch_ledger().finish(task_id)
    except redis.RedisError as exc:
        log.warning("ledger: task %s not struck off: %s", task_id, exc)


def resend(entry: Entry) -> Any:
    """A lost batch, sent again under its own id (a producer waiting on that id sees it finish)."""
    return app.send_task(entry.task, args=entry.args, kwargs=entry.kwargs, task_id=entry.task_id,
                         queue=entry.queue, compression="zlib")  # fmt: skip


def reap_lost_batches() -> list[str]:
    """One look for lost batches, if no other worker is looking (a short Redis lock)."""
    settings, ledger = get_settings(), batch_ledger()
    lock = broker_client().set(ledger.reaper_key, "1", nx=True,
                               px=max(1000, int(settings.ledger_reap_every * 1000)))  # fmt: skip
    if not lock:
        return []
    return ledger.reap(resend, now=time.time(), grace=settings.ledger_grace, stamp_header=ENQUEUED_AT)


@worker_ready.connect
def _start_reaper(**_: Any) -> None:
    """In the worker's main process: every `ledger_reap_every` seconds, lost batches are sent again."""
    every = get_settings().ledger_reap_every
    if every <= 0:
        return

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                reap_lost_batches()
            except Exception as exc:  # Redis down, a bad entry: look again next time
                log.warning("ledger: could not look for lost batches: %s", exc)

    threading.Thread(target=loop, name="newsworker-ledger-reaper", daemon=True).start()


@task_postrun.connect
def _record_timings(task: Task | None = None, retval: Any = None, **_: Any) -> None:
    """The stage times the task measured and, per indexed article, its enqueue->indexed latency."""
    stages = take_stage_times()
    indexed = int(retval.get("indexed", 0)) if isinstance(retval, dict) else 0
    latency = latency_since(task.request.get(ENQUEUED_AT)) if task is not None and indexed else None
    try:
        Histograms(redis_client(), get_settings().index_prefix).record(stages, latency, indexed)
    except redis.RedisError as exc:  # metrics must never fail a task
        log.warning("could not record timings: %s", exc)


# --- the base task of every batch task


def batch_halves(items: Sequence[Any]) -> list[list[Any]]:
    middle = len(items) // 2
    return [list(items[:middle]), list(items[middle:])]


def failure_reason(exc: BaseException, *, retries: int, limits: tuple[int, int]) -> str:
    """A sentence for a person reading `failures list`."""
    if isinstance(exc, SoftTimeLimitExceeded):
        return f"time limit exceeded ({limits[0]} s) on this item alone"
    if isinstance(exc, TimeLimitExceeded):
        return f"hard time limit exceeded ({limits[1]} s): worker process killed on this item alone"
    if isinstance(exc, TRANSIENT_ERRORS):
        return f"gave up after {retries} retries: {type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}"


class BatchTask(Task):
    """A task whose first argument is a list of items (payloads) and that never loses one.

    Transient errors are retried by Celery (`autoretry_for`, exponential backoff with full jitter, at most
    `task_max_retries`); after the last retry every item is dead-lettered with the reason. Any other
    failure, a soft or hard time limit, or a batch that killed its worker `task_max_deliveries` times is
    split in halves that are enqueued again, until the item at fault is alone; that one is dead-lettered.
    Subclasses name the payload key their items replay under (`replay_key`) and their stage.
    """

    abstract = True
    replay_key = "raw"
    stage = "pipeline"
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_jitter = True
    acks_late = True

    def item_failure(self, item: Any, reason: str) -> Failure:
        """The dead letter of one item (subclasses may name its id and source better)."""
        source = item.get("source") if isinstance(item, dict) else None
        item_id = item.get("id") if isinstance(item, dict) else item if isinstance(item, str) else None
        return Failure(stage=self.stage, reason=reason, item_id=item_id, source=source,
                       payload={self.replay_key: item})  # fmt: skip

    def dead_letter(self, items: Sequence[Any], reason: str) -> None:
        failure_store().record([self.item_failure(item, reason) for item in items])
        try:  # the dead letters are written: a lost count must not send the batch round again
            ingest_stats().record({"failed": len(items)})
        except redis.RedisError as exc:
            log.warning("could not count %d dead letter(s): %s", len(items), exc)

    def split_or_dead_letter(self, items: Sequence[Any], exc: BaseException, args: tuple[Any, ...],
                             kwargs: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
        """Halves of a failed batch back to the queue, or the lone item at fault to the dead letters; the
        result says which (`newsworker ingest --wait` follows the halves)."""
        if len(items) > 1:
            halves = [self.apply_async(args=[half, *args[1:]], kwargs=kwargs, compression="zlib")
                      for half in batch_halves(items)]  # fmt: skip
            log.warning("%s: batch of %d failed (%s: %s); split in halves", self.name, len(items),
                        type(exc).__name__, exc)  # fmt: skip
            return {"split": [half.id for half in halves], "reason": f"{type(exc).__name__}: {exc}"}
        settings = get_settings()
        limits = (settings.task_soft_time_limit, settings.task_time_limit)
        return self.dead_letter_batch(items, failure_reason(exc, retries=self.request.retries, limits=limits))

    def on_failure(self, exc: BaseException, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any],
                   einfo: Any) -> None:  # fmt: skip
        """A hard time limit (Celery calls this in the worker's main process, then acknowledges the message).
        If the halves or the dead letter cannot be written (the broker or Redis down), the error propagates:
        Celery then skips the acknowledgement, and the visibility timeout hands the batch out again."""
        items = list(args[0]) if args and isinstance(args[0], list | tuple) else []
        if items:
            self.split_or_dead_letter(items, exc, args, kwargs)
            self.finished(task_id)

    def finished(self, task_id: str | None) -> None:
        """Strike the batch off the ledger: it ended (indexed, dead-lettered or split into new batches)."""
        if self.name in LEDGERED_TASKS:
            strike_off(task_id)

    def keep_in_broker(self, why: str) -> Reject:
        """The batch could neither run nor be handed on (re-published, dead-lettered): the broker or Redis is
        unreachable. Its message goes back to the queue when Redis answers again, and if even that fails it
        stays unacknowledged until the visibility timeout hands it out again; it is never acknowledged
        without its items indexed or dead-lettered. The delivery is not counted against the batch: the
        worker did not die on it."""
        log.warning("%s: batch kept in the broker (%s)", self.name, why)
        if self.request.id and not self.request.called_directly:
            with contextlib.suppress(redis.RedisError):
                redis_client().decr(self.delivery_key())
        return Reject(why, requeue=True)

    def handed_on(self, hand_on: Callable[..., dict[str, Any]], *hand_args: Any) -> dict[str, Any]:
        """Run a hand-on (split, dead letters); if it fails, the batch stays in the broker."""
        try:
            return hand_on(*hand_args)
        except Exception as exc:
            raise self.keep_in_broker(f"could not hand the batch on: {type(exc).__name__}: {exc}") from exc

    def delivery_key(self) -> str:
        return f"{get_settings().index_prefix}:deliveries:{self.request.id}:{self.request.retries}"

    def count_delivery(self) -> int:
        settings = get_settings()
        pipe = redis_client().pipeline()
        pipe.incr(self.delivery_key())
        pipe.expire(self.delivery_key(), settings.broker_visibility_timeout * (settings.task_max_deliveries + 2))
        return int(pipe.execute()[0])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args or not isinstance(args[0], list):
            return super().__call__(*args, **kwargs)
        items = args[0]
        if self.request.id and not self.request.called_directly:
            # A batch handed out again after its worker died: count it, and stop feeding a batch that kills.
            try:
                deliveries = self.count_delivery()
            except redis.RedisError as exc:
                raise self.keep_in_broker(f"deliveries not counted: {type(exc).__name__}: {exc}") from exc
            if deliveries > get_settings().task_max_deliveries:
                killed = WorkerKilledError(f"worker process died {deliveries - 1} times on this batch "
                                           "(killed or out of memory)")  # fmt: skip
                return self.ended(self.handed_on(self.split_or_dead_letter, items, killed, args, kwargs))
        try:
            return self.ended(super().__call__(*args, **kwargs))
        except Retry:
            raise
        except Reject as exc:
            if exc.requeue:
                raise
            # Celery's retry rejects the message for good when it cannot publish the retry (the broker is
            # unreachable): that would drop the batch.
            raise self.keep_in_broker(f"retry not published: {exc.reason}") from exc
        except TRANSIENT_ERRORS as exc:
            # autoretry_for re-raises the error once the retries are spent: splitting would not help against
            # an outage, so every item goes to the dead letters with the reason.
            log.error("%s: %d item(s) dead-lettered after %d retries: %s", self.name, len(items),
                      self.request.retries, exc)  # fmt: skip
            reason = failure_reason(exc, retries=self.request.retries, limits=(0, 0))
            return self.ended(self.handed_on(self.dead_letter_batch, items, reason))
        except Exception as exc:  # a bug, bad data the stages did not isolate, or the soft time limit
            return self.ended(self.handed_on(self.split_or_dead_letter, items, exc, args, kwargs))

    def ended(self, result: Any) -> Any:
        if not self.request.called_directly:
            self.finished(self.request.id)
        return result

    def dead_letter_batch(self, items: Sequence[Any], reason: str) -> dict[str, Any]:
        self.dead_letter(items, reason)
        return {"indexed": 0, "unchanged": 0, "failed": len(items)}


class WorkerKilledError(RuntimeError):
    """A batch whose worker process died on it repeatedly."""


def configure_batch_task(settings: Settings) -> None:
    BatchTask.max_retries = settings.task_max_retries
    BatchTask.retry_backoff_max = settings.task_retry_backoff_max


configure_batch_task(get_settings())
app = make_app(get_settings())


def enqueue(task_name: str, items: list[Any], *args: Any, countdown: float | None = None) -> Any:
    """Send a batch to a task by name (producers need not import the task's module); compressed, since
    items may carry whole pages."""
    return app.signature(task_name, args=[items, *args]).apply_async(countdown=countdown, compression="zlib")
