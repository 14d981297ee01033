"""Behaviour of the keyword stage: a handful of content phrases, never stopwords."""

from __future__ import annotations

from pathlib import Path

from worker.article import Article, Entity
from worker.tagging.keywords import STOP_WORDS, TOKEN_RE, _alias_key, _normalise, extract_keywords, tag_keywords

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_915c5c8c3194a4b4.txt"

ENGLISH = (
    "Heatwave pushes UK power prices to record",
    "Wholesale electricity prices in the UK hit a record on Tuesday as a heatwave drove up demand for air "
    "conditioning and wind output fell. National Grid said the system remained secure. Traders expect "
    "electricity prices to stay high while the heatwave lasts into the weekend.",
)


def seed_article() -> Article:
    body = SEED.read_text(encoding="utf-8")
    return Article(id="s", source="seed", title="", body=body, content_hash="h", language="nl")


def test_seed_keywords_name_afghanistan_and_the_troops() -> None:
    (tagged,) = tag_keywords([seed_article()])
    lowered = [k.lower() for k in tagged.keywords]
    assert 3 <= len(tagged.keywords) <= 8
    assert any("afghanistan" in k for k in lowered)
    assert any(w in k for k in lowered for w in ("troepen", "militairen", "soldaten", "terugtrekking"))


def test_no_phrase_is_or_starts_or_ends_with_a_stopword() -> None:
    for title, body, language in ((*ENGLISH, "en"), ("", seed_article().body, "nl")):
        stop = STOP_WORDS[language]
        for phrase in extract_keywords(title, body, language):
            words = phrase.lower().split()
            assert words and words[0] not in stop and words[-1] not in stop, phrase


def test_keywords_are_distinct_and_limited() -> None:
    keywords = extract_keywords(*ENGLISH, "en", limit=3)
    assert len(keywords) == 3
    assert len({k.lower() for k in keywords}) == 3
    assert any("electricity prices" in k.lower() or "heatwave" in k.lower() for k in keywords)


def test_empty_text_gives_no_keywords() -> None:
    assert extract_keywords("", "", "en") == []
    assert extract_keywords("", "De en het, of: 12 %.", "nl") == []


def test_entity_names_may_be_key_phrases_when_mentioned_once() -> None:
    article = seed_article().model_copy(
        update={"entities": [Entity(text="Osama Bin Laden", type="PER", forms=["Osama Bin Laden"])]}
    )
    (with_entities,) = tag_keywords([article])
    (without,) = tag_keywords([seed_article()])
    assert "Osama Bin Laden" in with_entities.keywords
    assert "Osama Bin Laden" not in without.keywords


def test_possessives_and_headline_case_are_merged() -> None:
    keywords = extract_keywords(
        "Fossil of giant penguin found in New Zealand",
        "Scientists in New Zealand identified a giant penguin. New Zealand's museum will show the "
        "penguin, and New Zealand's schools will visit it.",
        "en",
    )
    assert "New Zealand" in keywords
    assert not any(k.endswith("'s") for k in keywords)
    assert len({k.lower() for k in keywords}) == len(keywords)


def test_one_entity_gives_one_keyword_whatever_its_forms() -> None:
    united_states = Entity(text="Verenigde Staten", type="LOC", forms=["Verenigde Staten", "VS"])
    article = seed_article().model_copy(update={"entities": [united_states]})
    (with_entities,) = tag_keywords([article])
    (without,) = tag_keywords([seed_article()])
    assert {"Verenigde Staten", "VS"} <= set(without.keywords)  # both forms score high on their own
    assert len({"Verenigde Staten", "VS"} & set(with_entities.keywords)) == 1


def test_a_run_together_dump_is_never_a_keyword() -> None:
    from worker.tagging.keywords import MAX_WORD_CHARS, extract_keywords

    dump = "a" * 40_000
    text = f"De gemeenteraad besprak de begroting. {dump} De begroting voor de gemeenteraad werd aangenomen."
    keywords = extract_keywords("Begroting", text, "nl")
    assert keywords and all(len(word) <= MAX_WORD_CHARS for k in keywords for word in k.split())


def test_alias_keys_are_the_words_the_scan_counts() -> None:
    forms = ["Antony Blinken", "New  York\n", "Florida's", "U.S.", "O'Neil", "AC/DC", "Ⅻ Legion", "x² y", "Dvořák",
             "ΣΟΦΙΑ", "Straße", "İstanbul", "3M", "", "  ", "a_b", "Jean-Luc Picard", "Noord-Holland’s"]
    for form in forms:
        assert _alias_key(form) == tuple(_normalise(t) for t in TOKEN_RE.findall(form) if t[0].isalpha()), form
    assert _alias_key("Antony Blinken") == ("antony", "blinken")
    assert _alias_key("Florida's") == ("florida",)


def test_grams_are_counted_inside_run_pieces_with_their_first_occurrence() -> None:
    from worker.tagging.keywords import MAX_RUN_WORDS, STOP_WORDS_ANY, _grams, _Scan, _scan

    scan = _Scan()
    text = ("Rishi Sunak met Joe Biden. Rishi Sunak and Joe Biden talked trade; Joe Biden Rishi Sunak Keir Starmer "
            "Ed Davey Nigel Farage spoke. Joe Biden left.")
    _scan(text, STOP_WORDS_ANY, scan)
    grams = _grams(scan)
    # the plain reading: every 2- and 3-gram inside a piece of at most MAX_RUN_WORDS words of a run
    expected: dict[tuple[str, ...], list[int]] = {}
    for run_start, run_end in scan.runs:
        for piece in range(run_start, run_end, MAX_RUN_WORDS):
            end = min(piece + MAX_RUN_WORDS, run_end)
            for i in range(piece, end):
                for n in (2, 3):
                    if i + n <= end:
                        expected.setdefault(tuple(scan.normalised[i:i + n]), []).append(i)
    for words, starts in expected.items():
        n = len(words)
        assert grams.counts[n][words] == len(starts) and grams.first[n][words] == starts[0], words
        assert grams.positions(words) == starts
    assert set(grams.counts[2]) | set(grams.counts[3]) == set(expected)
    assert grams.counts[2][("joe", "biden")] == 4
