"""Entities of English sports copy: results lines, league tables, rosters, scoreboards and match reports.

Wire services send sports as tables and results lines ("Leeds 1 Everton 1", "Barcelona 14 11 2 1 38 12 35",
"15 - Hugo Keenan , 14 - Mack Hansen"), where a statistical model trained on prose reads clubs named after
cities as places, runs names across scores, tags table words ("Total", "Halftime") and misses names in
rosters (issue 13, item 2). Applied to a document only when it reads as sports copy (`is_sports_document`):

- a table line (a name, then only numbers) and both sides of a results line (with scorers in brackets) are
  clubs (ORG), or national teams (LOC) when the name is a country, as CoNLL-2003 tags them; the scorers are PER;
- a city the model calls a place is the club when the club list (data/sports_clubs_en.txt) or another line
  of the document says so, or a result or squad word stands next to it ("Leeds beat", "Porto coach"), but not
  as a dateline or after "in"/"at" (the venue);
- names of the club list the model missed are added, and "PSV" + "Eindhoven" joined into the listed club;
- players: "Name ( Country )" in results, "15 - Name ," in rosters, "J. Root", "c Smith b Archer" in
  scoreboards, "136 Peter Senior 68 68" in golf leaderboards (the rounds add up to the total) are PER;
- table words ("Total", "Extras", "Halftime", "W L PCT GB") are never names (in every English document).

Each decision is recorded like the context nouns' (entity_rules.CONTEXT_TYPES_KEY), so that the name lists and
the gazetteer do not undo it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import cast

import numpy
from spacy.tokens import Doc, Span, Token

from worker.tagging import casing, entity_doc, gazetteer
from worker.tagging.entity_doc import NUMBER_LABELS, SPAN_START, string_ids

CLUBS_FILE = gazetteer.DATA_DIR / "sports_clubs_en.txt"

# A headline "SOCCER - ...", "ICE HOCKEY - ..." (lower-cased: the truecaser has run) marks sports copy.
SPORT_HEADS = frozenset({
    "soccer", "football", "rugby", "cricket", "tennis", "golf", "basketball", "baseball", "hockey", "cycling",
    "athletics", "motorcycling", "motor", "motorsport", "formula", "boxing", "skiing", "swimming", "volleyball",
    "handball", "snooker", "darts", "badminton", "rowing", "sailing", "nfl", "nba", "nhl", "racing",
})
# Words of match reports; a document with a score and SPORT_WORDS_MIN of these is sports copy.
SPORT_WORDS = frozenset({
    "beat", "drew", "striker", "coach", "midfielder", "defender", "goalkeeper", "goals", "scored", "halftime",
    "standings", "league", "innings", "wickets", "penalty", "equalised", "equaliser", "attendance", "scorers",
    "semi-final", "quarter-final", "tournament", "seeded", "champions", "division", "squad", "captain",
    "batting", "bowling", "tries", "match", "matches", "season", "stoppage", "kickoff", "kick-off", "defeat",
    # session 35 (en-news/dev_s34.txt, dev_s35.txt: a rugby final, a Super Bowl, golf, tennis and Formula One
    # reports of news sites were not taken for sports copy)
    "rugby", "fly-half", "scrum-half", "touchdown", "touchdowns", "quarterback", "interception", "playoff",
    "play-off", "playoffs", "birdie", "birdies", "bogey", "putt", "tiebreak", "tie-break", "lap", "laps", "peloton",
    "wicket", "footballer", "cricketer", "golfer", "referee", "relegation", "relegated", "hat-trick",
})
SPORT_WORDS_MIN = 3
# Words that are table headers or match facts, never names.
TABLE_WORDS = frozenset({
    "Total", "Totals", "Extras", "Interval", "Halftime", "Half-time", "Attendance", "Draw", "Draws", "Pts",
    "Att", "Pct", "PCT", "GB", "W", "L", "D", "P", "F", "A", "T", "GP", "OT", "OTL", "Played", "Won", "Lost",
    "Drawn", "Points", "Scorers", "Standings", "Results", "Result", "Fall", "Wkts", "Overs", "Bowling",
    "Batting", "Home", "Away", "Goals", "Average", "Strk", "Streak", "Div",
    # session 15 (en-news/dev_s15b.txt): athletics sections ("Women :") and election tables ("Turnout 48.2")
    "Men", "Women", "Turnout",
    # session 31 (en-news/dev_s31.txt): a cricket or rugby Test match ("the third Test", "both Tests") is no name
    "Test", "Tests",
})
# Marks in a results line's brackets that are no scorer: overtime, shoot-out, extra time ("Hartford 3 ( OT )").
RESULT_MARKS = TABLE_WORDS | {"SO", "ET", "AET"}
# Next to a city, these make it the club: "Leeds beat", "lost to Leeds", "Porto coach", "Porto 's striker".
CLUB_NEIGHBOURS = frozenset({
    "beat", "beats", "drew", "draw", "lost", "lose", "won", "win", "wins", "defeated", "edged", "thrashed",
    "held", "hammered", "routed", "v", "vs", "vs.", "against", "coach", "manager", "striker", "midfielder",
    "defender", "goalkeeper", "captain", "'s", "fans", "side", "squad", "were", "have",
    # session 31 (en-news/dev_s31.txt): "Olajuwon led Houston", "Chicago visit Miami", "return home to face Utah",
    # "a win over Buffalo", "leaders Detroit", "Florida quarterback", "Queensland fast bowler"
    "led", "visit", "visits", "visited", "face", "faces", "faced", "host", "hosts", "hosted", "over", "leaders",
    "quarterback", "pitcher", "goaltender", "bowler", "batsman", "paceman", "spinner", "winger", "owner",
    # session 31, round 5 ("beating Natal in the final", "Denver running back Terrell Davis")
    "beating", "beaten", "defeating", "losing", "running",
    # session 35 ("Bath edge Leicester", "a relentless Philadelphia defense")
    "edge", "edges", "defense", "defence", "offense", "attack",
})
# Heads of a rugby (or football) scorer list: "Tries : Proctor , Evans . Conversions : Thomas 2 ." (session 31)
SCORER_LIST_HEADS = frozenset({"tries", "try", "conversions", "conversion", "penalties", "penalty", "goal", "goals",
                               "scorers", "scorer"})
# Before a city, these make it the place (the venue, a dateline's country follows a comma).
PLACE_BEFORE = frozenset({"in", "at", "near", "from", "outside", "around", "of",
                          # session 15 (a review's probe: "snow fell across Pittsburgh" in a results story)
                          "across", "throughout", "into", "towards", "toward"})
_SCORE = re.compile(r"^\d{1,3}-\d{1,3}$")
_TABLE_NUMBER = re.compile(r"^(\d+(\.\d+)?|\.\d+|\d+/\d+|-|\d{1,3}(,\d{3})+)$")
# Necessary (not sufficient) signs of a results line and a table line anywhere in a text.
_RESULTS_IN_TEXT = re.compile(r"[A-Z]\S*\s+\d{1,3}\s+[A-Z(]")
_TABLE_IN_TEXT = re.compile(r"[A-Z]\S*(\s+[\d./-]+){3}")
_SCORE_IN_TEXT = re.compile(r"\b\d{1,3}-\d{1,3}\b")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_PLAYER_MARKS = frozenset({"c", "b", "st", "lbw", "c&b"})
_DATELINE_NEXT = re.compile(r"^(\d{4}-\d\d-\d\d|\d{4}|,|\(|-)$")


@lru_cache(maxsize=1)
def club_names() -> dict[tuple[str, ...], str]:
    """The club list as token tuples ("PSV", "Eindhoven") -> the name."""
    names = {}
    for line in CLUBS_FILE.read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if name and not name.startswith("#"):
            names[tuple(name.split())] = name
    return names


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper() and not token.like_num


def _line_bounds(doc: Doc, starts: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line, without space tokens at the edges."""
    bounds = [*numpy.flatnonzero(numpy.asarray(starts, dtype=bool)).tolist(), len(doc)]
    space = entity_doc.facts(doc).is_space
    lines = []
    for start, end in itertools.pairwise(bounds):
        while start < end and space[start]:
            start += 1
        while end > start and space[end - 1]:
            end -= 1
        if start < end:
            lines.append((start, end))
    return lines


