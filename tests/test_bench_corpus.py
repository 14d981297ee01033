"""The benchmark suite's corpus and its selection flags (bench/suite.py, issue 14)."""

from __future__ import annotations

import argparse
import statistics

import pytest

from bench.suite import corpus, picks, word_range


def test_the_corpus_is_distinct_alternates_languages_and_follows_the_length_range() -> None:
    default = corpus(120)
    short = corpus(120, length=(400, 480))
    assert len({text for _, text, _ in default}) == 120  # every article distinct
    assert [language for language, _, _ in default[:4]] == ["nl", "en", "nl", "en"]
    # the snippets drawn stop at the drawn target; the header lines and the last snippet add a little
    assert 440 <= statistics.mean(w for _, _, w in short) <= 560
    assert statistics.mean(w for _, _, w in default) > 650
    assert all(text.startswith("date 2026-11-") for _, text, _ in short)


def test_a_longer_corpus_starts_with_the_shorter_one() -> None:
    """The suite builds one corpus for its longest run; (c) and the side shapes read its first articles."""
    assert corpus(300)[:100] == corpus(100)


def test_words_is_parsed_as_a_range_and_refused_otherwise() -> None:
    assert word_range("400-480") == (400, 480)
    for bad in ("480-400", "500", "a-b", "0-10"):
        with pytest.raises(argparse.ArgumentTypeError):
            word_range(bad)


def test_shapes_are_picked_by_bar_separated_names_that_contain_commas() -> None:
    target = "tagging on, 2 processes, batch 50"
    assert picks("", "tagging off, 2 processes, batch 50")
    assert picks(target, target)
    assert not picks(target, "tagging on, 1 process, batch 50")  # a comma split would have picked it
    assert picks(f"tagging off|{target}", "tagging off, 2 processes, batch 50")
