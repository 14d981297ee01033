"""Fine-tune the shipped Dutch NER model (worker/models/nl_ner) on its own training data plus WikiANN-nl.

    .venv/bin/python scripts/finetune_ner_nl.py --wikiann data/ner/wikiann-nl/train:3000   # build/ner_nl_ft/run
    .venv/bin/python scripts/finetune_ner_nl.py --install build/ner_nl_ft/run/epoch_2      # ship: nl_ner

The model keeps its CoNLL-2002 labels (PER, ORG, LOC, MISC) and its architecture; the shared static vectors
are attached for training and left out of the saved checkpoint, as `scripts/train_ner.py` does. Every epoch
sees:
- the gold data of the shipped setup: CoNLL-2002 `ned.train` and our Dutch news files (`--train`);
- N seeded WikiANN-nl train sentences (`--wikiann FILE:N`), 8 to an article, partly labelled: WikiANN's
  PER/ORG/LOC; the shipped model's MISC spans where they touch no WikiANN name (WikiANN has no MISC); a
  capitalised token outside these missing (no loss) unless it opens its sentence and the model reads no name
  there (`finetune_ner_en.unsure_capitals`); every other token outside.
- with `--distil FILE:N`, `--distil-news` and `--distil-text FILE...`: N seeded sentences of a WikiANN file (its own
  tags unused), the Dutch articles of data/topics/news.jsonl's train split and plain text articles, every token
  labelled by the accurate tier's model alone (the teacher: PER/ORG/LOC/MISC or outside), so the fast model learns
  from the slower, better one (session 21).
Choosing a checkpoint is the experiment's rule (data/ner/README.md, sessions 19 and 21), not this script's. Never
read: held-out files, ned.testa, WikiANN dev files, the held-out split of news.jsonl.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from finetune_ner_en import (  # noqa: E402
    _digest,
    _relative,
    accurate_teacher,
    install,
    teacher_entities,
    train_epochs,
    unsure_capitals,
    wikiann_documents,
)

from bench.ner_quality import ConllDocument, read_conll, read_plain, tags_to_spans  # noqa: E402

DATA = ROOT / "data" / "ner"
TARGET = ROOT / "worker" / "models" / "nl_ner"
NEWS_FILES = ("dev_s11.txt", "dev_s12.txt", "dev_s12b.txt", "dev_s12_long.txt")  # the shipped setup's extra files
TRAIN_FILES = [DATA / "conll2002-nl" / "ned.train", *(DATA / "nl-news" / name for name in NEWS_FILES)]
_REFUSED = ("heldout", "ned.testa", "ned.testb", "wikiann-nl/dev", "wikiann-en/dev")
NEWS = ROOT / "data" / "topics" / "news.jsonl"


def refuse_held_out(path: Path, doing: str) -> None:
    """SystemExit when `path` (followed through links, any case) is held out or evaluation data."""
    names = (path.as_posix().lower(), path.resolve().as_posix().lower())
    if any(part in name for part in _REFUSED for name in names):
        raise SystemExit(f"refusing to {doing} {path}: held out or evaluation data")


def wikiann_spans(gold: Sequence[tuple[int, int, str]], model: Sequence[tuple[int, int, str]]
                  ) -> list[tuple[int, int, str]]:
    """WikiANN's names plus the model's MISC spans that touch none of them."""
    taken = {i for start, end, _ in gold for i in range(start, end)}
    extra = [(start, end, label) for start, end, label in model
             if label == "MISC" and not taken.intersection(range(start, end))]
    return sorted([*gold, *extra])


def load_model(base: Path = TARGET) -> Any:
    import spacy

    from worker.tagging import model_vectors

    return model_vectors.attach(spacy.load(base), str(base))


def examples(nlp: Any, documents: Iterable[ConllDocument], partial: bool) -> list[Any]:
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    out = []
    for document in documents:
        words = [token for sentence in document.sentences for token, _ in sentence]
        tags = [tag for sentence in document.sentences for _, tag in sentence]
        starts = [i == 0 for sentence in document.sentences for i in range(len(sentence))]
        gold = list(tags_to_spans(tags))
        reference = Doc(nlp.vocab, words=words, sent_starts=list(starts))
        missing: list[int] = []
        if partial:
            seen = nlp(Doc(nlp.vocab, words=words, sent_starts=list(starts)))
            model = [(ent.start, ent.end, ent.label_) for ent in seen.ents]
            gold = wikiann_spans(gold, model)
            missing = unsure_capitals(words, starts, gold, [m for m in model if m[2] != "MISC"])
        reference.set_ents([Span(reference, start, end, label=label) for start, end, label in gold],
                           missing=[Span(reference, i, i + 1) for i in missing], default="outside")
        out.append(Example(Doc(nlp.vocab, words=words, sent_starts=list(starts)), reference))
    return out


def news_documents(nlp: Any) -> list[ConllDocument]:
    """The Dutch articles of news.jsonl's train split (never its held-out split), tokenised by the fast model,
    one sentence a paragraph; their tags are left empty for the teacher."""
    articles = []
    for line in NEWS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("language") == "nl" and row.get("split") == "train":
            articles.append([row.get("title", ""), *row.get("text", "").split("\n")])
    return _documents(nlp, articles)


def text_documents(nlp: Any, path: Path) -> list[ConllDocument]:
    """Articles of a plain text file (a blank line between articles, '#' comment lines, a paragraph a line),
    tokenised by the fast model, one sentence a paragraph; their tags are left empty for the teacher."""
    return _documents(nlp, read_plain(path))


def _documents(nlp: Any, articles: Iterable[Sequence[str]]) -> list[ConllDocument]:
    documents = []
    for paragraphs in articles:
        sentences = [[(token.text, "O") for token in nlp.make_doc(p.strip()) if not token.is_space]
                     for p in paragraphs if p.strip()]
        documents.append(ConllDocument([s for s in sentences if s]))
    return [d for d in documents if d.sentences]


def teacher_examples(nlp: Any, teacher: Any, documents: Sequence[ConllDocument]) -> list[Any]:
    """Training examples of the documents' words with the teacher's entities, every other token outside."""
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    out = []
    for document in documents:
        words = [token for sentence in document.sentences for token, _ in sentence]
        starts = [i == 0 for sentence in document.sentences for i in range(len(sentence))]
        reference = Doc(nlp.vocab, words=words, sent_starts=list(starts))
        reference.set_ents([Span(reference, start, end, label=label)
                            for start, end, label in teacher_entities(teacher, words, starts)], default="outside")
        out.append(Example(Doc(nlp.vocab, words=words, sent_starts=list(starts)), reference))
    return out


def train(args: argparse.Namespace) -> int:
    import spacy

    random.seed(args.seed)
    spacy.util.fix_random_seed(args.seed)
    files = [Path(p) for p in (args.train or [str(p) for p in TRAIN_FILES])]
    for path in files:
        refuse_held_out(path, "train on")
    nlp = load_model(args.base)
    gold = examples(nlp, [d for path in files for d in read_conll(path)], partial=False)
    wiki: list[Any] = []
    if args.wikiann:
        wiki_path, _, count = args.wikiann.rpartition(":")
        refuse_held_out(Path(wiki_path), "train on")
        wiki = examples(nlp, wikiann_documents(Path(wiki_path), int(count), args.seed), partial=True)
        files = [*files, Path(wiki_path)]
    distilled: list[Any] = []
    if args.distil or args.distil_news or args.distil_text:
        teacher = accurate_teacher("nl")
        if args.distil:
            distil_path, _, count = args.distil.rpartition(":")
            refuse_held_out(Path(distil_path), "train on")
            distilled += teacher_examples(nlp, teacher, wikiann_documents(Path(distil_path), int(count), args.seed))
            files = [*files, Path(distil_path)]
        if args.distil_news:
            distilled += teacher_examples(nlp, teacher, news_documents(nlp))
            files = [*files, NEWS]
        for text in args.distil_text or []:
            refuse_held_out(Path(text), "train on")
            distilled += teacher_examples(nlp, teacher, text_documents(nlp, Path(text)))
            files = [*files, Path(text)]
    print(f"{len(gold)} gold articles ({sum(len(e.reference) for e in gold)} tokens), {len(wiki)} WikiANN "
          f"articles ({sum(len(e.reference) for e in wiki)} tokens), {len(distilled)} articles labelled by the "
          f"teacher ({sum(len(e.reference) for e in distilled)} tokens)", flush=True)
    from thinc.api import Adam

    # the model's own optimizer config refers to its training section, which a loaded pipeline cannot resolve
    optimizer = nlp.resume_training(sgd=Adam(args.learn_rate, use_averages=True))
    train_epochs(nlp, optimizer, gold + wiki + distilled, args, lambda path, epoch: save(nlp, path, args, files, epoch))
    return 0


def save(nlp: Any, path: Path, args: argparse.Namespace, files: Sequence[Path], epoch: int) -> None:
    from spacy.vectors import Vectors
    from train_ner import fingerprint

    table = nlp.vocab.vectors
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings)  # the runtime attaches the shared table
    try:
        nlp.to_disk(path)
    finally:
        nlp.vocab.vectors = table
    meta = json.loads((path / "meta.json").read_text())
    meta.setdefault("newsworker", {})
    meta["newsworker"]["fingerprint"] = fingerprint(path)
    # the base model's own bare scores (train_ner.py's) are not this model's: kept apart, under fine_tuned; a base
    # that was itself fine-tuned hands on its base's scores and is recorded as `previous`
    base_scores = {key: meta["newsworker"].pop(key) for key in ("dev", "heldout_test") if key in meta["newsworker"]}
    previous = meta["newsworker"].pop("fine_tuned", None)
    if previous:
        base_scores = base_scores or previous.pop("base_scores", {})
    meta["newsworker"]["fine_tuned"] = {
        "from": _base_fingerprint(args.base),
        "previous": previous,
        "base_scores": base_scores,
        "epoch": epoch,
        "train": {_relative(p): _digest(p) for p in files},
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                     if k not in {"output", "install", "train"}},
    }
    (path / "meta.json").write_text(json.dumps(meta, indent=2))
    print(f"saved {path} ({meta['newsworker']['fingerprint']})", flush=True)


def _base_fingerprint(base: Path = TARGET) -> str:
    meta = json.loads((base / "meta.json").read_text())
    return str(meta.get("newsworker", {}).get("fingerprint", "?"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(ROOT / "build" / "ner_nl_ft" / "run"))
    parser.add_argument("--base", type=Path, default=TARGET,
                        help="the model to fine-tune (default: the shipped worker/models/nl_ner)")
    parser.add_argument("--train", nargs="*", help="CoNLL or markup files to train on (default: TRAIN_FILES)")
    parser.add_argument("--wikiann", metavar="FILE:N", help="add N partly labelled sentences of a WikiANN file")
    parser.add_argument("--distil", metavar="FILE:N",
                        help="add N sentences of a WikiANN file labelled by the accurate tier (its tags unused)")
    parser.add_argument("--distil-news", action="store_true",
                        help="add news.jsonl's Dutch train articles labelled by the accurate tier")
    parser.add_argument("--distil-text", nargs="*", metavar="FILE",
                        help="add the articles of plain text files labelled by the accurate tier")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--save-every", type=int, default=2)
    parser.add_argument("--learn-rate", type=float, default=0.0005)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--install", type=Path, help="copy this checkpoint to worker/models/nl_ner and stop")
    args = parser.parse_args(argv)
    if args.install:
        return install(args.install, TARGET)
    return train(args)


if __name__ == "__main__":
    raise SystemExit(main())
