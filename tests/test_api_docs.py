"""The API's documentation page works offline: no external script or style, rendered from /openapi.json."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from worker.api import app


def test_docs_page_has_no_external_assets_and_the_schema_lists_the_endpoints() -> None:
    client = TestClient(app)
    page = client.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page.text)
    assert client.get("/redoc").status_code == 404
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/search", "/export", "/timeline", "/trends", "/articles/{article_id}/similar", "/documents"} <= set(paths)
