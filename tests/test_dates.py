from __future__ import annotations

from datetime import UTC, datetime

import pytest

from worker.dates import DateCandidate, DateParseError, choose_published, format_partial_date, parse_date

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "precision", "formatted"),
    [
        ("2021", "year", "2021"),
        ("2021-04", "month", "2021-04"),
        ("2021-04-14", "day", "2021-04-14"),
        ("2021-04-14T10:30:00+02:00", "second", "2021-04-14T08:30:00Z"),
        ("Wed, 14 Apr 2021 10:30:00 GMT", "second", "2021-04-14T10:30:00Z"),
        ("2021-04-01T10:00:00Z", "second", "2021-04-01T10:00:00Z"),
        ("2021-04-01 10:00:00.5+02:00", "second", "2021-04-01T08:00:00Z"),
        ("20210401", "day", "2021-04-01"),
    ],
)
def test_partial_dates_keep_their_precision(text: str, precision: str, formatted: str) -> None:
    value, got = parse_date(text)
    assert got == precision
    assert format_partial_date(value, got) == formatted


@pytest.mark.parametrize(
    "text", ["2022-13", "0000-00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00", "2021-04-01T25:00"]
)
def test_impossible_and_out_of_range_dates_are_parse_errors_only(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_date(text)


def test_nonsense_is_a_parse_error() -> None:
    with pytest.raises(DateParseError):
        parse_date("2021-13")
    with pytest.raises(DateParseError):
        parse_date("soon")


def test_first_plausible_candidate_wins_and_rejections_are_kept() -> None:
    old = DateCandidate(datetime(1970, 1, 1, tzinfo=UTC), "second", "page-meta")
    good = DateCandidate(datetime(2025, 6, 1, tzinfo=UTC), "day", "url")
    chosen = choose_published([old, good], NOW)
    assert (chosen.source, chosen.precision) == ("url", "day")
    assert chosen.rejected and "before 1990" in chosen.rejected[0]
