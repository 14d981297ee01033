"""Topic stage: IPTC Media Topics (multi-label, calibrated scores) plus user-defined rule topics.

The built-in model is one-vs-rest logistic regression over cheap word/affix/bigram features,
per-language cue-lexicon counts (worker/tagging/topic_features.py) and a document vector from the distilled
word vectors (worker/tagging/topic_vectors.py), trained by scripts/train_topics.py on the project's own
labelled Dutch and English news (data/topics/, model card in its README); scores are Platt-calibrated (one
scaling for all topics, which keeps their order: CV primary accuracy 0.868 vs 0.860 per topic) on
cross-validated predictions, so a threshold of 0.4 means what it says. It costs about 0.4 ms per article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from worker.article import Article, Topic
from worker.config import get_settings
from worker.tagging.iptc import iptc_codes, topic_label
from worker.tagging.limits import max_tagged_chars, opening_words
from worker.tagging.paths import DATA_DIR
from worker.tagging.text_tokens import lower_words
from worker.tagging.topic_features import (
    STOP_WORDS,
    TITLE_WEIGHT,
    dense_features,
    sublinear,
    topic_lexicon,
    word_keys,
    words,
)
from worker.tagging.topic_rules import load_rules
from worker.tagging.topic_vectors import (
    VECTOR_LANGUAGES,
    ProjectedVectors,
    VectorStandardiser,
    project,
    read_stored_table,
    words_digest,
)

MODEL_PATH = DATA_DIR / "topic_model.npz"
# Built-in topics are language-specific knowledge: only tag languages the model was trained on
# ("und" when language detection did not run or could not decide).
MODEL_LANGUAGES = frozenset({"nl", "en", "und"})
# "No topic" only when nothing fits: a text with nothing the model knows gets none; otherwise, when no topic reaches
# NEWSWORKER_TOPIC_THRESHOLD, the best one is still kept (alone) if its calibrated score is at least the floor
# (NEWSWORKER_TOPIC_FLOOR, else the model's `no_topic_floor`: 0.000 since session 26, so a text with evidence always
# gets its best topic). Rates measured: data/topics/README.md.


DEFAULT_FLOOR = 0.15  # for a model file written before the floor was calibrated with the model
CRIME, ECONOMY, LEISURE, POLITICS, TECH = "02000000", "04000000", "10000000", "11000000", "13000000"
SOCIETY = "14000000"


@dataclass(frozen=True)
class Precedence:
    """A labelling convention IPTC leaves open (data/topics/README.md): when `first` and `over` both reach the
    threshold and the story has at least `min_cues` of these cue words, `first` is the primary topic."""

    first: str
    over: str
    words: frozenset[str]
    suffixes: tuple[str, ...]  # Dutch compounds: "telecombedrijf", "supermarktketen"
    min_cues: int
    blockers: frozenset[str] = frozenset()  # any of these keeps the model's order
    # Cue words that count only in a story that also has one of `companions` ("virus" with "computer")
    weak_words: frozenset[str] = frozenset()
    companions: frozenset[str] = frozenset()

    def cues(self, tokens: Sequence[str]) -> int:
        """Cue words among the tokens; a hyphenated word counts once when it or one of its parts is a cue
        ("ransomware-aanval")."""
        if self.blockers and not self.blockers.isdisjoint(tokens):
            return 0
        weak = self.weak_words if self.weak_words and not self.companions.isdisjoint(tokens) else frozenset()
        return sum(1 for t in tokens if self._cue(t, weak) or ("-" in t and any(self._cue(p, weak)
                                                                                 for p in t.split("-"))))

    def _cue(self, token: str, weak: frozenset[str]) -> bool:
        return token in self.words or token in weak or (len(token) > 6 and token.endswith(self.suffixes))


def _cue_words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Gaming as a pastime (board games, esports, fairs) keeps the model's order in both games rules.
_PASTIME_GAMES = _cue_words("board boardgame boardgames bordspel bordspellen esports esportsteam gamebeurs")


PRECEDENCES = (
    # Cyber incidents (viruses and their writers, hacks, spam and phishing, ransomware, data leaks): science and
    # technology first, crime second, also when someone is arrested or jailed for them (the mapping table in
    # data/topics/README.md; outside 5-class sets file them under "tech"). Before the company-misconduct rule: a
    # hacked company is a cyber story.
    Precedence(
        first=TECH,
        over=CRIME,
        words=_cue_words(
            "malware spyware adware trojan trojans ransomware phishing spam spammer spammers "
            "hacker hackers hacking hacked botnet botnets cyberattack cyberattacks cybercrime cybercriminals "
            "computervirus computervirussen hack hacks gehackt hackte hackten datalek datalekken phishingmail "
            "phishingmails cyberaanval cyberaanvallen cybercriminelen cybercriminaliteit"
        ),
        suffixes=("datalek", "cyberaanval", "hackers"),
        min_cues=2,
        # a virus or a worm is a computer's only where the story says so ("an epidemic virus" is health)
        weak_words=_cue_words("virus viruses worm worms virussen"),
        companions=_cue_words("computer computers pc pcs e-mail e-mails email emails software internet online "
                              "windows"),
    ),
    # A company's misconduct (fines, fraud, cartels, settlements, charges against its executives): economy first,
    # crime second. Crimes against people and criminal cases of individuals stay crime first: a prison sentence
    # makes the story a person's criminal case (a fraudster jailed for swindling investors is crime).
    Precedence(
        first=ECONOMY,
        over=CRIME,
        words=_cue_words(
            "company companies firm firms bank banks lender lenders insurer insurers carmaker carmakers airline "
            "airlines retailer retailers supermarket supermarkets chain chains operator operators manufacturer "
            "manufacturers maker makers corporation corporations conglomerate cartel cartels executives executive "
            "watchdog regulator regulators competition antitrust "
            "bedrijf bedrijven onderneming ondernemingen concern concerns bank banken verzekeraar verzekeraars "
            "keten ketens fabrikant fabrikanten kartel kartels toezichthouder topman bestuursvoorzitter mededinging"
        ),
        suffixes=("bedrijf", "bedrijven", "concern", "verzekeraar", "fabrikant", "keten", "maatschappij"),
        min_cues=1,
        blockers=_cue_words(
            "jailed jail prison imprisoned imprisonment "
            "cel celstraf gevangenisstraf gevangenis taakstraf"
        ),
    ),
    # Trade balances, tariffs, exports and imports, deficits and public debt: economy first, politics second.
    Precedence(
        first=ECONOMY,
        over=POLITICS,
        words=_cue_words(
            "trade tariff tariffs export exports exporters import imports deficit deficits surplus debt "
            "handel handelsbalans handelstekort handelsoverschot handelsoorlog handelsakkoord export uitvoer invoer "
            "import heffing heffingen importheffingen invoerheffingen begrotingstekort staatsschuld overheidstekort "
            "tekort overschot"
        ),
        suffixes=("heffingen", "tekort"),
        min_cues=2,
    ),
    # Asylum and immigration policy: politics first, society second (real/GUIDELINES.md; session 55 round 5).
    Precedence(
        first=POLITICS,
        over=SOCIETY,
        words=_cue_words(
            "asylum immigration immigrants migrants migrant deportation deported deport visas "
            "asiel asielzoekers asielzoeker immigratie migratie migranten uitzetting uitgezet"
        ),
        suffixes=("asiel", "migratie"),
        min_cues=2,
    ),
    # Video games, consoles, gaming services and studios: science and technology first, lifestyle and leisure second
    # (session 7; outside 5-class sets and readers file them under "tech"). Gaming as a pastime (board games, fairs)
    # and esports keep the model's order.
    Precedence(
        first=TECH,
        over=LEISURE,
        words=_cue_words(
            "console consoles gamer gamers gaming game games videogame videogames handheld nintendo playstation xbox "
            "studio studios publisher publishers developer developers "
            "spelcomputer spelcomputers gamestudio gamestudios gameontwikkelaar gameontwikkelaars videogame videogames"
        ),
        suffixes=("console", "consoles", "spelcomputer", "spelcomputers"),
        min_cues=2,
        blockers=_PASTIME_GAMES,
    ),
    # The games industry's sales and launches: science and technology first, economy second (the mapping table:
    # "04000000 for a studio's business" is the second code). Only where the games words carry the story: sport
    # reports say "game" too, and "developers" and "publishers" build houses and print papers.
    Precedence(
        first=TECH,
        over=ECONOMY,
        words=_cue_words(
            "console consoles gamer gamers gaming game games videogame videogames nintendo playstation xbox sega "
            "spelcomputer spelcomputers gamestudio gamestudios gameontwikkelaar gameontwikkelaars"
        ),
        suffixes=("console", "consoles", "spelcomputer", "spelcomputers"),
        min_cues=4,
        blockers=_PASTIME_GAMES,
    ),
)


# A convention reaches a topic the model scores under the threshold, down to this floor: many of the stories it is
# meant for (a company fined or charged, a trade dispute, a cybercrime) have its topic there (data/topics/README.md,
# session 55 round 2: floors 0.3, 0.2, 0.1 on AG News' even rows +4, +12, +15 articles, none from right to wrong, and
# no written dev article moved).
PRECEDENCE_FLOOR = 0.10


def apply_precedence(codes: list[str], scores: Mapping[str, float], text: str, floor: float) -> list[str]:
    """The topics (primary first) reordered by PRECEDENCES when the top one is overruled by a convention: the
    convention's topic leads when the story has its cue words and `scores` (every topic's, those under the
    threshold too) gives it at least `floor`; it joins the topics if the threshold had left it out."""
    if not codes:
        return codes
    tokens: list[str] | None = None
    for rule in PRECEDENCES:
        if codes[0] != rule.over or scores.get(rule.first, 0.0) < floor:
            continue
        tokens = words(text) if tokens is None else tokens
        if rule.cues(tokens) >= rule.min_cues:
            return [rule.first, *(c for c in codes if c != rule.first)]
    return codes


# What the model reads of one lower-cased word: the vocabulary indices of its own features (`word_keys`; None for a
# word that has none, a stopword or a one-letter word), the topics the lexicon's words and affixes cue with it (none
# for a stopword), its row in the language's vectors table (-1: none, or a stopword), and the vocabulary's bigrams
# that open with it (next word -> index; None: none).
_WordFacts = tuple[tuple[int, ...] | None, tuple[int, ...], int, Mapping[str, int] | None]
WORD_FACTS_MAX = 200_000  # distinct words kept per language, then emptied: ≈ 27 MB when full (135 bytes a word)


@dataclass(frozen=True)
class TopicModel:
    codes: list[str]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, topics)
    dense_weights: np.ndarray  # (2 * topics, topics)
    bias: np.ndarray
    calibration_a: np.ndarray
    calibration_b: np.ndarray
    version: str
    # Stored by scripts/train_topics.py: 0.000 since session 26 (earlier files: a floor calibrated in cross-validation).
    # Texts without evidence get no topic whatever the floor.
    no_topic_floor: float = DEFAULT_FLOOR
    # Per language: the document-vector part of the model, folded into per-word topic scores
    # (worker/tagging/topic_vectors.py); empty for a model trained without vectors.
    vectors: Mapping[str, ProjectedVectors] = field(default_factory=dict)

    # Per language: what the model reads of each distinct word (`_WordFacts`), made on first sight
    _words: dict[str, dict[str, _WordFacts]] = field(default_factory=dict, compare=False, repr=False)
    _bigrams: dict[str, dict[str, int]] = field(default_factory=dict, compare=False, repr=False)  # filled on first use

    def scores_and_evidence(self, title: str, body: str, language: str) -> tuple[np.ndarray, bool]:
        """Raw scores per topic, and whether the text has anything the model knows (a feature of its vocabulary, a
        cue-lexicon hit, a word with a vector): without any, the scores are the bias alone and nothing fits.

        The values of `sparse_features`, `weighted`, the lexicon's `counts` and the vectors' `scores` (as
        training computes them), in one pass over the words that looks each word up once: the vocabulary's
        counts in the order of their first occurrence (the scores sum in that order), the lexicon's hits, and
        the vectors' rows of the title twice and of the body (the title's words count twice in all three)."""
        lexicon = topic_lexicon(language)
        projected = self.vectors.get(language)
        title_tokens, body_tokens = lower_words(title), lower_words(body)
        counts: dict[int, int] = {}  # vocabulary index -> count
        hits = [0] * lexicon.size
        title_rows: list[int] = []
        rows: list[int] = []
        self._count(title_tokens, TITLE_WEIGHT, language, counts, hits, title_rows)
        self._count(body_tokens, 1, language, counts, hits, rows)
        lexicon.add_phrase_hits(title_tokens + title_tokens + body_tokens, hits)
        lexicon_counts = np.asarray(hits, dtype=np.float32)
        scores = dense_features(lexicon_counts) @ self.dense_weights + self.bias
        evidence = bool(counts) or bool(lexicon_counts.any())
        if counts:
            scores = scores + sublinear(counts.values()) @ self.weights[list(counts)]
        if projected is not None:
            vector_scores = projected.scores_of_rows(title_rows + title_rows + rows)
            if vector_scores is not None:
                scores = scores + vector_scores
                evidence = True
        return np.asarray(scores, dtype=np.float64), evidence

    def _count(self, tokens: list[str], weight: int, language: str, counts: dict[int, int], hits: list[int],
               rows: list[int]) -> None:
        """Add the tokens' features (`weight` times: a content word's own, and the bigram with the content word
        before it) to `counts`, their lexicon hits to `hits` and their vector rows to `rows`."""
        facts = self._word_facts(language)
        get = counts.get
        previous: Mapping[str, int] | None = None  # the bigrams of the content word before (none: no such word)
        for word in tokens:
            known = facts.get(word)
            if known is None:
                known = self._facts_of(word, language, facts)
            indices, topics, row, bigrams = known
            if indices is None:  # a stopword or a one-letter word: no feature, and it breaks a bigram
                previous = None
            else:
                for index in indices:
                    counts[index] = get(index, 0) + weight
                if previous is not None:
                    bigram = previous.get(word)
                    if bigram is not None:
                        counts[bigram] = get(bigram, 0) + weight
                previous = bigrams
            for topic in topics:
                hits[topic] += weight
            if row >= 0:
                rows.append(row)

    def _word_facts(self, language: str) -> dict[str, _WordFacts]:
        facts = self._words.get(language)
        if facts is None or len(facts) > WORD_FACTS_MAX:  # news vocabulary is Zipfian: a bounded memo serves
            facts = self._words[language] = {}  # nearly every word
        return facts

    def _facts_of(self, word: str, language: str, facts: dict[str, _WordFacts]) -> _WordFacts:
        keys = word_keys(word)
        vocabulary = self.vocabulary
        indices = tuple(i for key in keys if (i := vocabulary.get(key)) is not None) if keys else None
        stopword = word in STOP_WORDS
        topics = () if stopword else tuple(topic_lexicon(language).word_topics(word))
        projected = self.vectors.get(language)
        row = projected.table.index.get(word, -1) if projected is not None and not stopword else -1
        known = facts[word] = (indices, topics, row, self._bigrams_from().get(word) if keys else None)
        return known

    def _bigrams_from(self) -> dict[str, dict[str, int]]:
        """The vocabulary's bigram features ("b|first second") by first word: second word -> index."""
        bigrams = self._bigrams
        if not bigrams:
            for feature, index in self.vocabulary.items():
                if feature.startswith("b|"):
                    first, _, second = feature[2:].partition(" ")
                    bigrams.setdefault(first, {})[second] = index
        return bigrams

    def raw_scores(self, title: str, body: str, language: str) -> np.ndarray:
        return self.scores_and_evidence(title, body, language)[0]

    def calibrated(self, raw: np.ndarray) -> np.ndarray:
        z = self.calibration_a * raw + self.calibration_b
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0))))

    def probabilities(self, title: str, body: str, language: str = "und") -> np.ndarray:
        """Calibrated probability per topic (independent, so several can be high)."""
        return self.calibrated(self.raw_scores(title, body, language))


