"""Case evidence: all-caps wire lines restored before NER, capitalised common words told from names."""

from __future__ import annotations

import hashlib

import spacy
from spacy.tokens import Doc, Span

from worker.article import Article
from worker.tagging import gazetteer
from worker.tagging.casing import common_word_at_sentence_start, name_compound, truecase_doc, truecase_word
from worker.tagging.entities import tag_entities
from worker.tagging.entity_rules import strip_titles, trim_edges


def make_article(body: str, *, language: str, title: str) -> Article:
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    digest = hashlib.sha1(body.encode()).hexdigest()
    return Article(id=digest[:16], source="test", title=title, body="\n\n".join(paragraphs),
                   paragraphs=paragraphs, content_hash=digest, language=language)


def test_shouted_words_get_the_case_an_editor_would_give_them():
    assert truecase_word("JAPAN", "en", first=False) == "Japan"  # a known name
    assert truecase_word("BEAT", "en", first=False) == "beat"  # a common word
    assert truecase_word("SOCCER", "en", first=True) == "Soccer"  # a common word opening the line
    assert truecase_word("NATO", "en", first=False) == "NATO"  # an acronym the gazetteer knows as such
    assert truecase_word("WFP", "en", first=False) == "WFP"  # no vowel: an acronym
    assert truecase_word("U.S.", "en", first=False) == "U.S."
    assert truecase_word("KABOEL", "nl", first=False) == "Kaboel"
    assert truecase_word("Japan", "en", first=False) == "Japan"  # not shouted: untouched


def test_a_known_place_opening_with_the_keeps_its_capital():
    nlp = spacy.blank("en")
    cased = truecase_doc(nlp("WAR CRIMES COURT JAILS SOLDIER .\nTHE HAGUE 1996-11-29\nThe court ruled ."))
    assert "\nThe Hague 1996-11-29\n" in cased.text  # "the Hague" is no name in the gazetteer
    cased = truecase_doc(nlp("NASA PROBE FLIES CLOSER TO THE SUN .\nWASHINGTON 1996-08-02\nThe probe flew ."))
    assert "The Sun" not in cased.text  # a newspaper, not a place: the article stays lower case


def test_only_all_caps_lines_are_rewritten_and_offsets_stay_valid():
    nlp = spacy.blank("en")
    text = "SOCCER - JAPAN BEAT SYRIA IN ASIAN CUP OPENER .\nDOHA 2026-01-12\nThe NATO summit in Japan went well ."
    doc = nlp(text)
    cased = truecase_doc(doc)
    # "Asian Cup" is a competition the gazetteer knows (session 35), so it keeps both capitals
    assert cased.text == "Soccer - Japan beat Syria in Asian Cup opener .\nDoha 2026-01-12\n" \
                         "The NATO summit in Japan went well ."
    assert len(cased.text) == len(text)
    assert [t.idx for t in cased] == [t.idx for t in doc]
    plain = nlp("The NATO summit in Japan went well .")
    assert truecase_doc(plain) is plain  # nothing shouted: the same doc, no copy


def test_a_list_of_acronyms_is_not_a_shouted_line():
    doc = spacy.blank("nl")("EU en NAVO\nDe VN vergadert .")
    assert truecase_doc(doc) is doc


def test_wire_headline_entities_are_found_after_truecasing():
    body = "RUGBY - ENGLAND NAME UNCHANGED SIDE FOR WALES TEST .\n\nLONDON 2026-02-20\n\n" \
           "England named an unchanged team on Thursday for Saturday's match against Wales ."
    [tagged] = tag_entities([make_article(body, language="en", title="Rugby")])
    found = {(e.type, e.text) for e in tagged.entities}
    assert ("LOC", "London") in found  # the dateline city, no longer "LONDON 2026-02-20"
    assert ("LOC", "Wales") in found


def _doc_with_ent(words: list[str], start: int, end: int, label: str, lang: str = "nl") -> Doc:
    doc = Doc(spacy.blank(lang).vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label)]
    return doc


