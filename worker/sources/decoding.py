"""Response bodies: Content-Encoding undone under a hard cap, so a decompression bomb is refused while
streaming, never after filling memory. (Bytes -> text is `charsets`.)"""

from __future__ import annotations

import zlib
from typing import Any, Literal

import brotli

from worker.sources.errors import DecompressionBombError, FetchError, TooLargeError

FetchKind = Literal["feed", "page"]


class BodyDecoder:
    """Content-Encoding undone incrementally with a hard cap on the output, so a bomb never fills memory."""

    def __init__(self, encodings: list[str], url: str, cap: int, max_ratio: int) -> None:
        self.url = url
        self.cap = cap
        self.max_ratio = max_ratio
        self.stages: list[Any] = []
        for encoding in encodings:
            if encoding == "gzip" or encoding == "x-gzip":
                self.stages.append(("zlib", zlib.decompressobj(16 + zlib.MAX_WBITS)))
            elif encoding == "deflate":
                self.stages.append(("deflate", None))
            elif encoding == "br":
                self.stages.append(("br", brotli.Decompressor()))
            elif encoding in ("identity", ""):
                continue
            else:
                raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
        self.compressed = 0
        self.size = 0
        self.chunks: list[bytes] = []

    def _limit(self) -> int:
        return self.cap - self.size + 1

    def _stage(self, index: int, data: bytes) -> bytes:
        kind, obj = self.stages[index]
        limit = self._limit()
        if kind == "deflate" and obj is None:
            # "deflate" is zlib-wrapped by the spec, raw deflate by some servers: look at the first bytes.
            wbits = zlib.MAX_WBITS if data[:1] and (data[0] & 0x0F) == 8 and int.from_bytes(data[:2]) % 31 == 0 else -15
            obj = zlib.decompressobj(wbits)
            self.stages[index] = ("zlib", obj)
            kind = "zlib"
        try:
            if kind == "zlib":
                out = obj.decompress(data, limit)
                if obj.unconsumed_tail:
                    raise self._bomb()
                return bytes(out)
            out = obj.process(data, output_buffer_limit=limit)
            if len(out) >= limit or not obj.can_accept_more_data():
                raise self._bomb()
            return bytes(out)
        except (zlib.error, brotli.error) as exc:
            raise FetchError(self.url, f"corrupt {kind} body: {exc}") from exc

    def _bomb(self) -> DecompressionBombError:
        return DecompressionBombError(self.url, f"body decompresses beyond the {self.cap} byte cap")

    def feed(self, data: bytes) -> None:
        self.compressed += len(data)
        for index in range(len(self.stages) - 1, -1, -1):
            data = self._stage(index, data)
        self.size += len(data)
        if self.size > self.cap:
            raise (self._bomb() if self.stages else TooLargeError(self.url, f"body exceeds the {self.cap} byte cap"))
        if self.stages and self.size > 1_000_000 and self.size > self.max_ratio * max(self.compressed, 1):
            raise DecompressionBombError(
                self.url, f"compression ratio above {self.max_ratio} ({self.compressed} -> {self.size} bytes)"
            )
        self.chunks.append(data)

    def body(self) -> bytes:
        return b"".join(self.chunks)
