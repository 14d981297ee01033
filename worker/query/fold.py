"""Case and diacritic folding done in Python, at index time and on queries alike.

The minimal Elasticsearch distribution has no `asciifolding` filter (no analysis-common module), so the
index stores folded copies of the searchable text (`folded.*`, built by `worker.index.store.document`) and
every query is folded by the same functions before it is sent.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    # Only one-for-one replacements: the folded text keeps every offset of the original, so a highlight
    # found in the folded copy maps back onto the original text character for character.
    return plain if len(plain) == 1 else char


class _FoldTable(dict[int, str]):
    """A str.translate table filled on first sight of each code point (translate's loop runs in C)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """Diacritics removed, same length as `text` ("Oekraïne" -> "Oekraine"); case is left to the analyzer."""
    if text.isascii():
        return text
    return text.translate(_FOLD_TABLE)


def fold_key(text: str) -> str:
    """An exact-match key: NFKD, combining marks dropped, case-folded, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())
