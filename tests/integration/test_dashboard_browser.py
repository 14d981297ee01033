"""The dashboard in headless Chromium (Debian's `chromium` through Playwright) against real indexed data,
with a saved search that has matches, a feed whose poll failed (a local server answering 500) and sources
outside their volume baseline (history seeded weeks back) for the monitoring panels.

Screenshots at 390 and 1400 px are saved under .run/screenshots/ (NEWSWORKER_SCREENSHOTS overrides).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis
import uvicorn
from elasticsearch import Elasticsearch

from tests.integration.cleanup import delete_sources
from tests.integration.volumes import weekly_windows
from worker.alerts.baselines import BaselineState, check
from worker.alerts.store import Alert, AlertStore
from worker.article import Article, Enrichment, Entity, Topic
from worker.config import Settings
from worker.index.store import index_articles
from worker.sources.http import PoliteClient
from worker.sources.poll import poll_feed_once
from worker.sources.registry import FeedDeclaration, FeedRegistry

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("NEWSWORKER_SCREENSHOTS", REPO / ".run" / "screenshots"))
XSS = '<img src=x onerror="window.__xss=1">'
ALERT, QUIET_ALERT = "havenwacht", f"ruimtevaart {XSS}"
FEED_NAME = "Kapotte Courant"
SILENT, FLOOD = "dash-silent.example", "dash-flood.example"
WEEKLY = [18, 17, 19, 20, 16, 18]  # articles in the 6-hour baseline window, this week (index 0) and weeks back


def _browser_path() -> str:
    path = os.environ.get("NEWSWORKER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("no Chromium for the dashboard test: apt-get install chromium (or set NEWSWORKER_CHROMIUM)")
    return path


def _article(n: int, hours_ago: float, entities: list[Entity], title: str | None = None) -> Article:
    digest = hashlib.sha256(f"dashboard{n}".encode()).hexdigest()
    when = datetime.now(UTC) - timedelta(hours=hours_ago)
    version = "dash-v1" if n < 20 else "dash-v2"  # the background was tagged by older models
    return Article(
        id=digest,
        source="dashboard-test",
        title=title or f"Havenstaking in Rotterdam dag {n}",
        body=f"De havenstaking in Rotterdam duurt voort, bericht {n}. Vakbond en werkgevers praten.",
        content_hash=digest,
        language="nl",
        published_at=when,
        published_precision="second",
        entities=entities,
        topics=[Topic(code="09000000", label="arbeid", score=0.8)],
        enrichment=Enrichment(version=version, models={"ner": version}, tagged_at=when),
        ingested_at=when,  # written when published: the alerts panel counts matches by the time written
    )


def _volume_history(now: datetime) -> list[Article]:
    """A source that went silent and one that floods, each with five weeks of steady history in the same
    6-hour window of the week (as tests/integration/test_alerts_baselines.py seeds it)."""
    plan = {SILENT: [0, *WEEKLY[1:]], FLOOD: [120, *WEEKLY[1:]]}
    return weekly_windows(plan, now)


class FailingFeedServer:
    """A feed host on loopback whose feed answers 500 (robots.txt: 404, i.e. everything allowed)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status = 404 if self.path == "/robots.txt" else 500
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed.xml"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def monitoring(es: Elasticsearch, settings: Settings, redis_client: redis.Redis) -> Iterator[dict[str, Any]]:
    """What the monitoring panels show: saved searches (created before the articles they match are written),
    a feed polled once against a server answering 500, and a baseline check over seeded history."""
    alerts = AlertStore(redis_client, settings.index_prefix)
    month_ago = datetime.now(UTC) - timedelta(days=30)  # the alert existed before the articles were written
    alerts.add(Alert(name=ALERT, query="havenstaking", lang=["nl"], webhook="http://127.0.0.1:9/hook",
                     created_at=month_ago))  # fmt: skip
    alerts.add(Alert(name=QUIET_ALERT, query="ruimtevaart", webhook="http://127.0.0.1:9/hook"))
    feed_server = FailingFeedServer()
    # The poll may reach the loopback host (refused by default: SSRF guard).
    poll_settings = Settings(allow_private_networks=["127.0.0.0/8"], host_max_wait=5.0)
    registry = FeedRegistry(redis_client, poll_settings)
    registry.add(FeedDeclaration(url=feed_server.url, name=FEED_NAME))
    report = poll_feed_once(feed_server.url, registry=registry, client=PoliteClient(poll_settings, redis_client),
                            settings=poll_settings)  # fmt: skip
    assert report.outcome.kind == "failed" and report.outcome.error, report.outcome
    now = datetime.now(UTC)
    assert not index_articles(es, settings, _volume_history(now)).failed
    es.indices.refresh(index=settings.read_alias)
    status = {v.source: v.status for v in check(es, redis_client, settings, now)[0]}
    assert (status[SILENT], status[FLOOD]) == ("silent", "flood")
    baselines = BaselineState(redis_client, settings.index_prefix)
    yield {"feed_url": feed_server.url, "feed_error": report.outcome.error, "alerts": alerts, "registry": registry,
           "clear_baselines": lambda: redis_client.delete(baselines.key, baselines.checked_key)}  # fmt: skip
    feed_server.close()
    for name in (ALERT, QUIET_ALERT):
        alerts.remove(name)
    registry.remove(feed_server.url)
    redis_client.delete(baselines.key, baselines.checked_key)
    delete_sources(es, settings, [SILENT, FLOOD])


