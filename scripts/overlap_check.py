r"""Which articles of a new data file resemble a protected one (held out, ned.testa, a decision file) too much.

    cd data/ner && ../../.venv/bin/python ../../scripts/overlap_check.py new.txt --against nl-news/heldout*.txt \
        conll2002-nl/ned.testa
    .venv/bin/python scripts/overlap_check.py prose.txt --plain --against data/ner/nl-news/dev_s22.txt ...

Helper sessions write our blind evaluation files and unlabelled training text from a brief, and two writers given
similar briefs invent similar stories. Before anything is scored on or trained with a new file, each of its articles is
compared with every article of the protected files on two counts:
- shared token 6-grams (lower-cased word tokens; punctuation left out, so "Lier ," and "Lier," agree);
- shared names: PER and ORG entities of annotated files; in a plain file (`--plain`), runs of capitalised words
  that do not open a sentence, compared with the protected files' PER and ORG names.
An article reaching either limit (8 6-grams, 7 names: the sessions' rule since session 21) is listed to drop. The
name count matters for plain text too: in session 22, teacher-labelled prose passed the 6-gram filter and still lifted
the dev files written from the same brief (+2.0) while fresh blind text moved +0.1.

Annotated files are read as `bench.ner_quality` reads them (CoNLL columns or `[PER ...]` markup); plain files are
articles separated by blank lines, a paragraph a line, '#' comment lines. Prints one line per article and the
numbers (0-based) of the articles to drop; writes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ner_quality import read_conll, read_plain, tags_to_spans  # noqa: E402

GRAM = 6
MAX_GRAMS = 8
MAX_NAMES = 7
_WORD = re.compile(r"\w+")
_SENTENCE_END = frozenset(".!?:")


@dataclass
class Article:
    label: str  # file#number, number 0-based
    title: str
    grams: set[tuple[str, ...]]
    names: set[str]


def _grams(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    words = [t.lower() for t in tokens if _WORD.fullmatch(t)]
    return {tuple(words[i:i + GRAM]) for i in range(len(words) - GRAM + 1)}


def annotated_articles(path: Path) -> list[Article]:
    """The articles of a CoNLL or markup file, with their PER and ORG names."""
    articles = []
    for number, document in enumerate(read_conll(path)):
        tokens = [token for sentence in document.sentences for token, _ in sentence]
        names = set()
        for sentence in document.sentences:
            words = [token for token, _ in sentence]
            for start, end, label in tags_to_spans([tag for _, tag in sentence]):
                if label in ("PER", "ORG"):
                    names.add(" ".join(words[start:end]).lower())
        title = " ".join(token for token, _ in document.sentences[0])
        articles.append(Article(f"{path}#{number}", title, _grams(tokens), names))
    return articles


def capitalised_runs(tokens: Sequence[str]) -> set[str]:
    """Runs of capitalised words not opening a sentence: the names a plain text probably holds."""
    names, run = set(), []
    sentence_start = True
    for token in [*tokens, "."]:
        if token[:1].isupper() and _WORD.fullmatch(token) and not sentence_start:
            run.append(token)
        else:
            if run:
                names.add(" ".join(run).lower())
            run = []
        sentence_start = token in _SENTENCE_END
    return names


def plain_articles(path: Path) -> list[Article]:
    """The articles of a plain text file (blank lines between articles, '#' comment lines)."""
    articles = []
    for number, lines in enumerate(read_plain(path)):
        # each line (headline, paragraph) starts a sentence
        tokens = [token for line in lines for token in [".", *re.findall(r"\w+|[^\w\s]", line)]]
        articles.append(Article(f"{path}#{number}", lines[0], _grams(tokens), capitalised_runs(tokens)))
    return articles


def check(candidates: Sequence[Article], protected: Sequence[Article], max_grams: int = MAX_GRAMS,
          max_names: int = MAX_NAMES) -> list[tuple[Article, int, str, int, str, bool]]:
    """Per candidate: (article, most shared 6-grams, with whom, most shared names, with whom, drop)."""
    rows = []
    for article in candidates:
        grams, gram_with, names, name_with = 0, "-", 0, "-"
        for other in protected:
            shared = len(article.grams & other.grams)
            if shared > grams:
                grams, gram_with = shared, other.label
            shared = len(article.names & other.names)
            if shared > names:
                names, name_with = shared, other.label
        rows.append((article, grams, gram_with, names, name_with, grams >= max_grams or names >= max_names))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path, help="the new file (annotated, or plain with --plain)")
    parser.add_argument("--against", type=Path, nargs="+", required=True, help="protected annotated files")
    parser.add_argument("--plain", action="store_true", help="the new file is plain text")
    parser.add_argument("--max-grams", type=int, default=MAX_GRAMS)
    parser.add_argument("--max-names", type=int, default=MAX_NAMES)
    args = parser.parse_args(argv)
    candidates = plain_articles(args.file) if args.plain else annotated_articles(args.file)
    protected = [a for path in args.against for a in annotated_articles(path)]
    rows = check(candidates, protected, args.max_grams, args.max_names)
    for number, (article, grams, gram_with, names, name_with, drop) in enumerate(rows):
        print(f"{number:3d} 6-grams {grams:3d} ({gram_with})  names {names:2d} ({name_with})"
              f"{'  DROP' if drop else ''}  {article.title[:60]}")
    dropped = [number for number, row in enumerate(rows) if row[-1]]
    print(f"{len(rows)} articles against {len(protected)}; drop: {dropped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
