"""bench.entity_speed: one command printing the entity stage's CPU time against the bare model's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WIRE = Path(__file__).resolve().parents[2] / "data" / "ner" / "en-news" / "wire.txt"


def test_entity_speed_prints_a_ratio_per_round_and_over_all(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import entity_speed

    assert entity_speed.main(["en", str(WIRE), "--rounds", "2", "--group", "1"]) == 0
    out = capsys.readouterr().out
    assert len(re.findall(r"round \d: bare [\d.]+ stage [\d.]+ ratio [\d.]+", out)) == 2
    ratio = re.search(r"bare / stage: ([\d.]+) over all rounds", out)
    assert ratio is not None and 0 < float(ratio.group(1)) < 5


def test_tagging_stages_prints_each_stage_and_the_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import tagging_stages

    assert tagging_stages.main(["en", str(WIRE), "--rounds", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"bare [\d.]+  language [\d.]+  entities [\d.]+  topics [\d.]+  keywords [\d.]+  all [\d.]+", out)
    ratio = re.search(r"bare / all four ([\d.]+)", out)
    assert ratio is not None and 0 < float(ratio.group(1)) < 5
    from worker.tagging import compiled

    expected = "compiled" if compiled.state["active"] else f"Python ({compiled.state['reason']})"
    assert f"entity rules: {expected}\n" in out


def test_tagging_stages_runs_every_stage_once_untimed_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stage's first call in a process ran up to 40 % slower: one untimed round comes before the timed ones."""
    import worker.tagging
    from bench import tagging_stages

    calls: list[int] = []
    tag_articles = worker.tagging.tag_articles

    def counting(articles: object) -> object:
        calls.append(1)
        return tag_articles(articles)  # type: ignore[arg-type]

    monkeypatch.setattr(worker.tagging, "tag_articles", counting)
    assert tagging_stages.main(["en", str(WIRE), "--rounds", "2"]) == 0
    # warm_up's own call, the untimed round and the two timed rounds
    assert len(calls) == 4


def test_rule_instructions_hands_the_models_output_to_the_counted_run() -> None:
    """The counted run (what callgrind sees) tags the serialised model output to the same entities as the stage."""
    from bench import quality, rule_instructions
    from worker.tagging.entities import entity_text, load_pipeline

    blobs = rule_instructions.model_output("en", [WIRE])
    assert len(blobs) == len(quality.ner_articles(WIRE, "en")) == 1
    nlp, post = rule_instructions.post_model_components("en")
    assert post and "ner" not in post  # the rules and the gazetteer matcher, after the model
    docs = rule_instructions.fresh_docs(nlp, blobs)
    rule_instructions.run_components(nlp, post, docs)
    expected = load_pipeline("en")(entity_text(quality.ner_articles(WIRE, "en")[0]))
    assert [(e.start, e.end, e.label_) for e in docs[0].ents] == [(e.start, e.end, e.label_) for e in expected.ents]
    assert len(expected.ents) > 10


def test_rule_instructions_says_when_valgrind_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench import rule_instructions

    monkeypatch.setattr(rule_instructions.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="valgrind is not installed"):
        rule_instructions.count("en", [WIRE])


def test_rule_instructions_stage_ratio_counts_one_run_of_each_stage_after_an_uncounted_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`--stage-ratio`'s child switches callgrind's instrumentation on around the second run of the stage only."""
    import worker.tagging
    from bench import rule_instructions

    events: list[str] = []
    original = worker.tagging.tag_articles

    def counting(articles: object) -> object:
        events.append("run")
        return original(articles)  # type: ignore[arg-type]

    monkeypatch.setattr(worker.tagging, "tag_articles", counting)
    monkeypatch.setattr(rule_instructions.subprocess, "run",
                        lambda command, **kwargs: events.append(command[2]))  # "on" / "off"
    assert rule_instructions._stage_child("en", "whole", [WIRE]) == 0
    assert events[-4:] == ["run", "on", "run", "off"]
    monkeypatch.setattr(rule_instructions.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="valgrind is not installed"):
        rule_instructions.stage_ratio("en", [WIRE])
