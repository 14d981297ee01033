"""Dutch type decisions from the words around a name (issue 13, item 3): the model found the span, the context
says what it names.

- a name compounded with a common noun in one token is MISC, as CoNLL-2002 tags them ("VLD-voorzitter",
  "Tour-winnaar", "NAVO-top": ned.train 369 MISC of 428 such tokens), unless the noun is itself a kind of
  organisation or place ("KBC-groep" ORG, "Fiji-eilanden" LOC; the heads seen in ned.train); one the model
  missed is added when a list knows its name part;
- a name right after a verb of saying ("zegt Verhofstadt", ", aldus Dehaene") is a person (ned.train: "zegt"
  96 % PER, "zei" 95 %, "aldus" 88 %) unless a name list knows it as something else;
- a one-word name right after "in", "uit", "naar" or "te" is a place when the model called it a person, or an
  organisation no list knows (ned.train: 616 of 660 such names LOC, 4 PER);
- a name of two words or more standing alone between quotes is a title (MISC: ned.train 83 of 100), unless a
  list knows it as something else;
- after "minister van (de/het)" comes a ministry (ORG: 26 of 27 in ned.train), after "het werk van" an author
  (PER, 11 of 12), after "de finale van" a competition (MISC, 11 of 11);
- a Dutch portfolio after "minister/staatssecretaris/ministerie van" is one organisation over its "en" and
  commas ("minister van Infrastructuur en Waterstaat Barry Madlener": the model had "Waterstaat" LOC);
- a name right after a lower-case kind-noun takes its type ("restaurant Ruby" LOC, "amateurclub Smilde G4" ORG,
  "de film Underground" MISC; ned.train 75 of 77);
- a name of one to three capitalised words right after a lower-case role word ("ontvoerder Veerappan", "zijn vrouw
  Silvana", "ex-legerleider Mladic") is a person (ned.train: after a title word 213 PER of 216; after a word of
  kinship or standing 34 of 36, the other two after "rivaal" and "dochter", which are left out), unless a list knows
  it as something else or a kind-word names its kind.

Each decision is recorded in the doc's user data (entity_rules.CONTEXT_TYPES_KEY) so that the name lists and the
gazetteer do not undo it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from spacy.tokens import Doc, Span

from worker.tagging import entity_given_names, gazetteer
from worker.tagging.entity_doc import SPAN_START, facts
from worker.tagging.titles import title_word

# One token: a capitalised name part (maybe several joined by hyphens), then a lower-case noun: "VLD-voorzitter",
# "Alken Maes-topman" (the last token), "EU-landen"; not "Mexico-Stad", "Noord-Korea", "T-shirt" or "39-jarige".
_COMPOUND = re.compile(r"^[A-Z][\w.&']+(?:-[A-Z0-9][\w.&']*)*-([a-zà-ÿ]{3,})$")
# Lower-case heads that keep the compound a name of their kind (endings: "VN-oorlogstribunaal", "Rwanda-tribunaal").
COMPOUND_HEADS = {  # ned.train has these heads ORG/LOC; "bedrijf", "ploeg", "zender", "station", "toren" MISC
    "ORG": ("groep", "concern", "fractie", "beweging", "instituut", "tribunaal", "universiteit", "partij",
            "imperium", "ministerie", "commissie", "stichting", "vereniging", "federatie"),
    "LOC": ("brug", "eiland", "eilanden", "regio", "provincie", "stad", "museum", "hotel", "plein", "straat",
            "laan", "kerk", "paleis", "luchthaven", "stadion", "centrale", "rivier", "gebergte", "vallei",
            "renbaan", "fjord", "kanaal", "park", "wijk", "district", "baai", "gevangenis", "ziekenhuis"),
}
QUOTES = frozenset({"'", '"', "`", "''", "``", "‘", "’", "“", "”", "«", "»"})
PLACE_PREPOSITIONS = frozenset({"in", "uit", "naar", "te"})
# "<noun> van (de/het) X": the type X takes.
OF_NOUNS = {"minister": "ORG", "ministerie": "ORG", "werk": "PER", "finale": "MISC", "halve": "MISC",
            # session 12 (nl-news/dev_s12.txt "Bewoners van Carnisse" PER); ned.train: every name after these is
            # LOC (inwoners 3, burgemeester 4, buurt 5, bewoners 1)
            "bewoners": "LOC", "inwoners": "LOC", "burgemeester": "LOC", "buurt": "LOC", "gemeenteraad": "LOC"}
SPEECH_VERBS = frozenset({"zegt", "zei", "zeggen", "aldus", "vertelt", "vertelde", "verklaart", "verklaarde",
                          "meent", "meende", "benadrukt", "benadrukte", "stelt", "stelde", "antwoordt", "antwoordde"})


# "ex-Sovjetunie", "ex-Radio Contact", "oud-VLD-volksvertegenwoordiger": a name glued to "ex-" or "oud-" is MISC in
# CoNLL-2002 (ned.train: 4 of 4), whatever the name is on its own
_FORMER = re.compile(r"(?:ex|oud)-[A-Z]")


@lru_cache(maxsize=65536)
def compound_type(word: str) -> str | None:
    """MISC, ORG or LOC for a name compounded with a noun in one token ("VLD-voorzitter"), else None."""
    match = _COMPOUND.match(word)
    if match is None:
        return None
    head = match.group(1)
    for label, heads in COMPOUND_HEADS.items():
        if any(head == h or (len(h) >= 4 and head.endswith(h)) for h in heads):
            return label
    return "MISC"


def _known_type(text: str) -> str | None:
    entry = gazetteer.lookup("nl", text)
    if entry is not None and entry.curated:
        return entry.type
    from worker.tagging.casing import name_types

    return name_types("nl").get(text)


def _of_noun_type(doc: Doc, ent: Span) -> str | None:
    """The type "minister van X", "het werk van X", "de finale van X" give X (see OF_NOUNS)."""
    i = ent.start - 1
    if i >= 0 and doc[i].lower_ in ("de", "het"):
        i -= 1
    if i < 1 or doc[i].lower_ != "van" or not (doc[i - 1].is_lower or doc[i - 1].is_title):
        return None  # a capitalised noun: the sentence's first word ("Bewoners van Carnisse")
    label = OF_NOUNS.get(doc[i - 1].lower_)
    if label is None or (label != "ORG" and _known_type(ent.text) not in (None, label)):
        return None
    return label


def _person_after_role(doc: Doc, ent: Span) -> bool:
    """A name of one to three capitalised words (or particles) right after a lower-case role word, known to no list
    as another type and with no kind-word: "ontvoerder Veerappan", "zijn vrouw Silvana"."""
    if not 1 <= len(ent) <= 3 or ent.start == 0:
        return False
    before = doc[ent.start - 1].text
    if not before.islower() or before in _NOT_ROLES or not (before in PERSON_NOUNS or title_word(before, "nl")):
        return False
    words = [token.text for token in ent]
    if not words[0][:1].isupper() or not all(
            w.lower() in entity_given_names.PARTICLES
            or (w[:1].isupper() and w.isalpha() and not entity_given_names.is_kind_word(w, "nl")) for w in words):
        return False
    return not entity_given_names.known_otherwise(ent.text, "nl")


@lru_cache(maxsize=4096)
def _kind_noun(word: str) -> str | None:
    kind = KIND_NOUNS.get(word)
    if kind is None:
        ending = next((noun for noun in _LONG_KIND_NOUNS if word.endswith(noun) and len(word) > len(noun)), None)
        kind = KIND_NOUNS[ending] if ending else None
    return kind


def _kind_before(doc: Doc, ent: Span) -> str | None:
    """The type a lower-case kind-noun right before the name gives it ("restaurant Ruby" LOC, "amateurclub Smilde
    G4" ORG, "de film Underground" MISC), for a name of one to four capitalised words or particles that no list knows
    as another type; None otherwise (or when the model already says so)."""
    if not 1 <= len(ent) <= 4 or ent.start == 0 or not doc[ent.start - 1].text.islower():
        return None
    kind = _kind_noun(doc[ent.start - 1].text)
    if kind is None or kind == ent.label_:
        return None
    words = [token.text for token in ent]
    if not words[0][:1].isupper() or not all(w.lower() in entity_given_names.PARTICLES or w[:1].isupper()
                                             for w in words):
        return None
    known = _known_type(ent.text)
    return kind if known in (None, kind) else None


_APPOSITIVE_ARTICLES = frozenset({"de", "het", "een"})
# Kind-nouns of organisations that also open their names ("Agentschap Wegen en Verkeer"), so no context noun of
# `entity_rules.CONTEXT_NOUNS`, read here in an appositive beside `KIND_NOUNS` ("vereniging", "stichting"):
# "Westtoer, het toeristische agentschap".
_APPOSITIVE_ORG_NOUNS = ("agentschap", "instelling")
_APPOSITIVE_WORDS = 3


def _kind_after(doc: Doc, ent: Span, context_type: Callable[[str, str], str | None] | None) -> str | None:
    """The type an appositive gives the name before it: a comma, an article, up to three lower-case words ending in a
    kind-noun of ORG or MISC ("Twin Peaks, de serie over ...", "Westtoer, het toeristische agentschap"); not after a
    place preposition ("uit Helmond, een familiebedrijf": the company before), nor for a person whose first word is a
    known given name, nor when a list knows the name as another type (session 36)."""
    end = ent.end
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in _APPOSITIVE_ARTICLES:
        return None
    kind = None
    for k in range(end + 2, min(len(doc), end + 2 + _APPOSITIVE_WORDS)):
        word = doc[k].text
        if not (word.islower() and word.isalpha()):
            return None
        kind = (context_type(word, "nl") if context_type is not None else None) or _kind_noun(word) \
            or ("ORG" if word.endswith(_APPOSITIVE_ORG_NOUNS) else None)
        if kind is not None:
            break
    if kind not in ("ORG", "MISC") or kind == ent.label_:
        return None
    if ent.start > 0 and doc[ent.start - 1].lower_ in PLACE_PREPOSITIONS:
        return None
    if ent.label_ == "PER" and ent[0].text in gazetteer.given_names()[0]:
        return None
    known = _known_type(ent.text)
    return kind if known in (None, kind) else None


def in_wiki_bold(doc: Doc, start: int, end: int) -> bool:
    """Tokens start..end inside Wikipedia's bold markup, three apostrophes on each side as tokenised ("' '' Ard
    Schenk '' '"): the subject of an article, of any type, not a quoted title (italics, "'' X ''", are titles)."""
    return start >= 2 and end + 1 < len(doc) and doc[start - 2].text == "'" and doc[start - 1].text == "''" \
        and doc[end].text == "''" and doc[end + 1].text == "'"


def _relabel(doc: Doc, ent: Span, label: str, decided: dict[tuple[int, int], str]) -> Span:
    decided[(ent.start, ent.end)] = label
    return ent if ent.label_ == label else Span(doc, ent.start, ent.end, label=label, kb_id=ent.kb_id_,
                                                span_id=ent.id_)


PARTS = frozenset({"compounds", "speakers", "places", "of", "quotes", "ministries", "genitives", "role_words",
                   "kind_before", "kind_after"})

# Lower-case kind-nouns right before a name, and the type they give it (ned.train: 75 of 77; data/ner/README.md,
# session 33 round 5); a compound ending in one of six letters or more counts too ("zigeunercircus").
KIND_NOUNS = {
    **dict.fromkeys(("stichting", "partij", "club", "circus", "band", "omroep", "zender", "krant", "dagblad",
                     "weekblad", "tijdschrift", "bedrijf", "firma", "holding", "uitgeverij", "beweging", "vereniging",
                     "concern", "maatschappij"), "ORG"),
    **dict.fromkeys(("restaurant", "café", "hotel", "stad", "dorp", "gemeente", "provincie", "rivier", "eiland",
                     "galerie", "regio"), "LOC"),
    **dict.fromkeys(("film", "boek", "album", "cd", "roman", "toneelstuk", "tentoonstelling", "reeks", "single",
                     "festival", "operatie", "project", "rally"), "MISC"),
}
_LONG_KIND_NOUNS = tuple(noun for noun in KIND_NOUNS if len(noun) >= 6)

# Lower-case words of kinship or standing before a person's name ("zijn vrouw Silvana", "filmster Rajkamur"), beside
# the title list; not "rivaal" (a club's) or "dochter" (a company's subsidiary), which ned.train has before an ORG.
PERSON_NOUNS = frozenset({
    "vrouw", "man", "zoon", "broer", "zus", "zuster", "vader", "moeder", "echtgenote", "echtgenoot", "vriend",
    "vriendin", "verdachte", "dader", "ontvoerder", "filmster", "popster", "moordenaar", "crimineel", "tegenstander",
    "opvolger", "voorganger", "landgenoot", "ploegmaat", "teamgenoot", "weduwe", "kleinzoon", "neef", "nicht", "oom",
    "tante", "schoonzoon", "grootvader", "grootmoeder",
})
# De Morgen's byline field ("auteur Belga", "auteur Brussel"): no role
_NOT_ROLES = frozenset({"auteur"})

# Portfolios of Dutch ministries (2010-2026 cabinets; Belgian federal ones are FOD names in the gazetteer), as
# tokens; the longest that follows "minister van" is taken.
PORTFOLIOS = tuple(sorted((tuple(name.replace(",", " ,").split()) for name in (
    "Algemene Zaken", "Binnenlandse Zaken", "Binnenlandse Zaken en Koninkrijksrelaties", "Buitenlandse Zaken",
    "Buitenlandse Handel", "Buitenlandse Handel en Ontwikkelingssamenwerking", "Ontwikkelingssamenwerking",
    "Defensie", "Economische Zaken", "Economische Zaken en Klimaat", "Financiën", "Infrastructuur en Milieu",
    "Infrastructuur en Waterstaat", "Justitie", "Justitie en Veiligheid", "Veiligheid en Justitie",
    "Klimaat en Groene Groei", "Klimaat en Energie", "Landbouw", "Landbouw, Natuur en Voedselkwaliteit",
    "Landbouw, Visserij, Voedselzekerheid en Natuur", "Onderwijs, Cultuur en Wetenschap", "Onderwijs",
    "Sociale Zaken", "Sociale Zaken en Werkgelegenheid", "Volksgezondheid", "Volksgezondheid, Welzijn en Sport",
    "Volkshuisvesting en Ruimtelijke Ordening", "Volkshuisvesting", "Asiel en Migratie", "Medische Zorg",
    "Primair en Voortgezet Onderwijs", "Armoedebeleid, Participatie en Pensioenen", "Rechtsbescherming",
    "Toeslagen en Douane", "Fiscaliteit en Belastingdienst", "Digitalisering en Koninkrijksrelaties",
    "Jeugd, Preventie en Sport", "Herstel Groningen", "Natuur en Stikstof", "Langdurige en Maatschappelijke Zorg",
    # Dutch portfolios of 1990-2010 ("minister Netelenbos van Verkeer en Waterstaat": PER "Netelenbos van
    # Verkeer", nl dev_s16, train_s16)
    "Verkeer en Waterstaat", "Volkshuisvesting, Ruimtelijke Ordening en Milieubeheer",
    "Landbouw, Natuurbeheer en Visserij", "Landbouw, Natuur en Voedselkwaliteit", "Onderwijs, Cultuur en Wetenschappen",
    "Welzijn, Volksgezondheid en Cultuur", "Grote Steden- en Integratiebeleid", "Vreemdelingenzaken en Integratie",
    "Jeugd en Gezin", "Wonen, Wijken en Integratie", "Wonen en Rijksdienst", "Europese Zaken",
    "Economische Zaken, Landbouw en Innovatie",
    # Belgian federal and Flemish portfolios (ned.train: "minister van Leefmilieu", "Toerisme", "Pensioenen",
    # "Telecommunicatie", "Cultuur" are ORG, as every portfolio after "minister van" there, 28 of 29)
    "Leefmilieu", "Toerisme", "Pensioenen", "Telecommunicatie", "Cultuur", "Landsverdediging", "Mobiliteit",
    "Werk", "Begroting", "Middenstand", "Economie", "Energie", "Ambtenarenzaken", "Overheidsbedrijven", "Welzijn",
    "Binnenlands Bestuur", "Media", "Gelijke Kansen", "Wetenschapsbeleid", "Werkgelegenheid", "Tewerkstelling",
    "Omgeving", "Wonen", "Armoedebestrijding", "Asiel", "Migratie", "Landbouw en Visserij",
)), key=len, reverse=True))
_MINISTRY_NOUNS = frozenset({"minister", "ministers", "ministerie", "staatssecretaris", "staatssecretarissen"})


def missed_compounds(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Name-noun compounds the model did not tag, added when a list knows the name ("GroenLinks-PvdA-leider",
    "Vooruit-voorzitter"): ned.train tags 283 of 290 such tokens MISC when their head says MISC."""
    words = facts(doc).words
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    added = []
    for i, word in enumerate(words):
        if "-" not in word or i in taken:
            continue
        label = compound_type(word)
        match = _COMPOUND.match(word) if label is not None else None
        if label is None or match is None or not _known_name(word[:-(len(match.group(1)) + 1)]):
            continue
        added.append(Span(doc, i, i + 1, label=label))
        decided[(i, i + 1)] = label
    return sorted(ents + added, key=SPAN_START) if added else ents


@lru_cache(maxsize=65536)
def _known_name(name: str) -> bool:
    from worker.tagging.casing import name_types

    return gazetteer.lookup("nl", name) is not None or name in name_types("nl")


def split_at_article(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """A name run on over "de"/"het" into a nationality or event is two names: "in Kyiv de Nederlandse
    defensieminister" (LOC "Kyiv de Nederlandse"), "start in Compiègne de Parijs-Roubaix". Only where the part
    after the article is a curated MISC name and the whole is no known name ("Tour de France" stays whole).
    Called by the entity rules before the kind-words join names (part "articles"), once per doc."""
    words = facts(doc).words
    result = []
    for ent in ents:
        k = next((i for i in range(ent.start + 1, ent.end - 1) if words[i] in ("de", "het")), None)
        if k is None or (ent.start, ent.end) in decided:
            result.append(ent)
            continue
        rest = " ".join(words[k + 1:ent.end])
        entry = gazetteer.lookup("nl", rest)
        if entry is None or entry.type != "MISC" or not entry.curated or _known_type(ent.text) is not None:
            result.append(ent)
            continue
        result.append(Span(doc, ent.start, k, label=ent.label_))
        result.append(Span(doc, k + 1, ent.end, label="MISC"))
        decided[(k + 1, ent.end)] = "MISC"
    return result


# The minister's name may stand between the noun and "van": "minister Sanne Verhoeven van Volkshuisvesting en
# Ruimtelijke Ordening"; at most this many words (capitalised, or particles of the name).
MINISTER_NAME_MAX_WORDS = 5


def _portfolio_at(words: list[str], start: int) -> tuple[str, ...] | None:
    """The longest portfolio that starts at this token, if any."""
    return next((p for p in PORTFOLIOS if tuple(words[start:start + len(p)]) == p), None)


def _portfolio_after(words: list[str], lower: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
    """(start, portfolio) of a portfolio after "van" at i, or after a name and "van" ("minister Jan de Vries van
    Financiën"); None when there is none."""
    for k in range(i, min(i + MINISTER_NAME_MAX_WORDS + 1, len(words) - 1)):
        if lower[k] == "van":
            match = _portfolio_at(words, k + 1)
            if match is not None:
                return k + 1, match
        if not (words[k][:1].isupper() or lower[k] in ("van", "de", "der", "den", "ter", "ten")):
            return None
    return None


def _portfolios(words: list[str], lower: list[str], ents: list[Span]) -> dict[int, tuple[str, ...]]:
    """Start -> portfolio of every portfolio a ministry is named by: after "minister (<name>) van", and after a
    "van" inside a person span that runs on into it, with or without a minister noun before ("woordvoerder Femke
    Hoogerheide van Buitenlandse Zaken")."""
    found: dict[int, tuple[str, ...]] = {}
    if not _MINISTRY_NOUNS.isdisjoint(lower):
        for i, word in enumerate(lower):
            if word in _MINISTRY_NOUNS and (hit := _portfolio_after(words, lower, i + 1)) is not None:
                found.setdefault(*hit)
    for ent in ents:
        if ent.label_ != "PER" or len(ent) < 3:
            continue
        for k in range(ent.start + 1, ent.end - 1):
            match = _portfolio_at(words, k + 1) if words[k] == "van" else None
            if match is not None and k + 1 + len(match) >= ent.end:
                found.setdefault(k + 1, match)
                break
    return found


def _cut_before_van(doc: Doc, ent: Span, portfolio_start: int) -> Span:
    """A person run on over "van" into the portfolio ("Storm de Graaf van Onderwijs") ends before "van"."""
    van = portfolio_start - 1
    if ent.label_ == "PER" and ent.start < van < ent.end <= portfolio_start + 8 and doc[van].lower_ == "van":
        return Span(doc, ent.start, van, label="PER", kb_id=ent.kb_id_)
    return ent


def ministries(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """A portfolio after "minister (<name>) van", or after a person run on over "van" into it, as one ORG span over
    the entities the model cut it into; the person ends before "van"."""
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    portfolios = _portfolios(words, lower, ents)
    if not portfolios:
        return ents
    result = list(ents)
    for start, match in sorted(portfolios.items()):
        end = start + len(match)
        result = [_cut_before_van(doc, e, start) for e in result]
        if any(e.start < start < e.end or e.start < end < e.end for e in result):
            continue  # a longer name runs over the portfolio's edges
        result = [e for e in result if not (start <= e.start and e.end <= end)]
        result.append(Span(doc, start, end, label="ORG"))
        decided[(start, end)] = "ORG"
    return sorted(result, key=SPAN_START)


def _surname_like(word: str) -> bool:
    """Capitalised with lower-case letters after: "Hulle", not a ruler's number ("Karel V van Spanje", "Willem III
    van Oranje") nor an acronym."""
    return word[:1].isupper() and any(c.islower() for c in word[1:])


def persons_of_places(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """A person run on over a lower-case "van" into a known name ("burgemeester Marleen Van Hulle van Maldegem",
    "Ginola van Newcastle" after "David"): cut before "van" when a given name opens the span and a surname (a
    capitalised word that is no given name) stands right before "van"; the rest takes its known type. In Dutch
    names "van" follows the given names ("Jaap van Zweden"); ned.train and our files hold no person of the cut
    shape (0 of their PER spans)."""
    from worker.tagging import entity_given_names
    from worker.tagging.casing import name_types

    given = entity_given_names.given_names()[0]
    words = facts(doc).words
    result = []
    for ent in ents:
        cut = None
        if ent.label_ == "PER" and len(ent) >= 4 and words[ent.start] in given:
            cut = next((k for k in range(ent.start + 2, ent.end - 1) if words[k] == "van"
                        and _surname_like(words[k - 1]) and words[k - 1] not in given), None)
        if cut is None:
            result.append(ent)
            continue
        rest = " ".join(words[cut + 1:ent.end])
        entry = gazetteer.lookup("nl", rest)
        label = entry.type if entry is not None else name_types("nl").get(rest)
        if label is None and cut + 2 == ent.end and rest in gazetteer.small_places():
            label = "LOC"
        if label is None or label == "PER":
            result.append(ent)
            continue
        result.append(Span(doc, ent.start, cut, label="PER", kb_id=ent.kb_id_))
        result.append(Span(doc, cut + 1, ent.end, label=label))
        decided[(cut + 1, ent.end)] = label
    return result


# A newspaper's section label printed as a line of text ("Algemeen" before a De Morgen story) is no name; in the page
# header "Algemeen ( 1 & 3 )" CoNLL-2002 tags it MISC (ned.train: 18 of 19 with "(" MISC, 288 of 289 without it O).
SECTION_LABELS = frozenset({"Algemeen"})


def section_label(doc: Doc, ents: list[Span]) -> list[Span]:
    """Drop a single-token entity that is a section label unless "(" follows it (data/ner/README.md, session 26).
    Run after the document's consistency votes, which would tag every "Algemeen" like the header's."""
    words = facts(doc).words
    return [ent for ent in ents if not (len(ent) == 1 and words[ent.start] in SECTION_LABELS
                                        and (ent.end >= len(words) or words[ent.end] != "("))]


GENITIVE_BLOCKERS = frozenset({"de", "het"})  # "de Vermeirens": a family, not a genitive


def genitive_persons(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """A person's genitive without an apostrophe ("Arafats compromissen", "Rajkamurs vrouw") is MISC in CoNLL-2002
    (ned.train: 40 of 40 single tokens): a capitalised token ending in "s", followed by a lower-case word, whose stem
    is the last word of a PER entity elsewhere in the document while the token itself is not. A single-token
    entity of that shape is retyped, the same token untagged is added; genitives inside longer names ("Jan Steens
    werk": 4 PER, 3 MISC in ned.train) are left alone. data/ner/README.md, session 26."""
    words = facts(doc).words
    persons = [ent for ent in ents if ent.label_ == "PER"]
    if not persons:
        return ents
    last_words: dict[str, list[tuple[int, int]]] = {}  # a PER entity's last word -> the entities' spans
    for ent in persons:
        last_words.setdefault(words[ent.end - 1], []).append((ent.start, ent.end))
    covered = {i: ent for ent in ents for i in range(ent.start, ent.end)}

    def elsewhere(word: str, i: int) -> bool:
        """The last word of a PER entity that does not hold token i."""
        return any(not start <= i < end for start, end in last_words.get(word, ()))

    retyped: set[int] = set()
    added: list[Span] = []
    for i, word in enumerate(words):
        if len(word) < 3 or not word[0].isupper() or not word.endswith("s") or not word[-2].isalpha() \
                or i + 1 >= len(words) or not (words[i + 1][:1].islower() and words[i + 1].isalpha()) \
                or (i > 0 and words[i - 1].lower() in GENITIVE_BLOCKERS) or (i, i + 1) in decided:
            continue
        hit = covered.get(i)
        if hit is not None and len(hit) != 1:
            continue
        if not elsewhere(word[:-1], i) or elsewhere(word, i):
            continue
        decided[(i, i + 1)] = "MISC"
        if hit is None:
            added.append(Span(doc, i, i + 1, label="MISC"))
        else:
            retyped.add(i)
    result = [Span(doc, ent.start, ent.end, label="MISC", kb_id=ent.kb_id_, span_id=ent.id_)
              if ent.start in retyped else ent for ent in ents]
    return sorted(result + added, key=SPAN_START) if added else result


def dutch_evidence(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str],
                   parts: frozenset[str] = PARTS,
                   context_type: Callable[[str, str], str | None] | None = None) -> list[Span]:
    """Entities retyped by their context (see the module docstring); Dutch only. `context_type`: the kind a noun
    gives a name (`entity_rules.context_type`, passed in by the rules, which import this module), read by the
    appositive beside `KIND_NOUNS`."""
    if doc.lang_ != "nl":
        return ents
    if "ministries" in parts:
        ents = persons_of_places(doc, ministries(doc, ents, decided), decided)
    if "compounds" in parts:
        ents = missed_compounds(doc, ents, decided)
    if not ents:
        return ents
    fixed = []
    for ent in ents:
        if (ent.start, ent.end) in decided:
            fixed.append(ent)
            continue
        label = None
        if "compounds" in parts and _FORMER.match(doc[ent.start].text):
            label = "MISC"
        if label is None and "compounds" in parts and len(ent) == 1:
            label = compound_type(ent.text)
        if label is None and "speakers" in parts and ent.label_ != "PER" and len(ent) <= 3 and ent.start > 0 \
                and doc[ent.start - 1].lower_ in SPEECH_VERBS and _known_type(ent.text) in (None, "PER"):
            label = "PER"
        if label is None and "places" in parts and len(ent) == 1 and ent.start > 0 and ent.label_ in ("PER", "ORG") \
                and doc[ent.start - 1].lower_ in PLACE_PREPOSITIONS and doc[ent.start - 1].is_lower \
                and _known_type(ent.text) in (None, "LOC"):
            label = "LOC"
        if label is None and "of" in parts:
            label = _of_noun_type(doc, ent)
        if label is None and "role_words" in parts and ent.label_ != "PER" and _person_after_role(doc, ent):
            label = "PER"
        if label is None and "kind_before" in parts:
            label = _kind_before(doc, ent)
        if label is None and "kind_after" in parts:
            label = _kind_after(doc, ent, context_type)
        if label is None and "quotes" in parts and len(ent) > 1 and ent.label_ != "MISC" and ent.start > 0 \
                and ent.end < len(doc) and doc[ent.start - 1].text in QUOTES and doc[ent.end].text in QUOTES \
                and not in_wiki_bold(doc, ent.start, ent.end) and _known_type(ent.text) in (None, "MISC"):
            label = "MISC"
        fixed.append(ent if label is None else _relabel(doc, ent, label, decided))
    if "genitives" in parts:
        fixed = genitive_persons(doc, fixed, decided)
    return fixed