def test_capitalised_common_word_at_sentence_start_is_not_a_name():
    doc = _doc_with_ent(["Het", "steeg", ".", "Ruim", "8", "procent", "meer", "."], 3, 4, "LOC")
    assert common_word_at_sentence_start(doc, 3, 4, "LOC")
    # a known name, a word capitalised elsewhere in the text, or a word inside a sentence are kept
    doc = _doc_with_ent(["Nederland", "wint", "."], 0, 1, "LOC")
    assert not common_word_at_sentence_start(doc, 0, 1, "LOC")
    doc = _doc_with_ent(["Ruim", "zei", "het", ".", "Dat", "zei", "Ruim", "."], 0, 1, "PER")
    assert not common_word_at_sentence_start(doc, 0, 1, "PER")
    doc = _doc_with_ent(["Het", "steeg", "Ruim", "."], 2, 3, "LOC")
    assert not common_word_at_sentence_start(doc, 2, 3, "LOC")
    # a word the training data knows as a name is kept: CoNLL-2002 tags newspaper sections ("Algemeen") MISC
    doc = _doc_with_ent(["Algemeen", "Het", "steeg", "."], 0, 1, "MISC")
    assert not common_word_at_sentence_start(doc, 0, 1, "MISC")


def test_a_name_and_a_noun_in_one_word_is_a_name_also_at_sentence_start():
    # "CDA-leider" opening a sentence is no common word (ned.train: such words are MISC 337 of 399 times)
    doc = _doc_with_ent(["Het", "kan", ".", "CDA-leider", "Henri", "Bontenbal", "zei", "het", "."], 3, 4, "MISC")
    assert not common_word_at_sentence_start(doc, 3, 4, "MISC")
    assert name_compound("PSV-trainer", "nl") and name_compound("VVD-leider", "nl")
    # a common word or an abbreviation that names nothing before the hyphen is no name
    assert not name_compound("Oud-bondskanselier", "nl") and not name_compound("FM-radio", "nl")
    assert not name_compound("PSV-trainer", "en") and not name_compound("Noord-Korea", "nl")
    # cut off a person as a role word, it stays a name of its own
    doc = _doc_with_ent(["CDA-leider", "Henri", "Bontenbal", "zegt", "."], 0, 3, "PER")
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("CDA-leider", "MISC"), ("Henri Bontenbal", "PER")]
    # also where it opens a sentence before a given name without being a title word ("-icoon")
    doc = _doc_with_ent(["PSV-icoon", "Willy", "van", "der", "Kuijlen", "kwam", "."], 0, 5, "PER")
    assert [(e.text, e.label_) for e in strip_titles(doc, lambda: [True] + [False] * 6)] == [
        ("PSV-icoon", "MISC"), ("Willy van der Kuijlen", "PER")]


def test_role_words_and_nationalities_in_front_of_a_person_are_split_off():
    doc = _doc_with_ent(["Ombudsman", "Guido", "Herman", "zegt", "."], 0, 3, "PER")
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Guido Herman", "PER")]
    doc = _doc_with_ent(["William", "Van", "Laeken", "zegt", "."], 0, 3, "PER")  # a first name stays
    assert [e.text for e in strip_titles(doc)] == ["William Van Laeken"]
    doc = _doc_with_ent(["American", "Scottie", "Scheffler", "was", "second"], 0, 3, "PERSON", lang="en")
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("American", "NORP"), ("Scottie Scheffler", "PERSON")]
    doc = _doc_with_ent(["Onderwijskundige", "Fatma", "Yilmaz", "zegt", "."], 0, 3, "PER")  # a role ending
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Fatma Yilmaz", "PER")]


def test_what_is_left_after_a_role_word_is_a_person_unless_it_names_something_else():
    doc = _doc_with_ent(["Spits", "Ayase", "Ueda", "scoorde", "."], 0, 3, "ORG")
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Ayase Ueda", "PER")]
    doc = _doc_with_ent(["Directeur", "Stichting", "Pieter", "Baan", "zei", "."], 0, 4, "ORG")  # a kind word
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Stichting Pieter Baan", "ORG")]