# `_line_bounds`, kept for the doc last asked about (the sports and wire rules ask two or three times per doc)
line_bounds = entity_doc.PerStarts(_line_bounds)
# The lines of the doc the entity rules are tagging, from its sentence-start evidence, found once for the rules that
# read a document line by line (term sheets, party and chart rows, line-ups).
doc_lines = entity_doc.LastDoc(lambda doc: line_bounds(doc, casing.evidence_of(doc).starts))


def is_sports_document(doc: Doc, starts: Callable[[], Sequence[bool]]) -> bool:
    """A sports headline ("SOCCER - ..."), a score and match-report words, or a results or table line.
    `starts` gives the sentence starts; the answer is kept for the doc last asked about and the same starts (the
    rules ask up to four times per doc: sports copy, country rows, market and price-table copy)."""
    return _sports_answer(doc, starts())


def _is_sports_document(doc: Doc, starts: Sequence[bool]) -> bool:
    doc_facts = entity_doc.facts(doc)
    tokens, lower = doc_facts.words, doc_facts.lower
    if any((lower[i] in SPORT_HEADS or (lower[i] == "rules" and i > 0 and lower[i - 1] == "australian"))
           and i + 2 < len(doc) and "-" in (tokens[i + 1], tokens[i + 2])
           for i in range(min(12, len(doc)))):  # the headline: doc[:12]
        return True
    words = int(entity_doc.isin(string_ids(SPORT_WORDS), numpy.sort(doc_facts.lower_ids)).sum())
    text = doc_facts.text
    has_score = bool(_SCORE_IN_TEXT.search(text))
    if words >= SPORT_WORDS_MIN + (0 if has_score else 2):
        return True
    if not (_RESULTS_IN_TEXT.search(text) or _TABLE_IN_TEXT.search(text)):
        return False  # no line can be a results or table line: skip the per-line work
    return any(_table_line(doc, start, end) or _results_line(doc, start, end)
               for start, end in line_bounds(doc, starts))


_sports_answer = entity_doc.PerStarts(_is_sports_document)


_NAME_PARTICLES = ("van", "der", "de", "la", "le", "di", "da", "von", "&")


def _capitalised_at(doc: Doc, i: int) -> bool:
    """`_capitalised(doc[i])` on the doc's arrays."""
    doc_facts = entity_doc.facts(doc)
    return doc_facts.words[i][:1].isupper() and not doc_facts.like_num[i]


def _name_run(doc: Doc, i: int, end: int) -> int:
    """The end of the capitalised run starting at i ("Paris St Germain", "Duhan van der Merwe")."""
    doc_facts = entity_doc.facts(doc)
    words, like_num, lower = doc_facts.words, doc_facts.like_num, doc_facts.lower
    j = i
    while j < end and ((words[j][:1].isupper() and not like_num[j]) or (j > i and lower[j] in _NAME_PARTICLES)):
        j += 1
    while j > i and not (words[j - 1][:1].isupper() and not like_num[j - 1]):
        j -= 1
    return j


def _table_line(doc: Doc, start: int, end: int, caps: bool = False) -> tuple[int, int] | None:
    """"Barcelona 14 11 2 1 38 12 35", "CLEVELAND 14 3 .824 -": a name, then only numbers (three or more).
    `caps`: the line was written in capitals, so the name is every word of letters before the numbers, whatever
    case the truecaser gave them ("TAMPA BAY 10 14 3" -> "Tampa bay")."""
    j = _letters_run(entity_doc.facts(doc).words, start, end) if caps else _name_run(doc, start, end)
    if j == start or end - j < 3:
        return None
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    if not all(_TABLE_NUMBER.match(word) for word in words[j:end]) or sum(doc_facts.is_digit[j:end]) < 2:
        return None
    if _DATE.match("".join(words[j:end])):
        return None  # a dateline "LONDON 2026-02-20", tokenised "2026 - 02 - 20" in running text
    return start, j


