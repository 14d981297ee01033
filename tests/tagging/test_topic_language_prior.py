"""A topic prior per language (data/topics/README.md, session 26 round 5): trained as one column per language, added
at tagging time for that language only, and never evidence."""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import train_topics  # noqa: E402

from worker.tagging import topics  # noqa: E402


def test_language_columns_mark_each_articles_own_language() -> None:
    columns = train_topics.language_columns(["nl", "en", "de"])
    assert train_topics.PRIOR_LANGUAGES == ("en", "nl")
    np.testing.assert_array_equal(columns, [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])


def test_design_gets_the_language_columns_last_only_when_asked() -> None:
    parsed: list[tuple[Counter[str], list[str]]] = [(Counter({"w|goal": 2}), ["goal", "goal"]),
                                                    (Counter({"w|wet": 1}), ["wet"])]
    vocabulary = {"w|goal": 0, "w|wet": 1}
    without = train_topics.design(parsed, vocabulary, ["en", "nl"])
    with_prior = train_topics.design(parsed, vocabulary, ["en", "nl"], language_prior=True)
    assert with_prior.shape[1] == without.shape[1] + 2
    np.testing.assert_array_equal(with_prior.dense[:, -2:], [[1.0, 0.0], [0.0, 1.0]])


def test_the_prior_moves_only_its_languages_scores_and_is_no_evidence() -> None:
    model = topics.topic_model()
    prior = np.zeros(len(model.codes), dtype=np.float32)
    prior[model.codes.index("12000000")] = 5.0
    with_prior = dataclasses.replace(model, language_bias={"nl": prior})
    text = ("Orkest speelt Bach in de kerk", "Het orkest speelde zondag de Matthäus-Passion voor een volle kerk.")
    plain_nl, _ = model.scores_and_evidence(*text, "nl")
    moved_nl, _ = with_prior.scores_and_evidence(*text, "nl")
    np.testing.assert_allclose(moved_nl - plain_nl, prior, atol=1e-5)
    plain_en, _ = model.scores_and_evidence(*text, "en")
    np.testing.assert_allclose(with_prior.scores_and_evidence(*text, "en")[0], plain_en)
    # Nothing the model knows: the prior alone is no evidence, so no topic fits.
    assert with_prior.scores_and_evidence("", "Xqzv blorptan vurk.", "nl")[1] is False
