"""The alerts' Celery tasks, thin: deliver one webhook (retried with backoff and jitter, then dead-lettered,
replayable), and the hand-off from an indexed batch to the deliveries."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import Task

from worker.alerts.baselines import check
from worker.alerts.delivery import WebhookRetryable, post_webhook
from worker.alerts.matching import alert_on_indexed, baseline_payload
from worker.alerts.store import AlertStore
from worker.app import (
    CHECK_BASELINES,
    DELIVER_ALERT,
    DISPATCH_ALERTS,
    TRANSIENT_ERRORS,
    BatchTask,
    app,
    enqueue,
    es_client,
    failure_store,
    http_client,
    redis_client,
)
from worker.article import Article
from worker.config import get_settings
from worker.failures import Failure
from worker.sources.errors import FetchError

log = logging.getLogger(__name__)


def alerts_for_batch(articles: Sequence[Article], indexed_ids: Sequence[str]) -> int:
    """Called by the ingest tasks after a batch is indexed: the batch's matches go out in one message to
    `dispatch_alerts` on the I/O queue, which fans them out, so the CPU-bound ingest worker pays one enqueue
    per batch (≈ 1.4-2.5 ms each on the shared test machine) rather than one per match."""
    settings = get_settings()
    return alert_on_indexed(articles, indexed_ids, client=redis_client(), prefix=settings.index_prefix,
                            send=lambda deliveries: enqueue(DISPATCH_ALERTS, deliveries))  # fmt: skip


class DeliveryTask(BatchTask):
    """One webhook delivery per message. A receiver that is down or answers 5xx/429 is retried by Celery's
    autoretry (exponential backoff, full jitter, `alert_max_retries`); after the last retry the delivery is a
    dead letter (stage `alert`, payload key `alert`) that `failures replay` sends again with the same
    delivery id. A refused address (SSRF guard) or a 4xx is recorded at once: retrying cannot help."""

    abstract = True
    replay_key = "alert"
    stage = "alert"
    autoretry_for = (*TRANSIENT_ERRORS, WebhookRetryable)

    def item_failure(self, item: Any, reason: str) -> Failure:
        payload = item.get("payload", {}) if isinstance(item, dict) else {}
        return Failure(stage=self.stage, reason=reason, item_id=payload.get("delivery_id"),
                       source=item.get("alert") if isinstance(item, dict) else None,
                       payload={self.replay_key: item})  # fmt: skip

    def dead_letter(self, items: Sequence[Any], reason: str) -> None:
        failure_store().record([self.item_failure(item, reason) for item in items])
        redis_client().hincrby(f"{get_settings().index_prefix}:alerts:stats", "dead_lettered", len(items))

    def split_or_dead_letter(self, items: Sequence[Any], exc: BaseException, args: tuple[Any, ...],
                             kwargs: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
        if isinstance(exc, WebhookRetryable) and len(items) == 1:
            self.dead_letter(items, f"gave up after {self.request.retries} retries: {exc.reason}")
            return {"delivered": 0, "failed": 1}
        return super().split_or_dead_letter(items, exc, args, kwargs)


def configure_delivery_task() -> None:
    settings = get_settings()
    DeliveryTask.max_retries = settings.alert_max_retries
    DeliveryTask.retry_backoff = settings.alert_retry_backoff
    DeliveryTask.retry_backoff_max = settings.alert_retry_backoff_max


configure_delivery_task()


@app.task(bind=True, base=DeliveryTask, name=DISPATCH_ALERTS)
def dispatch_alerts(self: Task, deliveries: list[dict[str, Any]]) -> dict[str, int]:
    """One delivery task per match of an indexed batch, so each receiver's retries are its own. A Redis
    outage is retried; a retry may enqueue some deliveries twice (same delivery id: at least once)."""
    signature = app.signature(DELIVER_ALERT)
    with app.producer_or_acquire() as producer:
        for delivery in deliveries:
            signature.clone(args=[[delivery]]).apply_async(producer=producer)
    return {"dispatched": len(deliveries)}


@app.task(bind=True, base=DeliveryTask, name=DELIVER_ALERT)
def deliver_alert(self: Task, deliveries: list[dict[str, Any]]) -> dict[str, int]:
    """POST each delivery to its alert's webhook, signed with the alert's secret (looked up now, so secrets
    never travel through the broker or the dead letters)."""
    settings = get_settings()
    store = AlertStore(redis_client(), settings.index_prefix)
    stats_key = f"{settings.index_prefix}:alerts:stats"
    delivered = refused = 0
    for delivery in deliveries:
        alert = store.get(delivery["alert"])
        if alert is None:
            log.warning("alert %r was removed; delivery %s dropped", delivery["alert"],
                        delivery["payload"]["delivery_id"])  # fmt: skip
            continue
        try:
            post_webhook(http_client(), alert.webhook, delivery["payload"], alert.secret)
            delivered += 1
        except WebhookRetryable:
            raise
        except FetchError as exc:  # refused address, bad URL, 4xx: record now, replayable once fixed
            failure_store().record([self.item_failure(delivery, f"refused: {exc.reason}")])
            refused += 1
    redis_client().hincrby(stats_key, "delivered", delivered)
    if refused:
        redis_client().hincrby(stats_key, "refused", refused)
    return {"delivered": delivered, "failed": refused}


@app.task(name=CHECK_BASELINES, acks_late=True)
def check_baselines() -> dict[str, int]:
    """Beat, every `baseline_check_every` s: every source's volume against its baseline; a source that just
    turned silent or flooding is announced to every `baseline` alert."""
    settings = get_settings()
    verdicts, changed = check(es_client(), redis_client(), settings)
    store = AlertStore(redis_client(), settings.index_prefix)
    sent = 0
    for alert in (a for a in store.all() if a.kind == "baseline"):
        for verdict, since in changed:
            enqueue(DELIVER_ALERT, [{"alert": alert.name, "payload": baseline_payload(alert, verdict, since)}])
            sent += 1
    return {"sources": len(verdicts), "degraded": sum(v.degraded for v in verdicts), "deliveries": sent}
