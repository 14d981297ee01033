"""`newsworker search` and `export` refuse bad input with one line and exit status 2 (no services needed)."""

from __future__ import annotations

import pytest

from worker.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "(unbalanced"], "expected ')' at 11"),
        (["search", "title:"], "expected a value after 'title:' at 6"),
        (["search", "--since", "2022-13"], "not a calendar date"),
        (["search", "--size", "20000"], "size must be between 0 and 100"),
        (["search", "--offset", "9995"], "cursor"),
        (["search", "--cursor", "garbage"], "cursor"),
        (["export", '"open'], "unterminated phrase"),
        (["export", "--fields", "id,secret"], "unknown field"),
        (["export", "--until", "someday"], "someday"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unreachable_elasticsearch_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from worker.config import get_settings

    monkeypatch.setenv("NEWSWORKER_ES_URL", "http://127.0.0.1:9")
    get_settings.cache_clear()
    try:
        assert main(["search", "storm"]) == 1
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert err.startswith("error: Elasticsearch at http://127.0.0.1:9") and "Traceback" not in err
