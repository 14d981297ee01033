"""trafilatura's evaluation pages, scored by snippets as trafilatura's evaluation does (session 47), except that
whitespace is collapsed on both sides (trafilatura matches raw text), so figures are a little more lenient than
trafilatura's published ones.

    nice .venv/bin/python -m bench.extraction --trafilatura-eval [--half dev|held-out|all]

The Go module `github.com/markusmobius/go-trafilatura` v1.12.2 (Apache-2.0) carries trafilatura's evaluation
data: `scripts/comparison/data.go` lists 983 real pages, each with "with" snippets (main text) and "without"
snippets (boilerplate), and the pages sit in `test-files/comparison/` and `test-files/mock/`. A "with" snippet
found in the extracted text (whitespace collapsed on both sides) is a true positive, one missed a false negative;
a "without" snippet found is a false positive, one absent a true negative. Precision, recall, F1 and accuracy are
pooled over pages. The entries in file-name order: even positions are dev, odd positions held out
(tests/data/extract/README_s47.md fixed this before any page was scored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trafilatura.utils import decode_file

from bench import real_news

MODULE = "github.com/markusmobius/go-trafilatura@v1.12.2"
_GO_STRING = r'"(?:[^"\\]|\\.)*"'
_ENTRY = re.compile(r"^\t(" + _GO_STRING + r"): \{$(.*?)^\t\},$", re.M | re.S)
_FIELD = re.compile(r"^\t\t(File|With|Without):\s*(.*?),?$", re.M)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class EvalPage:
    url: str
    file: str
    html: str
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]


def _go_strings(literal: str) -> tuple[str, ...]:
    """The Go interpreted string literals of `"x"` or `[]string{"a", "b"}`, decoded."""
    return tuple(json.loads(item) for item in re.findall(_GO_STRING, literal))


def parse_entries(source: str) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]:
    """(url, file, with, without) of each entry of data.go's `comparisonData` map."""
    entries = []
    for match in _ENTRY.finditer(source):
        fields = {name: _go_strings(value) for name, value in _FIELD.findall(match.group(2))}
        if fields.get("File"):
            entries.append((json.loads(match.group(1)), fields["File"][0], fields.get("With", ()),
                            fields.get("Without", ())))
    return entries


def eval_pages(cache: Path) -> list[EvalPage]:
    """Every entry whose page file exists, in file-name order (the order the split counts)."""
    root = real_news.go_module_dir(MODULE, cache)
    entries = parse_entries((root / "scripts" / "comparison" / "data.go").read_text(encoding="utf-8"))
    folders = [root / "test-files" / "comparison", root / "test-files" / "mock"]
    pages = []
    for url, name, with_snippets, without_snippets in sorted(entries, key=lambda entry: entry[1]):
        path = next((folder / name for folder in folders if (folder / name).is_file()), None)
        if path is None:
            continue
        pages.append(EvalPage(url, name, decode_file(path.read_bytes()), with_snippets, without_snippets))
    return pages


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def snippet_counts(text: str, page: EvalPage) -> tuple[int, int, int, int]:
    """(true positives, false negatives, false positives, true negatives) of one page's extracted text."""
    flat = normalise(text)
    found_with = sum(1 for snippet in page.with_snippets if normalise(snippet) in flat)
    found_without = sum(1 for snippet in page.without_snippets if normalise(snippet) in flat)
    return (found_with, len(page.with_snippets) - found_with, found_without,
            len(page.without_snippets) - found_without)


def summary(counts: list[tuple[int, int, int, int]]) -> tuple[float, float, float, float]:
    """(precision, recall, F1, accuracy) pooled over pages."""
    tp, fn, fp, tn = (sum(c[i] for c in counts) for i in range(4))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = tp + fn + fp + tn
    return precision, recall, f1, (tp + tn) / total if total else 0.0


def run(configs: dict[str, Callable[[str], tuple[str, str]]], cache: Path, half: str, verbose: bool) -> int:
    pages = eval_pages(cache)
    wanted = {"dev": (0,), "held-out": (1,), "all": (0, 1)}[half]
    chosen = [(position, page) for position, page in enumerate(pages) if position % 2 in wanted]
    groups = {"dev (even)": [p for p, _ in chosen if p % 2 == 0], "held-out (odd)": [p for p, _ in chosen if p % 2]}
    results: dict[str, dict[int, tuple[int, int, int, int]]] = {name: {} for name in configs}
    for position, page in chosen:
        cells = []
        for name, extract in configs.items():
            text, _ = extract(page.html)
            results[name][position] = counts = snippet_counts(text, page)
            cells.append(f"{counts[0]}/{counts[0] + counts[1]} +{counts[2]}".rjust(10))
        if verbose:
            print(f"{page.file[:40]:40} " + " ".join(cells))
    print(f"\ntrafilatura's evaluation pages ({len(pages)} with a page file); cells: P / R / F1 / accuracy")
    print(f"{'config':10} " + "  ".join(f"{g + f' ({len(m)})':>31}" for g, m in groups.items() if m))
    for name in configs:
        cells = ["{:.3f} / {:.3f} / {:.3f} / {:.3f}".format(*summary([results[name][p] for p in members])).rjust(31)
                 for members in groups.values() if members]
        print(f"{name:10} " + "  ".join(cells))
    return 0