@pytest.fixture(scope="module")
def dashboard_url(es: Elasticsearch, settings: Settings, monitoring: dict[str, Any]) -> Iterator[str]:
    rotterdam = Entity(text="Rotterdam", type="LOC", wikidata="Q34370")
    union = Entity(text="Havenvakbond", type="ORG")
    articles = [_article(i, 24 * (2 + i), [rotterdam]) for i in range(20)]  # background: one every day
    articles += [_article(100 + i, 1 + i % 12, [rotterdam, union]) for i in range(12)]  # the union bursts today
    articles.append(_article(999, 0.5, [rotterdam], title=f"Onveilige titel {XSS}"))
    assert not index_articles(es, settings, articles).failed
    es.indices.refresh(index=settings.read_alias)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config("worker.api:app", host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/dashboard"
    server.should_exit = True
    thread.join(timeout=10)
    delete_sources(es, settings, ["dashboard-test"])


def test_dashboard_fills_its_panels_searches_and_fits_small_screens(dashboard_url: str,
                                                                    monitoring: dict[str, Any]) -> None:  # fmt: skip
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_browser_path(), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(dashboard_url)
            page.wait_for_selector("#kpis .kpi", timeout=20_000)
            page.wait_for_function("document.querySelectorAll('#timeline rect').length > 0", timeout=20_000)
            page.wait_for_selector("#latest .hit", timeout=20_000)
            assert page.locator("#topics tr").count() >= 1
            assert page.locator("#entities tr").count() >= 1
            assert page.locator("#hourly-legend span").count() == 3
            assert page.locator("#timeline text").count() >= 4  # axis labels
            rising = page.locator("#rising").inner_text()
            assert "Havenvakbond" in rising.splitlines()[0]  # the burst tops "rising now"
            # Untrusted text is shown, not run.
            assert XSS in page.locator("#latest").inner_text()
            assert page.evaluate("window.__xss") is None
            # Monitoring panels: the failing feed with its reason, the saved searches with their matches, the
            # degraded sources with their band, the enrichment versions and gaps.
            page.wait_for_selector("#failing-feeds tbody tr", timeout=20_000)
            feed = page.locator("#failing-feeds tbody tr", has_text=FEED_NAME).inner_text()
            assert monitoring["feed_url"] in feed and monitoring["feed_error"] in feed and "never" in feed
            assert "500" in monitoring["feed_error"]
            assert page.locator("#failing-feeds tbody tr", has_text=FEED_NAME).locator("td.n").inner_text() == "1"
            alert_row = page.locator("#alerts tbody tr", has_text=ALERT).first
            # Written in the last 24 h: the 12 of the burst and the unsafe title; in 7 days also 5 of the background.
            assert alert_row.locator("td.n").all_inner_texts() == ["13", "18"]
            matches = page.locator("#alerts ul.matches").first.inner_text()
            assert XSS in matches and "dashboard-test" in matches  # the newest match first, escaped
            assert f"{QUIET_ALERT}" in page.locator("#alerts").inner_text()  # the name shown, not run
            assert "no matches in the last 7 days" in page.locator("#alerts").inner_text()
            degraded = page.locator("#degraded tbody tr")
            assert degraded.count() == 2
            assert "silent" in degraded.nth(0).inner_text() and SILENT in degraded.nth(0).inner_text()
            assert degraded.nth(0).locator("td.n").inner_text() == "0"
            assert "flood" in degraded.nth(1).inner_text() and FLOOD in degraded.nth(1).inner_text()
            assert degraded.nth(1).locator("td.n").inner_text() == "120"
            assert page.locator("#degraded .band .range").count() == 2
            assert page.locator("#degraded-legend span").count() == 2
            coverage = page.locator("#coverage").inner_text()
            assert "dash-v1" in coverage and "dash-v2" in coverage
            assert "without entities" in page.locator("#coverage-gaps").inner_text()
            assert page.evaluate("window.__xss") is None
            page.fill("#q", "havenstaking AND Rotterdam")
            page.click("#search-form button")
            page.wait_for_selector("#results .hit mark", timeout=20_000)
            assert "hit(s)" in page.locator("#search-status").inner_text()
            page.fill("#q", "(unbalanced")
            page.click("#search-form button")
            page.wait_for_selector("#search-status .error", timeout=20_000)
            assert "expected ')'" in page.locator("#search-status").inner_text()
            page.fill("#q", "havenstaking")
            page.click("#search-form button")
            page.wait_for_selector("#results .hit mark", timeout=20_000)
            page.screenshot(path=str(SHOTS / "dashboard-1400.png"), full_page=True)
            before = page.evaluate("document.querySelector('#timeline').getAttribute('viewBox')")
            page.set_viewport_size({"width": 390, "height": 900})
            page.wait_for_function(
                f"document.querySelector('#timeline').getAttribute('viewBox') !== {before!r}", timeout=5_000
            )  # redrawn for the new width
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
            page.screenshot(path=str(SHOTS / "dashboard-390.png"), full_page=True)
            page.set_viewport_size({"width": 360, "height": 900})  # the narrowest phone we support
            page.wait_for_timeout(300)
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            assert errors == []
            # Each monitoring panel says so when it has nothing to show.
            monitoring["alerts"].remove(ALERT)
            monitoring["alerts"].remove(QUIET_ALERT)
            monitoring["registry"].remove(monitoring["feed_url"])
            monitoring["clear_baselines"]()
            page.reload()
            page.wait_for_selector("#kpis .kpi", timeout=20_000)
            page.wait_for_function("document.querySelector('#alerts').textContent.includes('no saved searches')",
                                   timeout=20_000)  # fmt: skip
            assert "no failing feeds" in page.locator("#failing-feeds").inner_text()
            assert "no degraded sources" in page.locator("#degraded").inner_text()
            assert "no baseline check has run yet" in page.locator("#degraded-note").inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            # The API documentation renders in the same offline browser (no CDN scripts).
            docs = browser.new_page()
            docs.goto(dashboard_url.replace("/dashboard", "/docs"))
            docs.wait_for_function("document.querySelectorAll('h2').length >= 8", timeout=20_000)
            assert "/search" in docs.locator("#paths").inner_text()
        finally:
            browser.close()
    assert (SHOTS / "dashboard-1400.png").stat().st_size > 10_000
    assert (SHOTS / "dashboard-390.png").stat().st_size > 10_000