def load_model(path: Path = MODEL_PATH) -> TopicModel:
    raw = path.read_bytes()
    with np.load(path, allow_pickle=False) as data:
        codes = [str(c) for c in data["codes"]]
        if codes != iptc_codes():
            raise RuntimeError(f"{path} was trained for other topic codes; re-run scripts/train_topics.py")
        vocabulary = {str(f): i for i, f in enumerate(data["vocabulary"])}
        return TopicModel(
            codes=codes,
            vocabulary=vocabulary,
            weights=data["weights"].astype(np.float32),
            dense_weights=data["dense_weights"].astype(np.float32),
            bias=data["bias"].astype(np.float32),
            calibration_a=data["calibration_a"].astype(np.float64),
            calibration_b=data["calibration_b"].astype(np.float64),
            version=f"iptc-linear-{hashlib.sha256(raw).hexdigest()[:10]}",
            no_topic_floor=float(data["no_topic_floor"]) if "no_topic_floor" in data.files else DEFAULT_FLOOR,
            vectors=_projected_vectors(data, path),
        )


def _projected_vectors(data: Any, path: Path) -> dict[str, ProjectedVectors]:
    """Each language's vectors table projected onto the model's vector weights (the table itself is dropped)."""
    result = {}
    for language in VECTOR_LANGUAGES:
        if f"vector_weights_{language}" not in data.files:
            continue
        table = read_stored_table(language)
        expected = str(data[f"vectors_digest_{language}"])
        if words_digest(table.words) != expected:
            raise RuntimeError(
                f"{path} was trained with another {language} vectors table than worker/models/vectors/{language}.npz; "
                "re-run scripts/train_topics.py"
            )
        standardiser = VectorStandardiser(
            data[f"vector_mean_{language}"].astype(np.float32), data[f"vector_scale_{language}"].astype(np.float32)
        )
        result[language] = project(
            table.index,
            table.q,
            data[f"sif_{language}"].astype(np.float32),
            standardiser,
            data[f"vector_weights_{language}"].astype(np.float32),
            row_scale=table.scale,
        )
    return result


