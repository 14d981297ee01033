"""Reading labelled topic files for the topic bench: our JSONL, other JSONL/JSON layouts, CSV and TSV."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from bench.topic_quality import LabelledFileError, language_code, load_rows, topic_code, topic_codes

SPORT_EN = "The striker scored twice as the home side won the league match on Saturday in front of a full stadium."
POLITICS_NL = "De Tweede Kamer heeft dinsdag ingestemd met het wetsvoorstel van de minister over de nieuwe belasting."


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("15000000", "15000000"),
        (15000000, "15000000"),
        (1000000, "01000000"),  # a code stored as a number loses its leading zero
        ("medtop:16000000", "16000000"),
        ("http://cv.iptc.org/newscodes/mediatopic/11000000", "11000000"),
        ("medtop:20000822", "15000000"),  # a narrower Media Topic counts for its top-level topic
        ("subj:15008000", "15000000"),  # an old IPTC Subject Code
        ("sport", "15000000"),
        ("Sports", "15000000"),
        ("Politics", "11000000"),
        ("economy, business and finance", "04000000"),
        ("Sci/Tech", "13000000"),
        ("human interest", "08000000"),
        ("labor", "09000000"),
        ("unrest, conflicts and war", "16000000"),
        ("misdaad, recht en justitie", "02000000"),
        ({"code": "medtop:17000000", "label": "weather"}, "17000000"),
        ("football", "15000000"),
        ("nonsense", None),
        ("42", None),
    ],
)
def test_topic_code_reads_codes_and_names(label: object, code: str | None) -> None:
    assert topic_code(label) == code


def test_topic_codes_keeps_order_drops_repeats_and_reports_unknown_labels() -> None:
    unknown: Counter[str] = Counter()
    assert topic_codes(["medtop:16000000", "11000000", "16000000"]) == ["16000000", "11000000"]
    assert topic_codes("sport|politics") == ["15000000", "11000000"]
    assert topic_codes("crime, law and justice; society") == ["02000000", "14000000"]
    assert topic_codes("politics, health") == ["11000000", "07000000"]
    assert topic_codes("15000000 11000000") == ["15000000", "11000000"]
    assert topic_codes('["04000000", "09000000"]') == ["04000000", "09000000"]
    assert topic_codes(["sport", "quidditch"], unknown) == ["15000000"]
    assert unknown == Counter({"quidditch": 1})
    assert topic_codes(None) == []


def test_language_code_accepts_tags_and_names() -> None:
    assert [language_code(v) for v in ("en", "EN-gb", "nl_BE", "English", "Nederlands", None)] == [
        "en",
        "en",
        "nl",
        "en",
        "nl",
        "",
    ]


def test_our_jsonl_defaults_to_the_heldout_split(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {"id": "a", "language": "en", "text": SPORT_EN, "topics": ["15000000"], "split": "train"},
            {"id": "b", "language": "nl", "text": POLITICS_NL, "topics": ["11000000"], "split": "heldout"},
        ],
    )
    assert [r["id"] for r in load_rows(path)] == ["b"]
    assert [r["id"] for r in load_rows(path, "all")] == ["a", "b"]
    assert [r["id"] for r in load_rows(path, "train")] == ["a"]


def test_other_jsonl_layout_with_names_body_and_detected_language(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "theirs.jsonl",
        [
            {"headline": "Cup win", "content": SPORT_EN, "labels": ["Sport", "medtop:20000822"], "split": "test"},
            {"body": POLITICS_NL, "label": "politics", "lang": "nl-NL", "split": "test"},
            {"body": POLITICS_NL, "label": "politics", "split": "dev"},
        ],
    )
    report: dict = {}
    rows = load_rows(path, report=report)
    assert report["split"] == "test" and report["language_detected"] == 1
    assert rows[0] == {"id": "0", "language": "en", "title": "Cup win", "text": SPORT_EN, "topics": ["15000000"]}
    assert rows[1]["language"] == "nl" and rows[1]["topics"] == ["11000000"] and rows[1]["title"] == ""


def test_csv_and_tsv_with_header(tmp_path: Path) -> None:
    csv_path = tmp_path / "labelled.csv"
    csv_path.write_text(
        "id,title,text,iptc,language\n"
        f'1,Cup win,"{SPORT_EN}","15000000,11000000",en\n'
        f'2,Kamer stemt in,"{POLITICS_NL}",politics and government,nl\n',
        encoding="utf-8",
    )
    rows = load_rows(csv_path)
    assert [r["topics"] for r in rows] == [["15000000", "11000000"], ["11000000"]]
    assert [r["language"] for r in rows] == ["en", "nl"]

    tsv_path = tmp_path / "labelled.tsv"
    tsv_path.write_text(f"Body\tTopics\n{SPORT_EN}\tmedtop:15000000|sport\n", encoding="utf-8")
    (row,) = load_rows(tsv_path)
    assert row["topics"] == ["15000000"] and row["language"] == "en" and row["text"] == SPORT_EN


def test_json_list_and_gzip(tmp_path: Path) -> None:
    records = [{"text": SPORT_EN, "category": "sports"}, {"text": "", "category": "sports"}]
    path = tmp_path / "labelled.json"
    path.write_text(json.dumps({"articles": records}), encoding="utf-8")
    report: dict = {}
    assert [r["topics"] for r in load_rows(path, report=report)] == [["15000000"]]
    assert report["skipped_no_text"] == 1
    gz = tmp_path / "labelled.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(records[0]) + "\n")
    assert len(load_rows(gz)) == 1


def test_file_without_usable_labels_says_what_is_expected(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "bad.jsonl", [{"text": SPORT_EN, "class": 2}, {"text": SPORT_EN, "topics": ["x"]}])
    with pytest.raises(LabelledFileError, match="IPTC label"):
        load_rows(path)
