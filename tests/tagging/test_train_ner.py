"""The Dutch NER training script's data preparation: evaluation text never reaches training or pretraining."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import train_ner  # noqa: E402

from bench.ner_quality import read_conll  # noqa: E402


def _first_sentence(path: Path) -> str:
    return " ".join(tok for tok, _ in read_conll(path)[0].sentences[0])


def test_pretraining_text_has_the_training_data_and_none_of_ned_testa(tmp_path: Path) -> None:
    raw = tmp_path / "raw.jsonl"
    words = train_ner.write_raw_text(raw)
    texts = [json.loads(line)["text"] for line in raw.read_text(encoding="utf-8").splitlines()]
    everything = "\n".join(texts)
    assert words > 400_000
    assert _first_sentence(train_ner.DATA / "conll2002-nl" / "ned.train") in everything
    testa = read_conll(train_ner.DATA / "conll2002-nl" / "ned.testa")
    # long sentences of both halves of ned.testa (dev and held-out), none of them in the pretraining text
    long_sentences = [" ".join(tok for tok, _ in sent) for doc in testa for sent in doc.sentences if len(sent) > 25]
    assert len(long_sentences) > 300
    assert not [s for s in long_sentences if s in everything]


def test_extra_training_files_are_added_the_given_number_of_times_and_never_to_evaluation(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    train = tmp_path / "train.conll"
    train.write_text("-DOCSTART- -X- O\n\nDe Art O\nKamer N B-ORG\nstemt V O\n. Punc O\n", encoding="utf-8")
    extra = tmp_path / "extra.txt"
    extra.write_text("# our own news\n[PER Dilan Yesilgöz] bezoekt [LOC Zwolle] .\n", encoding="utf-8")
    paths = train_ner.prepare(False, tmp_path / "build", copies=0, train_file=train, extra_files=[extra],
                              extra_copies=3)
    vocab = spacy.blank("nl").vocab

    def texts(path: Path) -> list[str]:
        return [doc.text for doc in DocBin().from_disk(path).get_docs(vocab)]

    trained = " ".join(texts(paths["train"]))
    assert trained.count("Dilan Yesilgöz bezoekt Zwolle") == 3 and trained.count("Kamer stemt") == 1
    docs = DocBin().from_disk(paths["train"]).get_docs(vocab)
    labelled = [(ent.text, ent.label_) for doc in docs for ent in doc.ents]
    assert ("Dilan Yesilgöz", "PER") in labelled and ("Zwolle", "LOC") in labelled
    assert not [t for t in texts(paths["dev"]) + texts(paths["test"]) if "Yesilgöz" in t]
