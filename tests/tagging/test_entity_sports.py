"""Sports copy (entity_sports.py): layout rules on hand-made documents, independent of what a model predicts."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

from tests.tagging.line_docs import line_doc as _doc
from tests.tagging.line_docs import named_doc as _named
from worker.tagging import casing, entity_doc, entity_sports


def _run(doc: Doc) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    decided: dict[tuple[int, int], str] = {}
    ents = entity_sports.sports_entities(doc, list(doc.ents), lambda: casing.sentence_starts(doc), decided)
    return [(ent.text, ent.label_) for ent in ents], decided


def test_table_lines_name_clubs_and_national_teams_stay_places() -> None:
    doc = _doc(["Standings after Sunday 's matches :", "Barcelona 14 11 2 1 38 12 35",
                "CLEVELAND 14 3 .824 -", "Ireland 3 2 0 1 70 40 9"], [(6, 7, "GPE"), (14, 15, "GPE")])
    spans, decided = _run(doc)
    assert spans == [("Barcelona", "ORG"), ("CLEVELAND", "ORG"), ("Ireland", "LOC")]
    assert decided[(6, 7)] == "ORG" and decided[(19, 20)] == "LOC"


def test_results_line_with_scorers_splits_teams_and_tags_scorers() -> None:
    line = "Celtic 2 ( Maeda 12 , Kuhn 67 ) Aberdeen 1 ( Shinnie 80 ) . Halftime 1-0 . Attendance 57,000"
    doc = _doc(["Summary of matches on Saturday :", line], [(6, 18, "ORG"), (22, 23, "PERSON")])
    spans, _ = _run(doc)
    assert spans == [("Celtic", "ORG"), ("Maeda", "PER"), ("Kuhn", "PER"), ("Aberdeen", "ORG"),
                     ("Shinnie", "PER")]


def test_city_next_to_a_result_word_is_the_club_but_not_the_dateline_or_venue() -> None:
    doc = _doc(["SOCCER - RESULT .", "LEEDS 2026-03-14", "Leeds beat Middlesbrough 3-1 in Leeds on Saturday ."],
               [(4, 5, "GPE"), (6, 7, "GPE"), (11, 12, "GPE")])
    spans, _ = _run(doc)
    assert spans == [("LEEDS", "GPE"), ("Leeds", "ORG"), ("Middlesbrough", "ORG"), ("Leeds", "GPE")]


def test_a_clubs_city_and_nickname_alone_are_the_club() -> None:
    doc = _doc(["BASKETBALL - BULLS BEAT 76ERS .", "CHICAGO 1996-12-04",
                "The Chicago Bulls beat the Philadelphia 76ers 103-92 . Iverson led Philadelphia with 26 points ."],
               [(4, 5, "CARDINAL"), (6, 7, "GPE"), (8, 11, "ORG"), (12, 15, "ORG"), (17, 18, "PERSON"),
                (19, 20, "GPE")])
    spans, decided = _run(doc)
    assert ("BULLS", "ORG") in spans and ("76ERS", "ORG") in spans and ("CHICAGO", "GPE") in spans
    assert spans[-1] == ("Philadelphia", "ORG") and decided[(19, 20)] == "ORG"
    # a city after "in" stays a place
    doc = _doc(["BASKETBALL - RESULT .", "The Chicago Bulls won 103-92 in Chicago ."], [(4, 7, "ORG"), (10, 11, "GPE")])
    assert _run(doc)[0][-1] == ("Chicago", "GPE")

def test_overtime_is_no_scorer_and_a_results_club_stays_a_club_in_prose() -> None:
    lines = ["Results of ice hockey games on Saturday ( home team in CAPS ) :", "PITTSBURGH 5 Ottawa 2",
             "NY RANGERS 3 Hartford 3 ( OT )", "SAN JOSE 2 Anaheim 5",
             "Lemieux scored twice for Pittsburgh , while Kariya had a hat-trick for Anaheim ."]
    words = " ".join(lines).split(" ")
    pittsburgh, anaheim = words.index("Pittsburgh"), len(words) - 2
    assert words[anaheim] == "Anaheim"
    # the model: the prose city a place, the other a club (which the city list would make a place again)
    doc = _doc(lines, [(pittsburgh, pittsburgh + 1, "GPE"), (anaheim, anaheim + 1, "ORG")])
    spans, decided = _run(doc)
    assert ("OT", "PER") not in spans and ("Hartford", "ORG") in spans
    assert spans[-2:] == [("Pittsburgh", "ORG"), ("Anaheim", "ORG")]
    assert decided[(pittsburgh, pittsburgh + 1)] == "ORG" and decided[(anaheim, anaheim + 1)] == "ORG"


def test_short_forms_are_no_places_or_common_words() -> None:
    assert entity_sports._short_forms({"Steaua Bucharest", "New York", "Austria Vienna", "Real Madrid"}) == {"Steaua"}


def test_a_club_named_with_its_city_goes_by_its_name_alone_in_the_report() -> None:
    lines = ["Results of Romanian first division matches on Saturday :", "Steaua Bucharest 2 Farul Constanta 0",
             "Steaua went top of the table ."]
    words = " ".join(lines).split(" ")
    late = len(words) - 1 - words[::-1].index("Steaua")
    spans, decided = _run(_doc(lines, [(late, late + 1, "GPE")]))
    assert spans[-1] == ("Steaua", "ORG") and decided[(late, late + 1)] == "ORG"


def test_county_sides_are_clubs_and_section_words_no_names() -> None:
    lines = ["CRICKET - ENGLISH COUNTY CHAMPIONSHIP SCORES .", "Essex first innings 228 ( Lanning 56 )",
             "Women :", "100 metres : 1. Merlene Ottey ( Jamaica ) 11.02"]
    words = " ".join(lines).split(" ")
    essex, women = words.index("Essex"), words.index("Women")
    doc = _doc(lines, [(essex, essex + 1, "GPE"), (women, women + 1, "ORG")])
    spans, _ = _run(doc)
    assert ("Essex", "ORG") in spans
    assert ("Women", "ORG") not in spans


def test_listed_club_joins_a_club_split_from_its_city() -> None:
    doc = _doc(["SOCCER - RESULT .", "PSV Eindhoven drew 1-1 with Ajax on Sunday in the league ."],
               [(4, 5, "ORG"), (5, 6, "GPE")])
    spans, _ = _run(doc)
    assert ("PSV Eindhoven", "ORG") in spans and ("Ajax", "ORG") in spans


def test_outside_sports_copy_cities_stay_places() -> None:
    doc = _doc(["Leeds beat its target : the council said the city would build 2,000 homes ."], [(0, 1, "GPE")])
    spans, _ = _run(doc)
    assert spans == [("Leeds", "GPE")]


def test_rosters_scoreboards_and_players_with_countries_are_people() -> None:
    doc = _doc(["RUGBY UNION - TEAM TO PLAY FRANCE .",
                "15 - Blair Kinghorn , 14 - Darcy Graham , 13 - Huw Jones ( captain )",
                "A. Markram c Pant b Bumrah 31",
                "1 - Jannik Sinner ( Italy ) beat Arthur Fils ( France ) 6-3 6-4"])
    spans, _ = _run(doc)
    people = [text for text, label in spans if label == "PER"]
    assert people == ["Blair Kinghorn", "Darcy Graham", "Huw Jones", "A. Markram", "Pant", "Bumrah",
                      "Jannik Sinner", "Arthur Fils"]


def test_table_words_are_never_names() -> None:
    doc = _doc(["W L PCT GB", "Extras 6 Total ( for 3 wickets ) 159", "Draw for the cup on Monday ."],
               [(0, 4, "ORG"), (4, 7, "ORG"), (13, 14, "PERSON")])
    spans, _ = _run(doc)
    assert spans == []


def test_sport_and_dash_of_a_headline_are_cut_from_a_name() -> None:
    doc = _doc(["Cricket - India v South Africa scoreboard ."], [(0, 4, "ORG"), (4, 6, "GPE")])
    spans, _ = _run(doc)
    assert spans[0] == ("India", "ORG")


def test_all_caps_phrase_known_as_a_whole_keeps_its_capitals() -> None:
    doc = Doc(spacy.blank("en").vocab, words=["NEW", "YORK", "STOCKS", "CLOSE", "HIGHER", "AS", "TECH", "RALLIES"])
    assert [t.text for t in casing.truecase_doc(doc)][:2] == ["New", "York"]
    doc = Doc(spacy.blank("en").vocab, words=["CRICKET", "-", "ENGLAND", "V", "SOUTH", "AFRICA", "SCOREBOARD"])
    assert [t.text for t in casing.truecase_doc(doc)][2:6] == ["England", "v", "South", "Africa"]


def test_bench_can_leave_the_sports_rules_out(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from bench import ner_quality
    from worker.tagging import entity_rules

    gold = tmp_path / "results.txt"
    gold.write_text("SOCCER - STANDINGS .\n[ORG Barcelona] 14 11 2 1 38 12 35\n[ORG Valencia] 14 3 4 7 14 22 13\n",
                    encoding="utf-8")
    try:
        ner_quality.main([str(gold), "--lang", "en"])
        with_rules = capsys.readouterr().out
        ner_quality.main([str(gold), "--lang", "en", "--without", "sports"])
        without = capsys.readouterr().out
    finally:
        entity_rules.PARTS.update({"sports", "heads", "clubs"})
    assert "overall   1.000  1.000  1.000" in with_rules
    assert "overall   1.000  1.000  1.000" not in without


def test_golf_leaderboard_players_are_those_whose_rounds_add_up_to_the_total() -> None:
    doc = _doc(["GOLF - LEADING SCORES .", "136 Peter Senior 68 68 , Craig Parry 70 66",
                "137 Ian Woosnam ( Britain ) 69 68", "Barcelona 14 11 2 1 38 12 35"], [(6, 7, "PERSON")])
    spans, decided = _run(doc)
    assert ("Peter Senior", "PER") in spans and ("Craig Parry", "PER") in spans and ("Ian Woosnam", "PER") in spans
    assert decided[(6, 8)] == "PER"
    assert entity_sports._score_line_players(_doc(["137 Ian Woosnam 69 67"]), 0, 5) == []  # 136, not 137


def test_capitalised_at_reads_the_arrays_as_capitalised_reads_a_token() -> None:
    import spacy

    from worker.tagging.entity_sports import _capitalised, _capitalised_at

    doc = spacy.blank("en")("Leeds 1 Everton 1 , Ten ten 3 ½ Élan de ( PSV ) ١٢ Twelve")
    assert [_capitalised_at(doc, i) for i in range(len(doc))] == [_capitalised(t) for t in doc]


def test_home_nations_are_national_teams_like_countries() -> None:
    # "England beat India": England (no ISO country) fields a national team, a place in CoNLL-2003 as India is
    doc = _doc(["Standings after Sunday 's matches :", "England 3 2 0 1 70 40 9", "Leinster 3 2 0 1 60 40 8"],
               [(6, 7, "GPE"), (14, 15, "GPE")])
    spans, _ = _run(doc)
    assert spans == [("England", "LOC"), ("Leinster", "ORG")]


def test_north_american_franchises_are_clubs_in_sports_copy() -> None:
    doc = _doc(["BASKETBALL - NBA RESULT .", "Jokic scored 34 as Denver beat the Oklahoma City Thunder 112-105 .",
                "The Thunder lost for the third time ."], [(9, 11, "GPE"), (11, 12, "PERSON"), (18, 19, "PERSON")])
    spans, _ = _run(doc)
    assert ("Oklahoma City Thunder", "ORG") in spans and ("Thunder", "ORG") in spans


def test_an_agency_dateline_keeps_its_place_in_sports_copy() -> None:
    # "Denver", as the truecaser leaves the all-caps dateline for the rules
    doc = _doc(["BASKETBALL - NBA .", "Denver ( AP ) - Jokic scored 34 as the Denver Nuggets beat Utah 121-115 .",
                "Denver won again ."],
               [(4, 5, "GPE"), (6, 7, "ORG"), (14, 16, "ORG"), (17, 18, "GPE"), (20, 21, "GPE")])
    spans, _ = _run(doc)
    assert spans[0] == ("Denver", "GPE") and spans[-1] == ("Denver", "ORG")  # the later "Denver" is the club


def test_a_sport_before_a_country_is_its_body_and_two_places_before_race_are_a_race() -> None:
    # session 29, second cycle (Lee dev3): "Soccer Australia" gave "Australia" LOC; "the Sydney to Hobart yacht race"
    # gave two places
    text = "Soccer Australia says the Sydney to Hobart yacht race starts and Australia beat India"
    doc = Doc(spacy.blank("en").vocab, words=text.split(" "))
    ents = [Span(doc, 1, 2, label="GPE"), Span(doc, 4, 5, label="GPE"), Span(doc, 6, 7, label="GPE"),
            Span(doc, 11, 12, label="GPE"), Span(doc, 13, 14, label="GPE")]
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in entity_sports.sport_bodies_and_races(doc, ents, decided)]
    assert found == [("Soccer Australia", "ORG"), ("Sydney to Hobart", "EVENT"), ("Australia", "GPE"),
                     ("India", "GPE")]
    assert decided == {(0, 2): "ORG", (4, 7): "MISC"}


def test_a_lower_division_club_named_by_its_town_in_a_report_is_the_club() -> None:
    # session 31: "Barnsley" and "Tranmere" were not on the club list, and prose has no layout to type them by
    doc = _doc(["SOCCER - BARNSLEY GO SECOND .", "Neil Redfearn scored twice for Barnsley , while Tranmere lost ."],
               [(2, 3, "GPE"), (6, 8, "PERSON"), (11, 12, "GPE"), (14, 15, "GPE")])
    spans, _ = _run(doc)
    assert spans == [("BARNSLEY", "ORG"), ("Neil Redfearn", "PERSON"), ("Barnsley", "ORG"), ("Tranmere", "ORG")]


def test_a_test_match_is_no_name() -> None:
    # session 31: "the third Test" ORG, "both Tests" MISC in cricket and rugby copy
    doc = _doc(["CRICKET - AMBROSE FIT .", "He will play in the third Test against Australia after both Tests ."],
               [(11, 12, "ORG"), (13, 14, "GPE"), (16, 17, "MISC")])
    spans, _ = _run(doc)
    assert spans == [("Australia", "GPE")]


def test_north_american_verbs_and_roles_next_to_a_city_make_the_franchise() -> None:
    doc = _doc(["BASKETBALL - BULLS BEAT ROCKETS .", "Hakeem Olajuwon led Houston with 31 points .",
                "Chicago visit Miami on Tuesday .", "Florida quarterback Danny Wuerffel won ."],
               [(6, 8, "PERSON"), (9, 10, "GPE"), (14, 15, "GPE"), (16, 17, "GPE"), (20, 21, "GPE"),
                (22, 24, "PERSON")])
    spans, _ = _run(doc)
    assert [(text, label) for text, label in spans if label in ("ORG", "GPE")] == [
        ("Houston", "ORG"), ("Chicago", "ORG"), ("Miami", "ORG"), ("Florida", "ORG")]


def test_a_surname_of_a_person_in_the_story_is_not_made_a_club() -> None:
    # "Lewis 's manager": the model's place next to a club word, but Lennox Lewis is named in full above it
    doc = _doc(["BOXING - WBC ORDERS LEWIS TO FIGHT .", "Lennox Lewis must fight McCall .", "Lewis 's manager said ."],
               [(8, 10, "PERSON"), (12, 13, "PERSON"), (14, 15, "GPE")])
    spans, _ = _run(doc)
    assert spans[-1] == ("Lewis", "GPE")  # left to the model and the votes, not made ORG here


def test_a_two_word_sport_of_a_headline_marks_sports_copy_and_is_no_name() -> None:
    doc = _doc(["AUSTRALIAN RULES - AFL DRAFT .", "Collingwood , coached by Leigh Matthews , took Smith ."],
               [(0, 1, "NORP"), (6, 7, "PERSON"), (10, 12, "PERSON")])
    assert entity_sports.is_sports_document(doc, lambda: casing.sentence_starts(doc))
    spans, _ = _run(doc)
    assert ("AUSTRALIAN", "NORP") not in spans
    doc = _doc(["AMERICAN FOOTBALL - NFL RESULTS ."], [(0, 2, "ORG"), (3, 4, "ORG")])
    assert _run(doc)[0] == [("NFL", "ORG")]


def test_the_west_indies_are_a_national_side_and_cups_are_competitions() -> None:
    from worker.tagging import gazetteer

    assert gazetteer.is_national_team("en", "West Indies")
    doc = _doc(["CRICKET - WALSH FIT .", "West Indies captain Courtney Walsh said ."],
               [(5, 7, "GPE"), (8, 10, "PERSON")])
    assert _run(doc)[0][0] == ("West Indies", "GPE")  # not the club that "captain" would make of a city
    for name in ("Sheffield Shield", "Five Nations", "NFC East", "Stanley Cup"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "MISC", name


def test_the_gazetteer_does_not_tag_a_headline_sport_as_a_nationality() -> None:
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    lines = ["AMERICAN FOOTBALL - BRONCOS MAY REST ELWAY .",
             "Denver coach Mike Shanahan said the American side was fit ."]
    words = [w for line in lines for w in line.split(" ")]
    starts = [i == 0 for line in lines for i in range(len(line.split(" ")))]
    doc = nlp(Doc(nlp.vocab, words=words, sent_starts=starts))
    spans = entities.mapped_spans(doc, "en")
    assert not any(start == 0 for start, _, _ in spans)  # "AMERICAN" of the headline's sport
    assert (words.index("American"), words.index("American") + 1, "MISC") in spans  # the prose demonym stays


def test_a_hyphenated_demonym_is_no_headline_sport() -> None:
    nlp = spacy.blank("en")
    doc = nlp("an Australian-Israeli team")
    assert [t.text for t in doc][1:4] == ["Australian", "-", "Israeli"]
    assert not entity_sports.is_sport_head(doc, 1, 2)
    assert entity_sports.is_sport_head(nlp("AUSTRALIAN RULES - AFL DRAFT"), 0, 1)


def test_the_names_of_a_rugby_scorer_list_are_people() -> None:
    line = "South Africa - Tries : van der Westhuizen 2 , Joubert , Small , Kruger . Conversions : Honiball 3 ."
    doc = _doc(["RUGBY UNION - SOUTH AFRICA BEAT WALES 37-20 .", line],
               [(9, 11, "GPE"), (15, 17, "PERSON"), (19, 22, "GPE"), (23, 24, "ORG")])  # as the model read it
    spans, decided = _run(doc)
    people = [text for text, label in spans if label == "PER"]
    assert people == ["van der Westhuizen", "Joubert", "Small", "Kruger", "Honiball"]
    assert decided[(19, 20)] == "PER"


def test_a_city_beaten_in_a_final_is_the_club() -> None:
    doc = _doc(["RUGBY UNION - TRANSVAAL WIN CUP .", "Transvaal won the cup in May , beating Natal in the final ."],
               [(7, 8, "GPE"), (15, 16, "GPE")])
    spans, _ = _run(doc)
    assert ("Natal", "ORG") in spans


def test_a_news_site_rugby_report_is_sports_copy_and_its_towns_clubs_throughout() -> None:
    doc = _named(["Bath edge Leicester to claim the title",
                  "Bath won 23-21 , the director of rugby said , and the fly-half kicked the winner .",
                  "It was the coach 's last season in charge of Leicester , as Leicester pressed late .",
                  "Fans in Bath celebrated ."],
                 [("Bath", "GPE"), ("Leicester", "GPE"), ("Bath", "GPE"), ("Leicester", "GPE"), ("Leicester", "GPE"),
                  ("Bath", "GPE")])
    spans, _ = _run(doc)
    # "of Leicester" and "in Bath" follow a place word; the headline's neighbours make both towns clubs elsewhere
    assert spans == [("Bath", "ORG"), ("Leicester", "ORG"), ("Bath", "ORG"), ("Leicester", "GPE"),
                     ("Leicester", "ORG"), ("Bath", "GPE")]


def test_a_clubs_last_word_alone_is_the_club() -> None:
    doc = _named(["Crystal Palace beat Manchester City 1-0 to win the FA Cup .",
                  "Eze scored and Palace held on , while City pressed in vain after the penalty ."],
                 [("Crystal Palace", "ORG"), ("Manchester City", "ORG"), ("Eze", "PERSON"), ("Palace", "GPE"),
                  ("City", "GPE")])
    spans, _ = _run(doc)
    assert ("Palace", "ORG") in spans and ("City", "ORG") in spans


def test_standings_column_heads_hold_no_name_and_a_name_run_into_them_keeps_its_part() -> None:
    doc = _doc(["BASKETBALL - NBA STANDINGS .", "Atlantic Division", "W L pct GB", "MIAMI 14 5 .737 -"],
               [(5, 11, "ORG"), (11, 12, "GPE")])
    spans, _ = _run(doc)
    assert spans == [("Atlantic Division", "ORG"), ("MIAMI", "ORG")]
    # without the part the heads stay in the model's name (the table words' rule cuts only "GB")
    decided: dict[tuple[int, int], str] = {}
    ents = entity_sports.sports_entities(doc, list(doc.ents), lambda: casing.sentence_starts(doc), decided,
                                         standings=False)
    assert ("Atlantic Division W L pct", "ORG") in [(e.text, e.label_) for e in ents]


def test_a_schedule_line_names_two_clubs() -> None:
    doc = _doc(["ICE HOCKEY - NHL STANDINGS .", "SATURDAY , DECEMBER 7 SCHEDULE", "Dallas at Philadelphia",
                "New Jersey at Orlando", "Scotland at Wembley on Saturday ."],
               [(11, 12, "GPE"), (13, 14, "GPE"), (20, 21, "GPE")])
    spans, decided = _run(doc)
    assert spans == [("Dallas", "ORG"), ("Philadelphia", "ORG"), ("New Jersey", "ORG"), ("Orlando", "ORG"),
                     ("Wembley", "GPE")]  # a sentence with more than the fixture is no schedule line
    assert decided[(14, 16)] == "ORG"


def test_conferences_are_competitions_like_divisions() -> None:
    from worker.tagging import gazetteer

    for name in ("Eastern Conference", "Western Conference", "National Football Conference"):
        entry = gazetteer.exact_lookup("en", name)
        assert entry is not None and entry.type == "MISC"


def test_a_table_row_or_fixture_written_in_capitals_keeps_every_word_of_its_team() -> None:
    from worker.tagging.casing import SHOUTED_KEY

    lines = ["ICE HOCKEY - NHL STANDINGS .", "Tampa bay 10 14 3 74 84 23", "NY islanders 7 14 6 68 82 20",
             "Ottawa at buffalo", "Tampa bay 10 14 3 74 84 23"]
    doc = _doc(lines, [(6, 7, "GPE"), (14, 15, "ORG"), (22, 23, "GPE"), (25, 26, "GPE")])
    doc.spans[SHOUTED_KEY] = [Span(doc, 6, 14), Span(doc, 14, 22), Span(doc, 22, 25)]  # not the last row
    spans, _ = _run(doc)
    assert spans[:4] == [("Tampa bay", "ORG"), ("NY islanders", "ORG"), ("Ottawa", "ORG"), ("buffalo", "ORG")]
    assert spans[4][0] == "Tampa"  # a row not in capitals: its name is its capitalised words


def test_a_fixture_may_follow_a_label_and_its_colon() -> None:
    doc = _doc(["AMERICAN FOOTBALL - NFL RESULTS .", "Denver 21 OAKLAND 17",
                "Playing Monday : San Francisco at ATLANTA"], [(13, 14, "GPE")])
    spans, _ = _run(doc)
    assert ("San Francisco", "ORG") in spans and ("ATLANTA", "ORG") in spans
    doc = _doc(["AMERICAN FOOTBALL - NFL RESULTS .", "Denver 21 OAKLAND 17", "Note : 12 at home"])
    assert ("home", "ORG") not in _run(doc)[0]  # a number in the label: no fixture


def test_a_fixture_team_the_truecaser_lower_cased_stays_a_club_in_the_whole_stage() -> None:
    from tests.tagging.line_docs import stage_entities

    text = ("ICE HOCKEY - NHL SCHEDULE .\nNEW YORK 1996-12-06\nFixtures on Saturday :\nOTTAWA AT BUFFALO\n"
            "TORONTO AT PHOENIX\n")
    found = {(name.lower(), label) for name, label in stage_entities("en", text)}
    assert {("ottawa", "ORG"), ("buffalo", "ORG"), ("toronto", "ORG"), ("phoenix", "ORG")} <= found


def test_a_short_first_line_before_a_colon_elsewhere_is_read_without_error() -> None:
    # "NHL" alone on the first line: the colon search once sliced from the end of the doc and raised ValueError
    doc = _doc(["NHL", "ICE HOCKEY - NHL RESULTS .", "OTTAWA 3 Buffalo 2", "Playing Thursday : Tampa Bay at TORONTO"],
               [(0, 1, "ORG")])
    spans, _ = _run(doc)
    assert ("Tampa Bay", "ORG") in spans and ("TORONTO", "ORG") in spans


def test_whether_a_doc_is_sports_copy_is_decided_once_per_doc_and_sentence_starts(monkeypatch) -> None:
    calls: list[int] = []
    decide = entity_sports._is_sports_document

    def counted(doc: Doc, starts: list[bool]) -> bool:
        calls.append(len(doc))
        return decide(doc, starts)

    # the answers' store, a module global (compiled rules call the module's functions directly, never through it)
    monkeypatch.setattr(entity_sports, "_sports_answer", entity_doc.PerStarts(counted))
    doc = _doc(["SOCCER - LEEDS BEAT EVERTON .", "Leeds 2 Everton 1"], [(2, 3, "ORG")])
    starts = casing.sentence_starts(doc)
    assert entity_sports.is_sports_document(doc, lambda: starts)
    assert entity_sports.is_sports_document(doc, lambda: starts)  # the rules ask up to four times per doc
    assert len(calls) == 1
    assert entity_sports.is_sports_document(doc, lambda: list(starts))  # other starts: decided again
    assert len(calls) == 2
    other = _doc(["Parliament met on Tuesday ."], [(0, 1, "ORG")])
    assert not entity_sports.is_sports_document(other, lambda: casing.sentence_starts(other))
    assert len(calls) == 3


def test_a_doc_without_a_sports_word_or_versus_keeps_its_names_as_they_are() -> None:
    doc = _doc(["Cricket - India v", "Parliament met ."], [(2, 4, "GPE"), (5, 6, "ORG")])
    assert [(e.start, e.end) for e in entity_sports.strip_sport_heads(doc, list(doc.ents))] == [(2, 3), (5, 6)]
    plain = _doc(["Parliament met India ."], [(0, 1, "ORG"), (2, 3, "GPE")])
    ents = list(plain.ents)
    assert entity_sports.strip_sport_heads(plain, ents) == ents


def test_a_scoreboards_venue_line_names_its_town_where_the_model_found_none() -> None:
    doc = _named(["CRICKET - COUNTY CHAMPIONSHIP SCORES .", "At Worcester :", "Glamorgan 155 ( Huw Bevan 48 ) ;",
                  "Worcestershire 82-3 ."], [("Glamorgan", "ORG"), ("Huw Bevan", "PERSON"), ("Worcestershire", "ORG")])
    spans, decided = _run(doc)
    assert ("Worcester", "LOC") in spans and decided[(7, 8)] == "LOC"
    # not a line that opens "At" with no colon after its capitalised words
    other = _named(["CRICKET - COUNTY CHAMPIONSHIP SCORES .", "At Worcester on Thursday , Glamorgan made 155 ."],
                   [("Glamorgan", "ORG")])
    assert ("Worcester", "LOC") not in _run(other)[0]


def test_an_empty_span_is_dropped_whether_or_not_the_doc_has_a_sports_word() -> None:
    vocab = spacy.blank("en").vocab
    for words in (["Paris", "is", "nice", "."], ["Paris", "v", "Lyon", "."]):
        doc = Doc(vocab, words=words)
        ents = [Span(doc, 0, 1, label="GPE"), Span(doc, len(words), len(words), label="ORG")]
        assert [(e.start, e.end) for e in entity_sports.strip_sport_heads(doc, ents)] == [(0, 1)]


def test_todays_rugby_sides_are_clubs_and_their_competitions_events() -> None:
    # session 41: "Moana Pasifika" PER in a Super Rugby report, "Super Rugby Pacific" ORG, "Llanelli RFC" PER
    clubs = entity_sports.club_texts()
    assert {"Moana Pasifika", "Fijian Drua", "Scarlets", "Exeter Chiefs", "Penrith Panthers"} <= clubs
    assert not {"Blues", "Storm", "Hurricanes"} & clubs  # common words stay off the list
    from worker.tagging import entity_heads, gazetteer

    entry = gazetteer.exact_lookup("en", "Super Rugby Pacific")
    assert entry is not None and entry.type == "MISC"
    assert entity_heads.head_type(("Llanelli", "RFC"), "en") == "ORG"
    doc = _doc(["RUGBY UNION - DRUA EDGE MOANA PASIFIKA .", "The Drua beat Moana Pasifika 29-27 in Suva ."],
               [(9, 11, "PERSON"), (13, 14, "GPE")])
    spans, _ = _run(doc)
    assert ("Moana Pasifika", "ORG") in spans


def test_league_of_ireland_clubs_are_clubs_in_sports_copy() -> None:
    # session 41: "Galway" and "Dundalk" LOC, "St Patrick 's Athletic" two names in a League of Ireland report
    clubs = entity_sports.club_texts()
    assert {"Shamrock Rovers", "Galway", "Dundalk", "St Patrick 's Athletic", "Derry City"} <= clubs
    doc = _doc(["SOCCER - LEAGUE OF IRELAND RESULTS .", "Dundalk beat Galway 2-1 on Friday ."],
               [(6, 7, "GPE"), (8, 9, "GPE")])
    spans, _ = _run(doc)
    assert ("Dundalk", "ORG") in spans and ("Galway", "ORG") in spans


def test_listed_clubs_find_what_trying_every_length_of_the_club_list_found() -> None:
    """`_listed_clubs` tries at a word only the lengths of the club names opening with it; the walk it replaced tried
    every length of the list, longest first."""
    import random

    names = entity_sports.club_names()
    firsts = {key[0] for key in names}
    lengths = sorted({len(key) for key in names}, reverse=True)
    keys = sorted(names)
    rng = random.Random(41)
    words: list[str] = []
    for _ in range(300):  # club names, their first words alone and run together, and other words between them
        key = rng.choice(keys)
        words += list(key[:rng.randint(1, len(key))]) + rng.choice([[], ["beat"], [key[0]], ["FC"], ["1"]])
    doc = Doc(spacy.blank("en").vocab, words=words)
    expected, after = [], 0
    for i, word in enumerate(words):
        if i < after or word not in firsts:
            continue
        for n in lengths:
            if i + n <= len(words) and tuple(words[i:i + n]) in names:
                expected.append((i, i + n))
                after = i + n
                break
    assert entity_sports._listed_clubs(doc) == expected
    assert any(b - a > 1 for a, b in expected) and len(expected) > 100


def test_clubs_of_todays_leagues_outside_europe_are_clubs_in_sports_copy() -> None:
    # session 42: MLS, the Saudi Pro League, Liga MX, the IPL, the A-League, J1, the K League, the ISL
    clubs = entity_sports.club_texts()
    assert {"Inter Miami", "Al Nassr", "Cruz Azul", "Mumbai Indians", "Sydney FC", "Kawasaki Frontale",
            "Ulsan HD", "Mohun Bagan"} <= clubs
    doc = _doc(["SOCCER - JAPANESE LEAGUE RESULTS .", "Kawasaki Frontale beat Sydney FC 2-1 on Friday ."],
               [(6, 8, "PERSON"), (9, 11, "GPE")])
    spans, _ = _run(doc)
    assert ("Kawasaki Frontale", "ORG") in spans and ("Sydney FC", "ORG") in spans


def test_clubs_of_african_canadian_caribbean_and_australian_leagues_are_clubs_in_sports_copy() -> None:
    # session 47 (en-news/dev_s47.txt): "Orlando Pirates" and "Golden Arrows" PER in a South African Premiership report
    clubs = entity_sports.club_texts()
    assert {"Orlando Pirates", "Kaizer Chiefs", "Gor Mahia", "Asante Kotoko", "Enyimba", "Forge FC",
            "Guyana Amazon Warriors", "Perth Wildcats", "Sydney Sixers"} <= clubs
    assert "Esperance" not in clubs  # a town in Western Australia too
    doc = _doc(["SOCCER - SOUTH AFRICAN PREMIERSHIP RESULTS .", "Orlando Pirates beat Golden Arrows 3-0 on Friday ."],
               [(7, 9, "PERSON"), (10, 12, "PERSON")])
    spans, _ = _run(doc)
    assert ("Orlando Pirates", "ORG") in spans and ("Golden Arrows", "ORG") in spans


def test_clubs_of_rugby_union_second_tiers_are_clubs_in_sports_copy() -> None:
    # session 48 (en-news/dev_s48.txt): "Ealing Trailfinders" and "Cornish Pirates" PER in a Championship report
    clubs = entity_sports.club_texts()
    assert {"Ealing Trailfinders", "Cornish Pirates", "Bedford Blues", "Ayrshire Bulls", "Terenure College",
            "New England Free Jacks", "Kubota Spears"} <= clubs
    assert not {"Dax", "Nevers", "Aberavon", "Lansdowne", "Clontarf"} & clubs  # towns and a ground, not only clubs
    doc = _doc(["RUGBY UNION - ENGLISH CHAMPIONSHIP RESULTS .", "Ealing Trailfinders beat Cornish Pirates 38-17 on "
                "Saturday ."], [(7, 9, "PERSON"), (10, 12, "PERSON")])
    spans, _ = _run(doc)
    assert ("Ealing Trailfinders", "ORG") in spans and ("Cornish Pirates", "ORG") in spans


def test_clubs_of_minor_league_baseball_ice_hockey_and_netball_are_clubs_in_sports_copy() -> None:
    # session 49 (en-news/dev_s49.txt): "Yard Goats" and "Glasgow Clan" PER, "West Coast Fever" LOC
    clubs = entity_sports.club_texts()
    assert {"Yard Goats", "Portland Sea Dogs", "Glasgow Clan", "West Coast Fever", "NSW Swifts",
            "Trinidad and Tobago Red Force", "Portland Thorns"} <= clubs
    assert not {"Fever", "Clan", "Isotopes", "Express"} & clubs  # common English words alone
    doc = _doc(["BASEBALL - EASTERN LEAGUE RESULTS .", "Sea Dogs edge Yard Goats 5-4 on Saturday ."],
               [(6, 8, "PERSON"), (9, 11, "PERSON")])
    spans, _ = _run(doc)
    assert ("Sea Dogs", "ORG") in spans and ("Yard Goats", "ORG") in spans
