"""English news: a car make and its model are a product (session 46, round 11).

"the Toyota Supra of Walkinshaw Andretti United", "( Grove Racing , Ford Mustang )": the model read a make and a model
as a person or a company. CoNLL-2003 types products and models MISC, as our annotated files do. A span of two or three
words that opens with a car make (`CAR_MAKES`) and goes on with a model (capitalised or with a digit: "Supra",
"Model Y", "F-150", "911") is MISC; the make with an organisation's word ("Toyota Motor", "Ford Australia") is not.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from worker.tagging import gazetteer
from worker.tagging.entity_doc import facts
from worker.tagging.kind_words import LEGAL_FORMS, ORG_HEADS

CAR_MAKES = frozenset({
    "Toyota", "Ford", "Chevrolet", "Holden", "Nissan", "Honda", "Hyundai", "Kia", "Mazda", "Subaru", "Mitsubishi",
    "BMW", "Audi", "Volkswagen", "VW", "Mercedes", "Mercedes-Benz", "Porsche", "Ferrari", "Lamborghini", "Tesla",
    "Volvo", "Peugeot", "Renault", "Citroen", "Fiat", "Skoda", "Jaguar", "Lexus", "Suzuki", "Dodge", "Jeep",
    "Cadillac", "Buick", "Opel", "Vauxhall", "Dacia", "BYD", "Polestar", "Rivian", "Maserati", "McLaren",
    "Bentley", "Bugatti", "Alfa",
})
_MAX_WORDS = 3
# Words after a make that name the company or its branch, not a model.
_COMPANY_WORDS = frozenset({"Motor", "Motors", "Group", "Company", "Corporation", "Corp", "Automotive", "Cars",
                            "Racing", "Team", "Australia", "Europe", "America", "UK", "Japan", "Foundation"})


def _model_word(word: str) -> bool:
    return (word[:1].isupper() or any(c.isdigit() for c in word)) and word not in _COMPANY_WORDS \
        and word not in LEGAL_FORMS and word not in ORG_HEADS["en"]


def car_models(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Spans of a make and a model become MISC, a decided type (`decided`)."""
    words = facts(doc).words
    if CAR_MAKES.isdisjoint(words):
        return ents
    fixed = []
    for ent in ents:
        start, end = ent.start, ent.end
        if words[start] in CAR_MAKES and 2 <= end - start <= _MAX_WORDS and ent.label_ != "MISC" \
                and all(_model_word(words[k]) for k in range(start + 1, end)) \
                and not gazetteer.is_place("en", " ".join(words[start + 1:end])):
            ent = Span(doc, start, end, label="MISC")
            decided[(start, end)] = "MISC"
        fixed.append(ent)
    return fixed
