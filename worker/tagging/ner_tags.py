"""The BIO tags of the accurate NER tier, shared by its training script and the worker."""

from __future__ import annotations

TYPES = ("PER", "ORG", "LOC", "MISC")
TAGS = ["O"] + [f"{prefix}-{kind}" for kind in TYPES for prefix in ("B", "I")]
