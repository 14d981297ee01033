"""The kind-word inside a name decides its type and completes its span (issue 13, items 1 and 3).

- a capitalised run ending in a legal form ("Northwind Shipping BV", "Meridian Foods Inc") is an organisation,
  also where the model found nothing, and a model span stopping before the form is extended over it;
- a name ending in an organisation noun ("Port of Rotterdam Authority", "Food and Drug Administration") is ORG,
  one ending in an event noun ("Paris Masters", "Australian Open", "Davis Cup") is MISC and takes in the
  capitalised words in front ("Paris" LOC + "Masters" -> "Paris Masters" MISC); in Dutch a museum is an
  organisation ("Rijksmuseum", "Museum voor Schone Kunsten"), as are names opening with an organisation noun
  ("Ministerie van ...", "Vereniging van ...");
- a long organisation name cut at "of"/"for"/"van"/"voor" ("Vereniging van" + "Nederlandse Gemeenten") is joined
  again when the words before the joiner open with an organisation noun.

Decisions are recorded in the doc's user data (entity_rules.CONTEXT_TYPES_KEY) so that the name lists and the
gazetteer do not undo them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.tokens import Doc, Span

from worker.tagging import entity_doc, gazetteer
from worker.tagging.entity_doc import SPAN_START, facts, isin, string_ids
from worker.tagging.kind_words import LEGAL_FORMS, ORG_HEADS

# Parts of this module that can be switched off for measurement (session 29); head_type is cached, so a measurement
# that switches one calls head_type.cache_clear().
HEAD_PARTS = {"facilities", "ships", "regions", "dailies", "laws", "inhabitants", "parties"}
# Labels a noun after the name may retype as a place: a place the model found is recorded as decided too, so that
# the document's votes carry it to the other mentions ("Tora Bora" GPE before "region", PERSON elsewhere).
_PLACE_AFTER_LABELS = frozenset({"PER", "PERSON", "ORG", "LOC", "GPE", "FAC"})

# Last words of Dutch company names: "Kessler Automotive", "Brinkman Industries", "Wassink Infra" came out PER
# (nl-news/dev_s12c, dev_s12d). ned.train: names ending in Holding, Group, Systems, Solutions, Consultancy,
# Media, Foods, Technologies, Software, Verzekeringen, Engineering are ORG 21 of 22 times. Not "Bouw" (a surname).
COMPANY_TAILS_NL = frozenset({"Holding", "Holdings", "Groep", "Group", "Systems", "Solutions", "Services",
                              "Consultancy", "Media", "Foods", "Technologies", "Technology", "Software",
                              "Verzekeringen", "Engineering", "Automotive", "Industries", "Projects", "Infra",
                              "Logistics", "Logistiek", "Transport", "Vastgoed", "Motors", "Recycling", "Plastics",
                              "Electronics", "Pharma", "Investments", "Makelaars", "Installatietechniek",
                              "Vleeswaren",
                              # trades after a family name, "Dekker Grondwerken", "Coppens Schoenen", "Dewitte
                              # Advocaten", "Oosterhuis Vermogensbeheer" (PER in nl-news/dev_s16 and train_s16)
                              "Advocaten", "Accountants", "Notarissen", "Makelaardij", "Schoenen", "Textiel",
                              "Meubelen", "Catering", "Grondwerken", "Staalwerken", "Betonwerken", "Bouwgroep",
                              "Bouwbedrijf", "Vermogensbeheer", "Fijnmechanica", "Chemicals", "Installaties",
                              "Verhuur", "Drukkerij", "Brouwerij", "Kwekerij", "Bakkerij", "Juweliers"})
# First words of Dutch company and club names, a trade or a kind of club before the name: "Juwelier Verbunt",
# "Effectenhuis Van der Stal", "Hockeyclub Hurley" (PER in nl-news/dev_s16 and train_s16); "Jong PSV", "Jong Genk",
# reserve teams and youth parties (ORG 7 of 7 in our files and ned.train, PER 3 times in dev_s16).
COMPANY_OPENERS_NL = frozenset({"Bouwbedrijf", "Aannemersbedrijf", "Installatiebedrijf", "Transportbedrijf",
                                "Autobedrijf", "Juwelier", "Bakkerij", "Slagerij", "Drukkerij", "Brouwerij",
                                "Uitgeverij", "Rederij", "Kwekerij", "Garage", "Effectenhuis", "Makelaardij",
                                "Advocatenkantoor", "Notariskantoor", "Accountantskantoor", "Hockeyclub",
                                "Voetbalclub", "Tennisclub", "Korfbalvereniging", "Jong"})
# Dutch endings of one-word organisation names (compounds): "Rijksmuseum", "Rabobank" is left to the model.
ORG_ENDINGS = {"nl": ("museum",)}
# Dutch endings of one-word place names: "Westerscheldetunnel" was ORG. ned.train: capitalised words ending so are
# LOC 25 of 33 times (straat), 7 of 8 (plein), 8 of 11 (laan), and every time for brug, kerk, gracht.
PLACE_ENDINGS = {"nl": ("tunnel", "brug", "plein", "straat", "laan", "kerk", "gracht",
                         # session 19 (nl-news/dev_s19.txt: "Doorniksesteenweg" MISC, "Coolsingel" ORG)
                         "steenweg", "singel")}
# Endings of the last word of Dutch street and stadium names after a person's name: "Ferdinand Bolstraat", "Jan
# Breydelstadion" came out PER (nl dev_s16, train_s16). ned.train and our files: LOC 21 of 21 names of two words or
# more whose last word (8 letters or more) ends so; not -kerk ("Frank Ouwerkerk"), -weg ("De Vlaamse Waterweg",
# ORG) nor -kade (the painter "Nicolaes de Helt Stockade").
STREET_ENDINGS_NL = ("straat", "laan", "plein", "gracht", "stadion", "singel",
                     # session 19 (nl-news/dev_s19.txt: "John Frostbrug" PER)
                     "brug", "steenweg")
# Last words of Dutch hospital names, organisations as our annotators (and the issue) count them: "Deventer
# Ziekenhuis", "Jessa Ziekenhuis", "Meander Medisch Centrum" came out LOC (nl dev_s12d).
HOSPITAL_HEADS = frozenset({"Ziekenhuis", "Ziekenhuizen", "Kliniek", "Gasthuis"})
# Dutch endings of inhabitants' names: "Eindhovenaren", "Deventenaren", "Amerikanen", "Chinezen" came out LOC.
# ned.train: capitalised words ending in -anen are MISC 48 of 48 times, -ezen 18 of 19, -enaar 3 of 3, -naren 1 of 1.
INHABITANT_ENDINGS = ("enaren", "enaar", "anen", "ezen")
EVENT_HEADS = {
    "en": frozenset({"Open", "Masters", "Cup", "Classic", "Championship", "Championships", "Games", "Prix",
                     "Trophy", "Olympics", "Marathon", "Rally", "Festival", "Awards", "Biennale", "Prize", "Award",
                     # session 36 (en-news/dev_s36c.txt: "ATP Finals" cut to "ATP", "Milan Fashion Week" ORG)
                     "Finals", "Week",
                     # session 37 (en-news/dev_s37.txt, dev_s37b.txt: "Ivo Van Damme Memorial" cut, ORG; "Queen
                     # Elizabeth II Stakes", "European Indoors", "World Series")
                     "Memorial", "Stakes", "Indoors", "Series"}),
    "nl": frozenset({"Open", "Masters", "Cup", "Classic", "Spelen", "Marathon", "Rally", "Festival", "Trofee",
                     "Prix",
                     # session 12 (nl-news/dev_s12.txt "Libris Literatuur Prijs" ORG; ned.train: names ending in
                     # Prijs/Award(s) are MISC 8 of 9 times)
                     "Prijs", "Award", "Awards",
                     # English event words in Dutch copy ("Players Championship Finals" ORG, dev_s12b)
                     "Championship", "Championships", "Finals"}),
}
# Last words of English venue and street names: "Villa Park", "Wembley Stadium", "Elland Road" are places (CoNLL-2003
# and our files tag stadiums LOC; the model said ORG for "Old Trafford"-like names, session 6). A club or company
# named so is decided by the sports layout or a legal form first.
# (declared: the compiled rules, worker/tagging/compiled.py, read these three across an import cycle)
PLACE_HEADS: dict[str, frozenset[str]]
PLACE_HEADS = {"en": frozenset({"Stadium", "Stadion", "Arena", "ArenA", "Park", "Oval", "Airport", "Square", "Street",
                                "Road", "Lane", "Avenue",
                                # session 19 (en-news/dev_s19.txt: "Mahanadi River" MISC)
                                "River",
                                # session 35 (en-news/dev_s34.txt, dev_s35.txt: "Sistine Chapel", "Umayyad Mosque",
                                # "Caesars Superdome" ORG); not "Dome" ("Iron Dome" is a weapon)
                                "Mosque", "Chapel", "Basilica", "Abbey", "Synagogue", "Minster", "Superdome", "Castle",
                                "Tower", "Bridge", "Coliseum", "Colosseum", "Velodrome", "Racecourse", "Speedway",
                                "Boulevard"}),
               # Dutch (session 11, nl-news/gold.txt: "Centraal Station" ORG, "Johan Cruijff ArenA" PER)
               "nl": frozenset({"Station", "Stadion", "Arena", "ArenA", "Plein", "Luchthaven", "Airport",
                                # railway stations, "Utrecht Centraal", "Eindhoven Centraal" (ORG, nl-news/dev_s14);
                                # "Centraal Planbureau" opens with it and stays an organisation
                                "Centraal"})}
# Last words of the names of laws and treaties (MISC in CoNLL-2003; session 25, the Lee corpus: "Wet Tropics World
# Heritage Protection and Management Act" was ORG).
LAW_HEADS = {"en": frozenset({"Act", "Treaty", "Accord", "Accords", "Protocol", "Charter", "Amendment"}),
             "nl": frozenset()}
# Last words of English landforms and roads (session 25, the Lee corpus: "Dismal Swamp" ORG; WikiANN-en: "Jarvis
# Island", "Sheep Creek" PER): places when every word is capitalised and the first is no given name or organisation
# word ("Allen C. Beach" is a person, "University of Texas Rio Grande Valley" a university).
LANDFORM_HEADS: frozenset[str]
LANDFORM_HEADS = frozenset({"Swamp", "Creek", "Highway", "Beach", "Island", "Islands", "Valley", "Peninsula",
                            "Harbour", "Harbor", "Reef", "Gorge", "Range", "Ranges", "Mountains", "Hills", "Desert",
                            "Falls", "Canyon", "Strait",
                            # grounds and facilities (session 41, en-news/dev_s41.txt: "Gutterson Fieldhouse",
                            # "Cooper Associates County Ground", "Girdwood Barracks" ORG; "Bodmin Moor" ORG)
                            "Ground", "Fieldhouse", "Moor", "Barracks", "Waterfront", "Terminal",
                            # session 46 (en-news/dev_s46.txt: "Caerphilly Mountain", "SaxaVord Spaceport" ORG)
                            "Mountain", "Spaceport", "Lagoon", "Estuary", "Plateau", "Headland"})
# Last words of English buildings and facilities, places in CoNLL-2003 and in our brief (session 29, the Lee corpus's
# dev2 split: "World Trade Centre", "Kennedy Space Centre", "International Space Station", "Woomera Detention Centre"
# were ORG). Only when the word before the head is a common word ("Space", "Trade", "Detention") that names no
# institution: "Carter Center", "National Hurricane Center" and "Pew Research Center" are organisations.
FACILITY_HEADS: frozenset[str]
FACILITY_HEADS = frozenset({"Centre", "Center", "Station", "Theatre", "Theater", "Cathedral", "Prison",
                            # session 31 (en-news/dev_s31b.txt: "Government Palace", "National Palace" ORG)
                            "Palace",
                            # session 32 (en-news/dev_s32b.txt: "Shrine Auditorium", "Oslo City Hall" ORG)
                            "Auditorium"})
# "Hall" is a surname too: a facility only after these words ("Oslo City Hall", "Town Hall", "Carnegie Hall").
HALL_WORDS = frozenset({"City", "Town", "Guild", "Concert", "Music", "Festival", "Albert", "Carnegie", "Royal"})
INSTITUTION_WORDS = frozenset({"research", "policy", "studies", "information", "hurricane", "medical", "health",
                               "cancer", "resource", "resources", "legal", "law", "crisis", "data", "operations",
                               "command", "training", "press", "media", "rights", "justice", "science", "sciences"})
FACILITY_WORD_ZIPF = 3.0
# Prefixes of ships' names (MISC in CoNLL-2003; session 29, the Lee corpus's dev2: "USS Peleliu" ORG).
SHIP_PREFIXES = frozenset({"USS", "HMS", "HMAS", "HMCS", "HMNZS", "RFA"})
# Lower-case nouns after a name that make it a newspaper: "an interview with the Handelsblatt daily" (LOC; session 31,
# en-news/dev_s31b.txt); not after a place the lists know ("the Moscow daily Kommersant").
ORG_AFTER = {"en": frozenset({"daily", "newspaper", "weekly", "tabloid",
                               # session 32 (en-news/dev_s32.txt: "its Magneti Marelli unit" PER)
                               "unit", "subsidiary", "affiliate"})}
# Lower-case nouns after a name that make it a party, ORG (session 36, en-news/dev_s36.txt: "the ruling Morena party"
# LOC), also where a place shares the name (Morena is a town in India too) and for a group the model typed NORP.
PARTY_NOUNS = {"en": frozenset({"party"})}
# Lower-case nouns after a name that make it a place: "the Tora Bora region" (PER), "the Hunter region" (ORG)
# (session 29, the Lee corpus's dev2). Not a people ("the Afghan region" keeps its MISC).
PLACE_AFTER = {"en": frozenset({"region", "regions",
                                 # session 29, second cycle (Lee dev3: "the Tora Bora area" PER three times)
                                 "area", "areas", "mountain", "mountains", "province", "district", "valley",
                                 "airport", "caves", "island", "suburb"})}
# Event words that only type a name the model found, never start one: a cricket Test named by its ground or day
# (session 29, the Lee corpus's dev2: "Adelaide Test" ORG; our brief: "Boxing Day Test" MISC). A title-case
# headline "Australia Win Second Test" must not become one event.
TYPING_EVENT_HEADS = {"en": frozenset({"Test"}), "nl": frozenset()}
# First two words of event names: "Grand Prix van Japan", "Grote Prijs van Vlaanderen" (MISC whatever follows,
# unless an organisation's last word: "Grand Prix Corporation" was MISC, session 25).
EVENT_OPENINGS = frozenset({("Grand", "Prix"), ("Grote", "Prijs")})
# Words that end or open the name of a sports club (an organisation with a name of its own in both CoNLL
# conventions): "Valencia CF" was PER, "Newcastle United" LOC + nothing, "Dynamo Kiev" PER, "Titan FC" LOC.
# Not "City", "Town", "County" or "Villa" (Mexico City, Cape Town, Clay County are places).
CLUB_ENDINGS = frozenset({"FC", "CF", "AFC", "RFC", "United", "Rovers", "Wanderers", "Athletic", "Albion", "Hotspur",
                          "Rangers"})
CLUB_OPENINGS = frozenset({"FC", "AC", "AS", "SS", "SC", "SV", "VfB", "VfL", "Real", "Sporting", "Dynamo", "Dinamo",
                           "Spartak", "Olympique", "CSKA", "Lokomotiv", "Atletico", "Atlético", "Borussia",
                           "Eintracht", "Hertha", "Inter", "KRC", "KAA", "RSC", "KV", "KVC", "ADO", "NAC", "RKC",
                           "PSV", "SBV", "FK", "NK", "HNK", "GNK"})
# First words of Romance and other foreign company names in English copy: "Banco de Galicia", "Telefonica de
# Argentina" is not one of them (session 32, en-news/dev_s32.txt: "Banco de Galicia" and "Banco Santander" were PER).
COMPANY_OPENINGS_EN = frozenset({"Banco", "Banca", "Banque", "Bankhaus", "Companhia", "Compania", "Compagnie", "Grupo",
                                 "Gruppo", "Groupe", "Credito", "Cia"})
# First words of racing circuits in both languages: "Circuit Gilles Villeneuve", "Circuit Zandvoort" (places).
# English rivers, lakes and mountains too: "River Wye" and "River Eden" were MISC (session 19, en-news/dev_s19.txt).
PLACE_OPENINGS = frozenset({"Circuit", "River", "Lake", "Mount", "Lough", "Loch"})  # the last two: session 46
# Welsh and Irish kind-words open the name (session 41, en-news/dev_s41.txt: "Ysgol Gyfun y Strade", "Ysbyty Gwynedd"
# and "Parc y Scarlets" PER, "Scoil Naomh Colmán" LOC): schools, colleges, universities, hospitals and clubs, and parks
# or grounds, in English copy.
CELTIC_ORG_OPENINGS = frozenset({"Ysgol", "Coleg", "Prifysgol", "Ysbyty", "Clwb", "Scoil", "Gaelscoil", "Coláiste",
                                 "Colaiste", "Ospidéal", "Cumann"})
CELTIC_PLACE_OPENINGS = frozenset({"Parc", "Páirc", "Pairc"})
JOINERS = {"en": frozenset({"of", "for"}), "nl": frozenset({"van", "voor"})}
# Labels the English model writes for names; the Dutch model writes ours.
_ORG, _MISC = {"en": "ORG", "nl": "ORG"}, {"en": "EVENT", "nl": "MISC"}
_NAME_LABELS = frozenset({"PER", "PERSON", "ORG", "LOC", "GPE", "FAC", "MISC", "NORP", "EVENT", "PRODUCT",
                          "WORK_OF_ART", "LAW"})


def _party_group(doc: Doc, ent: Span) -> bool:
    """A group name (before "party") that no people's word of the lists is: "Morena" NORP, not "Hungarian"."""
    if ent.label_ not in ("NORP", "MISC"):
        return False
    entry = gazetteer.lookup(doc.lang_, facts(doc).span_text(ent.start, ent.end))
    return entry is None or entry.type != "MISC"


