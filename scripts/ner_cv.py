"""Cross-validation of Dutch NER setups over folds of ned.train: a fair way to choose between setups.

    .venv/bin/python scripts/ner_cv.py NAME [--folds 3] [--fold I] [train_ner.py options...]

For each fold, the setup (train_ner.py options, e.g. `--override training.dropout=0.2`) is trained on the
other folds of ned.train (early stopping on the dev half of ned.testa, as always) and the whole entity stage
(model + rules + lists, each document one text) is scored on the fold left out. The rules were tuned on
the dev half of ned.testa, never on ned.train, so the folds judge every model alike; the held-out half of
ned.testa stays out of every decision. The stage's name-type list is rebuilt for each fold from the other
folds and WikiANN-nl, as the shipped list is built from all the training data: the fold's own names must not
be in it. Results go to build/ner-cv/NAME/fold-I.json; `--report` prints them, `--rescore` scores the
trained fold models again.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_ner  # noqa: E402

from bench.ner_quality import ConllDocument, Sentence, evaluate, read_conll, sentences_of  # noqa: E402
from worker.tagging import casing, entities  # noqa: E402

OUT = ROOT / "build" / "ner-cv"


def folds(documents: list[ConllDocument], k: int) -> list[list[ConllDocument]]:
    """Documents dealt round-robin into k folds (documents, not sentences: an article stays whole)."""
    return [documents[i::k] for i in range(k)]


def write_conll(documents: list[ConllDocument], path: Path) -> None:
    lines: list[str] = []
    for document in documents:
        lines.append("-DOCSTART- -DOCSTART- O\n")
        for sentence in document.sentences:
            lines += [f"{tok} X {tag}\n" for tok, tag in sentence]
            lines.append("\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


_SHIPPED_NAME_TYPES = casing.name_types


def use_name_types(types: dict[str, str]) -> None:
    """Make the entity stage (and the rules' known-name checks) use this name-type list for Dutch."""

    def patched(language: str) -> dict[str, str]:
        return types if language == "nl" else _SHIPPED_NAME_TYPES(language)

    casing.name_types = patched  # type: ignore[assignment]
    casing.first_names.cache_clear()
    entities._load_entity_pipeline.cache_clear()


@lru_cache(maxsize=1)
def _other_name_sentences() -> list[Sentence]:
    """The name-type sources other than ned.train (WikiANN-nl), read once."""
    return [s for f in train_ner.NAME_TYPE_SOURCES["nl"] if f != train_ner.TRAIN_FILE
            for s in sentences_of(read_conll(f))]


def score_fold(parts: list[list[ConllDocument]], i: int, model: Path) -> tuple[float, float, float, dict[str, float]]:
    training = [s for j, part in enumerate(parts) if j != i for s in sentences_of(part)]
    use_name_types(train_ner.name_types_of(training + _other_name_sentences()))
    scores = evaluate("nl", parts[i], model=str(model), whole_documents=True)
    p, r, f = scores.prf()
    return p, r, f, {t: scores.prf(t)[2] for t in ("PER", "ORG", "LOC", "MISC")}


def run_fold(name: str, k: int, i: int, options: list[str], train: bool = True) -> dict[str, object]:
    documents = read_conll(train_ner.TRAIN_FILE)
    parts = folds(documents, k)
    work = OUT / name / f"fold-{i}"
    model = work / "model"
    if train:
        train_file = work / "train.conll"
        write_conll([d for j, part in enumerate(parts) if j != i for d in part], train_file)
        train_ner.main(["nl", "--train-file", str(train_file), "--build", str(work / "build"), "--output",
                        str(model), *options])
    p, r, f, per_type = score_fold(parts, i, model)
    result = {"fold": i, "folds": k, "options": options, "p": p, "r": r, "f1": f, "per_type": per_type}
    (OUT / name / f"fold-{i}.json").write_text(json.dumps(result, indent=1))
    print(f"{name} fold {i}/{k}: stage F1 {f:.4f}")
    return result


def report() -> None:
    for setup in sorted(p for p in OUT.iterdir() if p.is_dir()):
        results = [json.loads(f.read_text()) for f in sorted(setup.glob("fold-*.json"))]
        if results:
            f1s = [r["f1"] for r in results]
            print(f"{setup.name:20s} folds {len(f1s)}  mean stage F1 {statistics.mean(f1s):.4f}  "
                  + "  ".join(f"{f:.4f}" for f in f1s) + f"  {results[0]['options']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="name of the setup (a folder under build/ner-cv)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--fold", type=int, action="append", help="run only these folds (default all)")
    parser.add_argument("--report", action="store_true", help="print the results of every setup")
    parser.add_argument("--rescore", action="store_true", help="score the fold models already trained again")
    parser.add_argument("--accurate", type=Path, metavar="ADAPTER",
                        help="score an accurate-tier adapter trained on this fold's training part (write that part "
                        "with --write-train, train it with scripts/train_ner_accurate.py nl --train-file)")
    parser.add_argument("--write-train", type=Path, metavar="FILE", help="write the fold's training part and stop")
    args, options = parser.parse_known_args(argv)
    if args.report or not args.name:
        report()
        return 0
    parts = folds(read_conll(train_ner.TRAIN_FILE), args.folds)
    for i in args.fold or range(args.folds):
        if args.write_train:
            write_conll([d for j, part in enumerate(parts) if j != i for d in part], args.write_train)
            continue
        if args.accurate:
            p, r, f, per_type = score_fold(parts, i, Path(f"newsworker-accurate:nl={args.accurate}"))
            result = {"fold": i, "folds": args.folds, "options": [f"accurate={args.accurate}"], "p": p, "r": r,
                      "f1": f, "per_type": per_type}
            (OUT / args.name).mkdir(parents=True, exist_ok=True)
            (OUT / args.name / f"fold-{i}.json").write_text(json.dumps(result, indent=1))
            print(f"{args.name} fold {i}/{args.folds}: stage F1 {f:.4f}")
            continue
        if args.rescore:
            previous = json.loads((OUT / args.name / f"fold-{i}.json").read_text())
            run_fold(args.name, args.folds, i, previous["options"], train=False)
        else:
            run_fold(args.name, args.folds, i, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
