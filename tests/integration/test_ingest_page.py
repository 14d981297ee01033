"""`newsworker ingest URL`: an article page fetched politely by a worker, extracted, tagged, indexed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elasticsearch import Elasticsearch

from worker.app import failure_store
from worker.cli import main
from worker.config import Settings

pytestmark = pytest.mark.integration

PAGE = """<!doctype html><html lang="en"><head><title>Harbour strike ends | Example News</title>
<meta property="og:title" content="Harbour strike in Rotterdam ends after nine days">
<meta property="article:published_time" content="2025-03-14T09:30:00+00:00">
</head><body><nav>Home | World | Sport</nav><article><h1>Harbour strike in Rotterdam ends after nine days</h1>
<p>Dock workers in Rotterdam returned to work on Friday after unions and employers agreed a new wage deal,
ending a nine-day strike that had left hundreds of containers stranded in the port.</p>
<p>The FNV union said members voted by a large majority for the agreement, which raises wages by six percent
over two years and limits night shifts for older workers.</p>
<p>Shipping companies had diverted several vessels to Antwerp and Hamburg during the strike, and the port
authority said it expected the backlog to be cleared within a week.</p></article>
<footer>Copyright Example News</footer></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/to-metadata"):
            # A redirect to a link-local address (cloud metadata): the guard must refuse it before connecting.
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news/2025/03/14/harbour-strike-ends?utm_source=rss"
    server.shutdown()


def test_page_url_is_fetched_extracted_and_indexed(
    celery_worker: None, es: Elasticsearch, settings: Settings, page_url: str
) -> None:
    assert main(["ingest", page_url]) == 0
    deadline = time.monotonic() + 120
    hits: list[dict] = []
    while time.monotonic() < deadline and not hits:
        time.sleep(1)
        es.indices.refresh(index=settings.read_alias)
        hits = es.search(index=settings.read_alias, query={"match_phrase": {"body": "Dock workers"}})["hits"]["hits"]
    assert hits, "the page never reached the index"
    article = hits[0]["_source"]
    assert article["text_source"] == "page"
    assert article["language"] == "en"
    assert "utm_source" not in article["url"]
    assert article["published_at"].startswith("2025-03-14")
    assert "Copyright" not in article["body"] and "Home | World" not in article["body"]
    assert any(e["text"] == "Rotterdam" and e["type"] == "LOC" for e in article["entities"])


def test_ingest_url_waits_for_the_page_and_a_refused_redirect_is_a_fetch_failure(
    celery_worker: None, es: Elasticsearch, settings: Settings, page_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = page_url.split("/news/")[0] + "/to-metadata"
    assert main(["ingest", page_url, bad, "--wait", "--timeout", "120"]) == 1  # one of the two failed
    out = capsys.readouterr()
    assert "indexed" in out.out and "failed 1" in out.out, out
    assert "not waited for" not in out.err
    failures = [f for f in failure_store().recent(50) if f.item_id == bad]
    assert [f.stage for f in failures] == ["fetch"], failures
    assert "169.254.169.254" in failures[0].reason or "link-local" in failures[0].reason, failures[0].reason
    assert failures[0].replay is not None and failures[0].replay[0] == "newsworker.sources.fetch_pages"
