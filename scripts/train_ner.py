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
from collections.abc import Sequence
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
from worker.tagging import model_vectors  # noqa: E402

DATA = ROOT / "data" / "ner"
CONFIG = ROOT / "scripts" / "ner_nl.cfg"
BUILD = ROOT / "build" / "ner"
TARGET = ROOT / "worker" / "models" / "nl_ner"
MODEL_NAME = "newsworker_ner"
# The defaults are the setup chosen on the dev half (data/ner/README.md has the experiments): `train_ner.py nl`
# with no options reproduces worker/models/nl_ner.
USE_WIKIANN = False
AUGMENT_COPIES = 1
TRAIN_ON_DEV = False
# Our own labelled 2020s Dutch news (data/ner/README.md, session 13), twice each: the CoNLL-2002 data is De Morgen
# of 2000. dev_s12c and dev_s12d stay out: they decided between the runs with 1, 2 and 3 copies.
EXTRA_TRAIN = [DATA / "nl-news" / name for name in ("dev_s11.txt", "dev_s12.txt", "dev_s12b.txt", "dev_s12_long.txt")]
EXTRA_COPIES = 2
# Static word vectors (worker/models/vectors/nl.npz, distilled from multilingual-e5-small) as a fifth input of
# the tok2vec embedding, looked up by NORM. The trained directory does not keep the table: the runtime attaches
# the shared one (worker/tagging/model_vectors.py).
USE_VECTORS = True
# Epochs of `spacy pretrain` (characters objective) on unlabelled Dutch text before training; 0: none.
PRETRAIN_EPOCHS = 0
TRAIN_FILE = DATA / "conll2002-nl" / "ned.train"
# Unlabelled text for pretraining besides TRAIN_FILE: never ned.testa (both of its halves are evaluation data).
RAW_WIKIANN = [DATA / "wikiann-nl" / "train", DATA / "wikiann-nl" / "dev"]
RAW_NEWS = ROOT / "data" / "topics" / "news.jsonl"


def to_docbin(sentences: list[Sentence], path: Path, sentences_per_doc: int = 8,
              partial: frozenset[int] = frozenset()) -> int:
    """Write sentences as spaCy Docs (a few sentences each, like `spacy convert -n`) to a .spacy file.

    Sentences whose index is in `partial` are silver data without MISC (WikiANN): their capitalised
    tokens outside an entity are marked missing rather than O, so the model is not taught "MISC is O".
    """
    import spacy
    from spacy.tokens import Doc, DocBin

    vocab = spacy.blank("nl").vocab
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE", "SENT_START"])
    for i in range(0, len(sentences), sentences_per_doc):
        chunk = sentences[i : i + sentences_per_doc]
        words = [tok for sent in chunk for tok, _ in sent]
        sent_starts: list[bool | int | None] = [j == 0 for sent in chunk for j in range(len(sent))]
        doc = Doc(vocab, words=words, sent_starts=sent_starts)
        offset = 0
        spans, missing = [], []
        for k, sent in enumerate(chunk):
            for start, end, label in tags_to_spans([tag for _, tag in sent]):
                spans.append(doc[offset + start : offset + end])
                spans[-1].label_ = label
            if i + k in partial:
                missing += [doc[offset + j : offset + j + 1] for j, (tok, tag) in enumerate(sent)
                            if tag == "O" and j > 0 and tok[:1].isupper()]
            offset += len(sent)
        doc.set_ents(spans, missing=missing, default="outside")
        docbin.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return len(sentences)


SWAPPED_TYPES = ("PER", "ORG", "LOC")


def entity_names(sentences: list[Sentence]) -> dict[str, list[list[str]]]:
    """Names by type; only plain ones (words, hyphens, dots) so swapped sentences still read like news."""
    names: dict[str, set[tuple[str, ...]]] = {}
    for sent in sentences:
        for start, end, label in tags_to_spans([tag for _, tag in sent]):
            name = tuple(tok for tok, _ in sent[start:end])
            if all(any(c.isalpha() for c in tok) for tok in name):
                names.setdefault(label, set()).add(name)
    return {label: sorted(list(n) for n in found) for label, found in names.items()}


