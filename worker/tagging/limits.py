"""How much of one document the tagging stage reads, and in what pieces the NER model reads it.

`MAX_TAGGED_CHARS`: entities, topics and keywords are computed on the first 100,000 characters of title +
body (the language on its first 1,000). Why 100,000: that is about 16,000 words, three times the longest
feature a newspaper prints (a 5,000-word long read is about 30,000 characters), so real articles are
tagged whole; what lies beyond is a transcript, a report or a dump, whose late names barely move salience
(which favours early mentions) and whose topics are settled well before. The cap bounds the time per
document: tagging 100,000 characters takes about 2 s of one core (measured with the linear stage; see the
README's benchmark section), so one pathological document cannot eat a batch's time limit. The whole text
is still indexed and searchable; only tagging stops there. The setting `tag_max_chars`
(NEWSWORKER_TAG_MAX_CHARS) overrides the default. The built-in topics read less: the title and the body's first
`topic_body_words` words (800; `opening_words`, session 48).

`NER_CHUNK_CHARS`, `NER_BATCH_CHARS`: the NER model reads texts in pieces of at most 5,000 characters, cut
at paragraph breaks (else line breaks, sentence ends, spaces), in batches of at most 32,000 characters (and
32 pieces: short articles still go 32 at a time, which the model needs for its speed), and the pieces are
joined back into one document before the rules that need the whole article (one type per name,
propagation). The model is a convolutional network with a context of a few words, so the cut changes
nothing but memory: read whole (batches of 32 texts), a 200,000-character text raised the worker's peak
RSS from ≈ 350 MB to ≈ 940 MB and a 100,000-character one to ≈ 680 MB; in pieces, ≈ 420 MB for either (≈ 460 MB
with the batches of 32,000 characters below).
Why 5,000 and not the 2,500 of before (session 13): an article of up to ≈ 800 words is read whole, and every
cut costs a join and the model's per-document work. Measured on four ≈ 500-word sports-heavy wire articles
(`bench.tagging_stages`, alternated with the 2,500 version three times): whole stage / bare model 0.77-0.80
-> 0.82; the peak RSS that tagging one 200,000-character text adds went from +49 MB to +68 MB (10,000: +98 MB).
Why 32,000 and not the 20,000 of before (session 22): a batch of 20,000 characters holds only six articles of
500 words, and the model's per-batch work showed. The model alone in pieces (our components off) against the bare
model's `nlp.pipe` of the same 85 English news texts, CPU, medians of 7 interleaved rounds in one process: 0.980 and
0.986 of the bare model's speed at 20,000; 1.003 at 32,000; 0.999 and 1.004 at 50,000; 1.000 at 100,000. Peak RSS
tagging one 200,000-character text with both languages loaded (`bench.quality --long-docs 200000`, news-nl): 424 MB
at 20,000, 458 MB at 32,000, 528 MB at 50,000. The entities, keywords and topics of 662 articles (English news and
WikiANN-en dev, Dutch news and ned.train) are identical at 20,000 and 32,000.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from worker.config import get_settings

MAX_TAGGED_CHARS = 100_000
NER_CHUNK_CHARS = 5_000
NER_BATCH_CHARS = 32_000


def max_tagged_chars() -> int:
    """The cap in force (NEWSWORKER_TAG_MAX_CHARS, default MAX_TAGGED_CHARS)."""
    return get_settings().tag_max_chars


def chunks(text: str, size: int = NER_CHUNK_CHARS) -> list[str]:
    """Consecutive pieces of `text` that join back to it exactly, each at most `size` characters, cut after
    the last paragraph break, line break, sentence end or space of the piece's second half (a hard cut when
    there is none)."""
    pieces = []
    position = 0
    while len(text) - position > size:
        window = text[position:position + size]
        cut = -1
        for separator in ("\n\n", "\n", ". ", " "):
            found = window.rfind(separator)
            if found >= size // 2:
                cut = found + len(separator)
                break
        if cut <= 0:
            cut = size
        pieces.append(text[position:position + cut])
        position += cut
    pieces.append(text[position:])
    return pieces


def batches(pieces: Iterable[str], max_chars: int, max_count: int) -> Iterator[list[str]]:
    """Consecutive groups of pieces, each of at most `max_count` pieces and `max_chars` characters (a piece
    longer than that alone)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        if batch and (len(batch) >= max_count or size + len(piece) > max_chars):
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece)
    if batch:
        yield batch


_WORD = re.compile(r"\S+")


def opening_words(text: str, limit: int) -> str:
    """The text as written up to the end of its `limit`-th word (words: runs of non-space), the whole text when it
    has no more words or `limit` is 0."""
    if limit <= 0:
        return text
    for n, match in enumerate(_WORD.finditer(text), 1):
        if n == limit:
            return text[:match.end()]
    return text