def _positions(doc: Doc, words: frozenset[str]) -> list[int]:
    """Token positions of these words, found on the ORTH array (no Python work per token)."""
    if not len(doc):
        return []
    return [int(i) for i in numpy.flatnonzero(isin(facts(doc).orth, string_ids(words)))]


def _company_opening(words: tuple[str, ...]) -> bool:
    """A trade or kind of club before a name that is no person's ("Juwelier Peter Jansen" is the jeweller); "Jong"
    only before a club or party written in capitals or known ("Jong PSV", "Jong Genk"; not "Jong Tae-se")."""
    from worker.tagging.casing import first_names, is_known_name

    if words[0] not in COMPANY_OPENERS_NL or words[1] in first_names("nl"):
        return False
    return words[0] != "Jong" or words[1].isupper() or is_known_name(words[1], "nl")


def _facility(words: tuple[str, ...]) -> bool:
    """A capitalised name ending in a facility noun after a common word that names no institution."""
    from worker.tagging.casing import zipf

    before = words[-2].lower()
    return all(w[:1].isupper() and w.isalpha() for w in words) and words[0] not in ORG_HEADS["en"] \
        and words[0] not in OPENING_HEADS["en"] and before not in INSTITUTION_WORDS \
        and zipf(before, "en") >= FACILITY_WORD_ZIPF


