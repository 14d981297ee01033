"""bench.extraction's outside check: newspaper4k's test pages with the texts its tests expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import extraction, trafilatura_eval
from tests.sdist import write_newspaper4k_sdist

PAGE = (
    "<html><head><title>Dam opens</title></head><body><nav>Home | World | Sport</nav><article><h1>Dam opens</h1>"
    + "".join(f"<p>The new dam on the river opened on Monday after {n} years of building, officials said.</p>"
              for n in range(2, 9))
    + "</article><footer>Copyright</footer></body></html>"
)
EXPECTED = " ".join(f"The new dam on the river opened on Monday after {n} years of building, officials said."
                    for n in range(2, 9))


def test_pages_pair_html_with_expected_text(tmp_path: Path) -> None:
    write_newspaper4k_sdist(tmp_path, {"tests/data/html/dam.html": PAGE, "tests/data/txt/dam.txt": EXPECTED,
                                       "tests/data/html/no_text.html": PAGE, "tests/data/txt/summary_only.txt": "x",
                                       "tests/data/metadata/dam.json": "{}"})
    htmls, texts = extraction.newspaper4k_pages(tmp_path)
    assert list(htmls) == ["dam"] and htmls["dam"] == PAGE and texts == {"dam": EXPECTED}


def test_latin_script_tells_where_words_split() -> None:
    assert extraction.latin_script("Riga ir Latvijas galvaspilsēta.")
    assert not extraction.latin_script("東京は日本の首都です。Tokyo")
    assert not extraction.latin_script("1234 !!")


def test_newspaper4k_run_scores_every_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_newspaper4k_sdist(tmp_path, {"tests/data/html/dam.html": PAGE, "tests/data/txt/dam.txt": EXPECTED})
    assert extraction.main(["--newspaper4k", "--cache", str(tmp_path), "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert "Latin script (1)" in out and "all (1)" in out
    chain = next(line for line in out.splitlines() if line.startswith("chain "))
    assert "1.000/1.000/1.000" in chain  # the article's seven paragraphs, no navigation or footer


DATA_GO = '''package main

var comparisonData = map[string]ComparisonEntry{
\t"https://example.org/a": {
\t\tFile:    "a.html",
\t\tTitle:   "A \\"quoted\\" title",
\t\tWith:    []string{"Die Stadt baut", "eine neue Br\\u00fccke"},
\t\tWithout: []string{"Impressum", "Cookies & Tracking"},
\t},
\t"https://example.org/b": {
\t\tFile:    "b.html",
\t\tWith:    []string{"only one"},
\t\tWithout: []string{},
\t},
}
'''


def test_trafilatura_eval_reads_each_entry_of_data_go() -> None:
    entries = trafilatura_eval.parse_entries(DATA_GO)
    assert entries == [
        ("https://example.org/a", "a.html", ("Die Stadt baut", "eine neue Brücke"),
         ("Impressum", "Cookies & Tracking")),
        ("https://example.org/b", "b.html", ("only one",), ()),
    ]


def test_trafilatura_eval_counts_snippets_as_trafilatura_does() -> None:
    page = trafilatura_eval.EvalPage("u", "a.html", "", ("Die Stadt baut", "eine neue Brücke"),
                                     ("Impressum", "Cookies"))
    counts = trafilatura_eval.snippet_counts("Die  Stadt\nbaut heute.\nImpressum", page)
    assert counts == (1, 1, 1, 1)  # whitespace collapsed: found; missing; boilerplate found; boilerplate absent
    assert trafilatura_eval.summary([counts, (2, 0, 0, 2)]) == (0.75, 0.75, 0.75, 0.75)


def test_shingles_count_word_order_and_case_and_every_page_weighs_the_same() -> None:
    expected = "The new dam on the river opened on Monday"
    assert extraction.shingle_counts(expected, expected) == (1.0, 0.0, 0.0)
    # the same words in another order share no 4-word shingle, where a bag of words would see no difference
    assert extraction.shingle_counts("on Monday opened the river on the new dam The", expected)[0] == 0.0
    # case counts: lower-cased, the two shingles holding "The" or "Monday" no longer match (4 of 8 in all)
    assert extraction.shingle_counts(expected.lower(), expected) == (0.5, 0.25, 0.25)
    half = extraction.shingle_counts("The new dam on the", expected)  # 2 of the 6 expected shingles
    assert half == pytest.approx((2 / 6, 0.0, 4 / 6))
    # an empty extraction counts against recall only; precision is the mean over the pages that gave text
    precision, recall, f1 = extraction.shingle_prf([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])
    assert (precision, recall) == (1.0, 0.5) and f1 == pytest.approx(2 / 3)


def test_bench_quality_scores_extraction_on_a_directory_of_pages(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from bench import quality

    (tmp_path / "dam.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "dam.txt").write_text(EXPECTED, encoding="utf-8")
    assert quality.main(["--extraction", str(tmp_path), "--no-speed"]) == 0
    out = capsys.readouterr().out
    assert "=== page extraction" in out and "4-word shingles" in out
    shingle_section = out.split("4-word shingles", 1)[1]
    chain = next(line for line in shingle_section.splitlines() if line.startswith("chain"))
    assert chain.split()[1].startswith("1.000/1.000/1.000")
    with pytest.raises(SystemExit):
        quality.main(["--extraction", str(tmp_path / "missing")])
