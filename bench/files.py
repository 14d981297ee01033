"""Reading the labelled data files the benches are given."""

from __future__ import annotations

import gzip
from pathlib import Path


def read_text(path: Path) -> str:
    """A data file's text: gzipped or not, UTF-8 (with or without BOM) or else Latin-1 (the CoNLL-2002
    originals are Latin-1)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
