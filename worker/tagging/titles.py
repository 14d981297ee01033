"""Words that name a role before a person's name ("minister", "Coach", "defensieminister"): shared by the entity
rules (a title is no part of the name) and the truecaser (a title is no given name)."""

from __future__ import annotations

from functools import lru_cache

# Words (or endings of Dutch compounds: "defensieminister", "Midden-Oostendeskundige") that name a role.
TITLE_ENDINGS = {
    "nl": (
        "minister", "premier", "president", "voorzitter", "woordvoerder", "woordvoerster", "correspondent",
        "burgemeester", "staatssecretaris", "koning", "koningin", "prinses", "paus", "generaal", "kolonel",
        "commissaris", "directeur", "topman", "topvrouw", "bondscoach", "trainer", "coach", "advocaat",
        "rechter", "professor", "senator", "gouverneur", "ambassadeur", "kardinaal", "bisschop",
        "secretaris-generaal", "schepen", "gedeputeerde", "kamerlid", "deskundige", "kenner", "leider",
        "voorman", "chef", "journalist", "schrijver", "zanger", "zangeres", "regisseur", "kampioen", "ploegleider",
        "manager", "politicus", "econoom", "analist", "onderzoeker", "collega", "mevrouw", "meneer", "dokter",
        "sheikh", "sjeik", "ayatollah", "imam", "dominee", "pastoor", "kapitein", "luitenant", "sergeant",
        "keeper", "spits", "verdediger", "middenvelder", "ceo", "baas", "oprichter", "eigenaar", "acteur",
        "actrice", "kunstenaar", "fotograaf", "dichter", "componist", "dirigent", "architect", "ontwerper",
        # session 11 (nl-news/dev_s11.txt "Onderwijskundige Fatma Yilmaz"; in ned.train 29 of 29 such words
        # before a person stand outside the name)
        "kundige", "wethouder", "hoogleraar", "wetenschapper", "docent", "raadslid", "ondernemer", "bestuurder",
        "lector", "officier", "inspecteur", "directrice", "historicus", "criticus", "auteur", "presentator",
        "presentatrice", "schrijfster", "rapper", "drummer", "gitarist", "bassist", "renner", "doelman",
        "aanvoerder", "scheidsrechter",
        # session 12 (nl-news/dev_s12d.txt "Rector Ann Peeters", "Organist Hub Schreurs")
        "rector", "organist", "dijkgraaf", "heemraad", "topscorer", "aanvaller", "coureur", "schaatser",
        "schaatsster", "wielrenner", "atleet", "voetballer", "voetbalster", "lijsttrekker",
    ),
    "en": (
        "president", "minister", "secretary", "senator", "governor", "chancellor", "mr.", "mrs.", "ms.", "dr.",
        "gen.", "general", "king", "queen", "pope", "judge", "sir", "coach", "ceo", "chairman", "spokesman",
        "spokeswoman", "rep.", "sen.", "gov.", "col.", "capt.", "sgt.", "lt.", "professor", "prof.",
        "ambassador", "mayor", "correspondent",
        # session 31 (en-news/dev_s31b.txt "Emperor Akihito" one person with the title)
        "emperor", "empress",
    ),
}
# Session 25 (the Lee corpus: Australian and British style writes titles without a full stop: "Mr Giuliani",
# "Coroner Graeme Johnston", "Sheikh Ahmed Yassin"); part "honorifics".
HONORIFICS_EN = frozenset({"mr", "mrs", "ms", "dr", "sheikh", "maulana", "coroner", "treasurer", "commissioner",
                           "superintendent", "inspector", "detective", "brigadier", "archbishop", "bishop",
                           "cardinal", "rabbi", "imam", "ayatollah",
                           # session 29 (the Lee corpus's dev2: "Mullah Mohammad Omar" one person with the title)
                           "mullah",
                           # session 36 (en-news/dev_s36b.txt: "Prof Sir Stephen Powis"), British style without a stop
                           "prof",
                           # session 40 (en-news/dev_s40.txt: "Cr Schrinner", Australian style for a councillor)
                           "cr", "cllr", "councillor"})
# Military ranks, also written short without a stop ("Lt Gen", "Sgt"): titles before a person only (session 39,
# en-news/dev_s39.txt "Wing Commander Vyomika Singh" one person with the rank), never cut off another name
# ("Captain America", "Admiral Group", "Commodore International").
RANKS_EN = frozenset({"colonel", "commander", "captain", "lieutenant", "admiral", "marshal", "commodore", "sergeant",
                      "corporal", "lt", "capt", "sgt", "gen", "col", "maj", "cpl", "adm", "cdr", "brig"})
TITLE_WORDS = {language: frozenset(words) for language, words in TITLE_ENDINGS.items()}
# Single words never worth a title strip even when they end like one ("Prins" is a surname: "De Prins").
_NOT_TITLES = {"prins"}


@lru_cache(maxsize=65536)
def title_word(word: str, language: str, honorifics: bool = True) -> bool:
    """Whether a word names a role: a title of the language, or a Dutch compound ending in a long one
    ("defensieminister"); with `honorifics`, also the English honorifics written without a full stop ("Mr")."""
    lowered = word.lower()
    if lowered in _NOT_TITLES or not any(c.isalpha() for c in lowered):
        return False
    if language == "en" and lowered in HONORIFICS_EN and honorifics:
        return True
    return any(lowered == t or (lowered.endswith(t) and len(t) >= 5) for t in TITLE_ENDINGS.get(language, ()))
