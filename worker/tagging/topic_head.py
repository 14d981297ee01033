"""The topic head: a second opinion on the primary topic, from the article's mean word vector.

The linear topic model (worker/tagging/topics.py) reads thousands of word features and, through 17 centroid
features, the SIF-weighted mean of the article's distilled static word vectors. The head is a softmax over the 17
top-level topics trained on that mean vector alone (``scripts/train_topic_head.py``). For the languages in its
``mix`` the stage ranks first the topic that ``a * log p_linear + (1 - a) * log p_head`` ranks first, where
``p_linear`` is the linear model's calibrated scores normalised to sum 1 and ``a`` the language's weight, and only
where the linear model's best calibrated score is below the language's ``gate`` (1.0: always); the other topics, the
threshold and every score stay the linear model's. Measured: data/topics/README.md, session 27 round 2 and session 34.

The head is linear in the mean vector, so at load each word's vector is multiplied by the head's weights once (N x 17
floats a language, as the model's own vector part) and the article's scores are the SIF-weighted mean of its words'
rows plus a constant; the 128-dimensional table is not kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from worker.tagging.topic_vectors import ProjectedVectors, VectorStandardiser, project, read_stored_table, words_digest

HEAD_PATH = Path(__file__).parent / "data" / "topic_head.npz"
_EPS = 1e-9


class TopicHeadError(ValueError):
    """The head file does not fit this project's topics or its vectors tables."""


@dataclass(frozen=True)
class TopicHead:
    mix: Mapping[str, float]  # language -> the linear model's weight in the mix
    gate: Mapping[str, float]  # language -> the head speaks only where the linear model's best score is below this
    projected: Mapping[str, ProjectedVectors]  # language -> per-word rows of head logits (bias not included)
    bias: Mapping[str, NDArray[np.float32]]
    version: str

    def logits(
        self, language: str, tokens: Sequence[str], ids: Sequence[int] | None = None
    ) -> NDArray[np.float32] | None:
        """The head's logits over the topics for an article's tokens (a softmax of them is its distribution); None
        for a language it was not trained for or a text without a word that has a vector. `ids`: the tokens' rows
        in the language's vectors table when the caller has them already (the linear model looked them up; the
        head was checked at load to be built on the same table)."""
        projected = self.projected.get(language)
        if projected is None:
            return None
        scores = projected.scores_of(projected.table.ids(tokens) if ids is None else ids)
        return None if scores is None else scores + self.bias[language]

    def decides(self, language: str, linear_best: float) -> bool:
        """Whether the mix chooses the primary topic of an article of this language whose linear model's best
        calibrated score is `linear_best`."""
        return language in self.mix and linear_best < self.gate.get(language, 1.0)


def mixed_primary(linear: NDArray[np.float64], logits: NDArray[np.float32], weight: float) -> int:
    """Index of the topic that ``weight * log p_linear + (1 - weight) * log p_head`` ranks first, ``linear`` the
    calibrated (independent) scores normalised to sum 1 and ``p_head`` the softmax of the head's ``logits``.
    Normalising either adds the same constant to every topic, so the argmax needs neither: log of the scores and the
    logits themselves."""
    mixed = weight * np.log(np.maximum(linear, _EPS)) + (1.0 - weight) * logits
    return int(np.argmax(mixed))


def load_head(path: Path = HEAD_PATH) -> TopicHead:
    from worker.tagging.iptc import iptc_codes

    raw = path.read_bytes()
    with np.load(path, allow_pickle=False) as data:
        if [str(c) for c in data["codes"]] != iptc_codes():
            raise TopicHeadError(f"{path}: trained for other topic codes; re-run scripts/train_topic_head.py")
        meta = json.loads(str(data["meta"]))
        mix = {str(language): float(weight) for language, weight in dict(meta["mix"]).items()}
        gate = {str(language): float(value) for language, value in dict(meta.get("gate", {})).items()}
        projected, bias = {}, {}
        for language in mix:
            if not 0.0 <= mix[language] <= 1.0:
                raise TopicHeadError(f"{path}: the {language} mix weight {mix[language]} is not in [0, 1]")
            if not 0.0 < gate.get(language, 1.0) <= 1.0:
                raise TopicHeadError(f"{path}: the {language} gate {gate[language]} is not in (0, 1]")
            table = read_stored_table(language)
            if words_digest(table.words) != str(data[f"vectors_digest_{language}"]):
                raise TopicHeadError(f"{path} was trained with another {language} vectors table than "
                                     f"worker/models/vectors/{language}.npz; re-run scripts/train_topic_head.py")
            weights = data[f"weights_{language}"].astype(np.float32)
            centre = data[f"centre_{language}"].astype(np.float32)
            if weights.shape != (table.q.shape[1], len(iptc_codes())) or centre.shape != (table.q.shape[1],):
                raise TopicHeadError(f"{path}: the {language} head's shapes do not fit the vectors table")
            scale = np.full(centre.shape, float(data[f"scale_{language}"]), dtype=np.float32)
            projected[language] = project(table.index, table.q, data[f"sif_{language}"].astype(np.float32),
                                          VectorStandardiser(centre, scale), weights, row_scale=table.scale)
            bias[language] = data[f"bias_{language}"].astype(np.float32)
    return TopicHead(mix=mix, gate=gate, projected=projected, bias=bias,
                     version=f"head-{hashlib.sha256(raw).hexdigest()[:10]}")


@lru_cache(maxsize=1)
def topic_head() -> TopicHead | None:
    """The shipped head, loaded once per process; None when no head file is shipped (the linear model alone)."""
    return load_head() if HEAD_PATH.exists() else None
