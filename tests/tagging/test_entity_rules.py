"""The entity rules on hand-made documents: each rule alone, independent of what a model predicts."""

from __future__ import annotations

import random

import spacy
from spacy.tokens import Doc, Span

from worker.tagging import entities, entity_rules


def _doc(language: str, text: str, ents: list[tuple[int, int, str]]) -> Doc:
    """A document of the space-separated words of `text` with these entities (token start, end, label)."""
    doc = Doc(spacy.blank(language).vocab, words=text.split(" "))
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
    return doc


def _spans(ents: list[Span]) -> list[tuple[str, str]]:
    return [(ent.text, ent.label_) for ent in ents]


def test_dutch_names_lose_trailing_lower_case_words() -> None:
    doc = _doc("nl", "Volgens Milosevic van Joegoslavië legden Palestijnen legden niets",
               [(1, 3, "PER"), (3, 4, "LOC"), (5, 7, "LOC")])
    assert _spans(entity_rules.trim_lowercase_tail(doc, list(doc.ents))) == [
        ("Milosevic", "PER"), ("Joegoslavië", "LOC"), ("Palestijnen", "LOC")]


def test_english_names_lose_trailing_lower_case_words_too() -> None:
    doc = _doc("en", "the Interfax news agency said", [(1, 4, "ORG")])
    assert _spans(entity_rules.trim_lowercase_tail(doc, list(doc.ents))) == [("Interfax", "ORG")]
    doc = _doc("fr", "le Interfax news agency", [(1, 4, "ORG")])  # other languages are left alone
    assert _spans(entity_rules.trim_lowercase_tail(doc, list(doc.ents))) == [("Interfax news agency", "ORG")]


def test_the_mark_that_opened_a_cut_tail_goes_with_it() -> None:
    doc = _doc("en", "John Smith ( footballer ) scored", [(0, 4, "PERSON")])  # the model ran into the bracket
    assert _spans(entity_rules.trim_lowercase_tail(doc, list(doc.ents))) == [("John Smith", "PERSON")]
    doc = _doc("en", "the Group ( Ltd ) said", [(1, 3, "ORG")])  # nothing cut: the rule leaves marks to trim_edges
    assert _spans(entity_rules.trim_lowercase_tail(doc, list(doc.ents))) == [("Group (", "ORG")]


def test_the_stage_keeps_a_disambiguated_title_whole() -> None:
    from spacy.tokens import Doc

    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    words = ["John", "Smith", "(", "footballer", ")"]
    doc = nlp(Doc(nlp.vocab, words=words, sent_starts=[i == 0 for i in range(len(words))]))
    assert entities.mapped_spans(doc, "en") == [(0, 5, "PER")]


def test_a_hyphenated_given_name_after_a_surname_joins_the_person() -> None:
    doc = _doc("en", "former president Chun Doo-hwan and Roh Tae-woo met Kim Jong-un", [(2, 3, "PERSON"),
                                                                                    (5, 6, "PERSON")])
    assert _spans(entity_rules.extend_hyphenated_given_names(doc, list(doc.ents))) == [
        ("Chun Doo-hwan", "PERSON"), ("Roh Tae-woo", "PERSON")]  # "Kim" was no entity: nothing to extend
    doc = _doc("en", "Seoul Doo-hwan", [(0, 1, "GPE")])  # only persons
    assert _spans(entity_rules.extend_hyphenated_given_names(doc, list(doc.ents))) == [("Seoul", "GPE")]

def test_titles_of_works_keep_their_lower_case_words() -> None:
    doc = _doc("nl", "de film Dansen op mijn graf draait", [(2, 6, "MISC")])
    assert _spans(entity_rules.trim_lowercase_tail(doc, list(doc.ents))) == [("Dansen op mijn graf", "MISC")]


def test_two_names_joined_by_en_or_of_are_split() -> None:
    doc = _doc("nl", "afkomstig uit Oss en Heemskerk of Noordstation of Centraal",
               [(2, 5, "LOC"), (6, 9, "LOC")])
    assert _spans(entity_rules.split_coordinated(doc, list(doc.ents))) == [
        ("Oss", "LOC"), ("Heemskerk", "LOC"), ("Noordstation", "LOC"), ("Centraal", "LOC")]


def test_longer_names_with_en_are_not_split() -> None:
    doc = _doc("nl", "de Commissie voor Monumenten en Landschappen", [(1, 6, "ORG")])
    assert _spans(entity_rules.split_coordinated(doc, list(doc.ents))) == [
        ("Commissie voor Monumenten en Landschappen", "ORG")]


def test_english_and_is_left_to_the_model() -> None:
    doc = _doc("en", "shares of Marks and Spencer fell", [(2, 5, "ORG")])
    assert _spans(entity_rules.split_coordinated(doc, list(doc.ents))) == [("Marks and Spencer", "ORG")]


def test_a_common_noun_alone_takes_the_type_of_the_longer_name_it_ends() -> None:
    words = "De Europese Commissie wil meer . Volgens de Commissie is dat nodig , zei de Commissie ."
    doc = _doc("nl", words, [(1, 3, "ORG"), (8, 9, "LOC"), (15, 16, "LOC")])
    assert _spans(entity_rules.consistent_labels(doc, list(doc.ents))) == [
        ("Europese Commissie", "ORG"), ("Commissie", "ORG"), ("Commissie", "ORG")]


def test_a_known_name_alone_keeps_its_own_type() -> None:
    # "Brugge" is a city: "Club Brugge" (ORG) elsewhere in the article does not make it a club
    words = "Club Brugge won . In Brugge was het feest ."
    doc = _doc("nl", words, [(0, 2, "ORG"), (5, 6, "LOC")])
    assert _spans(entity_rules.consistent_labels(doc, list(doc.ents))) == [("Club Brugge", "ORG"), ("Brugge", "LOC")]


def test_a_curated_organisation_the_model_read_as_a_person_lends_no_surname() -> None:
    # session 45, nl-news/dev_s45.txt: "Ford Genk" PER made "Genk" of "Ford in Genk" a person too
    words = "Staking legt Ford Genk stil . De productie bij Ford in Genk ligt stil ."
    doc = _doc("nl", words, [(2, 4, "PER"), (9, 10, "ORG"), (11, 12, "LOC")])
    assert ("Genk", "LOC") in _spans(entity_rules.consistent_labels(doc, list(doc.ents)))
    # a person named in full still lends the surname
    words = "Premier Ehud Barak sprak . Barak zei niets ."
    doc = _doc("nl", words, [(1, 3, "PER"), (5, 6, "LOC")])
    assert ("Barak", "PER") in _spans(entity_rules.consistent_labels(doc, list(doc.ents)))


