"""Dutch fine-tuning references: WikiANN's names plus the model's MISC, nothing held out."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import finetune_ner_nl  # noqa: E402
import pytest  # noqa: E402


def test_the_models_misc_fills_wikianns_gaps_but_never_over_its_names() -> None:
    gold = [(0, 2, "PER"), (5, 6, "LOC")]
    model = [(0, 1, "MISC"), (3, 4, "MISC"), (5, 7, "MISC"), (8, 9, "ORG")]
    assert finetune_ner_nl.wikiann_spans(gold, model) == [(0, 2, "PER"), (3, 4, "MISC"), (5, 6, "LOC")]


@pytest.mark.parametrize("name", [
    "data/ner/nl-news/heldout_s14.txt", "data/ner/conll2002-nl/ned.testa", "data/ner/wikiann-nl/dev",
    "data/ner/wikiann-en/dev",
])
def test_held_out_and_evaluation_files_are_refused(name: str) -> None:
    with pytest.raises(SystemExit, match="held out"):
        finetune_ner_nl.refuse_held_out(REPO / name, "train on")


def test_training_files_are_allowed() -> None:
    for path in finetune_ner_nl.TRAIN_FILES:
        finetune_ner_nl.refuse_held_out(path, "train on")
    finetune_ner_nl.refuse_held_out(REPO / "data/ner/wikiann-nl/train", "train on")
