"""The entity stage's CPU time against the bare NER model's, finely interleaved, in one command.

    .venv/bin/python -m bench.entity_speed en data/ner/en-news/gold.txt data/ner/wikiann-en/dev --rounds 3

Texts are built from CoNLL-format files as `bench.quality` builds them. In every round each group of `--group`
texts is read by the bare model (`nlp.pipe`, our components off) and then by `tag_entities`, and CPU time
(`time.process_time`) is summed per side: on a shared machine a slow phase then hits both sides alike, where
whole-corpus rounds moved the ratio by ±0.03. Prints bare / stage per round and over all rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language", choices=["nl", "en"])
    parser.add_argument("files", nargs="+", type=Path, help="CoNLL-format NER files")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--group", type=int, default=18, help="texts read by each side in turn")
    args = parser.parse_args(argv)
    from bench import quality
    from worker.tagging import entities

    articles = [a for path in args.files for a in quality.ner_articles(path, args.language)]
    texts = [entities.entity_text(a) for a in articles]
    bare = entities.load_bare_model(args.language)
    entities.tag_entities(articles[:4])  # loads, outside the timings
    list(bare.pipe(texts[:4]))
    groups = [(texts[i:i + args.group], articles[i:i + args.group]) for i in range(0, len(texts), args.group)]
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} texts, {words} words, {len(groups)} groups; CPU seconds:")
    ratios, bare_total, stage_total = [], 0.0, 0.0
    for n in range(args.rounds):
        bare_seconds = stage_seconds = 0.0
        for group_texts, group_articles in groups:
            start = time.process_time()
            list(bare.pipe(group_texts))
            bare_seconds += time.process_time() - start
            start = time.process_time()
            entities.tag_entities(group_articles)
            stage_seconds += time.process_time() - start
        ratios.append(bare_seconds / stage_seconds)
        bare_total += bare_seconds
        stage_total += stage_seconds
        print(f"  round {n}: bare {bare_seconds:.2f} stage {stage_seconds:.2f} ratio {ratios[-1]:.3f}", flush=True)
    print(f"bare / stage: {bare_total / stage_total:.3f} over all rounds (median round "
          f"{statistics.median(ratios):.3f}); stage - bare {(stage_total - bare_total) / args.rounds:.2f} s per round")
    return 0


if __name__ == "__main__":
    sys.exit(main())
