"""English news: role words, governments and hyphenated surnames around names (session 25).

Made from the errors of real news (the Lee corpus's dev split of Australian news, data/ner/README.md session 25),
where the model tags what CoNLL-2003 leaves outside every name:
- a role on its own is no name: "Treasurer", "Prime Minister", "Brigadier General", "the Queen";
- a government is named by its place or people, and only that part is a name: "the Australian Government" ->
  "Australian" (MISC), "the Queensland Government" -> "Queensland", "the Federal Government" -> nothing;
- "Victoria's Industrial Relations Minister" is the place and a role, not one organisation;
- a double-barrelled surname is one person across its hyphen ("Arantxa Sanchez-Vicario": spaCy splits the hyphen
  and the model read "Arantxa Sanchez" and "Vicario"), and the surname alone is that person later on;
- a person's given name alone, once the story has named them in full, is that person ("Kieren" after "Kieren
  Perkins").
Labels here are the English model's (OntoNotes: PERSON, NORP, GPE, ...); bench.ner_quality maps them.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from worker.tagging import gazetteer
from worker.tagging.entity_doc import SPAN_START, facts, has_lower, has_word
from worker.tagging.entity_wire import PORTFOLIOS
from worker.tagging.titles import title_word

PERSON = "PERSON"

# Words that name a role (CoNLL-2003 and OntoNotes leave them outside names).
ROLE_NOUNS = frozenset({
    "president", "minister", "secretary", "senator", "governor", "chancellor", "premier", "treasurer", "mayor",
    "king", "queen", "prince", "princess", "pope", "sheikh", "emir", "sultan", "general", "brigadier", "colonel",
    "commander", "admiral", "marshal", "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson",
    "chairman", "chairwoman", "coroner", "magistrate", "judge", "commissioner", "superintendent",
    "inspector", "detective", "mp", "senators", "ministers", "premiers", "chief", "leader", "speaker",
    # session 36 (en-news/dev_s36.txt: "WHO Director-General" ORG)
    "director-general", "secretary-general", "governor-general", "attorney-general", "solicitor-general",
    "auditor-general", "inspector-general", "surgeon-general", "postmaster-general",
})
# Words that only qualify a role ("Prime Minister", "Shadow Treasurer", "Lord Mayor", "Attorney General").
ROLE_MODIFIERS = frozenset({
    "prime", "deputy", "shadow", "acting", "vice", "lord", "federal", "state", "foreign", "attorney", "lieutenant",
    "assistant", "opposition", "interim", "former", "defence", "defense", "finance", "health", "trade", "home",
    "interior", "immigration", "education", "justice", "police", "army", "chief", "executive", "general", "major",
    "governor", "district", "high", "supreme", "secretary", "minister",
    "crown",  # session 40 (en-news/dev_s40.txt: "Crown Prince" before "Mohammed bin Salman" was a person of its own)
})
# Role words that are also surnames or names on their own: only a role after "the" or before a person.
_ALSO_NAMES = frozenset({"king", "queen", "prince", "princess", "general", "major", "speaker", "leader", "chief"})

# Parts of this module that can be switched off for measurement (session 29).
ROLE_PARTS = {"opposition", "portfolio_roles", "role_tails", "religion_seat", "role_surnames", "title_only"}

_GOVERNMENT_WORDS = frozenset({"Government", "Govt"})
_OFFICIALS = frozenset({"Authorities"})  # "Palestinian Authorities say"
# "the (Federal) Opposition" is no name either, as our brief says; "the Labor Opposition" is the party (session 29,
# the Lee corpus's dev2: "Federal Opposition" ORG twice).
_OPPOSITION_WORDS = frozenset({"Opposition"})
_GOVERNMENT_QUALIFIERS = frozenset({"Federal", "State", "Commonwealth"})
# A government named by its party is the party ("the Labor Government": "Labor" ORG).
_PARTY_WORDS = frozenset({"Labor", "Labour", "Liberal", "Coalition", "Conservative", "Tory", "National",
                          "Nationals", "Democratic", "Republican", "Socialist", "Green", "Greens"})
_DEMONYM_ENDINGS = ("ian", "ean", "ese", "ish")
_POSSESSIVES = frozenset({"'s", "’s"})
_TO_MODEL = {"LOC": "GPE", "ORG": "ORG", "PER": PERSON, "MISC": "NORP"}


_ROLE_WORDS = ROLE_NOUNS | ROLE_MODIFIERS
# The first words _role_only can accept: a role word, or a portfolio ("Shadow Environment Minister").
_ROLE_FIRSTS = _ROLE_WORDS | PORTFOLIOS


def _modifier(word: str) -> bool:
    """A word that qualifies a role: "Shadow", "Deputy", and a portfolio inside it ("Shadow Environment Minister",
    "Federal Privacy Commissioner": session 29, the Lee corpus's dev2)."""
    return word in ROLE_MODIFIERS or ("portfolio_roles" in ROLE_PARTS and word in PORTFOLIOS)


def _role_only(words: list[str], lower: list[str], start: int, end: int) -> bool:
    if lower[start] not in _ROLE_WORDS and not ("portfolio_roles" in ROLE_PARTS and end - start > 1
                                                and lower[start] in PORTFOLIOS):
        return False  # most names: decided by their first word
    parts = lower[start:end]
    return any(w in ROLE_NOUNS for w in parts) and all(
        w in ROLE_NOUNS or _modifier(w) for w in parts) and all(w[:1].isupper() for w in words[start:end])


def drop_roles(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: without entities made of role words only ("Treasurer" PERSON, "Prime Minister" ORG) or, for persons of
    two words or more, of title words only ("Prof Sir"); a role word that is also a name ("Queen", "King") only after
    "the" or right before a person. A one-word role that is the surname of a person named in full in the article
    ("Ollie Pope", then "Pope") stays, a person."""
    if doc.lang_ != "en":
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    labels = [ent.label_ for ent in ents]  # each read once: Span.label_ is a string-store look-up
    person_starts = {ent.start for ent, label in zip(ents, labels, strict=True) if label == PERSON}
    # surnames of persons named in full: "Ollie Pope", then "Pope" alone (session 36)
    given = gazetteer.given_names()[0]
    surnames = {words[ent.end - 1] for ent, label in zip(ents, labels, strict=True) if label == PERSON and len(ent) >= 2
                and words[ent.start] in given and _ROLE_WORDS.isdisjoint(lower[ent.start:ent.end - 1])}
    role_surnames, title_only = "role_surnames" in ROLE_PARTS, "title_only" in ROLE_PARTS
    kept = []
    for ent, label in zip(ents, labels, strict=True):
        start, end = ent.start, ent.end
        if end - start == 1 and words[start] in surnames and role_surnames \
                and not (start > 0 and lower[start - 1] == "the") \
                and (_role_only(words, lower, start, end) or title_word(words[start], "en")):
            kept.append(ent if label == PERSON else Span(doc, start, end, label=PERSON))
            continue
        if label == PERSON and end - start > 1 and title_only and title_word(words[start], "en") \
                and all(title_word(w, "en") for w in words[start + 1:end]):
            continue  # "Prof Sir" before "Stephen Powis" (session 36)
        # _role_only is False unless the first word is a role word or a portfolio: most names end here
        if lower[start] in _ROLE_FIRSTS and _role_only(words, lower, start, end):
            if end - start > 1 or lower[start] not in _ALSO_NAMES:
                continue
            if (start > 0 and lower[start - 1] == "the") or end in person_starts:
                continue
        kept.append(ent)
    return kept


# Letters after a British or Australian name that are no part of it: "Ross Ray QC", "Jane Smith MP".
POST_NOMINALS = frozenset({"QC", "KC", "SC", "MP", "MLA", "MLC", "OBE", "MBE", "CBE", "KBE", "DBE", "CMG", "KCMG",
                           "GCMG", "AO", "AC", "VC"})
# The roles split_at_roles cuts a name at (lower-case forms): without them and POST_NOMINALS it changes nothing.
_SPLIT_ROLES = ROLE_NOUNS - _ALSO_NAMES


def split_at_roles(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: a name run on over a role to a person is the name before the role and the person ("Federal Labor
    MP Carmen Lawrence" -> "Labor", "Carmen Lawrence"; "New York Mayor Rudolph Giuliani"); letters after a
    person's name are no part of it ("Ross Ray QC")."""
    if doc.lang_ != "en" or not (has_word(doc, POST_NOMINALS) or has_lower(doc, _SPLIT_ROLES)):
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    fixed = []
    for ent in ents:
        start, end = ent.start, ent.end
        if ent.label_ == PERSON and end - start >= 3 and words[end - 1] in POST_NOMINALS:
            while end - start > 2 and words[end - 1] in POST_NOMINALS:
                end -= 1
            fixed.append(Span(doc, start, end, label=PERSON, kb_id=ent.kb_id_))
            continue
        role = next((k for k in range(end - 3, start, -1) if lower[k] in _SPLIT_ROLES and words[k][:1].isupper()),
                    None) if end - start >= 4 else None
        person = words[role + 1:end] if role is not None else []
        if role is None or not 2 <= len(person) <= 3 or not all(w[:1].isupper() and w.isalpha() for w in person):
            fixed.append(ent)
            continue
        before = role
        while before > start and (lower[before - 1] in ROLE_NOUNS or lower[before - 1] in ROLE_MODIFIERS):
            before -= 1
        first = start
        while first < before and lower[first] in ROLE_MODIFIERS:
            first += 1  # "Federal Labor": the party
        if first < before:
            label = ent.label_ if ent.label_ != PERSON else "ORG"
            entry = gazetteer.exact_lookup("en", " ".join(words[first:before]))
            fixed.append(Span(doc, first, before, label=_TO_MODEL.get(entry.type, label) if entry else label))
        fixed.append(Span(doc, role + 1, end, label=PERSON))
    return fixed


def _demonym(word: str) -> bool:
    entry = gazetteer.exact_lookup("en", word)
    if entry is not None:
        return entry.type == "MISC"
    return len(word) >= 6 and word[:1].isupper() and word.isalpha() and word.endswith(_DEMONYM_ENDINGS)


# The words government_names acts on, as written: the last word of every entity it changes is one of them or (lower
# case) a portfolio.
_GOVERNMENT_TRIGGERS = _GOVERNMENT_WORDS | _OPPOSITION_WORDS | _OFFICIALS


def government_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: "<place, people or leader> Government" keeps only the place, people or leader ("Australian" NORP,
    "Queensland" GPE, "the Blair Government" PERSON); "Government" or "Federal Government" alone is no name; a
    people before "Authorities" (officials) or a portfolio ("British Defence" sources) is the people alone."""
    if doc.lang_ != "en" or not (has_word(doc, _GOVERNMENT_TRIGGERS) or has_lower(doc, PORTFOLIOS)):
        return ents
    words, lower = facts(doc).words, facts(doc).lower
    fixed = []
    for ent in ents:
        if ent.end - ent.start == 2 and (words[ent.end - 1] in _OFFICIALS or lower[ent.end - 1] in PORTFOLIOS) \
                and _demonym(words[ent.start]):
            # "Palestinian Authorities say" (officials, not the Palestinian Authority), "British Defence sources"
            fixed.append(Span(doc, ent.start, ent.start + 1, label="NORP"))
            continue
        if words[ent.end - 1] not in _GOVERNMENT_WORDS and not (
                "opposition" in ROLE_PARTS and words[ent.end - 1] in _OPPOSITION_WORDS):
            fixed.append(ent)
            continue
        end = ent.end - 1
        while end > ent.start and words[end - 1] in _GOVERNMENT_QUALIFIERS:
            end -= 1
        if end == ent.start:
            continue  # "the Government", "the Federal Government"
        name = " ".join(words[ent.start:end])
        entry = gazetteer.exact_lookup("en", name)
        if name in _PARTY_WORDS:
            label = "ORG"
        elif end - ent.start == 1 and _demonym(name):
            label = "NORP"
        elif entry is not None:
            label = _TO_MODEL.get(entry.type, ent.label_)
        elif end - ent.start == 1 and not name.isupper():
            label = PERSON  # "the Blair Government", "the Bracks Government": named after its leader
        else:
            label = "GPE"  # "ACT Government", "Capital Territory Government": a government is of a place
        fixed.append(Span(doc, ent.start, end, label=label))
    return fixed


def _role_word(word: str, lower: str) -> bool:
    return word[:1].isupper() and (lower in ROLE_NOUNS or _modifier(lower))


def role_tails(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: role words glued after a name are no part of it (session 29, the Lee corpus's dev2): "US Magistrate"
    (ORG) and "US Defence" before "Secretary" are the place, "British Prime Minister" the people; "Joint Chiefs
    General" right before a person ("Richard Myers") is the organisation."""
    if doc.lang_ != "en" or "role_tails" not in ROLE_PARTS or not has_lower(doc, ROLE_NOUNS):
        return ents  # an entity is cut only with a role noun inside it or after it
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    person_starts = {ent.start for ent in ents if ent.label_ == PERSON}
    fixed = []
    for ent in ents:
        start, end = ent.start, ent.end
        if end - start < 2 or ent.label_ == PERSON or not _role_word(words[end - 1], lower[end - 1]):
            fixed.append(ent)
            continue
        cut = end
        while cut > start and _role_word(words[cut - 1], lower[cut - 1]):
            cut -= 1
        role_follows = end < len(doc) and words[end][:1].isupper() and lower[end] in ROLE_NOUNS
        role_inside = any(lower[k] in ROLE_NOUNS for k in range(cut, end))
        if cut == start and role_follows:
            continue  # "The Federal Education" Minister: a role's words only (session 29, Lee dev3)
        if cut == start or not (role_inside or role_follows):
            fixed.append(ent)
            continue
        head = " ".join(words[start:cut])
        entry = gazetteer.exact_lookup("en", head)
        if entry is not None and entry.type == "LOC":
            fixed.append(Span(doc, start, cut, label="GPE"))  # "US Magistrate", "US Defence" Secretary
        elif cut - start == 1 and _demonym(head):
            fixed.append(Span(doc, start, cut, label="NORP"))  # "British Prime Minister"
        elif end in person_starts and role_inside:
            fixed.append(Span(doc, start, cut, label=ent.label_, kb_id=ent.kb_id_))  # "Joint Chiefs" General X
        else:
            fixed.append(ent)
    return fixed


# Roles whose "of" names the place they serve: "Anglican Archbishop of Brisbane" (one ORG) is "Anglican" and
# "Brisbane" (session 29, the Lee corpus's dev2). Not royal titles ("Prince of Wales").
_ROLES_OF = (ROLE_NOUNS - _ALSO_NAMES) | frozenset({"archbishop", "bishop", "cardinal", "dean"})
# What a company has and a person does not, after a possessive: "Ansett's administrators" (session 29, the Lee
# corpus's dev2: "Ansett" PERSON three times).
_COMPANY_POSSESSIONS = frozenset({"administrators", "administrator", "liquidators", "liquidator", "shareholders",
                                  "shares", "board", "headquarters", "subsidiary", "subsidiaries", "creditors",
                                  "directors", "workforce"})


# Party members, which the curated list types as a people (MISC): after a word that names nothing ("Social
# Democrats", "Free Democrats") they are the party's own name, one ORG (session 35, round 6); after a name ("Senate
# Democrats") a name of their own.
PARTY_MEMBERS = frozenset({"Democrats", "Republicans"})


def religion_and_seat(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: a people's or religion's word glued into an organisation is a name of its own ("a Toowoomba Anglican
    school": "Toowoomba" and "Anglican"); "Anglican Archbishop of Brisbane" is "Anglican" and "Brisbane"; a one-word
    person whose possessive holds what only companies have ("Ansett's administrators") is an organisation."""
    if doc.lang_ != "en" or "religion_seat" not in ROLE_PARTS:
        return ents
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    n = len(words)
    roles_of = has_lower(doc, _ROLES_OF)  # "Archbishop of Brisbane": without such a role the third rule never acts
    fixed = []
    for ent in ents:
        start, end = ent.start, ent.end
        label = ent.label_
        if label == PERSON and end - start == 1 and end + 1 < n and words[end] in _POSSESSIVES \
                and lower[end + 1] in _COMPANY_POSSESSIONS:
            decided[(start, end)] = "ORG"
            fixed.append(Span(doc, start, end, label="ORG", kb_id=ent.kb_id_))
            continue
        if label not in ("ORG", "GPE", "LOC", "FAC", PERSON) or end - start < 2:
            fixed.append(ent)
            continue
        if label != PERSON and end < n and lower[end].isalpha() and words[end].islower() \
                and _demonym(words[end - 1]) and not _demonym(words[start]) \
                and not (words[end - 1] in PARTY_MEMBERS
                         and gazetteer.exact_lookup("en", " ".join(words[start:end - 1])) is None):
            head = " ".join(words[start:end - 1])
            entry = gazetteer.exact_lookup("en", head)
            place = (entry is not None and entry.type == "LOC") or head in gazetteer.small_places()
            fixed.append(Span(doc, start, end - 1, label="GPE" if place else label, kb_id=ent.kb_id_))
            fixed.append(Span(doc, end - 1, end, label="NORP"))  # "a Toowoomba Anglican school"
            continue
        of = next((k for k in range(start + 1, end - 1) if lower[k] == "of"), None) \
            if roles_of and end - start > 2 else None
        if of is not None:
            first = start + 1 if _demonym(words[start]) else start
            if of > first and all(lower[k] in _ROLES_OF for k in range(first, of)) \
                    and all(w[:1].isupper() for w in words[of + 1:end]) and lower[of + 1] not in PORTFOLIOS:
                if first > start:
                    fixed.append(Span(doc, start, first, label="NORP"))  # "Anglican"
                seat = " ".join(words[of + 1:end])
                entry = gazetteer.exact_lookup("en", seat)
                fixed.append(Span(doc, of + 1, end, label=_TO_MODEL.get(entry.type, "GPE") if entry else "GPE"))
                continue
        fixed.append(ent)
    return fixed


def place_before_role(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: "Victoria's Industrial Relations Minister" (one ORG) is the place (GPE); the possessive and the role
    after it are no name."""
    if doc.lang_ != "en" or not (has_lower(doc, ROLE_NOUNS) and has_word(doc, _POSSESSIVES)):
        return ents  # an entity is cut only at a possessive and when it ends in a role noun
    doc_facts = facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    fixed = []
    for ent in ents:
        if ent.end - ent.start < 3 or lower[ent.end - 1] not in ROLE_NOUNS:
            fixed.append(ent)
            continue
        cut = next((i for i in range(ent.start + 1, ent.end - 1) if words[i] in _POSSESSIVES), None)
        if cut is not None and not doc_facts.is_stop[ent.start] \
                and all(w[:1].isupper() for w in words[cut + 1:ent.end]):
            entry = gazetteer.exact_lookup("en", " ".join(words[ent.start:cut]))
            # a minister's or premier's is a country's or state's, unless the gazetteer knows the name otherwise
            label = _TO_MODEL.get(entry.type, "GPE") if entry is not None else "GPE"
            ent = Span(doc, ent.start, cut, label=label)
        fixed.append(ent)
    return fixed


_HYPHENS = frozenset({"-", "‐"})


def _attached(doc: Doc, i: int) -> bool:
    """Token i is a hyphen written between two words without spaces."""
    return 0 < i < len(doc) - 1 and doc[i].text in _HYPHENS and not doc[i - 1].whitespace_ \
        and not doc[i].whitespace_


# Words written after a name and a hyphen that make an English adjective, not the rest of a given name; the shape
# test below already leaves out most ("Trump-lite", "-ish", "-proof", "-world", "-backed", "-style").
_NAME_SUFFIX_WORDS = frozenset({"era", "born", "style", "like", "type", "run", "made", "free", "wide", "linked",
                                "owned", "based", "esque", "ism", "ite", "ites", "fan", "fans", "man", "men"})
# One romanised Korean or Chinese syllable: consonants, one to three vowels, a final consonant at most ("soo",
# "hyuk", "myung", "yeol", "hwan", "wen", "te", "ih").
_SYLLABLE = re.compile(r"[bcdfghjklmnpqrstvwxyz]{0,3}[aeiouy]{1,3}(?:ng|[nklmpth])?")


def _given_name_tail(doc: Doc, words: list[str], end: int) -> bool:
    """Whether the person ending at `end` goes on over a hyphen to the second syllable of an East Asian given name,
    cut there by the tokenizer: "Han Duck" + "-soo", "Tsai Ing" + "-wen"; not "Trump-backed", "Trump-lite"."""
    if end + 1 >= len(words) or words[end] not in _HYPHENS or not _attached(doc, end):
        return False
    last, tail = words[end - 1], words[end + 1]
    return last[:1].isupper() and last.isalpha() and len(last) <= 5 and tail.isalpha() and tail.islower() \
        and 2 <= len(tail) <= 5 and _SYLLABLE.fullmatch(tail) is not None and tail not in _NAME_SUFFIX_WORDS


def hyphenated_persons(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: a person of two words or more runs on over a hyphen written without spaces to a capitalised word
    ("Arantxa Sanchez" + "Vicario" -> "Arantxa Sanchez-Vicario"), and the hyphenated surname alone is that person
    elsewhere in the story; a person cut after "Doo-" of "Chun Doo-hwan" ends after "hwan", and one cut before the
    hyphen of an East Asian given name ends after its second syllable ("Han Duck" + "-soo", session 39)."""
    if doc.lang_ != "en" or not ents:
        return ents
    words = facts(doc).words
    n = len(words)
    if not any(ent.label_ == PERSON and ((ent.end < n and words[ent.end] in _HYPHENS) or words[ent.end - 1] == "-")
               for ent in ents):
        return ents  # nearly every article: no person touches a hyphen
    ents = sorted(ents, key=SPAN_START)  # earlier rules may append out of order
    starts = {ent.start: ent for ent in ents}
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    merged: set[int] = set()
    fixed = []
    surnames: set[str] = set()
    for ent in ents:
        if ent.start in merged:
            continue
        end = ent.end
        if ent.label_ == PERSON and len(ent) >= 2 and _attached(doc, end) and end not in taken \
                and words[end + 1][:1].isupper() \
                and words[end + 1].isalpha() and (end + 1 not in taken or (
                    end + 1 in starts and starts[end + 1].label_ == PERSON and len(starts[end + 1]) == 1)):
            merged.add(end + 1)
            end += 2
            surnames.add(doc[end - 3:end].text)
        elif ent.label_ == PERSON and words[end - 1] == "-" and end < len(doc) and not doc[end - 2].whitespace_ \
                and not doc[end - 1].whitespace_ and words[end].isalpha() and words[end].islower() \
                and end not in taken:
            end += 1  # "Chun Doo-" + "hwan"
        elif ent.label_ == PERSON and len(ent) >= 2 and _given_name_tail(doc, words, end) and end + 1 not in taken:
            end += 2  # "Han Duck" + "-soo" (session 39)
        fixed.append(ent if end == ent.end else Span(doc, ent.start, end, label=PERSON, kb_id=ent.kb_id_))
    if surnames:
        fixed = [Span(doc, e.start, e.end, label=PERSON) if e.label_ != PERSON and e.text in surnames else e
                 for e in fixed]
    return fixed


def given_name_mentions(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: a one-word name that is the given name of a person the story names in full (two or three words)
    is that person, unless the gazetteer knows the word as a place or organisation ("Kieren" ORG after "Kieren
    Perkins"; "Jordan" after "Michael Jordan" stays what it is)."""
    if doc.lang_ != "en":
        return ents
    words = facts(doc).words
    given = {words[e.start] for e in ents if e.label_ == PERSON and 2 <= len(e) <= 3 and words[e.start].isalpha()}
    if not given:
        return ents
    fixed = []
    for ent in ents:
        word = words[ent.start]
        if len(ent) == 1 and ent.label_ != PERSON and word in given:
            entry = gazetteer.exact_lookup("en", word)
            if entry is None or entry.type == "PER":
                ent = Span(doc, ent.start, ent.end, label=PERSON)
        fixed.append(ent)
    return fixed


# Time zones are no names (CoNLL-2003 leaves "GMT" of "1430 GMT" outside; OntoNotes reads them as part of a TIME).
TIME_ZONES = frozenset({"GMT", "UTC", "BST", "CET", "CEST", "EET", "EEST", "WET", "EST", "EDT", "CST", "CDT", "MST",
                        "MDT", "PST", "PDT", "AKST", "HST", "IST", "JST", "KST", "HKT", "SGT", "AEST", "AEDT", "ACST",
                        "ACDT", "AWST", "NZST", "NZDT"})
# Endings that make a people of a place: "South Africans", "East Timorese", "New Zealanders", "Sri Lankans".
_PEOPLE_ENDINGS = ("ns", "n", "ese", "ers", "er", "is", "i")


def peoples_and_time_zones(doc: Doc, ents: list[Span]) -> list[Span]:
    """English: time zones are no names; a place's name of two words or more with a people's ending is the people
    (NORP): "South Africans", "East Timorese" (the model read them as places); a known people or nationality in
    front of a person the gazetteer knows is two names: "American Barack Obama". Not in front of a known
    organisation: "Japanese Red Cross" is one name (WikiANN-en), "Arab Al Qaeda" two (the Lee corpus)."""
    if doc.lang_ != "en":
        return ents
    words = facts(doc).words
    fixed = []
    for ent in ents:
        start, end = ent.start, ent.end
        if end - start == 1:  # one word: dropped when a time zone, else kept (the rest needs two words or more)
            if words[start] not in TIME_ZONES:
                fixed.append(ent)
            continue
        last = words[end - 1]
        if end - start >= 2 and ent.label_ != "NORP" and last.endswith(_PEOPLE_ENDINGS) \
                and all(w[:1].isupper() for w in words[start:end]):
            stems = [last[:-len(ending)] for ending in _PEOPLE_ENDINGS
                     if last.endswith(ending) and len(last) > len(ending) + 3]
            head = " ".join(words[start:end - 1])
            if any(gazetteer.is_place("en", f"{head} {stem}", exact=True) for stem in stems) \
                    and not gazetteer.is_place("en", " ".join(words[start:end]), exact=True):
                fixed.append(Span(doc, start, end, label="NORP"))
                continue
        if end - start >= 3 and ent.label_ in ("ORG", PERSON):
            demonym = gazetteer.exact_lookup("en", words[start])
            rest = gazetteer.exact_lookup("en", " ".join(words[start + 1:end])) \
                if demonym is not None and demonym.type == "MISC" and demonym.curated else None
            if rest is not None and rest.type == "PER":
                fixed.append(Span(doc, start, start + 1, label="NORP"))
                fixed.append(Span(doc, start + 1, end, label=PERSON))
                continue
        fixed.append(ent)
    return fixed


# Openers of an electoral seat's name (session 39): "the seat of Dickson", "MP for Aljunied GRC". Not "member for"
# ("a board member for Google").
_SEAT_NOUNS = frozenset({"seat", "seats", "electorate", "electorates", "riding", "ridings", "constituency",
                         "constituencies"})
_SEAT_HOLDERS = frozenset({"MP", "MPs", "MLA", "MLAs", "MPP", "MPPs", "TD", "TDs"})
_SEAT_OPENERS = _SEAT_NOUNS | _SEAT_HOLDERS  # without one of them in the doc, no seat is opened
_LIST_ENDS = frozenset({"and", "or"})
# Labels a seat's name may have been given and lose: a person, an organisation, another name (not a facility or a
# nationality, nor a place already).
_SEAT_RETYPED = frozenset({PERSON, "ORG", "MISC", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW"})


def _seat_opener(words: list[str], start: int) -> bool:
    """Whether the two words before `start` open an electoral seat's name ("seat of", "MP for")."""
    return start >= 2 and ((words[start - 1] == "of" and words[start - 2] in _SEAT_NOUNS)
                           or (words[start - 1] == "for" and words[start - 2] in _SEAT_HOLDERS))


def _list_gap(gap: list[str]) -> str | None:
    """How two items of a list are joined: "," or "and" (also ", and"), else None."""
    if gap == [","]:
        return ","
    if (len(gap) == 1 and gap[0] in _LIST_ENDS) or (len(gap) == 2 and gap[0] == "," and gap[1] in _LIST_ENDS):
        return "and"
    return None


def electorates(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English: a name of one to four capitalised words (hyphens between them allowed: "Eden-Monaro") after "seat
    of", "electorate of", "riding of", "constituency of" (and their plurals) or "MP for", "MLA for", "MPP for", "TD
    for" is a place, the constituency, as CoNLL-2003 types it ("his Brisbane seat of Dickson" PER, "electorate of
    Grayndler" ORG), and so is every other item of a list it opens that ends with "and"/"or" and an item ("seats of
    Menzies , Deakin and Banks"), unless that item is typed a person. Each name retyped is recorded in `decided`
    (session 39). A name whose first word is a given name with more words after it is a person and stays one."""
    if doc.lang_ != "en" or not ents or not has_word(doc, _SEAT_OPENERS):
        return ents
    words = facts(doc).words
    given = gazetteer.given_names()[0]
    ordered = sorted(range(len(ents)), key=lambda k: ents[k].start)  # earlier rules may append out of order
    places: set[int] = set()  # indexes (into `ents`) of the entities that are seats
    for n, k in enumerate(ordered):
        if not _seat_opener(words, ents[k].start):
            continue
        items, ended, m = [k], False, n
        while m + 1 < len(ordered) and not ended:  # "Menzies , Deakin and Banks": items joined by "," or "and"
            join = _list_gap(words[ents[ordered[m]].end:ents[ordered[m + 1]].start])
            if join is None:
                break
            ended = join == "and"
            items.append(ordered[m + 1])
            m += 1
        # a list that never ends with "and" is no list of seats; a person in the list is one ("and Frydenberg")
        places.update([k] + ([i for i in items[1:] if ents[i].label_ != PERSON] if ended else []))
    if not places:
        return ents
    result = []
    for k, ent in enumerate(ents):
        name = [word for word in words[ent.start:ent.end] if word not in _HYPHENS]
        if k in places and ent.label_ in _SEAT_RETYPED and len(name) <= 4 \
                and all(word[:1].isupper() for word in name) and not (len(name) > 1 and name[0] in given):
            decided[(ent.start, ent.end)] = "LOC"
            ent = Span(doc, ent.start, ent.end, label=_TO_MODEL["LOC"], kb_id=ent.kb_id_)
        result.append(ent)
    return result
