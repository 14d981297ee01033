"""Topic quality and speed: macro-F1 and primary-topic accuracy per language, P/R/F1 per IPTC topic,
articles/s of the topic and keyword stages, and AG News as an outside check.

    python -m bench.topic_quality                       # held-out split of data/topics/news.jsonl
    python -m bench.topic_quality FILE.jsonl [--split all]
    python -m bench.topic_quality --no-ag-news

A labelled file is JSONL, JSON (a list of objects), CSV or TSV (header row), optionally gzip-compressed.
Our format is {"id", "language", "title", "text", "topics": [codes]}, the first code being the primary
topic. Other files may put the labels under topics/labels/label/iptc/category (a list, or one string with
several separated by | ; or ,) as codes ("15000000", 15000000, "medtop:15000000", narrower Media Topic codes,
cv.iptc.org URIs) or names ("sport", "Politics", "economy, business and finance"); the text under
text/body/content, the title under title/headline, the language under language/lang ("en", "en-GB",
"English"; detected from the text when absent). An optional "split" field selects rows (default heldout,
else test, else all). Predictions are what the stage assigns (topics at or above NEWSWORKER_TOPIC_THRESHOLD).

AG News (test split, English, 4 classes) is mapped to IPTC: Sports -> 15000000, Business -> 04000000,
Sci/Tech -> 13000000, World -> 11000000 or 16000000 (AG's "World" is international politics and conflict;
either counts). Its accuracy is the 4-way decision among those codes from the model's scores; the strict
line is the stage's own primary topic against that mapping, so other IPTC topics count as errors.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from bench.files import read_text
from worker.article import Article
from worker.config import get_settings
from worker.tagging.iptc import iptc_codes, iptc_topics, topic_label
from worker.tagging.keywords import tag_keywords
from worker.tagging.language import detect_language
from worker.tagging.topics import tag_topics, topic_model, topic_model_version

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO / "data" / "topics" / "news.jsonl"
SEED = REPO / "seeds" / "000_915c5c8c3194a4b4.txt"
AG_NEWS = Path("/work/shared/data/topics/ag_news_test.csv")
AG_CLASSES = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
AG_TO_IPTC = {
    "World": ("11000000", "16000000"),
    "Sports": ("15000000",),
    "Business": ("04000000",),
    "Sci/Tech": ("13000000",),
}


# Field names a labelled file may use, in order of preference.
LABEL_FIELDS = ("topics", "labels", "label", "iptc", "topic", "categories", "category", "subjects", "codes")
TEXT_FIELDS = ("text", "body", "content", "article", "full_text", "story", "description")
TITLE_FIELDS = ("title", "headline", "heading")
LANGUAGE_FIELDS = ("language", "lang", "locale", "language_code")
ID_FIELDS = ("id", "guid", "uri", "url", "doc_id")
LANGUAGE_NAMES = {"english": "en", "engels": "en", "dutch": "nl", "nederlands": "nl", "flemish": "nl"}
NARROWER_PATH = REPO / "data" / "topics" / "iptc_narrower.json"
# Common names for the top-level topics beyond IPTC's own labels (and those of the older IPTC Subject
# Codes, e.g. "unrest, conflicts and war"), as a reviewer's file may write them.
TOPIC_ALIASES = {
    "01000000": "arts|culture|entertainment|media|arts and culture|arts and entertainment|arts, culture and "
    "entertainment|culture and entertainment|entertainment and arts",
    "02000000": "crime|law|justice|crime and justice|law and justice|crime and law|legal|courts",
    "03000000": "disaster|disasters|accident|accidents|emergency incident|emergency|disaster and accident|"
    "disasters and accidents|accident and emergency incident",
    "04000000": "economy|business|finance|economics|business and finance|economy and business|markets|money",
    "05000000": "schools",
    "06000000": "environmental issue|environmental issues|climate|nature",
    "07000000": "healthcare|medicine|health care",
    "08000000": "human-interest|humaninterest|odd news|oddly enough|people",
    "09000000": "labor|employment|work|jobs",
    "10000000": "lifestyle|leisure|travel|food|lifestyle and leisure|living",
    "11000000": "politics|government|political|politics and government|elections",
    "12000000": "religion and belief|religion and faith|faith|belief",
    "13000000": "science|technology|tech|sci/tech|sci-tech|science and technology|science & tech|scitech",
    "14000000": "social issue|social issues|social|social affairs",
    "15000000": "sports",
    "16000000": "conflict|war|peace|unrest, conflicts and war|unrest|conflicts|war and peace|conflict and war|"
    "conflicts and war|military|defence|defense|terrorism",
    "17000000": "meteorology|forecast",
}


class LabelledFileError(ValueError):
    """A labelled topic file cannot be read; the message says which row and field and what to fix."""


def _normal_name(name: str) -> str:
    name = name.strip().strip("\"'").lower().replace("&", " and ").replace("_", " ")
    return re.sub(r"\s+", " ", name).strip()


@lru_cache(maxsize=1)
def _topic_names() -> dict[str, str]:
    """Name -> top-level code: IPTC English labels, our Dutch labels, their parts, aliases, narrower labels."""
    names: dict[str, str] = {}
    for code, topic in iptc_topics().items():
        for narrower in topic.narrower_en:
            names.setdefault(_normal_name(re.sub(r"\([^)]*\)", "", narrower)), code)
            names.setdefault(_normal_name(narrower), code)
    for code, aliases in TOPIC_ALIASES.items():
        for alias in aliases.split("|"):
            names[_normal_name(alias)] = code
    for code, topic in iptc_topics().items():
        for label in (topic.label_en, topic.label_nl):
            names[_normal_name(label)] = code
            for part in re.split(r",| and | en ", label):
                if part.strip() and _normal_name(part) not in names:
                    names[_normal_name(part)] = code
    return names


@lru_cache(maxsize=1)
def _narrower_codes() -> dict[str, str]:
    """IPTC Media Topic narrower code (20000001...) -> its top-level code, from data/topics/iptc_narrower.json."""
    data = json.loads(NARROWER_PATH.read_text(encoding="utf-8"))
    return {code: top for top, codes in data["narrower_by_top"].items() for code in codes}


CODE_RE = re.compile(r"^(?:(?:medtop|subj|iptc|mediatopic|subjectcode):|.*/(?:mediatopic|subjectcode)/)?(\d{7,8})$")


def topic_code(label: object) -> str | None:
    """The top-level IPTC code of one label: a code ("15000000", 15000000, "medtop:15000000", a narrower
    Media Topic or old Subject Code, a cv.iptc.org URI) or a name ("sport", "Politics", "sci/tech")."""
    if isinstance(label, bool):
        return None
    if isinstance(label, int | float):
        label = str(int(label))
    if isinstance(label, dict):
        for field in ("code", "qcode", "uri", "id", "label", "name"):
            if field in label:
                return topic_code(label[field])
        return None
    if not isinstance(label, str):
        return None
    text = label.strip().strip("\"'")
    match = CODE_RE.match(text.lower())
    if match:
        code = match.group(1).zfill(8)
        if code in iptc_topics():
            return code
        if code in _narrower_codes():
            return _narrower_codes()[code]
        top = code[:2] + "000000"  # an IPTC Subject Code: its first two digits are the top-level topic
        return top if top in iptc_topics() and not code.startswith("20") else None
    return _topic_names().get(_normal_name(text))


def topic_codes(value: object, unknown: Counter[str] | None = None) -> list[str]:
    """Top-level codes of a label field, primary first, without repeats: a list, one code or name, or a
    string of several separated by | ; , or spaces (names with commas, "crime, law and justice", stay whole)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = text.strip("[]")
    items: list[object]
    if isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str):
        items = []
        for part in re.split(r"[|;]", value):
            if topic_code(part) is not None:
                items.append(part)
                continue
            pieces = [p for p in part.split(",") if p.strip()]
            if len(pieces) == 1 and all(CODE_RE.match(t) for t in part.split()):
                pieces = part.split()
            i = 0
            while i < len(pieces):
                # Longest run of comma-separated pieces that is one name ("disaster, accident and ...").
                for j in range(len(pieces), i, -1):
                    if topic_code(",".join(pieces[i:j])) is not None:
                        items.append(",".join(pieces[i:j]))
                        i = j
                        break
                else:
                    items.append(pieces[i])
                    i += 1
    elif value is None:
        items = []
    else:
        items = [value]
    codes: list[str] = []
    for item in items:
        code = topic_code(item)
        if code is None:
            if unknown is not None and str(item).strip():
                unknown[str(item).strip()] += 1
        elif code not in codes:
            codes.append(code)
    return codes


