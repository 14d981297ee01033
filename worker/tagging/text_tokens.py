"""The regular-expression tokens of an article's title and body, found once for the topic and keyword stages.

Both stages read the same two strings one after the other (`tag_topics`, then `tag_keywords`, each over the
batch), and each ran a Unicode regular expression over them: on 34 English news articles the two scans cost
0.8 % of the bare NER model's time. `tokens` keeps what it found for the texts seen last, and `lower_words`
derives the topic stage's lower-cased words from the same tokens.
"""

from __future__ import annotations

import re

# Words (letters, with inner hyphens or apostrophes: "navo-lidstaten", "O'Neil"), numbers, single marks, newlines.
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d[\d.,:]*|[^\w\s]|\n")
# The words alone: what TOKEN_RE finds that opens with a letter.
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Texts whose lower-case form is not their tokens' lower-case forms: "İ" lowers to two characters ("i" and a
# combining dot, which is no word character) and a capital sigma's lower form depends on what follows it.
_CONTEXT_LOWER = re.compile("[İΣ]")
MEMO_MAX_TOKENS = 200_000  # tokens kept at most: 12 MB of RSS when full (news.jsonl texts), then it is emptied

_memo: dict[str, list[str]] = {}
_memo_tokens = 0


def tokens(text: str) -> list[str]:
    """`TOKEN_RE.findall(text)`, kept for the texts seen last. The list is shared: read it, never change it."""
    global _memo_tokens
    found = _memo.get(text)
    if found is None:
        found = TOKEN_RE.findall(text)
        if _memo_tokens + len(found) > MEMO_MAX_TOKENS:
            _memo.clear()
            _memo_tokens = 0
        _memo[text] = found
        _memo_tokens += len(found)
    return found


def lower_words(text: str) -> list[str]:
    """`WORD_RE.findall(text.lower())`: the words, lower-cased, digits and marks dropped. Taken from `tokens`
    (a word token is one whose first character is a letter or a numeric sign other than a digit, as
    `[^\\W\\d_]` reads it), unless lower-casing the text as a whole would differ from lower-casing each word."""
    if _CONTEXT_LOWER.search(text):
        return WORD_RE.findall(text.lower())
    return [t.lower() for t in tokens(text) if t[0].isalnum() and not t[0].isdecimal()]