def test_digit_sentences_find_results_lines_and_scores_as_a_walk_over_every_token_does():
    import re

    import spacy

    from worker.tagging.casing import sentence_starts
    from worker.tagging.entity_rules import _digit_sentences, _results_line

    nlp = spacy.blank("en")
    text = ("Leeds 1 Everton 1\nLeeds beat Chelsea 2-1 at Elland Road. They won 3 - 1 last week. It cost 5 - "
            "and more.\n- 4 people came. Score 2 -\n1 then. 2-1\nAjax 2 Twente 1 . On 3 May 2 - 0 ! 7 –\n8 x")
    score = re.compile(r"^\d{1,3}-\d{1,3}$")
    for doc in (nlp(text), nlp("No digits here."), nlp("3"), nlp("- 1")):
        starts = sentence_starts(doc)
        bounds = [i for i, start in enumerate(starts) if start] + [len(doc)]
        expected = []
        for n in range(len(bounds) - 1):
            start, end = bounds[n], bounds[n + 1]
            if not any(re.search(r"\d", doc[i].text) for i in range(start, end)):
                continue
            scored = any(score.match(doc[i].text) or (doc[i].text in ("-", "–") and 0 < i < end - 1
                                                      and doc[i - 1].is_digit and doc[i + 1].is_digit)
                         for i in range(start, end))
            expected.append((n, start, end, _results_line(doc, start, end), scored))
        assert _digit_sentences(doc, starts) == expected
    sentences = _digit_sentences(nlp(text), sentence_starts(nlp(text)))
    assert any(line is not None for *_, line, _ in sentences) and any(s for *_, s in sentences)
    assert not all(s for *_, s in sentences)


def test_most_common_is_counters_most_common_first_among_equals():
    from collections import Counter

    from worker.tagging.entity_rules import most_common

    for counts in ({"ORG": 2}, {"LOC": 1, "ORG": 1}, {"ORG": 1, "LOC": 1}, {"PER": 1, "ORG": 3, "LOC": 3},
                   {"GPE": 5, "PERSON": 2, "ORG": 5}):
        assert most_common(counts) == Counter(counts).most_common(1)[0][0]


def test_gazetteer_matcher_maps_match_ids_to_the_labels_of_their_patterns():
    from worker.tagging.entities import RULER_NAME, load_pipeline

    nlp = load_pipeline("en")
    matcher = nlp.get_pipe(RULER_NAME)
    doc = nlp.make_doc("NATO met the United Nations in Rotterdam, Amsterdam and Belgium with Siemens.")
    matches = matcher.matcher(doc)
    assert len(matches) >= 4
    for key, _, _ in matches:
        assert matcher.by_match_id[key] == matcher.labels[int(doc.vocab.strings[key])]


def _random_bounds(rng: random.Random, labels: int, empty: bool) -> list[tuple[int, int, int]]:
    """Up to 12 (label, start, end) triples over a 40-token doc, each at most four tokens long (or empty)."""
    found = []
    for _ in range(rng.randint(0, 12)):
        start = rng.randint(0, 39 if empty else 38)
        found.append((rng.randint(1, labels), start, rng.randint(start if empty else start + 1, min(start + 4, 40))))
    return found


def test_gazetteer_matches_filtered_as_filter_spans_filters_spans():
    from spacy.util import filter_spans

    from worker.tagging.entity_rules import _filter_matches

    doc = spacy.blank("en")(" ".join(f"w{i}" for i in range(40)))
    rng = random.Random(3)
    for _ in range(200):
        matches = _random_bounds(rng, 3, empty=False)
        spans = filter_spans([Span(doc, s, e, label=str(k)) for k, s, e in matches])
        assert [(int(s.label_), s.start, s.end) for s in spans] == _filter_matches(matches)


def test_filter_spans_keeps_what_spacys_keeps_in_the_same_order() -> None:
    from spacy.util import filter_spans

    from worker.tagging import entity_doc

    doc = spacy.blank("en")(" ".join(f"w{i}" for i in range(40)))
    rng = random.Random(5)
    for trial in range(400):
        spans = [Span(doc, s, e, label=str(k)) for k, s, e in _random_bounds(rng, 9, empty=True)]
        if trial % 2:  # half the trials in order and apart, the fast path's case
            spans = filter_spans([s for s in spans if len(s)])
        ours = entity_doc.filter_spans(spans)
        assert [(s.start, s.end, s.label_) for s in ours] == [(s.start, s.end, s.label_) for s in filter_spans(spans)]


def test_a_dutch_title_after_a_noun_of_works_runs_on_over_lower_case_words() -> None:
    doc = _doc("nl", "de film Zout op de Huid van regisseur Sarah Benali", [(2, 3, "MISC"), (5, 8, "MISC"),
                                                                         (8, 10, "PER")])
    assert _spans(entity_rules.extend_work_titles(doc, list(doc.ents))) == [
        ("Zout op de Huid", "MISC"), ("Sarah Benali", "PER")]  # "van regisseur" left over: no name
    doc = _doc("nl", "haar roman Het Huis aan de Dnipro de Libris Literatuur Prijs", [(2, 6, "MISC"), (6, 11, "ORG")])
    assert _spans(entity_rules.extend_work_titles(doc, list(doc.ents))) == [
        ("Het Huis aan de Dnipro", "MISC"), ("Libris Literatuur Prijs", "ORG")]
    # "van" + the writer, and a name after no noun of works, are left alone
    doc = _doc("nl", "het boek Tirza van Arnon Grunberg en Zout op de Huid", [(2, 3, "MISC"), (4, 6, "PER"),
                                                                          (7, 8, "MISC")])
    assert _spans(entity_rules.extend_work_titles(doc, list(doc.ents))) == [
        ("Tirza", "MISC"), ("Arnon Grunberg", "PER"), ("Zout", "MISC")]


def test_a_capitalised_word_after_a_noun_of_works_opens_a_title_even_if_the_model_missed_it() -> None:
    doc = _doc("nl", "De film Zomer op de Dijk draait op het Nederlands Film Festival in Utrecht", [(11, 12, "MISC"),
                                                                                          (13, 14, "LOC")])
    assert _spans(entity_rules.extend_work_titles(doc, list(doc.ents))) == [
        ("Zomer op de Dijk", "MISC"), ("Festival", "MISC"), ("Utrecht", "LOC")]  # "Film": part of a name
    doc = _doc("nl", "de film Zwartboek in Utrecht", [(4, 5, "LOC")])  # a joiner without an article stops it
    assert _spans(entity_rules.extend_work_titles(doc, list(doc.ents))) == [("Zwartboek", "MISC"), ("Utrecht", "LOC")]


def test_a_compound_noun_of_works_opens_a_title_that_runs_on_over_capitalised_words_no_name_holds() -> None:
    doc = _doc("nl", "de nieuwe misdaadreeks Laatste Tram op VRT 1", [(3, 4, "MISC"), (6, 8, "ORG")])
    assert _spans(entity_rules.extend_work_titles(doc, list(doc.ents))) == [("Laatste Tram", "MISC"),
                                                                           ("VRT 1", "ORG")]
    doc = _doc("nl", "de sciencefictionfilm Dune met Kyle MacLachlan", [(4, 6, "PER")])  # the model missed the title
    assert _spans(entity_rules.extend_work_titles(doc, list(doc.ents))) == [("Dune", "MISC"),
                                                                           ("Kyle MacLachlan", "PER")]
    assert entity_rules.context_type("sciencefictionfilm", "nl") == "MISC"
    assert entity_rules.context_type("misdaadreeks", "nl") == "MISC"


