"""Named entities (PER, ORG, LOC, MISC) per article: one record per distinct entity, surface forms merged.

A spaCy pipeline per language (the first installed model of the Settings preference order, then our
corrections and gazetteer matches from entity_rules.py, each where measured to help) runs over title + body
with `nlp.pipe`; mentions are mapped to four types, linked to Wikidata through the gazetteer, merged
("Blinken" into "Antony Blinken", "VS" into "Verenigde Staten") and scored for salience.
Languages without a pipeline get no entities: a model of another language would tag their capitalised
words at random.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc, Span

from worker.article import Article, Entity, EntityType
from worker.config import get_settings
from worker.tagging import (
    casing,
    entity_doc,
    entity_given_names,
    entity_rules,
    entity_sports,
    gazetteer,
    limits,
    model_vectors,
    name_tokens,
    ner_accurate,
)
from worker.tagging.paths import MODELS_DIR, PACKAGE_DIR

BUNDLED_PREFIX = "newsworker:"  # "newsworker:nl_ner" = worker/models/nl_ner, trained by scripts/train_ner.py
# Languages with an entity pipeline; which models each uses is a setting (ner_models_<language>).
NER_LANGUAGES = ("nl", "en")
# Whether the gazetteer may add entities the model missed (it always links and merges). Set by measurement:
# `python -m bench.ner_quality FILE --lang L --compare` prints F1 with and without each part.
GAZETTEER_RULER = {"nl": True, "en": True}
RULER_NAME = "gazetteer"
# Title stripping and document-level consistency (entity_rules.py), per language, set by measurement.
ENTITY_RULES = {"nl": True, "en": True}
RULES_NAME = entity_rules.COMPONENT
# All-caps lines (wire headlines, datelines) restored to ordinary case before the model (casing.py); switched
# with the rules.
TRUECASE_NAME = casing.COMPONENT
# The usual type of each name in the training data (data/name_types_<lang>.json, by scripts/train_ner.py)
# corrects the model's PER/ORG/LOC confusions; measured per language.
USE_NAME_TYPES = {"nl": True, "en": True}
BATCH_SIZE = 32

# OntoNotes (English and official Dutch spaCy models) and CoNLL labels, mapped to the four types we keep.
LABEL_MAP: dict[str, EntityType] = {
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
    "MISC": "MISC", "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "LAW": "MISC",
    "WORK_OF_ART": "MISC", "LANGUAGE": "MISC",
}
_LEADING_ARTICLES = {"nl": ("de ", "het "), "en": ("the ",)}


def map_label(label: str) -> EntityType | None:
    """PER/ORG/LOC/MISC for a model's label; None for what we drop (DATE, CARDINAL, MONEY, ...)."""
    return LABEL_MAP.get(label)


def model_preference(language: str) -> list[str]:
    """Model names (spaCy packages, paths, newsworker:<dir> or newsworker-accurate:<lang>) to try in order,
    from Settings; with ``ner_tier`` "accurate" the accurate tier of the language comes first."""
    settings = get_settings()
    names = list(getattr(settings, f"ner_models_{language}", None) or [])
    if settings.ner_tier == "accurate":
        names = [f"{ner_accurate.PREFIX}{language}", *(n for n in names if not n.startswith(ner_accurate.PREFIX))]
    return names


def _load_spacy_model(name: str) -> Language | None:
    """The model, with the shared static-vector table attached when it was trained with one
    (model_vectors.py: raises MissingVectorsError rather than run without it)."""
    import spacy

    if name.startswith(ner_accurate.PREFIX):
        ner_accurate.register()
        return ner_accurate.load(name[len(ner_accurate.PREFIX):])
    if name.startswith(BUNDLED_PREFIX):
        path = MODELS_DIR / name[len(BUNDLED_PREFIX):]
        if not (path / "config.cfg").exists():
            return None
        return model_vectors.attach(spacy.load(path), name)
    if Path(name).is_dir():
        return model_vectors.attach(spacy.load(name), name)
    if not spacy.util.is_package(name):
        return None
    return model_vectors.attach(spacy.load(name), name)


