"""Running text tokenized the way CoNLL tokenized its news, for the names the models learnt from it (session 35).

The NER models learnt from CoNLL-2002/2003 tokens, where a hyphenated word is one token ("Rees-Mogg",
"Mazar-e-Sharif"). spaCy's English tokenizer splits every hyphen between letters, so on running text the model
read the parts of a hyphenated name as names of their own ("Jaish-e-Mohammed" -> 'Jaish' MISC + 'Mohammed' PER).
Here:
- English: a word of letters joined by hyphens, its first and last parts capitalised and its middle parts
  capitalised or short lower-case joiners, stays one token (`hyphenated_name`). A word whose last part is lower
  case ("Paris-based", "Labour-led") is still split: the annotation brief tags the name part alone
  (`[LOC Sydney]-based`), and a name glued to a lower-case word is what the model sees split in training too.
- English: two names paired by a hyphen as a modifier ("the Alito-Prelogar exchange", "Israeli-Palestinian talks",
  "the Ford-Suharto meeting") are two names, which the brief tags apart: the word is split again before the model
  when each of its parts is a name the gazetteer knows or a word the document also writes on its own, unless the
  gazetteer knows the whole ("Guinea-Bissau") (`split_name_pairs`).
- Prefixes are no names: "Anti-Taliban" stays split ("Anti", "-", "Taliban").
- Both: a sentence's full stop is split off a name in capitals or one letter before it ("posted on X.", "CD&V.":
  `split_final_stops`, round 10).
- Dutch: the tokenizer keeps hyphenated words whole already, but splits the apostrophe off the place names
  written with "'s-" ("'s-Hertogenbosch" -> "'" + "s-Hertogenbosch"): those are special cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc

from worker.tagging import gazetteer

# Lower-case words inside hyphenated names: "Mazar-e-Sharif", "Hizb-ut-Tahrir", "Stratford-upon-Avon",
# "Chester-le-Street", "Port-au-Prince", "Saint-Jean-de-Luz", "Walton-on-the-Naze", "Appleby-in-Westmorland".
JOINERS = frozenset({
    "e", "i", "o", "u", "y", "a", "al", "el", "ul", "ud", "ur", "ut", "ad", "an", "as", "ash", "at", "bin", "ibn",
    "de", "di", "du", "des", "da", "do", "dos", "das", "del", "della", "la", "le", "les", "lès", "lez", "au", "aux",
    "sur", "sous", "en", "et", "von", "van", "der", "den", "ter", "upon", "on", "in", "by", "under", "the", "of",
})

# Capitalised prefixes that open a hyphenated word without being a name: "Anti-Taliban", "Pro-Kremlin", "Ex-Minister".
PREFIXES = frozenset({"anti", "pro", "non", "ex", "post", "pre", "neo", "mid", "pan", "counter", "semi", "quasi",
                      "ultra", "multi", "inter", "intra", "self", "co", "re", "de", "un", "all"})

# Dutch place names written with "'s-" (and the apostrophe as typeset).
DUTCH_APOSTROPHE_PLACES = ("'s-Hertogenbosch", "'s-Gravenhage", "'s-Gravenzande", "'s-Heerenberg", "'s-Gravendeel",
                           "'s-Gravenpolder", "'s-Heerenhoek", "'s-Gravenmoer", "'s-Gravenwezel", "'s-Herenelderen",
                           "'s-Gravenvoeren")


def _name_part(part: str) -> bool:
    """A capitalised word of letters; an apostrophe only before a capital ("O'Neill-Smith"), never a possessive
    ("Rees-Mogg's": the tokenizer splits the "'s" off first, and the name is matched again without it)."""
    if not part[:1].isupper():
        return False
    if part.isalpha():
        return True
    pieces = part.replace("’", "'").split("'")
    return all(piece.isalpha() for piece in pieces) and all(piece[:1].isupper() for piece in pieces[1:])


@lru_cache(maxsize=65536)
def hyphenated_name(text: str) -> bool:
    """Whether a string is one hyphenated name that stays a single token ("Rees-Mogg", "Mazar-e-Sharif",
    "Anglo-Dutch", "NINE-MONTH"); not "Paris-based", "F-16", "U.S.-led" or "pro-Russian"."""
    if "-" not in text:
        return False
    parts = text.split("-")
    if not _name_part(parts[0]) or not _name_part(parts[-1]) or parts[0].lower() in PREFIXES:
        return False
    return all(_name_part(part) or part in JOINERS for part in parts[1:-1])


# A hyphenated word of capitalised parts in running text, not glued to another word or hyphen on either side.
_CANDIDATE = re.compile(r"(?<![\w'’-])[^\W\d_][\w'’]*(?:-[\w'’]+)+(?![\w-])")


def _written_alone(text: str, part: str) -> bool:
    """Whether the document writes a word on its own, not as part of a hyphenated word."""
    return re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text) is not None


def _pair(text: str, word: str, language: str) -> bool:
    """Whether a hyphenated name is names paired by a hyphen (see the module's docstring)."""
    if gazetteer.lookup(language, word) is not None:
        return False
    names = [part for part in word.split("-") if part not in JOINERS]
    return len(names) > 1 and all(gazetteer.lookup(language, part) is not None or _written_alone(text, part)
                                  for part in names)


def split_name_pairs(doc: Doc, text: str | None = None) -> Doc:
    """Split the tokens that pair names by a hyphen into their parts and hyphens (English running text only: a
    Doc built from CoNLL's tokens keeps them, as the models learnt them)."""
    if text is None:
        text = doc.text
    if "-" not in text:
        return doc
    found = [m for m in _CANDIDATE.finditer(text) if hyphenated_name(m.group()) and _pair(text, m.group(), doc.lang_)]
    return _split_tokens(doc, [(m.start(), m.end()) for m in found],
                         lambda word: [piece for part in word.split("-") for piece in (part, "-")][:-1])


def _split_tokens(doc: Doc, spans: list[tuple[int, int]], pieces: Callable[[str], list[str]]) -> Doc:
    """Split each token that covers exactly one of these character spans into `pieces(its text)`."""
    tokens = [span[0] for a, b in spans if (span := doc.char_span(a, b)) is not None and len(span) == 1]
    if tokens:
        with doc.retokenize() as retokenizer:
            for token in tokens:
                orths = pieces(token.text)
                retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
    return doc


# A word in capitals (or one capital letter) with a full stop glued to it, no other stop in it: "X.", "CD&V.", "MAX."
_STOPPED = re.compile(r"(?<![\w.&'’-])([A-Z0-9][A-Z0-9&-]*)\.(?=(\s*)(\S?))")


# One-letter names of 2020s news that end sentences mid-paragraph ("posted on X. Kejriwal ..."); any other capital
# letter with a stop before a capitalised word is an initial, also after a lower-case word ("goals by A. Shearer").
ONE_LETTER_NAMES = frozenset({"X"})


def _after_no_name(text: str, at: int) -> bool:
    """Whether the word before position `at` is no name: it opens with a lower-case letter, or is a mark ("on X.
    Kejriwal"); "George W. Bush" has a name before its initial."""
    end = at
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return start < end and not text[start].isupper()


def split_final_stops(doc: Doc, text: str | None = None) -> Doc:
    """Split a sentence's full stop off the name written in capitals before it (rounds 10 and 11 of session 35): one
    capital letter when the token ends its line or the text ("posted on X."), and "X" (`ONE_LETTER_NAMES`) before a
    capitalised word after a word that is no name ("on X. Kejriwal"; "Malcolm X. He" keeps it); two or more
    characters in capitals ("Vooruit en CD&V.", "via VRT MAX.") also before a capitalised word."""
    if text is None:
        text = doc.text
    found = []
    for m in _STOPPED.finditer(text):
        word, space, following = m.group(1), m.group(2), m.group(3)
        if not any(c.isalpha() for c in word):
            continue
        ends_line = not following or "\n" in space
        if ends_line or (space and following.isupper() and (
                len(word) > 1 or (word in ONE_LETTER_NAMES and _after_no_name(text, m.start(1))))):
            found.append(m)
    return _split_tokens(doc, [(m.start(1), m.end(1) + 1) for m in found], lambda word: [word[:-1], "."])


class NameTokenizer:
    """The language's tokenizer followed by `split_name_pairs` (English) and `split_final_stops`; everything else is
    the wrapped tokenizer's."""

    def __init__(self, tokenizer: Any, language: str = "en") -> None:
        self.tokenizer = tokenizer
        self.language = language

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        if self.language == "en":
            doc = split_name_pairs(doc, text)
        return split_final_stops(doc, text)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)


def keep_names_whole(nlp: Language) -> Language:
    """Set the pipeline's tokenizer to keep the names above whole (English and Dutch; others unchanged)."""
    tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer (typed as a callable)
    if nlp.lang == "en":
        previous = tokenizer.token_match

        def token_match(text: str) -> bool:
            return hyphenated_name(text) or bool(previous and previous(text))

        tokenizer.token_match = token_match
        nlp.tokenizer = NameTokenizer(tokenizer)
    elif nlp.lang == "nl":
        for place in DUTCH_APOSTROPHE_PLACES:
            for form in (place, place.replace("'", "’")):
                tokenizer.add_special_case(form, [{ORTH: form}])
        nlp.tokenizer = NameTokenizer(tokenizer, "nl")
    return nlp
