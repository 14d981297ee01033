"""English fine-tuning references: our names in the teacher's labels, its numbers kept, nothing held out."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import finetune_ner_en  # noqa: E402
import pytest  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

from bench.ner_quality import ConllDocument, read_markup  # noqa: E402


def test_gold_names_take_the_teachers_label_set() -> None:
    gold = [(0, 2, "PER"), (3, 4, "ORG"), (5, 6, "LOC"), (7, 8, "LOC"), (9, 10, "MISC"), (11, 13, "MISC")]
    teacher = [(0, 2, "ORG"), (5, 6, "FAC"), (7, 8, "PERSON"), (11, 13, "WORK_OF_ART")]
    assert finetune_ner_en.reference_spans(gold, teacher) == [
        (0, 2, "PERSON"), (3, 4, "ORG"),
        (5, 6, "FAC"),  # the teacher's kind of place is kept
        (7, 8, "GPE"),  # a place the teacher missed
        (9, 10, "NORP"), (11, 13, "WORK_OF_ART"),
    ]


def test_teacher_numbers_stay_unless_they_touch_a_name() -> None:
    gold = [(0, 1, "ORG"), (3, 4, "ORG")]
    teacher = [(0, 2, "CARDINAL"), (2, 3, "CARDINAL"), (4, 5, "DATE"), (5, 6, "PERSON")]
    # "Leeds 2 Chelsea 1 Total": the teacher's glued number goes, its lone numbers stay, its "person" goes
    assert finetune_ner_en.reference_spans(gold, teacher) == [
        (0, 1, "ORG"), (2, 3, "CARDINAL"), (3, 4, "ORG"), (4, 5, "DATE")]


def test_the_decision_split_keeps_every_third_article_out() -> None:
    documents = [ConllDocument([[(f"w{i}", "O")]]) for i in range(7)]
    train, decide = finetune_ner_en.split_decision(documents, 3)
    assert [d.sentences[0][0][0] for d in decide] == ["w2", "w5"]
    assert len(train) == 5 and not {id(d) for d in train} & {id(d) for d in decide}


def test_markup_written_reads_back_the_same(tmp_path: Path) -> None:
    documents = [ConllDocument([[("[", "O"), ("Ajax", "B-ORG"), ("Amsterdam", "I-ORG"), ("2", "O")],
                                [("Paris", "B-LOC")]])]
    path = tmp_path / "x.txt"
    finetune_ner_en.write_markup(documents, path, "a header\nof two lines")
    assert [d.sentences for d in read_markup(path)] == [d.sentences for d in documents]


def test_held_out_files_are_refused_as_training_data(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="held out"):
        finetune_ner_en.main(["--train", str(finetune_ner_en.DATA / "heldout3.txt"), "--output", str(tmp_path)])
    assert not [p for p in finetune_ner_en.TRAIN_FILES if p.name.startswith("heldout")]


def test_held_out_files_are_refused_under_any_name(tmp_path: Path) -> None:
    link = tmp_path / "innocent.txt"
    link.symlink_to(finetune_ner_en.DATA / "heldout3.txt")
    for path in (link, tmp_path / "HELDOUT_x.txt", REPO / "data" / "ner" / "wikiann-en" / "dev"):
        with pytest.raises(SystemExit, match="held out"):
            finetune_ner_en.refuse_held_out(path, "train on")
    with pytest.raises(SystemExit, match="held out"):
        finetune_ner_en.main(["--split-decision", str(link), str(tmp_path / "a"), str(tmp_path / "b")])
    for decision in finetune_ner_en.DECISION_FILES:  # every decision file, even when another is named
        with pytest.raises(SystemExit, match="decision file"):
            finetune_ner_en.main(["--train", str(decision), "--decide", str(link), "--output", str(tmp_path)])
    finetune_ner_en.refuse_held_out(finetune_ner_en.DATA / "train_s15.txt", "train on")  # a training file passes


def test_wikiann_keeps_the_teachers_misc_and_leaves_unsure_capitals_missing() -> None:
    #        0        1      2     3       4          5       6   7     8
    words = ["The", "Treaty", "of", "Rome", "signed", "Jones", "in", "The", "Hague"]
    starts = [True, False, False, False, False, False, False, False, False]
    gold = [(7, 9, "LOC")]
    teacher = [(1, 4, "LAW"), (5, 6, "PERSON"), (7, 9, "GPE")]
    spans, missing = finetune_ner_en.wikiann_reference(words, starts, gold, teacher)
    assert spans == [(1, 4, "LAW"), (7, 9, "GPE")]  # the teacher's MISC-type span, the gold place
    assert missing == [5]  # a name WikiANN left unlabelled: no loss either way


def test_wikiann_sentence_openers_are_outside_unless_the_teacher_reads_a_name() -> None:
    words = ["Born", "in", "Leeds", "."]
    spans, missing = finetune_ner_en.wikiann_reference(words, [True, False, False, False], [(2, 3, "LOC")], [])
    assert (spans, missing) == ([(2, 3, "GPE")], [])
    _, missing = finetune_ner_en.wikiann_reference(words, [True, False, False, False], [(2, 3, "LOC")],
                                                   [(0, 1, "PERSON")])
    assert missing == [0]


def test_wikiann_sentences_are_drawn_with_the_seed_and_packed(tmp_path: Path) -> None:
    path = tmp_path / "train"
    path.write_text("".join(f"en:Word{i}\tO\nen:.\tO\n\n" for i in range(20)), encoding="utf-8")
    first = finetune_ner_en.wikiann_documents(path, 10, seed=3, per_document=4)
    again = finetune_ner_en.wikiann_documents(path, 10, seed=3, per_document=4)
    assert [len(d.sentences) for d in first] == [4, 4, 2]
    assert first == again
    assert first != finetune_ner_en.wikiann_documents(path, 10, seed=4, per_document=4)
    assert all(token.startswith("Word") or token == "." for d in first for s in d.sentences for token, _ in s)


class _AccurateStandIn:
    """The accurate tier's place in `accurate_tags`: a blank English vocabulary, these entities on any doc."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        import spacy

        self.vocab = spacy.blank("en").vocab
        self.spans = spans

    def __call__(self, doc: Doc) -> Doc:
        doc.set_ents([Span(doc, a, b, label=label) for a, b, label in self.spans], default="outside")
        return doc


