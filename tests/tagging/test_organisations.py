"""The organisation list (data/organisations.yaml) in the gazetteer: types, aliases, type-only names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from worker.tagging import gazetteer


def test_organisations_are_typed_and_aliases_share_one_entry() -> None:
    assert gazetteer.lookup("nl", "Vlaams Belang").type == "ORG"
    assert gazetteer.lookup("nl", "Vlaams Blok") is gazetteer.lookup("nl", "Vlaams Belang")
    assert gazetteer.lookup("nl", "Sabena").type == "ORG"
    assert gazetteer.lookup("nl", "Gazet van Antwerpen") is gazetteer.lookup("nl", "GvA")
    assert gazetteer.lookup("en", "Benfica").type == "ORG"  # was a GeoNames place
    assert gazetteer.lookup("nl", "KFOR").type == "MISC"  # a named mission


def test_names_that_are_also_words_type_a_span_but_are_never_matched() -> None:
    assert gazetteer.lookup("nl", "Groen").type == "ORG"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Groen" not in patterns and "Plus" not in patterns
    assert "Sabena" in patterns


def test_a_group_without_a_valid_type_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "organisations.yaml").write_text(yaml.safe_dump({"groups": {"bad": {"names": ["X"]}}}))
    monkeypatch.setattr(gazetteer, "DATA_DIR", tmp_path)
    with pytest.raises(ValueError, match="needs a type"):
        gazetteer._organisation_entries()


def test_the_written_gazetteer_is_the_build_of_its_sources() -> None:
    built = gazetteer.build_entries()
    names = {(e["type"], n) for e in built for n in e["names"].get("nl", [])}
    assert ("ORG", "Sabena") in names and ("MISC", "KFOR") in names
    written = gazetteer.GAZETTEER_FILE.read_text(encoding="utf-8")
    assert '"Sabena"' in written and '"match": false' in written


def test_places_of_recent_news_under_their_dutch_names_and_home_nations() -> None:
    kharkiv = gazetteer.lookup("nl", "Charkiv")
    assert kharkiv is not None and kharkiv.type == "LOC" and kharkiv.curated
    assert gazetteer.lookup("nl", "Knokke-Heist").type == "LOC"  # below the Belgian population threshold
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert {"Charkiv", "Zeeuws-Vlaanderen", "IJsselmeer"} <= patterns
    assert gazetteer.lookup("en", "Northern Ireland").wikidata in gazetteer.national_team_ids()


def test_sports_venues_are_places_and_uk_parties_organisations() -> None:
    assert gazetteer.lookup("en", "Old Trafford").type == "LOC"
    assert gazetteer.lookup("en", "Lord's").type == "LOC"
    assert gazetteer.lookup("en", "Wimbledon") is None or gazetteer.lookup("en", "Wimbledon").type != "LOC"
    assert gazetteer.lookup("en", "Tories") is gazetteer.lookup("en", "Conservatives")
    assert gazetteer.lookup("en", "Labour").type == "ORG"
    assert gazetteer.lookup("en", "Golden Globes").type == "MISC"
    assert gazetteer.lookup("en", "Brent").type == "MISC"  # the oil benchmark
    patterns = {p["pattern"]: p["label"] for p in gazetteer.ruler_patterns("nl")}
    assert "Groen" not in patterns and patterns["Brent"] == "MISC"  # a type-only name is never matched as a town
    assert "Labour" not in {p["pattern"] for p in gazetteer.ruler_patterns("en")}  # also a word: never matched


def test_states_of_the_1990s_are_places_and_field_national_teams() -> None:
    assert gazetteer.lookup("en", "Zaire") is gazetteer.lookup("en", "DR Congo")  # an older name of one country
    yugoslavia = gazetteer.lookup("nl", "Joegoslavië")
    assert yugoslavia is not None and yugoslavia.type == "LOC"
    assert yugoslavia.wikidata in gazetteer.national_team_ids()


def test_a_venue_where_clubs_play_stays_a_place() -> None:
    from worker.tagging import entities

    assert gazetteer.is_venue("en", "Lord 's") and not gazetteer.is_venue("en", "Leeds")
    nlp = entities.load_pipeline("en")
    doc = nlp("England beat India by 22 runs at Lord's to take a 2-1 lead in the series.")
    assert ("Lord's", "LOC") in [(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")]


def test_the_broadcasters_of_the_2000s_are_organisations_and_a_given_name_among_them_is_never_matched() -> None:
    assert gazetteer.lookup("nl", "Tros") is gazetteer.lookup("nl", "TROS")
    assert gazetteer.lookup("nl", "Radio Donna").type == "ORG" and gazetteer.lookup("nl", "Kanaal Twee").type == "ORG"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Kanaal 2" in patterns and "Veronica" not in patterns
    assert gazetteer.lookup("nl", "Veronica").type == "ORG"


def test_names_opening_with_a_digit_are_kept_when_they_hold_a_capital_and_numbers_never_are() -> None:
    assert gazetteer.lookup("nl", "3FM") is gazetteer.lookup("nl", "NPO 3FM")
    assert gazetteer.lookup("nl", "4FM").type == "ORG" and gazetteer.lookup("nl", "50PLUS").type == "ORG"
    assert gazetteer._usable("1860 München") and not gazetteer._usable("2024") and not gazetteer._usable("3m")


def test_a_title_whose_article_is_written_lower_case_keeps_it() -> None:
    assert gazetteer.lookup("nl", "de Volkskrant").type == gazetteer.lookup("nl", "Volkskrant").type == "ORG"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "de Volkskrant" in patterns
    assert not gazetteer._usable("de man") and not gazetteer._usable("het")


def test_us_federal_bodies_programmes_and_dc_are_known() -> None:
    # session 24 (real English news: "TSA" MISC, "Medicaid" and "Obamacare" ORG, "DC" MISC)
    assert gazetteer.lookup("en", "TSA").type == "ORG"
    assert gazetteer.lookup("en", "Transportation Security Administration") is gazetteer.lookup("en", "TSA")
    assert gazetteer.lookup("en", "Medicaid").type == "MISC"
    assert gazetteer.lookup("en", "Obamacare") is gazetteer.lookup("en", "Affordable Care Act")
    assert gazetteer.lookup("en", "DC") is gazetteer.lookup("en", "Washington")


def test_states_provinces_and_regions_are_places_unless_news_means_a_word_or_a_club() -> None:
    for name in ("New South Wales", "Queensland", "Western Australia", "Nova Scotia", "Sindh", "Helmand"):
        entry = gazetteer.exact_lookup("en", name)
        assert entry is not None and entry.type == "LOC" and entry.match, name
    # a common word ("Rivers", Dutch "Centrale"), a club ("Bayern"), an airline, a given name, direction words
    for name in ("Rivers", "Centrale", "Bayern", "Delta", "Littoral", "Victoria", "North West"):
        entry = gazetteer.exact_lookup("en", name)
        assert entry is None or entry.type != "LOC" or entry.curated, name


def test_awards_are_misc_but_given_names_that_name_them_are_not_listed() -> None:
    # session 29, the Lee corpus's dev2: "two Golden Globe best actor awards" gave "Golden Globe" ORG
    for name in ("Golden Globe", "Golden Globes", "Oscars", "Academy Awards", "Nobel Prize"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "MISC", name
    assert gazetteer.lookup("en", "Oscar") is None and gazetteer.lookup("en", "Emmy") is None


def test_churches_are_misc_like_religions() -> None:
    # session 29, the Lee corpus's dev2: "a Toowoomba Anglican school" was one ORG
    for word in ("Anglican", "Methodist", "Lutheran", "Shiite", "Catholic"):
        entry = gazetteer.exact_lookup("en", word)
        assert entry is not None and entry.type == "MISC", word


def test_australasian_bodies_team_names_and_grounds_are_typed() -> None:
    from worker.tagging import entities

    ansett = gazetteer.lookup("en", "Ansett")
    assert ansett is not None and ansett.type == "ORG" and ansett is gazetteer.lookup("en", "Ansett Australia")
    assert gazetteer.lookup("en", "Centrelink").type == "ORG"
    assert gazetteer.lookup("en", "Proteas").type == "ORG"  # a national team's own name
    assert gazetteer.is_venue("en", "MCG")
    assert "Kangaroos" not in {p["pattern"] for p in gazetteer.ruler_patterns("en")}  # also the animals
    nlp = entities.load_pipeline("en")
    doc = nlp("Ansett's collapse left Centrelink to pay workers, and the Proteas batted at the MCG.")
    found = {(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")}
    assert {("Ansett", "ORG"), ("Centrelink", "ORG"), ("Proteas", "ORG"), ("MCG", "LOC")} <= found


def test_recent_belgian_party_names_but_not_the_ones_that_were_something_else_in_2000() -> None:
    assert gazetteer.lookup("nl", "PVDA-PTB").type == "ORG"
    assert gazetteer.lookup("nl", "Mouvement Réformateur").type == "ORG"
    # ned.testa (De Morgen, 2000): "de Gentse Vooruit" is the arts centre, "( MR )" a reporter's initials
    assert gazetteer.lookup("nl", "Vooruit") is None and gazetteer.lookup("nl", "MR") is None


def test_companies_of_the_1990s_markets_are_organisations_and_common_words_among_them_only_type() -> None:
    assert gazetteer.lookup("en", "Barrick Gold").type == "ORG"
    assert gazetteer.lookup("en", "Gudang Garam").type == "ORG"
    assert gazetteer.lookup("en", "Pohang Iron and Steel").type == "ORG"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    assert "Noranda" in patterns and "Telebras" in patterns
    assert gazetteer.lookup("en", "Exxon").type == "ORG" and "Exxon" not in patterns  # a common word too
    assert "Henkel" not in patterns and "Matsushita" not in patterns  # also people's names


def test_a_firm_whose_name_is_a_possessive_keeps_it_and_people_s_are_not_listed() -> None:
    assert gazetteer.exact_lookup("en", "Moody's").type == "ORG"
    assert gazetteer.exact_lookup("en", "Lloyd's") is None


def test_organisations_of_flemish_and_dutch_dailies_of_2000_are_known() -> None:
    assert gazetteer.lookup("nl", "Cofinimmo").type == "ORG"
    assert gazetteer.lookup("nl", "Vlaamse Gemeenschapscommissie").type == "ORG"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Telindus" in patterns
    assert gazetteer.lookup("nl", "Chiro").type == "ORG" and "Chiro" not in patterns  # a common word too


def test_venues_are_places_and_exchanges_misc_in_dutch_but_organisations_in_english() -> None:
    # ned.train types theatres and halls LOC and both exchanges it names MISC; our English files type exchanges ORG;
    # museums stay ORG (the issue names "museums tagged LOC" among the hidden test set's errors) (session 33, round 1)
    assert gazetteer.lookup("nl", "Kaaitheater").type == "LOC"
    assert gazetteer.lookup("nl", "Van Gogh Museum").type == "ORG"
    assert gazetteer.lookup("nl", "Easdaq").type == "MISC" and gazetteer.lookup("nl", "Nasdaq").type == "MISC"
    assert gazetteer.lookup("en", "Easdaq").type == "ORG" and gazetteer.lookup("en", "Nasdaq").type == "ORG"
    assert gazetteer.lookup("en", "New York Stock Exchange").type == "ORG"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Easdaq" in patterns and "Nasdaq" not in patterns  # a common word too: type evidence only


def test_the_commonwealth_is_an_organisation_not_a_geonames_district() -> None:
    entry = gazetteer.lookup("en", "Commonwealth")
    assert entry is not None and entry.type == "ORG"  # a Quezon City district in GeoNames; session 33
    assert "Commonwealth" not in {p["pattern"] for p in gazetteer.ruler_patterns("en")}  # type evidence only


def test_every_countrys_english_demonym_is_a_nationality() -> None:
    # session 41: "Emirati developer Masdar" LOC; the list had about 120 nationalities written from the day's errors
    from worker.tagging import gazetteer

    for word in ("Emirati", "Omani", "Zambian", "Fijian", "Tanzanian", "Guatemalan", "Maltese", "Māori", "Mapuche",
                 "Emiratis", "Fijians"):
        entry = gazetteer.exact_lookup("en", word)
        assert entry is not None and entry.type == "MISC", word
    assert gazetteer.exact_lookup("en", "Lao") is None or gazetteer.exact_lookup("en", "Lao").type != "MISC"


def test_people_of_regions_and_cities_are_nationalities_but_team_names_are_not() -> None:
    # session 45, round 3: "Hendry edges Scot John Higgins" came out one person
    from worker.tagging import gazetteer
    from worker.tagging.entities import load_pipeline, mapped_spans

    for word in ("Scot", "Texan", "Muscovite", "Londoners", "Yorkshireman", "Kiwi"):
        entry = gazetteer.exact_lookup("en", word)
        assert entry is not None and entry.type == "MISC", word
    for word in ("Texans", "Kiwis", "Geordie"):  # teams, a given name
        entry = gazetteer.exact_lookup("en", word)
        assert entry is None or entry.type != "MISC", word
    nlp = load_pipeline("en")
    doc = nlp("Stephen Hendry beat Scot John Higgins 10-9 in the final on Sunday .")
    spans = {(doc[a:b].text, label) for a, b, label in mapped_spans(doc, "en")}
    assert ("Scot", "MISC") in spans and ("John Higgins", "PER") in spans


def test_every_countrys_dutch_adjective_is_a_nationality() -> None:
    # session 41: the Dutch list lacked about thirty countries' adjectives ("Zambiaanse", "IJslandse", "Lets")
    from worker.tagging import gazetteer

    for word in ("Zambiaanse", "Zambiaans", "IJslandse", "Lets", "Nieuw-Zeelandse", "Emiraatse"):
        entry = gazetteer.exact_lookup("nl", word)
        assert entry is not None and entry.type == "MISC", word


def test_listed_companies_under_the_short_names_news_writes() -> None:
    assert gazetteer.company_short_forms("Anglo American plc") == ["Anglo American plc", "Anglo American"]
    assert gazetteer.company_short_forms("Swiss Reinsurance Company Ltd") == ["Swiss Reinsurance Company Ltd",
                                                                                "Swiss Reinsurance"]
    assert gazetteer.company_short_forms("The Cheesecake Factory") == ["The Cheesecake Factory", "Cheesecake Factory"]
    assert gazetteer.company_short_forms("Siemens") == ["Siemens"]
    for name in ("Persimmon", "Sandvik", "Aperam", "Anglo American"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name


def test_listed_companies_leave_out_words_places_people_and_generic_names() -> None:
    # common words ("Target"), a city ("Phoenix", Phoenix Group), a surname the name list knows as a person
    # ("Cummins"), and a very common word before a kind-word ("National Bank", which would cut "Czech National Bank")
    for name in ("Target", "Phoenix", "Cummins", "National Bank", "Stryker"):
        entry = gazetteer.lookup("en", name)
        assert entry is None or entry.type != "ORG", name
    assert gazetteer.lookup("en", "Target Corporation") is None


def test_states_written_with_accents_are_known_with_and_without_them() -> None:
    assert gazetteer.subdivision_forms("Tamil Nādu") == ["Tamil Nādu", "Tamil Nadu"]
    assert gazetteer.subdivision_forms("Queensland") == ["Queensland"]
    assert gazetteer.subdivision_forms("Ra’s al Khaymah") == []  # a transliteration news does not write
    for name in ("Tamil Nadu", "Maharashtra", "Neuquen", "Jammu and Kashmir"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "LOC", name
    assert "Tamil Nadu" in {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    # looked up without accents, "Falcón" (a Venezuelan state) would make the common word "Falcon" a place
    falcon = gazetteer.lookup("en", "Falcon")
    assert falcon is None or falcon.type != "LOC"


def test_organisations_of_world_news_without_a_kind_word() -> None:
    for name in ("BJP", "Kuomintang", "M23", "Jetstar", "Anadolu", "NHK", "Rapid Support Forces"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG" and entry.curated, name
    assert "Lashkar-e-Taiba" in {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    tisza = gazetteer.lookup("en", "Tisza")  # a Hungarian party, but a river first
    assert tisza is None or tisza.type != "ORG"


def test_parliaments_by_their_own_names_bookmakers_and_indian_states() -> None:
    for name, kind in (("Oireachtas", "ORG"), ("Dáil", "ORG"), ("Lok Sabha", "ORG"), ("Ladbrokes", "ORG"),
                       ("Christie's", "ORG"), ("Punjab", "LOC"), ("Rajasthan", "LOC")):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == kind, name
    assert gazetteer.lookup("en", "Stormont") is None or gazetteer.lookup("en", "Stormont").type != "ORG"


def test_dutch_and_belgian_midcaps_are_companies() -> None:
    for name in ("Aalberts", "SBM Offshore", "Van Lanschot Kempen", "Keolis", "ASR Nederland", "Tessenderlo",
                 "De Lijn"):
        entry = gazetteer.lookup("nl", name)
        assert entry is not None and entry.type == "ORG", name


def test_college_conferences_are_bodies_and_honours_and_el_nino_misc() -> None:
    for name, kind in (("Hockey East", "ORG"), ("Big Ten", "ORG"), ("CONCACAF", "ORG"), ("MBE", "MISC"),
                       ("El Niño", "MISC"), ("La Nina", "MISC"), ("World Cup", "MISC")):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == kind, name
    assert gazetteer.lookup("en", "SEC") is None  # a regulator as well as a conference


def test_products_of_the_news_are_misc_and_wall_street_a_place() -> None:
    for name, kind in (("iPhone", "MISC"), ("Wegovy", "MISC"), ("Boeing 737 MAX", "MISC"), ("Wall Street", "LOC")):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == kind, name
    assert gazetteer.lookup("en", "Downing Street") is None  # LOC and ORG in the gold files


def test_institutions_known_by_short_names() -> None:
    for name in ("Fed", "NHS", "Scotland Yard", "Shin Bet", "MI5", "Bundeswehr", "UCLA", "OPEC+"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    assert gazetteer.lookup("en", "ICE") is None  # a word of all-caps headlines


def test_dutch_venues_programmes_and_seats_of_government() -> None:
    for name, kind in (("Concertgebouw", "LOC"), ("Catshuis", "LOC"), ("NOS Journaal", "MISC"),
                       ("Wie is de Mol?", "MISC"), ("Miljoenennota", "MISC"), ("Vierdaagse", "MISC")):
        entry = gazetteer.lookup("nl", name)
        assert entry is not None and entry.type == kind, name


def test_space_agencies_platforms_treaties_and_cups() -> None:
    for name, kind in (("ISRO", "ORG"), ("Bluesky", "ORG"), ("Good Friday Agreement", "MISC"), ("COP30", "MISC"),
                       ("Copa del Rey", "MISC"), ("DFB-Pokal", "MISC")):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == kind, name
    assert gazetteer.lookup("en", "Davos") is None or gazetteer.lookup("en", "Davos").type == "LOC"


def test_dutch_rivers_and_regions_are_places_but_surnames_are_not() -> None:
    for name in ("Rijn", "Westoever", "Camp David", "Koerdistan", "Donau"):
        entry = gazetteer.lookup("nl", name)
        assert entry is not None and entry.type == "LOC", name
    for name in ("Maas", "Waal"):  # rivers, but surnames first: a curated place would overrule a person
        entry = gazetteer.lookup("nl", name)
        assert entry is None or not entry.curated, name


def test_places_of_world_news_by_their_news_spellings() -> None:
    for name in ("Basra", "Mykolaiv", "Chasiv Yar", "Deir al-Balah", "Tigray", "Sentosa"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "LOC", name


def test_no_group_of_the_organisation_list_is_named_twice() -> None:
    # YAML keeps the last of two equal keys without a word: session 42's second "places_news" dropped the first
    text = (gazetteer.DATA_DIR / "organisations.yaml").read_text(encoding="utf-8")
    groups = [line.strip()[:-1] for line in text.splitlines() if line.startswith("  ") and not line.startswith("   ")
              and line.rstrip().endswith(":")]
    assert len(groups) == len(set(groups)) > 20


def test_wire_agencies_newspapers_parties_and_exchanges_of_world_copy() -> None:
    for name in ("MENA", "Press Trust of India", "Izvestia", "Gazeta Wyborcza", "Kathimerini", "Olive Tree",
                 "Polisario Front", "Golkar", "Janata Dal", "LIFFE", "London Metal Exchange", "Paris Club"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    assert gazetteer.lookup("en", "Izvestiya") is gazetteer.lookup("en", "Izvestia")
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    assert "Kommersant" in patterns
    for word in ("Dawn", "Reforma", "PAN", "BETA"):  # words first: they type a span the model found, never matched
        assert gazetteer.lookup("en", word).type == "ORG" and word not in patterns, word
    # "Communist Party" alone would cut "German Communist Party" into a nationality and a party
    assert gazetteer.lookup("en", "Communist Party") is None
    assert gazetteer.lookup("en", "Sabah") is None or gazetteer.lookup("en", "Sabah").type == "LOC"


def test_cycling_teams_of_2000_and_of_today_are_organisations_in_both_languages() -> None:
    for language in ("nl", "en"):
        for name in ("Visma-Lease a Bike", "Lidl-Trek", "Groupama-FDJ", "Fassa Bortolo", "Domo-Farm Frites", "Fakta"):
            entry = gazetteer.lookup(language, name)
            assert entry is not None and entry.type == "ORG", (language, name)
    assert gazetteer.lookup("nl", "Soudal").type == gazetteer.lookup("nl", "Soudal Quick-Step").type == "ORG"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    assert "Tudor" not in patterns and gazetteer.lookup("en", "Tudor").type == "ORG"  # a surname and a dynasty first
    assert gazetteer.lookup("en", "Columbia") is None or gazetteer.lookup("en", "Columbia").type != "ORG"


def test_bands_are_organisations_and_bands_named_by_a_word_only_type_a_span() -> None:
    for language in ("nl", "en"):
        for name in ("Coldplay", "Rolling Stones", "dEUS", "Doe Maar", "Guns N' Roses", "BTS"):
            entry = gazetteer.lookup(language, name)
            assert entry is not None and entry.type == "ORG", (language, name)
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Placebo" not in patterns and gazetteer.lookup("nl", "Placebo").type == "ORG"
    # a Dutch TV drama and a sports hall share this band's name: not listed
    assert gazetteer.lookup("nl", "De Dijk") is None or gazetteer.lookup("nl", "De Dijk").type != "ORG"
    assert gazetteer.lookup("en", "Kensington") is None or gazetteer.lookup("en", "Kensington").type == "LOC"


def test_think_tanks_universities_euroleague_clubs_and_racing_teams_are_organisations() -> None:
    for name in ("Chatham House", "SIPRI", "Reporters Without Borders", "Penn State", "London School of Economics",
                 "Olimpia Milano", "Zalgiris Kaunas", "Toro Rosso"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    assert "Princeton" not in patterns and gazetteer.lookup("en", "Princeton").type == "ORG"  # a town too
    for person_or_word in ("Williams", "Stewart", "Haas", "Arrows"):  # teams named after a person or by a word
        entry = gazetteer.lookup("en", person_or_word)
        assert entry is None or not entry.curated or entry.type != "ORG", person_or_word


def test_races_cups_and_tournaments_are_misc_and_roland_garros_is_where_english_plays_the_french_open() -> None:
    for language, name in (("nl", "Omloop Het Volk"), ("nl", "Brabantse Pijl"), ("nl", "UEFA-beker"),
                           ("en", "UEFA Cup"), ("en", "Cup Winners' Cup"), ("en", "Euro 96"), ("en", "British Open"),
                           ("nl", "Roland Garros"), ("en", "Tour of Lombardy")):
        entry = gazetteer.lookup(language, name)
        assert entry is not None and entry.type == "MISC", (language, name)
    assert gazetteer.lookup("en", "Tour of Lombardy") is gazetteer.lookup("en", "Il Lombardia")
    assert gazetteer.lookup("en", "Roland Garros").type == "LOC"  # "the French Open at Roland Garros"
    for feast in ("Pasen", "Kerstmis"):  # ned.train: O
        assert gazetteer.lookup("nl", feast) is None, feast


def test_english_language_papers_magazines_and_sites_are_organisations() -> None:
    for name in ("New York Post", "Daily Telegraph", "The New Yorker", "Sydney Morning Herald", "Khaleej Times",
                 "Axios", "CNBC", "Daily Mirror"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    assert gazetteer.lookup("en", "New Yorker") is gazetteer.lookup("en", "The New Yorker")
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    for word in ("Guardian", "Mirror", "Fortune", "The Australian"):  # words, a demonym: never matched alone
        assert word not in patterns and gazetteer.lookup("en", word).type == "ORG", word


def test_governing_bodies_of_sport_by_their_letters() -> None:
    for name in ("RFU", "BCCI", "FIGC", "WBO", "Court of Arbitration for Sport", "Team GB", "IIHF", "Leicester Tigers"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    assert gazetteer.lookup("en", "CAS") is gazetteer.lookup("en", "Court of Arbitration for Sport")
    # generic heads would cut "Lebanese Football Association" into a nationality and a body
    assert gazetteer.lookup("en", "Football Association") is None
    assert gazetteer.lookup("en", "Blues") is None or not gazetteer.lookup("en", "Blues").curated


def test_works_are_misc_titles_that_are_words_only_type_and_heroes_are_not_listed() -> None:
    for language, name in (("nl", "Dancer in the Dark"), ("nl", "Het verdriet van België"), ("nl", "Flikken"),
                           ("en", "The Brutalist"), ("en", "Call of Duty"), ("en", "Squid Game")):
        entry = gazetteer.lookup(language, name)
        assert entry is not None and entry.type == "MISC", (language, name)
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Familie" not in patterns and gazetteer.lookup("nl", "Familie").type == "MISC"  # VTM's soap, and a word
    assert gazetteer.lookup("en", "Familie") is None  # Dutch programmes only in Dutch
    for hero in ("Asterix", "Kuifje", "Harry Potter"):  # ned.train: heroes are persons
        entry = gazetteer.lookup("nl", hero)
        assert entry is None or entry.type != "MISC", hero


def test_festivals_fairs_prizes_and_racing_series_are_misc() -> None:
    for language, name in (("nl", "Filmfestival van Gent"), ("nl", "Berlinale"), ("nl", "Marktrock"),
                           ("nl", "Gouden Uil"), ("nl", "IndyCar"), ("en", "Cannes Film Festival"), ("en", "MotoGP")):
        entry = gazetteer.lookup(language, name)
        assert entry is not None and entry.type == "MISC", (language, name)
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Sfinks" not in patterns and gazetteer.lookup("nl", "Sfinks").type == "MISC"  # the sphinx, too
    assert gazetteer.lookup("en", "Glastonbury") is None or gazetteer.lookup("en", "Glastonbury").type == "LOC"


def test_publishers_studios_and_bands_of_the_1990s_are_organisations() -> None:
    for name in ("Picador", "Jonathan Cape", "Paramount Pictures", "Pixar", "A24", "Jamiroquai", "The Prodigy"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    for word in ("Penguin", "Neon", "No Doubt", "Macmillan"):  # words and surnames: type a span, never matched
        assert word not in patterns and gazetteer.lookup("en", word).type == "ORG", word
    assert gazetteer.lookup("en", "Bush") is None or gazetteer.lookup("en", "Bush").type != "ORG"


def test_stadiums_arenas_courses_and_seats_of_government_are_places() -> None:
    for name in ("SkyDome", "Georgia Dome", "Centre Court", "The Oval", "Firestone Country Club", "Guildhall",
                 "Government House", "Palazzo Chigi", "Tahrir Square", "Camp Nou"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "LOC", name
    assert gazetteer.lookup("en", "Nou Camp").type == gazetteer.lookup("en", "Camp Nou").type == "LOC"
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    assert "Valhalla" not in patterns and gazetteer.lookup("en", "Valhalla").type == "LOC"  # a myth's hall too
    assert gazetteer.lookup("en", "Wanderers") is None or gazetteer.lookup("en", "Wanderers").type != "LOC"



SESSION_43_GROUPS = ("wire_agencies", "wire_agencies_words", "newspapers_world", "newspapers_world_words",
                     "parties_movements_world", "parties_movements_world_words", "bodies_markets_world",
                     "cycling_teams", "cycling_teams_words", "bands", "bands_words", "institutions_teams_world",
                     "institutions_teams_world_words", "sports_events", "sports_venues_world", "press_english",
                     "press_english_words", "sports_bodies_world", "works", "works_words", "festivals_prizes_series",
                     "festivals_prizes_series_words", "publishers_studios_bands", "publishers_studios_bands_words",
                     "venues_world", "venues_world_words", "events_programmes_nl", "events_programmes_nl_words",
                     "places_1990s_world", "parties_airlines_2020s", "parties_airlines_2020s_words",
                     "companies_agencies_s43")
SESSION_44_GROUPS = ("airports_world", "airports_world_words", "places_wars_2000s_2020s",
                     "places_wars_2000s_2020s_words", "places_be_dutch_names", "places_be_dutch_names_words",
                     "places_nl_small", "places_nl_small_words", "places_of_sport",
                     "peoples_dialects_nl")
SESSION_45_GROUPS = ("companies_plants_be_2000", "beers_be", "clubs_be_2000", "acronyms_things_nl")


def test_belgian_clubs_by_sponsors_names_are_organisations_but_bare_towns_are_not() -> None:
    # session 45, round 11: "Knack Roeselare" and "Noliko Maaseik" came out persons
    _assert_typed("nl", ("Knack Roeselare", "Noliko Maaseik", "Eendracht Aalst", "Telindus Oostende"), "ORG")
    for town in ("Roeselare", "Maaseik", "Aalst"):  # ned.train: a bare town name stays a place
        entry = gazetteer.lookup("nl", town)
        assert entry is not None and entry.type == "LOC", town


def test_dutch_acronyms_of_things_are_misc_and_a_banks_letters_stay_english() -> None:
    # session 45, round 12: CV fold 0 read "BPA" (a zoning plan), "DNA", "GEN" as organisations
    _assert_typed("nl", ("BTW", "DNA", "BPA", "GEN", "GSM", "UMTS"), "MISC")
    _assert_typed("en", ("BPA",), "ORG")  # Banco Portugues do Atlantico in 1996 wire copy
    assert gazetteer.lookup("en", "BTW") is None or gazetteer.lookup("en", "BTW").type != "MISC"


def _group_names(spec: dict) -> set[tuple[str, str]]:
    names = set()
    for item in spec["names"]:
        if isinstance(item, dict):
            names |= {(language, name) for language, listed in item.items() for name in listed}
        else:
            listed = item if isinstance(item, list) else [item]
            names |= {(language, name) for name in listed for language in ("nl", "en")}
    return names


def test_the_groups_of_sessions_43_and_44_name_nothing_another_group_names() -> None:
    # an alias written into a new group for a name an older group lists makes two entries of one name (round 12 did)
    groups = yaml.safe_load((gazetteer.DATA_DIR / "organisations.yaml").read_text(encoding="utf-8"))["groups"]
    assert set(SESSION_43_GROUPS + SESSION_44_GROUPS + SESSION_45_GROUPS) <= set(groups)
    for name in SESSION_43_GROUPS + SESSION_44_GROUPS + SESSION_45_GROUPS:
        others = set().union(*(_group_names(spec) for other, spec in groups.items() if other != name))
        assert not _group_names(groups[name]) & others, name


def test_dutch_events_programmes_and_policies_are_misc_in_dutch_only() -> None:
    for name in ("Boekenbeurs", "Watersnoodramp", "NK Afstanden", "Opsporing Verzocht", "Hoofdklasse",
                 "Gemeenschappelijk Landbouwbeleid"):
        entry = gazetteer.lookup("nl", name)
        assert entry is not None and entry.type == "MISC", name
    assert gazetteer.lookup("en", "Boekenbeurs") is None
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("nl")}
    assert "Karakter" not in patterns and gazetteer.lookup("nl", "Karakter").type == "MISC"  # a word too


def test_places_of_1990s_news_under_their_old_names_and_towns_under_150000_are_places() -> None:
    for name in ("Bombay", "Peking", "Rangoon", "Leningrad", "Brcko", "Republika Srpska", "Nagorno-Karabakh",
                 "East Timor", "Peterhead", "Ballarat"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "LOC", name
    # 1996's provincial rugby and cricket teams: a place list would type them LOC in sports copy
    assert gazetteer.lookup("en", "Transvaal") is None or not gazetteer.lookup("en", "Transvaal").curated
    assert gazetteer.lookup("en", "Channel Tunnel").type == "LOC"  # session 32's group of a like name stays


def test_parties_of_todays_elections_and_airlines_are_organisations() -> None:
    for name in ("Bloc Québécois", "Sahra Wagenknecht Alliance", "Virgin Atlantic", "Aam Aadmi Party", "MK Party",
                 "La Libertad Avanza", "NZ First"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    patterns = {p["pattern"] for p in gazetteer.ruler_patterns("en")}
    for letters in ("NDC", "NPP", "APC", "LOT"):  # climate pledges, power plants, armoured carriers, a word
        assert letters not in patterns, letters


def test_companies_and_agencies_of_business_news_but_not_designers_names() -> None:
    for name in ("Gavi", "Cal Fire", "Cermaq", "Pampa Energia", "Keepmoat", "Ord Minnett", "Emporio Armani"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "ORG", name
    for person in ("Armani", "Versace", "Dangote"):  # a designer's or a founder's name is a person first
        entry = gazetteer.lookup("en", person)
        assert entry is None or not entry.curated or entry.type != "ORG", person


def _assert_typed(language: str, names: tuple[str, ...], kind: str) -> None:
    for name in names:
        entry = gazetteer.lookup(language, name)
        assert entry is not None and entry.type == kind, name


def _assert_not_curated(language: str, names: tuple[str, ...]) -> None:
    # surnames and given names first: a curated place would overrule the model's person
    for name in names:
        entry = gazetteer.lookup(language, name)
        assert entry is None or not entry.curated, name


def _patterns(language: str) -> set[str]:
    return {p["pattern"] for p in gazetteer.ruler_patterns(language)}


def test_airports_are_places_by_their_bare_names_and_schiphol_is_no_company() -> None:
    _assert_typed("en", ("Heathrow", "Gatwick", "Chek Lap Kok", "O'Hare"), "LOC")
    _assert_typed("nl", ("Schiphol", "Zaventem", "Bierset"), "LOC")
    assert gazetteer.lookup("nl", "Schiphol Group").type == "ORG"
    assert gazetteer.lookup("nl", "Brussels Airport").type == "ORG"  # the operator, an older group's
    patterns = _patterns("en")
    assert "Heathrow" in patterns and "JFK" not in patterns
    for name in ("JFK", "Pearson", "Logan", "Farah", "Gao"):  # persons first: a curated place would overrule them
        entry = gazetteer.lookup("en", name)
        assert entry is None or entry.type == "PER" or not entry.curated, name


def test_places_of_the_wars_of_2001_to_2025_and_small_capitals_are_places() -> None:
    _assert_typed("en", ("Naypyitaw", "Ulaanbaatar", "Suva", "Melitopol", "Sievierodonetsk", "Hama", "Ashkelon",
                         "North Kivu", "Tora Bora", "Fallujah"), "LOC")
    patterns = _patterns("en")
    assert "Melitopol" in patterns and not {"Male", "Tyre", "Gao", "Farah"} & patterns  # words and names type only


def test_belgian_places_by_their_dutch_names_are_places_in_dutch_only() -> None:
    _assert_typed("nl", ("Oostende", "Ukkel", "Elsene", "Moeskroen", "Doornik", "Zottegem", "Oost-Vlaanderen",
                         "Haspengouw", "Albertkanaal", "Bretagne", "Bosnië-Herzegovina"), "LOC")
    assert gazetteer.lookup("en", "Zottegem") is None  # English sports copy: "Lommel", "Westerlo" are clubs
    patterns = _patterns("nl")
    assert "Zottegem" in patterns and not {"As", "Komen", "Halen", "Lessen"} & patterns  # Dutch words type only
    _assert_not_curated("nl", ("Waal", "Berkel", "Boom", "Peer"))


def test_small_places_of_the_netherlands_are_places_and_their_words_type_only() -> None:
    _assert_typed("nl", ("Wassenaar", "Zutphen", "Venray", "Lobith", "Earnewâld", "Zaanse Schans", "Loon op Zand"),
                  "LOC")
    assert gazetteer.lookup("en", "Wassenaar") is None
    patterns = _patterns("nl")
    # Dutch words ("namen", "doel", "landen", "schoten", "duiven", "sluis") type a span the model found, never match
    assert "Venray" in patterns and not {"Namen", "Doel", "Landen", "Schoten", "Duiven", "Sluis", "Goes"} & patterns
    _assert_not_curated("nl", ("Nancy", "Bree"))


def test_places_of_sport_are_places_but_not_club_towns_or_surnames() -> None:
    _assert_typed("en", ("Val d'Isere", "Alta Badia", "Kitzbuehel", "Innsbruck", "Alpe d'Huez", "Mont Ventoux",
                         "Koppenberg", "Estoril", "Gleneagles", "Queen's Park Oval"), "LOC")
    # a surname, a given name, clubs' and races' towns
    _assert_not_curated("en", ("Whistler", "Madeleine", "Lugano", "Daytona"))


def test_dutch_regional_peoples_and_dialects_are_misc_in_dutch_only() -> None:
    _assert_typed("nl", ("Kannada", "Limburgs", "West-Vlamingen", "Friezin", "Tukkers", "Zeeuwse"), "MISC")
    assert gazetteer.lookup("en", "Limburgs") is None
    _assert_not_curated("nl", ("Drent", "Fries"))


def test_bavaria_is_a_dutch_brewery_only_in_dutch() -> None:
    # session 47: the brewery's entry under both languages made the German state ORG in English news
    from worker.tagging import entities

    english = gazetteer.lookup("en", "Bavaria")  # the state, under its English name since session 48
    assert english is not None and english.type == "LOC"
    entry = gazetteer.lookup("nl", "Bavaria")
    assert entry is not None and entry.type == "ORG"
    nlp = entities.load_pipeline("en")
    doc = nlp("Floods hit Bavaria and Baden-Wurttemberg on Sunday .")
    assert ("Bavaria", "LOC") in {(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")}


def test_regions_are_known_under_their_english_names_and_streets_are_no_people() -> None:
    # session 48, en-news/dev_s47.txt: ISO 3166-2 names Malaysia's state "Pulau Pinang"; "Penang 's first light rail
    # line" came out PER, and "Jalan Penang", a street, made "Penang" a person's surname in the article
    from worker.tagging import entities

    for name in ("Penang", "Tuscany", "Sicily", "Catalonia", "Jutland", "Quebec", "Lower Saxony"):
        entry = gazetteer.lookup("en", name)
        assert entry is not None and entry.type == "LOC", name
    assert gazetteer.lookup("nl", "Toscane") is gazetteer.lookup("en", "Tuscany")
    nlp = entities.load_pipeline("en")
    doc = nlp("Work on Penang 's first light rail line has begun . One family has sold cakes on Jalan Penang since "
              "1962 . Penang 's chief minister said the line would open in 2030 .")
    found = {(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")}
    assert ("Penang", "LOC") in found and ("Jalan Penang", "LOC") in found
    assert not any(label == "PER" for _, label in found)


def test_each_name_of_a_curated_list_of_places_is_an_entity_of_its_own() -> None:
    # "Rafah" and "Jenin", "North Sea" and "IJ" had been names of one entity, merged when linked
    assert gazetteer.lookup("en", "Rafah") is not gazetteer.lookup("en", "Jenin")
    assert gazetteer.lookup("nl", "Noordzee") is not gazetteer.lookup("nl", "IJ")
    assert gazetteer.lookup("nl", "Noordzee") is gazetteer.lookup("en", "North Sea")
    assert gazetteer.lookup("en", "Tibet") is not gazetteer.lookup("en", "Kurdistan")