def test_a_dutch_sentences_opening_word_glued_to_a_given_name_is_cut_off():
    def starts_at(*indexes: int):
        return lambda: [i in indexes for i in range(10)]

    doc = _doc_with_ent(["Teambaas", "Laurent", "Mekies", "zei", "het", "."], 0, 3, "PER")
    assert [(e.text, e.label_) for e in strip_titles(doc, starts_at(0))] == [("Laurent Mekies", "PER")]
    doc = _doc_with_ent(["Hoofdrolspeelster", "Priya", "Ramdin", "won", "."], 0, 3, "ORG")  # the model's ORG
    assert [(e.text, e.label_) for e in strip_titles(doc, starts_at(0))] == [("Priya Ramdin", "PER")]
    # not at a sentence start, a given name first, a place, a kind word after the name, or English: kept
    doc = _doc_with_ent(["zei", "Teambaas", "Laurent", "Mekies", "."], 1, 4, "PER")
    assert [e.text for e in strip_titles(doc, starts_at(0))] == ["Teambaas Laurent Mekies"]
    doc = _doc_with_ent(["Jan", "Peter", "Balkenende", "zei", "."], 0, 3, "PER")
    assert [e.text for e in strip_titles(doc, starts_at(0))] == ["Jan Peter Balkenende"]
    doc = _doc_with_ent(["Landcommanderij", "Alden", "Bilzen", "ligt", "."], 0, 3, "LOC")
    assert [e.text for e in strip_titles(doc, starts_at(0))] == ["Landcommanderij Alden Bilzen"]
    doc = _doc_with_ent(["Zorgcentrum", "Anna", "Stichting", "zei", "."], 0, 3, "ORG")
    assert [e.text for e in strip_titles(doc, starts_at(0))] == ["Zorgcentrum Anna Stichting"]
    doc = _doc_with_ent(["Saint", "Paul", "Kent", "is", "."], 0, 3, "PERSON", lang="en")
    assert [e.text for e in strip_titles(doc, starts_at(0))] == ["Saint Paul Kent"]


def test_a_dutch_demonym_noun_before_a_given_name_is_misc_and_the_rest_a_person():
    doc = _doc_with_ent(["de", "Pool", "Hubert", "Hurkacz", "verloor", "."], 1, 4, "MISC")
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Pool", "MISC"), ("Hubert Hurkacz", "PER")]
    # a given name the list lacks: the rest is a person when it is capitalised words known as nothing else
    doc = _doc_with_ent(["de", "Joegoslaaf", "Vujadin", "Petrovic", "scoorde", "."], 1, 4, "ORG")
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Joegoslaaf", "MISC"), ("Vujadin Petrovic", "PER")]
    doc = _doc_with_ent(["de", "Europese", "Economische", "Gemeenschap", "."], 1, 4, "ORG")  # words, no person
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Europese Economische Gemeenschap", "ORG")]
    doc = _doc_with_ent(["de", "Belgische", "Rode", "Kruis", "hielp", "."], 1, 4, "ORG")  # a known organisation
    assert [(e.text, e.label_) for e in strip_titles(doc)] == [("Belgische Rode Kruis", "ORG")]

def test_a_role_word_tagged_on_its_own_before_a_person_is_no_name():
    doc = Doc(spacy.blank("nl").vocab, words=["Trainer", "Paul", "Simonis", "zei", "het", "."])
    doc.ents = [Span(doc, 0, 1, label="MISC"), Span(doc, 1, 3, label="PER")]
    assert [e.text for e in strip_titles(doc)] == ["Paul Simonis"]
    doc = Doc(spacy.blank("nl").vocab, words=["Trainer", "Simonis", "en", "Utrecht", "."])
    doc.ents = [Span(doc, 0, 1, label="MISC"), Span(doc, 3, 4, label="LOC")]  # no person right after it
    assert [e.text for e in strip_titles(doc)] == ["Trainer", "Utrecht"]


def test_scores_and_dates_glued_to_a_name_are_trimmed_but_not_from_products():
    doc = _doc_with_ent(["Ajax", "Amsterdam", "3", "Twente", "1"], 0, 3, "ORG")
    assert [e.text for e in trim_edges(doc, list(doc.ents))] == ["Ajax Amsterdam"]
    doc = _doc_with_ent(["LONDON", "2026-03-01"], 0, 2, "GPE", lang="en")
    assert [e.text for e in trim_edges(doc, list(doc.ents))] == ["LONDON"]
    doc = _doc_with_ent(["de", "Boeing", "737", "landde"], 1, 3, "MISC")
    assert [e.text for e in trim_edges(doc, list(doc.ents))] == ["Boeing 737"]


