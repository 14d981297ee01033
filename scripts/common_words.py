"""Write the common-word tables the entity stage reads (`worker/tagging/data/common_words_{nl,en}.txt`) from the
pinned `wordfreq` package: every word at least `casing.ZIPF_FLOOR` common (Zipf 3: once per million words), by
wordfreq's own centibel bucket, so `casing.zipf` reproduces `wordfreq.zipf_frequency` exactly at and above the
floor. The full lists (≈ 310,000 words a language) cost a worker ≈ 71 MB of Python objects; these ≈ 29,000 a
language cost a few.

    python scripts/common_words.py            # rewrite the tables
    python scripts/common_words.py --check    # exit 1 if they differ from what the installed wordfreq gives
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from importlib.metadata import version

import wordfreq

from worker.tagging import casing
from worker.tagging.entities import NER_LANGUAGES


def table(language: str) -> str:
    """The table's text: a header, then one line per centibel bucket, `cB<TAB>words` (words space-separated:
    wordfreq's tokens hold no spaces), highest frequency first."""
    floor_cb = round((casing.ZIPF_FLOOR - 9) * 100)  # Zipf 3 = 1e-6 = -600 cB
    buckets: dict[int, list[str]] = defaultdict(list)
    for word, freq in wordfreq.get_frequency_dict(language).items():  # the dict wordfreq itself looks words up in
        cb = round(100 * wordfreq.freq_to_zipf(freq)) - 900
        if cb >= floor_cb:
            assert " " not in word, word
            buckets[cb].append(word)
    lines = [f"# wordfreq {version('wordfreq')} '{language}' (best list), words with Zipf >= {casing.ZIPF_FLOOR}: "
             "centibels<TAB>words. Written by scripts/common_words.py."]  # fmt: skip
    lines += [f"{cb}\t{' '.join(sorted(buckets[cb]))}" for cb in sorted(buckets, reverse=True)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    stale = []
    for language in NER_LANGUAGES:
        path = casing.common_words_path(language)
        text = table(language)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.write_text(text, encoding="utf-8")
        print(f"{path}: {text.count(chr(10)) - 1} buckets, {len(text.split()) - text.count(chr(10))} words")
    if stale:
        print("stale (run python scripts/common_words.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
