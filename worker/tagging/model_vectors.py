"""Static word vectors for NER models trained with them (`scripts/train_ner.py nl --vectors`).

Such a model directory does not carry its own copy of the table (20+ MB in git for every retrained model):
the shared table `worker/models/vectors/<lang>.npz` (`worker/tagging/vectors.py`) is attached when the
pipeline is loaded, which happens once per process, before the prefork pool forks (`worker/app.py`). The
model records which table it was trained with (`meta["newsworker"]["static_vectors"]`: language and a
fingerprint of words and matrix); a missing or different table is an error, never a silent loss of accuracy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

    from worker.tagging import vectors

META_KEY = "static_vectors"


class MissingVectorsError(RuntimeError):
    """A model trained with static vectors cannot get the table it was trained with."""


def uses_static_vectors(config: Mapping[str, Any]) -> bool:
    """Whether any layer of a pipeline's config embeds static vectors (`include_static_vectors = true`)."""
    for key, value in config.items():
        if key == "include_static_vectors" and value is True:
            return True
        if isinstance(value, Mapping) and uses_static_vectors(value):
            return True
    return False


@lru_cache(maxsize=4)
def table_fingerprint(language: str) -> str:
    """A short hash of the words and matrix of a language's table: what a model trained on it records."""

    table = _load(language)
    digest = hashlib.sha256("\n".join(table.words).encode("utf-8"))
    digest.update(table.matrix.tobytes())
    return digest.hexdigest()[:12]


def _load(language: str) -> vectors.WordVectors:
    """The table as `vectors.spacy_vectors` loads it: the same arguments hit the same cache entry of
    `vectors.load` (`load("nl")` and `load("nl", VECTORS_DIR)` are two entries, two copies of the matrix)."""
    from worker.tagging import vectors

    return vectors.load(language, vectors.VECTORS_DIR)


def table_info(language: str) -> dict[str, object]:
    """What a model trained with a language's table records in meta["newsworker"][META_KEY]."""
    table = _load(language)
    rows, width = table.matrix.shape
    return {"lang": language, "fingerprint": table_fingerprint(language), "rows": int(rows), "width": int(width)}


def attach(nlp: Language, name: str) -> Language:
    """Give a model trained with static vectors the shared table it was trained with; other models unchanged.

    Raises MissingVectorsError when the model needs vectors and carries none, names no table, or the table
    is missing or not the one it was trained with.
    """
    if not uses_static_vectors(nlp.config) or nlp.vocab.vectors.shape[0] > 0:
        return nlp  # no static vectors, or a model (a spaCy package) that carries its own table
    info = nlp.meta.get("newsworker", {}).get(META_KEY) if isinstance(nlp.meta.get("newsworker"), dict) else None
    if not isinstance(info, dict) or not info.get("lang"):
        raise MissingVectorsError(
            f"model {name!r} was trained with static vectors but carries no table and names none "
            f"(meta.json newsworker.{META_KEY}); retrain it with scripts/train_ner.py --vectors")
    language = str(info["lang"])
    from worker.tagging import vectors

    try:
        fingerprint = table_fingerprint(language)
        table = vectors.spacy_vectors(language, nlp.vocab)
    except (OSError, ValueError) as exc:  # vectors.VectorsMissing is a FileNotFoundError
        raise MissingVectorsError(
            f"model {name!r} needs the static vectors of {language!r} (worker/models/vectors/{language}.npz), "
            f"which cannot be read: {exc}") from exc
    if fingerprint != info.get("fingerprint"):
        raise MissingVectorsError(
            f"model {name!r} was trained with the {language!r} vectors {info.get('fingerprint')}, but "
            f"worker/models/vectors/{language}.npz is {fingerprint}: retrain the model "
            f"(scripts/train_ner.py {language} --vectors) or restore the table it was trained with")
    nlp.vocab.vectors = table
    return nlp