def language_code(value: object) -> str:
    """Two-letter code of "en", "EN-gb", "English", "nl_BE", "Nederlands"; "" when absent."""
    text = str(value or "").strip().lower()
    if not text:
        return ""
    return LANGUAGE_NAMES.get(text, re.split(r"[-_]", text)[0][:3])


def _first(record: dict, fields: Sequence[str]) -> object:
    lowered = {str(k).strip().lower(): v for k, v in record.items()}
    for field in fields:
        value = lowered.get(field)
        if value not in (None, ""):
            return value
    return None


def _records(path: Path) -> list[dict]:
    """Raw records of a JSONL, JSON (list, or object with a list under "articles"/"data"/...), CSV or TSV
    file (optionally gzip-compressed)."""
    name = path.name.lower().removesuffix(".gz")
    text = read_text(path)
    if name.endswith((".csv", ".tsv", ".tab", ".txt")) or not text.lstrip().startswith(("{", "[")):
        csv.field_size_limit(sys.maxsize)
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if name.endswith((".tsv", ".tab")) or "\t" in first_line else ","
        if delimiter == "," and first_line.count(";") > first_line.count(","):
            delimiter = ";"
        return [dict(r) for r in csv.DictReader(io.StringIO(text), delimiter=delimiter)]
    stripped = text.strip()
    if stripped.startswith("["):
        data = json.loads(stripped)
    else:
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict) or any(f in {str(k).lower() for k in data} for f in TEXT_FIELDS):
            data = []
            for n, line in enumerate(stripped.splitlines(), 1):
                if line.strip():
                    try:
                        data.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise LabelledFileError(f"{path}:{n}: not a JSON object ({exc})") from exc
        else:
            data = next((v for v in data.values() if isinstance(v, list)), [])
    return [r for r in data if isinstance(r, dict)]


