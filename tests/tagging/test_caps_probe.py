"""The capitals probe of bench.ner_quality: headlines in capitals, the rest of the article as written."""

from __future__ import annotations

from bench.ner_quality import capitals_probe


def test_the_first_sentences_are_upper_cased_and_only_they_are_scored():
    unit = [[("Ben", "B-PER"), ("Stokes", "I-PER"), ("wins", "O")], [("He", "O"), ("won", "O"), (".", "O")]]
    probed, limits = capitals_probe([unit], 1)
    assert probed[0][0] == [("BEN", "B-PER"), ("STOKES", "I-PER"), ("WINS", "O")]
    assert probed[0][1] == unit[1]  # the rest as written
    assert limits == [3]
    probed, limits = capitals_probe([unit], 5)  # more sentences than the unit has: all of them
    assert limits == [6] and probed[0][1][0] == ("HE", "O")
