"""Train the project's own Dutch NER pipeline from the public data in data/ner, reproducibly, in one command.

    .venv/bin/python scripts/train_ner.py nl            # train, evaluate on the held-out half, install

Data (see data/ner/README.md): CoNLL-2002 Dutch `ned.train` for training (plus WikiANN-nl with --wikiann);
`ned.testa` is split by document: even documents are the dev set used for early stopping and model selection,
odd documents are the held-out test set, never seen in training or selection. The result goes to
worker/models/nl_ner with its scores in meta.json; build/ner holds the intermediate files.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ner_quality import (  # noqa: E402
    ConllDocument,
    Sentence,
    read_conll,
    sentences_of,
    split_documents,
    tags_to_spans,
)

DATA = ROOT / "data" / "ner"
CONFIG = ROOT / "scripts" / "ner_nl.cfg"
BUILD = ROOT / "build" / "ner"
TARGET = ROOT / "worker" / "models" / "nl_ner"
MODEL_NAME = "newsworker_ner"


def to_docbin(sentences: list[Sentence], path: Path, sentences_per_doc: int = 8) -> int:
    """Write sentences as spaCy Docs (a few sentences each, like `spacy convert -n`) to a .spacy file."""
    import spacy
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("nl").vocab
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE", "SENT_START"])
    for i in range(0, len(sentences), sentences_per_doc):
        chunk = sentences[i : i + sentences_per_doc]
        words = [tok for sent in chunk for tok, _ in sent]
        sent_starts = [j == 0 for sent in chunk for j in range(len(sent))]
        doc = Doc(vocab, words=words, sent_starts=sent_starts)
        offset = 0
        spans = []
        for sent in chunk:
            for start, end, label in tags_to_spans([tag for _, tag in sent]):
                spans.append(doc.char_span(doc[offset + start].idx, doc[offset + end - 1].idx
                                           + len(doc[offset + end - 1]), label=label))
            offset += len(sent)
        doc.ents = [s for s in spans if s is not None]
        docbin.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(sentences)


def prepare(use_wikiann: bool, build: Path) -> dict[str, Path]:
    train: list[Sentence] = sentences_of(read_conll(DATA / "conll2002-nl" / "ned.train"))
    if use_wikiann:
        # WikiANN marks no MISC: its sentences teach PER/ORG/LOC boundaries but would teach "MISC is O",
        # so only sentences with at least one entity and without MISC-like gaps are worth adding.
        wiki = sentences_of(read_conll(DATA / "wikiann-nl" / "train"))
        wiki = [s for s in wiki if any(tag != "O" for _, tag in s)]
        train = train + wiki
    random.Random(0).shuffle(train)
    testa: list[ConllDocument] = read_conll(DATA / "conll2002-nl" / "ned.testa")
    paths = {"train": build / "train.spacy", "dev": build / "dev.spacy", "test": build / "test.spacy"}
    to_docbin(train, paths["train"])
    to_docbin(sentences_of(split_documents(testa, "dev")), paths["dev"])
    to_docbin(sentences_of(split_documents(testa, "test")), paths["test"])
    return paths


def evaluate(model_dir: Path, data: Path) -> dict[str, object]:
    out = data.parent / f"scores-{data.stem}.json"
    subprocess.run(
        [sys.executable, "-m", "spacy", "evaluate", str(model_dir), str(data), "--output", str(out)],
        check=True, stdout=subprocess.DEVNULL,
    )
    scores: dict[str, object] = json.loads(out.read_text())
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language", choices=["nl"], help="only Dutch is trained here (English comes from PyPI)")
    parser.add_argument("--steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument("--wikiann", action="store_true", help="add WikiANN-nl sentences to the training data")
    parser.add_argument("--output", type=Path, default=TARGET, help=f"where to install (default {TARGET})")
    parser.add_argument("--override", action="append", default=[],
                        help="extra config override, e.g. components.tok2vec.model.encode.width=128")
    parser.add_argument("--build", type=Path, default=BUILD, help=f"intermediate files (default {BUILD})")
    args = parser.parse_args(argv)

    paths = prepare(args.wikiann, args.build)
    run_dir = args.build / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    cmd = [
        sys.executable, "-m", "spacy", "train", str(CONFIG), "--output", str(run_dir),
        "--paths.train", str(paths["train"]), "--paths.dev", str(paths["dev"]),
        "--system.seed", "0",
    ]
    if args.steps:
        cmd += ["--training.max_steps", str(args.steps)]
    for item in args.override:
        key, _, value = item.partition("=")
        cmd += [f"--{key}", value]
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    minutes = (time.perf_counter() - started) / 60

    best = run_dir / "model-best"
    dev_scores = evaluate(best, paths["dev"])
    test_scores = evaluate(best, paths["test"])
    meta_path = best / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update({
        "name": MODEL_NAME,
        "version": "1.0.0",
        "description": "Dutch NER (PER/ORG/LOC/MISC) trained by newsworker's scripts/train_ner.py on CoNLL-2002"
        + (" + WikiANN-nl" if args.wikiann else ""),
        "sources": [{"name": "CoNLL-2002 Dutch (ned.train)", "url": "https://www.clips.uantwerpen.be/conll2002/ner/"}]
        + ([{"name": "WikiANN-nl", "license": "CC BY-SA"}] if args.wikiann else []),
        "newsworker": {
            "training_minutes": round(minutes, 1),
            "training_command": " ".join(["scripts/train_ner.py", *(argv or sys.argv[1:])]),
            "dev": {k: dev_scores[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")},
            "heldout_test": {k: test_scores[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")},
        },
    })
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    shutil.rmtree(args.output, ignore_errors=True)
    shutil.copytree(best, args.output)
    print(f"trained in {minutes:.1f} min; dev F1 {dev_scores['ents_f']:.3f}; "
          f"held-out test F1 {test_scores['ents_f']:.3f}; installed in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