def _keep_only_ner(nlp: Language) -> Language:
    """Drop components the entity stage does not need (tagger, parser, lemmatizer...): half the time."""
    needed = {"ner"}
    if "tok2vec" in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", [])
        if "ner" in listeners:
            needed.add("tok2vec")
    for name in list(nlp.pipe_names):
        if name not in needed:
            nlp.remove_pipe(name)
    return nlp


@dataclass
class EntityPipeline:
    nlp: Language
    name: str
    version: str
    language: str
    added: list[str] = field(default_factory=list)  # our components after the model's own
    name_types: dict[str, str] = field(default_factory=dict)  # name -> its usual type in the training data


def _entity_pipeline(language: str, model: str | None = None) -> EntityPipeline | None:
    """The entity pipeline of a language, loaded once per process: one cache key whether `model` is given as
    None or left out (two keys had loaded every model twice, +36 MB RSS for English, +29 MB for Dutch)."""
    # the preference is part of the key: a changed setting (the tier) loads the other pipeline
    return _load_entity_pipeline(language, model, () if model else tuple(model_preference(language)))


@lru_cache(maxsize=8)
def _load_entity_pipeline(language: str, model: str | None, preference: tuple[str, ...]) -> EntityPipeline | None:
    names = [model] if model else list(preference)
    for name in names:
        nlp = _load_spacy_model(name)
        if nlp is None:
            continue
        if nlp.lang != language:
            raise ValueError(f"model {name!r} is for language {nlp.lang!r}, configured for {language!r}")
        nlp = name_tokens.keep_names_whole(_keep_only_ner(nlp))
        meta = nlp.meta
        version = str(meta.get("version", "0"))
        if isinstance(meta.get("newsworker"), dict) and meta["newsworker"].get("fingerprint"):
            version += "+" + str(meta["newsworker"]["fingerprint"])  # retrained models differ in version
        pipeline = EntityPipeline(nlp, f"{meta.get('lang', language)}_{meta.get('name', name)}", version, language)
        if USE_NAME_TYPES.get(language):
            pipeline.name_types = casing.name_types(language)
        nlp.add_pipe(casing.COMPONENT, name=TRUECASE_NAME, first=True)
        pipeline.added.append(TRUECASE_NAME)
        nlp.add_pipe(RULES_NAME, last=True)
        pipeline.added.append(RULES_NAME)
        nlp.add_pipe(entity_rules.GAZETTEER_COMPONENT, name=RULER_NAME, last=True)
        pipeline.added.append(RULER_NAME)
        _switch(nlp, RULES_NAME, ENTITY_RULES.get(language, False))
        _switch(nlp, RULER_NAME, GAZETTEER_RULER.get(language, False))
        return pipeline
    return None


def _switch(nlp: Language, name: str, on: bool) -> None:
    if on and name in nlp.disabled:
        nlp.enable_pipe(name)
    elif not on and name not in nlp.disabled:
        nlp.disable_pipe(name)


def load_pipeline(
    language: str,
    *,
    use_gazetteer: bool | None = None,
    use_rules: bool | None = None,
    model: str | None = None,
) -> Language:
    """The entity pipeline of a language (loaded once per process); raises LookupError when there is none.

    `use_gazetteer` / `use_rules` switch the gazetteer ruler and the entity rules on or off (None: as
    configured), for measuring what each adds.
    """
    pipeline = _entity_pipeline(language, model)
    if pipeline is None:
        raise LookupError(
            f"no NER model installed for {language!r}: tried {model_preference(language)}; install one of them "
            f"or set NEWSWORKER_NER_MODELS_{language.upper()}"
        )
    nlp = pipeline.nlp
    _switch(nlp, RULER_NAME, GAZETTEER_RULER.get(language, False) if use_gazetteer is None else use_gazetteer)
    _switch(nlp, RULES_NAME, ENTITY_RULES.get(language, False) if use_rules is None else use_rules)
    _switch(nlp, TRUECASE_NAME, ENTITY_RULES.get(language, False) if use_rules is None else use_rules)
    return nlp