def test_nationalities_are_misc_in_the_gazetteer_without_shadowing_countries():
    assert gazetteer.lookup("nl", "Belgische").type == "MISC"
    assert gazetteer.lookup("en", "Syrians").type == "MISC"  # derived plural
    assert gazetteer.lookup("nl", "Polen").type == "LOC"  # Poland, not the Poles
    assert gazetteer.lookup("nl", "Frans") is None  # also a first name: left out


def test_dutch_organisations_lose_a_leading_article_unless_known_with_it():
    doc = _doc_with_ent(["De", "Commissie", "wil", "dat", "."], 0, 2, "ORG")
    assert [e.text for e in trim_edges(doc, list(doc.ents))] == ["Commissie"]
    doc = _doc_with_ent(["De", "Morgen", "meldt", "dat", "."], 0, 2, "ORG")  # the newspaper's name
    assert [e.text for e in trim_edges(doc, list(doc.ents))] == ["De Morgen"]
    doc = _doc_with_ent(["De", "Grauwe", "zegt", "."], 0, 2, "PER")  # a surname
    assert [e.text for e in trim_edges(doc, list(doc.ents))] == ["De Grauwe"]


def test_a_one_word_person_that_is_a_known_city_becomes_a_place_unless_it_is_a_name():
    from worker.tagging.entities import resolve

    doc = _doc_with_ent(["Hij", "woont", "in", "Sint-Niklaas", "."], 3, 4, "PER")
    assert resolve(doc.ents[0], "nl")[0] == "LOC"
    doc = _doc_with_ent(["Jan", "Antwerpen", "zegt", "."], 0, 2, "PER")  # two words: a person's name
    assert resolve(doc.ents[0], "nl")[0] == "PER"


def test_a_one_word_person_that_is_a_smaller_town_becomes_a_place_unless_it_is_a_given_name():
    from worker.tagging import gazetteer
    from worker.tagging.entities import resolve

    assert "Perpignan" in gazetteer.small_places() and "Nokia" not in gazetteer.small_places()  # a common word
    doc = _doc_with_ent(["Stade", "Gilbert", "Brutus", ",", "Perpignan"], 4, 5, "PERSON")
    assert resolve(doc.ents[0], "en")[0] == "LOC"
    assert "Adriano" in gazetteer.small_places()  # a town in Brazil; the given name wins
    doc = _doc_with_ent(["said", "Adriano", "."], 1, 2, "PERSON")
    assert resolve(doc.ents[0], "en")[0] == "PER"


def test_all_caps_words_take_the_spelling_the_article_uses_elsewhere():
    nlp = spacy.blank("en")
    text = ("GOLF - MCILROY LEADS AT PLAYERS CHAMPIONSHIP .\nRory McIlroy shot 66 on Thursday to lead the "
            "Players Championship , as Reeves watched .\nBRITISH MINISTER REEVES DEFENDS BUDGET")
    cased = truecase_doc(nlp(text))
    assert cased.text.splitlines()[0] == "Golf - McIlroy leads at Players Championship ."
    assert cased.text.splitlines()[2].startswith("British minister Reeves")
    # the evidence is the article's: a word it never writes keeps the frequency rule
    assert truecase_doc(nlp("GOLF - MCILROY LEADS\nHe shot 66 .")).text.startswith("Golf - Mcilroy leads")


def test_a_sentence_opening_name_spells_the_headline_but_a_function_word_does_not():
    nlp = spacy.blank("en")
    text = "BRIEF - SOUTHWEST AIRLINES TRAFFIC UP IN THE NORTH .\nSouthwest Airlines Co said traffic rose .\n" \
           "The North grew ."
    assert truecase_doc(nlp(text)).text.splitlines()[0] == "Brief - Southwest Airlines traffic up in the North ."



def test_a_listed_name_that_is_a_very_common_word_is_the_word_in_a_headline():
    # "Touch" is in the WikiANN name list (a band), but "touch" is one of English's common words
    assert truecase_word("TOUCH", "en", first=False) == "touch"
    assert truecase_word("JAPAN", "en", first=False) == "Japan"  # the gazetteer's names keep their capital
    assert truecase_word("BARCELONA", "en", first=False) == "Barcelona"