# First words of English names of places that open no person's name (session 41, en-news/dev_s41.txt: "St Breward",
# "Punta Garrao" PER; our gold names opening with them: 60 places and organisations, no person).
NO_PERSON_OPENINGS_EN = frozenset({"St", "St.", "Saint", "Cape", "Fort", "Port", "Puerto", "Punta",
                                   # streets (session 48, en-news/dev_s47.txt: "Jalan Penang" PER)
                                   "Jalan", "Rue", "Calle", "Avenida", "Rua", "Piazza"})
SAINTS = frozenset({"St", "St.", "Saint"})  # part of the name after them: "St. Francis Xavier University"
# Last words of venues that are named after people (session 41, en-news/dev_s41.txt: "Ninoy Aquino International
# Airport" came out "Ninoy Aquino" PER); our English gold names ending in them are places 68 times of 69.
VENUE_HEADS_EN = frozenset({"Airport", "Stadium", "Arena", "Bridge", "Oval"})


def _venues_after_persons(doc: Doc, ents: list[Span], owner: dict[int, Span],
                          decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: a person's name followed right away by one to three capitalised words ending in a venue's kind-word
    that belong to no other name is that venue: "Ninoy Aquino" + "International Airport" is one place."""
    if not entity_doc.has_word(doc, VENUE_HEADS_EN):
        return ents
    words, n = facts(doc).words, len(doc)
    fixed = []
    for ent in ents:
        if ent.label_ in ("PER", "PERSON"):
            end = ent.end
            while end < n and end - ent.end < 3 and end not in owner and words[end][:1].isupper() \
                    and words[end].isalpha() and words[end - 1] not in VENUE_HEADS_EN:
                end += 1
            if end > ent.end and words[end - 1] in VENUE_HEADS_EN:
                decided[(ent.start, end)] = "LOC"
                ent = Span(doc, ent.start, end, label=_label("LOC", "en", ent.label_), kb_id=ent.kb_id_)
        fixed.append(ent)
    return fixed


def _sentence_start(doc: Doc, i: int) -> bool:
    from worker.tagging.casing import sentence_starts

    return sentence_starts(doc)[i]


def _plan(words: tuple[str, ...]) -> bool:
    """A named plan ("Real Plan", "Bus Service Improvement Plan"), not a person called "Du Plan" (WikiANN-en)."""
    from worker.tagging.casing import first_names

    return all(w[:1].isupper() for w in words) and words[0] not in first_names("en")


def _landform(words: tuple[str, ...]) -> bool:
    from worker.tagging.casing import first_names

    return all(w[:1].isupper() and w.isalpha() for w in words) and words[0] not in first_names("en") \
        and words[0] not in ORG_HEADS["en"] and words[0] not in OPENING_HEADS["en"]


# Dutch inhabitants' endings after a town's or region's name: "Utrechters", "Deurnenaars", "Amsterdammers",
# "Groningers" (MISC in CoNLL-2002; session 36).
_INHABITANT_SUFFIXES = ("enaars", "enaar", "naars", "naar", "aars", "aar", "mers", "mer", "ers", "er")


def _own_name(word: str) -> bool:
    """A word the gazetteer knows as a place, organisation or person, or the name list as a person: the town
    "Aalter" (not the people of "Aalten"), the surname "Berger" (not those of "Bergen")."""
    known = gazetteer.lookup("nl", word)
    return (known is not None and known.type != "MISC") or gazetteer.name_types("nl").get(word) == "PER"


def _town_inhabitants(word: str) -> bool:
    if not word[:1].isupper() or not word.isalpha() or len(word) < 6 or _own_name(word):
        return False
    for suffix in _INHABITANT_SUFFIXES:
        if word.endswith(suffix):
            stem = word[:-len(suffix)]
            if len(stem) >= 3 and any(gazetteer.is_place("nl", form) for form in (stem, stem + "en")):
                return True
    return False


def _place_adjective(word: str) -> bool:
    """A Dutch place's adjective, "Groningse", "Utrechtse", "Brugse": MISC in ned.train 183 times of 185
    (session 44)."""
    if not word[:1].isupper() or not word.isalpha() or len(word) < 6 or not word.endswith("se") or _own_name(word):
        return False
    stem = word[:-2]
    return any(gazetteer.is_place("nl", form) for form in (stem, stem + "en", stem + "ge"))


# Dutch law and treaty nouns that open a name or end its first word: "Verdrag van Lissabon", "Klimaatakkoord van
# Parijs", "Omgevingswet" (MISC in ned.train and our files 12 times of 13; session 36).
LAW_OPENINGS_NL = ("wet", "verdrag", "akkoord", "handvest", "pact", "protocol", "conventie", "richtlijn")
_LAW_JOINERS_NL = frozenset({"op", "van", "tegen", "inzake", "voor", "betreffende"})


def _dutch_law(words: tuple[str, ...]) -> bool:
    first = words[0].lower()
    if not words[0][:1].isupper() or not first.endswith(LAW_OPENINGS_NL):
        return False
    if first in LAW_OPENINGS_NL:  # the bare noun: "Wet op de ...", "Verdrag van ..."; not "Wet Leg" (a band)
        return len(words) > 1 and words[1] in _LAW_JOINERS_NL
    return len(first) > 6  # a compound: "Klimaatakkoord", "Omgevingswet" (not "Pact" alone)


# A metro or railway line named by its colour: "Yellow Line", "Circle Line" (session 40, en-news/dev_s40.txt: PER and
# MISC for Bengaluru's lines); roads and lines are places in CoNLL-2003 and our files.
LINE_COLOURS = frozenset({"Red", "Blue", "Green", "Yellow", "Pink", "Purple", "Orange", "Silver", "Brown", "Grey",
                          "Gray", "Gold", "Circle", "Magenta", "Violet", "Aqua"})


@lru_cache(maxsize=65536)
def head_type(words: tuple[str, ...], language: str) -> str | None:
    """ORG, MISC or (English venues) LOC when the name's kind-word says so, else None."""
    if language == "en" and len(words) == 2 and words[1] == "Line" and words[0] in LINE_COLOURS:
        return "LOC"
    if len(words) >= 2 and (words[-1] in EVENT_HEADS.get(language, ()) or words[-1] in LAW_HEADS.get(language, ())
                            or words[-1] in TYPING_EVENT_HEADS.get(language, ())
                            or (tuple(words[:2]) in EVENT_OPENINGS and words[-1] not in LEGAL_FORMS
                                and words[-1] not in ORG_HEADS.get(language, ()))):
        return "MISC"
    if language == "en" and len(words) >= 2 and words[-1] == "Plan" and _plan(words):
        return "MISC"  # "Christchurch Central Recovery Plan" ORG (session 41)
    if language == "en" and len(words) >= 2 and words[0] in SHIP_PREFIXES and "ships" in HEAD_PARTS:
        return "MISC"
    if len(words) >= 2 and (words[-1] in LEGAL_FORMS or words[-1] in CLUB_ENDINGS or words[0] in CLUB_OPENINGS
                            or (language == "en" and (words[0] in COMPANY_OPENINGS_EN
                                                      or words[0] in CELTIC_ORG_OPENINGS))):
        return "ORG"
    if language == "en" and len(words) >= 2 and words[0] in CELTIC_PLACE_OPENINGS:
        return "LOC"
    if len(words) >= 2:
        opening = words[1] if len(words) > 2 and words[0].lower() in ("the", "het", "de") else words[0]
        if words[-1] in PLACE_HEADS.get(language, ()) or (
                opening in PLACE_OPENINGS
                # "Lake Macquarie City Council": an English name's last word says what it is (session 41)
                and not (language == "en" and words[-1] in ORG_HEADS["en"])):
            return "LOC"
        if language == "en" and words[-1] in LANDFORM_HEADS and _landform(words):
            return "LOC"
        if language == "en" and words[-1] in ("Centre", "Center") and words[-2].lower() in INSTITUTION_WORDS \
                and all(w[:1].isupper() for w in words):
            return "ORG"  # "Malabar Cancer Centre", "National Hurricane Center" (session 41)
        if language == "en" and "facilities" in HEAD_PARTS and words[-1] in FACILITY_HEADS and _facility(words):
            return "LOC"
        if language == "en" and "facilities" in HEAD_PARTS and words[-1] == "Hall" and words[-2] in HALL_WORDS:
            return "LOC"
    if language == "nl" and "laws" in HEAD_PARTS and _dutch_law(words):
        return "MISC"
    if language == "nl" and len(words) == 1 and len(words[0]) > 8 and words[0][:1].isupper() \
            and words[0].lower().endswith(PLACE_ENDINGS["nl"]):
        return "LOC"
    if language == "nl" and len(words) >= 2 and len(words[-1]) >= 8 and words[-1][:1].isupper() \
            and words[-1].lower().endswith(STREET_ENDINGS_NL) \
            and words[0] not in ORG_HEADS["nl"] and words[0] not in COMPANY_OPENERS_NL:
        return "LOC"  # "Ferdinand Bolstraat", "Jan Breydelstadion"; not "Stichting Behoud Herengracht"
    if language == "nl" and len(words) == 1 and len(words[0]) > 6 and words[0][:1].isupper() \
            and words[0].endswith(INHABITANT_ENDINGS):
        return "MISC"
    if language == "nl" and len(words) == 1 and "inhabitants" in HEAD_PARTS and (
            _town_inhabitants(words[0]) or _place_adjective(words[0])):
        return "MISC"
    heads = ORG_HEADS.get(language, frozenset())
    if language == "en" and len(words) >= 2 and words[-1] in heads:
        return "ORG"
    if language == "nl" and len(words) >= 2 and (words[-1] in COMPANY_TAILS_NL or (
            len(words[-1]) > 9 and words[-1].endswith("techniek") and words[-1][:1].isupper())):
        return "ORG"  # "Kuijpers Precisietechniek"
    if language == "nl" and ((len(words) >= 2 and (words[0] in heads or _company_opening(words)))
                             or words[-1].lower().endswith(ORG_ENDINGS["nl"]) or "Museum" in words
                             or (len(words) >= 2 and (words[-1] in HOSPITAL_HEADS
                                                      or tuple(words[-2:]) == ("Medisch", "Centrum")))):
        return "ORG"
    return None


# Nouns that open long organisation names, and the words that may join their parts: "Commissie voor Monumenten
# en Landschappen", "Centrum voor Onderzoek in de Diergeneeskunde en de Agrochemie" (CoNLL-2002: one ORG; the
# model cuts them at "en"/"in de").
OPENING_HEADS = {
    "nl": frozenset({"Centrum", "Agentschap", "Bureau", "Comité", "Commissie", "Stichting", "Vereniging",
                     "Ministerie", "Raad", "Federatie", "Instituut", "Dienst", "Fonds", "Unie", "Museum"}),
    "en": frozenset({"Department", "Ministry", "Commission", "Committee", "Council", "Institute", "Centre",
                     "Center", "Bureau", "Agency", "Federation", "Confederation", "Association", "Board",
                     "Society", "Organisation", "Organization", "Fund", "Foundation", "University", "Museum"}),
}
EXTENSION_JOINERS = {"nl": frozenset({"en", "van", "voor", "in", "de", "het", "der", "op"}),
                     "en": frozenset({"and", "of", "for", "the", "on", "&"})}


def _extend_org_name(doc: Doc, ent: Span, owner: dict[int, Span], language: str) -> Span:
    """An organisation name opening with OPENING_HEADS, extended over joiners and capitalised words that are
    not names of their own (a gazetteer or name-list entry, an acronym, a person stop it); `language`: the doc's."""
    if ent.label_ != "ORG":
        return ent
    doc_facts = facts(doc)
    first = ent.start + (1 if len(ent) > 1 and doc_facts.is_stop[ent.start] else 0)
    if doc_facts.words[first] not in OPENING_HEADS.get(language, ()):
        return ent
    from worker.tagging.casing import is_known_name
    end, n = ent.end, len(doc)
    while end < n:
        k = end
        while k < n and k - end < 2 and doc[k].lower_ in EXTENSION_JOINERS[language]:
            k += 1
        if k == end or k >= n or not doc[k].text[:1].isupper() or doc[k].is_upper:
            break
        m = k
        while m < n and doc[m].text[:1].isupper() and not doc[m].like_num:
            m += 1
        others = {owner[i] for i in range(k, m) if i in owner and owner[i] is not ent}
        if any(o.label_ in ("PER", "PERSON") or o.end > m or o.start < k for o in others) \
                or is_known_name(doc[k:m].text, language) or head_type(tuple(t.text for t in doc[k:m]), language):
            break
        end = m
    if end == ent.end:
        return ent
    for i in range(ent.start, end):
        owner[i] = ent
    return Span(doc, ent.start, end, label=ent.label_, kb_id=ent.kb_id_)


def _label(kind: str, language: str, current: str) -> str:
    if current in ("PER", "ORG", "LOC", "MISC") or kind == "LOC":
        return kind
    return (_ORG if kind == "ORG" else _MISC)[language]


# Words after an event opening that the name runs on with: "Grand Prix van Abu Dhabi", "Grote Prijs van Vlaanderen".
EVENT_JOINERS = frozenset({"van", "of"})
EVENT_PLACE_MAX_WORDS = 3


def _extend_event_openings(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """"Grand Prix" + "van" + a name of 1-3 capitalised words is one event (MISC), over whatever the model made of
    the name ("Abu Dhabi" PER)."""
    words = facts(doc).words
    result = ents
    for ent in ents:
        start, end = ent.start, ent.end
        if end - start == 3 and words[end - 1] in EVENT_JOINERS:  # the model kept "van": "Grote Prijs van"
            joiner = end - 1
        elif end - start == 2 and end < len(words) and words[end] in EVENT_JOINERS:
            joiner = end
        else:
            continue
        if tuple(words[ent.start:ent.start + 2]) not in EVENT_OPENINGS or joiner + 1 >= len(words):
            continue
        end = joiner + 1
        while end < len(words) and end - joiner - 1 < EVENT_PLACE_MAX_WORDS and words[end][:1].isupper() \
                and words[end].replace("-", "").isalpha():
            end += 1
        if end == joiner + 1 or any(e.start < end < e.end for e in result):
            continue  # no name after "van", or a name that runs on past it
        result = [e for e in result if not (ent.start <= e.start and e.end <= end)]
        result.append(Span(doc, ent.start, end, label=_label("MISC", doc.lang_, ent.label_)))
        decided[(ent.start, end)] = "MISC"
    return sorted(result, key=SPAN_START) if result is not ents else ents


def _known_organisation(word: str) -> bool:
    entry = gazetteer.exact_lookup("en", word)
    return entry is not None and entry.type == "ORG"


def _join_at_and(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: "Westmorland" + "and" + "Furness Council" is one organisation when the second name ends in an
    organisation's kind-word and the first is one capitalised word the model read as an organisation that names no
    organisation of its own (en-news/dev_s15b.txt, session 15). Two companies stay two ("Toyota Motor and Sony
    Group", "Menlo Ventures and Lightspeed Venture Partners" in dev_s11 and wire.txt); places, dates and persons
    never join ("between Ukraine and World Bank officials")."""
    words = facts(doc).words
    heads = ORG_HEADS["en"]
    ordered = sorted(ents, key=SPAN_START)
    result: list[Span] = []
    i = 0
    while i < len(ordered):
        first = ordered[i]
        second = ordered[i + 1] if i + 1 < len(ordered) else None
        if second is not None and second.start == first.end + 1 and words[first.end] == "and" \
                and second.label_ == "ORG" and second.end - second.start >= 2 and words[second.end - 1] in heads \
                and first.label_ == "ORG" and first.end - first.start == 1 \
                and words[first.start][:1].isupper() and words[first.start].isalpha() \
                and words[first.start] not in heads and not _known_organisation(words[first.start]):
            joined = Span(doc, first.start, second.end, label="ORG", kb_id=second.kb_id_)
            decided.pop((first.start, first.end), None)
            decided.pop((second.start, second.end), None)
            decided[(first.start, second.end)] = "ORG"
            result.append(joined)
            i += 2
            continue
        result.append(first)
        i += 1
    return result


def name_heads(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """Entities typed, extended and joined by their kind-words (see the module docstring)."""
    language = doc.lang_
    if language not in ORG_HEADS:
        return ents
    result = list(ents)
    owner = {i: ent for ent in result for i in range(ent.start, ent.end)}
    doc_facts = facts(doc)  # the doc's words and flags, without a Token per look
    words, lower, is_stop, like_num = doc_facts.words, doc_facts.lower, doc_facts.is_stop, doc_facts.like_num
    # legal forms and event words end a capitalised run, which becomes one name
    for i in _positions(doc, LEGAL_FORMS | CLUB_ENDINGS | EVENT_HEADS[language]):
        kind = "ORG" if words[i] in LEGAL_FORMS or words[i] in CLUB_ENDINGS else "MISC"
        if i == 0:
            continue
        start = i
        while start > 0 and words[start - 1][:1].isupper() and not is_stop[start - 1] \
                and not like_num[start - 1] and i - start < 5:
            start -= 1
        if start == i:
            continue
        covered = {owner[k] for k in range(start, i + 1) if k in owner}
        if any(c.start < start or c.end > i + 1 for c in covered):
            continue  # a longer name runs past the run: leave it to the model
        # the run's first entity gives the label scheme (a set's order follows the Spans' hashes: not stable)
        label = _label(kind, language, min(covered, key=lambda c: c.start).label_ if covered else "ORG")
        span = Span(doc, start, i + 1, label=label)
        # (a span equal to a covered one starts where it does: the start, an int, is compared first)
        covered_starts = {c.start for c in covered}
        result = [e for e in result if e.start not in covered_starts or e not in covered] + [span]
        owner.update({k: span for k in range(start, i + 1)})
        decided[(start, i + 1)] = kind
    # organisation names cut at a joiner: "Vereniging van" + "Nederlandse Gemeenten"
    joiners = JOINERS[language]
    alpha = doc_facts.is_alpha
    joined = []
    for ent in sorted(result, key=SPAN_START):
        j = ent.start - 1
        if j >= 2 and lower[j] in joiners and ent.label_ in ("ORG", "LOC", "GPE", "MISC", "NORP"):
            k = j
            while k > 0 and words[k - 1][:1].isupper() and alpha[k - 1] and j - k < 4:
                k -= 1
            k = next((i for i in range(k, j) if words[i] in ORG_HEADS[language]), j)  # "De Vereniging van"
            if k < j and not any(i in owner and owner[i] is not ent
                                                                         and owner[i].label_ in ("PER", "PERSON")
                                                                         for i in range(k, j)):
                joined.append((k, ent))
    for k, ent in joined:
        covered = {owner[i] for i in range(k, ent.start) if i in owner}
        span = Span(doc, k, ent.end, label=_label("ORG", language, ent.label_))
        result = [e for e in result if e is not ent and e not in covered] + [span]
        owner.update({i: span for i in range(k, ent.end)})
        decided[(k, ent.end)] = "ORG"
    result = [_extend_org_name(doc, ent, owner, language) if ent.label_ == "ORG" else ent for ent in result]
    result = _extend_event_openings(doc, result, decided)
    if language == "en":
        result = _join_at_and(doc, _venues_after_persons(doc, result, owner, decided), decided)
    # the kind-word of a name the model found
    parties = PARTY_NOUNS.get(language, frozenset()) if "parties" in HEAD_PARTS else frozenset()
    kind_after = {**dict.fromkeys(PLACE_AFTER.get(language, ()) if "regions" in HEAD_PARTS else (), "LOC"),
                  **dict.fromkeys(ORG_AFTER.get(language, ()) if "dailies" in HEAD_PARTS else (), "ORG"),
                  **dict.fromkeys(parties, "ORG")}
    typed = []
    size = len(doc)
    for ent in result:
        start, end, ent_label = ent.start, ent.end, ent.label_  # read once (label_: a string look-up)
        noun = lower[end] if kind_after and end < size else None
        after_kind = kind_after.get(noun) if noun is not None else None
        party = noun in parties
        if after_kind is not None and (ent_label in _PLACE_AFTER_LABELS or (party and _party_group(doc, ent))) \
                and (start, end) not in decided \
                and all(w[:1].isupper() for w in words[start:end]) \
                and not (after_kind == "ORG" and not party
                         and gazetteer.is_place(language, doc_facts.span_text(start, end))):
            decided[(start, end)] = after_kind
            label = _label(after_kind, language, ent_label)
            typed.append(Span(doc, start, end, label=label, kb_id=ent.kb_id_))
            continue
        if language == "en" and start > 0 and ent_label in _NAME_LABELS and (
                words[start - 1] in CELTIC_ORG_OPENINGS or words[start - 1] in CELTIC_PLACE_OPENINGS
                or (words[start - 1] in SAINTS and not _sentence_start(doc, start))) \
                and not any(e.end == start for e in result):
            # "Ysgol" + "Gyfun y Strade", "St." + "Francis Xavier University" (session 41)
            ent = Span(doc, start - 1, end, label=ent_label, kb_id=ent.kb_id_)
            start -= 1
        if language == "en" and ent_label in ("PER", "PERSON") and end - start >= 2 \
                and words[start] in NO_PERSON_OPENINGS_EN and (start, end) not in decided:
            decided[(start, end)] = "LOC"  # "St Breward", "Punta Garrao" (session 41)
            typed.append(Span(doc, start, end, label=_label("LOC", language, ent_label), kb_id=ent.kb_id_))
            continue
        if ent_label in _NAME_LABELS and (start, end) not in decided:
            head = head_type(tuple(words[start:end]), language)
            person = ent_label in ("PER", "PERSON") and end - start == 1
            if head is not None and not gazetteer.is_place(language, doc_facts.span_text(start, end)) \
                    and not (head == "ORG" and person):
                decided[(start, end)] = head
                ent = Span(doc, start, end, label=_label(head, language, ent_label), kb_id=ent.kb_id_)
        typed.append(ent)
    return entity_doc.filter_spans(sorted(typed, key=SPAN_START))