def load_rows(path: Path, split: str | None = None, report: dict | None = None) -> list[dict]:
    """Labelled rows as {"id", "language", "title", "text", "topics": [codes, primary first]}.

    `split` selects rows by a "split" field: by default "heldout" (our file), else "test", else all rows;
    "all" keeps every row. Rows without text or without a recognisable label are skipped and counted in
    `report`; a missing language is detected from the text."""
    records = _records(path)
    splits = {str(r.get("split")) for r in records if r.get("split") not in (None, "")}
    if split is None:
        split = next((s for s in ("heldout", "test") if s in splits), "all")
    if split != "all" and splits:
        records = [r for r in records if str(r.get("split", "")) == split]
    unknown: Counter[str] = Counter()
    rows, no_text, no_label, detected = [], 0, 0, 0
    for n, record in enumerate(records):
        text = str(_first(record, TEXT_FIELDS) or "").strip()
        codes = topic_codes(_first(record, LABEL_FIELDS), unknown)
        if not text:
            no_text += 1
            continue
        if not codes:
            no_label += 1
            continue
        title = str(_first(record, TITLE_FIELDS) or "").strip()
        language = language_code(_first(record, LANGUAGE_FIELDS))
        if not language:
            language = detect_language(f"{title}\n{text}")[0]
            detected += 1
        rows.append(
            {
                "id": str(_first(record, ID_FIELDS) or n),
                "language": language,
                "title": title,
                "text": text,
                "topics": codes,
            }
        )
    if report is not None:
        report.update(
            split=split if splits else "all",
            records=len(records),
            skipped_no_text=no_text,
            skipped_no_label=no_label,
            language_detected=detected,
            unknown_labels=dict(unknown.most_common(20)),
        )
    if records and not rows:
        raise LabelledFileError(
            f"{path}: none of {len(records)} rows has both a text (one of {', '.join(TEXT_FIELDS)}) and an IPTC "
            f"label (one of {', '.join(LABEL_FIELDS)}: codes like 15000000 or medtop:15000000, or names like "
            f"sport); labels not understood: {dict(unknown.most_common(5))}"
        )
    return rows