def _letters_run(words: Sequence[str], i: int, end: int) -> int:
    """The end of the run of words of letters (dots and apostrophes allowed: "ST.", "O'HARE") starting at i."""
    j = i
    while j < end and words[j].replace(".", "").replace("'", "").isalpha():
        j += 1
    return j


def _scorers(doc: Doc, i: int, end: int) -> tuple[int, list[tuple[int, int]]]:
    """A bracket of scorers after a score: "( Maeda 12 , Kuhn 67 )" -> the index after it and the names."""
    words = entity_doc.facts(doc).words
    if i >= end or words[i] != "(":
        return i, []
    names = []
    j = i + 1
    while j < end and words[j] != ")":
        k = _name_run(doc, j, end)
        if k > j:
            if not all(words[m] in RESULT_MARKS for m in range(j, k)):  # "( OT )": overtime, no scorer
                names.append((j, k))
            j = k
        else:
            j += 1
    return (j + 1, names) if j < end else (i, [])


def _results_line(doc: Doc, start: int, end: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """"Leeds 1 Everton 1", "Celtic 2 ( Maeda 12 ) Aberdeen 1 ( Shinnie 80 ) . Halftime 1-0": the two teams
    and the scorers; after the second team's score (and scorers) only a full stop may follow."""
    words = entity_doc.facts(doc).words
    teams, scorers, i = [], [], start
    for _ in range(2):
        j = _name_run(doc, i, end)
        if j == i or j >= end or not words[j].isdigit():
            return None
        teams.append((i, j))
        i, names = _scorers(doc, j + 1, end)
        scorers += names
    if i < end and words[i] not in (".", ";"):
        return None
    return teams, scorers


def _roster_players(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """"15 - Hugo Keenan , 14 - Mack Hansen , ...": names after "number -" (three or more in the line)."""
    words = entity_doc.facts(doc).words
    dashes = words[start + 1:end - 1]
    if dashes.count("-") + dashes.count("–") < 3:
        return []  # each player follows its own dash: fewer than three, fewer than three players
    found = []
    for i in range(start, end - 2):
        if words[i].isdigit() and words[i + 1] in ("-", "–"):
            j = _name_run(doc, i + 2, end)
            if j > i + 2 and (j == end or words[j] in (",", "(", ";", ".")):
                found.append((i + 2, j))
    return found if len(found) >= 3 else []


# Every word _INITIAL matches ("J.", and "J.\n": `$` allows a final newline).
_INITIALS = frozenset(f"{letter}.{end}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for end in ("", "\n"))


def _marks_of(doc: Doc) -> numpy.ndarray:
    """Per token: an initial, or a lower-case player mark ("c", "b", "lbw")."""
    if not len(doc):
        return numpy.zeros(0, dtype=bool)
    doc_facts = entity_doc.facts(doc)
    marks = entity_doc.isin(doc_facts.lower_ids, string_ids(_PLAYER_MARKS)) & numpy.asarray(doc_facts.is_lower,
                                                                                           dtype=bool)
    return entity_doc.in_words(doc, _INITIALS) | marks


def _mark_positions(doc: Doc) -> list[int]:
    return cast(list[int], numpy.flatnonzero(_marks_of(doc)).tolist())


_scoreboard_marks = entity_doc.LastDoc(_mark_positions)  # token positions, found once per doc, read per line


def _scoreboard_players(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Cricket scoreboards: "J. Root", "c Smith b Archer", "lbw b Carse"."""
    doc_facts = entity_doc.facts(doc)
    words, lower, is_lower = doc_facts.words, doc_facts.lower, doc_facts.is_lower
    found = []
    # only an initial or a player mark can open a player: their positions come from the doc's arrays
    positions = _scoreboard_marks(doc)
    for i in positions[bisect.bisect_left(positions, start):bisect.bisect_left(positions, end)]:
        if _INITIAL.match(words[i]) and i + 1 < end and _capitalised_at(doc, i + 1) and not _INITIAL.match(
                words[i + 1]):
            found.append((i, _name_run(doc, i + 1, end)))
        elif lower[i] in _PLAYER_MARKS and is_lower[i] and i + 1 < end and _capitalised_at(doc, i + 1):
            found.append((i + 1, _name_run(doc, i + 1, end)))
    return found


def _score_line_players(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Golf leaderboards: "136 Peter Senior 68 68 , Craig Parry 70 66" - a total, then players (a bracketed
    country may follow the name) whose round scores add up to that total. The sum is the evidence, so a
    table line ("Barcelona 14 11 2 1 38 12 35") never matches."""
    words = entity_doc.facts(doc).words
    if end - start < 4 or not words[start].isdigit():
        return []
    total = int(words[start])
    found: list[tuple[int, int]] = []
    i = start + 1
    while i < end:
        j = _name_run(doc, i, end)
        if j == i:
            return []
        name = (i, j)
        if j < end and words[j] == "(":
            close = next((k for k in range(j + 1, min(j + 5, end)) if words[k] == ")"), None)
            if close is None:
                return []
            j = close + 1
        scores = []
        while j < end and words[j].isdigit():
            scores.append(int(words[j]))
            j += 1
        if len(scores) < 2 or sum(scores) != total:
            return []
        found.append(name)
        if j < end and words[j] != ",":
            return []
        i = j + 1
    return found


def _scorer_list_players(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """The names of a scorer list, one per comma up to the full stop: "Tries : van der Westhuizen 2 , Joubert ,
    Small . Conversions : Honiball 3 ." -> three names, then one."""
    doc_facts = entity_doc.facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    if ":" not in words[start:end]:
        return []
    found: list[tuple[int, int]] = []
    i = start
    while i < end - 2:
        if not (lower[i] in SCORER_LIST_HEADS and words[i + 1] == ":"):
            i += 1
            continue
        j = i + 2
        while j < end and words[j] not in (".", ";"):
            k = j
            while k < end - 1 and lower[k] in _NAME_PARTICLES and not words[k][:1].isupper():
                k += 1  # "van der Westhuizen"
            if _capitalised_at(doc, k) and lower[k] not in SCORER_LIST_HEADS:
                name_end = _name_run(doc, k, end)
                found.append((j, name_end))
                j = name_end
            while j < end and words[j] not in (",", ".", ";"):
                j += 1  # the item's count: "2", "( 3 )"
            if j < end and words[j] == ",":
                j += 1
        i = j
    return found


def _country_players(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """"Arthur Fils ( France )": a name of two to four words followed by a bracketed country is a player."""
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    found: list[tuple[int, int]] = []
    i = start + 1
    while True:  # each "(" of start + 2 .. end - 3, found by list.index (no Python work per word)
        try:
            i = words.index("(", i + 1, max(end - 2, 0))  # (a negative stop would count from the list's end)
        except ValueError:
            return found
        close = next((k for k in range(i + 2, min(i + 5, end)) if words[k] == ")"), None)
        if close is None or not gazetteer.is_national_team("en", doc_facts.span_text(i + 1, close)):
            continue
        k = i
        while k > start and _capitalised_at(doc, k - 1):
            k -= 1
        if 2 <= i - k <= 4 and doc_facts.span_text(k, i) not in club_texts():
            found.append((k, i))


@lru_cache(maxsize=1)
def club_texts() -> frozenset[str]:
    """The club list's names as written (data/sports_clubs_en.txt), read once."""
    return frozenset(club_names().values())


# News agencies of an agency dateline, "DENVER ( AP ) -", which opens a story's first sentence.
AGENCIES = frozenset({"AP", "Reuters", "AFP", "ANP", "Belga", "dpa", "DPA", "Bloomberg", "UPI", "PA", "EFE", "ANSA"})


def _is_dateline(doc: Doc, ent: Span, line: tuple[int, int]) -> bool:
    words = entity_doc.facts(doc).words
    if ent.start == line[0] and ent.end + 2 < line[1] and words[ent.end] == "(" and words[ent.end + 1] in AGENCIES \
            and words[ent.end + 2] == ")":
        return True  # "DENVER ( AP ) - Nikola Jokic had 34 points": the place the story was filed from
    return ent.start == line[0] and line[1] - line[0] <= 8 and ent.end < line[1] \
        and bool(_DATELINE_NEXT.match(words[ent.end]))


@lru_cache(maxsize=1)
def _club_first_words() -> frozenset[str]:
    return frozenset(words[0] for words in club_names())


@lru_cache(maxsize=1)
def _club_lengths_by_first() -> dict[str, tuple[int, ...]]:
    """Per first word of the club list, the lengths of its names that open with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for words in club_names():
        lengths.setdefault(words[0], set()).add(len(words))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


def _listed_clubs(doc: Doc, use_list: bool = True) -> list[tuple[int, int]]:
    """Spans of the club list's names (longest first), looked for only where a club's first word stands."""
    if not use_list:
        return []
    names = club_names()
    doc_facts = entity_doc.facts(doc)
    words = doc_facts.words
    found, after = [], 0
    size = len(doc)
    lengths = _club_lengths_by_first()  # (the names that open with the word: no other can match at i)
    for i in numpy.flatnonzero(entity_doc.isin(doc_facts.orth, string_ids(_club_first_words()))).tolist():
        if i < after:
            continue
        for n in lengths[words[i]]:
            if i + n <= size and tuple(words[i:i + n]) in names:
                found.append((i, i + n))
                after = i + n
                break
    return found


def _place_label(doc: Doc, label: str, start: int, end: int) -> bool:
    """Whether the stage would call the mention (start, end) of this label a place (the model's place labels, or a
    one-word "person" that the gazetteer or the name list knows as a place: the English model often says PERSON
    for "Leeds", "Lancashire")."""
    if label in ("LOC", "GPE"):
        return True
    if label not in ("PERSON", "PER") or end - start != 1:
        return False
    text = entity_doc.facts(doc).words[start]  # ent.text, without a Token
    return gazetteer.known_place("en", text)


# Table words that may be glued to a name's edge by the model ("Extras 6 Total", "Halftime 1-0 Attendance").
EDGE_TABLE_WORDS = frozenset({"Total", "Totals", "Extras", "Interval", "Halftime", "Half-time", "Attendance", "Pts",
                              "Scorers", "Att", "Pct", "PCT", "GB"})


def strip_table_words(doc: Doc, ents: list[Span]) -> list[Span]:
    """Entities without table words at their edges (EDGE_TABLE_WORDS); one made only of table words and
    numbers ("Draw", "W L PCT GB") is dropped."""
    doc_facts = entity_doc.facts(doc)
    words, like_num, punct = doc_facts.words, doc_facts.like_num, doc_facts.is_punct
    fixed = []
    for ent in ents:
        start, end = ent.start, ent.end
        if start >= end:
            continue  # nothing but table words, as the check below says of an empty span
        first = words[start]
        if (first in TABLE_WORDS or like_num[start] or punct[start]) and all(
                words[i] in TABLE_WORDS or like_num[i] or punct[i] for i in range(start, end)):
            continue
        if first not in EDGE_TABLE_WORDS and not like_num[start] and words[end - 1] not in EDGE_TABLE_WORDS \
                and not like_num[end - 1]:
            fixed.append(ent)  # nothing to strip at either edge (most names)
            continue
        while start < end and (words[start] in EDGE_TABLE_WORDS or like_num[start]):
            start += 1
        while end > start and (words[end - 1] in EDGE_TABLE_WORDS or like_num[end - 1]):
            end -= 1
        fixed.append(ent if (start, end) == (ent.start, ent.end)
                     else Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_))
    return fixed


_HEAD_WORDS = SPORT_HEADS | {"ice", "union", "league",
                              # session 31: "AMERICAN FOOTBALL -" ORG, "AUSTRALIAN RULES -" ("AUSTRALIAN" MISC)
                              "american", "australian", "rules", "college", "alpine", "horse", "figure", "skating"}
_VERSUS = frozenset({"v", "vs", "vs."})
_LEAGUES = frozenset({"nba", "nfl", "nhl"})


def is_sport_head(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens start..end are only words of a headline's sport before its spaced dash, with the sport's other
    words between them and the dash: "ATHLETICS" of "ATHLETICS -", "AUSTRALIAN" of "AUSTRALIAN RULES -"; not
    "Australian" of "Australian-made"."""
    doc_facts = entity_doc.facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    if start < end and lower[start] not in _HEAD_WORDS:
        return False  # the last condition below, checked first: most names start with no sport's word
    after = end
    while after < min(end + 2, len(doc)) and lower[after] in _HEAD_WORDS:
        after += 1
    if after > end and any(lower[k] in _LEAGUES for k in range(start, end)):
        return False  # "NBA BASKETBALL -": the league before its sport is a name
    return after < len(doc) and words[after] in ("-", "–") and bool(doc[after - 1].whitespace_) \
        and all(lower[k] in _HEAD_WORDS for k in range(start, end))


# Every change below needs one of these words: a sport's word opening the name or before its dash, or a last "v".
_SPORT_HEAD_TRIGGERS = _HEAD_WORDS | _VERSUS


def strip_sport_heads(doc: Doc, ents: list[Span]) -> list[Span]:
    """"Cricket - India v" -> "India": a headline's sport and dash, and a trailing "v", are not part of a name."""
    if all(ents) and not entity_doc.has_lower(doc, _SPORT_HEAD_TRIGGERS):
        return ents  # (an empty span is dropped below: all(ents) is False when one is in the list)
    doc_facts = entity_doc.facts(doc)
    words, lower, space = doc_facts.words, doc_facts.lower, doc_facts.is_space
    fixed = []
    for ent in ents:
        ent_start = start = ent.start
        ent_end = end = ent.end
        head = start < end and lower[start] in _HEAD_WORDS
        if (start >= end or head) and is_sport_head(doc, start, end):  # its first test
            continue  # "ATHLETICS - BERLIN ..." ("Athletics" ORG): the headline's sport alone
        # a sport's dash is cut only when the first token is a sport's word or a space (the all() below at k = start:
        # a word equal to the one before the dash is a sport's word too)
        if head or (start < end and space[start]):
            dash = None  # the first dash among the entity's first four tokens
            for k in range(start, min(start + 4, end)):
                if words[k] in ("-", "–"):
                    dash = k
                    break
            if dash is not None and dash > start and lower[dash - 1] in _HEAD_WORDS and all(
                    lower[k] in _HEAD_WORDS or space[k] or words[k] == words[dash - 1] for k in range(start, dash)):
                start = dash + 1
        while end > start and lower[end - 1] in _VERSUS:
            end -= 1
        if start == end:
            continue
        fixed.append(ent if start == ent_start and end == ent_end
                     else Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_))
    return fixed


def sports_entities(doc: Doc, ents: list[Span], starts: Callable[[], Sequence[bool]],
                    decided: dict[tuple[int, int], str], use_clubs: bool = True, standings: bool = True,
                    ) -> list[Span]:
    """English only: the entities of a sports document retyped and completed (see the module docstring);
    `decided` receives the types chosen here. Other documents only lose table words. `standings`: the column
    headers and schedule lines of North American standings (session 38)."""
    if doc.lang_ != "en":
        return ents
    if ents and entity_doc.has_word(doc, TABLE_WORDS):
        ents = strip_table_words(doc, ents)
    ents = strip_sport_heads(doc, ents)
    if not is_sports_document(doc, starts):
        return ents
    lines = line_bounds(doc, starts())
    doc_facts = entity_doc.facts(doc)
    lower = doc_facts.lower
    shouted = casing.shouted_tokens(doc)
    new: list[tuple[int, int, str]] = []  # spans found by layout; they win over the model's
    headers: list[tuple[int, int]] = []  # column-header lines: no entity in them
    clubs: set[str] = set()
    # digit tokens before each token: a table or results line needs two, a roster three (skips prose lines)
    digits_before = [0, *itertools.accumulate(doc_facts.is_digit)]
    marks = bool(_scoreboard_marks(doc))  # an initial or a player mark ("c", "lbw") opens a scoreboard's player
    # "Arthur Fils ( France )": the brackets' positions, so that only a line with one where a player's may stand
    # is read (_country_players looks at start + 2 .. end - 3)
    brackets = numpy.flatnonzero(entity_doc.in_words(doc, entity_doc.OPEN_BRACKET)).tolist() \
        if entity_doc.has_word(doc, entity_doc.OPEN_BRACKET) else []
    # "Tries : van der Westhuizen 2 , Joubert": a list's head word and its colon
    scorer_lists = entity_doc.has_word(doc, entity_doc.COLON) and entity_doc.has_lower(doc, SCORER_LIST_HEADS)
    for start, end in lines:
        numbers = digits_before[end] - digits_before[start]
        caps = standings and shouted[start]
        venue = _venue(doc_facts.words, lower, start, end)
        if venue is not None:  # "At Worcester : Glamorgan 155 ( ... )": the town, whatever the model made of it
            new.append((*venue, "LOC"))
        if standings and not numbers and end - start <= 12:
            if _column_header_line(doc_facts.words, start, end):
                headers.append((start, end))
                continue
            fixture = _schedule_line(doc, start, end, caps)
            if fixture is not None:
                new += [(a, b, "LOC" if gazetteer.is_national_team("en", doc_facts.span_text(a, b)) else "ORG")
                        for a, b in fixture]
                continue
        table = _table_line(doc, start, end, caps) if numbers >= 2 else None
        if table is not None:
            new.append((*table, "LOC" if gazetteer.is_national_team("en", doc_facts.span_text(*table)) else "ORG"))
            continue
        results = _results_line(doc, start, end) if numbers >= 2 else None
        if results is not None:
            teams, scorers = results
            new += [(a, b, "LOC" if gazetteer.is_national_team("en", doc_facts.span_text(a, b)) else "ORG")
                    for a, b in teams]
            new += [(a, b, "PER") for a, b in scorers]
            continue
        # each kind of line, where the doc holds what it needs: a number, a player mark, a bracket, a list's head
        players = _roster_players(doc, start, end) if numbers >= 3 else []
        if marks:
            players += _scoreboard_players(doc, start, end)
        if brackets:
            k = bisect.bisect_left(brackets, start + 2)
            if k < len(brackets) and brackets[k] < end - 2:
                players += _country_players(doc, start, end)
        if numbers:
            players += _score_line_players(doc, start, end)
        if scorer_lists:
            players += _scorer_list_players(doc, start, end)
        new += [(a, b, "PER") for a, b in players]
    for a, b, label in new:
        if label == "ORG":
            clubs.add(doc_facts.span_text(a, b))
    if headers:
        ents = _outside_lines(doc, ents, headers)
    # each entity with its bounds and label, read once (`Span.label_` looks the label up at every read)
    bounded = [(ent, ent.start, ent.end, ent.label_) for ent in ents]
    nicknames = _club_parts(doc, bounded, clubs)
    line_of = [-1] * len(doc)  # token -> index of its line, -1 for a space token between lines
    for n, (start, end) in enumerate(lines):
        line_of[start:end] = [n] * (end - start)
    listed = [(a, b) for a, b in _listed_clubs(doc, use_clubs) if line_of[a] >= 0 and line_of[b - 1] == line_of[a]]
    clubs.update(doc_facts.span_text(a, b) for a, b in listed)
    clubs.update(_short_forms(clubs))
    clubs.update(_tail_forms(clubs))
    clubs = {club.lower() for club in clubs}  # "PITTSBURGH 5 Ottawa 2" ... "two goals for Pittsburgh"
    clubs.update(_neighbour_clubs(doc, bounded, lines, line_of))
    # the last words of people named in full: "Lewis 's manager" after "Lennox Lewis" is the boxer, not a club
    words = doc_facts.words
    surnames = {words[end - 1] for _, start, end, label in bounded if label in ("PERSON", "PER") and end - start > 1}
    result: list[Span] = []
    taken: set[int] = set()
    for a, b, label in new:
        result.append(Span(doc, a, b, label=label))
        decided[(a, b)] = label
        taken.update(range(a, b))
    span_text = doc_facts.span_text
    name_types = casing.name_types("en")
    for ent, start, end, label in bounded:
        if not taken.isdisjoint(range(start, end)):
            continue
        line = lines[line_of[start]] if line_of[start] >= 0 else (start, end)
        before, after = _neighbours(lower, start, end, line)
        one_word = end - start == 1
        text = words[start] if one_word else span_text(start, end)  # ent.text, without a Token per word
        a_club = before not in PLACE_BEFORE and text.lower() in clubs
        # the model's club whose name the name list knows as a place ("Lancashire beat"): keep it a club
        as_club = label == "ORG" and one_word and name_types.get(text) == "LOC"
        if label != "LOC" and before == "at" and start - 1 == line[0] and end < line[1] and lower[end] == ":":
            # a scoreboard's venue line "At Chelmsford : Derbyshire 241 ..." (session 19, en-news/dev_s19.txt)
            decided[(start, end)] = "LOC"
            ent = Span(doc, start, end, label="LOC", kb_id=ent.kb_id_)
        elif (_place_label(doc, label, start, end) or as_club) and _may_be_club(doc, ent, text, line) \
                and text not in surnames:
            if a_club or _club_words_beside(before, after):
                decided[(start, end)] = "ORG"
                ent = Span(doc, start, end, label="ORG", kb_id=ent.kb_id_)
        elif label == "ORG" and a_club:
            decided[(start, end)] = "ORG"  # a club of the results lines: the city list must not undo it
        result.append(ent)
        taken.update(range(start, end))
    if listed:  # (without a listed club, what follows keeps every span as it is)
        result = _with_listed_clubs(doc, result, listed, lines, line_of, decided)
    if nicknames:
        found = _nickname_clubs(doc, result, nicknames, decided)
        if found:  # a number the model read in a nickname ("76ERS" CARDINAL) gives way
            result = [e for e in result if not any(f.start == e.start and f.end == e.end for f in found)] + found
    return entity_doc.filter_spans(sorted(result, key=SPAN_START))


def _with_listed_clubs(doc: Doc, result: list[Span], listed: list[tuple[int, int]], lines: list[tuple[int, int]],
                       line_of: list[int], decided: dict[tuple[int, int], str]) -> list[Span]:
    """The entities with the club list's names found in the doc (`listed`) in place of the spans inside them, and
    without a number the model read across one."""
    lower = entity_doc.facts(doc).lower
    result = [ent for ent in result if ent.label_ not in NUMBER_LABELS or not any(
        a < ent.end and ent.start < b for a, b in listed)]
    # token -> index of the last span covering it; a listed club replaces the spans it covers (all inside it):
    # they are blanked where they stand and the club appended, so the other indexes stay as they were and
    # only the club's own tokens change owner
    owner = {i: k for k, ent in enumerate(result) for i in range(ent.start, ent.end)}
    kept: list[Span | None] = list(result)
    for a, b in listed:
        covered = {owner[i] for i in range(a, b) if i in owner}
        inside = all(cast(Span, kept[k]).start >= a and cast(Span, kept[k]).end <= b for k in covered)
        line = lines[line_of[a]]
        if not inside or any(decided.get((cast(Span, kept[k]).start, cast(Span, kept[k]).end)) == "PER"
                             for k in covered):
            continue
        probe = Span(doc, a, b, label="ORG")
        before = lower[a - 1] if a > line[0] else ""
        if _is_dateline(doc, probe, line) or before in PLACE_BEFORE:
            continue
        for k in covered:
            decided.pop((cast(Span, kept[k]).start, cast(Span, kept[k]).end), None)
            kept[k] = None
        kept.append(probe)
        owner.update(dict.fromkeys(range(a, b), len(kept) - 1))
        decided[(a, b)] = "ORG"
    return [ent for ent in kept if ent is not None]


# Column heads of North American standings ("W L PCT GB", "W L T GF GA PTS", "W L T PF PA"), compared in capitals:
# the truecaser writes "PCT" as "pct" (session 38).
COLUMN_HEADS = frozenset({"W", "L", "T", "D", "P", "F", "A", "PCT", "GB", "GF", "GA", "PTS", "PF", "PA", "OT", "OTL",
                          "SOL", "GP", "STRK", "DIV", "CONF"})
_AT = frozenset({"at", "AT"})


def _venue(words: Sequence[str], lower: Sequence[str], start: int, end: int) -> tuple[int, int] | None:
    """A scoreboard's venue line of a sports document, "At Worcester : Glamorgan 155 ( Huw Bevan 48 ) ..." (the
    sentences split at the colon): the town between the line's opening "At" and the colon (one to three capitalised
    words without a digit), as (start, end); None for another line."""
    if end - start < 3 or lower[start] != "at":
        return None
    k = start + 1
    while k < min(end - 1, start + 4) and words[k][:1].isupper() and not any(c.isdigit() for c in words[k]):
        k += 1
    return (start + 1, k) if k > start + 1 and words[k] == ":" else None


def _column_header_line(words: Sequence[str], start: int, end: int) -> bool:
    """"W L PCT GB": a line of two or more standings column heads and nothing else."""
    return end - start >= 2 and all(words[i].upper() in COLUMN_HEADS for i in range(start, end))


def _schedule_line(doc: Doc, start: int, end: int, caps: bool = False) -> list[tuple[int, int]] | None:
    """"NEW JERSEY AT ORLANDO", "ST LOUIS AT CHICAGO": a schedule's fixture, the whole line, each side one to three
    words of letters, the first capitalised (the truecaser may have lower-cased the others: "ST louis", "Golden
    state"), or any when the line was written in capitals (`caps`: "Ottawa at buffalo"); after a label and a colon
    ("Playing Monday : San Francisco at ATLANTA"); the two teams."""
    words = entity_doc.facts(doc).words
    # max(): a line of one or two tokens at the doc's start would slice from the end of the doc ("NHL")
    colon = words.index(":", start, end) if ":" in words[start:max(start, end - 3)] else -1
    if colon >= 0 and all(words[k].isalpha() for k in range(start, colon)):
        start = colon + 1  # "Playing Monday : San Francisco at ATLANTA": a label before the fixture
    if not 3 <= end - start <= 7:
        return None
    middle = _schedule_side(words, start, end, caps)
    if middle == start or middle >= end or words[middle] not in _AT:
        return None
    if _schedule_side(words, middle + 1, end, caps) != end:
        return None
    return [(start, middle), (middle + 1, end)]


def _schedule_side(words: Sequence[str], i: int, end: int, caps: bool) -> int:
    """The end of a schedule line's team starting at i (i itself when none starts there)."""
    if not caps and not words[i][:1].isupper():
        return i
    j = i
    while j < end and j - i < 3 and words[j] not in _AT and words[j].replace(".", "").isalpha():
        j += 1
    return j


def _outside_lines(doc: Doc, ents: list[Span], lines: list[tuple[int, int]]) -> list[Span]:
    """The entities without their tokens on these lines: a name run into a header line by the model ("Atlantic
    Division\n\nW L pct GB") keeps its part before the line (or after it); a name inside one is dropped."""
    space = entity_doc.facts(doc).is_space
    fixed = []
    for ent in ents:
        inside = [(a, b) for a, b in lines if a < ent.end and ent.start < b]
        if not inside:
            fixed.append(ent)
            continue
        parts, start = [], ent.start
        for a, b in inside:
            parts.append((start, a))
            start = b
        parts.append((start, ent.end))
        for a, b in parts:
            while a < b and space[a]:
                a += 1
            while b > a and space[b - 1]:
                b -= 1
            if a < b:
                fixed.append(Span(doc, a, b, label=ent.label_, kb_id=ent.kb_id_))
    return fixed


# A one-word head this common as a word is no club's short form ("Real", "Inter", "New"; "Ajax" 3.5 is).
SHORT_FORM_ZIPF = 4.0


def _short_forms(clubs: set[str]) -> set[str]:
    """"Steaua" of "Steaua Bucharest", "Twente" of "Twente Enschede": a club named "<name> <its city>" in a
    results line or table goes by its name alone in the report (en-news/dev_s15b.txt, session 15)."""
    found = set()
    for club in clubs:
        head, _, last = club.rpartition(" ")
        if len(head) < 3 or head.isdigit() or gazetteer.exact_lookup("en", head) is not None \
                or gazetteer.is_national_team("en", head) \
                or (" " not in head and casing.zipf(head.lower(), "en") >= SHORT_FORM_ZIPF):
            continue  # not "New" (New York), "Austria" (Austria Vienna), "Real" (Real Madrid)
        entry = gazetteer.exact_lookup("en", last)
        if entry is not None and entry.type == "LOC" and not gazetteer.is_national_team("en", last):
            found.add(head)
    return found


def _tail_forms(clubs: set[str]) -> set[str]:
    """"City" of "Manchester City", "Villa" of "Aston Villa": the last word of a club the document names in full,
    when no other club of the document ends in it ("keep City at bay"; session 35)."""
    tails: dict[str, int] = {}
    for club in clubs:
        head, _, last = club.rpartition(" ")
        if head and len(last) >= 3 and last[:1].isupper() and last[1:].islower():
            tails[last] = tails.get(last, 0) + 1
    return {last for last, count in tails.items() if count == 1 and not gazetteer.is_national_team("en", last)}


def _neighbour_clubs(doc: Doc, bounded: list[tuple[Span, int, int, str]], lines: list[tuple[int, int]],
                     line_of: list[int]) -> set[str]:
    """The towns that a club's neighbours make a club somewhere in the document ("Bath edge Leicester"), lower-cased,
    so that their other mentions are the club too ("as Bath held on"), except after a place word (session 35).
    `bounded`: the entities with their start, end and label."""
    doc_facts = entity_doc.facts(doc)
    lower = doc_facts.lower
    found: set[str] = set()
    for ent, start, end, label in bounded:
        if not _place_label(doc, label, start, end) or line_of[start] < 0:
            continue
        line = lines[line_of[start]]
        if not _club_words_beside(*_neighbours(lower, start, end, line)):
            continue
        text = doc_facts.span_text(start, end)
        if _may_be_club(doc, ent, text, line):
            found.add(text.lower())
    return found


def _neighbours(lower: list[str], start: int, end: int, line: tuple[int, int]) -> tuple[str, str]:
    """The lower-case words right before and after an entity (start, end) on its line ("" at the line's edges)."""
    return lower[start - 1] if start > line[0] else "", lower[end] if end < line[1] else ""


def _club_words_beside(before: str, after: str) -> bool:
    """"Leeds beat", "lost to Leeds", "Porto coach": a club's word beside the name, no place word before it."""
    return before not in PLACE_BEFORE and bool({before, after} & CLUB_NEIGHBOURS)


def _may_be_club(doc: Doc, ent: Span, text: str, line: tuple[int, int]) -> bool:
    """A place's name that can stand for a club: no national team, venue or dateline."""
    return not gazetteer.is_national_team("en", text) and not _is_dateline(doc, ent, line) \
        and not gazetteer.is_venue("en", text)


def _club_parts(doc: Doc, bounded: list[tuple[Span, int, int, str]], clubs: set[str]) -> set[str]:
    """The city of each club the model found as "<city> <nickname>" ("Chicago Bulls", "Philadelphia 76ers") is
    added to `clubs`, so that the city alone is the club where the text does not place it ("led Philadelphia with
    26 points"); returns the lower-cased nicknames ("bulls", "76ers"). `bounded`: the entities with their start, end
    and label."""
    doc_facts = entity_doc.facts(doc)
    lower, words = doc_facts.lower, doc_facts.words
    nicknames: set[str] = set()
    for _, ent_start, end, label in bounded:
        start = ent_start + (lower[ent_start] == "the")
        if label != "ORG" or end - start < 2 or not words[end - 1][:1].isalnum():
            continue
        place = doc_facts.span_text(start, end - 1)
        entry = gazetteer.exact_lookup("en", place)
        if entry is not None and entry.type == "LOC" and not gazetteer.is_national_team("en", place):
            clubs.add(place)
            nicknames.add(lower[end - 1])
    return nicknames


def _nickname_clubs(doc: Doc, ents: list[Span], nicknames: set[str],
                    decided: dict[tuple[int, int], str]) -> list[Span]:
    """A club's nickname alone, capitalised or in capitals, where no entity stands: "as Bulls beat 76ERS"."""
    doc_facts = entity_doc.facts(doc)
    taken = {i for ent in ents if ent.label_ not in NUMBER_LABELS or len(ent) > 1 for i in range(ent.start, ent.end)}
    found = []
    for i, word in enumerate(doc_facts.lower):
        if word in nicknames and i not in taken and not doc_facts.words[i][:1].islower():
            found.append(Span(doc, i, i + 1, label="ORG"))
            decided[(i, i + 1)] = "ORG"
    return found


# Parts of this module that can be switched off for measurement (session 29).
SPORT_PARTS = {"sport_bodies", "race_names"}
# Lower-case words after "X to Y" that make the two places a race's name: "the Sydney to Hobart yacht race".
_RACE_NOUNS = frozenset({"race", "yacht", "ocean", "rally", "classic"})
_PLACE_LABELS = frozenset({"GPE", "LOC"})


def sport_bodies_and_races(doc: Doc, ents: list[Span], decided: dict[tuple[int, int], str]) -> list[Span]:
    """English, any document (session 29, the Lee corpus's dev3): a sport's word before a country is the sport's
    governing body ("Soccer Australia", "Cricket Australia": ORG, the model tagged the country alone); two places
    joined by "to" before a race noun are the race ("the Sydney to Hobart yacht race": MISC)."""
    if doc.lang_ != "en" or not ents:
        return ents
    doc_facts = entity_doc.facts(doc)
    words, lower = doc_facts.words, doc_facts.lower
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        if "sport_bodies" in SPORT_PARTS and ent.label_ in _PLACE_LABELS and start > 0 \
                and lower[start - 1] in SPORT_HEADS and words[start - 1][:1].isupper() \
                and (not fixed or fixed[-1].end <= start - 1) \
                and gazetteer.is_place("en", doc_facts.span_text(start, end)):
            decided[(start - 1, end)] = "ORG"
            fixed.append(Span(doc, start - 1, end, label="ORG"))
            continue
        if "race_names" in SPORT_PARTS and ent.label_ in _PLACE_LABELS and fixed \
                and fixed[-1].label_ in _PLACE_LABELS and fixed[-1].end == start - 1 and lower[start - 1] == "to" \
                and end < len(doc) and lower[end] in _RACE_NOUNS:
            first = fixed.pop()
            decided.pop((first.start, first.end), None)
            decided[(first.start, end)] = "MISC"
            fixed.append(Span(doc, first.start, end, label="EVENT"))
            continue
        fixed.append(ent)
    return fixed
