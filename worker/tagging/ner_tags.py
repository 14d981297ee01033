"""The BIO tags of the accurate NER tier and its cut of long words, shared by its training script and the worker."""

from __future__ import annotations

TYPES = ("PER", "ORG", "LOC", "MISC")
TAGS = ["O"] + [f"{prefix}-{kind}" for kind in TYPES for prefix in ("B", "I")]
# a word is read as at most its first 16 pieces (a URL or a run of symbols is not worth a window)
MAX_WORD_PIECES = 16
