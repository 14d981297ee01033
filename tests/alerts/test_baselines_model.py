"""The source-volume model without services: Poisson tails, the band, and when a source may alert."""

from __future__ import annotations

import math

import pytest

from worker.alerts.baselines import assess, poisson_cdf, poisson_quantile, poisson_sf

ALPHA = 0.001


def test_poisson_tails_match_the_closed_forms() -> None:
    assert poisson_cdf(0, 3.0) == pytest.approx(math.exp(-3))
    assert poisson_cdf(2, 3.0) == pytest.approx(math.exp(-3) * (1 + 3 + 4.5))
    assert poisson_sf(0, 3.0) == 1.0 and poisson_sf(1, 3.0) == pytest.approx(1 - math.exp(-3))
    assert poisson_cdf(900, 1000.0) < 0.002 and poisson_cdf(1100, 1000.0) > 0.998  # large rates, log space
    assert poisson_quantile(0.5, 10.0) == 10


def test_steady_source_is_ok() -> None:
    v = assess("s", 18, [17, 19, 18, 20, 16], min_weeks=3, alpha=ALPHA, window_hours=6)
    assert v.status == "ok" and v.low <= 18 <= v.high


def test_silence_of_a_busy_source_is_caught() -> None:
    v = assess("s", 0, [17, 19, 18, 20, 16], min_weeks=3, alpha=ALPHA, window_hours=6)
    assert v.status == "silent" and "0 article(s) in the last 6 h, expected 18.0" in v.reason


def test_flood_is_caught() -> None:
    v = assess("s", 120, [17, 19, 18, 20, 16], min_weeks=3, alpha=ALPHA, window_hours=6)
    assert v.status == "flood" and v.high < 120


def test_a_sparse_source_is_not_called_silent_for_an_empty_window() -> None:
    assert assess("s", 0, [1, 0, 2, 1, 0, 1], min_weeks=3, alpha=ALPHA, window_hours=6).status == "ok"


def test_weeks_that_disagree_widen_the_band() -> None:
    """A source busy some weeks and quiet others is not a flood at its busy level."""
    assert assess("s", 40, [10, 40, 12, 38, 11], min_weeks=3, alpha=ALPHA, window_hours=6).status == "ok"
    assert assess("s", 40, [10, 11, 12, 10, 11], min_weeks=3, alpha=ALPHA, window_hours=6).status == "flood"


def test_too_little_history_is_learning_never_an_alert() -> None:
    v = assess("s", 500, [10, 10], min_weeks=3, alpha=ALPHA, window_hours=6)
    assert v.status == "learning" and not v.degraded and "2 of 3 weeks" in v.reason


def test_a_source_new_to_a_quiet_slot_floods_only_clearly() -> None:
    assert assess("s", 2, [0, 0, 0, 0], min_weeks=3, alpha=ALPHA, window_hours=6).status == "ok"
    assert assess("s", 30, [0, 0, 0, 0], min_weeks=3, alpha=ALPHA, window_hours=6).status == "flood"
