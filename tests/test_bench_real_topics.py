"""The real-news topic check's labels and loading (bench/real_topics.py, data/topics/README.md session 25)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from bench import real_news, real_topics

TOP_LEVEL = {f"{n:02d}000000" for n in range(1, 18)}


def test_label_lines_need_distinct_top_level_codes() -> None:
    assert real_topics.parse_labels(["lee_001\t16000000,11000000", "", "lee_002\t15000000"], TOP_LEVEL) == {
        "lee_001": ["16000000", "11000000"], "lee_002": ["15000000"]}
    for bad in (["lee_001\t"], ["lee_001\t99000000"], ["lee_001\t15000000,15000000"], ["lee_001\t20000000"]):
        with pytest.raises(SystemExit, match="line 1"):
            real_topics.parse_labels(bad, TOP_LEVEL)
    with pytest.raises(SystemExit, match="lee_001 labelled twice"):
        real_topics.parse_labels(["lee_001\t15000000", "lee_001\t11000000"], TOP_LEVEL)


def test_build_writes_labels_and_hashes_from_the_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with zipfile.ZipFile(tmp_path / real_topics.CORPUS.archive, "w") as wheel:
        wheel.writestr(real_topics.CORPUS.inside, "Fire near Sydney.\nCricket in Perth.")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"articles": [{"name": "lee_000", "split": "dev", "sha256": "", "topics": []},
                                               {"name": "lee_001", "split": "heldout", "sha256": "", "topics": []}]}))
    tsv = tmp_path / "a.tsv"
    tsv.write_text("lee_001\t15000000\nlee_000\t03000000,17000000\n")
    real_topics.build([tsv], tmp_path, labels)
    articles = real_topics.load_labels(labels)
    assert [(a["name"], a["split"], a["topics"]) for a in articles] == [
        ("lee_000", "dev", ["03000000", "17000000"]), ("lee_001", "heldout", ["15000000"])]
    assert articles[0]["sha256"] == real_news.sha256("Fire near Sydney.")
    rows = real_topics.rows(articles, {"lee_000": "Fire near Sydney.", "lee_001": "Cricket in Perth."})
    assert rows[1] == {"id": "lee_001", "language": "en", "title": "", "text": "Cricket in Perth.",
                       "topics": ["15000000"], "split": "heldout"}
    tsv.write_text("lee_001\t15000000\n")
    with pytest.raises(SystemExit, match="no labels for 1 articles"):
        real_topics.build([tsv], tmp_path, labels)


def test_the_labels_keep_the_split_fixed_before_labelling() -> None:
    articles = real_topics.load_labels()
    splits = {a["name"]: a["split"] for a in articles}
    assert len(articles) == 286 and list(splits.values()).count("dev") == 143
    entity_splits = {a["name"]: a["split"] for a in real_news.load_annotations(real_news.CORPORA["lee"].annotations)}
    # the entity check's first two splits (session 25) are the topic split's; the later ones (session 29: dev2,
    # heldout2, dev3, heldout3) were drawn from the rest without it and cross it (data/topics/README.md)
    first = {name: split for name, split in entity_splits.items() if split in ("dev", "heldout")}
    assert len(first) == 80 and all(splits[name] == split for name, split in first.items())
    assert all(len(a["sha256"]) == 64 and a["topics"] and set(a["topics"]) <= TOP_LEVEL for a in articles)


def test_quality_real_news_scores_entities_and_topics(monkeypatch: pytest.MonkeyPatch) -> None:
    # bench.quality is the one command that prints every quality figure: --real-news runs both real-news checks.
    from bench import quality

    called: list[str] = []

    def recorder(name: str) -> Callable[[Sequence[str]], int]:
        def main(argv: Sequence[str]) -> int:
            called.append(name)
            return 0
        return main

    monkeypatch.setattr(real_news, "main", recorder("entities"))
    monkeypatch.setattr(real_topics, "main", recorder("topics"))
    assert quality.main(["--real-news"]) == 0
    assert called == ["entities", "topics"]


def test_the_leecor_labels_are_all_held_out_and_built_for_their_own_corpus(tmp_path: Path) -> None:
    corpus, labels = real_topics.CORPORA["leecor"]
    articles = real_topics.load_labels(labels)
    assert [a["name"] for a in articles] == [f"leecor_{i:03d}" for i in range(50)]
    assert {a["split"] for a in articles} == {"heldout"}
    assert all(len(a["sha256"]) == 64 and a["topics"] and set(a["topics"]) <= TOP_LEVEL for a in articles)
    # build reads the corpus it is given (lee.cor is Latin-1), not the background file
    with zipfile.ZipFile(tmp_path / corpus.archive, "w") as wheel:
        wheel.writestr(corpus.inside, "A \xa3400 million plan.".encode("latin-1"))
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"articles": [{"name": "leecor_000", "split": "heldout"}]}))
    tsv = tmp_path / "a.tsv"
    tsv.write_text("leecor_000\t04000000\n")
    real_topics.build([tsv], tmp_path, path, corpus)
    assert real_topics.load_labels(path)[0]["sha256"] == real_news.sha256("A £400 million plan.")


def test_the_outside_pages_labels_keep_the_split_their_names_give() -> None:
    # session 48: the English news pages of the extraction sets; dev when the name's SHA-256 starts even
    import hashlib

    document = json.loads(real_topics.OUTSIDE_LABELS.read_text(encoding="utf-8"))
    articles = document["articles"]
    assert len(articles) == 139 and not {a["name"] for a in articles} & set(document["not_news"])
    for a in articles:
        even = int(hashlib.sha256(a["name"].encode()).hexdigest()[:8], 16) % 2 == 0
        assert a["split"] == ("dev" if even else "heldout")
        assert len(a["sha256"]) == 64 and a["topics"] and set(a["topics"]) <= TOP_LEVEL
    assert sum(a["split"] == "dev" for a in articles) == 71


def test_outside_pages_are_checked_and_read_by_the_worker_extraction(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    html = ("<html><head><title>Council votes on budget</title></head><body><article><h1>Council votes on budget</h1>"
            + "<p>The council voted on Tuesday to raise the city budget for schools and roads next year.</p>" * 8
            + "</article></body></html>")
    monkeypatch.setattr(real_topics, "outside_pages", lambda cache: {"te:x.html": ("https://news.example/x", html)})
    article = {"name": "te:x.html", "split": "dev", "sha256": real_news.sha256(html), "topics": ["11000000"]}
    ((title, text),) = real_topics.outside_texts([article], tmp_path).values()
    assert "Council votes on budget" in title and text.startswith("The council voted on Tuesday")
    with pytest.raises(SystemExit, match="not the one labelled"):
        real_topics.outside_texts([{**article, "sha256": "0" * 64}], tmp_path)
