"""Dutch: a one-word place that no list knows and nothing in the text places is dropped (sessions 46 and 54).

On CV fold 0 of ned.train (De Morgen, 2000) the stage's one-word LOC spans whose word the gazetteer or the training
names know are gold LOC 941 times of 960; the other 153 are gold LOC once ("Mol") and otherwise MISC 44 ("V-plan",
"Werchter"), PER 40 ("Younes", "Ensor"), ORG 35 ("Azzurri") or no name 33. A wrong type counts twice against F1, a
missed name once, so such a span is dropped.

Today's news names places no list holds (districts, squares, villages, the Dutch spelling of a town at war), so a
span stays when the lists know the word in any of its forms, or when the text places it:
- the lists: the gazetteers, the training names (`casing.name_types`: a "place" they know as a person becomes the
  person when the types are read), GeoNames' towns (`geonames_towns.txt`, `small_places.txt`, `towns_500.txt`);
  a Dutch transliteration's English form ("Koerachove": Kurakhove, "Soedzja": Sudzha); a compass compound of a known
  place ("Rotterdam-Zuid"); a word ending like a street, a square, a district or a building ("Vredenseweg",
  "Groenplaats", "Transvaalbuurt");
- the text: a word before it that places it ("in Thialf", "op de Groenplaats", "ten noorden van Koepjansk", "de
  bewoners van Kanaleneiland"); a kind of place before it ("de wijk Overvecht"); a kind-noun of places within a few
  words of an appositive after it ("Overvecht, een wijk in Utrecht"); a list it shares with a known place ("Avdiivka,
  Koerachove en Vuhledar"); what the sentence says of it ("X ligt aan zee", "X is de grootste wijk van ..."); another
  one-word LOC span of the same word that one of these places.
A type the text decided by a kind-word (`decided`) stands.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from worker.tagging import casing, gazetteer
from worker.tagging.entity_doc import facts
from worker.tagging.entity_evidence import PLACE_PREPOSITIONS

# Endings of Dutch names of streets, squares, districts and buildings, after a stem of three letters or more
# ("Vredenseweg", "Korenmarkt", "Groenplaats", "Kanaleneiland", "Zuidstation"; not "Weg" alone, and no "berg":
# "Zuckerberg", "Spielberg").
_STREET_ENDINGS = ("straat", "weg", "laan", "plein", "markt", "veld", "vest", "kade", "dijk", "gracht", "singel",
                   "park", "dreef", "steenweg", "kwartier", "wijk", "haven", "brug", "poort", "station", "schouwburg",
                   "zaal", "dok", "kanaal", "woud", "plaats", "buurt", "eiland", "horst", "waard")
_MIN_STEM = 3
# Compass words a hyphen joins to a known place or to another such word: "Noord-Frankrijk", "Rotterdam-Zuid",
# "Gaza-Stad", "Nieuw-West".
_COMPASS = frozenset({"noord", "zuid", "oost", "west", "noordoost", "noordwest", "zuidoost", "zuidwest", "midden",
                      "centraal", "stad", "north", "south", "east", "nieuw", "oud", "groot", "klein", "sint"})
# Words that place what follows them ("in Thialf", "uit Rosmalen"), also before "de", "het", "den" or "'t": the
# evidence step's place prepositions and more; and two that place it only before an article ("op de Groenplaats",
# "over de Meir": "op Werchter" is the festival).
_PLACE_WORDS = PLACE_PREPOSITIONS | frozenset({"bij", "rond", "nabij", "vanuit", "via", "richting", "tussen", "langs",
                                               "tot", "vanaf", "binnen"})
_PLACE_WORDS_BEFORE_ARTICLE = frozenset({"op", "over"})
_ARTICLES = frozenset({"de", "het", "den", "'t"})
# Nouns that make "<noun> van X" a place: "ten noorden van Koepjansk", "de rand van Soedzja", "de inwoners van ..."
_PLACE_HEADS = frozenset({"noorden", "zuiden", "oosten", "westen", "noordoosten", "noordwesten", "zuidoosten",
                          "zuidwesten", "rand", "inwoners", "bewoners", "buurtbewoners", "burgemeester", "top",
                          "centrum", "omgeving", "buurt", "haven", "regio", "provincie", "gemeente", "wijk", "hart",
                          "stad", "dorp", "straten", "grens"})
# Kind-nouns of places, compounds too, right before the name ("de vulkaan Semeru") or in an appositive after it
# ("Overvecht, een wijk in Utrecht", "Soedzja, een stadje in ..."); no "berg": "een vriend van Zuckerberg".
_PLACE_KINDS = ("wijk", "dorp", "dorpje", "stad", "stadje", "gemeente", "buurt", "eiland", "regio", "provincie",
                "vulkaan", "rivier", "badplaats", "district", "plaats", "gehucht", "streek", "deelstaat", "kamp")
_APPOSITIVE_WORDS = 5
_PLACE_KINDS_PLURAL = ("wijken", "dorpen", "steden", "gemeenten", "gemeentes", "buurten", "eilanden", "plaatsen",
                       "regio's", "provincies")
# "X ligt aan zee", "X en Y liggen in ...": a verb said of places only. A copula, read with the predicate after it.
_LIE_VERBS = frozenset({"ligt", "liggen", "lag", "lagen"})
_COPULAS = frozenset({"is", "was", "zijn", "waren", "wordt", "werd", "blijft"})
_PREDICATE_WORDS = 4
_PREDICATE_ENDS = frozenset({"van", "in", "uit", "met", "voor", "bij", "die", "dat", "waar", "en", "of", "naar", "op"})
# Items of one list: "A, B en C", "A of B", "de Kilimanjaro en de Everest" (at most three words between).
_LIST_JOINS = frozenset({",", "en", "of", "&", "de", "het"})
_LIST_GAP = 3
# Dutch (and French) spellings of Cyrillic and Arabic names and their English forms: "oe" for "u", "sj" for "sh" ...
_TRANSLITERATIONS = (("tsj", "ch"), ("sj", "sh"), ("zj", "zh"), ("oe", "u"), ("ch", "kh"), ("ch", "sh"), ("j", "y"),
                     ("j", "i"))


def drop_unknown_places(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    if doc.lang_ != "nl":
        return ents
    doc_facts = facts(doc)
    words = doc_facts.words
    unknown = [e for e in ents if e.label_ == "LOC" and e.end - e.start == 1 and (e.start, e.end) not in decided
               and _unknown_word(words[e.start])]
    if not unknown:
        return ents
    lower = doc_facts.lower
    by_end = {e.end: e for e in ents}
    by_start = {e.start: e for e in ents}
    placed = {words[e.start] for e in unknown
              if _placed(lower, e.start) or _in_list_with_place(doc, lower, by_end, by_start, e)}
    dropped = {e.start for e in unknown if words[e.start] not in placed}
    if not dropped:
        return ents
    return [e for e in ents if e.start not in dropped]  # the entities do not overlap: a start is one span's


def _unknown_word(word: str) -> bool:
    """No list knows the word (or its English transliteration) as a place or a name, and it is neither a compass
    compound of a known place nor a street's, square's or building's name. Kept per word and name list (a CV fold
    swaps the list: `scripts/ner_cv.py`)."""
    names = casing.name_types("nl")
    if _MEMO_NAMES[0] is not names or len(_MEMO) > _MEMO_MAX:
        _MEMO.clear()
        _MEMO_NAMES[0] = names  # held, so that a list read later can never be taken for this one
    unknown = _MEMO.get(word)
    if unknown is None:
        unknown = _MEMO[word] = _unknown_by_lists(word, names)
    return unknown


_MEMO: dict[str, bool] = {}
_MEMO_NAMES: list[dict[str, str] | None] = [None]
_MEMO_MAX = 50_000


def _unknown_by_lists(word: str, names: dict[str, str]) -> bool:
    lower = word.lower()
    if any(lower.endswith(ending) and len(lower) >= len(ending) + _MIN_STEM for ending in _STREET_ENDINGS):
        return False
    if word in names or gazetteer.exact_lookup("nl", word) is not None or _place_by_lists(word, names) \
            or any(_place_by_lists(variant, names) for variant in _transliterations(word)):
        return False
    parts = word.split("-")
    if len(parts) == 2 and any(part.lower() in _COMPASS for part in parts):
        rest = [part for part in parts if part.lower() not in _COMPASS]  # none: "Nieuw-West", a district's name
        return bool(rest) and all(_unknown_by_lists(part, names) for part in rest)  # "Koerachove-Zuid" is known
    return True


def _place_by_lists(word: str, names: dict[str, str]) -> bool:
    """A place by any list the project holds: the Dutch and English gazetteers, the Dutch name list of the training
    data (`casing.name_types`), GeoNames' towns of 15,000 people or more (also `small_places.txt`) and its places of
    500 or more (`towns_500.txt`). (A word the name list or the Dutch gazetteer knows as another type is no unknown
    place either: the types' reading after the rules gives it that type, `entities._resolve`: "broer van Havok".)"""
    return names.get(word) == "LOC" or gazetteer.is_place("nl", word) or gazetteer.is_place("en", word, exact=True) \
        or word in gazetteer.small_places() or word in gazetteer.towns_500() or word in gazetteer.geonames_towns()


def _transliterations(word: str) -> set[str]:
    """The word's forms with each Dutch transliteration replaced by its English one or kept ("Koepjansk":
    "Kupjansk", "Kupyansk", "Kupiansk", ...), the word itself left out."""
    forms = {word.lower()}
    for dutch, english in _TRANSLITERATIONS:
        forms |= {form.replace(dutch, english) for form in forms if dutch in form}
    forms.discard(word.lower())
    return {form[:1].upper() + form[1:] for form in forms}


def _placed(lower: list[str], start: int) -> bool:
    """Whether the words around the one at `start` place it: a place word before it (or before an article before
    it), "<place noun> van (de) X", a kind of place right before it ("de wijk Overvecht"), or an appositive after it
    that names a kind of place."""
    k = start - 1
    if k >= 0 and lower[k] in _ARTICLES:
        if k >= 1 and lower[k - 1] in _PLACE_WORDS_BEFORE_ARTICLE:
            return True
        k -= 1
    if k >= 0 and lower[k] in _PLACE_WORDS:
        return True
    if k >= 1 and lower[k] == "van" and lower[k - 1] in _PLACE_HEADS:
        return True
    if start >= 1 and lower[start - 1].isalpha() and lower[start - 1].endswith(_PLACE_KINDS):  # "de vulkaan Semeru"
        return True
    return _kind_in_appositive(lower, start + 1) or _said_to_be_a_place(lower, start + 1)


def _kind_in_appositive(lower: list[str], at: int) -> bool:
    """", een wijk in Utrecht": a comma, an article and, within a few words, a kind-noun of places."""
    if at + 2 >= len(lower) or lower[at] != "," or lower[at + 1] not in ("een", "de", "het"):
        return False
    return any(word.endswith(_PLACE_KINDS) for word in lower[at + 2:at + 2 + _APPOSITIVE_WORDS] if word.isalpha())


def _said_to_be_a_place(lower: list[str], at: int) -> bool:
    """What the sentence says of the name (and of a second one joined by "en" or "of") makes it a place: "X ligt
    aan zee", "Osdorp en Slotervaart liggen in ...", or a copula whose predicate is a kind of place ("Woensel is de
    grootste wijk van Eindhoven", "... zijn Arnhemse aandachtswijken"), read up to the predicate's first preposition,
    relative pronoun or comma ("X is de beste speler van de stad" says nothing of X)."""
    if at + 1 < len(lower) and lower[at] in ("en", "of"):
        at += 2
    if at >= len(lower):
        return False
    if lower[at] in _LIE_VERBS:
        return True
    if lower[at] not in _COPULAS:
        return False
    for word in lower[at + 1:at + 1 + _PREDICATE_WORDS]:
        if word in _PREDICATE_ENDS or not word.isalpha():
            return False
        if word.endswith(_PLACE_KINDS) or word.endswith(_PLACE_KINDS_PLURAL):
            return True
    return False


def _in_list_with_place(doc: Doc, lower: list[str], by_end: dict[int, Span], by_start: dict[int, Span],
                        ent: Span) -> bool:
    """The span is an item of a list ("A, B en C") whose item next to it, at most `_LIST_GAP` words away, is a name
    a list knows as a place, whatever the model called it ("Sulawesi en Papoea": Sulawesi is still PER here)."""
    names = casing.name_types("nl")
    for gap in range(1, _LIST_GAP + 1):
        for other, between in ((by_end.get(ent.start - gap), lower[ent.start - gap:ent.start]),
                               (by_start.get(ent.end + gap), lower[ent.end:ent.end + gap])):
            if other is not None and all(word in _LIST_JOINS for word in between) \
                    and _place_by_lists(doc[other.start:other.end].text, names):
                return True
    return False
