"""Static word vectors distilled from multilingual-e5-small (scripts/distil_vectors.py), one table a language.

``worker/models/vectors/{lang}.npz`` holds lower-cased words, their vectors as int8 and one float32 scale per
row (≈ 40k words x 128 dimensions, ≈ 5 MB a language). They are read once per process and shared by whoever
needs them: a spaCy ``Vectors`` table keyed by NORM for the NER models (static vectors in their tok2vec), and
word lookups for document features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from worker.tagging.paths import MODELS_DIR

if TYPE_CHECKING:
    from spacy.vectors import Vectors
    from spacy.vocab import Vocab

VECTORS_DIR = MODELS_DIR / "vectors"


class VectorsMissing(FileNotFoundError):
    """No distilled table for a language: run scripts/distil_vectors.py."""


@dataclass(frozen=True, eq=False)
class WordVectors:
    """Lower-cased words and their float32 vectors (row i is words[i]); ``index`` maps a word to its row."""

    language: str
    words: tuple[str, ...]
    matrix: np.ndarray  # (len(words), dims) float32
    index: dict[str, int]

    @property
    def dims(self) -> int:
        return int(self.matrix.shape[1])

    def get(self, word: str) -> np.ndarray | None:
        row = self.index.get(word.lower())
        return None if row is None else self.matrix[row]


def save(path: Path, words: Sequence[str], matrix: np.ndarray) -> None:
    """Write a table in the format ``load`` reads: the words, int8 rows and one float32 scale per row."""
    scale = np.abs(matrix).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(matrix / scale[:, None]).astype(np.int8)
    np.savez_compressed(path, words=np.array("\n".join(words)), q=q, scale=scale.astype(np.float32))


def path_for(language: str, directory: Path = VECTORS_DIR) -> Path:
    """Where the table of ``language`` lives, resolved (so two spellings of a directory are one table)."""
    return (directory / f"{language}.npz").resolve()


def read_quantised(language: str, path: Path) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The table as stored: its words, the int8 rows and one float32 scale per row (the one reader of the format
    ``save`` writes); raises VectorsMissing (with how to build it) when there is none."""
    if not path.exists():
        raise VectorsMissing(f"no word vectors for {language!r} at {path}: run scripts/distil_vectors.py {language}")
    with np.load(path) as data:
        words = tuple(str(data["words"]).split("\n"))
        q = np.asarray(data["q"], dtype=np.int8)
        scale = np.asarray(data["scale"], dtype=np.float32)
    if len(words) != q.shape[0] or q.shape[0] != scale.shape[0]:
        raise ValueError(f"{path}: {len(words)} words for {q.shape[0]} vectors and {scale.shape[0]} scales")
    return words, q, scale


def load(language: str, directory: Path = VECTORS_DIR) -> WordVectors:
    """The table of ``language`` as float32, read once per process whichever way the directory is named; raises
    VectorsMissing (with how to build it) when there is none."""
    return _load(language, path_for(language, directory))


@cache
def _load(language: str, path: Path) -> WordVectors:
    words, q, scale = read_quantised(language, path)
    matrix = q.astype(np.float32) * scale[:, None]
    return WordVectors(language, words, matrix, {word: row for row, word in enumerate(words)})


def spacy_vectors(language: str, vocab: Vocab, directory: Path = VECTORS_DIR) -> Vectors:
    """A spaCy ``Vectors`` table keyed by NORM (lower-cased words), its strings added to ``vocab``."""
    from spacy.vectors import Vectors

    table = load(language, directory)
    keys = [vocab.strings.add(word) for word in table.words]
    return Vectors(strings=vocab.strings, data=table.matrix, keys=keys, attr="NORM")