def test_distilled_sentences_carry_the_accurate_tiers_tags_not_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.tagging import ner_accurate

    document = ConllDocument([[("Smith", "B-ORG"), ("joined", "O"), ("Leeds", "O")],
                              [("United", "B-LOC"), ("won", "O")]])
    # "Leeds United" read across the sentence start is left out; WikiANN's own tags are not kept
    stand_in = _AccurateStandIn([(0, 1, "PER"), (2, 4, "ORG"), (4, 5, "MISC")])
    monkeypatch.setattr(ner_accurate, "load", lambda spec: stand_in)
    (tagged,) = finetune_ner_en.accurate_tags([document])
    assert tagged.sentences == [[("Smith", "B-PER"), ("joined", "O"), ("Leeds", "O")],
                                [("United", "O"), ("won", "B-MISC")]]


def test_a_teacher_adapter_given_is_the_one_that_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.tagging import ner_accurate

    loaded: list[str] = []
    stand_in = _AccurateStandIn([(0, 1, "PER")])
    monkeypatch.setattr(ner_accurate, "load", lambda spec: loaded.append(spec) or stand_in)
    document = ConllDocument([[("Smith", "O"), ("won", "O")]])
    finetune_ner_en.accurate_tags([document])
    finetune_ner_en.accurate_tags([document], Path("build/t51.npz"))
    assert loaded == ["en", "en=build/t51.npz"]