@lru_cache(maxsize=1)
def topic_model() -> TopicModel:
    """Loaded once per worker process."""
    return load_model()


def topic_model_version() -> str:
    """Name and digest of what decides an article's topics, recorded in `enrichment.models`: the model file,
    and the conventions applied after it (PRECEDENCES, the cue lexicon, the sub-topics counted as tech, the
    no-topic floor in force, how much of the body is read), so a change to any of them marks every article tagged
    before it as not current (coverage, `retag --outdated`)."""
    return f"{topic_model().version}-{_conventions_digest(no_topic_floor(), get_settings().topic_body_words)}"


@lru_cache(maxsize=4)
def _conventions_digest(floor: float, body_words: int) -> str:
    from worker.tagging.topic_features import LEXICON_PATH, TECH_NARROWER

    # every field of every rule, word sets sorted (their order changes with each process's string hashing)
    rules = [[sorted(v) if isinstance(v, frozenset) else list(v) if isinstance(v, tuple) else v for v in astuple(p)]
             for p in PRECEDENCES]
    digest = hashlib.sha256(repr((rules, sorted(TECH_NARROWER), round(floor, 6), body_words,
                                   PRECEDENCE_FLOOR)).encode())
    digest.update(LEXICON_PATH.read_bytes())
    return digest.hexdigest()[:8]


