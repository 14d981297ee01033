"""Publication dates you can trust: parse what a source says, reject the implausible, keep the provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

DatePrecision = Literal["year", "month", "day", "second"]
DateSource = Literal["header", "feed", "page-jsonld", "page-meta", "url", "ingested"]

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# Clocks and time zones disagree a little; more than this in the future is a wrong date, not news.
FUTURE_SKEW = timedelta(hours=26)

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class DateParseError(ValueError):
    """A date string that no known format explains."""


@dataclass(frozen=True)
class DateCandidate:
    """One claim about when an article was published, and who made it."""

    value: datetime
    precision: DatePrecision
    source: DateSource


@dataclass(frozen=True)
class ChosenDate:
    value: datetime
    precision: DatePrecision
    source: DateSource
    rejected: tuple[str, ...] = ()


def parse_date(text: str) -> tuple[datetime, DatePrecision]:
    """Parse 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' or an ISO 8601 / RFC 2822 timestamp into UTC.

    A partial date keeps its precision: '2021-04' is April 2021, not the first of April; other ISO 8601
    dates without a time ('20210401', '2021-W13-1') are days; a datetime
    ('2021-04-01T10:00:00Z', '2021-04-01 10:00+02:00') is second precision. Anything else, including
    out-of-range values, raises DateParseError and nothing else.
    """
    text = text.strip()
    match = _PARTIAL.match(text)
    if match:
        year, month, day = match.groups()
        try:
            value = datetime(int(year), int(month or 1), int(day or 1), tzinfo=UTC)
        except ValueError as exc:
            raise DateParseError(f"not a calendar date: {text!r}") from exc
        precision: DatePrecision = "day" if day else "month" if month else "year"
        return value, precision
    try:
        day_only = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime(day_only.year, day_only.month, day_only.day, tzinfo=UTC), "day"
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError) as exc:
            raise DateParseError(f"unrecognised date: {text!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC), "second"
    except OverflowError as exc:
        raise DateParseError(f"date out of range: {text!r}") from exc


def format_partial_date(value: datetime, precision: DatePrecision) -> str:
    """ISO 8601 truncated to what is known: '2021', '2021-04', '2021-04-14' or a full UTC timestamp."""
    value = value.astimezone(UTC)
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if precision == "day":
        return value.date().isoformat()
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def implausibility(candidate: DateCandidate, now: datetime) -> str | None:
    """Why a date cannot be a publication date, or None when it can."""
    if candidate.value > now + FUTURE_SKEW:
        return f"{candidate.source}: {candidate.value.isoformat()} is in the future"
    if candidate.value < EARLIEST:
        return f"{candidate.source}: {candidate.value.isoformat()} is before {EARLIEST.year}"
    return None


def choose_published(candidates: list[DateCandidate], now: datetime) -> ChosenDate:
    """First plausible candidate in the caller's order of trust; else the ingestion time.

    Rejections are returned so the record says why a source's date was not used.
    """
    rejected: list[str] = []
    for candidate in candidates:
        reason = implausibility(candidate, now)
        if reason is None:
            return ChosenDate(candidate.value, candidate.precision, candidate.source, tuple(rejected))
        rejected.append(reason)
    return ChosenDate(now, "second", "ingested", tuple(rejected))
