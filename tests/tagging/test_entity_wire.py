"""English wire layout (entity_wire.py): dateline places, on hand-made documents and through the stage."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from tests.tagging.line_docs import line_doc as _doc
from worker.tagging import casing, entity_wire


def _run(doc: Doc) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    decided: dict[tuple[int, int], str] = {}
    ents = entity_wire.dateline_places(doc, list(doc.ents), lambda: casing.sentence_starts(doc), decided)
    return [(ent.text, ent.label_) for ent in ents], decided


def test_a_place_read_together_with_the_dateline_date_becomes_the_place() -> None:
    doc = _doc(["TENNIS - RESULTS OF OPEN .", "Melbourne 1996-08-30", "Results on Friday ."], [(6, 8, "EVENT")])
    spans, decided = _run(doc)
    assert spans == [("Melbourne", "LOC")]
    assert decided == {(6, 7): "LOC"}


def test_each_place_of_a_dateline_is_its_own_loc_and_missed_ones_are_added() -> None:
    doc = _doc(["Como , Italy 2026-10-11", "ST. PETERSBURG , Russia 1996-12-06"])
    spans, _ = _run(doc)
    assert spans == [("Como", "LOC"), ("Italy", "LOC"), ("ST. PETERSBURG", "LOC"), ("Russia", "LOC")]


def test_dates_inside_sentences_and_other_languages_are_left_alone() -> None:
    sentence = _doc(["The Paris Agreement was signed 2016-04-22", "Report due 2026-01-01 in Brussels ."],
                    [(1, 3, "LAW")])
    assert _run(sentence)[0] == [("Paris Agreement", "LAW")]
    dutch = Doc(spacy.blank("nl").vocab, words=["Assen", "2026-06-28"], sent_starts=[True, False])
    assert entity_wire.dateline_places(dutch, [], lambda: [True, False], {}) == []


def test_the_stage_tags_the_dateline_place_it_read_as_an_event() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    lines = ["TENNIS - RESULTS OF OPEN .", "PARIS 1996-08-30", "Results of the matches on Friday ."]
    words = [w for line in lines for w in line.split(" ")]
    starts = [i == 0 for line in lines for i in range(len(line.split(" ")))]
    doc = nlp(Doc(nlp.vocab, words=words, sent_starts=starts))
    assert entities.mapped_spans(doc, "en") == [(6, 7, "LOC")]


def test_the_portfolio_of_a_role_is_no_name_but_ministries_and_parties_are() -> None:
    doc = _doc(["Secretary of State Warren Christopher met Defence Secretary Michael Portillo and the "
                "Defence Ministry"], [(2, 3, "ORG"), (3, 5, "PERSON"), (6, 7, "ORG"), (8, 10, "PERSON"),
                                      (12, 14, "ORG")])
    kept = entity_wire.drop_portfolios(doc, list(doc.ents))
    assert [ent.text for ent in kept] == ["Warren Christopher", "Michael Portillo", "Defence Ministry"]
    party = _doc(["Labour spokesman Gordon Brown"], [(0, 1, "ORG"), (2, 4, "PERSON")])
    assert len(entity_wire.drop_portfolios(party, list(party.ents))) == 2


def test_a_business_kind_noun_in_front_makes_a_company() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    doc = nlp("Mining group Rio Tinto and conglomerate Hanson reported results .")
    assert (2, 4, "ORG") in entities.mapped_spans(doc, "en")
    doc = nlp("Damon Hill 's former team Williams said on Friday that he would stay .")
    assert (5, 6, "ORG") in entities.mapped_spans(doc, "en")


def test_a_dateline_in_raw_text_with_the_date_split_by_the_tokenizer() -> None:
    doc = spacy.blank("en")("SKIING - RESULTS\nVal d'Isere , France 1996-12-06\nResults of the race on Friday .")
    assert [doc[a:b].text for a, b in entity_wire.dateline_place_spans(doc, casing.sentence_starts(doc))] == [
        "Val d'Isere", "France"]


def test_names_run_across_a_result_word_a_venue_or_a_score_are_cut_apart() -> None:
    doc = _doc(["Bulls beat Knicks", "Arsenal at St James ' Park", "Leicester beat Bath 28-20"],
               [(0, 3, "ORG"), (3, 9, "ORG"), (11, 13, "LAW")])
    spans = [(ent.text, ent.label_) for ent in entity_wire.split_joined_names(doc, list(doc.ents))]
    assert spans == [("Bulls", "ORG"), ("Knicks", "ORG"), ("Arsenal", "ORG"), ("St James ' Park", "LOC"),
                     ("Bath", "ORG")]
    title = _doc(["Live at Leeds"], [(0, 3, "WORK_OF_ART")])
    assert [e.text for e in entity_wire.split_joined_names(title, list(title.ents))] == ["Live at Leeds"]


def test_stage_on_a_match_report_clubs_venues_and_county_sides() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    text = ("RUGBY UNION - LEICESTER BEAT BATH .\nLONDON 1996-12-07\nLeicester beat Bath 28-20 at Welford Road on "
            "Saturday .\nCRICKET - Lancashire beat Yorkshire by five wickets .")
    doc = nlp(text)
    found = {(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")}
    assert {("Bath", "ORG"), ("Welford Road", "LOC"), ("Lancashire", "ORG")} <= found


def test_names_run_across_a_spaced_dash_are_cut_at_it() -> None:
    from worker.tagging import entity_rules

    doc = _doc(["New York - Shares fell on Monday .", "France - Olympique Lyonnais won .", "Soccer - Japan won ."],
               [(0, 4, "GPE"), (8, 12, "ORG"), (14, 17, "GPE")])
    spans = [(ent.text, ent.label_) for ent in entity_rules.split_at_dashes(doc, list(doc.ents))]
    # the part before the dash keeps the span; after it, a name of two words or an uncommon one stays, a
    # common word opening the story after a dateline ("Shares") does not
    assert spans == [("New York", "GPE"), ("France", "ORG"), ("Olympique Lyonnais", "ORG"), ("Soccer", "GPE"),
                     ("Japan", "GPE")]
    # unspaced hyphens join, and titles of works may hold a spaced dash
    kept = _doc(["Rolls-Royce rose .", "Live - At the Apollo"], [(0, 1, "ORG"), (3, 8, "WORK_OF_ART")])
    assert entity_rules.split_at_dashes(kept, list(kept.ents)) == list(kept.ents)


def test_the_stage_keeps_a_dateline_place_apart_from_the_story() -> None:
    from tests.tagging.test_entities import make_article
    from worker.tagging.entities import tag_entities

    body = "NEW YORK - Shares fell on Monday.\n\nLYON, France - Olympique Lyonnais beat Porto 2-1 on Sunday."
    [tagged] = tag_entities([make_article(body, title="Markets and football", language="en")])
    found = {(e.text, e.type) for e in tagged.entities}
    assert {("New York", "LOC"), ("France", "LOC"), ("Olympique Lyonnais", "ORG")} <= found
    # no name glued across the dash, none with the space before it ("New York " came from the compound rule)
    assert not any(" - " in e.text or e.text != e.text.strip() for e in tagged.entities)


def test_a_hyphenated_dateline_place_split_by_the_tokenizer_is_one_place() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    doc = nlp("CYCLING - TOUR DE FRANCE RESULTS .\nSAINT-ETIENNE , France 1996-07-11\nLeading results on Thursday :")
    spans = [(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")]
    assert ("SAINT-ETIENNE", "LOC") in spans and ("France", "LOC") in spans


def test_a_headline_sport_alone_and_a_common_lower_case_word_are_no_names() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    doc = nlp("NBA BASKETBALL - RESULTS .\nNEW YORK 1996-11-10\nResults of National Basketball Association games "
              "on Sunday ( home team in CAPS ) :\nChicago 98 PHILADELPHIA 92\n\nATHLETICS - BERLIN RESULTS .")
    texts = [doc[a:b].text for a, b, _ in entities.mapped_spans(doc, "en")]
    assert "results" not in texts and "Athletics" not in texts and "NBA" in texts


def test_a_line_of_a_name_and_prices_in_market_copy_names_a_company() -> None:
    from tests.tagging.line_docs import line_doc
    from worker.tagging import casing

    doc = line_doc(["Prices of leading shares on the Paris Bourse ( in francs ) :", "Alcatel Alsthom 445.10",
                    "Elf Aquitaine 401.50 +2.5", "L'Oreal 1,862", "The index rose 8.21 points ."],
                   [(6, 8, "ORG"), (16, 17, "GPE"), (20, 21, "PERSON")])
    decided: dict[tuple[int, int], str] = {}
    found = entity_wire.price_table_companies(doc, list(doc.ents), lambda: casing.sentence_starts(doc), decided)
    assert [(e.text, e.label_) for e in found] == [("Paris Bourse", "ORG"), ("Alcatel Alsthom", "ORG"),
                                                   ("Elf Aquitaine", "ORG"), ("L'Oreal", "ORG")]
    # without market words, or in sports copy (a league table), such lines are left to other rules
    doc = line_doc(["SOCCER - SPANISH FIRST DIVISION STANDINGS .", "Barcelona 14 11 2 1 38 12 35"], [(7, 8, "GPE")])
    assert [e.label_ for e in entity_wire.price_table_companies(doc, list(doc.ents),
                                                                 lambda: casing.sentence_starts(doc), {})] == ["GPE"]


def test_price_tables_in_raw_wire_text_give_companies() -> None:
    import hashlib

    from worker.article import Article
    from worker.tagging.entities import tag_entities

    body = ("Prices of leading shares on the Paris Bourse at midsession on Thursday ( in francs ) :\n"
            "Alcatel Alsthom 445.10\nElf Aquitaine 401.50\nL'Oreal 1,862\nSociete Generale 565.00")
    article = Article(id="x", source="t", title="FRANCE - CAC-40 SHARES AT MIDSESSION .", body=body,
                      content_hash=hashlib.sha1(body.encode()).hexdigest(), language="en")
    found = {(e.text, e.type) for e in tag_entities([article])[0].entities}
    assert {("Elf Aquitaine", "ORG"), ("L'Oreal", "ORG"), ("Societe Generale", "ORG")} <= found


def test_a_dutch_agency_dateline_place_is_a_place() -> None:
    from spacy.tokens import Span

    from worker.tagging import entities

    nlp = entities.load_pipeline("nl")
    words = ["ROTTERDAM", "-", "Het", "Openbaar", "Ministerie", "eist", "vier", "jaar", "cel", "."]
    doc = nlp(Doc(nlp.vocab, words=words, sent_starts=[i == 0 for i in range(len(words))]))
    assert [(s.start, s.end) for s in doc.spans[casing.DATELINES_KEY]] == [(0, 1)]
    assert (0, 1, "LOC") in entities.mapped_spans(doc, "nl")
    # the rule itself: a model's ORG over the place becomes the place, and the type is decided
    decided: dict[tuple[int, int], str] = {}
    fixed = entity_wire.agency_datelines(doc, [Span(doc, 0, 1, label="ORG"), Span(doc, 3, 5, label="ORG")], decided)
    assert [(e.start, e.end, e.label_) for e in fixed] == [(0, 1, "LOC"), (3, 5, "ORG")]
    assert decided == {(0, 1): "LOC"}


def test_a_headline_in_capitals_keeps_no_dateline() -> None:
    nlp = spacy.blank("nl")
    cased = casing.truecase_doc(nlp("AJAX - PSV 2-1 IN DE KLASSIEKER\nDe wedstrijd was spannend ."))
    assert casing.DATELINES_KEY not in cased.spans or not list(cased.spans[casing.DATELINES_KEY])
    cased = casing.truecase_doc(nlp("ZWOLLE - De rechtbank heeft een man veroordeeld ."))
    assert [s.text for s in cased.spans[casing.DATELINES_KEY]] == ["Zwolle"]


def test_currency_symbols_acronyms_and_treaties_of_wire_copy() -> None:
    # session 31 (en-news/dev_s31b.txt, 1996 world and business copy)
    doc = _doc(["HSBC rose HK$ 2 .", "The Guatemalan National Revolutionary Unity ( URNG ) will disarm .",
                "Germany will meet the Maastricht treaty and Israel the Oslo peace accords ."],
               [(0, 1, "ORG"), (2, 3, "ORG"), (6, 12, "ORG"), (16, 17, "GPE"), (20, 21, "GPE"), (23, 24, "GPE"),
                (25, 26, "GPE")])
    decided: dict[tuple[int, int], str] = {}
    spans = [(e.text, e.label_) for e in entity_wire.wire_terms(doc, list(doc.ents), decided)]
    assert spans == [("HSBC", "ORG"), ("Guatemalan National Revolutionary Unity", "ORG"), ("URNG", "ORG"),
                     ("Germany", "GPE"), ("Maastricht", "MISC"), ("Israel", "GPE"), ("Oslo", "MISC")]
    assert decided == {(20, 21): "MISC", (25, 26): "MISC"}


def test_emperors_dailies_indices_and_agencies() -> None:
    from worker.tagging import entity_rules, gazetteer, titles

    assert "emperor" in titles.TITLE_WORDS["en"]
    assert entity_rules.context_type("daily", "en") == "ORG"  # "the daily Sme" was LOC
    for name, kind in (("WIG", "MISC"), ("Mibtel", "MISC"), ("Xinhua", "ORG"), ("Interfax", "ORG")):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == kind, name
    assert gazetteer.lookup("en", "Christmas") is None  # a date (data/ner/en-real/GUIDELINES.md)


def test_price_lines_with_moves_name_companies_but_not_commodities_or_contract_months() -> None:
    from tests.tagging.line_docs import line_doc
    from worker.tagging import casing

    doc = line_doc(["Most active shares ( in rupiah ) :", "Telkom 3,525 down 50", "San Miguel B 79.50 up 1.00",
                    "Copper 2,217/2,219", "December 1,262 1,265", "Gold AM 370.30"],
                   [(8, 9, "PERSON"), (12, 14, "GPE"), (18, 19, "ORG"), (20, 21, "DATE"), (23, 25, "ORG")])
    decided: dict[tuple[int, int], str] = {}
    found = entity_wire.price_table_companies(doc, list(doc.ents), lambda: casing.sentence_starts(doc), decided)
    assert [(e.text, e.label_) for e in found] == [("Telkom", "ORG"), ("San Miguel", "ORG"), ("Copper", "ORG"),
                                                   ("December", "DATE"), ("Gold AM", "ORG")]
    assert set(decided) == {(8, 9), (12, 14)}  # the model's Copper and Gold AM are left to market_companies


def _market(lines: list[str], ents: list[tuple[int, int, str]]) -> tuple[list[tuple[str, str]], dict]:
    from tests.tagging.line_docs import line_doc
    from worker.tagging import casing

    doc = line_doc(lines, ents)
    decided: dict[tuple[int, int], str] = {}
    found = entity_wire.market_companies(doc, list(doc.ents), lambda: casing.sentence_starts(doc), decided)
    return [(e.text, e.label_) for e in found], decided


def test_a_name_whose_price_moves_or_that_has_shares_is_a_company_in_market_copy() -> None:
    spans, decided = _market(
        ["Shares in Madrid closed firmer on Wednesday .",
         "Banco Santander gained 45 to 8,120 and Vaal Reefs shed three rand .",
         "Manila Electric was flat at 215 .", "Kanthal shares jumped 27 crowns .",
         "Brokers bought shares in Kreditbanka ."],
        [(2, 3, "GPE"), (8, 10, "PERSON"), (15, 17, "PERSON"), (21, 23, "PERSON"), (28, 29, "PRODUCT"),
         (38, 39, "GPE")])
    assert spans == [("Madrid", "GPE"), ("Banco Santander", "ORG"), ("Vaal Reefs", "ORG"), ("Manila Electric", "ORG"),
                     ("Kanthal", "ORG"), ("Kreditbanka", "ORG")]
    assert decided == {(8, 10): "ORG", (15, 17): "ORG", (21, 23): "ORG", (28, 29): "ORG", (38, 39): "ORG"}


def test_market_words_indices_places_and_people_keep_their_type_and_commodities_go() -> None:
    spans, decided = _market(
        ["The Merval index of leading shares rose 1.2 percent .", "Merval rose 12 points to 650 .",
         "Tokyo shares fell and Tokyo fell 1.2 percent .", "Aluminium eased 12 dollars a tonne and M3 grew .",
         "John Smith rose 5 percent in the stock ."],
        [(1, 2, "ORG"), (10, 11, "PRODUCT"), (17, 18, "GPE"), (21, 22, "GPE"), (26, 27, "ORG"), (33, 34, "GPE"),
         (36, 38, "PERSON")])
    assert spans == [("Merval", "ORG"), ("Merval", "PRODUCT"), ("Tokyo", "GPE"), ("Tokyo", "GPE"),
                     ("John Smith", "PERSON")]
    assert decided == {}


def test_sports_copy_and_copy_without_market_words_are_left_alone() -> None:
    sports = _market(["SOCCER - ENGLISH LEAGUE RESULTS .", "Barnsley shares the lead after beating Port Vale 3-0 ."],
                     [(6, 7, "GPE")])
    assert sports == ([("Barnsley", "GPE")], {})
    prose = _market(["Smith gained 45 yards ."], [(0, 1, "PERSON")])
    assert prose == ([("Smith", "PERSON")], {})


def test_an_index_in_capitals_and_a_place_after_a_preposition_are_no_companies() -> None:
    from tests.tagging.line_docs import line_doc
    from worker.tagging import casing

    doc = line_doc(["Closing shares and indices :", "TOPIX 1,502.83 down 24.10"], [(5, 6, "PRODUCT")])
    table: dict[tuple[int, int], str] = {}
    found = entity_wire.price_table_companies(doc, list(doc.ents), lambda: casing.sentence_starts(doc), table)
    assert [(e.text, e.label_) for e in found] == [("TOPIX", "PRODUCT")] and table == {}
    spans, decided = _market(["Figures showed consumer prices in Sao Paulo rose 0.29 percent in the stock market ."],
                             [(5, 7, "GPE")])
    assert spans == [("Sao Paulo", "GPE")] and decided == {}


def test_the_papers_of_a_press_digest_are_organisations_through_the_stage() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    text = ("PRESS DIGEST - KENYA - DEC 5 .\nNAIROBI 1996-12-05\nThese are the leading stories in the Kenyan press "
            "on Thursday .\nReuters has not verified these stories and does not vouch for their accuracy .\n"
            "DAILY NATION\n- President Daniel arap Moi said the economy would grow .\nDAWN\n- The ruling party met "
            "on Wednesday .\nKENYA TIMES\n- Tea exports rose in November .")
    doc = nlp(text)  # the truecased doc: its words keep their lengths, so the text's offsets hold
    spans = {(text[doc[a].idx:doc[b - 1].idx + len(doc[b - 1])], label)
             for a, b, label in entities.mapped_spans(doc, "en")}
    assert {("DAILY NATION", "ORG"), ("DAWN", "ORG"), ("KENYA TIMES", "ORG"), ("KENYA", "LOC"),
            ("NAIROBI", "LOC")} <= spans


def test_words_in_capitals_open_a_digest_story_only_as_a_paper_and_only_in_a_digest() -> None:
    from tests.tagging.line_docs import line_doc
    from worker.tagging import casing

    lines = ["PRESS DIGEST - EGYPT - DEC 16 .", "CAIRO 1996-12-16",
             "Reuters has not verified these stories and does not vouch for their accuracy .",
             "AL-AHRAM President Hosni Mubarak urged calm .", "IMF officials arrived on Monday .", "Al-Wafd"]
    doc = line_doc(lines, [(3, 4, "GPE"), (8, 9, "GPE"), (26, 28, "PERSON"), (31, 32, "ORG")])
    decided: dict[tuple[int, int], str] = {}
    found = entity_wire.press_digest_papers(doc, list(doc.ents), lambda: casing.sentence_starts(doc), decided)
    assert [(e.text, e.label_) for e in found] == [("EGYPT", "GPE"), ("CAIRO", "GPE"), ("AL-AHRAM", "ORG"),
                                                   ("Hosni Mubarak", "PERSON"), ("IMF", "ORG"), ("Al-Wafd", "ORG")]
    assert decided == {(24, 25): "ORG", (37, 38): "ORG"}
    plain = line_doc(["EGYPT - CAIRO .", "AL-AHRAM President Hosni Mubarak urged calm ."], [(6, 8, "PERSON")])
    assert entity_wire.press_digest_papers(plain, list(plain.ents), lambda: casing.sentence_starts(plain), {}) \
        == list(plain.ents)


def test_kind_nouns_of_firms_around_a_name_and_foreign_company_openings_make_companies() -> None:
    from worker.tagging import entity_heads, entity_rules

    doc = _doc(["Cigarette maker Gudang Garam rose .", "Brewer Plzensky Prazdroj expects more .",
                "Film producer Jerry Bruckheimer spoke ."],
               [(2, 4, "PERSON"), (7, 9, "PERSON"), (14, 16, "PERSON")])
    typed = [(e.text, e.label_) for e in entity_rules.context_types(doc, list(doc.ents))]
    assert typed == [("Gudang Garam", "ORG"), ("Plzensky Prazdroj", "ORG"), ("Jerry Bruckheimer", "PERSON")]
    assert entity_heads.head_type(("Banco", "de", "Galicia"), "en") == "ORG"
    assert entity_heads.head_type(("Banco", "de", "Galicia"), "nl") is None
    doc = _doc(["its Magneti Marelli unit lost 1.9 percent and the Tokyo unit gained ."],
               [(1, 3, "PERSON"), (9, 10, "GPE")])
    found = [(e.text, e.label_) for e in entity_heads.name_heads(doc, list(doc.ents), {})]
    assert found == [("Magneti Marelli", "ORG"), ("Tokyo", "GPE")]


def test_a_name_or_a_code_in_capitals_before_index_is_the_index_but_an_exchange_is_not() -> None:
    doc = _doc(["The IBV index rose and the blue-chip MIB30 index fell .",
                "The Jakarta Stock Exchange composite index and the Madrid index eased ."],
               [(1, 2, "ORG"), (12, 15, "ORG"), (19, 20, "GPE")])
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in entity_wire.market_indices(doc, list(doc.ents), decided)]
    assert found == [("IBV", "MISC"), ("MIB30", "MISC"), ("Jakarta Stock Exchange", "ORG"), ("Madrid", "GPE")]
    assert decided == {(1, 2): "MISC", (7, 8): "MISC"}


def test_a_firm_whose_name_ends_in_a_possessive_keeps_it() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    doc = nlp("The rating agency Moody 's said on Monday that Standard & Poor 's agreed .")
    assert [(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")] == [
        ("Moody 's", "ORG"), ("Standard & Poor 's", "ORG")]


def test_money_aggregates_are_no_names_where_money_is_spoken_of_but_a_motorway_is() -> None:
    doc = _doc(["The M3 money supply grew and M3 growth slowed .", "Traffic on the M3 was slow ."],
               [(1, 2, "GPE"), (6, 7, "GPE"), (13, 14, "FAC")])
    assert [e.text for e in entity_wire.money_aggregates(doc, list(doc.ents))] == ["M3"]
    road = _doc(["Traffic on the M3 was slow ."], [(3, 4, "FAC")])
    assert [e.text for e in entity_wire.money_aggregates(road, list(road.ents))] == ["M3"]


def test_commodities_with_a_price_glued_or_read_as_a_people_are_dropped_in_market_copy() -> None:
    spans, decided = _market(["Soybean futures rose and Silver 4.84 eased while Corn May 267 firmed in the index ."],
                             [(0, 1, "NORP"), (4, 6, "PRODUCT"), (8, 11, "PRODUCT")])
    assert spans == [] and decided == {}
    nationality = _market(["Indonesian shares rose 1.2 percent ."], [(0, 1, "NORP")])
    assert nationality == ([("Indonesian", "NORP")], {})


def test_units_titles_before_of_and_roads_in_wire_terms() -> None:
    doc = _doc(["It was 70 below zero Fahrenheit .", "The Archbishop of Canterbury spoke .",
                "Police closed Interstate 94 near Fargo .", "Bishop took three wickets ."],
               [(5, 6, "ORG"), (8, 9, "ORG"), (10, 11, "GPE"), (15, 16, "ORG"), (18, 19, "GPE"), (20, 21, "PERSON")])
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in entity_wire.wire_terms(doc, list(doc.ents), decided)]
    assert found == [("Canterbury", "GPE"), ("Interstate 94", "LOC"), ("Fargo", "GPE"), ("Bishop", "PERSON")]
    assert decided == {(15, 17): "LOC"}


def test_the_stage_keeps_a_road_s_number_and_drops_a_count_before_a_name() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    doc = nlp("State officials closed Interstate 94 from Bismarck to Fargo on Tuesday .")
    assert ("Interstate 94", "LOC") in {(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")}
    doc = nlp("The party hopes to win a majority in the 217-seat National Assembly .")
    assert ("National Assembly", "ORG") in {(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")}


def test_a_work_in_quotes_after_its_noun_and_a_firm_after_bookmakers() -> None:
    from worker.tagging import entity_rules

    doc = _doc(['their debut single " Wannabe " topped the charts .', "Bookmakers William Hill said so ."],
               [(4, 5, "ORG"), (11, 13, "PERSON")])
    typed = [(e.text, e.label_) for e in entity_rules.context_types(doc, list(doc.ents))]
    assert typed == [("Wannabe", "MISC"), ("William Hill", "ORG")]


def test_a_firm_after_start_up_or_fintech_and_a_band_after_its_noun() -> None:
    # session 47 (en-news/dev_s47.txt): "payments start-up Sendora", "Cork band Ferrybank" were PER
    from worker.tagging import entity_rules

    doc = _doc(["payments start-up Sendora raised money .", "the fintech Kudipay grew .",
                "Cork band Ferrybank will play .", "the four-piece Kauri Static topped the charts ."],
               [(2, 3, "PERSON"), (8, 9, "PERSON"), (13, 14, "PERSON"), (19, 21, "PERSON")])
    typed = [(e.text, e.label_) for e in entity_rules.context_types(doc, list(doc.ents))]
    assert typed == [("Sendora", "ORG"), ("Kudipay", "ORG"), ("Ferrybank", "ORG"), ("Kauri Static", "ORG")]


def test_peoples_and_movements_of_1990s_news_are_known() -> None:
    from worker.tagging import gazetteer

    assert gazetteer.lookup("en", "Tamil").type == "MISC" and gazetteer.lookup("en", "Hutus").type == "MISC"
    assert gazetteer.lookup("en", "Mercosur").type == "ORG" and gazetteer.lookup("en", "LTTE").type == "ORG"
    assert gazetteer.lookup("en", "Channel Tunnel").type == "LOC"
    assert "Solidarity" not in {p["pattern"] for p in gazetteer.ruler_patterns("en")}  # a word too


def test_a_place_before_a_court_is_part_of_its_name_but_a_country_is_not() -> None:
    doc = _doc(["the Seoul District Court and Dublin District Court and the Israel High Court ruled ."],
               [(1, 2, "GPE"), (2, 4, "ORG"), (6, 8, "ORG"), (10, 11, "GPE"), (11, 13, "ORG")])
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in entity_wire.courts_of_places(doc, list(doc.ents), decided)]
    assert found == [("Seoul District Court", "ORG"), ("Dublin District Court", "ORG"), ("Israel", "GPE"),
                     ("High Court", "ORG")]
    assert decided == {(1, 4): "ORG", (5, 8): "ORG"}  # Dublin untagged: the gazetteer knows the place


def test_the_portfolio_labour_minister_and_city_halls_and_auditoriums() -> None:
    from worker.tagging import entity_heads

    doc = _doc(["Labour Minister Jin Nyum met Labour leaders ."], [(0, 1, "ORG"), (2, 4, "PERSON"), (5, 6, "ORG")])
    assert [e.text for e in entity_wire.drop_portfolios(doc, list(doc.ents))] == ["Jin Nyum", "Labour"]
    assert entity_heads.head_type(("Oslo", "City", "Hall"), "en") == "LOC"
    assert entity_heads.head_type(("Shrine", "Auditorium"), "en") == "LOC"
    assert entity_heads.head_type(("Jerry", "Hall"), "en") is None


def test_a_dateline_town_the_gazetteer_lacks_is_a_place_in_both_languages() -> None:
    """Session 34: GeoNames towns of 15,000 people ("Volendam", "Augusta") open datelines too, and English keeps its
    dateline spans as Dutch does ("AUGUSTA , Georgia , April 13 ( Reuters ) -" was ORG)."""
    from worker.tagging import entities, gazetteer

    assert {"Volendam", "Roubaix", "Augusta"} <= gazetteer.geonames_towns()
    for language, lines, place in (
            ("nl", ["Tiener wint darttoernooi", "VOLENDAM - De vijftienjarige Niels Kramer heeft gewonnen ."], (3, 4)),
            ("en", ["McIlroy wins in playoff", "AUGUSTA , Georgia , April 13 ( Reuters ) - Rory McIlroy won ."],
             (4, 5))):
        nlp = entities.load_pipeline(language)
        words = [w for line in lines for w in line.split(" ")]
        starts = [i == 0 for line in lines for i in range(len(line.split(" ")))]
        doc = nlp(Doc(nlp.vocab, words=words, sent_starts=starts))
        assert (*place, "LOC") in entities.mapped_spans(doc, language), language


def test_an_all_caps_word_that_is_no_town_opens_no_dateline() -> None:
    from worker.tagging import casing, gazetteer

    assert "Update" not in gazetteer.geonames_towns() and "Live" not in gazetteer.geonames_towns()
    doc = Doc(spacy.blank("en").vocab, words=["UPDATE", "-", "Talks", "resume", "."], sent_starts=[True] + [False] * 4)
    assert casing.DATELINES_KEY not in casing.truecase_doc(doc).spans
