"""Response bodies: Content-Encoding undone under a hard cap (bombs refused while streaming), and bytes
turned into text the way a browser would."""

from __future__ import annotations

import codecs
import re
import zlib
from typing import Any, Literal

import brotli
from charset_normalizer import from_bytes

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


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _codec(name: str) -> str | None:
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # What browsers do (WHATWG): Latin-1 and ASCII labels mean windows-1252.
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def declared_charsets(body: bytes, content_type: str, kind: FetchKind) -> list[str]:
    """Encodings the response claims, most authoritative first: BOM, header, in-document declaration."""
    claims: list[str] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            return [name]
    header = _HEADER_CHARSET.search(content_type)
    if header:
        claims.append(header.group(1))
    head = body[:4096]
    in_doc = _XML_ENCODING.search(head) if kind == "feed" else None
    in_doc = in_doc or _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if in_doc:
        claims.append(in_doc.group(1).decode("ascii", "replace"))
    return [c for c in dict.fromkeys(filter(None, (_codec(claim) for claim in claims)))]


def decode_body(body: bytes, content_type: str, kind: FetchKind = "page") -> str:
    """Bytes -> text when the headers may lie.

    Valid UTF-8 with non-ASCII bytes is taken as UTF-8 whatever is declared: a text in another encoding is
    almost never valid UTF-8 by accident, while servers that label UTF-8 as ISO-8859-1 are common. Then the
    declarations in order of authority, then detection, then UTF-8 with replacement characters.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    try:
        text = body.decode("utf-8")
        if not body.isascii():
            return text
    except UnicodeDecodeError:
        text = None
    for name in declared_charsets(body, content_type, kind):
        if name in ("utf-8", "utf_8") and text is None:
            continue  # declared UTF-8 but is not: the declaration lies
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    if text is not None:
        return text
    best = from_bytes(body[:200_000]).best()
    guess = best.encoding if best is not None and best.encoding else None
    # Short texts make detectors waver between single-byte code pages; windows-1252 is by far the most
    # common legacy encoding of the web, so it wins among them when it decodes cleanly.
    if guess is None or re.match(r"^(cp125\d|iso8859_\d+|latin_1|mac_\w+)$", guess):
        try:
            return body.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return body.decode(guess or "utf-8", errors="replace")
