"""Topic quality and speed: macro-F1 and primary-topic accuracy per language, P/R/F1 per IPTC topic,
articles/s of the topic and keyword stages, and AG News as an outside check.

    python -m bench.topic_quality                       # held-out split of data/topics/news.jsonl
    python -m bench.topic_quality FILE.jsonl [--split all]
    python -m bench.topic_quality --no-ag-news

A labelled file has one JSON object a line: {"id", "language", "title", "text", "topics": [codes]}, the
first code being the primary topic; an optional "split" ("train"/"heldout") selects rows. Predictions are
what the stage assigns (topics at or above NEWSWORKER_TOPIC_THRESHOLD).

AG News (test split, English, 4 classes) is mapped to IPTC: Sports -> 15000000, Business -> 04000000,
Sci/Tech -> 13000000, World -> 11000000 or 16000000 (AG's "World" is international politics and conflict;
either counts). Its accuracy is the 4-way decision among those codes from the model's scores; the strict
line is the stage's own primary topic against that mapping, so other IPTC topics count as errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from worker.article import Article
from worker.config import get_settings
from worker.tagging.iptc import iptc_codes, topic_label
from worker.tagging.keywords import tag_keywords
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


def load_rows(path: Path, split: str) -> list[dict]:
    """Labelled rows of one split (all rows if the file has no "split" field); codes may be written
    "medtop:16000000" or 16000000, the text as "text" or "body"."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if split != "all" and any("split" in r for r in rows):
        rows = [r for r in rows if r.get("split") == split]
    for row in rows:
        row["topics"] = [str(c).removeprefix("medtop:").zfill(8) for c in row.get("topics", [])]
        row["text"] = row.get("text") or row.get("body") or ""
        row.setdefault("title", "")
    return [r for r in rows if r["topics"]]


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


def evaluate_file(path: Path, split: str) -> dict:
    rows = load_rows(path, split)
    articles = [to_article(r, n) for n, r in enumerate(rows)]
    tagged = tag_topics(articles)
    codes = iptc_codes()
    by_language: dict[str, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        by_language[row.get("language", "und")].append(n)
    report: dict = {"file": str(path), "split": split, "articles": len(rows), "languages": {}}
    has_split = any("split" in r for r in rows)
    print(f"{path} ({split if has_split else 'all'}): {len(rows)} articles, threshold {get_settings().topic_threshold}")
    print(f"model {topic_model_version()}")
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
    print(f"\n  {'topic':<44} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}  " + "  ".join(f"F1 {la:<3}" for la in languages))
    for code, c in overall["per_class"].items():
        per_language = "  ".join(
            f"{report['languages'][la]['per_class'].get(code, {}).get('f1', float('nan')):6.3f}" for la in languages
        )
        name = f"{code} {topic_label(code, 'en')}"[:44]
        print(f"  {name:<44} {c['p']:6.3f} {c['r']:6.3f} {c['f1']:6.3f} {c['support']:4d}  {per_language}")
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
        print(f"    {name:<9} {r['articles_per_s']:8.0f} articles/s  {r['words_per_s']:10.0f} words/s")
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
    print(f"\nAG News test ({len(rows)} English articles, outside check; {elapsed:.1f} s):")
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
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE, help="labelled JSONL")
    parser.add_argument("--split", default="heldout", help="heldout (default), train, or all")
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
