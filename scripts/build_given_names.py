"""Build `worker/tagging/data/given_names.txt`: given names that open a person's name in news text.

    .venv/bin/pip install -e ".[names]"   # Faker, at build time only (MIT); the worker reads the text file
    .venv/bin/python scripts/build_given_names.py

Sources: the first-name lists of Faker's person providers for every locale written in the Latin script (MIT,
© Daniele Faraglia and contributors), plus the first words of the multi-word person names in our name lists
(`name_types_{en,nl}.json`, from WikiANN and CoNLL-2002 train), plus our own list of given names common in the
Netherlands and Flanders that Faker lacks (`data/ner/given_names_curated.txt`). A name is left out when the words
say it is
more often something else:
- it is a place, organisation or other non-person name in the gazetteer or the name lists ("Paris",
  "Georgia", "Chelsea", "Mercedes");
- it opens more multi-word non-person names than person names in the name lists ("San", "Santa");
- it is written in lower case more often than capitalised inside a sentence in our text (CoNLL-2002 and
  WikiANN train, the topic articles) and at least 5 times ("will", "may", "rose", "bill"; wordfreq cannot
  say this: its counts ignore case), a month, a weekday, a title or rank ("Baron", "Sir", "Prins"), or
  shorter than three letters.
Names also written in lower case at least twice ("Mark", "Jack") are marked with a `*`: the rule accepts them
only inside a sentence, never as its first word. A first word of the name lists that no Faker locale lists
must open at least two person names there (the lists are silver data: "Aanvaller" opens one).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from worker.tagging import gazetteer  # noqa: E402

DATA = REPO / "worker" / "tagging" / "data"
OUT = DATA / "given_names.txt"
LOWER_BAR = 5  # lower-case occurrences from which a name written more often in lower case is left out
CAUTION_BAR = 2  # lower-case occurrences from which a name is marked "*" (not at a sentence start)
TEXTS = [REPO / "data" / "ner" / "conll2002-nl" / "ned.train", REPO / "data" / "ner" / "wikiann-en" / "train",
         REPO / "data" / "ner" / "wikiann-nl" / "train"]
TOPICS = REPO / "data" / "topics" / "news.jsonl"
CURATED = REPO / "data" / "ner" / "given_names_curated.txt"
_WORD = re.compile(r"[^\W\d_][\w'-]*")
CALENDAR = frozenset({
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Januari", "Februari", "Maart", "Mei", "Juni", "Juli", "Augustus", "Oktober", "Maandag", "Dinsdag",
    "Woensdag", "Donderdag", "Vrijdag", "Zaterdag", "Zondag"})
# Titles and ranks that open names without being given names ("Baron Geddes", "Sir Robert", "Graaf").
TITLES = frozenset({"Baron", "Baroness", "Sir", "Lord", "Lady", "Dame", "Earl", "Duke", "Duchess", "King", "Queen",
                    "Prince", "Princess", "Count", "Countess", "Saint", "Don", "Dona", "Doña", "Emperor", "Pope",
                    "Sultan", "Sheikh", "Emir", "Tsar", "Czar", "Bishop", "General", "Major", "Colonel", "Captain",
                    "Graaf", "Gravin", "Hertog", "Koning", "Koningin", "Prins", "Prinses", "Keizer", "Paus"})


def _latin(word: str) -> bool:
    return all((c.isalpha() and ord(c) < 0x250) or c in "-'" for c in word)


def faker_first_names() -> set[str]:
    import faker.providers.person as person

    names: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            value = next((base.__dict__[attr] for base in provider.__mro__ if attr in base.__dict__), None)
            if isinstance(value, dict):
                value = list(value)
            if isinstance(value, (list, tuple)):
                names.update(v for v in value if isinstance(v, str) and v[:1].isupper() and _latin(v))
    return names


def curated_names() -> set[str]:
    """Our own list of given names common in the Netherlands and Flanders that Faker lacks (CURATED)."""
    return {word for line in CURATED.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
            for word in line.split()}


def case_counts() -> tuple[Counter[str], Counter[str]]:
    """(lower-case occurrences, capitalised occurrences not first in a sentence) of every word in our text."""
    lower: Counter[str] = Counter()
    inner: Counter[str] = Counter()

    def count(words: list[str]) -> None:
        for i, word in enumerate(words):
            if word.islower():
                lower[word] += 1
            elif i > 0 and word[:1].isupper() and words[i - 1] not in (".", "!", "?", ":", '"'):
                inner[word] += 1

    for path in TEXTS:
        sentence: list[str] = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            token = line.split()[0].split(":", 1)[-1] if line.strip() else ""
            if token and not token.startswith("-DOCSTART-"):
                sentence.append(token)
            elif sentence:
                count(sentence)
                sentence = []
        count(sentence)
    for line in TOPICS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for paragraph in (str(row.get("title", "")), *str(row.get("text", "")).split("\n")):
            for sentence_text in re.split(r"(?<=[.!?])\s+", paragraph):
                count(_WORD.findall(sentence_text))
    return lower, inner


def main() -> int:
    name_lists = {lang: json.loads((DATA / f"name_types_{lang}.json").read_text(encoding="utf-8"))
                  for lang in ("en", "nl")}
    opens: defaultdict[str, Counter[str]] = defaultdict(Counter)
    candidates = faker_first_names()
    for types in name_lists.values():
        for text, kind in types.items():
            words = text.split()
            if len(words) > 1:
                opens[words[0]][kind] += 1
    candidates.update(word for word, counts in opens.items()
                      if counts["PER"] >= 2 and word[:1].isupper() and _latin(word) and len(word) > 2)
    candidates.update(curated_names())
    lower, inner = case_counts()
    kept: list[str] = []
    for name in sorted(candidates):
        if len(name) < 3 or name in CALENDAR or name in TITLES or (not name[1:].islower() and "-" not in name):
            continue
        if any(types.get(name, "PER") != "PER" for types in name_lists.values()):
            continue
        if any(e.type != "PER" for lang in ("en", "nl") if (e := gazetteer.exact_lookup(lang, name)) is not None):
            continue
        counts = opens.get(name, Counter())
        if sum(counts.values()) - counts["PER"] > counts["PER"]:
            continue
        lowered = lower[name.lower()]
        if lowered >= LOWER_BAR and lowered > inner[name]:
            continue
        kept.append(name + ("*" if lowered >= CAUTION_BAR else ""))
    header = [
        "# Given names that open a person's name (scripts/build_given_names.py; read by entity_given_names.py).",
        "# Sources: Faker 40.54.0 person providers, Latin-script locales (MIT, (c) Daniele Faraglia and",
        "# contributors); first words of person names in name_types_en/nl.json (WikiANN CC BY-SA, CoNLL-2002);",
        "# data/ner/given_names_curated.txt (written for newsworker, MIT).",
        "# '*': also a common word; accepted only inside a sentence.",
    ]
    OUT.write_text("\n".join(header + kept) + "\n", encoding="utf-8")
    print(f"{len(kept)} given names ({sum(k.endswith('*') for k in kept)} with '*') -> {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
