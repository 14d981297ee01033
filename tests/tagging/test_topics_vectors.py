"""Document vectors of the topic model: SIF-weighted means, and the per-word projection the tagger keeps."""

from __future__ import annotations

import numpy as np
import pytest

from worker.tagging.topic_vectors import SifTable, VectorStandardiser, fit_standardiser, project, words_digest

WORDS = ["phone", "network", "goal", "match", "the"]


def table(dims: int = 4, seed: int = 3) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    index = {w: i for i, w in enumerate(WORDS)}
    return index, rng.normal(size=(len(WORDS), dims)).astype(np.float32), np.array([1.0, 0.5, 1.0, 0.25, 0.01])


def test_weighted_mean_counts_each_known_content_word_by_its_sif_weight() -> None:
    index, matrix, sif = table()
    sif_table = SifTable(index, matrix, sif.astype(np.float32))
    mean = sif_table.weighted_mean(["phone", "network", "network", "the", "unknownword"])
    # "the" is a stop word and "unknownword" is not in the table: only phone (1.0) and network twice (0.5 each).
    expected = (1.0 * matrix[0] + 0.5 * matrix[1] + 0.5 * matrix[1]) / 2.0
    assert mean is not None
    np.testing.assert_allclose(mean, expected, rtol=1e-6)
    assert sif_table.weighted_mean(["the", "unknownword"]) is None


def test_projected_scores_equal_the_standardised_mean_vector_times_the_weights() -> None:
    index, matrix, sif = table()
    weights = np.random.default_rng(5).normal(size=(4, 17)).astype(np.float32)
    full = SifTable(index, matrix, sif.astype(np.float32))
    standardiser = fit_standardiser([full.weighted_mean(["phone", "goal"]), full.weighted_mean(["match"]), None], 4)
    projected = project(index, matrix, sif, standardiser, weights)
    tokens = ["goal", "match", "match", "network"]
    expected = standardiser.features(full.weighted_mean(tokens)) @ weights
    scores = projected.scores(tokens)
    assert scores is not None
    np.testing.assert_allclose(scores, expected, rtol=1e-4, atol=1e-5)
    # No known word: the vector part adds nothing, as the zero feature row does in training.
    assert projected.scores(["the", "xyzzy"]) is None
    np.testing.assert_array_equal(standardiser.features(None), np.zeros(4, dtype=np.float32))
    # The tagger keeps one row of topic scores per word, not the vectors.
    assert projected.table.rows.shape == (len(WORDS), 17)


def test_standardiser_ignores_texts_without_known_words_and_never_divides_by_zero() -> None:
    standardiser = fit_standardiser([np.array([1.0, 2.0]), np.array([3.0, 2.0]), None], 2)
    np.testing.assert_allclose(standardiser.mean, [2.0, 2.0])
    assert standardiser.scale[1] > 0  # a constant dimension
    assert isinstance(standardiser, VectorStandardiser)


def test_words_digest_depends_on_the_words_and_their_order() -> None:
    assert words_digest(["a", "b"]) == words_digest(["a", "b"])
    assert words_digest(["a", "b"]) != words_digest(["b", "a"])


def test_model_refuses_a_vectors_table_it_was_not_trained_with(monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.tagging import topics
    from worker.tagging.topic_vectors import StoredTable, read_stored_table

    def other_table(language: str) -> StoredTable:
        table = read_stored_table(language)
        words = ("zzzother", *table.words[1:])
        return StoredTable(words, {w: i for i, w in enumerate(words)}, table.q, table.scale)

    monkeypatch.setattr(topics, "read_stored_table", other_table)
    with pytest.raises(RuntimeError, match=r"re-run scripts/train_topics\.py"):
        topics.load_model(topics.MODEL_PATH)


def test_stored_int8_table_projects_like_the_float_table_the_vectors_module_reads() -> None:
    from worker.tagging import vectors
    from worker.tagging.topic_vectors import read_stored_table

    stored = read_stored_table("en")
    table = vectors.load("en")
    assert stored.words == table.words
    weights = np.random.default_rng(1).normal(size=(table.dims, 17)).astype(np.float32)
    standardiser = VectorStandardiser(np.zeros(table.dims, dtype=np.float32), np.ones(table.dims, dtype=np.float32))
    sif = np.ones(len(table.words), dtype=np.float32)
    from_int8 = project(stored.index, stored.q, sif, standardiser, weights, row_scale=stored.scale)
    from_float = project(table.index, table.matrix, sif, standardiser, weights)
    np.testing.assert_allclose(from_int8.table.rows, from_float.table.rows, rtol=1e-4, atol=1e-5)


def test_shipped_model_uses_document_vectors_in_both_languages() -> None:
    from worker.tagging.topics import topic_model

    model = topic_model()
    assert set(model.vectors) == {"nl", "en"}
    for projected in model.vectors.values():
        assert projected.table.rows.shape[1] == len(model.codes)


@pytest.mark.parametrize(
    ("language", "text", "topic"),
    [
        ("en", "The striker scored twice and the goalkeeper saved a penalty as the champions won the league match "
         "in front of a full stadium.", "15000000"),
        ("en", "The new smartphone has a faster processor, a brighter screen and software updates for seven years; "
         "its battery and camera impressed reviewers.", "13000000"),
        ("nl", "De spits scoorde twee keer en de keeper stopte een strafschop, waardoor de kampioen de "
         "competitiewedstrijd in een vol stadion won.", "15000000"),
    ],
)
def test_document_vectors_alone_point_to_the_story_topic(language: str, text: str, topic: str) -> None:
    from worker.tagging.topic_features import words
    from worker.tagging.topics import topic_model

    model = topic_model()
    scores = model.vectors[language].scores(words(text))
    assert scores is not None
    assert model.codes[int(np.argmax(scores))] == topic
