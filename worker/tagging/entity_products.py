"""English news: a car make and its model are a product (session 46, round 11).

"the Toyota Supra of Walkinshaw Andretti United", "( Grove Racing , Ford Mustang )": the model read a make and a model
as a person or a company. CoNLL-2003 types products and models MISC, as our annotated files do. A span of two or three
words that opens with a car make (`CAR_MAKES`) and goes on with a model (capitalised or with a digit: "Supra",
"Model Y", "F-150", "911") is MISC; the make with an organisation's word ("Toyota Motor", "Ford Australia"), a venue
("Kia Oval", "Ford Field") or a second make ("Jaguar Land Rover") is not (the session-46 review).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from worker.tagging import gazetteer
from worker.tagging.entity_doc import facts, has_word
from worker.tagging.kind_words import LEGAL_FORMS, ORG_HEADS

CAR_MAKES = frozenset({
    "Toyota", "Ford", "Chevrolet", "Holden", "Nissan", "Honda", "Hyundai", "Kia", "Mazda", "Subaru", "Mitsubishi",
    "BMW", "Audi", "Volkswagen", "VW", "Mercedes", "Mercedes-Benz", "Porsche", "Ferrari", "Lamborghini", "Tesla",
    "Volvo", "Peugeot", "Renault", "Citroen", "Fiat", "Skoda", "Jaguar", "Lexus", "Suzuki", "Dodge", "Jeep",
    "Cadillac", "Buick", "Opel", "Vauxhall", "Dacia", "BYD", "Polestar", "Rivian", "Maserati", "McLaren",
    "Bentley", "Bugatti", "Chrysler", "Rolls-Royce",
})
# Makes of two words: the whole is the make, not a model ("Alfa Romeo", "Land Rover", "Aston Martin").
_TWO_WORD_MAKES = frozenset({("Alfa", "Romeo"), ("Land", "Rover"), ("Aston", "Martin"), ("Range", "Rover")})
_SECOND_WORDS_OF_MAKES = frozenset(first for first, _ in _TWO_WORD_MAKES)
_OPENING_WORDS = CAR_MAKES | _SECOND_WORDS_OF_MAKES
# The labels a make and a model come out with: a person or an organisation (the English model's, and ours). A place
# or a building stays one ("Kia Oval", "Ford Field").
_RETYPED = frozenset({"PERSON", "PER", "ORG", "PRODUCT"})
_MAX_WORDS = 3
# Words after a make that name the company or its branch, not a model.
_COMPANY_WORDS = frozenset({"Motor", "Motors", "Group", "Company", "Corporation", "Corp", "Automotive", "Cars",
                            "Racing", "Team", "Australia", "Europe", "America", "UK", "Japan", "Foundation"})
# Words of venues and places named after a make ("Kia Oval", "Ford Field", "Dodge City").
_VENUE_WORDS = frozenset({"Oval", "Field", "Stadium", "Arena", "Center", "Centre", "City", "Park", "Ground", "Dome",
                          "Theatre", "Theater", "Hall", "Island", "County"})


def _model_word(word: str) -> bool:
    return (word[:1].isupper() or any(c.isdigit() for c in word)) and word not in _COMPANY_WORDS \
        and word not in LEGAL_FORMS and word not in ORG_HEADS["en"] and word not in _VENUE_WORDS \
        and not (word.isupper() and len(word) > 1 and word.isalpha())  # "Mitsubishi UFJ": a company's letters


def _make_and_model(words: list[str], start: int, end: int) -> bool:
    """A make, then a model that is no second make ("Jaguar Land Rover", "Fiat Chrysler", "McLaren Mercedes" are
    companies and teams) and no make of two words on its own ("Alfa Romeo")."""
    first = 2 if (words[start], words[start + 1]) in _TWO_WORD_MAKES else 1
    rest = words[start + first:end]
    return bool(rest) and rest[0] not in CAR_MAKES and rest[0] not in _SECOND_WORDS_OF_MAKES \
        and all(_model_word(word) for word in rest) and not gazetteer.is_place("en", " ".join(rest))


def _opens_with_make(words: list[str], start: int, end: int) -> bool:
    return words[start] in CAR_MAKES or (end - start > 2 and (words[start], words[start + 1]) in _TWO_WORD_MAKES)


def car_models(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Spans of a make and a model become MISC, a decided type (`decided`)."""
    if not has_word(doc, _OPENING_WORDS):  # most docs name no car make: the doc's word set, no pass over its words
        return ents
    words = facts(doc).words
    fixed = []
    for ent in ents:
        start, end = ent.start, ent.end
        if 2 <= end - start <= _MAX_WORDS and ent.label_ in _RETYPED and _opens_with_make(words, start, end) \
                and _make_and_model(words, start, end):
            ent = Span(doc, start, end, label="MISC")
            decided[(start, end)] = "MISC"
        fixed.append(ent)
    return fixed
