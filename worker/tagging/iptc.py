"""The 17 top-level IPTC Media Topics with English and Dutch labels, loaded once from package data.

IPTC Media Topics © IPTC - International Press Telecommunications Council, CC BY 4.0
(https://iptc.org/standards/media-topics/). English labels and definitions are IPTC's; the Dutch labels
are newsworker's own translation. The attribution travels with the data in `data/iptc_topics.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from worker.tagging.paths import DATA_DIR

DATA_PATH = DATA_DIR / "iptc_topics.json"


@dataclass(frozen=True)
class IptcTopic:
    code: str  # "16000000" (the qcode without the "medtop:" scheme alias)
    label_en: str
    label_nl: str
    definition_en: str
    narrower_en: tuple[str, ...]

    def label(self, language: str) -> str:
        """The label in the article's language: Dutch for nl, English otherwise."""
        return self.label_nl if language == "nl" else self.label_en


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, IptcTopic], str, str]:
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    topics = {
        t["code"]: IptcTopic(
            code=t["code"],
            label_en=t["label"]["en"],
            label_nl=t["label"]["nl"],
            definition_en=t["definition_en"],
            narrower_en=tuple(t["narrower_en"]),
        )
        for t in data["topics"]
    }
    return topics, data["attribution"], data["release"]


def iptc_topics() -> dict[str, IptcTopic]:
    """The 17 top-level topics by code, in code order."""
    return _load()[0]


def iptc_codes() -> list[str]:
    return list(_load()[0])


def iptc_attribution() -> str:
    return _load()[1]


def topic_label(code: str, language: str) -> str:
    """The label of a top-level IPTC code in the article's language; the code itself when unknown."""
    topic = _load()[0].get(code)
    return topic.label(language) if topic else code
