"""Page extraction quality and cost: trafilatura's defaults, the old call and the fallback chain, one run.

    nice .venv/bin/python -m bench.extraction [DIR] [--repeats 5]
    nice .venv/bin/python -m bench.extraction --newspaper4k [--repeats 1]
    nice .venv/bin/python -m bench.extraction --readability [--repeats 1]
    nice .venv/bin/python -m bench.extraction --trafilatura-eval --half dev

DIR (default `tests/data/extract/`) holds article pages `NAME.html`, each with its expected main text in
`NAME.txt`. Pages named `heldout_*` were written first and never tuned on; they are scored apart.

Scored as in article-extraction benchmarks: the bag of words (lower-cased `\\w+` tokens) of the extracted text
against the expected text's, precision/recall/F1 per page, then pooled (micro: all pages' words together) and
averaged over pages (macro), for the tuning pages, the held-out pages and all. The page's title line is dropped
from every configuration's text alike (`paragraphs_text`), as the pipeline does.

`--newspaper4k` scores the same configurations on an outside set instead: the HTML test pages of
`newspaper4k==0.9.6`'s source distribution (MIT) that come with the text newspaper4k's own tests expect
(`tests/data/html/NAME.html` and `tests/data/txt/NAME.txt`; CNN, Time, Wired, Fox 13, cleveland.com and pages in
ten other languages). The distribution is fetched with `pip download` into `--cache` once, as `bench.real_news`
fetches it. The expected texts are what newspaper4k's maintainers accept as the article, not a neutral gold, and
nothing of ours was tuned on them; scored apart: all pages, and the pages in Latin script (where `\\w+` splits words;
in Chinese, Japanese or Thai it takes whole runs of characters).

`--readability` scores them on Mozilla Readability's test pages instead (session 46,
tests/data/extract/README_s46.md): `test-pages/NAME/source.html` and `expected.html` of the Go module
`codeberg.org/readeck/go-readability/v2` v2.1.3 (MIT), fetched with `go mod download` (needs Go) into `--cache` once.
The expected text is what Readability.js keeps (figure captions, data tables and "Related:" lines among it), not our
conventions. Pages whose expected text has at least 100 words are scored, the even positions in name order as dev
and the odd ones as held out, as the session's rule fixed before any page was scored.

`--trafilatura-eval` scores trafilatura's own evaluation pages by their "with" and "without" snippets, as
trafilatura's evaluation does (session 47, `bench.trafilatura_eval`, tests/data/extract/README_s47.md).

`--half dev` scores only the dev half (what work on extraction reads), `--half held-out` only the other.

Configurations:
- `defaults`: `trafilatura.bare_extraction(page)` as trafilatura ships it (comments included);
- `old`: the call `extract_page` made before the chain (`favor_precision`, tables off) = the chain's first step;
- `chain`: `extract_page` (precision, then recall, then layout tables unwrapped), with the steps it ran and the one
  it kept;
- `no-tables`, `no-recall`: the chain with one step switched off (what each step adds).
Every set is also scored as the public article-extraction benchmark scores (session 47): 4-word shingles of `\\w+`
tokens with their case, each page's counts as shares of their sum, precision averaged over the pages with any extracted
shingle and recall over those with any expected one, and the F1 of the two means.
Cost: median over --repeats (configurations taking turns) of each configuration's CPU time per page (the process's
own, so other load on the machine counts less) and its ratio to the old call, on all pages and on the pages where
the chain ran precision only (the common case: one extraction plus the estimate); and the reference estimate
alone (`reference_text`), which the chain runs on every page.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tarfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import lxml.html
import trafilatura

from bench import real_news, trafilatura_eval
from bench.real_news import DEFAULT_CACHE
from worker.extract import ExtractionStep, extract_page, paragraphs_text, reference_text

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "extract"
URL = "https://news.example/2024/03/05/story"
_TOKEN = re.compile(r"\w+")


def words(text: str) -> Counter[str]:
    return Counter(word.lower() for word in _TOKEN.findall(text))


def defaults(html: str) -> tuple[str, str]:
    result = trafilatura.bare_extraction(html, url=URL, with_metadata=True)  # trafilatura parses the page itself
    found = result.as_dict() if result is not None and not isinstance(result, dict) else result or {}
    return paragraphs_text(str(found.get("text") or ""), found.get("title")), ""


def chain(steps: tuple[ExtractionStep, ...]) -> Callable[[str], tuple[str, str]]:
    def run(html: str) -> tuple[str, str]:
        page = extract_page(html, URL, steps=steps)
        return page.text, "+".join(page.extraction_run) + f" -> {page.extraction}"

    return run


CONFIGS: dict[str, Callable[[str], tuple[str, str]]] = {
    "defaults": defaults,
    "old": chain(("precision",)),
    "chain": chain(("precision", "recall", "tables")),
    "no-tables": chain(("precision", "recall")),
    "no-recall": chain(("precision", "tables")),
}


def latin_script(text: str) -> bool:
    """Whether at least 90 % of the text's letters are Latin (below U+0250)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if ord(c) < 0x250) >= 0.9 * len(letters)