def test_a_missing_teacher_adapter_is_refused_before_any_model_loads(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no teacher adapter"):
        finetune_ner_en.main(["--teacher", str(tmp_path / "none.npz"), "--output", str(tmp_path / "run")])


def test_distilled_sentences_come_after_the_wikiann_ones(tmp_path: Path) -> None:
    wikiann = tmp_path / "train"
    wikiann.write_text("".join(f"en:w{i}\tO\n\n" for i in range(40)), encoding="utf-8")
    first = finetune_ner_en.wikiann_documents(wikiann, 10, seed=3)
    after = finetune_ner_en.wikiann_documents(wikiann, 10, seed=3, skip=10)
    words = [{t for d in docs for s in d.sentences for t, _ in s} for docs in (first, after)]
    assert len(words[0]) == len(words[1]) == 10 and not words[0] & words[1]


def test_news_articles_become_sentences_of_untagged_tokens() -> None:
    documents = finetune_ner_en.news_documents(["Tim Cook spoke.  Apple said on Monday it would buy Beats.\n\nEnd."])
    assert [[token for token, _ in sentence] for sentence in documents[0].sentences] == [
        ["Tim", "Cook", "spoke", "."], ["Apple", "said", "on", "Monday", "it", "would", "buy", "Beats", "."],
        ["End", "."]]
    assert {tag for sentence in documents[0].sentences for _, tag in sentence} == {"O"}


def test_news_for_distillation_follows_the_rehearsal_in_one_shuffle(monkeypatch: pytest.MonkeyPatch) -> None:
    import train_ner_en

    monkeypatch.setattr(train_ner_en, "news_texts", lambda: [f"story {n}" for n in range(10)])
    order = finetune_ner_en.shuffled_news(seed=3)
    assert sorted(order) == [f"story {n}" for n in range(10)] and order == finetune_ner_en.shuffled_news(seed=3)


def test_unlabelled_text_files_give_one_article_each_and_held_out_ones_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "unlabelled.txt"
    text.write_text("# recent news\nCourt blocks sale\nA judge in Quebec blocked the sale.\n\nStorm hits coast\n"
                    "Thousands lost power.\nRoads closed.\n", encoding="utf-8")
    assert finetune_ner_en.plain_articles(text) == ["Court blocks sale\nA judge in Quebec blocked the sale.",
                                                    "Storm hits coast\nThousands lost power.\nRoads closed."]
    held = tmp_path / "heldout_s99.txt"
    held.write_text("Headline\nText.\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="held out"):
        finetune_ner_en.main(["--distil-text", str(held), "--output", str(tmp_path / "out")])


def test_no_decision_file_is_a_default_training_file() -> None:
    train = {p.resolve() for p in finetune_ner_en.TRAIN_FILES}
    assert train.isdisjoint(p.resolve() for p in finetune_ner_en.DECISION_FILES)
    assert all(p.exists() for p in (*finetune_ner_en.TRAIN_FILES, *finetune_ner_en.DECISION_FILES))
    assert finetune_ner_en.DATA / "dev_s40.txt" in finetune_ner_en.DECISION_FILES  # session 40's decision
    assert finetune_ner_en.DATA / "dev_s41d.txt" in finetune_ner_en.DECISION_FILES  # session 41's model round


def test_real_news_articles_become_one_unit_of_gold_tags_and_held_out_splits_are_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import real_news

    text = "Jane Smith flew from Sydney  to Perth."
    article = {"name": "lee_001", "split": "dev", "sha256": real_news.sha256(text),
               "entities": [[0, 10, "PER"], [21, 27, "LOC"], [32, 37, "LOC"], [1, 3, "ORG"]]}
    monkeypatch.setattr(real_news, "load_annotations", lambda path: [article, {**article, "split": "heldout"}])
    monkeypatch.setattr(real_news, "checked_texts", lambda articles, cache, corpus: {"lee_001": text})
    documents, annotations = finetune_ner_en.real_news_documents("lee:dev")
    assert annotations == real_news.CORPORA["lee"].annotations
    assert len(documents) == 1 and len(documents[0].sentences) == 1  # no sentences given, as the worker reads text
    assert documents[0].sentences[0] == [("Jane", "B-PER"), ("Smith", "I-PER"), ("flew", "O"), ("from", "O"),
                                         ("Sydney", "B-LOC"), ("to", "O"), ("Perth", "B-LOC"), (".", "O")]
    for spec in ("lee:heldout", "lee:dev,heldout", "lee:dev9", "nosuch:dev", "lee:"):
        with pytest.raises(SystemExit):
            finetune_ner_en.real_news_documents(spec)