def load_bare_model(language: str) -> BareModel:
    """The same model without our components: `nlp.pipe` speed of the model alone, for the benchmark."""
    pipeline = _entity_pipeline(language)
    if pipeline is None:
        raise LookupError(f"no NER model installed for {language!r}")
    return BareModel(pipeline.nlp, pipeline.added)


class BareModel:
    """nlp.pipe with our added components switched off (the model's own speed)."""

    def __init__(self, nlp: Language, added: list[str]) -> None:
        self.nlp, self.added = nlp, added

    def pipe(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
        with self.nlp.select_pipes(disable=[n for n in self.added if n not in self.nlp.disabled]):
            yield from self.nlp.pipe(texts, batch_size=batch_size)


def entity_model_versions(language: str) -> dict[str, str]:
    """Name and version of what tags entities in this language, for `Article.enrichment.models`."""
    try:
        pipeline = _entity_pipeline(language)
    except (OSError, ValueError):
        pipeline = None
    if pipeline is None:
        return {}
    versions = {"entities": f"{pipeline.name}-{pipeline.version}"}
    versions["entities_gazetteer"] = gazetteer.gazetteer_version() + ("" if GAZETTEER_RULER.get(language) else "-link")
    if ENTITY_RULES.get(language):
        versions["entities_rules"] = rules_version()
    if pipeline.name_types:
        versions["entities_name_types"] = _file_version(gazetteer.DATA_DIR / f"name_types_{language}.json")
    return versions


# What decides entity spans and types after the model: the rule modules and the word lists they read. Their
# content, hashed, is the rules' version, so that any change marks stored articles for re-tagging (a hand-kept
# number stayed "9" through ten sessions of rule changes). Every `entity_*` module is one, found in the package's
# sources (a hand-kept list missed session 54's new module), and so are the modules they share.
RULE_SOURCES: tuple[str, ...] = ("entities.py", "casing.py", "name_tokens.py", "kind_words.py",
                                 *sorted(path.name for path in PACKAGE_DIR.glob("entity_*.py")))


@lru_cache(maxsize=1)
def rules_version() -> str:
    """A short digest of the rule modules' source and of the word lists in the tagging data directory."""
    digest = hashlib.sha256()
    for path in [*(PACKAGE_DIR / name for name in RULE_SOURCES), *sorted(gazetteer.DATA_DIR.glob("*.txt"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=8)
def _file_version(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# --- from spans to entities -------------------------------------------------------------------------------


def _strip_article(text: str, language: str) -> str:
    if " " not in text:  # every article ends with a space (most names are one word)
        return text
    lowered = text.lower()
    for article in _LEADING_ARTICLES.get(language, ()):
        if lowered.startswith(article) and len(text) > len(article):
            return text[len(article):]
    return text


def _lookup(text: str, language: str) -> tuple[str, gazetteer.GazetteerEntry | None]:
    """The gazetteer entry of a mention, trying it without a leading article ("Het Verenigd Koninkrijk")
    when the whole text is unknown ("The Times" is known as such); returns the form that matched."""
    entry = gazetteer.lookup(language, text)
    if entry is None:
        stripped = _strip_article(text, language)
        if stripped != text:
            entry = gazetteer.lookup(language, stripped)
            if entry is not None:
                return stripped, entry
    return text, entry


def resolve(span: Span, language: str) -> tuple[EntityType | None, gazetteer.GazetteerEntry | None]:
    """The type of a mention and its gazetteer entry. A curated entry (or a country) decides the type; a
    GeoNames city turns a one-word "person" into a place ("Newcastle", "Sint-Niklaas") unless the word is
    known as a person's name: many surnames are also towns."""
    doc = span.doc
    before = doc[span.start - 1].text if span.start > 0 else None
    return _resolve(span.label_, span.text, span.start, span.end, before,
                    doc.user_data.get(entity_rules.CONTEXT_TYPES_KEY, {}), language)


def _resolve(label_: str, text: str, start: int, end: int, before: str | None, decided_types: dict[Any, str],
             language: str, name_types: dict[str, str] | None = None,
             ) -> tuple[EntityType | None, gazetteer.GazetteerEntry | None]:
    """`resolve` on the parts of a span (its label, text, token bounds, the word before it, the doc's context
    types), so that `_mentions` reads them from the doc's arrays instead of making Token objects; `name_types`, the
    language's name list when the caller holds it (finding it reads the settings)."""
    label = map_label(label_)
    if label is None:
        return None, None
    decided = decided_types.get((start, end))
    if decided is not None:  # "de NAVO-missie Resolute Support": the noun in front decided (entity_rules.py)
        _, entry = _lookup(text, language)
        return cast(EntityType, decided), entry if entry is not None and entry.type == decided else None
    if label == "PER" and before is not None and entity_rules.is_title(before, language):
        return label, None  # "defensieminister Austin" is a person, whatever else Austin is
    _, entry = _lookup(text, language)
    if entry is not None and label != "PER":
        return cast(EntityType, entry.type), entry
    names = name_types if name_types is not None else _name_types(language)
    if entry is None:
        known = names.get(text)
        if known is not None and label != "MISC" and known != label:
            return cast(EntityType, known), None
        if label == "PER" and end - start == 1 and text in gazetteer.small_places() and \
                text not in entity_given_names.given_names()[0]:
            return "LOC", None  # "Stade Gilbert Brutus , Perpignan": a town the model read as a person
        if label == "ORG" and language == "en" and "small_places_org" in RESOLVE_PARTS and end - start == 1 \
                and text in gazetteer.small_places() and text not in _one_word_clubs():
            return "LOC", None  # "And at Landsborough fierce winds ...", "Toowoomba" (session 29, Lee dev2)
        if label == "PER" and language == "en" and known is None and _town_of_words(text, before):
            return "LOC", None
        return label, None
    if label == "PER" and language == "en" and entry.type == "LOC" and names.get(text) is None \
            and _town_of_words(text, before):
        return "LOC", entry  # "George Town": GeoNames' city, the model's person
    if entry.type != "PER" and not entry.curated and (
            end - start > 1 or names.get(text) == "PER" or text in casing.first_names(language)):
        return label, None  # a person the model found, whose name the gazetteer also knows as something else
    return cast(EntityType, entry.type), entry


# Last words of towns named after a person or a given name ("Hazel Grove", "George Town", "Alice Springs").
TOWN_WORDS = frozenset({"Town", "Grove", "Hill", "Hills", "Heights", "Park", "Springs", "Point", "City", "Bay", "Green",
                        "Lake", "Cove", "Vale", "Valley", "Beach", "Creek", "Harbour", "Harbor", "Village", "Township",
                        "Bridge", "Falls", "Ridge", "Gardens", "Heath", "Cross", "Wells", "Bluffs", "Junction"})


# Words before a town's name that say a place follows ("to Hazel Grove", "between Bayan Lepas"), and those that
# continue a list of places ("Bayan Lepas and George Town").
PLACE_PREPOSITIONS_EN = frozenset({"in", "to", "at", "from", "near", "between", "into", "across", "around", "outside",
                                   "towards", "toward", "via", "through"})
_LIST_CONTINUERS = frozenset({"and", "or", ","})


def _town_of_words(text: str, before: str | None) -> bool:
    """A "person" of two or three words that is a GeoNames town of 15,000 people or more, read as the town where
    the words around say a place (session 48, and its review): after a place preposition ("to Hazel Grove",
    "between Bayan Lepas"), or, for a town whose last word is a place word, also after "and", "or" or a comma
    ("Bayan Lepas and George Town"); a town opening with a given name needs its place word ("Benito Juarez",
    "Getúlio Vargas" and "Shah Alam" are towns and people)."""
    if before is None or text not in gazetteer.town_names():
        return False
    words = text.split()
    after_preposition = before.lower() in PLACE_PREPOSITIONS_EN
    if words[-1] in TOWN_WORDS:
        return after_preposition or before in _LIST_CONTINUERS
    return after_preposition and not entity_given_names.is_given_name(words[0])


# Parts of the type resolution that can be switched off for measurement (session 29).
RESOLVE_PARTS = {"small_places_org"}


@lru_cache(maxsize=1)
def _one_word_clubs() -> frozenset[str]:
    """Clubs of the sports list named by one word ("Burnley"): a town's name that is a club stays one."""
    return frozenset(name for words, name in entity_sports.club_names().items() if len(words) == 1)


def _name_types(language: str) -> dict[str, str]:
    pipeline = _entity_pipeline(language)
    return pipeline.name_types if pipeline is not None else {}


def mapped_spans(doc: Doc, language: str | None = None, *, naive: bool = False) -> list[tuple[int, int, EntityType]]:
    """Token spans with our four types: what the evaluation scores. `naive`: the model's labels mapped,
    without the gazetteer's and the name list's type corrections."""
    lang = language or doc.lang_
    spans = []
    for ent in doc.ents:
        label = map_label(ent.label_) if naive else resolve(ent, lang)[0]
        if label is not None:
            spans.append((ent.start, ent.end, label))
    return spans


@dataclass
class _Mention:
    text: str
    type: EntityType
    start: int  # char offset in the tagged text
    wikidata: str | None


@dataclass
class _Cluster:
    mentions: list[_Mention]
    wikidata: str | None
    # `longest` and `type`, kept once computed (plain fields: functools.cached_property takes a lock per read
    # on Python 3.11); whoever extends `mentions` drops them with `_forget`.
    _longest: str | None = field(default=None, repr=False, compare=False)
    _type: EntityType | None = field(default=None, repr=False, compare=False)

    @property
    def longest(self) -> str:
        """The fullest name: most words, then most characters, the first mention among equals."""
        if self._longest is None:
            self._longest = self._fullest()
        return self._longest

    def _fullest(self) -> str:
        if len(self.mentions) == 1:
            return self.mentions[0].text
        best, best_key = "", (-1, -1)
        for text in dict.fromkeys(m.text for m in self.mentions):
            key = (len(text.split()), len(text))
            if key > best_key:
                best, best_key = text, key
        return best

    def _forget(self) -> None:
        """Drop the kept `longest` and `type` (after `mentions` changed)."""
        self._longest = self._type = None

    @property
    def type(self) -> EntityType:
        """The model's majority label over mentions of the fullest name ("Antony Blinken" decides for the
        "Blinken" mentions merged into it), then over all mentions."""
        if self._type is None:
            self._type = self._majority_type()
        return self._type

    def _majority_type(self) -> EntityType:
        if len(self.mentions) == 1:
            return self.mentions[0].type
        longest = self.longest
        full: dict[EntityType, int] = {}
        every: dict[EntityType, int] = {}  # in the order of first mention, as Counter keeps them
        for m in self.mentions:
            every[m.type] = every.get(m.type, 0) + 1
            if m.text == longest:
                full[m.type] = full.get(m.type, 0) + 1
        return max(every, key=lambda t: (full.get(t, 0), every[t]))


def _mentions(doc: Doc, language: str) -> list[_Mention]:
    mentions = []
    facts = entity_doc.facts(doc)
    words, idx = facts.words, facts.idx
    decided_types = doc.user_data.get(entity_rules.CONTEXT_TYPES_KEY, {})
    name_types = _name_types(language)
    for start, end, label_, ent_id_ in entity_doc.entity_spans(doc):  # doc.ents, without a Span per entity
        start_char = idx[start]
        ent_text = facts.span_text(start, end)
        label, entry = _resolve(label_, ent_text, start, end, words[start - 1] if start > 0 else None,
                                decided_types, language, name_types)
        if label is None:
            continue
        text = ent_text.strip()
        if entry is not None:
            text, _ = _lookup(text, language)
        elif "-" in text and " -" not in text and "- " not in text:
            # "NAVO-lidstaten", "Afghanistan-top": a known name compounded with a common noun is a mention
            # of that name (the compound itself is rarely worth an entity of its own); a spaced dash is no
            # compound ("New York - Shares" gave "New York " with its space)
            head, _, rest = text.partition("-")
            head_entry = gazetteer.lookup(language, head)
            if head_entry is not None:
                mentions.append(_Mention(head, cast(EntityType, head_entry.type), start_char,
                                         head_entry.wikidata))
                if rest[:1].islower() and not any(w[:1].isupper() for w in rest.split()):
                    continue
        start_char += len(ent_text) - len(text) if text != ent_text.strip() else 0
        wikidata = (entry.wikidata if entry else None) or (ent_id_ or None)
        mentions.append(_Mention(text, label, start_char, wikidata))
    return mentions


def _cluster(mentions: list[_Mention], language: str) -> list[_Cluster]:
    by_key: dict[str, _Cluster] = {}
    for mention in mentions:
        key = mention.wikidata or gazetteer.normalise(_strip_article(mention.text, language))
        cluster = by_key.get(key)
        if cluster is None:
            cluster = by_key[key] = _Cluster([], mention.wikidata)
        cluster.mentions.append(mention)
    clusters = list(by_key.values())
    # A shorter name that ends a longer person's name is that person ("Blinken", "Bin Laden"), whatever the
    # model called it, as long as exactly one person in the article fits and it is not a known place.
    # (Clusters are referred to by their index: words[k] are the words of clusters[k].)
    words = [gazetteer.normalise(c.longest).split() for c in clusters]
    by_surname: dict[str, list[int]] = {}  # the people's clusters by the last word of their names
    for k, cluster in enumerate(clusters):
        if len(words[k]) > 1 and cluster.type == "PER":
            by_surname.setdefault(words[k][-1], []).append(k)
    merged: set[int] = set()
    for k, cluster in enumerate(clusters):
        tail = words[k]
        if not tail or len(tail) > 2 or (cluster.wikidata and cluster.type == "LOC"):
            continue
        candidates = [j for j in by_surname.get(tail[-1], ()) if j != k
                      and words[j][-len(tail):] == tail and len(words[j]) > len(tail)]
        if len(candidates) == 1:
            person = clusters[candidates[0]]
            person.mentions.extend(cluster.mentions)
            person._forget()  # recomputed with the merged mentions
            merged.add(k)
    return [c for k, c in enumerate(clusters) if k not in merged] if merged else clusters


def _salience(count: int, max_count: int, position: float, in_title: bool) -> float:
    """Frequency, earliness and title presence, the signals news editors use; in [0, 1]."""
    score = 0.45 * (count / max_count) + 0.25 * (1.0 - position) + 0.30 * (1.0 if in_title else 0.0)
    return round(min(1.0, max(0.0, score)), 3)


def entity_text(article: Article) -> str:
    """The text the entity stage tags for an article (what a fair bare-model comparison must tag too)."""
    return _text_and_body_start(article)[0]


def _text_and_body_start(article: Article) -> tuple[str, int]:
    cap = limits.max_tagged_chars()
    if article.title_derived or not article.title.strip():
        return article.body[:cap], 0
    head = article.title.strip() + "\n\n"
    return (head + article.body)[:cap], len(head)


# Our components that need the whole article (one type per name, propagation, gazetteer matches); the ones
# before them (truecasing, the model) read long texts in pieces (limits.NER_CHUNK_CHARS).
_WHOLE_DOC_COMPONENTS = (RULES_NAME, RULER_NAME)


def pipe_texts(nlp: Language, texts: Iterable[str]) -> Iterator[Doc]:
    """`nlp.pipe` over the texts, one Doc per text, with long texts read by the model in pieces and joined
    back before the whole-document rules: the model holds at most `limits.NER_BATCH_CHARS` characters (or
    `BATCH_SIZE` pieces) at once, so memory stays bounded whatever the length, and time is linear in it."""
    whole = [(name, proc) for name, proc in nlp.pipeline if name in _WHOLE_DOC_COMPONENTS]
    pieces_of = [limits.chunks(text) for text in texts]
    flat = [piece for pieces in pieces_of for piece in pieces]
    with nlp.select_pipes(disable=[name for name, _ in whole]):
        # batch_size as the bare model's: the NER model predicts in sub-batches of batch_size // 4 documents,
        # so len(batch) (4 pieces: sub-batches of 2) cost 3 % more than the model alone on ~500-word articles
        docs = (doc for batch in limits.batches(flat, limits.NER_BATCH_CHARS, BATCH_SIZE)
                for doc in nlp.pipe(batch, batch_size=BATCH_SIZE))
        for pieces in pieces_of:
            parts = [next(docs) for _ in pieces]
            doc = parts[0] if len(parts) == 1 else entity_doc.join_docs(parts)
            for _, proc in whole:
                doc = proc(doc)
            yield doc


def _entities_of(doc: Doc, article: Article, body_start: int, language: str) -> list[Entity]:
    clusters = _cluster(_mentions(doc, language), language)
    if not clusters:
        return []
    max_count = max(len(c.mentions) for c in clusters)
    body_len = max(len(article.body), 1)
    entities = [
        # most entities are mentioned once: the same values as the general case, without its work
        (_single_mention_entity if len(cluster.mentions) == 1 else _cluster_entity)(
            cluster, article.body, body_start, max_count, body_len)
        for cluster in clusters
    ]
    entities.sort(key=lambda e: (-e.salience, e.first_offset))
    return entities


def _cluster_entity(cluster: _Cluster, body: str, body_start: int, max_count: int, body_len: int) -> Entity:
    """The entity of a cluster: its fullest name, forms in order of appearance, count and salience."""
    forms = list(dict.fromkeys(m.text for m in sorted(cluster.mentions, key=lambda m: m.start)))
    text = cluster.longest
    in_title = any(m.start < body_start for m in cluster.mentions)
    body_offsets = [m.start - body_start for m in cluster.mentions if m.start >= body_start]
    if body_offsets:
        first = min(body_offsets)
    else:  # only in the title: where the body mentions it, if the model missed that, else 0
        found = [i for i in (body.find(f) for f in forms) if i >= 0]
        first = min(found) if found else 0
    return Entity(
        text=text,
        type=cluster.type,
        count=len(cluster.mentions),
        first_offset=first,
        salience=_salience(len(cluster.mentions), max_count, first / body_len, in_title),
        forms=[text, *[f for f in forms if f != text]],
        wikidata=cluster.wikidata,
    )


def _single_mention_entity(cluster: _Cluster, body: str, body_start: int, max_count: int, body_len: int) -> Entity:
    """`_cluster_entity` for a cluster of one mention."""
    mention = cluster.mentions[0]
    # only in the title: where the body mentions it, if the model missed that, else 0
    first = mention.start - body_start if mention.start >= body_start else max(body.find(mention.text), 0)
    return Entity(text=mention.text, type=mention.type, count=1, first_offset=first,
                  salience=_salience(1, max_count, first / body_len, mention.start < body_start),
                  forms=[mention.text], wikidata=cluster.wikidata)


def tag_entities(articles: Sequence[Article]) -> list[Article]:
    """Copies of the articles with `entities` filled, in the same order; one `nlp.pipe` per language."""
    result: list[Article | None] = [None] * len(articles)
    by_language: dict[str, list[int]] = {}
    for i, article in enumerate(articles):
        by_language.setdefault(article.language, []).append(i)
    for language, indexes in by_language.items():
        pipeline = _entity_pipeline(language) if language in NER_LANGUAGES else None
        if pipeline is None:
            for i in indexes:
                result[i] = articles[i].model_copy(update={"entities": []})
            continue
        nlp = load_pipeline(language)
        prepared = [_text_and_body_start(articles[i]) for i in indexes]
        docs = pipe_texts(nlp, [text for text, _ in prepared])
        for i, (_, body_start), doc in zip(indexes, prepared, docs, strict=True):
            entities = _entities_of(doc, articles[i], body_start, language)
            result[i] = articles[i].model_copy(update={"entities": entities})
    return [a for a in result if a is not None]
