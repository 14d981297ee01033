"""Document vectors for the topic model: a SIF-weighted mean of the distilled static word vectors.

Bag-of-words features only know the words of our ~1,100 training articles; the distilled vectors
(worker/tagging/vectors.py, ~40k words per language from multilingual-e5-small) put unseen words near
seen ones ("handset" near "phone"), so a long article on a subject the training set words differently
still lands in the right topic. Weighting is SIF (Arora et al. 2017): a word counts a / (a + p(w)), p its
wordfreq frequency, so frequent words weigh little and rare content words a lot.

The classifier is linear in the mean vector, so the worker never keeps the 128-dimensional table: at load
every word's vector is projected once onto the topic weights (N x 17 floats per language) and the article's
score is the SIF-weighted mean of its words' projections, exactly what the model computes at training.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from worker.tagging.topic_features import STOP_WORDS

VECTOR_LANGUAGES = ("nl", "en")
SIF_A = 1e-3  # Arora et al.'s a: words more frequent than ~1 in 1,000 are down-weighted


def words_digest(words: Iterable[str]) -> str:
    """Identifies a vectors table by its words (in row order): a topic model is only valid with the table whose
    rows its per-word weights were computed for."""
    return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()[:16]


def sif_weights(words: Sequence[str], language: str, a: float = SIF_A) -> np.ndarray:
    """a / (a + p(w)) per word, p from wordfreq (a word wordfreq does not know counts fully)."""
    from wordfreq import word_frequency

    frequencies = np.array([word_frequency(w, language) for w in words], dtype=np.float64)
    return np.asarray(a / (a + frequencies), dtype=np.float32)


@dataclass(frozen=True)
class SifTable:
    """Per-word rows (a word vector, or its projection onto the topics) and SIF weights, with a word index."""

    index: Mapping[str, int]
    rows: np.ndarray  # (N, k) float32
    weights: np.ndarray  # (N,) float32

    def weighted_mean(self, tokens: Sequence[str]) -> np.ndarray | None:
        """The SIF-weighted mean row of the known content words (each occurrence counts), or None when the text
        has none."""
        index = self.index
        return self.mean_of_rows([i for t in tokens if t not in STOP_WORDS and (i := index.get(t)) is not None])

    def mean_of_rows(self, ids: list[int]) -> np.ndarray | None:
        """`weighted_mean` of the words with these rows (in the tokens' order: the sum runs in that order)."""
        if not ids:
            return None
        w = self.weights[ids]
        total = float(w.sum())
        if total <= 0.0:
            return None
        return np.asarray((w @ self.rows[ids]) / total, dtype=np.float32)


@dataclass(frozen=True)
class VectorStandardiser:
    """The training documents' mean and spread of the mean vectors: features are (d - mean) / scale, and 0 for a
    text with no known word (an "average document", not evidence for any topic)."""

    mean: np.ndarray  # (dims,)
    scale: np.ndarray  # (dims,)

    def features(self, vector: np.ndarray | None) -> np.ndarray:
        if vector is None:
            return np.zeros(len(self.mean), dtype=np.float32)
        return np.asarray((vector - self.mean) / self.scale, dtype=np.float32)


def fit_standardiser(vectors: Sequence[np.ndarray | None], dims: int) -> VectorStandardiser:
    known = np.stack([v for v in vectors if v is not None]) if any(v is not None for v in vectors) else None
    if known is None:
        return VectorStandardiser(np.zeros(dims, dtype=np.float32), np.ones(dims, dtype=np.float32))
    scale = known.std(axis=0)
    return VectorStandardiser(known.mean(axis=0).astype(np.float32), np.maximum(scale, 1e-6).astype(np.float32))


@dataclass(frozen=True)
class ProjectedVectors:
    """What the tagger keeps per language: each word's vector already multiplied by the topic weights."""

    table: SifTable  # rows (N, topics)
    offset: np.ndarray  # (topics,): -(mean / scale) @ weights

    def scores(self, tokens: Sequence[str]) -> np.ndarray | None:
        """The vector part of the raw topic scores, or None for a text with no known word (it then adds 0, as
        the zero feature vector does in training)."""
        projected = self.table.weighted_mean(tokens)
        return None if projected is None else projected + self.offset

    def scores_of_rows(self, ids: list[int]) -> np.ndarray | None:
        """`scores` of the words with these rows of the table (in the tokens' order: the sum runs in that order)."""
        projected = self.table.mean_of_rows(ids)
        return None if projected is None else projected + self.offset


def project(
    index: Mapping[str, int],
    matrix: np.ndarray,
    sif: np.ndarray,
    standardiser: VectorStandardiser,
    weights: np.ndarray,
    row_scale: np.ndarray | None = None,
) -> ProjectedVectors:
    """Fold the standardisation and the (dims, topics) weights into per-word rows: for a mean vector d,
    ((d - mean) / scale) @ W == mean_w(v_w @ (W / scale)) - (mean / scale) @ W. `matrix` may be the stored int8
    table with its per-row scales (`row_scale`): it is converted a slice at a time, so loading never holds a
    float32 copy of the whole table."""
    scaled = (weights / standardiser.scale[:, None]).astype(np.float32)
    rows = np.empty((matrix.shape[0], weights.shape[1]), dtype=np.float32)
    step = 4096
    for start in range(0, matrix.shape[0], step):
        block = matrix[start : start + step].astype(np.float32)
        if row_scale is not None:
            block *= row_scale[start : start + step, None]
        rows[start : start + step] = block @ scaled
    offset = -(standardiser.mean / standardiser.scale) @ weights
    return ProjectedVectors(SifTable(index, rows, sif.astype(np.float32)), offset.astype(np.float32))


@dataclass(frozen=True)
class StoredTable:
    """A vectors table as stored (worker/models/vectors/{lang}.npz: words, int8 rows, one scale a row), read
    without the float32 matrix that `vectors.load` builds and caches for the process (~20 MB a language): the
    topic stage needs only the projection of each row."""

    words: tuple[str, ...]
    index: dict[str, int]
    q: np.ndarray  # (N, dims) int8
    scale: np.ndarray  # (N,) float32


def read_stored_table(language: str) -> StoredTable:
    from worker.tagging import vectors as word_vectors

    words, q, scale = word_vectors.read_quantised(language, word_vectors.path_for(language))
    return StoredTable(words, {word: row for row, word in enumerate(words)}, q, scale)
