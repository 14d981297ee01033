"""A stand-in for newspaper4k's source distribution in the real-news cache, for the benches that read it."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path


def write_newspaper4k_sdist(cache: Path, files: dict[str, str]) -> None:
    """`cache/newspaper4k-0.9.6.tar.gz` holding these files (paths below the archive's top directory)."""
    with tarfile.open(cache / "newspaper4k-0.9.6.tar.gz", "w:gz") as archive:
        for name, content in files.items():
            data = content.encode("utf-8")
            info = tarfile.TarInfo(f"newspaper4k-0.9.6/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
