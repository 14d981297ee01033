"""scripts/overlap_check.py: new data articles too close to protected ones are listed to drop."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import overlap_check  # noqa: E402

PROTECTED = """[ORG Ajax] wint van [ORG PSV]
De ploeg van trainer [PER Co Adriaanse] won gisteren in [LOC Amsterdam] met 2-1 van de kampioen .
[PER Jan Jansen] , [PER Piet Pieters] , [PER Kees Smit] en [PER Henk de Vries] scoorden niet .
Ook [ORG Feyenoord] , [ORG Vitesse] en [ORG Twente] wonnen .
"""

SAME_STORY = """[ORG Ajax] te sterk
De ploeg van trainer [PER Co Adriaanse] won gisteren in [LOC Amsterdam] met 2-1 van de kampioen .
"""

SAME_NAMES = """Speelronde
[PER Jan Jansen] en [PER Piet Pieters] spelen bij [ORG Ajax] , [PER Kees Smit] bij [ORG PSV] .
[PER Henk de Vries] ging naar [ORG Feyenoord] ; [ORG Vitesse] kocht niemand .
"""

UNRELATED = """Regen in [LOC Zeeland]
Het regende gisteren de hele dag in [LOC Middelburg] en omstreken , meldde het [ORG KNMI] .
"""


def _write(tmp_path: Path, name: str, *articles: str) -> Path:
    path = tmp_path / name
    path.write_text("# a comment line\n" + "\n".join(articles), encoding="utf-8")
    return path


def _drops(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert overlap_check.main(argv) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_an_article_retelling_a_protected_sentence_is_dropped(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    protected = _write(tmp_path, "heldout.txt", PROTECTED)
    new = _write(tmp_path, "new.txt", UNRELATED, SAME_STORY)
    assert _drops(capsys, [str(new), "--against", str(protected)]).endswith("drop: [1]")


def test_an_article_sharing_seven_person_or_organisation_names_is_dropped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    protected = _write(tmp_path, "heldout.txt", PROTECTED)
    new = _write(tmp_path, "new.txt", SAME_NAMES, UNRELATED)
    assert _drops(capsys, [str(new), "--against", str(protected)]).endswith("drop: [0]")
    # it shares eight (Jan Jansen, Piet Pieters, Kees Smit, Henk de Vries, Ajax, PSV, Feyenoord, Vitesse)
    assert _drops(capsys, [str(new), "--against", str(protected), "--max-names", "8"]).endswith("drop: [0]")
    assert _drops(capsys, [str(new), "--against", str(protected), "--max-names", "9"]).endswith("drop: []")


def test_plain_text_names_are_capitalised_runs_that_do_not_open_a_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    protected = _write(tmp_path, "heldout.txt", PROTECTED)
    plain = tmp_path / "prose.txt"
    plain.write_text("Speelronde\nJan Jansen en Piet Pieters spelen bij Ajax, Kees Smit bij PSV. Henk de Vries ging "
                     "naar Feyenoord; Vitesse kocht niemand.\n\nRegen\nHet regende in Middelburg.\n", encoding="utf-8")
    assert overlap_check.capitalised_runs(["Het", "regende", "in", "Middelburg", "."]) == {"middelburg"}
    # "Henk de Vries" opens a sentence: its run is "Vries" alone ("de" is lower case), so six names are shared
    assert _drops(capsys, [str(plain), "--plain", "--against", str(protected)]).endswith("drop: []")
    assert _drops(capsys, [str(plain), "--plain", "--against", str(protected), "--max-names", "6"]
                  ).endswith("drop: [0]")
