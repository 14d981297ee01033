"""NER models trained with static vectors: the directory keeps no table, loading attaches the shared one, and
a missing or different table is a clear error (never a model silently running without its vectors)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import train_ner  # noqa: E402

from worker.tagging import entities, model_vectors, vectors  # noqa: E402

WORDS = ["philips", "amsterdam", "in", "de", "ajax", "speelt", "tegen"]


def _table(seed: int) -> SimpleNamespace:
    matrix = np.random.default_rng(seed).standard_normal((len(WORDS), 8)).astype(np.float32)
    return SimpleNamespace(words=list(WORDS), matrix=matrix, index={w: i for i, w in enumerate(WORDS)})


def _use_table(monkeypatch: pytest.MonkeyPatch, table: SimpleNamespace | Exception) -> None:
    """Make worker.tagging.vectors serve this small table (or fail with this error) instead of nl.npz."""
    from spacy.vectors import Vectors

    def load(language: str, directory: Any = None) -> Any:
        if isinstance(table, Exception):
            raise table
        return table

    def spacy_vectors(language: str, vocab: Any) -> Vectors:
        loaded = load(language)
        keys = [vocab.strings.add(w) for w in loaded.words]
        return Vectors(strings=vocab.strings, data=loaded.matrix, keys=keys, attr="NORM")

    monkeypatch.setattr(vectors, "load", load)
    monkeypatch.setattr(vectors, "spacy_vectors", spacy_vectors)
    model_vectors.table_fingerprint.cache_clear()


@pytest.fixture
def trained_with_vectors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny Dutch NER model with static vectors, written the way train_ner.py writes one."""
    import spacy
    from spacy.training import Example

    _use_table(monkeypatch, _table(0))
    nlp = spacy.blank("nl")
    nlp.vocab.vectors = vectors.spacy_vectors("nl", nlp.vocab)
    tok2vec = {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 16, "attrs": ["NORM", "SHAPE"],
                  "rows": [100, 50], "include_static_vectors": True},
        "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 16, "depth": 1, "window_size": 1,
                   "maxout_pieces": 2},
    }
    nlp.add_pipe("ner", config={"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": 8, "maxout_pieces": 2, "use_upper": True, "nO": None, "tok2vec": tok2vec}})
    text = "Philips in Amsterdam"
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": [(0, 7, "ORG"), (11, 20, "LOC")]})]
    nlp.initialize(lambda: examples)
    path = tmp_path / "model"
    nlp.to_disk(path)
    train_ner.drop_vectors(path, "nl")
    model_vectors.table_fingerprint.cache_clear()
    return path


def test_a_model_trained_with_vectors_keeps_no_table_and_gets_the_shared_one(
        trained_with_vectors: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    assert spacy.load(trained_with_vectors).vocab.vectors.shape[0] == 0  # the directory carries none
    _use_table(monkeypatch, _table(0))
    nlp = entities._load_spacy_model(str(trained_with_vectors))
    assert nlp is not None
    assert nlp.vocab.vectors.shape == (len(WORDS), 8)
    assert nlp.vocab.vectors.attr == spacy.attrs.NORM
    assert np.array_equal(nlp.vocab.vectors[nlp.vocab.strings["amsterdam"]], _table(0).matrix[1])
    assert len(nlp("Ajax speelt tegen Philips in Amsterdam")) == 6


def test_a_missing_table_is_a_clear_error(trained_with_vectors: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_table(monkeypatch, FileNotFoundError("worker/models/vectors/nl.npz"))
    with pytest.raises(model_vectors.MissingVectorsError, match=r"needs the static vectors of 'nl'"):
        entities._load_spacy_model(str(trained_with_vectors))


def test_a_different_table_is_a_clear_error(trained_with_vectors: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _use_table(monkeypatch, _table(1))
    with pytest.raises(model_vectors.MissingVectorsError, match="retrain the model"):
        entities._load_spacy_model(str(trained_with_vectors))


def test_a_model_with_vectors_that_names_no_table_is_refused(
        trained_with_vectors: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    meta_path = trained_with_vectors / "meta.json"
    meta = json.loads(meta_path.read_text())
    del meta["newsworker"]
    meta_path.write_text(json.dumps(meta))
    _use_table(monkeypatch, _table(0))
    with pytest.raises(model_vectors.MissingVectorsError, match="names none"):
        entities._load_spacy_model(str(trained_with_vectors))


def test_models_without_static_vectors_are_left_alone() -> None:
    assert not model_vectors.uses_static_vectors({"components": {"tok2vec": {"model": {"embed": {
        "include_static_vectors": False}}}}})
    assert model_vectors.uses_static_vectors({"components": {"ner": {"model": {"tok2vec": {"embed": {
        "include_static_vectors": True}}}}}})


def test_training_puts_the_table_keyed_by_norm_into_the_vocab(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not through `[initialize] vectors`: spaCy reads a table back from disk keyed by ORTH, and names (capitalised)
    would get no vector in training."""
    import ner_vectors
    import spacy

    _use_table(monkeypatch, _table(0))
    arguments = train_ner.vectors_arguments("nl")
    assert "--paths.vectors" not in arguments and "--code" in arguments
    nlp = spacy.registry.callbacks.get(ner_vectors.CALLBACK)("nl")(spacy.blank("nl"))
    assert nlp.vocab.vectors.attr == spacy.attrs.NORM
    doc = nlp("Amsterdam")
    assert doc[0].norm_ == "amsterdam" and nlp.vocab.vectors.find(key=doc[0].norm) == 1


def test_the_shipped_dutch_model_runs_with_the_shared_table_one_copy_per_process() -> None:
    nlp = entities._load_spacy_model("newsworker:nl_ner")
    again = entities._load_spacy_model("newsworker:nl_ner")
    assert nlp is not None and again is not None
    assert model_vectors.uses_static_vectors(nlp.config)
    table = vectors.load("nl", vectors.VECTORS_DIR)  # the cache entry spacy_vectors uses
    assert nlp.vocab.vectors.shape == table.matrix.shape
    assert np.shares_memory(nlp.vocab.vectors.data, table.matrix)  # one copy, however many pipelines
    assert np.shares_memory(again.vocab.vectors.data, table.matrix)
    assert (entities.MODELS_DIR / "nl_ner" / "vocab" / "vectors").stat().st_size < 1000  # no copy in git
