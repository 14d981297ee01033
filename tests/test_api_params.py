"""/search reads its parameters as one model: the same values, errors and documentation as typed parameters."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request

from worker.api import Multi, SearchParams, app, search_params


def request_for(query_string: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/search", "query_string": query_string.encode(),
                    "headers": []})  # fmt: skip


def test_search_params_convert_like_typed_parameters() -> None:
    p = search_params(request_for("q=navo&lang=nl,en&lang=-de&size=5&size=7&facets=true&unique=1&other=x"))
    assert p.q == "navo" and p.lang == ["nl,en", "-de"] and p.topic is None
    assert p.size == 7  # a repeated single value: the last one, as FastAPI reads it
    assert p.facets is True and p.unique is True and p.offset == 0 and p.sort == "relevance"
    assert search_params(request_for("")) == SearchParams()


@pytest.mark.parametrize(("query_string", "param"), [("size=ten", "size"), ("offset=1.5", "offset"),
                                                      ("facets=perhaps", "facets")])  # fmt: skip
def test_a_value_that_does_not_convert_is_a_validation_error_naming_it(query_string: str, param: str) -> None:
    with pytest.raises(RequestValidationError) as caught:
        search_params(request_for(query_string))
    error = caught.value.errors()[0]
    assert error["loc"] == ("query", param)
    typed = typed_error(query_string)
    assert error["msg"] == typed["msg"] and error["type"] == typed["type"]


def typed_error(query_string: str) -> Any:
    """The error FastAPI gives the same query string with /search's parameters declared one by one."""
    from fastapi.testclient import TestClient

    typed = FastAPI()

    @typed.get("/search")
    def search(q: str = "", lang: Multi = None, size: int = 10, offset: int = 0, facets: bool = False) -> None:
        return None

    body = TestClient(typed).get(f"/search?{query_string}").json()
    return body["detail"][0]


def test_the_openapi_schema_documents_every_search_parameter() -> None:
    documented = app.openapi()["paths"]["/search"]["get"]["parameters"]
    typed = FastAPI()

    @typed.get("/search")
    def search(
        q: str = "", lang: Multi = None, topic: Multi = None, entity: Multi = None, since: str | None = None,
        until: str | None = None, source: Multi = None, size: int = 10, offset: int = 0, sort: str = "relevance",
        facets: bool = False, cursor: str | None = None, unique: bool = False,
    ) -> None:  # fmt: skip
        return None

    assert documented == typed.openapi()["paths"]["/search"]["get"]["parameters"]
