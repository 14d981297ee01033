"""English role words, governments and hyphenated surnames around names (entity_roles.py), on hand-made documents
and through the stage."""

from __future__ import annotations

from collections.abc import Callable

import spacy
from spacy.tokens import Doc, Span

from worker.tagging import entities, entity_roles
from worker.tagging.entity_rules import is_title

_EN = spacy.blank("en")
Rule = Callable[[Doc, list[Span]], list[Span]]


def _run(rule: Rule, text: str, ents: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The entities after one rule; `ents` are (text, label) of the model, each at the first place its text occurs
    after the previous one."""
    doc = _EN(text)
    spans, at = [], 0
    for name, label in ents:
        start = text.index(name, at)
        span = doc.char_span(start, start + len(name), label=label)
        assert span is not None, name
        spans.append(span)
        at = start + len(name)
    return [(ent.text, ent.label_) for ent in rule(doc, spans)]


def test_roles_alone_are_no_names() -> None:
    text = "Treasurer Costello and the Prime Minister met the Shadow Treasurer and Brigadier General Ron Kitrey."
    found = _run(entity_roles.drop_roles, text, [("Treasurer", "PERSON"), ("Costello", "PERSON"),
                                                 ("Prime Minister", "ORG"), ("Shadow Treasurer", "PERSON"),
                                                 ("Brigadier General", "ORG"), ("Ron Kitrey", "PERSON")])
    assert found == [("Costello", "PERSON"), ("Ron Kitrey", "PERSON")]


def test_a_role_word_that_is_also_a_name_goes_only_after_the_or_before_a_person() -> None:
    text = "The Queen spoke. King Juan Carlos listened. Later King said no. Queen played Wembley."
    found = _run(entity_roles.drop_roles, text, [("Queen", "PERSON"), ("King", "PERSON"), ("Juan Carlos", "PERSON"),
                                                 ("King", "PERSON"), ("Queen", "ORG")])
    assert found == [("Juan Carlos", "PERSON"), ("King", "PERSON"), ("Queen", "ORG")]


def test_a_government_is_named_by_its_place_or_people() -> None:
    text = ("The Australian Government, the Federal Government, the Queensland Government and the Victorian State "
            "Government agreed. The Government said so.")
    found = _run(entity_roles.government_names, text, [
        ("Australian Government", "ORG"), ("Federal Government", "ORG"), ("Queensland Government", "ORG"),
        ("Victorian State Government", "ORG"), ("Government", "ORG")])
    assert found == [("Australian", "NORP"), ("Queensland", "GPE"), ("Victorian", "NORP")]
    text = "The Blair Government, the ACT Government and the Labor Government met."
    found = _run(entity_roles.government_names, text, [("Blair Government", "ORG"), ("ACT Government", "ORG"),
                                                       ("Labor Government", "ORG")])
    assert found == [("Blair", "PERSON"), ("ACT", "GPE"), ("Labor", "ORG")]
    text = "Palestinian Authorities said British Defence sources and the Palestinian Authority agreed."
    found = _run(entity_roles.government_names, text, [
        ("Palestinian Authorities", "ORG"), ("British Defence", "ORG"), ("Palestinian Authority", "ORG")])
    assert found == [("Palestinian", "NORP"), ("British", "NORP"), ("Palestinian Authority", "ORG")]


def test_governments_officials_and_portfolios_are_each_enough_for_the_rule_to_act() -> None:
    # government_names returns early without its trigger words: each one alone still lets it act
    assert _run(entity_roles.government_names, "Palestinian Authorities said so.", [
        ("Palestinian Authorities", "ORG")]) == [("Palestinian", "NORP")]
    assert _run(entity_roles.government_names, "British Defence sources said so.", [
        ("British Defence", "ORG")]) == [("British", "NORP")]
    assert _run(entity_roles.government_names, "The Queensland Govt said so.", [
        ("Queensland Govt", "ORG")]) == [("Queensland", "GPE")]


def test_a_name_run_on_over_a_role_to_a_person_is_split_there() -> None:
    text = "Federal Labor MP Carmen Lawrence met Ross Ray QC and Victoria's Industrial Relations Minister today."
    found = _run(lambda d, e: entity_roles.place_before_role(d, entity_roles.split_at_roles(d, e)), text, [
        ("Federal Labor MP Carmen Lawrence", "ORG"), ("Ross Ray QC", "PERSON"),
        ("Victoria's Industrial Relations Minister", "ORG")])
    assert found == [("Labor", "ORG"), ("Carmen Lawrence", "PERSON"), ("Ross Ray", "PERSON"), ("Victoria", "GPE")]
    # a role word that is also a name, or a person of one word after the role, leaves the name as it was
    assert _run(entity_roles.split_at_roles, "Queen Mary University London", [
        ("Queen Mary University London", "ORG")]) == [("Queen Mary University London", "ORG")]
    assert _run(entity_roles.split_at_roles, "the Foreign Minister Downer said", [
        ("Foreign Minister Downer", "ORG")]) == [("Foreign Minister Downer", "ORG")]
    # split_at_roles returns early without a post-nominal or a role: each alone still lets it act
    assert _run(entity_roles.split_at_roles, "Ross Ray QC spoke.", [("Ross Ray QC", "PERSON")]) == [
        ("Ross Ray", "PERSON")]
    assert _run(entity_roles.split_at_roles, "New York Mayor Rudolph Giuliani spoke.", [
        ("New York Mayor Rudolph Giuliani", "ORG")]) == [("New York", "GPE"), ("Rudolph Giuliani", "PERSON")]


def test_a_double_barrelled_surname_is_one_person_and_the_surname_alone_too() -> None:
    text = "Arantxa Sanchez-Vicario won. Sanchez-Vicario said the Ford-Suharto talks and Chun Doo-hwan were news."
    found = _run(entity_roles.hyphenated_persons, text, [
        ("Arantxa Sanchez", "PERSON"), ("Vicario", "PERSON"), ("Sanchez-Vicario", "GPE"), ("Ford", "PERSON"),
        ("Suharto", "PERSON"), ("Chun Doo-", "PERSON")])
    assert found == [("Arantxa Sanchez-Vicario", "PERSON"), ("Sanchez-Vicario", "PERSON"), ("Ford", "PERSON"),
                     ("Suharto", "PERSON"), ("Chun Doo-hwan", "PERSON")]
    # a hyphen with spaces is a dash between two names
    assert _run(entity_roles.hyphenated_persons, "Pat Rafter - Hewitt", [
        ("Pat Rafter", "PERSON"), ("Hewitt", "PERSON")]) == [("Pat Rafter", "PERSON"), ("Hewitt", "PERSON")]


def test_a_given_name_alone_is_the_person_named_in_full() -> None:
    text = "Kieren Perkins swam. I swam with Kieren today. Michael Jordan met Jordan's king."
    found = _run(entity_roles.given_name_mentions, text, [
        ("Kieren Perkins", "PERSON"), ("Kieren", "ORG"), ("Michael Jordan", "PERSON"), ("Jordan", "GPE")])
    assert found == [("Kieren Perkins", "PERSON"), ("Kieren", "PERSON"), ("Michael Jordan", "PERSON"),
                     ("Jordan", "GPE")]


def test_honorifics_without_a_full_stop_are_titles() -> None:
    assert all(is_title(word, "en") for word in ("Mr", "Mrs", "Ms", "Dr", "Sheikh", "Coroner", "Treasurer", "Mullah"))
    assert not is_title("Mr", "nl")


def test_the_stage_keeps_titles_and_governments_out_of_names() -> None:
    nlp = entities.load_pipeline("en")
    text = ("Mr Giuliani said the Australian Government would help. Treasurer Peter Costello agreed with "
            "Federal Labor MP Carmen Lawrence.")
    doc = next(iter(entities.pipe_texts(nlp, [text])))
    found = {(doc[start:end].text, str(label)) for start, end, label in entities.mapped_spans(doc, "en")}
    assert ("Giuliani", "PER") in found and ("Australian", "MISC") in found
    assert ("Peter Costello", "PER") in found and ("Carmen Lawrence", "PER") in found
    assert not any(name in ("Mr Giuliani", "Australian Government", "Treasurer") for name, _ in found)


def test_the_stage_reads_a_secretary_of_state_and_a_state_s_full_name() -> None:
    nlp = entities.load_pipeline("en")
    text = ("Suharto briefed president Gerald Ford and his secretary of state Henry Kissinger. A New South Wales "
            "rule forces Labor members to join a union.")
    doc = next(iter(entities.pipe_texts(nlp, [text])))
    found = {(doc[start:end].text, str(label)) for start, end, label in entities.mapped_spans(doc, "en")}
    assert ("Henry Kissinger", "PER") in found and ("New South Wales", "LOC") in found
    assert ("Wales", "LOC") not in found


def test_the_opposition_is_no_name_but_the_party_leading_it_is() -> None:
    # session 29, the Lee corpus's dev2: "The Federal Opposition wants tougher penalties" gave "Federal Opposition" ORG
    text = "The Federal Opposition wants more. The Opposition agreed, and the Labor Opposition too."
    found = _run(entity_roles.government_names, text, [("Federal Opposition", "ORG"), ("Opposition", "ORG"),
                                                       ("Labor Opposition", "ORG")])
    assert found == [("Labor", "ORG")]


def test_a_role_with_its_portfolio_is_no_name() -> None:
    # session 29, the Lee corpus's dev2: "Shadow Environment Minister" PERSON, "Federal Privacy Commissioner" ORG
    text = ("Shadow Environment Minister Kelvin Thomson and the Federal Privacy Commissioner, Malcolm Crompton, "
            "met the Environment Protection Authority.")
    found = _run(entity_roles.drop_roles, text, [
        ("Shadow Environment Minister", "PERSON"), ("Kelvin Thomson", "PERSON"),
        ("Federal Privacy Commissioner", "ORG"), ("Malcolm Crompton", "PERSON"),
        ("Environment Protection Authority", "ORG")])
    assert found == [("Kelvin Thomson", "PERSON"), ("Malcolm Crompton", "PERSON"),
                     ("Environment Protection Authority", "ORG")]


def test_role_words_glued_after_a_name_are_cut_off() -> None:
    # session 29, the Lee corpus's dev2: "US Magistrate" ORG, "US Defence" ORG before "Secretary", "Joint Chiefs
    # General" ORG before the general's name
    text = ("US Magistrate Judith Dein and the US Defence Secretary met the chairman of the Joint Chiefs General "
            "Richard Myers and the Australian Defence Force.")
    found = _run(entity_roles.role_tails, text, [
        ("US Magistrate", "ORG"), ("Judith Dein", "PERSON"), ("US Defence", "ORG"), ("Joint Chiefs General", "ORG"),
        ("Richard Myers", "PERSON"), ("Australian Defence Force", "ORG")])
    assert found == [("US", "GPE"), ("Judith Dein", "PERSON"), ("US", "GPE"), ("Joint Chiefs", "ORG"),
                     ("Richard Myers", "PERSON"), ("Australian Defence Force", "ORG")]
    text = "The British Prime Minister spoke, and so did the Federal Court Judge."
    found = _run(entity_roles.role_tails, text, [("British Prime Minister", "ORG"), ("Federal Court Judge", "ORG")])
    assert found == [("British", "NORP"), ("Federal Court Judge", "ORG")]  # no person follows the judge


def test_a_church_glued_to_a_place_and_a_bishop_of_a_place_are_split() -> None:
    # session 29, the Lee corpus's dev2: "Toowoomba Anglican" school and "Anglican Archbishop of Brisbane" were ORG
    decided: dict[tuple[int, int], str] = {}

    def rule(doc: Doc, ents: list[Span]) -> list[Span]:
        return entity_roles.religion_and_seat(doc, ents, decided)

    text = "He was the Anglican Archbishop of Brisbane when a teacher at a Toowoomba Anglican school left."
    found = _run(rule, text, [("Anglican Archbishop of Brisbane", "ORG"), ("Toowoomba Anglican", "ORG")])
    assert found == [("Anglican", "NORP"), ("Brisbane", "GPE"), ("Toowoomba", "GPE"), ("Anglican", "NORP")]
    # a royal title is left alone, and so is a portfolio after "of"
    text = "The Prince of Wales met the Secretary of State."
    found = _run(rule, text, [("Prince of Wales", "PERSON"), ("Secretary of State", "ORG")])
    assert found == [("Prince of Wales", "PERSON"), ("Secretary of State", "ORG")]


def test_a_person_whose_possessive_holds_company_things_is_a_company() -> None:
    # session 29, the Lee corpus's dev2: "Ansett's administrators" gave Ansett PERSON
    decided: dict[tuple[int, int], str] = {}
    text = "Ansett's administrators paid out. Howard's staff agreed."
    found = _run(lambda doc, ents: entity_roles.religion_and_seat(doc, ents, decided), text,
                 [("Ansett", "PERSON"), ("Howard", "PERSON")])
    assert found == [("Ansett", "ORG"), ("Howard", "PERSON")] and decided == {(0, 1): "ORG"}


def test_a_role_of_modifiers_only_before_its_role_noun_is_no_name() -> None:
    # session 29, second cycle (Lee dev3): "The Federal Education Minister, Brendan Nelson" gave "Federal Education" ORG
    text = "The Federal Education Minister, Brendan Nelson, says so."
    found = _run(entity_roles.role_tails, text, [("Federal Education", "ORG"), ("Brendan Nelson", "PERSON")])
    assert found == [("Brendan Nelson", "PERSON")]


def test_a_role_word_that_is_the_surname_of_a_person_named_in_full_stays_and_titles_alone_go() -> None:
    from tests.tagging.line_docs import stage_entities

    found = stage_entities("en", "England won in Hyderabad thanks to Ollie Pope. Pope and Hartley starred. NHS "
                                 "England's national medical director, Prof Sir Stephen Powis, warned. The Pope "
                                 "visited Rome.")
    assert found == [("England", "LOC"), ("Hyderabad", "LOC"), ("Ollie Pope", "PER"), ("Pope", "PER"),
                     ("Hartley", "PER"), ("NHS England", "ORG"), ("Stephen Powis", "PER"), ("Rome", "LOC")]


def test_an_electoral_seat_is_a_place_and_so_are_the_seats_of_its_list() -> None:
    decided: dict[tuple[int, int], str] = {}

    def rule(doc: Doc, ents: list[Span]) -> list[Span]:
        return entity_roles.electorates(doc, ents, decided)

    text = ("Dutton lost his seat of Dickson, Labor took the seats of Menzies, Deakin and Banks, and Singh, "
            "MP for Aljunied GRC, spoke.")
    assert _run(rule, text, [("Dutton", "PERSON"), ("Dickson", "PERSON"), ("Labor", "ORG"), ("Menzies", "PERSON"),
                             ("Deakin", "ORG"), ("Banks", "ORG"), ("Singh", "PERSON"), ("Aljunied GRC", "ORG")]) == [
        ("Dutton", "PERSON"), ("Dickson", "GPE"), ("Labor", "ORG"), ("Menzies", "GPE"), ("Deakin", "GPE"),
        ("Banks", "GPE"), ("Singh", "PERSON"), ("Aljunied GRC", "GPE")]
    assert set(decided.values()) == {"LOC"}
    # a list that never ends with "and" is no list of seats; a person named in full stays a person
    assert _run(rule, "the seat of Kooyong, Monique Ryan said", [("Kooyong", "ORG"), ("Monique Ryan", "PERSON")]) == [
        ("Kooyong", "GPE"), ("Monique Ryan", "PERSON")]
    assert _run(rule, "a member for John Smith", [("John Smith", "PERSON")]) == [("John Smith", "PERSON")]


def test_seat_openers_lists_and_what_stays_as_it_was() -> None:
    decided: dict[tuple[int, int], str] = {}

    def rule(doc: Doc, ents: list[Span]) -> list[Span]:
        return entity_roles.electorates(doc, ents, decided)

    cases = [
        ("the constituency of Islington North", [("Islington North", "ORG")], "GPE"),
        ("the riding of Carleton", [("Carleton", "PERSON")], "GPE"),
        ("an MLA for Kalkaji", [("Kalkaji", "PERSON")], "GPE"),
        ("a TD for Dublin Bay South", [("Dublin Bay South", "ORG")], "GPE"),
        ("the seat of Saanich-Gulf Islands", [("Saanich-Gulf Islands", "ORG")], "GPE"),
        ("the seat of Indian", [("Indian", "NORP")], "NORP"),  # a nationality is no seat
        ("a board member for Google", [("Google", "ORG")], "ORG"),  # "member for" opens no seat
    ]
    for text, ents, label in cases:
        assert [found for _, found in _run(rule, text, ents)] == [label], text
    # an Oxford comma or "or" ends a list too; a person named in the list stays a person
    assert _run(rule, "the seats of Menzies, Deakin, and Banks", [("Menzies", "ORG"), ("Deakin", "ORG"),
                                                                 ("Banks", "ORG")]) == [
        ("Menzies", "GPE"), ("Deakin", "GPE"), ("Banks", "GPE")]
    assert _run(rule, "the seats of Bass or Lyons", [("Bass", "ORG"), ("Lyons", "ORG")]) == [
        ("Bass", "GPE"), ("Lyons", "GPE")]
    assert _run(rule, "the seat of Kooyong and Frydenberg conceded", [("Kooyong", "ORG"), ("Frydenberg", "PERSON")]) \
        == [("Kooyong", "GPE"), ("Frydenberg", "PERSON")]
    # entities out of order (a rule before appended one): the list is still read in the text's order
    doc = _EN("the seats of Menzies, Deakin and Banks")
    spans = []
    for start, end in ((13, 20), (22, 28), (33, 38)):
        span = doc.char_span(start, end, label="ORG")
        assert span is not None
        spans.append(span)
    found = entity_roles.electorates(doc, [spans[2], spans[0], spans[1]], {})
    assert sorted((e.text, e.label_) for e in found) == [("Banks", "GPE"), ("Deakin", "GPE"), ("Menzies", "GPE")]


def test_a_korean_given_name_cut_at_its_hyphen_by_the_tokenizer_is_whole_again() -> None:
    assert _run(entity_roles.hyphenated_persons, "Acting President Han Duck-soo said", [("Han Duck", "PERSON")]) == [
        ("Han Duck-soo", "PERSON")]
    assert _run(entity_roles.hyphenated_persons, "Tsai Ing-wen spoke", [("Tsai Ing", "PERSON")]) == [
        ("Tsai Ing-wen", "PERSON")]
    # an English word made after a name is no part of it
    for text in ("a Donald Trump-backed plan", "the Joe Biden-era rule", "a Boris Johnson-style speech",
                 "a Donald Trump-lite policy", "a Boris Johnson-ish answer", "a Vladimir Putin-proof grid"):
        name = " ".join(text.split()[1:3]).split("-")[0]
        assert _run(entity_roles.hyphenated_persons, text, [(name, "PERSON")]) == [(name, "PERSON")]


def test_a_councillors_title_and_crown_prince_are_no_part_of_a_name() -> None:
    from tests.tagging.line_docs import stage_entities

    found = stage_entities("en", "Brisbane Lord Mayor Adrian Schrinner defended the plan. \"We will not slow down,\" "
                                 "Cr Schrinner said on Tuesday.")
    assert ("Schrinner", "PER") in found and not any(text.startswith("Cr ") for text, _ in found)
    found = stage_entities("en", "Aramco's dividends help fund Crown Prince Mohammed bin Salman's plans for Riyadh.")
    assert ("Mohammed bin Salman", "PER") in found and not any("Crown" in text for text, _ in found)
    from worker.tagging.titles import title_word

    assert title_word("Cllr", "en") and title_word("Councillor", "en") and not title_word("Crown", "en")
