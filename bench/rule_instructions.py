"""Instructions the entity stage's post-model components execute (the rules, the gazetteer matcher), counted by
valgrind's callgrind: a figure the shared machine's load does not move, for speed work on the rules.

    .venv/bin/python -m bench.rule_instructions en data/ner/en-news/gold.txt data/ner/en-news/wire.txt

Needs valgrind (`apt-get install valgrind`; not a project dependency). The texts are built as `bench.quality` builds
them; this process runs the pipeline up to the NER model once and hands the model's output (serialised docs) to a
child process under callgrind. The child loads the same pipeline, runs the post-model components once over fresh
copies of the docs, untimed, then once more with callgrind's instrumentation switched on around that run only
(`callgrind_control -i on/off`), and exits; the count is printed. Compare two trees by running it from each
(`PYTHONPATH=TREE`): the same texts give the same model output, so the counts differ only by the rules' work. The
wall-clock figures of `bench.tagging_stages` spread by ±10 ms a run on this machine, more than most single changes
to the rules; an instruction count repeats to within about 0.2 % (the child runs with PYTHONHASHSEED=0, so that
set and dict orders repeat too).

`--stage-ratio` counts instead the issue's speed figure (issue 13: the whole tagging stage at >= 0.85 x the bare NER
model): the instructions of the bare model's `nlp.pipe` and of all four stages (`tag_articles`, as `bench.quality`
times them) on the same texts, each in its own child after `warm_up` and one uncounted run, and prints bare / whole.
CPU-time rounds of that ratio spread by ±0.15 on this machine (session 49: 0.59-1.07 in one run); the count does not,
though an instruction is not a unit of time (the rules are Python, the model mostly numeric loops). One run takes
about fifteen minutes (both stages under callgrind).

    .venv/bin/python -m bench.rule_instructions en data/ner/en-news/gold.txt data/ner/en-news/wire.txt --stage-ratio
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


def post_model_components(language: str) -> tuple[Language, list[str]]:
    """The language's entity pipeline and the names of its components after the NER model."""
    from worker.tagging import entities

    pipeline = entities._entity_pipeline(language)
    if pipeline is None:
        raise LookupError(f"no NER model installed for {language!r}")
    names = [name for name, _ in pipeline.nlp.pipeline]
    return pipeline.nlp, names[names.index("ner") + 1:]


def model_output(language: str, files: Sequence[Path]) -> list[bytes]:
    """The docs the NER model makes of the files' texts (truecased first, as in the stage), serialised."""
    from bench import quality
    from worker.tagging.entities import entity_text

    nlp, post = post_model_components(language)
    texts = [entity_text(a) for path in files for a in quality.ner_articles(path, language)]
    with nlp.select_pipes(disable=post):
        return [doc.to_bytes() for doc in nlp.pipe(texts)]


def fresh_docs(nlp: Language, blobs: Sequence[bytes]) -> list[Doc]:
    """New docs from the serialised model output (each run needs its own: the components change them)."""
    from spacy.tokens import Doc

    return [Doc(nlp.vocab).from_bytes(blob) for blob in blobs]


def run_components(nlp: Language, post: Sequence[str], docs: Sequence[Doc]) -> None:
    """The post-model components over the docs, in the pipeline's order (what the count covers)."""
    components = dict(nlp.pipeline)
    for doc in docs:
        for name in post:
            components[name](doc)


def _child(language: str, blobs_path: Path) -> int:
    """Under callgrind: one untimed run of the post-model components, then one counted run."""
    nlp, post = post_model_components(language)
    blobs = pickle.loads(blobs_path.read_bytes())
    run_components(nlp, post, fresh_docs(nlp, blobs))  # every list and cache loaded, outside the count
    docs = fresh_docs(nlp, blobs)
    control = ["callgrind_control", "-i"]
    subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
    run_components(nlp, post, docs)
    subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)
    return 0


def _stage_child(language: str, mode: str, files: Sequence[Path]) -> int:
    """Under callgrind: the bare model ("bare") or all four stages ("whole") over the files' articles, once
    uncounted after `warm_up`, then once counted."""
    from bench import quality
    from worker.tagging import WARM_UP_SAMPLES, tag_articles, warm_up
    from worker.tagging.entities import entity_text, load_bare_model

    articles = [a for path in files for a in quality.ner_articles(path, language)]
    warm_up([*articles[:10], *WARM_UP_SAMPLES])
    if mode == "bare":
        bare, texts = load_bare_model(language), [entity_text(a) for a in articles]

        def run() -> None:
            list(bare.pipe(texts))
    else:
        undeclared = [a.model_copy(update={"metadata": {}}) for a in articles]  # the language stage detects it

        def run() -> None:
            tag_articles(undeclared)
    run()
    control = ["callgrind_control", "-i"]
    subprocess.run([*control, "on", str(os.getpid())], check=True, capture_output=True)
    run()
    subprocess.run([*control, "off", str(os.getpid())], check=True, capture_output=True)
    return 0


def _need_valgrind() -> None:
    """Stop with a clear message, before any work, when valgrind is missing."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")


def _callgrind(arguments: Sequence[str]) -> int:
    """The instructions a child run of this module (`arguments` after -m) collects under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={tmp}/callgrind.out",
             sys.executable, "-m", "bench.rule_instructions", *arguments],
            capture_output=True, text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "PYTHONHASHSEED": "0"},
        )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def stage_ratio(language: str, files: Sequence[Path]) -> tuple[int, int]:
    """(instructions of the bare model, of the whole stage) over the files' articles."""
    _need_valgrind()
    paths = [str(path) for path in files]
    return (_callgrind(["--stage-child", language, "bare", *paths]),
            _callgrind(["--stage-child", language, "whole", *paths]))


def count(language: str, files: Sequence[Path]) -> tuple[int, int]:
    """(instructions of the counted run, number of texts)."""
    _need_valgrind()
    blobs = model_output(language, files)
    with tempfile.TemporaryDirectory() as tmp:
        blobs_path = Path(tmp) / "docs.pickle"
        blobs_path.write_bytes(pickle.dumps(blobs))
        return _callgrind(["--child", language, str(blobs_path)]), len(blobs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=2, metavar=("LANG", "DOCS"), help=argparse.SUPPRESS)
    parser.add_argument("--stage-child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--stage-ratio", action="store_true",
                        help="count the bare model and the whole tagging stage instead (see above)")
    parser.add_argument("language", nargs="?", choices=["nl", "en"])
    parser.add_argument("files", nargs="*", type=Path, help="CoNLL-format NER files")
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child[0], Path(args.child[1]))
    if args.stage_child:
        return _stage_child(args.stage_child[0], args.stage_child[1], [Path(p) for p in args.stage_child[2:]])
    if not args.language or not args.files:
        parser.error("give a language and one or more files")
    if args.stage_ratio:
        bare, whole = stage_ratio(args.language, args.files)
        print(f"bare NER model {bare:,} instructions, whole tagging stage {whole:,}: "
              f"whole stage / bare NER speed in instructions {bare / whole:.4f}")
        return 0
    instructions, texts = count(args.language, args.files)
    print(f"{texts} texts: {instructions:,} instructions in the post-model components "
          f"({instructions / max(texts, 1):,.0f} a text)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