def newspaper4k_pages(cache: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(html, expected text) by page name: the test pages of newspaper4k's source distribution with an expected text."""
    html: dict[str, str] = {}
    text: dict[str, str] = {}
    with tarfile.open(real_news.fetch_archive(cache, real_news.NEWSPAPER4K), "r:gz") as tar:
        for member in tar.getmembers():
            _, _, inner = member.name.partition("/")
            folder, _, name = inner.rpartition("/")
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is None:
                continue
            if folder == "tests/data/html" and name.endswith(".html"):
                html[name[:-5]] = handle.read().decode("utf-8", errors="replace")
            elif folder == "tests/data/txt" and name.endswith(".txt"):
                text[name[:-4]] = handle.read().decode("utf-8")
    both = sorted(set(html) & set(text))
    return {n: html[n] for n in both}, {n: text[n] for n in both}


READABILITY_MODULE = "codeberg.org/readeck/go-readability/v2@v2.1.3"
READABILITY_MIN_WORDS = 100
_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "td", "th", "tr", "table",
               "blockquote", "pre", "figure", "figcaption", "section", "article", "header", "footer", "dd", "dt")


def readability_pages(cache: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(html, expected text) by page name: Readability's test pages in the Go module, downloaded into the cache."""
    pages = real_news.go_module_dir(READABILITY_MODULE, cache) / "test-pages"
    html: dict[str, str] = {}
    text: dict[str, str] = {}
    for folder in sorted(pages.iterdir()):
        if (folder / "source.html").is_file() and (folder / "expected.html").is_file():
            html[folder.name] = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
            expected = lxml.html.fromstring((folder / "expected.html").read_text(encoding="utf-8", errors="replace"))
            for block in expected.iter(*_BLOCK_TAGS):  # "foo</p><p>bar" is two words, not "foobar"
                block.tail = "\n" + (block.tail or "")
            text[folder.name] = expected.text_content()
    return html, text


def score(got: Counter[str], expected: Counter[str]) -> tuple[int, int, int]:
    """(overlap, extracted words, expected words)."""
    return (got & expected).total(), got.total(), expected.total()


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def shingle_counts(got: str, expected: str) -> tuple[float, float, float]:
    """(true positives, false positives, false negatives) over the 4-word shingles of the two texts (\\w+ tokens,
    case kept), as shares of their sum so that every page weighs the same: the public article-extraction
    benchmark's measure, written here from its description."""
    found, wanted = _shingles(got), _shingles(expected)
    tp = float((found & wanted).total())
    fp, fn = float((found - wanted).total()), float((wanted - found).total())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def shingle_prf(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Precision averaged over the pages with any extracted shingle, recall over the pages with any expected one,
    and the F1 of the two means (an empty extraction counts against recall only, as in the benchmark)."""
    precisions = [tp / (tp + fp) for tp, fp, _ in counts if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, _, fn in counts if tp + fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(overlap: int, got: int, expected: int) -> tuple[float, float, float]:
    precision = overlap / got if got else 0.0
    recall = overlap / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeats", type=int, default=5, help="timing runs per configuration (median)")
    parser.add_argument("--newspaper4k", action="store_true", help="score newspaper4k's test pages instead of DIR")
    parser.add_argument("--readability", action="store_true", help="score Readability's test pages instead of DIR")
    parser.add_argument("--trafilatura-eval", action="store_true",
                        help="score trafilatura's evaluation pages by snippets instead of DIR (bench.trafilatura_eval)")
    parser.add_argument("--half", choices=("dev", "held-out", "all"), default="all",
                        help="--readability, --trafilatura-eval: score the dev half (what work reads), the held-out "
                        "half or all")
    parser.add_argument("--verbose", action="store_true", help="--trafilatura-eval: print each page's counts")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="where newspaper4k's distribution and the Go module are kept")
    args = parser.parse_args(argv)
    if args.half != "all" and not (args.readability or args.trafilatura_eval):
        parser.error("--half reads a split set: give --readability or --trafilatura-eval too")
    if args.trafilatura_eval:
        return trafilatura_eval.run(CONFIGS, args.cache, args.half, args.verbose)
    if args.readability:
        every_html, every_text = readability_pages(args.cache)
        names = sorted(every_html)  # the positions of the split count every page, as the rule fixed them
        position = {name: index for index, name in enumerate(names)}
        gold = {name: words(text) for name, text in every_text.items()}
        expected_text = every_text
        wanted = {"dev": (0,), "held-out": (1,), "all": (0, 1)}[args.half]
        htmls = {name: every_html[name] for name in names
                 if gold[name].total() >= READABILITY_MIN_WORDS and position[name] % 2 in wanted}
        groups = {
            "dev (even)": [s for s in htmls if position[s] % 2 == 0],
            "held-out (odd)": [s for s in htmls if position[s] % 2 == 1],
        }
        if args.half == "all":
            groups["all"] = list(htmls)
    elif args.newspaper4k:
        htmls, texts = newspaper4k_pages(args.cache)
        gold = {stem: words(text) for stem, text in texts.items()}
        expected_text = texts
        groups = {"Latin script": [s for s in htmls if latin_script(texts[s])], "all": list(htmls)}
    else:
        pages = sorted(args.dir.glob("*.html"))
        if not pages:
            parser.error(f"no *.html pages in {args.dir}")
        htmls = {p.stem: p.read_text(encoding="utf-8") for p in pages}
        expected_text = {p.stem: p.with_suffix(".txt").read_text(encoding="utf-8") for p in pages}
        gold = {stem: words(text) for stem, text in expected_text.items()}
        groups = {
            "tuning": [s for s in htmls if not s.startswith("heldout_")],
            "held-out": [s for s in htmls if s.startswith("heldout_")],
            "all": list(htmls),
        }

    results: dict[str, dict[str, tuple[int, int, int]]] = {name: {} for name in CONFIGS}
    shingled: dict[str, dict[str, tuple[float, float, float]]] = {name: {} for name in CONFIGS}
    steps: Counter[str] = Counter()
    ran: dict[str, str] = {}
    print(f"{'page':32} {'gold':>5}  " + "  ".join(f"{name:>16}" for name in CONFIGS) + "  step")
    for stem, html in htmls.items():
        cells = []
        for name, run in CONFIGS.items():
            text, step = run(html)
            results[name][stem] = score(words(text), gold[stem])
            shingled[name][stem] = shingle_counts(text, expected_text[stem])
            cells.append("{:.2f}/{:.2f}/{:.2f}".format(*prf(*results[name][stem])).rjust(16))
            if name == "chain":
                steps[step] += 1
                ran[stem] = chosen = step
        print(f"{stem:32} {gold[stem].total():>5}  " + "  ".join(cells) + f"  {chosen}")
    print("(cells: word precision/recall/F1)\n")

    print(f"{'config':10} " + "  ".join(f"{g + f' ({len(m)})':>28}" for g, m in groups.items() if m))
    print(f"{'':10} " + "  ".join(f"{'micro P/R/F1':>19} {'macro F1':>8}" for m in groups.values() if m))
    for name in CONFIGS:
        cells = []
        for members in groups.values():
            if not members:
                continue
            pooled = [sum(results[name][s][i] for s in members) for i in range(3)]
            macro = statistics.fmean(prf(*results[name][s])[2] for s in members)
            cells.append("{:.3f}/{:.3f}/{:.3f}".format(*prf(*pooled)).rjust(19) + f" {macro:8.3f}")
        print(f"{name:10} " + "  ".join(cells))
    print("\nas the public article-extraction benchmark scores (4-word shingles, case kept; per page normalised;"
          " P and R averaged over pages, F1 of the two means):")
    print(f"{'config':10} " + "  ".join(f"{g + f' ({len(m)})':>22}" for g, m in groups.items() if m))
    for name in CONFIGS:
        cells = ["{:.3f}/{:.3f}/{:.3f}".format(*shingle_prf([shingled[name][s] for s in members])).rjust(22)
                 for members in groups.values() if members]
        print(f"{name:10} " + "  ".join(cells))
    print("chain, steps run -> kept: " + ", ".join(f"{step} {n}" for step, n in steps.most_common()))

    timed: dict[str, Callable[[str], object]] = {
        **CONFIGS,
        "reference": lambda html: reference_text(lxml.html.document_fromstring(html)),
    }
    clean = [html for stem, html in htmls.items() if ran[stem] == "precision -> precision"]
    subsets = {
        f"all {len(htmls)} pages": list(htmls.values()),
        f"the {len(clean)} pages where only precision ran": clean,
    }
    for label, subset in subsets.items():
        # Configurations take turns within each repeat, so load from other processes falls on all of them alike.
        runs: dict[str, list[float]] = {name: [] for name in timed}
        for _ in range(args.repeats):
            for name, timed_run in timed.items():
                start = time.process_time()
                for html in subset:
                    timed_run(html)
                runs[name].append(time.process_time() - start)
        timings = {name: statistics.median(seconds) for name, seconds in runs.items()}
        print(f"\nCPU cost on {label}, median of {args.repeats} runs (ms/page):")
        for name, seconds in timings.items():
            print(f"  {name:10} {1000 * seconds / len(subset):7.2f}  x{seconds / timings['old']:.2f} of old")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
