"""English: evidence that a "person" of the model is none (session 49): "which" after it, or a trade noun of both
people and firms before it.

English refers to people with "who". In our English dev and training files a gold entity followed by ", which" is
ORG 99 times, LOC 25, MISC 20 and PER twice (both opening with a given name), while ", who" follows PER 219 times.
The model types little-known companies PER ("Ashanti Agro , which listed on the Ghana Stock Exchange"); such a
"person" whose first word is no given name and that no list knows as a person is an organisation, or a place when
a list knows it as one. The same test reads a name after a noun that names both a trade's people and its firms
("Swedish investor Creandum", "fish farmer Vestland Salmon"; `context_type` gives such nouns no type).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from worker.tagging import entity_doc, entity_given_names, gazetteer

_PERSON_LABELS = frozenset({"PER", "PERSON"})
# Lower-case nouns of trades whose people and firms both stand right before a name.
TRADES_OF_PEOPLE_AND_FIRMS = frozenset({"investor", "farmer", "processor", "developer", "backer", "contractor",
                                        "consultancy", "fund"})


_CUES = TRADES_OF_PEOPLE_AND_FIRMS | {"which"}


def persons_before_which(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """The entities with each "person" followed by "which" or ", which", or right after a trade noun of people and
    firms, retyped (see the module docstring), unless a type was decided for it before."""
    if not entity_doc.has_lower(doc, _CUES):
        return ents
    doc_facts = entity_doc.facts(doc)
    lower, words = doc_facts.lower, doc_facts.words
    n = len(lower)
    result = []
    for ent in ents:
        start, end = ent.start, ent.end
        which = (end < n and lower[end] == "which") or (end + 1 < n and lower[end] == "," and lower[end + 1] == "which")
        trade = start > 0 and lower[start - 1] in TRADES_OF_PEOPLE_AND_FIRMS and words[start - 1].islower()
        if (which or trade) and ent.label_ in _PERSON_LABELS and (start, end) not in decided:
            label = _type_of(ent.text, ent[0].text)
            if label is not None:
                decided[(start, end)] = label
                ent = Span(doc, start, end, label=label, kb_id=ent.kb_id_)
        result.append(ent)
    return result


def _type_of(text: str, first: str) -> str | None:
    """ORG or LOC for a "person" before "which", None when it may be one."""
    if entity_given_names.is_given_name(first):
        return None
    entry = gazetteer.exact_lookup("en", text)
    if (entry is not None and entry.type == "PER") or gazetteer.name_types("en").get(text) == "PER":
        return None
    if gazetteer.known_place("en", text) or text in gazetteer.geonames_towns() or text in gazetteer.town_names():
        return "LOC"
    return "ORG"