def test_a_company_named_in_full_is_an_organisation_where_its_short_name_stands_alone() -> None:
    doc = _doc("nl", "Krämer Gruppe biedt op Brinkhorst Technologies . Krämer wil Brinkhorst en Jan Brinkhorst",
               [(0, 2, "ORG"), (4, 6, "ORG"), (7, 8, "PER"), (9, 10, "LOC"), (11, 13, "PER")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents))) == [
        ("Krämer Gruppe", "ORG"), ("Brinkhorst Technologies", "ORG"), ("Krämer", "ORG"), ("Brinkhorst", "ORG"),
        ("Jan Brinkhorst", "PER")]  # a longer name with the word keeps its type
    doc = _doc("nl", "Utrecht Group en Utrecht", [(0, 2, "ORG"), (3, 4, "LOC")])  # a known place is no short name
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[-1] == ("Utrecht", "LOC")
    # "Mines" ends company names too (session 41: "Mopani" LOC after "Mopani Copper Mines")
    doc = _doc("en", "Mopani Copper Mines restarted . Mopani said", [(0, 3, "ORG"), (5, 6, "GPE")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[-1] == ("Mopani", "ORG")


def test_a_lower_case_noun_heading_a_dutch_name_is_cut_off() -> None:
    doc = _doc("nl", "de gemeente Utrecht en van Gogh", [(1, 3, "ORG"), (4, 6, "PER")])
    assert _spans(entity_rules.strip_titles(doc)) == [("Utrecht", "ORG"), ("van Gogh", "PER")]


def test_a_dutch_person_run_on_over_van_into_an_organisation_is_cut_there() -> None:
    doc = _doc("nl", "zei Jörg Albrecht van Krämer en Sanjay Kanhai van de TU Delft over Krämer",
               [(1, 5, "PER"), (6, 12, "PER"), (13, 14, "ORG")])
    assert _spans(entity_rules.split_person_of_organisation(doc, list(doc.ents))) == [
        ("Jörg Albrecht", "PER"), ("Krämer", "ORG"), ("Sanjay Kanhai", "PER"), ("TU Delft", "ORG"),
        ("Krämer", "ORG")]
    doc = _doc("nl", "zei Botic van de Zandschulp", [(1, 5, "PER")])  # a name's own "van de"
    assert _spans(entity_rules.split_person_of_organisation(doc, list(doc.ents))) == [("Botic van de Zandschulp",
                                                                                       "PER")]


def test_english_names_joined_by_and_are_two_unless_known_as_one() -> None:
    doc = _doc("en", "strikes on Kharkiv and Odesa and Bosnia and Herzegovina , goals by Eze and Leandro Trossard",
               [(2, 5, "ORG"), (6, 9, "GPE"), (12, 16, "ORG")])
    assert _spans(entity_rules.split_coordinated(doc, list(doc.ents))) == [
        ("Kharkiv", "ORG"), ("Odesa", "ORG"), ("Bosnia and Herzegovina", "GPE"), ("Eze and Leandro Trossard", "ORG")]
    # "Eze" is neither known nor a given name: left whole (the model's call)


def test_a_resources_company_is_an_organisation_by_its_short_name() -> None:
    doc = _doc("en", "Kestrel Resources agreed . Kestrel shares rose", [(0, 2, "ORG"), (4, 5, "PERSON")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[-1] == ("Kestrel", "ORG")


def test_an_english_trade_or_club_head_or_a_coined_word_makes_the_short_name_of_a_person_an_organisation() -> None:
    # session 47 (en-news/dev_s46.txt): "Verana Diagnostics" ... "Verana" and "Forge FC" ... "Forge" were PER
    doc = _doc("en", "Verana Diagnostics and Forge FC . Verana said Forge won", [(0, 2, "ORG"), (3, 5, "ORG"),
                                                                                 (6, 7, "PERSON"), (8, 9, "PERSON")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[2:] == [("Verana", "ORG"), ("Forge", "ORG")]
    # a coined first word needs no head: "Hearthstone Bakery Cafe" ... "Hearthstone"
    doc = _doc("en", "Hearthstone Bakery Cafe listed . Hearthstone rose", [(0, 3, "ORG"), (5, 6, "PERSON")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[-1] == ("Hearthstone", "ORG")
    # only a person changes, and a word the model reads as a place anywhere stays a place
    doc = _doc("en", "Yorkshire Building Society grew across Yorkshire . Yorkshire said",
               [(0, 3, "ORG"), (5, 6, "GPE"), (7, 8, "PERSON")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[1:] == [("Yorkshire", "GPE"),
                                                                                 ("Yorkshire", "PERSON")]
    # a public body's head does not count: "Labour" of "Labour Party" is left to the votes, and a coined first word
    # before one is a leader's name ("the Tinubu Administration")
    doc = _doc("en", "Labour Party won . Labour said", [(0, 2, "ORG"), (4, 5, "PERSON")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[-1] == ("Labour", "PERSON")
    doc = _doc("en", "Tinubu Administration acted . Tinubu said", [(0, 2, "ORG"), (4, 5, "PERSON")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[-1] == ("Tinubu", "PERSON")
    # the surname of a person the story names in full is that person: "Penske Racing" ... "Roger Penske" ... "Penske"
    doc = _doc("en", "Penske Racing won . Roger Penske smiled . Penske said",
               [(0, 2, "ORG"), (4, 6, "PERSON"), (8, 9, "PERSON")])
    assert _spans(entity_rules.short_company_names(doc, list(doc.ents)))[-1] == ("Penske", "PERSON")


def test_a_lower_case_word_with_a_digit_is_no_name() -> None:
    from worker.tagging.entity_rules import _lowercase_code

    assert _lowercase_code("lb-6") and _lowercase_code("nb-5")
    assert not _lowercase_code("A380") and not _lowercase_code("G7") and not _lowercase_code("extras")
    nlp = entities.load_pipeline("en")
    words = ["Extras", "(", "b-4", "lb-6", "w-1", "nb-8", ")", "19"]
    doc = nlp(Doc(nlp.vocab, words=words))
    assert not [s for s in entities.mapped_spans(doc, "en") if any(c.isdigit() for c in words[s[0]])]


def test_a_tropical_storm_is_cut_to_its_name_as_misc() -> None:
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging import entity_rules

    doc = Doc(spacy.blank("en").vocab, words=["the", "toll", "from", "Tropical", "Storm", "Greg", "rose"])
    doc.ents = [Span(doc, 3, 6, label="ORG")]
    found = entity_rules.context_types(doc, list(doc.ents))
    assert [(e.text, e.label_) for e in found] == [("Greg", "MISC")]


def test_a_nationality_glued_to_a_person_or_a_known_name_is_split() -> None:
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging import entity_rules

    doc = Doc(spacy.blank("en").vocab, words=["the", "American", "John", "Smith", "and", "Arab", "Al", "Qaeda",
                                              "fighters", "flew", "American", "Airlines"])
    doc.ents = [Span(doc, 1, 4, label="ORG"), Span(doc, 5, 8, label="ORG"), Span(doc, 10, 12, label="ORG")]
    found = [(e.text, e.label_) for e in entity_rules.split_nationality(doc, list(doc.ents))]
    assert found == [("American", "NORP"), ("John Smith", "PERSON"), ("Arab", "NORP"), ("Al Qaeda", "ORG"),
                     ("American Airlines", "ORG")]


def test_a_nationality_before_the_surname_of_a_person_named_in_full_is_split() -> None:
    from tests.tagging.line_docs import named_doc
    from worker.tagging import entity_rules

    doc = named_doc(["137 Greg Norman ( Australia ) 68 69", "Australian Norman and American Lehman missed the cut ."],
                    [("Greg Norman", "PERSON"), ("Australian Norman", "PERSON"), ("American Lehman", "PERSON")])
    found = [(e.text, e.label_) for e in entity_rules.split_nationality(doc, list(doc.ents))]
    # "Lehman" is named nowhere in full: the span stays as the model read it
    assert found == [("Greg Norman", "PERSON"), ("Australian", "NORP"), ("Norman", "PERSON"),
                     ("American Lehman", "PERSON")]


def test_a_dutch_nationality_opening_a_name_is_split_unless_the_rest_is_dutch_words_or_the_whole_known() -> None:
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging import entity_rules

    text = ("het Amerikaanse National Security Agency , de Deense Maersk , de Nederlandse Vereniging van Banken , "
            "de Vlaamse Tennisvereniging , de Europese Commissie , de Schotse Highlands")
    doc = Doc(spacy.blank("nl").vocab, words=text.split(" "))
    doc.ents = [Span(doc, 1, 5, label="ORG"), Span(doc, 7, 9, label="ORG"), Span(doc, 11, 15, label="ORG"),
                Span(doc, 17, 19, label="ORG"), Span(doc, 21, 23, label="ORG"), Span(doc, 25, 27, label="LOC")]
    found = [(e.text, e.label_) for e in entity_rules.split_nationality(doc, list(doc.ents))]
    assert found == [("Amerikaanse", "MISC"), ("National Security Agency", "ORG"), ("Deense", "MISC"),
                     ("Maersk", "ORG"), ("Nederlandse Vereniging van Banken", "ORG"),
                     ("Vlaamse Tennisvereniging", "ORG"), ("Europese Commissie", "ORG"),
                     ("Schotse Highlands", "LOC")]


def test_a_sentence_opening_preposition_is_cut_from_a_known_place_only() -> None:
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging import entity_rules

    doc = Doc(spacy.blank("en").vocab, words=["Outside", "Sydney", ",", "storms", "hit", ".", "Under", "Armour",
                                              "and", "Inside", "Out", "won", "."])
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 6, 8, label="ORG"), Span(doc, 9, 11, label="WORK_OF_ART")]
    found = [(e.text, e.label_) for e in entity_rules.trim_edges(doc, list(doc.ents))]
    assert found == [("Sydney", "PERSON"), ("Under Armour", "ORG"), ("Inside Out", "WORK_OF_ART")]



def test_a_titles_own_the_stays_inside_a_sentence_and_goes_at_its_start_or_on_other_names() -> None:
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging import entity_rules

    words = ["The", "Holdovers", "won", ",", "ahead", "of", "The", "Zone", "of", "Interest", "and", "The", "Times",
             "and", "the", "Nutty", "Professor", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, 0, 2, label="WORK_OF_ART"), Span(doc, 6, 10, label="WORK_OF_ART"),
                Span(doc, 11, 13, label="ORG"), Span(doc, 14, 17, label="EVENT")]
    found = [e.text for e in entity_rules.trim_edges(doc, list(doc.ents))]
    # a sentence's opening "The", another label's "The" and a lower-case "the" go; a title's own "The" stays
    assert found == ["Holdovers", "The Zone of Interest", "Times", "Nutty Professor"]



def test_a_title_the_layout_decided_keeps_its_the_and_an_undecided_misc_does_not() -> None:
    import spacy
    from spacy.tokens import Doc, Span

    from worker.tagging import entity_rules

    words = ["5.", "(", "3", ")", "The", "Mirror", "Has", "Two", "Faces", "(", "TriStar", ")", "and", "The", "French",
             "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, 4, 9, label="MISC"), Span(doc, 13, 15, label="MISC")]
    doc.user_data[entity_rules.CONTEXT_TYPES_KEY] = {(4, 9): "MISC"}  # as chart_rows records a chart row's title
    found = [e.text for e in entity_rules.trim_edges(doc, list(doc.ents))]
    assert found == ["The Mirror Has Two Faces", "French"]


def test_test_alone_is_no_name_in_any_english_copy() -> None:
    doc = Doc(spacy.blank("en").vocab, words=["The", "Test", "went", "to", "the", "Test", "and", "County", "Cricket",
                                              "Board", "."])
    doc.ents = [Span(doc, 1, 2, label="ORG"), Span(doc, 5, 10, label="ORG")]
    found = [e.text for e in entity_rules.drop_test_matches(doc, list(doc.ents))]
    assert found == ["Test and County Cricket Board"]


def test_two_places_joined_inside_a_list_are_split_but_a_town_and_its_state_alone_stay() -> None:
    words = ["in", "Hornsby", ",", "Warringah", "and", "Kurringai", ";", "in", "Glendale", ",", "California", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, 1, 4, label="GPE"), Span(doc, 5, 6, label="GPE"), Span(doc, 8, 11, label="GPE")]
    found = [e.text for e in entity_rules.split_coordinated(doc, list(doc.ents))]
    assert found == ["Hornsby", "Warringah", "Kurringai", "Glendale , California"]


def test_a_place_list_of_three_or_more_is_split_but_a_township_its_county_and_state_stay() -> None:
    # session 48, en-news/dev_s47.txt: "Toowoomba , Warwick , Dalby" was one place
    words = ["from", "Toowoomba", ",", "Warwick", ",", "Dalby", "and", "Stanthorpe", ";", "near", "Perry", "Township",
             ",", "Fayette", "County", ",", "Ohio", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, 1, 6, label="GPE"), Span(doc, 7, 8, label="GPE"), Span(doc, 10, 17, label="GPE")]
    found = [e.text for e in entity_rules.split_coordinated(doc, list(doc.ents))]
    assert found == ["Toowoomba", "Warwick", "Dalby", "Stanthorpe", "Perry Township , Fayette County , Ohio"]
    # a township, its county and its state stay one place also inside a list (session 48's review)
    words = ["near", "Perry", "Township", ",", "Fayette", "County", ",", "Ohio", "and", "Union", "Township", "."]
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, 1, 8, label="GPE"), Span(doc, 9, 11, label="GPE")]
    found = [e.text for e in entity_rules.split_coordinated(doc, list(doc.ents))]
    assert found == ["Perry Township , Fayette County , Ohio", "Union Township"]


def test_a_capitalised_dutch_article_inside_a_sentence_stays_with_its_organisation() -> None:
    doc = Doc(spacy.blank("nl").vocab,
              words=["Woningcorporatie", "De", "Eemgaard", "koopt", ".", "De", "Commissie", "besloot", "en", "de",
                     "Raad", "ook", "."],
              sent_starts=[True, False, False, False, False, True, False, False, False, False, False, False, False])
    doc.ents = [Span(doc, 1, 3, label="ORG"), Span(doc, 5, 7, label="ORG"), Span(doc, 9, 11, label="ORG")]
    assert _spans(entity_rules.trim_edges(doc, list(doc.ents))) == [("De Eemgaard", "ORG"), ("Commissie", "ORG"),
                                                                    ("Raad", "ORG")]


def test_english_kind_nouns_of_films_and_shows_type_the_title_after_them() -> None:
    for noun in ("drama", "comedy", "thriller", "biopic", "sitcom", "docuseries"):
        assert entity_rules.context_type(noun, "en") == "MISC", noun


def test_a_name_joined_to_a_place_by_and_is_a_place_but_not_after_a_country_or_a_clause_comma() -> None:
    from tests.tagging.line_docs import stage_entities

    found = stage_entities("en", "Patients were sent to the injury units in Ennis and Nenagh instead. Rebels seized "
                                 "Damascus, Assad fled.")
    assert found == [("Ennis", "LOC"), ("Nenagh", "LOC"), ("Damascus", "LOC"), ("Assad", "PER")]
    found = stage_entities("nl", "De burgemeesters van de gemeenten Boom, Rumst en Schelle waren tevreden. Beleggers "
                                 "kochten Wereldhave in Nederland en Unibail in Frankrijk.")
    assert ("Schelle", "LOC") in found and ("Unibail", "ORG") in found


def test_a_dutch_demonym_before_a_common_noun_is_the_adjective_alone() -> None:
    from tests.tagging.line_docs import named_doc

    doc = named_doc(["De Vlaamse regering en het Vlaams Parlement en de Europese Commissie ."],
                    [("Vlaamse regering", "ORG"), ("Vlaams Parlement", "ORG"), ("Europese Commissie", "ORG")],
                    language="nl")
    decided: dict[tuple[int, int], str] = {}
    found = [(e.text, e.label_) for e in entity_rules.adjective_before_noun(doc, list(doc.ents), decided)]
    # "Parlement" and "Commissie" are capitalised: names of their own
    assert found == [("Vlaamse", "MISC"), ("Vlaams Parlement", "ORG"), ("Europese Commissie", "ORG")]
    assert decided == {(1, 2): "MISC"}


def test_a_military_rank_is_a_title_and_a_name_after_a_title_keeps_its_first_word() -> None:
    doc = _doc("en", "Wing Commander Vyomika Singh and Senior General Min Aung Hlaing spoke",
               [(0, 4, "PERSON"), (7, 10, "PERSON")])
    # the common word opening a name goes only when no title stands before the name ("Min" is a common word)
    assert _spans(entity_rules.strip_titles(doc)) == [("Vyomika Singh", "PERSON"), ("Min Aung Hlaing", "PERSON")]
    doc = _doc("en", "Lt Gen Ahmed Sharif Chaudhry and Captain Tom Moore", [(0, 5, "PERSON"), (6, 9, "PERSON")])
    assert _spans(entity_rules.strip_titles(doc)) == [("Ahmed Sharif Chaudhry", "PERSON"), ("Tom Moore", "PERSON")]
    # a rank opens no other name: "Captain America", "Admiral Group", "Commodore International"
    doc = _doc("en", "Captain America , Admiral Group and Commodore International",
               [(0, 2, "WORK_OF_ART"), (3, 5, "ORG"), (6, 8, "ORG")])
    assert _spans(entity_rules.strip_titles(doc)) == [("Captain America", "WORK_OF_ART"), ("Admiral Group", "ORG"),
                                                      ("Commodore International", "ORG")]


def test_a_dutch_compound_of_a_place_noun_makes_the_name_after_it_a_place() -> None:
    text = "aan het metrostation Clemenceau op de luchtmachtbasis Kleine-Brogel in de universiteitsstad Leuven"
    doc = _doc("nl", text, [(3, 4, "ORG"), (7, 8, "PER"), (11, 12, "ORG")])
    found = entity_rules.context_types(doc, list(doc.ents))
    assert _spans(found) == [("Clemenceau", "LOC"), ("Kleine-Brogel", "LOC"), ("Leuven", "LOC")]
    # a compound that only starts with a place noun types nothing, nor do the compounds that name organisations or
    # a line-up ("radiostation", "tankstation", "vakantiedorp", "in de basis")
    for text, label in (("de stationschef Clemenceau", "PER"), ("het radiostation Qmusic", "ORG"),
                        ("het tankstation Total", "ORG"), ("het vakantiedorp Parcs", "ORG"),
                        ("in de basis Vanaken", "PER"), ("de kerkgemeente Elim", "ORG")):
        doc = _doc("nl", text, [(2 if text.count(" ") == 2 else 3, text.count(" ") + 1, label)])
        assert [e.label_ for e in entity_rules.context_types(doc, list(doc.ents))] == [label], text


def test_a_dutch_street_or_square_is_a_place_but_not_a_surname_or_a_city_ending_so() -> None:
    doc = _doc("nl", "aan de Leopold De Waelplaats , het Wilrijkse Plein , Bas van der Laan en Inter Milaan",
               [(2, 5, "PER"), (7, 9, "ORG"), (10, 14, "PER"), (15, 17, "ORG")])
    assert _spans(entity_rules.dutch_streets(doc, list(doc.ents))) == [
        ("Leopold De Waelplaats", "LOC"), ("Wilrijkse Plein", "LOC"), ("Bas van der Laan", "PER"),
        ("Inter Milaan", "ORG")]
    # surnames, a given name before a street kind, an organisation's kind, a one-word name, a capitalised particle
    text = ("Willem Verkade , Erik Terplaats , Dick Laan , Jan Vande Laan , Stichting Museumplein , Marktplaats , "
            "Van Der Laan")
    doc = _doc("nl", text, [(0, 2, "PER"), (3, 5, "PER"), (6, 8, "PER"), (9, 12, "PER"), (13, 15, "ORG"),
                            (16, 17, "ORG"), (18, 21, "PER")])
    assert [e.label_ for e in entity_rules.dutch_streets(doc, list(doc.ents))] == ["PER"] * 4 + ["ORG"] * 2 + ["PER"]
    # a type a context rule decided stands ("het bedrijf X-straat")
    doc = _doc("nl", "het bedrijf Groene Kerkstraat", [(2, 4, "ORG")])
    doc.user_data[entity_rules.CONTEXT_TYPES_KEY] = {(2, 4): "ORG"}
    assert _spans(entity_rules.dutch_streets(doc, list(doc.ents))) == [("Groene Kerkstraat", "ORG")]


def test_a_compass_direction_before_of_makes_the_name_a_place() -> None:
    from tests.tagging.line_docs import stage_entities

    found = stage_entities("en", "SaskPower says two sites south of Estevan remain on its shortlist.")
    assert ("Estevan", "LOC") in found
    words = ["routes", "in", "the", "north", "Brisbane", "City", "Council", "will", "scrap"]
    lower = [w.lower() for w in words]
    is_lower = [w.islower() for w in words]
    assert entity_rules._place_noun_type(words, lower, is_lower, 4, "en") is None  # right before: no evidence
    words = ["two", "sites", "south", "of", "Estevan", "remain"]
    assert entity_rules._place_noun_type(words, [w.lower() for w in words], [w.islower() for w in words], 4,
                                         "en") == "LOC"


def test_two_names_with_the_same_kind_word_joined_by_and_are_two() -> None:
    words = ["at", "Fairview", "High", "School", "and", "Fairview", "Middle", "School", "will"]
    assert entity_rules._same_kind_sides(words, 1, 4, 8)
    words = ["the", "Royal", "Brisbane", "and", "Women", "'s", "Hospital"]
    assert not entity_rules._same_kind_sides(words, 1, 3, 7)  # different ends: one hospital
    words = ["Harvard", "University", "and", "University"]
    assert not entity_rules._same_kind_sides(words, 0, 2, 4)  # one word after "and"
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["Students", "at", "Burlington", "High", "School", "and", "Edmunds", "Middle", "School",
                            "must", "leave", "phones", "."])
    doc.ents = [Span(doc, 2, 9, label="ORG")]
    spans = [(e.start, e.end, e.label_) for e in entity_rules.split_coordinated(doc, list(doc.ents))]
    assert spans == [(2, 5, "ORG"), (6, 9, "ORG")]


def test_a_name_right_after_near_is_a_place_but_not_a_possessor() -> None:
    from tests.tagging.line_docs import stage_entities

    assert ("Stanley", "LOC") in stage_entities("en", "The museum's new site near Stanley will show films from the "
                                                      "1950s.")
    assert ("Hereford", "LOC") in stage_entities("en", "Police closed the road near Hereford after the crash.")
    found = stage_entities("en", "The new offices are near Google's campus in Mountain View.")
    assert ("Google", "LOC") not in found


def test_a_name_run_on_over_a_weekday_and_a_route_from_one_place_to_another() -> None:
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["at", "University", "Hospital", "Limerick", "on", "Tuesday", "morning", "."])
    doc.ents = [Span(doc, 1, 6, label="ORG")]
    assert [(e.start, e.end) for e in entity_rules.split_at_days_and_routes(doc, list(doc.ents))] == [(1, 4)]
    doc = Doc(vocab, words=["the", "bus", "from", "Jayanagar", "to", "Electronic", "City", "took", "an", "hour"])
    doc.ents = [Span(doc, 3, 7, label="GPE")]
    assert [(e.start, e.end, e.label_) for e in entity_rules.split_at_days_and_routes(doc, list(doc.ents))] == [
        (3, 4, "GPE"), (5, 7, "GPE")]
    # not without "from", nor "May" (a name too), nor a name that is no place
    doc = Doc(vocab, words=["the", "Road", "to", "Damascus", "film", "and", "Theresa", "in", "May", "."])
    doc.ents = [Span(doc, 1, 4, label="WORK_OF_ART"), Span(doc, 6, 9, label="PERSON")]
    assert [(e.start, e.end) for e in entity_rules.split_at_days_and_routes(doc, list(doc.ents))] == [(1, 4), (6, 9)]


def test_a_place_in_a_known_place_read_as_one_name_is_two_places() -> None:
    # session 45, en-news/dev_s45.txt: "trained by Gordon Richards at Greystoke in Cumbria" one ORG
    vocab = spacy.blank("en").vocab
    words = ["at", "Greystoke", "in", "Cumbria", "and", "the", "Beamish", "Museum", "in", "Durham", "."]
    doc = Doc(vocab, words=words)
    doc.ents = [Span(doc, 1, 4, label="ORG"), Span(doc, 6, 10, label="ORG")]
    assert [(e.text, e.label_) for e in entity_rules.split_at_days_and_routes(doc, list(doc.ents))] == [
        ("Greystoke", "GPE"), ("Cumbria", "GPE"), ("Beamish Museum", "ORG"), ("Durham", "GPE")]
    # not when the words after "in" are no known place, nor a title of a work
    doc = Doc(vocab, words=["Stranger", "in", "Moscow", "and", "Sisters", "in", "Crime", "."])
    doc.ents = [Span(doc, 0, 3, label="WORK_OF_ART"), Span(doc, 4, 7, label="ORG")]
    assert [(e.start, e.end) for e in entity_rules.split_at_days_and_routes(doc, list(doc.ents))] == [(0, 3), (4, 7)]


def test_a_place_right_before_an_organisation_is_part_of_its_name() -> None:
    vocab = spacy.blank("en").vocab
    words = ["The", "Zambia", "Chamber", "of", "Mines", "and", "Australian", "SAS", "troops", "."]
    doc = Doc(vocab, words=words, sent_starts=[i == 0 for i in range(len(words))])
    doc.ents = [Span(doc, 1, 2, label="GPE"), Span(doc, 2, 5, label="ORG"), Span(doc, 6, 7, label="NORP"),
                Span(doc, 7, 8, label="ORG")]
    starts = [i == 0 for i in range(len(words))]
    joined = entity_rules.join_place_and_organisation(doc, list(doc.ents), starts)
    # the place joins the organisation; a people's word stays its own name ("Australian SAS troops")
    assert [(e.text, e.label_) for e in joined] == [("Zambia Chamber of Mines", "ORG"), ("Australian", "NORP"),
                                                    ("SAS", "ORG")]
    # not across a sentence start, and not a place a layout rule decided (a dateline)
    starts[2] = True
    assert entity_rules.join_place_and_organisation(doc, list(doc.ents), starts) == list(doc.ents)
    starts[2] = False
    doc.user_data[entity_rules.CONTEXT_TYPES_KEY] = {(1, 2): "LOC"}
    assert entity_rules.join_place_and_organisation(doc, list(doc.ents), starts) == list(doc.ents)


def test_the_stage_joins_a_known_place_added_before_an_organisation() -> None:
    from tests.tagging.line_docs import stage_entities

    found = stage_entities("en", "Power cuts tightened the market. The Zambia Chamber of Mines said the sector needed "
                                 "more power.")
    assert ("Zambia Chamber of Mines", "ORG") in found


def test_a_name_after_a_kinship_noun_is_a_person() -> None:
    vocab = spacy.blank("en").vocab
    words = ["He", "is", "survived", "by", "his", "sons", ",", "Alun", "and", "Rhodri", ",", "and", "the", "club",
             "Llanelli", "."]
    doc = Doc(vocab, words=words)
    doc.ents = [Span(doc, 7, 8, label="GPE"), Span(doc, 9, 10, label="GPE"), Span(doc, 14, 15, label="GPE")]
    typed = [(e.text, e.label_) for e in entity_rules.context_types(doc, list(doc.ents))]
    assert typed[:2] == [("Alun", "PERSON"), ("Rhodri", "PERSON")]
    assert ("Llanelli", "PERSON") not in typed
    assert doc.user_data[entity_rules.CONTEXT_TYPES_KEY][(7, 8)] == "PER"
    # a kinship noun without a possessive determiner types nothing ("the sons , Alun ...")
    doc = Doc(vocab, words=["the", "sons", ",", "Alun", "said"])
    doc.ents = [Span(doc, 3, 4, label="GPE")]
    assert [e.label_ for e in entity_rules.context_types(doc, list(doc.ents))] == ["GPE"]


def test_the_person_after_a_titles_portfolio() -> None:
    vocab = spacy.blank("en").vocab
    words = ["Commissioner", "for", "Health", "Akin", "Abayomi", "and", "Leader", "of", "the", "Opposition", "V.D.",
             "Satheesan", "met", "Minister", "for", "Health", "Jennifer", "Carroll", "MacNeill", "at", "the", "Bank",
             "of", "England"]
    doc = Doc(vocab, words=words)
    doc.ents = [Span(doc, 2, 5, label="ORG"), Span(doc, 6, 12, label="ORG"), Span(doc, 16, 19, label="PERSON"),
                Span(doc, 21, 24, label="ORG")]
    found = [(e.text, e.label_) for e in entity_rules.persons_after_portfolios(doc, list(doc.ents))]
    assert found == [("Akin Abayomi", "PERSON"), ("V.D. Satheesan", "PERSON"), ("Jennifer Carroll MacNeill", "PERSON"),
                     ("Bank of England", "ORG")]


def test_an_organisation_named_with_its_country_is_its_national_branch() -> None:
    vocab = spacy.blank("en").vocab
    words = ["executives", "of", "Penguin", "Random", "House", "India", "met", "the", "Beamish", "Museum", "Durham"]
    doc = Doc(vocab, words=words)
    doc.ents = [Span(doc, 2, 5, label="ORG"), Span(doc, 5, 6, label="GPE"), Span(doc, 8, 10, label="ORG"),
                Span(doc, 10, 11, label="GPE")]
    joined = entity_rules.join_place_and_organisation(doc, list(doc.ents), [i == 0 for i in range(len(words))])
    # a country joins the organisation before it; a town does not ("Durham")
    assert [(e.text, e.label_) for e in joined] == [("Penguin Random House India", "ORG"), ("Beamish Museum", "ORG"),
                                                    ("Durham", "GPE")]


def test_places_of_two_or_three_words_in_a_list_of_places() -> None:
    from tests.tagging.line_docs import stage_entities

    found = stage_entities("en", "Releases will expand to estates including Tampines, Yishun, Choa Chu Kang and "
                                 "Bukit Batok.")
    assert ("Choa Chu Kang", "LOC") in found and ("Bukit Batok", "LOC") in found


def _place_lists(line: str, names: list[tuple[str, str]]) -> list[tuple[str, str]]:
    from tests.tagging.line_docs import named_doc

    doc = named_doc([line], names)
    return [(e.text, e.label_) for e in entity_rules.coordinated_places(doc, list(doc.ents), {})]


def test_every_item_of_an_english_place_list_is_a_place_whatever_its_position_and_type() -> None:
    found = _place_lists("Patients from Ballincollig , Carrigaline and Blarney were sent on .",
                         [("Ballincollig", "LOC"), ("Carrigaline", "MISC"), ("Blarney", "ORG")])
    assert found == [("Ballincollig", "LOC"), ("Carrigaline", "LOC"), ("Blarney", "LOC")]
    found = _place_lists("the countryside of Somerset and Cornwall .", [("Somerset", "ORG"), ("Cornwall", "LOC")])
    assert found == [("Somerset", "LOC"), ("Cornwall", "LOC")]
    found = _place_lists("a fast run past Merthyr Tydfil and Pontypridd .",
                         [("Merthyr Tydfil", "PERSON"), ("Pontypridd", "GPE")])
    assert found == [("Merthyr Tydfil", "GPE"), ("Pontypridd", "GPE")]
    # the item after "and" ends the list: a comma after it opens no new item of it
    found = _place_lists("a line to Sengkang , Pasir Ris and Changi Airport , LTA said .",
                         [("Sengkang", "LOC"), ("Pasir Ris", "PER"), ("Changi Airport", "PER"), ("LTA", "ORG")])
    assert found == [("Sengkang", "LOC"), ("Pasir Ris", "LOC"), ("Changi Airport", "LOC"), ("LTA", "ORG")]


def test_an_english_place_list_needs_and_and_spares_long_names_before_the_place_and_demonyms() -> None:
    # a comma-only pair is no list
    assert _place_lists("Rebels seized Damascus , Assad fled .", [("Damascus", "LOC"), ("Assad", "PER")]) == [
        ("Damascus", "LOC"), ("Assad", "PER")]
    # a name of three words before the place is no item to retype: "Winnipeg" qualifies "investor group"
    names = [("Export Development Canada", "ORG"), ("Winnipeg", "LOC")]
    assert _place_lists("Export Development Canada and Winnipeg investor group Red River joined .", names) == names
    names = [("Kenyan", "MISC"), ("Nairobi", "LOC")]
    assert _place_lists("Kenyan and Nairobi traders met .", names) == names


def test_an_english_place_list_spares_a_leader_before_a_capital_a_guess_and_a_qualifying_list() -> None:
    # the review of session 49: a leader and a capital standing for its government
    names = [("Trump", "PERSON"), ("Beijing", "GPE")]
    assert _place_lists("Relations between Trump and Beijing soured .", names) == names
    # an item before a place only when a list knows the place: the model's LOC for "Evercore" is a guess
    names = [("Jefferies", "ORG"), ("Lazard", "ORG"), ("Evercore", "LOC")]
    assert _place_lists("Jefferies , Lazard and Evercore were hired .", names) == names
    # a list before a lower-case noun qualifies it
    names = [("Chiefs", "ORG"), ("Eagles", "ORG"), ("Kansas City", "GPE")]
    assert _place_lists("Chiefs , Eagles and Kansas City fans cheered .", names) == names
    names = [("Delhi", "GPE"), ("Diwali", "MISC")]
    assert _place_lists("smog from Delhi and Diwali fireworks .", names) == names


def test_a_dutch_place_list_retypes_only_the_item_after_a_place() -> None:
    from tests.tagging.line_docs import named_doc

    names = [("Underground", "ORG"), ("Arizona", "LOC"), ("Dream", "ORG")]
    doc = named_doc(["uit Underground en Arizona en Dream ."], names, language="nl")
    found = [(e.text, e.label_) for e in entity_rules.coordinated_places(doc, list(doc.ents), {})]
    assert found == [("Underground", "ORG"), ("Arizona", "LOC"), ("Dream", "LOC")]


def _listed(words: list[str], spans: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """`listed_kinds` on a doc of these words and entities: (text, label) of each entity after it."""
    doc = Doc(spacy.blank("en").vocab, words=words)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in spans]
    return [(e.text, e.label_) for e in entity_rules.listed_kinds(doc, list(doc.ents))]


def test_names_listed_after_a_kind_noun_and_such_as_or_including_take_its_type() -> None:
    # session 48, en-news/dev_s47.txt: "several firms , including Moniepoint and OPay" came out LOC, "towns further
    # west , such as Roma and Charleville" ORG
    words = ["The", "bank", "ordered", "several", "firms", ",", "including", "Moniepoint", "and", "OPay", ",", "to",
             "stop", ".", "Towns", "further", "west", ",", "such", "as", "Roma", "and", "Charleville", ",", "waited",
             ".", "He", "spoke", "including", "Acme", "."]
    found = _listed(words, [(7, 8, "GPE"), (9, 10, "GPE"), (20, 21, "ORG"), (22, 23, "GPE"), (29, 30, "GPE")])
    assert found == [("Moniepoint", "ORG"), ("OPay", "ORG"), ("Roma", "LOC"), ("Charleville", "GPE"),
                     ("Acme", "GPE")]  # no kind-noun before the last "including": left alone


def test_a_listed_kind_retypes_no_person_and_ends_after_its_last_item() -> None:
    # session 48's review: "banks, including Jamie Dimon and Jane Fraser" are the bosses; "countries such as China
    # and India, Smith said": Smith is no country; national teams are places, so "teams" types nothing
    words = ["Executives", "at", "the", "banks", ",", "including", "Jamie", "Dimon", "and", "Acme", ",", "testified",
             ".", "Exports", "to", "countries", "such", "as", "China", "and", "India", ",", "Smith", "said", ".",
             "Teams", "such", "as", "Brazil", "won", "."]
    found = _listed(words, [(6, 8, "PERSON"), (9, 10, "GPE"), (18, 19, "GPE"), (20, 21, "GPE"), (22, 23, "ORG"),
                            (28, 29, "GPE")])
    assert found == [("Jamie Dimon", "PERSON"), ("Acme", "ORG"), ("China", "GPE"), ("India", "GPE"),
                     ("Smith", "ORG"), ("Brazil", "GPE")]


def test_a_listed_person_that_opens_with_no_given_name_takes_the_kind() -> None:
    # session 48 (en-news/dev_s48.txt): "larger chains including Kopi Kenangan , Janji Jiwa and Fore Coffee" PER
    words = ["Senja", "competes", "with", "chains", "including", "Kopi", "Kenangan", ",", "Janji", "Jiwa", "and",
             "Fore", "Coffee", ".", "Banks", ",", "including", "Jamie", "Dimon", "'s", ",", "agreed", "."]
    found = _listed(words, [(5, 7, "PERSON"), (8, 10, "PERSON"), (11, 13, "PERSON"), (17, 19, "PERSON")])
    assert found == [("Kopi Kenangan", "ORG"), ("Janji Jiwa", "ORG"), ("Fore Coffee", "ORG"),
                     ("Jamie Dimon", "PERSON")]


def test_a_name_after_chain_is_an_organisation() -> None:
    # session 48 (en-news/dev_s48.txt): "Bandung coffee chain Kopi Senja" PER
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    doc = nlp("Bandung coffee chain Kopi Senja plans a listing in Jakarta .")
    assert ("Kopi Senja", "ORG") in {(doc[a:b].text, label) for a, b, label in entities.mapped_spans(doc, "en")}


def test_chain_makes_a_company_only_after_a_trade_and_an_owner_stays_a_person() -> None:
    # session 48's second review: "the supply chain China controls" gave China ORG, "Companies including Mukesh
    # Ambani 's Reliance" Mukesh Ambani ORG
    from worker.tagging import entities

    nlp = entities.load_pipeline("en")
    for text, name, label in (("Britain depends on the supply chain China controls .", "China", "LOC"),
                              ("The Pacific island chain Vanuatu voted .", "Vanuatu", "LOC"),
                              ("They crossed the Chain Bridge in Budapest .", "Chain Bridge", "LOC"),
                              ("Companies including Mukesh Ambani 's Reliance bid .", "Mukesh Ambani", "PER"),
                              ("The hotel chain Marriott raised prices .", "Marriott", "ORG")):
        doc = nlp(text)
        assert (name, label) in {(doc[a:b].text, lab) for a, b, lab in entities.mapped_spans(doc, "en")}, text


def test_a_firm_of_a_place_is_the_firm_and_the_place() -> None:
    from tests.tagging.line_docs import named_doc

    def split(line: str, names: list[tuple[str, str]]) -> list[tuple[str, str]]:
        doc = named_doc([line], names)
        return [(e.text, e.label_) for e in entity_rules.split_of_places(doc, list(doc.ents), {})]

    assert split("a round led by Prairie Crest Ventures of Calgary .", [("Prairie Crest Ventures of Calgary", "ORG")]) \
        == [("Prairie Crest Ventures", "ORG"), ("Calgary", "LOC")]
    assert split("went to the Harbour Lights Steel Orchestra of Bridgetown .",
                 [("Harbour Lights Steel Orchestra of Bridgetown", "ORG")]) == [
        ("Harbour Lights Steel Orchestra", "ORG"), ("Bridgetown", "LOC")]
    # names that hold "of a place" stay whole: no company suffix, one word before "of", a person, no known place
    for name, label in (("Royal Bank of Scotland", "ORG"), ("Bank of England", "ORG"), ("Stephen I of Hungary", "PER"),
                        ("Celestine Auguste of St. Lucia", "PER"), ("Zambia Chamber of Mines", "ORG"),
                        ("Northfield Foods of Narnia", "ORG"),
                        # a country ends the official name of a national body (the review of session 49)
                        ("Atomic Energy of Canada", "ORG"), ("National Youth Orchestra of Great Britain", "ORG")):
        assert split(f"said {name} today .", [(name, label)]) == [(name, label)], name