def test_inflected_and_british_forms_of_common_words_are_common_in_a_headline():
    # the common-word table stops at Zipf 3, below "nears" and "stabilisation"; their plain forms are in it
    assert truecase_word("NEARS", "en", first=False) == "nears"
    assert truecase_word("STABILISATION", "en", first=False) == "stabilisation"
    assert truecase_word("RALLIES", "en", first=False) == "rallies"
    assert truecase_word("KABOEL", "nl", first=False) == "Kaboel"  # only English forms are undone


def test_a_word_the_article_writes_both_ways_is_lower_case_alone_in_a_headline():
    nlp = spacy.blank("en")
    text = ("JAPAN - NIKKEI ENDS LOWER ON BANK WORRIES .\nWorries about bad loans weighed on bank shares .\n"
            "Sumitomo Bank fell and the Bank of Japan said nothing .")
    assert truecase_doc(nlp(text)).text.splitlines()[0] == "Japan - Nikkei ends lower on bank worries ."
    # next to another name of the line it stays a name; written only capitalised, it keeps the capital
    both = "STOCKS - SUMITOMO BANK FALLS .\nSumitomo Bank fell , and bank shares fell ."
    assert truecase_doc(nlp(both)).text.splitlines()[0] == "Stocks - Sumitomo Bank falls ."
    only = "JAPAN - NIKKEI ENDS LOWER ON BANK WORRIES .\nThe Bank of Japan said nothing ."
    assert truecase_doc(nlp(only)).text.splitlines()[0] == "Japan - Nikkei ends lower on Bank worries ."

# --- word frequencies: wordfreq's, from the common-word tables (not wordfreq's 71 MB of full lists)


def test_zipf_is_wordfreqs_own_value_at_and_above_the_floor_and_zero_below():
    import json
    import re
    from pathlib import Path

    import wordfreq

    from worker.tagging.casing import ZIPF_FLOOR, zipf

    news = Path(__file__).resolve().parents[2] / "data/topics/news.jsonl"
    texts = [json.loads(line)["text"] for line in news.read_text().splitlines()]
    words = {w for text in texts for w in re.findall(r"\S+", text)}
    words |= {w.lower() for w in words} | {"Hong-Kong", "2024", "o'brien", "U.S.", "COVID-19", "rock'n'roll",
                                          "the", "", " ", "3,5", "naïve", "Ruim", "Vastgoed", "BEAT"}  # fmt: skip
    assert len(words) > 10_000
    compared = at_floor = 0
    for language in ("nl", "en"):
        for word in sorted(words):
            expected = wordfreq.zipf_frequency(word, language)
            assert zipf(word, language) == (expected if expected >= ZIPF_FLOOR else 0.0), (word, language)
            compared += 1
            at_floor += expected >= ZIPF_FLOOR
    assert at_floor > 5_000 and compared - at_floor > 5_000  # both sides of the floor were exercised


def test_every_frequency_threshold_is_at_or_above_the_tables_floor():
    from worker.tagging import casing, entity_rules

    thresholds = {f"{m.__name__}.{name}": value for m in (casing, entity_rules) for name, value in vars(m).items()
                  if name.endswith("_ZIPF") and isinstance(value, float)}  # fmt: skip
    assert len(thresholds) >= 6
    assert all(v >= casing.ZIPF_FLOOR for v in thresholds.values()), thresholds


def test_the_common_word_tables_are_what_the_pinned_wordfreq_gives():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import common_words  # type: ignore[import-not-found]

    assert common_words.main(["--check"]) == 0


