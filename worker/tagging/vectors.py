"""Static word vectors distilled from multilingual-e5-small (scripts/distil_vectors.py), one table a language.

``worker/models/vectors/{lang}.npz`` holds lower-cased words, their vectors as int8 and one float32 scale per
row (≈ 40k words x 128 dimensions, ≈ 5 MB a language). They are read once per process and shared by whoever
needs them: a spaCy ``Vectors`` table keyed by NORM for the NER models (static vectors in their tok2vec), and
word lookups for document features.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.vectors import Vectors
    from spacy.vocab import Vocab

VECTORS_DIR = Path(__file__).resolve().parent.parent / "models" / "vectors"


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


def path_for(language: str, directory: Path = VECTORS_DIR) -> Path:
    return directory / f"{language}.npz"


@cache
def load(language: str, directory: Path = VECTORS_DIR) -> WordVectors:
    """The table of ``language``; raises VectorsMissing (with how to build it) when there is none."""
    path = path_for(language, directory)
    if not path.exists():
        raise VectorsMissing(f"no word vectors for {language!r} at {path}: run scripts/distil_vectors.py {language}")
    with np.load(path) as data:
        words = tuple(str(data["words"]).split("\n"))
        matrix = data["q"].astype(np.float32) * data["scale"][:, None]
    if len(words) != matrix.shape[0]:
        raise ValueError(f"{path}: {len(words)} words for {matrix.shape[0]} vectors")
    return WordVectors(language, words, matrix, {word: row for row, word in enumerate(words)})


def spacy_vectors(language: str, vocab: Vocab, directory: Path = VECTORS_DIR) -> Vectors:
    """A spaCy ``Vectors`` table keyed by NORM (lower-cased words), its strings added to ``vocab``."""
    from spacy.vectors import Vectors

    table = load(language, directory)
    keys = [vocab.strings.add(word) for word in table.words]
    return Vectors(strings=vocab.strings, data=table.matrix, keys=keys, attr="NORM")