def augment(sentences: list[Sentence], names: dict[str, list[list[str]]], copies: int) -> list[Sentence]:
    """Copies of the sentences that have entities, each entity swapped for a random name of its type: the
    model must learn types from context and word shape, not from remembering the few names of 2000 news."""
    rng = random.Random(1)
    out: list[Sentence] = []
    for _ in range(copies):
        for sent in sentences:
            spans = tags_to_spans([tag for _, tag in sent])
            if not spans:
                continue
            new: Sentence = []
            last = 0
            for start, end, label in spans:
                new += sent[last:start]
                if label not in SWAPPED_TYPES:  # MISC is mostly "Vlaamse", "Belgische": keep it
                    new += sent[start:end]
                    last = end
                    continue
                name = rng.choice(names[label])
                new += [(tok, ("B-" if i == 0 else "I-") + label) for i, tok in enumerate(name)]
                last = end
            out.append(new + sent[last:])
    return out


def prepare(use_wikiann: bool, build: Path, copies: int = 0, train_on_dev: bool = False,
            train_file: Path = TRAIN_FILE, extra_files: Sequence[Path] = (), extra_copies: int = 1) -> dict[str, Path]:
    """Write train/dev/test .spacy files. With `train_on_dev` the dev half of ned.testa is added to the
    training data (for a final run whose step count was fixed on dev); the held-out half never is. `extra_files`
    files (CoNLL or `[PER ...]` markup, e.g. our own 2020s news) are added `extra_copies` times each, before the
    name-swapped copies are made."""
    testa: list[ConllDocument] = read_conll(DATA / "conll2002-nl" / "ned.testa")
    train: list[Sentence] = sentences_of(read_conll(train_file))
    for path in extra_files:
        train += sentences_of(read_conll(path)) * extra_copies
    if train_on_dev:
        train += sentences_of(split_documents(testa, "dev"))
    silver: list[Sentence] = []
    wiki = sentences_of(read_conll(DATA / "wikiann-nl" / "train")) if use_wikiann or copies else []
    if copies:
        names = entity_names(train)
        for label, extra in entity_names(wiki).items():
            names[label] = names.get(label, []) + [n for n in extra if len(n) <= 4]
        train = train + augment(train, names, copies)
    if use_wikiann:
        silver = [s for s in wiki if any(t != "O" for _, t in s)]
    order = list(range(len(train) + len(silver)))
    random.Random(0).shuffle(order)
    everything = train + silver
    shuffled = [everything[i] for i in order]
    partial = frozenset(pos for pos, i in enumerate(order) if i >= len(train))
    paths = {"train": build / "train.spacy", "dev": build / "dev.spacy", "test": build / "test.spacy"}
    to_docbin(shuffled, paths["train"], partial=partial)
    to_docbin(sentences_of(split_documents(testa, "dev")), paths["dev"])
    to_docbin(sentences_of(split_documents(testa, "test")), paths["test"])
    return paths


def write_raw_text(path: Path) -> int:
    """Unlabelled Dutch text for `spacy pretrain` as JSONL {"text": ...}: the words of ned.train (400 a
    record), WikiANN-nl train and dev (10 sentences a record) and our own Dutch news articles (title and
    text). Returns the number of words."""
    records: list[str] = []
    for document in read_conll(TRAIN_FILE):
        words = [tok for sent in document.sentences for tok, _ in sent]
        records += [" ".join(words[i : i + 400]) for i in range(0, len(words), 400)]
    for file in RAW_WIKIANN:
        sentences = sentences_of(read_conll(file))
        records += [" ".join(tok for sent in sentences[i : i + 10] for tok, _ in sent)
                    for i in range(0, len(sentences), 10)]
    for line in RAW_NEWS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("language") == "nl":
            records.append((row.get("title", "") + "\n" + row.get("text", "")).strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in records),
                    encoding="utf-8")
    return sum(len(text.split()) for text in records)


