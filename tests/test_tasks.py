from __future__ import annotations

import elasticsearch
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig

from worker.tasks import is_transient


def _api_error(status: int) -> elasticsearch.ApiError:
    meta = ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "127.0.0.1", 9200),
    )
    return elasticsearch.ApiError("error", meta=meta, body={})


def test_overload_and_unready_shards_are_retried_but_bad_requests_are_not() -> None:
    assert is_transient(_api_error(503))
    assert is_transient(_api_error(429))
    assert not is_transient(_api_error(400))
    assert is_transient(elasticsearch.ConnectionError("refused"))
