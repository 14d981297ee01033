"""The distilled word vectors: file format, lookups by NORM, and the shipped tables' neighbourhoods."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import spacy

from worker.tagging import vectors

ROOT = Path(__file__).resolve().parents[2]


def _distil_module():  # scripts/ is not a package
    spec = importlib.util.spec_from_file_location("distil_vectors", ROOT / "scripts" / "distil_vectors.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_table(directory: Path, language: str, words: list[str], matrix: np.ndarray) -> None:
    q, scale = _distil_module().quantise(matrix)
    np.savez_compressed(directory / f"{language}.npz", words=np.array("\n".join(words)), q=q, scale=scale)


def test_table_round_trips_within_int8_precision(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(3, 8)).astype(np.float32)
    _write_table(tmp_path, "xx", ["een", "twee", "drie"], matrix)
    table = vectors.load("xx", tmp_path)
    assert table.words == ("een", "twee", "drie") and table.dims == 8
    assert np.abs(table.matrix - matrix).max() <= np.abs(matrix).max() / 127
    found = table.get("Twee")
    assert found is not None and np.allclose(found, table.matrix[1])
    assert table.get("vier") is None


def test_missing_table_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(vectors.VectorsMissing, match=r"distil_vectors\.py zz"):
        vectors.load("zz", tmp_path)


def test_spacy_table_is_keyed_by_norm(tmp_path: Path) -> None:
    matrix = np.eye(2, dtype=np.float32)
    _write_table(tmp_path, "yy", ["duitsland", "maandag"], matrix)
    nlp = spacy.blank("nl")
    nlp.vocab.vectors = vectors.spacy_vectors("yy", nlp.vocab, tmp_path)
    doc = nlp("DUITSLAND Maandag onbekend")
    assert np.allclose(doc[0].vector, [1, 0]) and np.allclose(doc[1].vector, [0, 1])
    assert not doc[2].has_vector


def test_reduce_centres_and_keeps_the_main_directions() -> None:
    rng = np.random.default_rng(1)
    raw = rng.normal(size=(200, 16)) + 5.0  # anisotropic: every row shares a large common component
    raw[:, 0] *= 10
    reduced, explained = _distil_module().reduce(raw.astype(np.float32), 4)
    assert reduced.shape == (200, 4)
    assert np.allclose(reduced.mean(axis=0), 0, atol=1e-3)
    assert 0 < explained < 1


@pytest.mark.parametrize(
    ("language", "word", "neighbours"),
    [
        ("nl", "maandag", {"dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"}),
        ("nl", "frankrijk", {"belgië", "parijs", "france"}),
        ("en", "germany", {"netherlands", "belgium", "england", "greece", "hungary", "deutschland"}),
        ("en", "france", {"paris", "parisian", "french"}),
    ],
)
def test_shipped_tables_put_related_words_together(language: str, word: str, neighbours: set[str]) -> None:
    table = vectors.load(language)
    row = table.matrix[table.index[word]]
    norms = np.linalg.norm(table.matrix, axis=1) * np.linalg.norm(row)
    cosine = table.matrix @ row / np.maximum(norms, 1e-9)
    nearest = {table.words[i] for i in np.argsort(-cosine)[1:11]}
    assert nearest & neighbours, f"{word}: {sorted(nearest)}"