def pretrain(config: Path, build: Path, epochs: int) -> tuple[Path, Path]:
    """Pretrain the tok2vec layer (`spacy pretrain`, characters objective, spaCy's default settings).

    Returns the config to train with (the given one plus spaCy's default [pretraining] sections, which must
    be present for the weights to be loaded; a config without them trains exactly as before) and the weights.
    """
    raw = build / "raw.jsonl"
    words = write_raw_text(raw)
    filled = build / "pretrain.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "fill-config", str(config), str(filled), "--pretraining"],
                   check=True, stdout=subprocess.DEVNULL)
    out = build / "pretrain"
    shutil.rmtree(out, ignore_errors=True)
    print(f"pretraining on {words} words of unlabelled Dutch for {epochs} epochs")
    subprocess.run([sys.executable, "-m", "spacy", "pretrain", str(filled), str(out), "--paths.raw_text", str(raw),
                    "--pretraining.max_epochs", str(epochs)], check=True)
    return filled, out / f"model{epochs - 1}.bin"


VECTORS_CODE = ROOT / "scripts" / "ner_vectors.py"


def vectors_arguments(language: str) -> list[str]:
    """`spacy train` arguments for static vectors: the shared table (keyed by NORM) put into the vocab by the
    callback of scripts/ner_vectors.py before initialisation (not `[initialize] vectors`, which would read it
    back from disk keyed by ORTH: see that file), and `include_static_vectors` switched on."""
    return ["--code", str(VECTORS_CODE),
            "--initialize.before_init", json.dumps({"@callbacks": "newsworker.norm_vectors.v1", "lang": language}),
            "--components.tok2vec.model.embed.include_static_vectors", "true"]


def drop_vectors(model_dir: Path, language: str) -> None:
    """Write a trained pipeline again without its copy of the static-vector table (20+ MB) and without the
    training-time callback (the runtime attaches the shared table, which `meta["newsworker"]["static_vectors"]`
    names and fingerprints: worker/tagging/model_vectors.py)."""
    import importlib.util

    import spacy
    from spacy.util import load_config
    from spacy.vectors import Vectors

    spec = importlib.util.spec_from_file_location("ner_vectors", VECTORS_CODE)
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # registers the callback named in the config
    nlp = spacy.load(model_dir)
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings)
    nlp.meta.setdefault("newsworker", {})[model_vectors.META_KEY] = model_vectors.table_info(language)
    nlp.to_disk(model_dir)
    config = load_config(model_dir / "config.cfg")
    config["initialize"]["before_init"] = None
    config.to_disk(model_dir / "config.cfg")


def evaluate_in_process(model_dir: Path, data: Path) -> dict[str, object]:
    """spaCy's scores of a model on a .spacy file, the static-vector table attached as at run time."""
    import spacy
    from spacy.training import Corpus

    nlp = model_vectors.attach(spacy.load(model_dir), str(model_dir))
    return dict(nlp.evaluate(list(Corpus(str(data))(nlp))))


def config_steps(config: Path) -> int:
    """training.max_steps of the config (the step count when --steps is not given)."""
    from spacy.util import load_config

    return int(load_config(config)["training"]["max_steps"])


