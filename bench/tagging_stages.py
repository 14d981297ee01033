"""CPU time of each tagging stage and of the bare NER model on the same articles, rounds interleaved.

    .venv/bin/python -m bench.tagging_stages en data/ner/en-news/gold.txt data/ner/wikiann-en/dev --rounds 3

Articles are built from CoNLL-format files as `bench.quality` builds them. After one untimed round (a stage's
first call in a process ran up to 40 % slower: the bare model 5.7 s, then 4.1 s), each round times, one after the other
in this process, the bare model's `nlp.pipe` and the language, entity, topic and keyword stages and all four
together (`tag_articles`); it prints the medians over the rounds and bare / entities and bare / all four, per round
and over the medians (issue 13: the whole tagging stage at >= 0.85 x the bare model), then whether the entity rules
ran compiled (`newsworker rules status`).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("language", choices=["nl", "en"])
    parser.add_argument("files", nargs="+", type=Path, help="CoNLL-format NER files")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from bench import quality
    from worker.tagging import WARM_UP_SAMPLES, compiled, tag_articles, warm_up
    from worker.tagging.entities import entity_text, load_bare_model, tag_entities
    from worker.tagging.keywords import tag_keywords
    from worker.tagging.language import tag_language
    from worker.tagging.topics import tag_topics

    articles = [a for path in args.files for a in quality.ner_articles(path, args.language)]
    texts = [entity_text(a) for a in articles]
    warm_up([*articles[:5], *WARM_UP_SAMPLES])  # every model loaded and frozen, outside the timings, as in the worker
    bare = load_bare_model(args.language)
    with_entities = tag_entities(articles)
    with_topics = tag_topics(with_entities)
    stages: dict[str, Callable[[], object]] = {
        "bare": lambda: list(bare.pipe(texts)),
        "language": lambda: tag_language(articles),
        "entities": lambda: tag_entities(articles),
        "topics": lambda: tag_topics(with_entities),
        "keywords": lambda: tag_keywords(with_topics),
        "all": lambda: tag_articles(articles),
    }
    for fn in stages.values():  # one untimed round: a stage's first call in a process is up to 40 % slower
        fn()
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(args.rounds):
        for name, fn in stages.items():
            times[name].append(_cpu(fn))
    median = {name: statistics.median(values) for name, values in times.items()}
    words = sum(len(t.split()) for t in texts)
    print(f"{len(articles)} articles, {words} words; CPU seconds, median of {args.rounds} rounds:")
    print("  " + "  ".join(f"{name} {value:.3f}" for name, value in median.items()))
    rounds = [round(b / a, 3) for b, a in zip(times["bare"], times["all"], strict=True)]
    print(f"bare / entities {median['bare'] / median['entities']:.3f}; "
          f"bare / all four {median['bare'] / median['all']:.3f} (per round {rounds})")
    print(f"entity rules: {compiled.describe()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