def test_tagging_never_loads_wordfreqs_full_lists():
    import subprocess
    import sys

    code = """
import wordfreq
from worker.article import Article
from worker.tagging import tag_articles
tag_articles([
    Article(id="a", source="t", title="KABINET VALT", body="HET KABINET IN DEN HAAG VIEL. Ruim 8 procent stemde.",
            content_hash="a"),
    Article(id="b", source="t", title="SOCCER - JAPAN BEAT SYRIA", body="LONDON 2026-02-20. The minister spoke.",
            content_hash="b"),
])
print(wordfreq.get_frequency_dict.cache_info().currsize)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0", done.stdout + done.stderr


def test_common_words_the_name_lists_hold_in_capitals_are_no_acronyms():
    # WikiANN lists "CITY" and "MAN" as organisations; in a headline they are words (session 28)
    assert gazetteer.name_types("en").get("CITY") == "ORG"
    assert truecase_word("CITY", "en", first=False) == "city"
    assert truecase_word("MAN", "en", first=False) == "man"
    assert truecase_word("NATO", "en", first=False) == "NATO"  # the gazetteer's acronyms stay


def test_wire_abbreviations_and_one_letter_words_go_lower_case():
    assert truecase_word("MLN", "en", first=False) == "mln"
    assert truecase_word("PCT", "en", first=False) == "pct"
    assert truecase_word("'S", "en", first=False) == "'s"
    assert truecase_word("A", "en", first=False) == "a"
    assert truecase_word("A", "en", first=True) == "A"  # the line's first word keeps its capital
    nlp = spacy.blank("en")
    cased = truecase_doc(nlp("HALSTEAD REJECTS 210 MLN STG BID FOR A RIVAL .\nLONDON 1996-08-22\nHalstead said no ."))
    assert cased.text.startswith("Halstead rejects 210 mln stg bid for a rival .")


def test_a_given_name_and_its_surname_keep_their_capitals_in_a_headline():
    nlp = spacy.blank("en")
    # word by word, "ben" and "stokes" are common English words
    assert truecase_word("BEN", "en", first=False) == "ben" and truecase_word("STOKES", "en", first=False) == "stokes"
    cased = truecase_doc(nlp("ENGLAND WIN AS BEN STOKES TAKES THREE WICKETS .\nLONDON 2026-07-14\nThe match ."))
    assert cased.text.startswith("England win as Ben Stokes takes three wickets .")
    # a given name before a common word stays a word
    cased = truecase_doc(nlp("COUNCIL CUTS GRANT FUNDING FOR LIBRARIES .\nLEEDS 2026-07-14\nThe cuts ."))
    assert "grant funding" in cased.text
    # nor when the article writes the word in lower case
    cased = truecase_doc(nlp("ROW OVER BILL FARAGE BACKED .\nLONDON 2026-07-14\nThe bill was backed by farage fans ."))
    assert "bill farage" in cased.text


def test_dutch_headline_words_the_lists_hold_as_acronyms_or_names():
    # "IS" and "OM" are gazetteer acronyms (Islamitische Staat, Openbaar Ministerie) and very common words
    assert gazetteer.exact_lookup("nl", "IS") is not None
    assert truecase_word("IS", "nl", first=False) == "is"
    assert truecase_word("OM", "nl", first=False) == "om"
    assert truecase_word("NAVO", "nl", first=False) == "NAVO"
    # a given name that is no common word keeps its capital; one that is ("mark") does not
    assert truecase_word("HENK", "nl", first=False) == "Henk"
    assert truecase_word("MARK", "nl", first=False) == "mark"


def test_dutch_compounds_of_common_words_are_common_words():
    # "staatsbezoek" is rarer than the common-word table's floor, "staat" and "bezoek" are not
    assert truecase_word("STAATSBEZOEK", "nl", first=False) == "staatsbezoek"
    assert truecase_word("STAATSBEZOEK", "en", first=False) == "Staatsbezoek"  # English has no such rule


def test_dutch_headlines_take_the_spelling_of_the_article_and_its_people():
    nlp = spacy.blank("nl")
    cased = truecase_doc(nlp("BUSBOUWER VAN HOOL OVERGENOMEN DOOR VDL\nDe busbouwer Van Hool uit Koningshooikt is "
                             "overgenomen ."))
    assert cased.text.startswith("Busbouwer Van Hool overgenomen door VDL")
    cased = truecase_doc(nlp("DOOR SANNE WOLTERS\nHet verhaal gaat verder ."))
    assert cased.text.startswith("Door Sanne Wolters")


def test_english_compounds_of_common_words_are_words_unless_the_article_spells_them():
    assert truecase_word("STOPGAP", "en", first=False) == "stopgap"
    assert truecase_word("RANSOMWARE", "en", first=False) == "ransomware"
    assert truecase_word("FACEBOOK", "en", first=False) == "Facebook"  # a known name first
    nlp = spacy.blank("en")
    # the article's own spelling comes first: "Honeywell" (honey + well) in the body keeps its capital
    cased = truecase_doc(nlp("HONEYWELL CUTS 500 JOBS\nHoneywell said on Monday it would cut jobs ."))
    assert cased.text.startswith("Honeywell cuts 500 jobs")


def test_a_very_long_shouted_word_is_not_split_and_costs_little():
    import time

    word = "PLOFKRAAK" * 600  # 5,400 letters in one all-caps line: bad input must not stall a worker
    start = time.process_time()
    assert truecase_word(word, "nl", first=False) == word.capitalize()
    assert time.process_time() - start < 0.5  # uncapped: seconds, or too deep a recursion


def test_a_one_word_organisation_that_is_a_smaller_town_becomes_a_place_unless_a_club():
    from worker.tagging import gazetteer
    from worker.tagging.entities import resolve

    # session 29, the Lee corpus's dev2: "And at Toowoomba fierce winds ..." gave Toowoomba ORG
    assert "Toowoomba" in gazetteer.small_places()
    doc = _doc_with_ent(["And", "at", "Toowoomba", "fierce", "winds", "blew"], 2, 3, "ORG", lang="en")
    assert resolve(doc.ents[0], "en")[0] == "LOC"
    assert "Kilmarnock" in gazetteer.small_places()  # a town, and a club of the sports list: left to the model
    doc = _doc_with_ent(["Kilmarnock", "signed", "a", "striker"], 0, 1, "ORG", lang="en")
    assert resolve(doc.ents[0], "en")[0] == "ORG"
    doc = _doc_with_ent(["Toowoomba", "besloot", "dat"], 0, 1, "ORG", lang="nl")  # English only
    assert resolve(doc.ents[0], "nl")[0] == "ORG"


def test_a_person_named_like_a_town_of_several_words_is_the_town() -> None:
    from worker.tagging.entities import resolve

    # session 48, en-news/dev_s47.txt: "tram link to Hazel Grove", "Bayan Lepas and George Town" came out PER
    for words, start, end in ((["tram", "link", "to", "Hazel", "Grove", "despite", "fears"], 3, 5),
                              (["between", "Bayan", "Lepas", "and", "the", "city"], 1, 3),
                              (["Bayan", "Lepas", "and", "George", "Town", "."], 3, 5)):
        doc = _doc_with_ent(words, start, end, "PER", lang="en")
        assert resolve(doc.ents[0], "en")[0] == "LOC", words
    # a town named after a person, whose last word is no place word, stays the person the model found; a town's
    # name is read as the town only where a place preposition (or, with a place word, a list) comes before it
    for name in ("Benito Juarez", "Getúlio Vargas", "Shah Alam"):
        assert name in gazetteer.town_names()
    for words in (["said", "Benito", "Juarez", "on"], ["to", "Benito", "Juarez", "."],
                  ["say", "Getúlio", "Vargas", "."], ["said", "Shah", "Alam", "."], ["said", "Hazel", "Grove", "."]):
        doc = _doc_with_ent(words, 1, 3, "PER", lang="en")
        assert resolve(doc.ents[0], "en")[0] == "PER", words
    doc = _doc_with_ent(["in", "Shah", "Alam", "."], 1, 3, "PER", lang="en")
    assert resolve(doc.ents[0], "en")[0] == "LOC"
    doc = _doc_with_ent(["naar", "Hazel", "Grove", "reed"], 1, 3, "PER", lang="nl")  # English only
    assert resolve(doc.ents[0], "nl")[0] == "PER"


def test_a_word_opening_a_sentence_that_the_article_writes_in_lower_case_is_no_name() -> None:
    from tests.tagging.line_docs import stage_entities

    found = stage_entities("en", "Wildfire tears through Jasper. The wildfire destroyed homes.")
    assert found == [("Jasper", "LOC")]
    found = stage_entities("nl", "Noorderlicht in heel Nederland te zien\n\nHet noorderlicht was zondag te zien in "
                                 "Groningen.")
    assert ("Noorderlicht", "LOC") not in found and ("Groningen", "LOC") in found


def test_lower_case_elsewhere_reads_the_articles_own_spellings() -> None:
    from worker.tagging.casing import SentenceStartEvidence, lower_case_elsewhere

    lines = [["Wildfire", "tears", "through", "Jasper", "."], ["The", "wildfire", "spread", "."],
             ["Mark", "said", "the", "mark", "fell", "."],
             ["Storm", "warnings", "rose", "as", "Storm", "Darragh", "hit"]]
    words = [w for line in lines for w in line]
    doc = Doc(spacy.blank("en").vocab, words=words, sent_starts=[i == 0 for line in lines for i in range(len(line))])
    evidence = SentenceStartEvidence(doc)
    assert lower_case_elsewhere(doc, 0, evidence)  # "wildfire" in lower case further on
    assert not lower_case_elsewhere(doc, 3, evidence)  # "Jasper": not at a sentence start
    assert not lower_case_elsewhere(doc, 9, evidence)  # "Mark": a given name of the lists
    assert not lower_case_elsewhere(doc, 15, evidence)  # "Storm" is capitalised inside a sentence too


def test_words_the_truecaser_lower_cased_are_no_evidence_of_lower_case():
    from worker.tagging.casing import SHOUTED_KEY, SentenceStartEvidence, shouted_tokens

    nlp = spacy.blank("en")
    cased = truecase_doc(nlp("OTTAWA AT BUFFALO\nThe buffalo herd grew ."))
    assert cased.text.startswith("Ottawa at buffalo\n")
    assert [(s.start, s.end) for s in cased.spans[SHOUTED_KEY]] == [(0, 3)]
    assert shouted_tokens(cased)[:4] == [True, True, True, False]
    # "herd" and "buffalo" of the second line are the writer's; "at" and "buffalo" of the first are the truecaser's
    evidence = SentenceStartEvidence(cased)
    assert {"herd", "buffalo"} <= evidence.lower_case
    only_shouted = truecase_doc(nlp("OTTAWA AT BUFFALO\nThe herd grew ."))
    assert "buffalo" not in SentenceStartEvidence(only_shouted).lower_case
    assert "at" not in SentenceStartEvidence(only_shouted).lower_case


def test_a_title_case_headline_loses_the_capitals_of_its_common_words():
    nlp = spacy.blank("en")
    text = "Hearthstone Jumps In Nasdaq Debut As McLaren Eyes iPhone Deal\nShares of Hearthstone rose on Friday ."
    doc = nlp(text)
    cased = truecase_doc(doc)
    assert cased.text.split("\n")[0] == "Hearthstone jumps in Nasdaq debut as McLaren eyes iPhone deal"
    assert [t.idx for t in cased] == [t.idx for t in doc]


def test_title_case_is_read_only_in_a_first_line_that_heads_a_text():
    nlp = spacy.blank("en")
    fragment = nlp("Tracks From Watch The Throne Album")  # a WikiANN fragment: heads nothing
    assert truecase_doc(fragment) is fragment
    second = nlp("Council approves budget\nMayor Wins Vote On New Bus Lanes For The City\nThe vote was close .")
    assert truecase_doc(second) is second  # the Title Case line is not the first
    lineup = nlp("Ayr United : Sneddon ; Quinn , Patterson , Grant , Moffat ; Young , Tait\nSubs not used .")
    assert truecase_doc(lineup) is lineup  # no capitalised function word: a line-up, not a headline


def test_a_title_case_headline_keeps_the_capitals_of_words_that_can_be_names():
    # the session-46 review: "By John Smith And Mary Jones" lost both persons, "Deal For Rice" its player
    nlp = spacy.blank("en")
    cased = truecase_doc(nlp("Deal For Rice As Arsenal Move Fast\nArsenal agreed a fee on Friday ."))
    assert cased.text.split("\n")[0] == "Deal for Rice as Arsenal move fast"
    cased = truecase_doc(nlp("Tributes Paid By John Smith And Mary Jones\nThe tributes were read on Sunday ."))
    assert "John Smith and Mary Jones" in cased.text


def test_a_title_case_headline_is_no_evidence_that_the_article_writes_its_words_lower_case():
    from worker.tagging.casing import SHOUTED_KEY, SentenceStartEvidence

    doc = truecase_doc(spacy.blank("en")("Warriors Top Celtics To Win The Title\nThe Warriors beat the Celtics ."))
    assert [(s.start, s.end) for s in doc.spans[SHOUTED_KEY]] == [(0, 7)]
    assert "celtics" not in SentenceStartEvidence(doc).lower_case
