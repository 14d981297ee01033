"""The English NER training script's data: silver labels from the stage, and no held-out text in training."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import train_ner_en  # noqa: E402

from bench.ner_quality import read_conll, sentences_of, split_documents, tags_to_spans  # noqa: E402
from worker.tagging import casing  # noqa: E402


def test_spans_become_iob2_tags() -> None:
    assert train_ner_en.spans_to_tags(5, [(0, 2, "PER"), (3, 4, "LOC")]) == ["B-PER", "I-PER", "O", "B-LOC", "O"]


def test_silver_news_is_the_training_split_only() -> None:
    rows = [json.loads(line) for line in train_ner_en.NEWS.read_text(encoding="utf-8").splitlines()]
    heldout = [r for r in rows if r["language"] == "en" and r["split"] == "heldout"]
    texts = "\n".join(train_ner_en.news_texts())
    assert len(heldout) > 100
    assert not [r for r in heldout if r["text"].strip() in texts]
    assert len(train_ner_en.news_texts()) == sum(1 for r in rows if r["language"] == "en" and r["split"] == "train")


def test_gold_training_and_dev_files_are_not_held_out_files() -> None:
    used = {p.name for p in train_ner_en.GOLD_TRAIN + train_ner_en.GOLD_DEV}
    assert not [name for name in used if name.startswith("heldout")]
    held_out = [s for p in sorted((train_ner_en.DATA / "en-news").glob("heldout*.txt"))
                for s in sentences_of(read_conll(p)) if any(tag != "O" for _, tag in s)]  # not "W L PCT GB"
    used_text = {" ".join(t for t, _ in s) for p in train_ner_en.GOLD_TRAIN + train_ner_en.GOLD_DEV
                 for s in sentences_of(read_conll(p))}
    # a results headline recurs word for word in any wire file ("ICE HOCKEY - NHL RESULTS ."), and so does a table's
    # intro ending in a colon ("Results of National Hockey League games on Wednesday ( home team in CAPS ) :",
    # heldout_s38 and sports_dev): only a line of more than that counts as shared text
    shared = [s for s in held_out if " ".join(t for t, _ in s) in used_text and s[-1][0] != ":"]
    assert held_out and not [s for s in shared if len(s) > 8 or not casing.is_shouted_line([t for t, _ in s], "en")]


def test_wikiann_dev_sentences_come_from_the_even_half() -> None:
    documents = read_conll(train_ner_en.DATA / "wikiann-en" / "dev")
    even = sentences_of(split_documents(documents, "dev"))[: train_ner_en.WIKIANN_DEV_SENTENCES]
    odd = {" ".join(t for t, _ in s) for s in sentences_of(split_documents(documents, "test"))}
    assert len(even) == train_ner_en.WIKIANN_DEV_SENTENCES
    # a sentence may recur in WikiANN: only those not also in the held-out half count
    assert sum(" ".join(t for t, _ in s) in odd for s in even) < 0.05 * len(even)


def test_silver_sentences_carry_the_stage_types_and_split_at_sentence_ends() -> None:
    text = "Apple sued Samsung in California .\n\nThe German court ruled on Monday . Tim Cook said nothing ."
    sentences = train_ner_en.silver_sentences([text], train_ner_en.TEACHER)
    assert [" ".join(t for t, _ in s) for s in sentences] == [
        "Apple sued Samsung in California .", "The German court ruled on Monday .", "Tim Cook said nothing ."]
    spans = {(" ".join(t for t, _ in s[a:b]), label) for s in sentences
             for a, b, label in tags_to_spans([tag for _, tag in s])}
    assert {("California", "LOC"), ("German", "MISC"), ("Tim Cook", "PER")} <= spans


def test_teacher_misc_fills_wikiann_gaps_without_touching_its_entities() -> None:
    sentence = [("The", "O"), ("German", "O"), ("club", "O"), ("Bayern", "B-ORG"), ("Munich", "I-ORG"),
                ("won", "O"), ("the", "O"), ("Bundesliga", "O")]
    [tagged] = train_ner_en.with_teacher_misc([sentence], train_ner_en.TEACHER)
    tags = [tag for _, tag in tagged]
    assert tags[1] == "B-MISC"
    assert tags[3:5] == ["B-ORG", "I-ORG"]


def test_wikiann_place_lists_are_split_at_the_comma_like_conll_2003() -> None:
    sentence = [("Agra", "B-LOC"), (",", "I-LOC"), ("Kansas", "I-LOC"), ("and", "O"), ("Bob", "B-PER"),
                (",", "O"), ("Santa", "B-LOC"), ("Clara", "I-LOC")]
    assert [tag for _, tag in train_ner_en.split_place_lists(sentence)] == [
        "B-LOC", "O", "B-LOC", "O", "B-PER", "O", "B-LOC", "I-LOC"]
