"""`/alerts`: saved searches with webhooks over HTTP, the same operations as `newsworker alerts`.

worker/api.py includes this router behind the `write` scope: alerts carry webhook URLs and signing secrets.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import redis
from elasticsearch import Elasticsearch
from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from worker.alerts.preview import preview
from worker.alerts.store import Alert, AlertError, AlertStore
from worker.config import get_settings
from worker.index.store import connect

router = APIRouter(prefix="/alerts", tags=["alerts"])


@lru_cache(maxsize=1)
def _redis() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url, socket_timeout=2)


@lru_cache(maxsize=1)
def _es() -> Elasticsearch:
    return connect(get_settings())


def _store() -> AlertStore:
    return AlertStore(_redis(), get_settings().index_prefix)


def _get(name: str) -> Alert:
    alert = _store().get(name)
    if alert is None:
        raise HTTPException(404, f"no alert named '{name}'")
    return alert


class NewAlert(BaseModel):
    name: str
    query: str = ""
    lang: list[str] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)
    entity: list[str] = Field(default_factory=list)
    webhook: str
    kind: str = "search"
    replace: bool = False


@router.get("")
def list_alerts() -> dict[str, Any]:
    return {"alerts": [a.public() for a in _store().all()]}


@router.post("", status_code=201, response_model=None)
def add_alert(new: NewAlert) -> dict[str, Any] | JSONResponse:
    alert = Alert(**new.model_dump(exclude={"replace"}))
    try:
        _store().add(alert, replace=new.replace)
    except AlertError as exc:
        status = 409 if "exists" in str(exc) else 400
        return JSONResponse({"error": str(exc), "param": exc.param}, status_code=status)
    return {**alert.public(), "secret": alert.secret}


@router.get("/{name}")
def show_alert(name: str) -> dict[str, Any]:
    alert = _get(name)
    return {**alert.public(), "recent_matches": _store().recent(name)}


@router.delete("/{name}")
def remove_alert(name: str) -> dict[str, Any]:
    if not _store().remove(name):
        raise HTTPException(404, f"no alert named '{name}'")
    return {"removed": name}


@router.get("/{name}/test")
def test_alert(name: str, since: str = "30d", until: str | None = None) -> dict[str, Any]:
    """Per-day counts and examples of what the alert would have matched (SearchError -> 400 in worker/api.py)."""
    return preview(_es(), get_settings(), _get(name), since=since, until=until)