def to_article(row: dict, n: int) -> Article:
    return Article(
        id=str(row.get("id", n)),
        source="bench",
        title=row.get("title", ""),
        body=row["text"],
        content_hash=str(n),
        language=row.get("language", "und"),
        word_count=len(row["text"].split()),
    )


def scores(gold: Sequence[set[str]], predicted: Sequence[set[str]], codes: Sequence[str]) -> dict:
    """Per-class P/R/F1 and macro-F1 over the classes that occur in gold or predictions."""
    per_class = {}
    for code in codes:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if code in g and code in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if code not in g and code in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if code in g and code not in p)
        if tp + fp + fn == 0:
            continue
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[code] = {"p": precision, "r": recall, "f1": f1, "support": tp + fn}
    macro = sum(c["f1"] for c in per_class.values()) / len(per_class) if per_class else 0.0
    tp_all = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(g) for g in gold)
    micro = 2 * tp_all / (n_pred + n_gold) if n_pred + n_gold else 0.0
    return {"per_class": per_class, "macro_f1": macro, "micro_f1": micro}


def evaluate_file(path: Path, split: str | None) -> dict:
    reading: dict = {}
    rows = load_rows(path, split, reading)
    articles = [to_article(r, n) for n, r in enumerate(rows)]
    rss_before = rss_mb()
    tag_topics(list({a.language: a for a in articles}.values()))  # load model and lexicons outside the timing
    report_rss = {"before_mb": rss_before, "loaded_mb": rss_mb(), "peak_mb": peak_rss_mb()}
    started = time.perf_counter()
    tagged = tag_topics(articles)
    tagging_seconds = time.perf_counter() - started
    codes = iptc_codes()
    by_language: dict[str, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        by_language[row.get("language", "und")].append(n)
    report: dict = {"file": str(path), **reading, "articles": len(rows), "languages": {}, "rss": report_rss}
    mean_words = sum(len(r["text"].split()) for r in rows) / max(len(rows), 1)
    print(
        f"{path} (split {reading['split']}): {len(rows)} of {reading['records']} rows used, {mean_words:.0f} words "
        f"on average, threshold {get_settings().topic_threshold}"
    )
    skipped = {k: reading[k] for k in ("skipped_no_text", "skipped_no_label") if reading[k]}
    if skipped or reading["language_detected"]:
        print(f"  skipped: {skipped or 'none'}; language detected for {reading['language_detected']} rows")
    if reading["unknown_labels"]:
        print(f"  labels not understood (ignored): {reading['unknown_labels']}")
    rate = len(rows) / max(tagging_seconds, 1e-9)
    print(f"model {topic_model_version()}; topics tagged in {tagging_seconds:.2f} s ({rate:.0f} articles/s)")
    print(
        f"RSS {report_rss['before_mb']:.0f} MB before loading the topic model and lexicons, "
        f"{report_rss['loaded_mb']:.0f} MB after (+{report_rss['loaded_mb'] - report_rss['before_mb']:.0f} MB; "
        f"process peak {report_rss['peak_mb']:.0f} MB)"
    )
    all_gold = [set(r["topics"]) for r in rows]
    all_pred = [{t.code for t in a.topics} for a in tagged]
    for language, indices in sorted(by_language.items()):
        gold = [all_gold[i] for i in indices]
        predicted = [all_pred[i] for i in indices]
        result = scores(gold, predicted, codes)
        primary_ok = sum(1 for i in indices if tagged[i].topics and tagged[i].topics[0].code == rows[i]["topics"][0])
        primary_in_gold = sum(1 for i in indices if tagged[i].topics and tagged[i].topics[0].code in all_gold[i])
        untagged = sum(1 for i in indices if not tagged[i].topics)
        accuracy = primary_ok / len(indices)
        report["languages"][language] = {
            "articles": len(indices),
            "macro_f1": result["macro_f1"],
            "micro_f1": result["micro_f1"],
            "accuracy_primary": accuracy,
            "primary_in_gold": primary_in_gold / len(indices),
            "untagged": untagged,
            "per_class": result["per_class"],
        }
        print(
            f"  {language}: {len(indices):4d} articles  macro-F1 {result['macro_f1']:.3f}  "
            f"micro-F1 {result['micro_f1']:.3f}  primary accuracy {accuracy:.3f}  "
            f"(primary among gold {primary_in_gold / len(indices):.3f}, untagged {untagged})"
        )
    overall = scores(all_gold, all_pred, codes)
    report["macro_f1"] = overall["macro_f1"]
    print(f"  all: macro-F1 {overall['macro_f1']:.3f}  micro-F1 {overall['micro_f1']:.3f}")
    languages = sorted(by_language)
    header = f"  {'topic':<40} {'all: P':>7} {'R':>5} {'F1':>5} {'n':>4}"
    header += "".join(f" | {la + ': P':>6} {'R':>5} {'F1':>5} {'n':>4}" for la in languages)
    print("\n" + header)
    for code in codes:
        if code not in overall["per_class"]:
            continue
        c = overall["per_class"][code]
        name = f"{code} {topic_label(code, 'en')}"[:40]
        line = f"  {name:<40} {c['p']:7.3f} {c['r']:5.3f} {c['f1']:5.3f} {c['support']:4d}"
        for la in languages:
            lc = report["languages"][la]["per_class"].get(code)
            line += (
                f" | {lc['p']:6.3f} {lc['r']:5.3f} {lc['f1']:5.3f} {lc['support']:4d}"
                if lc
                else f" | {'-':>6} {'':>16}"
            )
        print(line)
    report["per_class"] = overall["per_class"]
    report["speed"] = throughput(articles)
    if SEED.exists():
        # Real articles are ~10x longer than the labelled ones; per-article overhead matters less there.
        seed = Article(
            id="seed", source="bench", title="", body=SEED.read_text(encoding="utf-8"), content_hash="s", language="nl"
        )
        print("  the seed article, repeated (a full-length news story):")
        report["speed_seed"] = throughput([seed] * 50)
    return report


def rss_mb() -> float:
    """This process's resident memory now (Linux /proc), else its peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_mb()
    return pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def throughput(articles: list[Article], min_seconds: float = 1.0) -> dict:
    """Articles/s and words/s of each stage on these articles (repeated to run at least `min_seconds`)."""
    words = sum(len(a.title.split()) + len(a.body.split()) for a in articles)
    result: dict[str, dict[str, float]] = {}
    for name, stage in (("topics", tag_topics), ("keywords", tag_keywords)):
        stage(articles[:5])  # load models outside the timing
        rounds, started = 0, time.perf_counter()
        while True:
            stage(articles)
            rounds += 1
            elapsed = time.perf_counter() - started
            if elapsed >= min_seconds:
                break
        per_second = rounds * len(articles) / elapsed
        result[name] = {"articles_per_s": per_second, "words_per_s": per_second * words / len(articles)}
    mean_words = words / len(articles)
    print(f"\n  speed on {len(articles)} articles of {mean_words:.0f} words, one core:")
    for name, r in result.items():
        r["us_per_article"] = 1e6 / r["articles_per_s"]
        print(
            f"    {name:<9} {r['articles_per_s']:8.0f} articles/s  {r['words_per_s']:10.0f} words/s  "
            f"{r['us_per_article']:7.0f} µs/article"
        )
    both = 1 / sum(1 / r["words_per_s"] for r in result.values())
    print(f"    together  {both:10.0f} words/s (bare spaCy NER is about 14,000 words/s)")
    return {**result, "together": {"words_per_s": both}}


def evaluate_ag_news(path: Path, limit: int | None) -> dict:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:limit]
    model = topic_model()
    codes = model.codes
    candidates = sorted({c for cs in AG_TO_IPTC.values() for c in cs})
    index = [codes.index(c) for c in candidates]
    code_to_class = {c: name for name, cs in AG_TO_IPTC.items() for c in cs}
    gold, four_way, strict = [], [], []
    started = time.perf_counter()
    articles = [
        Article(id=str(n), source="ag", title=t, body=d.replace("\\", " "), content_hash=str(n), language="en")
        for n, (_, t, d) in enumerate(rows)
    ]
    tagged = tag_topics(articles)
    for (label, _, _), article, tagged_article in zip(rows, articles, tagged, strict=True):
        probabilities = model.probabilities(article.title, article.body, "en")
        best = candidates[int(np.argmax(probabilities[index]))]
        gold.append(AG_CLASSES[label])
        four_way.append(code_to_class[best])
        primary = tagged_article.topics[0].code if tagged_article.topics else ""
        strict.append(code_to_class.get(primary, "other"))
    elapsed = time.perf_counter() - started
    classes = list(AG_TO_IPTC)
    result: dict = {"articles": len(rows)}
    for name, predicted in (("4-way", four_way), ("strict", strict)):
        accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
        per_class = scores([{g} for g in gold], [{p} for p in predicted], classes)["per_class"]
        macro = sum(per_class[c]["f1"] for c in classes if c in per_class) / len(classes)
        result[name] = {"accuracy": accuracy, "macro_f1": macro, "per_class": per_class}
    result["untagged"] = sum(1 for a in tagged if not a.topics)
    print(f"\nAG News test ({len(rows)} English articles, outside check; {elapsed:.1f} s; "
          f"no topic: {result['untagged']}, {result['untagged'] / max(1, len(rows)):.1%}):")
    for name in ("4-way", "strict"):
        r = result[name]
        per = "  ".join(f"{c} {r['per_class'].get(c, {}).get('f1', 0):.3f}" for c in classes)
        print(f"  {name:<7} accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}   F1: {per}")
    confusion = Counter(zip(gold, strict, strict=True))
    print("  strict confusion (gold -> predicted):")
    for g in classes:
        line = "  ".join(f"{p} {confusion[(g, p)]}" for p in [*classes, "other"])
        print(f"    {g:<9} {line}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Topic quality and speed.")
    parser.add_argument(
        "file", nargs="?", type=Path, default=DEFAULT_FILE, help="labelled JSONL, JSON, CSV or TSV (optionally .gz)"
    )
    parser.add_argument(
        "--split", default=None, help="rows whose split field has this value (default: heldout, else test), or all"
    )
    parser.add_argument("--ag-news", type=Path, default=AG_NEWS, help="AG News test CSV")
    parser.add_argument("--ag-limit", type=int, default=None, help="use only the first N AG News rows")
    parser.add_argument("--no-ag-news", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)

    report = {"file": evaluate_file(args.file, args.split)}
    if not args.no_ag_news and args.ag_news.exists():
        report["ag_news"] = evaluate_ag_news(args.ag_news, args.ag_limit)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
