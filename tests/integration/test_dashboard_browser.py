"""The dashboard in headless Chromium (Debian's `chromium` through Playwright) against real indexed data.

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
from pathlib import Path

import pytest
import uvicorn
from elasticsearch import Elasticsearch

from tests.integration.cleanup import delete_sources
from worker.article import Article, Entity, Topic
from worker.config import Settings
from worker.index.store import index_articles

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("NEWSWORKER_SCREENSHOTS", REPO / ".run" / "screenshots"))
XSS = '<img src=x onerror="window.__xss=1">'


def _browser_path() -> str:
    path = os.environ.get("NEWSWORKER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("no Chromium for the dashboard test: apt-get install chromium (or set NEWSWORKER_CHROMIUM)")
    return path


def _article(n: int, hours_ago: float, entities: list[Entity], title: str | None = None) -> Article:
    digest = hashlib.sha256(f"dashboard{n}".encode()).hexdigest()
    when = datetime.now(UTC) - timedelta(hours=hours_ago)
    return Article(
        id=digest,
        source="dashboard-test",
        title=title or f"Havenstaking in Rotterdam dag {n}",
        body=f"De havenstaking in Rotterdam duurt voort, bericht {n}. Vakbond en werkgevers praten.",
        content_hash=digest,
        language="nl",
        published_at=when.isoformat(),
        published_precision="second",
        entities=entities,
        topics=[Topic(code="09000000", label="arbeid", score=0.8)],
    )


@pytest.fixture(scope="module")
def dashboard_url(es: Elasticsearch, settings: Settings) -> Iterator[str]:
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


def test_dashboard_fills_its_panels_searches_and_fits_small_screens(dashboard_url: str) -> None:
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
            assert errors == []
            # The API documentation renders in the same offline browser (no CDN scripts).
            docs = browser.new_page()
            docs.goto(dashboard_url.replace("/dashboard", "/docs"))
            docs.wait_for_function("document.querySelectorAll('h2').length >= 8", timeout=20_000)
            assert "/search" in docs.locator("#paths").inner_text()
        finally:
            browser.close()
    assert (SHOTS / "dashboard-1400.png").stat().st_size > 10_000
    assert (SHOTS / "dashboard-390.png").stat().st_size > 10_000
