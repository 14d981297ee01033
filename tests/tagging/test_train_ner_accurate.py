"""The accurate tier's training data: labels on first pieces, silver O tokens left open between O and MISC."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import train_ner_accurate as trainer  # noqa: E402

from worker.tagging import encoder as enc  # noqa: E402
from worker.tagging.ner_tags import TAGS  # noqa: E402


@pytest.fixture(scope="module")
def model() -> enc.Encoder:
    return enc.Encoder()


def test_a_words_first_piece_carries_its_tag_and_later_pieces_none(model: enc.Encoder) -> None:
    sentence = [("Ruud", "B-PER"), ("Lubbers", "I-PER"), ("bezocht", "O"), ("Antwerpen", "B-LOC")]
    ids, labels = trainer.sentence_pieces(model, sentence)
    assert len(ids) == len(labels)
    firsts = [label for label in labels if label != -100]
    assert firsts == [TAGS.index(t) for t in ("B-PER", "I-PER", "O", "B-LOC")]
    assert len(ids) > len(sentence)  # some word was cut into pieces, and only its first piece is labelled


def test_a_silver_o_is_o_or_misc_and_its_names_stay_exact(model: enc.Encoder) -> None:
    sentence = [("Dutch", "O"), ("minister", "O"), ("Hans", "B-PER"), ("van", "I-PER"), ("Mierlo", "I-PER")]
    _, labels = trainer.sentence_pieces(model, sentence, partial=True)
    firsts = [label for label in labels if label != -100]
    assert firsts == [trainer.O_OR_MISC, trainer.O_OR_MISC] + [TAGS.index(t) for t in ("B-PER", "I-PER", "I-PER")]
    assert [TAGS[i] for i in trainer.ALLOWED_O_OR_MISC] == ["O", "B-MISC", "I-MISC"]


def test_silver_sentences_are_drawn_by_seed_and_packed(model: enc.Encoder, tmp_path: Path) -> None:
    rows = []
    for i in range(40):
        rows += [f"en:Town{i}\tB-LOC", "en:lies\tO", "en:in\tO", "en:Ruritania\tB-LOC", ""]
    path = tmp_path / "wikiann"
    path.write_text("\n".join(rows), encoding="utf-8")
    packed = trainer.packed_sample(model, path, 30, 40, seed=13)
    assert packed == trainer.packed_sample(model, path, 30, 40, seed=13)
    assert packed != trainer.packed_sample(model, path, 30, 40, seed=14)
    assert all(len(ids) <= 42 and ids[0] == model.bos and ids[-1] == model.eos for ids, _ in packed)
    assert 1 < len(packed) < 30  # several sentences a sequence
    labels = [label for _, row in packed for label in row if label != -100]
    assert labels.count(TAGS.index("B-LOC")) == 60 and labels.count(trainer.O_OR_MISC) == 60


def test_the_english_adapter_never_trains_on_a_decision_or_held_out_file() -> None:
    import finetune_ner_en

    decision = {path.resolve() for path in finetune_ner_en.DECISION_FILES}
    files = [path.resolve() for path, _ in trainer.TRAIN["en"]]
    assert files and all(path.is_file() for path in files)
    assert not decision & set(files)  # the fast model is distilled from this adapter and decided on those files
    assert not [path for path in files if path.name.startswith("heldout")]
    # every English training file of the fast model is the adapter's too
    assert {path.resolve() for path in finetune_ner_en.TRAIN_FILES} <= set(files)
