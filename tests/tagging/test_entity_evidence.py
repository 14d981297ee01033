"""Dutch type evidence from context (entity_evidence.py) on hand-made documents, independent of a model."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc, Span

from worker.tagging import entity_evidence, entity_rules


def _run(text: str, ents: list[tuple[int, int, str]], parts: frozenset[str] = entity_evidence.PARTS
         ) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    doc = Doc(spacy.blank("nl").vocab, words=text.split(" "))
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    decided: dict[tuple[int, int], str] = {}
    found = entity_evidence.dutch_evidence(doc, list(doc.ents), decided, parts, entity_rules.context_type)
    return [(ent.text, ent.label_) for ent in found], decided


def test_a_name_compounded_with_a_noun_is_misc_unless_the_noun_is_a_kind() -> None:
    spans, decided = _run("De VLD-voorzitter en de KBC-groep bij de Fiji-eilanden", [(1, 2, "ORG"), (4, 5, "MISC"),
                                                                                     (7, 8, "MISC")])
    assert spans == [("VLD-voorzitter", "MISC"), ("KBC-groep", "ORG"), ("Fiji-eilanden", "LOC")]
    assert decided == {(1, 2): "MISC", (4, 5): "ORG", (7, 8): "LOC"}


def test_compound_type_reads_only_name_noun_tokens() -> None:
    assert entity_evidence.compound_type("Navo-woordvoerder") == "MISC"
    assert entity_evidence.compound_type("VN-oorlogstribunaal") == "ORG"  # by its ending
    assert entity_evidence.compound_type("Noord-Korea") is None
    assert entity_evidence.compound_type("Philips") is None
    assert entity_evidence.compound_type("39-jarige") is None


def test_a_name_after_a_verb_of_saying_is_a_person() -> None:
    spans, _ = _run("Dat is fout , zegt Verhofstadt .", [(5, 6, "LOC")])
    assert spans == [("Verhofstadt", "PER")]


def test_a_known_organisation_after_a_verb_of_saying_keeps_its_type() -> None:
    spans, decided = _run("Dat is fout , zegt Sabena .", [(5, 6, "LOC")])
    assert spans == [("Sabena", "LOC")] and decided == {}  # the gazetteer types it later


def test_decisions_taken_earlier_are_kept_and_parts_switch_off() -> None:
    spans, _ = _run("De VLD-voorzitter zegt Verhofstadt", [(1, 2, "ORG"), (3, 4, "LOC")], frozenset())
    assert spans == [("VLD-voorzitter", "ORG"), ("Verhofstadt", "LOC")]


def test_a_one_word_person_after_in_or_naar_is_a_place() -> None:
    spans, _ = _run("Hij woont in Kapellen en reist naar Sabena", [(3, 4, "PER"), (7, 8, "ORG")])
    assert spans == [("Kapellen", "LOC"), ("Sabena", "ORG")]  # a known organisation stays


def test_the_noun_before_van_types_the_name() -> None:
    spans, _ = _run("minister van Buitenlandse Zaken Michel en het werk van Magritte", [(2, 4, "LOC"), (4, 5, "PER"),
                                                                                        (9, 10, "LOC")])
    assert spans == [("Buitenlandse Zaken", "ORG"), ("Michel", "PER"), ("Magritte", "PER")]


def test_inhabitants_and_mayors_of_a_name_make_it_a_place() -> None:
    spans, _ = _run("Bewoners van Carnisse en de burgemeester van Deurne", [(2, 3, "PER"), (7, 8, "ORG")])
    assert spans == [("Carnisse", "LOC"), ("Deurne", "LOC")]

def test_a_name_of_several_words_alone_between_quotes_is_a_title() -> None:
    spans, _ = _run("Santana speelde ' Black Magic Woman ' en ' Europa '", [(3, 6, "PER"), (9, 10, "LOC")])
    assert spans == [("Black Magic Woman", "MISC"), ("Europa", "LOC")]


def test_a_portfolio_after_minister_van_is_one_organisation() -> None:
    spans, decided = _run("minister van Infrastructuur en Waterstaat Barry Madlener zei",
                          [(4, 5, "LOC"), (5, 7, "PER")])
    assert spans == [("Infrastructuur en Waterstaat", "ORG"), ("Barry Madlener", "PER")]
    assert decided[(2, 5)] == "ORG"
    spans, _ = _run("de staatssecretaris van Volksgezondheid , Welzijn en Sport", [])
    assert spans == [("Volksgezondheid , Welzijn en Sport", "ORG")]  # the longest portfolio wins
    assert _run("de minister van Infrastructuur en Waterstaat", [], entity_evidence.PARTS - {"ministries"})[0] == []


def test_a_portfolio_after_the_ministers_name_and_van_is_one_organisation() -> None:
    spans, _ = _run("Minister Sanne Verhoeven van Volkshuisvesting en Ruimtelijke Ordening zei",
                    [(1, 3, "PER"), (4, 5, "ORG"), (6, 8, "ORG")])
    assert spans == [("Sanne Verhoeven", "PER"), ("Volkshuisvesting en Ruimtelijke Ordening", "ORG")]
    spans, _ = _run("minister Robin van Persie van Financiën", [(1, 4, "PER"), (5, 6, "LOC")])  # a name's "van"
    assert spans == [("Robin van Persie", "PER"), ("Financiën", "ORG")]
    spans, _ = _run("de minister zei dat van Financiën niets kwam", [(5, 6, "LOC")])  # no name between
    assert spans == [("Financiën", "LOC")]

def test_a_person_run_on_over_van_and_a_portfolio_is_a_person_and_a_ministry() -> None:
    spans, _ = _run("Minister Storm de Graaf van Onderwijs , Cultuur en Wetenschap wil dat", [(1, 6, "PER"),
                                                                                       (7, 10, "ORG")])
    assert spans == [("Storm de Graaf", "PER"), ("Onderwijs , Cultuur en Wetenschap", "ORG")]
    spans, _ = _run("zegt woordvoerder Femke Hoogerheide van Buitenlandse Zaken .", [(2, 7, "PER")])
    assert spans == [("Femke Hoogerheide", "PER"), ("Buitenlandse Zaken", "ORG")]
    spans, _ = _run("zegt Jan van Dijk van de bond .", [(1, 4, "PER")])  # no portfolio: left alone
    assert spans == [("Jan van Dijk", "PER")]

def test_portfolios_of_earlier_dutch_cabinets_and_of_belgian_ones_are_ministries() -> None:
    spans, _ = _run("Minister Netelenbos van Verkeer en Waterstaat zei", [(1, 4, "PER"), (5, 6, "LOC")])
    assert spans == [("Netelenbos", "PER"), ("Verkeer en Waterstaat", "ORG")]
    spans, _ = _run("minister Vande Lanotte van Begroting zei", [(1, 3, "PER"), (4, 5, "PER")])
    assert spans == [("Vande Lanotte", "PER"), ("Begroting", "ORG")]


def test_a_person_run_on_over_van_into_a_known_place_is_a_person_and_the_place() -> None:
    spans, decided = _run("burgemeester Marleen Van Hulle van Maldegem is tevreden", [(1, 6, "PER")])
    assert spans == [("Marleen Van Hulle", "PER"), ("Maldegem", "LOC")] and decided[(5, 6)] == "LOC"
    # "van" after the given name is the name's own; an unknown word after "van" is left to the model
    spans, _ = _run("dirigent Jaap van Zweden kwam", [(1, 4, "PER")])
    assert spans == [("Jaap van Zweden", "PER")]
    spans, _ = _run("Marleen Van Hulle van Qwertyzand kwam", [(0, 5, "PER")])
    assert spans == [("Marleen Van Hulle van Qwertyzand", "PER")]
    spans, _ = _run("toen Willem III van Oranje kwam", [(1, 5, "PER")])  # a ruler's number is no surname
    assert spans == [("Willem III van Oranje", "PER")]


def test_a_decided_name_with_en_is_not_split_in_two() -> None:
    from worker.tagging.entity_rules import CONTEXT_TYPES_KEY, split_coordinated

    doc = Doc(spacy.blank("nl").vocab, words=["tussen", "Oss", "en", "Heemskerk", "of", "Infrastructuur", "en",
                                               "Waterstaat"])
    ents = [Span(doc, 1, 4, label="LOC"), Span(doc, 5, 8, label="ORG")]
    doc.user_data[CONTEXT_TYPES_KEY] = {(5, 8): "ORG"}
    assert [e.text for e in split_coordinated(doc, ents)] == ["Oss", "Heemskerk", "Infrastructuur en Waterstaat"]


def test_a_compound_the_model_missed_is_added_when_its_name_is_known() -> None:
    spans, decided = _run("Ook GroenLinks-PvdA-leider Frans Timmermans en de Xyzzy-voorzitter", [(2, 4, "PER")])
    assert spans == [("GroenLinks-PvdA-leider", "MISC"), ("Frans Timmermans", "PER")]  # Xyzzy: no list knows it
    assert decided[(1, 2)] == "MISC"


def _split(text: str, ents: list[tuple[int, int, str]]) -> tuple[list[tuple[str, str]], dict[tuple[int, int], str]]:
    doc = Doc(spacy.blank("nl").vocab, words=text.split(" "))
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    decided: dict[tuple[int, int], str] = {}
    found = entity_evidence.split_at_article(doc, list(doc.ents), decided)
    return [(ent.text, ent.label_) for ent in found], decided


def test_a_name_run_on_over_de_into_a_nationality_or_event_is_two_names() -> None:
    spans, decided = _split("in Kyiv de Nederlandse minister", [(1, 4, "LOC")])
    assert spans == [("Kyiv", "LOC"), ("Nederlandse", "MISC")]
    assert decided == {(3, 4): "MISC"}
    assert _split("won de Tour de France gisteren", [(2, 5, "MISC")])[0] == [("Tour de France", "MISC")]


def test_a_name_in_wikipedias_bold_markup_is_no_title() -> None:
    # Wikipedia's bold (three apostrophes, tokenised "' ''" and "'' '") marks the subject of an article, of any type;
    # its italics (two apostrophes) mark titles
    spans, decided = _run("' '' Ard Schenk '' ' en '' Black Magic Woman ''", [(2, 4, "PER"), (8, 11, "PER")])
    assert spans == [("Ard Schenk", "PER"), ("Black Magic Woman", "MISC")]
    assert (2, 4) not in decided
    assert _run("'' Ard Schenk '' '", [(1, 3, "PER")])[0] == [("Ard Schenk", "MISC")]  # bold on one side only


def test_a_name_glued_to_ex_or_oud_is_misc() -> None:
    # CoNLL-2002 tags the former employer of "Jan Caerts ( ex-Radio Contact )" MISC, as ned.train's "ex-Sovjetunie"
    spans, decided = _run("Caerts ( ex-Radio Contact ) en de oud-VLD-voorzitter en ex-premier Verhofstadt",
                          [(2, 4, "ORG"), (7, 8, "ORG"), (10, 11, "PER")])
    assert spans == [("ex-Radio Contact", "MISC"), ("oud-VLD-voorzitter", "MISC"), ("Verhofstadt", "PER")]
    assert decided[(2, 4)] == "MISC"


def test_a_persons_genitive_is_misc_tagged_or_not() -> None:
    text = "Jasser Arafat zei dat . Arafats compromissen zijn slecht . Rajkamurs vrouw werd ontvoerd , Rajkamur niet"
    spans, decided = _run(text, [(0, 2, "PER"), (5, 6, "LOC"), (15, 16, "PER")])
    assert spans == [("Jasser Arafat", "PER"), ("Arafats", "MISC"), ("Rajkamurs", "MISC"), ("Rajkamur", "PER")]
    assert decided == {(5, 6): "MISC", (10, 11): "MISC"}
    # The part switched off: nothing changes.
    spans, _ = _run(text, [(0, 2, "PER"), (5, 6, "LOC"), (15, 16, "PER")], entity_evidence.PARTS - {"genitives"})
    assert ("Arafats", "LOC") in spans and all(text != "Rajkamurs" for text, _ in spans)


def test_no_genitive_for_a_name_of_its_own_a_family_or_inside_a_longer_name() -> None:
    # "Davids" is a person's own surname here (Edgar Davids), not David's genitive.
    spans, _ = _run("Edgar Davids scoorde . Davids zei dat David komt", [(0, 2, "PER"), (4, 5, "PER"), (7, 8, "PER")])
    assert ("Davids", "PER") in spans
    # "de Vermeirens": the family.
    assert _run("Jan Vermeiren kwam . de Vermeirens kwamen", [(0, 2, "PER"), (5, 6, "PER")])[0][1] == ("Vermeirens",
                                                                                                      "PER")
    # Inside a longer name ned.train is split (4 PER, 3 MISC): left as it is.
    assert _run("Jan Steen schilderde . Jan Steens werk", [(0, 2, "PER"), (4, 6, "PER")])[0][1] == ("Jan Steens", "PER")
    # Not followed by a lower-case word: no genitive ("Arafats ." ends a sentence).
    assert _run("Jasser Arafat zei dat . Het is van Arafats .", [(0, 2, "PER")])[0] == [("Jasser Arafat", "PER")]


def test_the_section_label_is_no_name_except_in_the_page_header() -> None:
    def run(text: str, ents: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
        doc = Doc(spacy.blank("nl").vocab, words=text.split(" "))
        found = entity_evidence.section_label(doc, [Span(doc, a, b, label=label) for a, b, label in ents])
        return [(ent.start, ent.text) for ent in found]

    assert run("Algemeen ( 1 & 3 ) Algemeen Volgens haar", [(0, 1, "MISC"), (6, 7, "MISC")]) == [(0, "Algemeen")]
    assert run("Algemeen", [(0, 1, "MISC")]) == []  # the last word of a text
    # Part of a longer name it stays ("Algemeen Dagblad").
    assert run("het Algemeen Dagblad meldt", [(1, 3, "ORG")]) == [(1, "Algemeen Dagblad")]


def test_the_section_label_is_dropped_after_the_consistency_votes(monkeypatch: pytest.MonkeyPatch) -> None:
    from worker.tagging import entities, entity_rules

    nlp = entities.load_pipeline("nl")
    text = "Algemeen ( 1 & 3 ) Algemeen Volgens haar zocht ontvoerder Veerappan een schuilplaats ."
    words = text.split(" ")

    def tagged() -> list[tuple[int, str]]:
        doc = nlp(Doc(nlp.vocab, words=words, sent_starts=[i in (0, 6) for i in range(len(words))]))
        return [(ent.start, ent.text) for ent in doc.ents if ent.text == "Algemeen"]

    assert tagged() == [(0, "Algemeen")]
    # Without the part the votes tag the lone label like the header's (the test fails without the rule).
    monkeypatch.setattr(entity_rules, "PARTS", entity_rules.PARTS - {"sections"})
    assert tagged() == [(0, "Algemeen"), (6, "Algemeen")]


def test_a_name_after_a_lower_case_role_word_is_a_person() -> None:
    spans, decided = _run("zocht ontvoerder Veerappan met zijn vrouw Silvana en ex-legerleider Mladic",
                          [(2, 3, "LOC"), (6, 7, "LOC"), (9, 10, "LOC")])
    assert spans == [("Veerappan", "PER"), ("Silvana", "PER"), ("Mladic", "PER")]
    assert decided == {(2, 3): "PER", (6, 7): "PER", (9, 10): "PER"}  # decided: the votes carry it


def test_no_person_after_a_byline_rivals_or_before_a_known_or_kind_named_name() -> None:
    spans, decided = _run("auteur Belga , rivaal Lokeren , woordvoerder Sabena , voorzitter Vlaamse Opera",
                          [(1, 2, "ORG"), (4, 5, "ORG"), (7, 8, "ORG"), (10, 12, "ORG")])
    assert spans == [("Belga", "ORG"), ("Lokeren", "ORG"), ("Sabena", "ORG"), ("Vlaamse Opera", "ORG")]
    assert decided == {}
    spans, _ = _run("zocht ontvoerder Veerappan", [(2, 3, "LOC")], entity_evidence.PARTS - {"role_words"})
    assert spans == [("Veerappan", "LOC")]


def test_a_name_after_a_lower_case_kind_noun_takes_its_type() -> None:
    spans, decided = _run("in het Chinese restaurant Ruby met zigeunercircus Romanès en de film Underground",
                          [(4, 5, "ORG"), (7, 8, "PER"), (11, 12, "LOC")])
    assert spans == [("Ruby", "LOC"), ("Romanès", "ORG"), ("Underground", "MISC")]
    assert decided == {(4, 5): "LOC", (7, 8): "ORG", (11, 12): "MISC"}


def test_no_kind_type_for_a_known_name_of_another_type_or_with_the_part_off() -> None:
    spans, decided = _run("de stad Sabena en de krant Ruby", [(2, 3, "ORG"), (6, 7, "PER")],
                          entity_evidence.PARTS - {"kind_before"})
    assert spans == [("Sabena", "ORG"), ("Ruby", "PER")] and decided == {}
    spans, _ = _run("de stad Sabena", [(2, 3, "ORG")])
    assert spans == [("Sabena", "ORG")]  # the gazetteer knows Sabena as an organisation


def test_an_appositive_kind_noun_types_the_name_before_it() -> None:
    spans, decided = _run("cijfers van Westtoer , het toeristische agentschap . Lynch maakte Twin Peaks , de serie "
                          "over de moord . Vlisco uit Helmond , een familiebedrijf . Jan Smit , een bedrijf",
                          [(2, 3, "PER"), (8, 9, "PER"), (10, 12, "PER"), (19, 20, "ORG"), (21, 22, "LOC"),
                           (26, 28, "PER")])
    # a place after "uit" is no company; a person named by a known given name stays one
    assert spans == [("Westtoer", "ORG"), ("Lynch", "PER"), ("Twin Peaks", "MISC"), ("Vlisco", "ORG"),
                     ("Helmond", "LOC"), ("Jan Smit", "PER")]
    assert decided[(2, 3)] == "ORG" and decided[(10, 12)] == "MISC"
    spans, _ = _run("Lynch maakte Twin Peaks , de serie", [(2, 4, "PER")], entity_evidence.PARTS - {"kind_after"})
    assert spans == [("Twin Peaks", "PER")]
