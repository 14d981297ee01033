"""spaCy callback for `spacy train --code scripts/ner_vectors.py`: the static-vector table, keyed by NORM.

`[initialize] vectors = PATH` cannot be used: spaCy 3.8 writes a default-mode table to disk without its key
attribute (vectors.cfg keeps only "mode"), so a table keyed by NORM is read back keyed by ORTH, and every
capitalised word (every name) would get no vector in training but one at run time. This callback puts the
in-memory table (`worker.tagging.vectors.spacy_vectors`, NORM) into the vocab before initialisation instead.
"""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.language import Language

CALLBACK = "newsworker.norm_vectors.v1"


@spacy.registry.callbacks(CALLBACK)
def norm_vectors(lang: str) -> Callable[[Language], Language]:
    def attach(nlp: Language) -> Language:
        from worker.tagging import vectors

        nlp.vocab.vectors = vectors.spacy_vectors(lang, nlp.vocab)
        return nlp

    return attach