def fingerprint(model_dir: Path) -> str:
    """A short hash of the trained weights: part of the version recorded in tagged articles."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(p for p in model_dir.rglob("model") if p.is_file()):
        digest.update(file.read_bytes())
    return digest.hexdigest()[:8]


NAME_TYPE_SOURCES = {
    "nl": [TRAIN_FILE, DATA / "wikiann-nl" / "train"],
    "en": [DATA / "wikiann-en" / "train"],
}


def name_types_of(sentences: list[Sentence], min_share: float = 0.8) -> dict[str, str]:
    """The type each name mostly has in these sentences (names with no type in `min_share` of their uses
    are left out)."""
    from collections import Counter, defaultdict

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for sent in sentences:
        for start, end, label in tags_to_spans([tag for _, tag in sent]):
            counts[" ".join(tok for tok, _ in sent[start:end])][label] += 1
    types = {}
    for name, by_type in counts.items():
        label, count = by_type.most_common(1)[0]
        if count / sum(by_type.values()) >= min_share:
            types[name] = label
    return types


def write_name_types(language: str) -> Path:
    """The type each name in the training data mostly has (worker/tagging/data/name_types_<lang>.json): the
    entity stage uses it to correct PER/ORG/LOC confusions of names the model mislabels in a new context."""
    types = name_types_of([sent for file in NAME_TYPE_SOURCES[language] for sent in sentences_of(read_conll(file))])
    path = ROOT / "worker" / "tagging" / "data" / f"name_types_{language}.json"
    path.write_text(json.dumps(types, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
    return path


def evaluate(model_dir: Path, data: Path) -> dict[str, object]:
    out = data.parent / f"scores-{data.stem}.json"
    subprocess.run(
        [sys.executable, "-m", "spacy", "evaluate", str(model_dir), str(data), "--output", str(out)],
        check=True, stdout=subprocess.DEVNULL,
    )
    scores: dict[str, object] = json.loads(out.read_text())
    return scores


WIKIANN_NOTE = (
    " and WikiANN-nl train (Pan et al. 2017, from Wikipedia, CC BY-SA; its capitalised tokens outside"
    " entities are marked missing, as WikiANN has no MISC)"
)


PRETRAIN_NOTE = (
    "Its tok2vec layer was first pretrained (`spacy pretrain`, characters objective, {epochs} epochs) on unlabelled"
    " text: the words of `ned.train`, WikiANN-nl train and dev (CC BY-SA) and the Dutch articles of"
    " data/topics/news.jsonl (written for this project), never `ned.testa`.\n"
)


VECTORS_NOTE = (
    "Its tok2vec layer also embeds static word vectors looked up by NORM: the table"
    " `worker/models/vectors/{lang}.npz` ({rows} words x {width}, distilled from multilingual-e5-small; fingerprint"
    " {fingerprint}), which this directory does not copy: `worker/tagging/model_vectors.py` attaches it when the"
    " model is loaded and refuses to run without it.\n"
)


def model_card(meta: dict[str, object]) -> str:
    info = meta["newsworker"]
    assert isinstance(info, dict)
    setup = info.get("setup", {})
    assert isinstance(setup, dict)

    def row(name: str, scores: dict[str, object]) -> str:
        per_type = scores["ents_per_type"]
        assert isinstance(per_type, dict)
        cells = " | ".join(f"{per_type[t]['f']:.3f}" if t in per_type else "-" for t in ("PER", "ORG", "LOC", "MISC"))
        return f"| {name} | {cells} | {scores['ents_p']:.3f} | {scores['ents_r']:.3f} | {scores['ents_f']:.3f} |"

    if setup.get("train_on_dev"):
        dev_name = "dev (in the training data: not a fair score)"
        dev_text = (f"Dev = even documents of `ned.testa`: this final run trained on them too, for a step count "
                    f"({setup.get('steps')}) fixed beforehand by a run without them, and kept its last model, so "
                    f"its dev score says nothing; the choice of setup and its dev score are in data/ner/README.md.")
    else:
        dev_name = "dev"
        dev_text = "Dev = even documents of `ned.testa` (early stopping and model selection)."
    return f"""# {meta['lang']}_{meta['name']} {meta['version']}

{meta['description']}. Trained by `{info['training_command']}` in {info['training_minutes']} minutes
(spaCy {meta.get('spacy_version', '')}; config: scripts/ner_nl.cfg plus the overrides in that command).

