from __future__ import annotations

import gc

import pytest

from worker.cli import CliError, build_parser, worker_commands
from worker.normalise import escape_for_terminal


def commands(*argv: str) -> list[list[str]]:
    return worker_commands(build_parser().parse_args(["worker", *argv]))


def test_default_worker_runs_one_celery_worker_per_queue_with_its_own_pool() -> None:
    ingest, sources = commands("--concurrency", "2")
    assert ingest[ingest.index("--queues") + 1] == "ingest" and ingest[ingest.index("--pool") + 1] == "prefork"
    assert ingest[ingest.index("--concurrency") + 1] == "2"
    assert sources[sources.index("--queues") + 1] == "sources" and sources[sources.index("--pool") + 1] == "threads"


def test_worker_passes_pool_options_and_celery_arguments_through() -> None:
    [only] = commands("--queues", "sources", "--fetch-pool", "prefork", "--fetch-concurrency", "4", "--", "-O", "fair")
    assert only[only.index("--pool") + 1] == "prefork" and only[only.index("--concurrency") + 1] == "4"
    assert only[-2:] == ["-O", "fair"]
    with pytest.raises(CliError, match="unknown queue"):
        commands("--queues", "ingest,bogus")


def test_untrusted_text_is_escaped_for_the_terminal() -> None:
    assert escape_for_terminal("source \x1b[31mred\x1b[0m\nnext") == "source \\x1b[31mred\\x1b[0m\\x0anext"
    assert escape_for_terminal("Oekraïne — ok") == "Oekraïne — ok"


def test_retag_with_a_bad_query_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from worker.cli import main

    assert main(["retag", "--query", "(unbalanced"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


def _worker_consuming(*queues: str) -> object:
    from types import SimpleNamespace

    queue_set = SimpleNamespace(consume_from=dict.fromkeys(queues))
    return SimpleNamespace(app=SimpleNamespace(amqp=SimpleNamespace(queues=queue_set)))


def test_only_a_worker_that_consumes_ingest_loads_the_tagging_models(monkeypatch: pytest.MonkeyPatch) -> None:
    import worker.app
    import worker.tagging

    loaded: list[int] = []
    monkeypatch.setattr(worker.tagging, "tag_articles", lambda articles: loaded.append(len(articles)))
    worker.app._preload_models(sender=_worker_consuming("sources"))
    assert loaded == []  # the fetching worker: no models
    worker.app._preload_models(sender=_worker_consuming("ingest"))
    worker.app._preload_models(sender=_worker_consuming("ingest", "sources"))
    assert loaded == [2, 2]
    gc.unfreeze()


def test_the_preloaded_models_are_moved_out_of_the_collectors_sight_before_the_fork(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A collection in a child would otherwise write to every tracked object's header and copy the shared pages:
    # PSS of two processes 877/838 -> 797/787 MB (bench/RESULTS.md, 2026-12-01 07:45).
    import worker.app
    import worker.tagging

    monkeypatch.setattr(worker.tagging, "tag_articles", lambda articles: None)
    gc.unfreeze()
    try:
        worker.app._preload_models(sender=_worker_consuming("sources"))
        assert gc.get_freeze_count() == 0  # nothing loaded, nothing to freeze
        worker.app._preload_models(sender=_worker_consuming("ingest"))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_api_serves_on_uvloop_with_the_httptools_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from worker.cli import main

    calls: list[tuple[tuple[object, ...], dict[str, object]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert main(["api", "--host", "127.0.0.1", "--port", "8123"]) == 0
    [(args, kwargs)] = calls
    assert args == ("worker.api:app",) and kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8123
    assert kwargs["loop"] == "uvloop" and kwargs["http"] == "httptools"
    # Both installed (pinned): uvicorn would otherwise fail at start rather than fall back.
    config = uvicorn.Config("worker.api:app", loop="uvloop", http="httptools")
    loop_factory = config.get_loop_factory()
    assert loop_factory is not None and loop_factory.__module__.startswith("uvloop")
    config.load()
    assert config.http_protocol_class.__module__ == "uvicorn.protocols.http.httptools_impl"
