"""User-defined topics: keyword, phrase and entity rules per language from a YAML file.

Applied after the built-in IPTC topics, so a newsroom can add its own beats ("housing", "AI") or push an
IPTC topic for terms the model does not know. See config/topics.example.yaml for the format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from worker.article import Article
from worker.tagging.topic_features import words

ANY_LANGUAGE = "any"


class TopicRulesError(ValueError):
    """The topic rules file cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class TopicRule:
    code: str
    labels: dict[str, str]
    # language ("nl", "en", or "any") -> single words, word prefixes ("chip*"), and phrases stored
    # padded with spaces to be searched in " ".join(tokens) padded the same way
    words: dict[str, frozenset[str]] = field(default_factory=dict)
    prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    entities: frozenset[str] = frozenset()
    min_hits: int = 1
    score: float = 1.0

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en") or next(iter(self.labels.values()), self.code)

    def hits(self, article: Article, tokens: Sequence[str], joined: str) -> int:
        """How many times the rule's terms occur in the article (title and body)."""
        count = 0
        for language in (article.language, ANY_LANGUAGE):
            vocabulary = self.words.get(language)
            prefixes = self.prefixes.get(language)
            if vocabulary or prefixes:
                for token in tokens:
                    if (vocabulary and token in vocabulary) or (prefixes and token.startswith(prefixes)):
                        count += 1
            for phrase in self.phrases.get(language, ()):
                count += joined.count(phrase)
        if self.entities:
            names = {e.text.lower() for e in article.entities}
            names.update(form.lower() for e in article.entities for form in e.forms)
            for entity in self.entities:
                if entity in names:
                    count += 1
                elif not article.entities:
                    # Entities not tagged (stage skipped): fall back to the name in the text.
                    count += joined.count(f" {' '.join(words(entity))} ")
        return count


def _terms(value: Any, where: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if isinstance(value, list):
        return {ANY_LANGUAGE: [str(v) for v in value]}
    if isinstance(value, dict):
        out: dict[str, list[str]] = {}
        for language, items in value.items():
            if not isinstance(items, list):
                raise TopicRulesError(f"{where}.{language} must be a list of terms")
            out[str(language)] = [str(v) for v in items]
        return out
    raise TopicRulesError(f"{where} must be a list, or a mapping from language (nl, en, any) to a list")


def parse_rules(data: Any, source: str = "<rules>") -> list[TopicRule]:
    """Validate the YAML structure and compile each rule's terms for fast matching."""
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise TopicRulesError(f"{source}: expected a top-level 'topics:' list (see config/topics.example.yaml)")
    rules = []
    for n, item in enumerate(data["topics"]):
        where = f"{source}: topics[{n}]"
        if not isinstance(item, dict) or not item.get("code"):
            raise TopicRulesError(f"{where} needs a 'code'")
        label = item.get("label", item["code"])
        labels = {str(k): str(v) for k, v in label.items()} if isinstance(label, dict) else {"en": str(label)}
        words_by_language: dict[str, frozenset[str]] = {}
        prefixes_by_language: dict[str, tuple[str, ...]] = {}
        phrases_by_language: dict[str, tuple[str, ...]] = {}
        keyword_terms = _terms(item.get("keywords"), f"{where}.keywords")
        for language, terms in _terms(item.get("phrases"), f"{where}.phrases").items():
            keyword_terms.setdefault(language, []).extend(terms)
        for language, terms in keyword_terms.items():
            singles, prefixes, phrases = set(), set(), []
            for term in terms:
                toks = words(term)
                if len(toks) > 1:
                    # Stored padded, as searched in the padded token string; "language model*" leaves the
                    # last word open so it also matches "language models".
                    end = "" if term.strip().endswith("*") else " "
                    phrases.append(" " + " ".join(toks) + end)
                elif toks and term.strip().endswith("*"):
                    prefixes.add(toks[0])
                elif toks:
                    singles.add(toks[0])
            words_by_language[language] = frozenset(singles)
            prefixes_by_language[language] = tuple(sorted(prefixes))
            phrases_by_language[language] = tuple(phrases)
        entities = item.get("entities") or []
        if not isinstance(entities, list):
            raise TopicRulesError(f"{where}.entities must be a list of names")
        try:
            score = float(item.get("score", 1.0))
            min_hits = int(item.get("min_hits", 1))
        except (TypeError, ValueError) as exc:
            raise TopicRulesError(f"{where}: score must be a number in [0, 1], min_hits an integer") from exc
        if not 0.0 <= score <= 1.0 or min_hits < 1:
            raise TopicRulesError(f"{where}: score must be in [0, 1] and min_hits at least 1")
        rules.append(
            TopicRule(
                code=str(item["code"]),
                labels=labels,
                words=words_by_language,
                prefixes=prefixes_by_language,
                phrases=phrases_by_language,
                entities=frozenset(str(e).lower() for e in entities),
                min_hits=min_hits,
                score=score,
            )
        )
    return rules


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> tuple[TopicRule, ...]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TopicRulesError(f"{path}: not valid YAML: {exc}") from exc
    return tuple(parse_rules(data, path))


def load_rules(path: Path | None) -> tuple[TopicRule, ...]:
    """The rules in a file, re-read when the file changes; none without a path."""
    if path is None:
        return ()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise TopicRulesError(
            f"topic rules file {path} cannot be read ({exc}); fix NEWSWORKER_TOPIC_RULES_PATH or unset it"
        ) from exc
    return _load_cached(str(path), mtime)
