"""Dutch fine-tuning references: WikiANN's names plus the model's MISC, nothing held out."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import finetune_ner_nl  # noqa: E402
import pytest  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402


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


class _Teacher:
    """A stand-in for the accurate tier: a blank Dutch vocabulary, and these entities set on any doc."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        import spacy

        self.vocab = spacy.blank("nl").vocab
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        doc.set_ents([Span(doc, start, end, label=label) for start, end, label in self.spans], default="outside")
        return doc


def test_the_teachers_entities_label_every_token_but_never_across_a_sentence_start() -> None:
    import spacy

    from bench.ner_quality import ConllDocument

    student = spacy.blank("nl")
    document = ConllDocument([[("Marianne", "O"), ("Vos", "O"), ("won", "O"), ("in", "O"), ("Ede", "O")],
                              [("Sporting", "O"), ("Lissabon", "O"), ("verloor", "O")]])
    # the teacher reads "Ede Sporting" as one name across the sentence start: left out, not cut
    teacher = _Teacher([(0, 2, "PER"), (4, 6, "ORG"), (6, 7, "LOC")])
    (example,) = finetune_ner_nl.teacher_examples(student, teacher, [document])
    assert [(e.text, e.label_) for e in example.reference.ents] == [("Marianne Vos", "PER"), ("Lissabon", "LOC")]
    assert all(token.ent_iob_ in ("B", "I", "O") for token in example.reference)  # nothing missing: all labelled


def test_news_documents_are_the_dutch_train_split_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import spacy

    rows = [{"language": "nl", "split": "train", "title": "Ajax wint", "text": "Ajax won in Rotterdam.\nDaarna feest."},
            {"language": "nl", "split": "heldout", "title": "Geheim", "text": "Niet lezen."},
            {"language": "en", "split": "train", "title": "English", "text": "Not Dutch."}]
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    monkeypatch.setattr(finetune_ner_nl, "NEWS", news)
    (document,) = finetune_ner_nl.news_documents(spacy.blank("nl"))
    assert [[token for token, _ in sentence] for sentence in document.sentences] == [
        ["Ajax", "wint"], ["Ajax", "won", "in", "Rotterdam", "."], ["Daarna", "feest", "."]]


def test_text_documents_are_articles_of_paragraphs(tmp_path: Path) -> None:
    import spacy

    text = tmp_path / "unlabelled.txt"
    text.write_text("# written for the project\nAjax wint\nAjax won in Rotterdam.\n\n\nTweede stuk\n", encoding="utf-8")
    first, second = finetune_ner_nl.text_documents(spacy.blank("nl"), text)
    assert [[token for token, _ in sentence] for sentence in first.sentences] == [
        ["Ajax", "wint"], ["Ajax", "won", "in", "Rotterdam", "."]]
    assert [[token for token, _ in sentence] for sentence in second.sentences] == [["Tweede", "stuk"]]
