"""The fast and the accurate NER tier on the same articles: CPU seconds, articles/s per core, rounds interleaved.

    .venv/bin/python -m bench.ner_tiers nl data/ner/nl-news/dev_s16.txt --rounds 3

Articles are built from CoNLL-format files as `bench.quality` builds them; each round runs the whole entity
pipeline (truecasing, model, rules, gazetteer) of the fast tier (the first installed of `ner_models_<lang>`) and
of the accurate tier (`newsworker-accurate:<lang>`) over all of them, one after the other, and times its CPU
(all threads: articles per CPU second is articles per second per core). Prints the medians, the words per
article and accurate / fast.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language", choices=["nl", "en"])
    parser.add_argument("files", nargs="+", type=Path, help="CoNLL-format NER files")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--accurate", default=None, help="the accurate model name (default newsworker-accurate:LANG)")
    args = parser.parse_args(argv)
    from bench import quality
    from worker.tagging import entities, ner_accurate

    articles = [a for path in args.files for a in quality.ner_articles(path, args.language)]
    texts = [entities.entity_text(a) for a in articles]
    tiers: dict[str, Language] = {}
    fast_name = ""
    for fast_name in (n for n in entities.model_preference(args.language) if not n.startswith(ner_accurate.PREFIX)):
        try:  # the first installed fast model, loaded once (the pipeline cache)
            tiers["fast"] = entities.load_pipeline(args.language, model=fast_name)
            break
        except LookupError:
            continue
    accurate_name = args.accurate or f"{ner_accurate.PREFIX}{args.language}"
    tiers["accurate"] = entities.load_pipeline(args.language, model=accurate_name)
    for nlp in tiers.values():  # warm: models loaded, caches filled once, outside the timings
        list(nlp.pipe(texts[:3]))
    times: dict[str, list[float]] = {name: [] for name in tiers}
    for _ in range(args.rounds):
        for name, nlp in tiers.items():
            start = time.process_time()
            list(nlp.pipe(texts, batch_size=entities.BATCH_SIZE))
            times[name].append(time.process_time() - start)
    words = sum(len(t.split()) for t in texts)
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{len(texts)} articles, {words / len(texts):.0f} words each; fast = {fast_name}, accurate = {accurate_name}")
    for name, seconds in median.items():
        print(f"  {name:8s} CPU {seconds:.2f} s (median of {args.rounds}), "
              f"{len(texts) / seconds:.2f} articles/s per core, {words / seconds:.0f} words/s")
    print(f"accurate / fast CPU time: {median['accurate'] / median['fast']:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