Training data (copies in data/ner, see data/ner/README.md): CoNLL-2002 Dutch `ned.train` (De Morgen, 2000;
distributed by the CoNLL-2002 shared task for research: check its terms before shipping this model in a
commercial product){" and the dev half of `ned.testa`" if setup.get("train_on_dev") else ""}\
{WIKIANN_NOTE if setup.get("wikiann") else ""}.
{PRETRAIN_NOTE.format(epochs=setup["pretrain_epochs"]) if setup.get("pretrain_epochs") else ""}\
{VECTORS_NOTE.format(**info[model_vectors.META_KEY]) if setup.get("vectors") else ""}\
`worker/tagging/data/name_types_nl.json` (same script) lists the usual type of each name in CoNLL-2002 train
and WikiANN-nl train.

Scores of the bare model (spaCy scorer, sentences of 8, entity-level exact match). {dev_text} Held-out test =
odd documents of `ned.testa` (never trained on, never used for a decision). The entity stage adds rules and
lists on top: see `python -m bench.ner_quality`.

| split | PER | ORG | LOC | MISC | P | R | F1 |
|---|---|---|---|---|---|---|---|
{row(dev_name, info['dev'])}
{row('held-out test', info['heldout_test'])}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language", choices=["nl", "en"],
                        help="nl: train the Dutch model; en: only the name-type list (the English model is from PyPI)")
    parser.add_argument("--steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument("--wikiann", action=argparse.BooleanOptionalAction, default=USE_WIKIANN,
                        help=f"add WikiANN-nl sentences to the training data (default {USE_WIKIANN})")
    parser.add_argument("--augment", type=int, default=AUGMENT_COPIES, metavar="N",
                        help="add N copies of the CoNLL sentences with entity names swapped (CoNLL + WikiANN names); "
                        f"default {AUGMENT_COPIES}")
    parser.add_argument("--output", type=Path, default=TARGET, help=f"where to install (default {TARGET})")
    parser.add_argument("--override", action="append", default=[],
                        help="extra config override, e.g. components.tok2vec.model.encode.width=128")
    parser.add_argument("--build", type=Path, default=BUILD, help=f"intermediate files (default {BUILD})")
    parser.add_argument("--config", type=Path, default=CONFIG, help=f"spaCy training config (default {CONFIG})")
    parser.add_argument("--train-dev", action=argparse.BooleanOptionalAction, default=TRAIN_ON_DEV,
                        help="also train on the dev half of ned.testa, for --steps steps, keeping the last model "
                        "(the final run once the setup and step count were chosen on dev without it); "
                        f"default {TRAIN_ON_DEV}")
    parser.add_argument("--pretrain-epochs", type=int, default=PRETRAIN_EPOCHS, metavar="N",
                        help="first pretrain the tok2vec layer for N epochs on unlabelled Dutch text (ned.train, "
                        f"WikiANN-nl, our news; never ned.testa); default {PRETRAIN_EPOCHS}")
    parser.add_argument("--vectors", action=argparse.BooleanOptionalAction, default=USE_VECTORS,
                        help="embed the static word vectors of worker/models/vectors/<lang>.npz too (not copied into "
                        f"the model: attached when it is loaded); default {USE_VECTORS}")
    parser.add_argument("--extra-train", type=Path, action="append", default=None, metavar="FILE",
                        help="also train on this CoNLL or markup file (repeatable; default: EXTRA_TRAIN)")
    parser.add_argument("--no-extra-train", action="store_true", help="train on CoNLL-2002 (and WikiANN) only")
    parser.add_argument("--extra-copies", type=int, default=EXTRA_COPIES, metavar="N",
                        help=f"times each --extra-train file goes into the training data (default {EXTRA_COPIES})")
    parser.add_argument("--train-file", type=Path, default=TRAIN_FILE,
                        help="CoNLL file to train on instead of ned.train (scripts/ner_cv.py: folds of it)")
    args = parser.parse_args(argv)
    args.extra_train = [] if args.no_extra_train else (args.extra_train or list(EXTRA_TRAIN))
    if args.output == TARGET or args.language == "en":
        print(f"name types: {write_name_types(args.language)}")
    if args.language == "en":
        return 0

    paths = prepare(args.wikiann, args.build, args.augment, args.train_dev, args.train_file, args.extra_train,
                    args.extra_copies)
    started = time.perf_counter()
    config, weights = args.config, None
    if args.pretrain_epochs:
        config, weights = pretrain(args.config, args.build, args.pretrain_epochs)
    run_dir = args.build / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    cmd = [
        sys.executable, "-m", "spacy", "train", str(config), "--output", str(run_dir),
        "--paths.train", str(paths["train"]), "--paths.dev", str(paths["dev"]),
        "--system.seed", "0",
    ]
    if args.steps:
        cmd += ["--training.max_steps", str(args.steps)]
    if args.train_dev:  # dev is training data now: no early stopping on it, the step count is fixed
        cmd += ["--training.patience", "0"]
    if weights is not None:
        cmd += ["--paths.init_tok2vec", str(weights)]
    if args.vectors:
        cmd += vectors_arguments(args.language)
    for item in args.override:
        key, _, value = item.partition("=")
        cmd += [f"--{key}", value]
    subprocess.run(cmd, check=True)
    minutes = (time.perf_counter() - started) / 60

    best = run_dir / ("model-last" if args.train_dev else "model-best")
    if args.vectors:
        drop_vectors(best, args.language)
        dev_scores, test_scores = (evaluate_in_process(best, paths[split]) for split in ("dev", "test"))
    else:
        dev_scores, test_scores = evaluate(best, paths["dev"]), evaluate(best, paths["test"])
    meta_path = best / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update({
        "name": MODEL_NAME,
        "version": "1.0.0",
        "description": "Dutch NER (PER/ORG/LOC/MISC) trained by newsworker's scripts/train_ner.py on CoNLL-2002"
        + (" (ned.train + dev half of ned.testa)" if args.train_dev else "")
        + (" + WikiANN-nl" if args.wikiann else "")
        + (f" + {len(args.extra_train)} files of our own news (x{args.extra_copies})" if args.extra_train else "")
        + (f" (+ {args.augment} copies with entity names swapped, names also from WikiANN-nl)" if args.augment else "")
        + (", with static word vectors distilled from multilingual-e5-small" if args.vectors else ""),
        "sources": [{"name": "CoNLL-2002 Dutch (ned.train)", "url": "https://www.clips.uantwerpen.be/conll2002/ner/"}]
        + ([{"name": "WikiANN-nl", "license": "CC BY-SA"}] if args.wikiann else []),
        "newsworker": {
            "fingerprint": fingerprint(best),
            "training_minutes": round(minutes, 1),
            "training_command": " ".join(["scripts/train_ner.py", *(argv or sys.argv[1:])]),
            "setup": {"wikiann": args.wikiann, "augment": args.augment, "train_on_dev": args.train_dev,
                      "extra_train": [str(p) for p in args.extra_train], "extra_copies": args.extra_copies,
                      "pretrain_epochs": args.pretrain_epochs, "vectors": args.vectors,
                      "steps": args.steps or config_steps(args.config), "overrides": args.override},
            "dev": {k: dev_scores[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")},
            "heldout_test": {k: test_scores[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")},
        },
    })
    if args.vectors:
        meta["newsworker"][model_vectors.META_KEY] = model_vectors.table_info(args.language)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    (best / "README.md").write_text(model_card(meta), encoding="utf-8")
    shutil.rmtree(args.output, ignore_errors=True)
    shutil.copytree(best, args.output)
    print(f"trained in {minutes:.1f} min; dev F1 {dev_scores['ents_f']:.3f}; "
          f"held-out test F1 {test_scores['ents_f']:.3f}; installed in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
