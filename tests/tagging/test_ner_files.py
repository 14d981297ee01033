"""The NER harness reads the files a reviewer may bring: CoNLL-2002/2003 in UTF-8 or Latin-1, gzipped,
IOB1/IOB2/IOBES, OntoNotes labels, WikiANN, and markup, whatever the file is called."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench.ner_quality import detect_file_language, detokenize, evaluate_raw, read_conll, tags_to_spans
from bench.quality import is_topic_file

CONLL_2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP I-LOC
1996-08-22 CD I-NP O
"""


def test_conll_2003_iob1_with_documents(tmp_path: Path) -> None:
    path = tmp_path / "eng.testb.txt"  # a CoNLL file named .txt is still CoNLL, not markup
    path.write_text(CONLL_2003, encoding="utf-8")
    documents = read_conll(path)
    assert len(documents) == 2
    first = documents[0].sentences
    assert tags_to_spans([tag for _, tag in first[0]]) == [(0, 1, "ORG"), (2, 3, "MISC")]
    assert tags_to_spans([tag for _, tag in first[1]]) == [(0, 2, "PER")]


def test_latin1_and_gzipped_files_are_read(tmp_path: Path) -> None:
    text = "-DOCSTART- -DOCSTART- O\nDe Art O\nBelgische Adj B-MISC\nminister N O\nVerhofstadt N B-PER\n"
    latin = tmp_path / "ned.testb"
    latin.write_bytes(text.replace("Belgische", "Brüssel").encode("latin-1"))
    [document] = read_conll(latin)
    assert document.sentences[0][1] == ("Brüssel", "B-MISC")
    zipped = tmp_path / "ned.testb.gz"
    zipped.write_bytes(gzip.compress(text.encode("utf-8")))
    [document] = read_conll(zipped)
    assert [tok for tok, _ in document.sentences[0]] == ["De", "Belgische", "minister", "Verhofstadt"]


def test_iobes_and_ontonotes_labels_become_our_four_types() -> None:
    assert tags_to_spans(["S-PERSON", "O", "B-GPE", "E-GPE", "B-DATE", "I-DATE", "S-NORP"]) == [
        (0, 1, "PER"), (2, 4, "LOC"), (6, 7, "MISC")]
    assert tags_to_spans(["b-org", "i-org", "o"]) == [(0, 2, "ORG")]


def test_markup_file_and_language_detection(tmp_path: Path) -> None:
    path = tmp_path / "gold"
    path.write_text("# comment\n[PER Joe Biden] visited [LOC Kabul] on Monday with [ORG NATO] officials .\n"
                    "He said the talks in the capital had gone well and would continue next week .\n",
                    encoding="utf-8")
    [document] = read_conll(path)
    assert tags_to_spans([tag for _, tag in document.sentences[0]]) == [(0, 2, "PER"), (3, 4, "LOC"), (7, 8, "ORG")]
    assert detect_file_language([document]) == "en"


def test_running_text_is_written_out_with_each_token_offset() -> None:
    sentence = [(w, "O") for w in ["Mr", "Rees-Mogg", "'s", "aide", "(", "Reuters", ")", "said", ",", "$", "5", "."]]
    text, offsets = detokenize(sentence)
    assert text == "Mr Rees-Mogg's aide (Reuters) said, $5."
    assert [text[o:o + len(w)] for o, (w, _) in zip(offsets, sentence, strict=True)] == [w for w, _ in sentence]


def test_the_stage_is_scored_on_running_text_by_characters(tmp_path: Path) -> None:
    path = tmp_path / "gold.txt"
    path.write_text("[PER Jacob Rees-Mogg] visited [LOC Kabul] on Monday , officials said .\n", encoding="utf-8")
    scores = evaluate_raw("en", read_conll(path))
    assert scores.prf() == (1.0, 1.0, 1.0)  # the hyphenated name is one token of running text, as in the file


def test_topic_files_are_told_from_ner_files() -> None:
    assert is_topic_file(Path("labels.jsonl")) and is_topic_file(Path("labels.csv.gz"))
    assert not is_topic_file(Path("ned.testb")) and not is_topic_file(Path("eng.testb.txt"))


def test_the_one_quality_command_scores_running_text_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import quality

    path = tmp_path / "gold.txt"
    path.write_text("[PER Jacob Rees-Mogg] visited [LOC Kabul] on Monday , officials said .\n", encoding="utf-8")
    quality.main([str(path), "--lang-of", f"{path}=en", "--no-speed"])
    out = capsys.readouterr().out
    assert "on running text, a sentence a line" in out and "the headline, then the body in one paragraph" in out
    quality.main([str(path), "--lang-of", f"{path}=en", "--no-speed", "--no-raw"])
    assert "on running text" not in capsys.readouterr().out
