"""English: a company told by the words of its trade around it (session 35, round 5).

The model types a company it does not know as a person or a place, where the sentence says what it is: "Heathrow
chief executive Thomas Woldbye", "co-founded DeepMind", "a stake in Northvolt". A name typed PER or LOC is an
organisation
- right before "chief executive", "CEO", "chairman", "chairwoman", "co-founder", "founder" or "shareholders"
  (`AFTER_WORDS`): people and towns have none of these;
- right after "co-founded", "founded" (not "founded by": its founder follows), "acquired", "acquire", "acquiring",
  "takeover of", "stake in", "shares of", "shares in" (`BEFORE_WORDS`, `BEFORE_PAIRS`);
unless it is a person whose first word is a known given name ("acquired Elon Musk's ..." does not arise, but "Steve
Jobs co-founder" would be a person's). And a span typed PER that holds a word in camel case ("DeepMind", "OpenAI": a
capital after lower-case letters, not a surname prefix, not a known given name, not a handle the story gives in quotes,
Kang “TheShy” Seung-lok) is an organisation: our files' gold one-word names so written are ORG 37, MISC 10, LOC 1, PER
none (round 12).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from worker.tagging import entity_given_names
from worker.tagging.entity_doc import facts, has_lower

AFTER_WORDS = frozenset({"ceo", "chairman", "chairwoman", "co-founder", "founder", "shareholders"})
AFTER_PAIRS = frozenset({("chief", "executive")})
BEFORE_WORDS = frozenset({"co-founded", "founded", "acquired", "acquire", "acquiring"})
BEFORE_PAIRS = frozenset({("takeover", "of"), ("stake", "in"), ("shares", "of"), ("shares", "in")})
_RETYPED = frozenset({"PERSON", "PER", "GPE", "LOC"})
_PERSON_LABELS = frozenset({"PERSON", "PER"})
_OPENING_QUOTES = frozenset({'"', "“", "‘", "'", "«", "„"})
# A capital after lower-case letters inside a word, unless the first part is a surname's or given name's prefix
# ("McIlroy", "MacDonald", "DeSantis", "LeBron", "DiCaprio", "JaVale", "FitzGerald", "VanDyke").
_CAMEL = re.compile(r"^(?!(?:Mc|Mac|De|Di|Da|Du|Le|La|Ja|Van|Von|Fitz)[A-Z])[A-Z][a-z]+[A-Z][A-Za-z]*$")
# What the rule needs in the doc to act: a trade word (of a pair, its first word) as a lower-case form, or a word in
# camel case, which holds a lower-case letter right before a capital (found on the doc's text: words are joined by
# spaces or nothing, so the pair stands there too).
_TRADE_WORDS = AFTER_WORDS | BEFORE_WORDS | frozenset(first for first, _ in AFTER_PAIRS | BEFORE_PAIRS)
_LOWER_UPPER = re.compile(r"[a-z][A-Z]")


def trade_word_companies(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """The entities the module's words make organisations, as ORG; `decided` receives the type."""
    doc_facts = facts(doc)
    if not has_lower(doc, _TRADE_WORDS) and not _LOWER_UPPER.search(doc_facts.text):
        return ents
    words, lower = doc_facts.words, doc_facts.lower
    n = len(words)
    given = entity_given_names.given_names()[0]
    nicknames: set[str] | None = None
    result = []
    for ent in ents:
        start, end = ent.start, ent.end
        label = ent.label_
        if label not in _RETYPED:
            result.append(ent)
            continue
        after = (end < n and lower[end] in AFTER_WORDS) or (end + 1 < n and (lower[end], lower[end + 1]) in AFTER_PAIRS)
        before = (start > 0 and lower[start - 1] in BEFORE_WORDS) \
            or (start > 1 and (lower[start - 2], lower[start - 1]) in BEFORE_PAIRS)
        person = label in _PERSON_LABELS
        # camel case only makes a person an organisation: a place's words are read only when a trade word stands by
        camel_words = [w for w in words[start:end] if _CAMEL.match(w)] if person or after or before else []
        camel = bool(camel_words) and person
        if camel:
            if nicknames is None:  # a player's handle in quotes: Kang “TheShy” Seung-lok, then "TheShy" alone
                nicknames = {words[i] for i in range(1, n) if words[i - 1] in _OPENING_QUOTES}
            camel = not any(w in nicknames for w in words[start:end])
        if (after or before or camel) and words[start] not in given and not any(w in given for w in camel_words):
            decided[(start, end)] = "ORG"
            ent = Span(doc, start, end, label="ORG", kb_id=ent.kb_id_, span_id=ent.id_)
        result.append(ent)
    return result
