"""Language identification: CLD2 for confident Dutch and English, py3langid for everything else."""

from __future__ import annotations

import pytest

from worker.article import Article
from worker.tagging import language
from worker.tagging.language import detect_language, tag_language

DUTCH = ("Het kabinet in Den Haag besprak dinsdag de begroting voor volgend jaar. De minister van Financiën zei dat "
         "de tekorten oplopen omdat de uitgaven aan defensie en energie stijgen. De oppositie wil dat het kabinet de "
         "lasten voor gezinnen verlaagt en noemt de plannen onevenwichtig. Volgende week debatteert de Tweede Kamer "
         "over de begroting.")
ENGLISH = ("The government in London discussed the budget on Tuesday. The chancellor said deficits were growing "
           "because spending on defence and energy keeps rising.")
GERMAN = ("Die Bundesregierung hat am Dienstag in Berlin einen neuen Haushaltsentwurf vorgestellt. Der Finanzminister "
          "sagte, die Schulden würden im kommenden Jahr deutlich steigen.")
FRISIAN = ("It regear hat tiisdei yn De Haach in nije begrutting presintearre. De minister fan Finânsjes sei dat de "
           "skulden takom jier flink omheech gean sille.")


def test_dutch_and_english_are_read_by_cld2_with_its_share_as_confidence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language, "_identifier", lambda: pytest.fail("py3langid asked about a clear text"))
    code, confidence = detect_language(DUTCH)
    assert code == "nl" and 0.9 <= confidence <= 1.0
    assert detect_language(ENGLISH)[0] == "en"


def test_other_languages_and_unsure_texts_keep_py3langid() -> None:
    assert detect_language(GERMAN)[0] == "de"
    assert detect_language(FRISIAN)[0] == "fy"  # not Dutch, though close to it
    assert detect_language("Budget talks")[0] == "und"  # too short for either to be sure
    assert detect_language("   \n") == ("und", 0.0)


def test_text_cld2_cannot_read_goes_to_py3langid() -> None:
    broken = ENGLISH + " \udcff lone surrogate"  # not valid UTF-8: CLD2 raises, py3langid still answers
    assert language._cld2(broken[-40:]) is None
    assert detect_language(DUTCH[:200] + "\udcff")[0] == "nl"
    short = DUTCH[:170]  # CLD2 is unsure of so little text (half of it Dutch, unreliable): py3langid decides
    assert language._cld2(short) is None and detect_language(short)[0] == "nl"


def test_a_declared_language_is_kept_and_others_detected() -> None:
    declared = Article(id="a", source="t", title="Budget", body=ENGLISH, content_hash="a", declared_language="nl-BE")
    detected = Article(id="b", source="t", title="Begroting", body=DUTCH, content_hash="b")
    first, second = tag_language([declared, detected])
    assert (first.language, first.language_confidence) == ("nl", 1.0)
    assert second.language == "nl" and second.language_confidence >= 0.9