def _builtin_topics(article: Article, threshold: float, limit: int) -> list[Topic]:
    if article.language not in MODEL_LANGUAGES:
        return []
    model = topic_model()
    body = opening_words(article.body[:max_tagged_chars()], get_settings().topic_body_words)
    raw, evidence = model.scores_and_evidence(article.title, body, article.language)
    if not evidence:
        return []  # nothing the model knows: no topic fits
    probabilities = model.calibrated(raw)
    order = np.argsort(-probabilities)
    kept: list[str] = []
    for i in order[:limit]:
        score = float(probabilities[i])
        if score < threshold and (kept or score < no_topic_floor()):
            break  # below the threshold only the best topic is kept, and only above the floor
        kept.append(model.codes[i])
    scores = dict(zip(model.codes, probabilities.tolist(), strict=True))
    # at most `limit` topics still: a convention's topic from under the threshold pushes out the last one
    codes = apply_precedence(kept, scores, f"{article.title}\n{body}", PRECEDENCE_FLOOR)[:limit]
    return [Topic(code=c, label=topic_label(c, article.language), score=round(scores[c], 4)) for c in codes]


def no_topic_floor() -> float:
    """An article gets no topic only when even its best one scores below this: NEWSWORKER_TOPIC_FLOOR, or when
    unset the floor stored with the model (0.000 for models trained since session 26)."""
    floor = get_settings().topic_floor
    return topic_model().no_topic_floor if floor is None else floor


def _with_rule_topics(article: Article, topics: list[Topic], threshold: float) -> list[Topic]:
    """User rules come after the built-in topics and are not cut by `topic_max`: they were asked for."""
    rules = load_rules(get_settings().topic_rules_path)
    if not rules:
        return topics
    # Hyphenated words count as their parts too: "NAVO-missie" mentions NAVO.
    text = f"{article.title}\n{article.body[:max_tagged_chars()]}"
    tokens = words(text)
    tokens += [part for token in tokens if "-" in token for part in token.split("-")]
    joined = " " + " ".join(words(text.replace("-", " "))) + " "
    result = list(topics)
    for rule in rules:
        if rule.score < threshold or rule.hits(article, tokens, joined) < rule.min_hits:
            continue
        existing = next((n for n, t in enumerate(result) if t.code == rule.code), None)
        if existing is not None:
            if result[existing].score < rule.score:
                result[existing] = result[existing].model_copy(update={"score": rule.score})
        else:
            result.append(Topic(code=rule.code, label=rule.label(article.language), score=rule.score))
    return result


def tag_topics(articles: Sequence[Article]) -> list[Article]:
    """Copies of the articles with `topics` set: built-in IPTC topics (primary first), then user rules."""
    settings = get_settings()
    threshold, limit = settings.topic_threshold, settings.topic_max
    result = []
    for article in articles:
        topics = _builtin_topics(article, threshold, limit)
        topics = _with_rule_topics(article, topics, threshold)
        result.append(article.model_copy(update={"topics": topics}))
    return result
