"""The topic head: its mix with the linear model chooses the English primary topic; Dutch is left alone."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from worker.article import Article
from worker.tagging import topics as topics_module
from worker.tagging.iptc import iptc_codes
from worker.tagging.topic_head import HEAD_PATH, TopicHead, TopicHeadError, load_head, mixed_primary, topic_head
from worker.tagging.topic_vectors import ProjectedVectors, SifTable, read_stored_table
from worker.tagging.topics import tag_topics, topic_model_version

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import train_topic_head  # noqa: E402

CODES = iptc_codes()
SPORT, ARTS, TECH = "15000000", "01000000", "13000000"
SPORTS_EN = (
    "Arsenal beat Chelsea 3-1 in the Premier League",
    "Bukayo Saka scored twice as Arsenal came from behind to beat Chelsea 3-1 at the Emirates Stadium on "
    "Sunday. The winger equalised before half-time and the striker added a late third goal.",
)
SEED = REPO / "seeds" / "000_915c5c8c3194a4b4.txt"


def article(title: str, body: str, language: str) -> Article:
    return Article(id="t", source="test", title=title, body=body, content_hash="h", language=language)


def fake_head(
    favourite: str, words: tuple[str, ...] = ("arsenal",), language: str = "en", gate: float = 1.0
) -> TopicHead:
    """A head on the shipped English vectors table (the linear model hands it row numbers in that table) whose
    only rows that count are these words', each pushing all its weight to one topic."""
    index = read_stored_table("en").index
    rows = np.zeros((len(index), len(CODES)), dtype=np.float32)
    weights = np.zeros(len(index), dtype=np.float32)
    for word in words:
        rows[index[word], CODES.index(favourite)] = 50.0
        weights[index[word]] = 1.0
    table = SifTable(index, rows, weights)
    projected = ProjectedVectors(table, np.zeros(len(CODES), dtype=np.float32))
    return TopicHead(mix={language: 0.5}, gate={language: gate}, projected={language: projected},
                     bias={language: np.zeros(len(CODES), dtype=np.float32)}, version="head-test")


def test_mix_weight_decides_between_linear_and_head() -> None:
    linear = np.array([0.7, 0.2, 0.1])
    logits = np.log(np.array([0.05, 0.9, 0.05], dtype=np.float32))
    assert mixed_primary(linear, logits, 1.0) == 0
    assert mixed_primary(linear, logits, 0.0) == 1
    assert mixed_primary(linear, logits, 0.5) == 1  # log 0.2 + log 0.9 > log 0.7 + log 0.05
    assert mixed_primary(linear, np.log(np.array([0.4, 0.5, 0.1], dtype=np.float32)), 0.5) == 0  # a weak head yields
    # normalising either side changes nothing
    assert mixed_primary(linear * 7.0, logits + 3.0, 0.5) == mixed_primary(linear, logits, 0.5)


def test_head_chooses_the_primary_and_keeps_linear_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics_module, "topic_head", lambda: None)
    (linear,) = tag_topics([article(*SPORTS_EN, "en")])
    assert linear.topics[0].code == SPORT
    monkeypatch.setattr(topics_module, "topic_head", lambda: fake_head(ARTS))
    (mixed,) = tag_topics([article(*SPORTS_EN, "en")])
    assert mixed.topics[0].code == ARTS
    assert SPORT in [t.code for t in mixed.topics]  # the linear model's topics stay
    arts_score = topics_module.topic_model().probabilities(*SPORTS_EN, "en")[CODES.index(ARTS)]
    assert mixed.topics[0].score == round(float(arts_score), 4)


def test_gate_lets_the_head_speak_only_where_the_linear_model_is_unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    best = float(topics_module.topic_model().probabilities(*SPORTS_EN, "en").max())
    assert best > 0.5  # the linear model is sure this is sport
    monkeypatch.setattr(topics_module, "topic_head", lambda: fake_head(ARTS, gate=0.5))
    (gated,) = tag_topics([article(*SPORTS_EN, "en")])
    assert gated.topics[0].code == SPORT
    monkeypatch.setattr(topics_module, "topic_head", lambda: fake_head(ARTS, gate=min(1.0, best + 1e-3)))
    (open_gate,) = tag_topics([article(*SPORTS_EN, "en")])
    assert open_gate.topics[0].code == ARTS
    head = fake_head(ARTS, gate=0.5)
    assert head.decides("en", 0.49) and not head.decides("en", 0.5) and not head.decides("nl", 0.1)


def test_a_weak_text_keeps_one_topic_with_the_head(monkeypatch: pytest.MonkeyPatch) -> None:
    # Below the threshold only the best topic is kept: the mix's choice, not the linear model's too.
    monkeypatch.setattr(topics_module, "topic_head", lambda: fake_head(ARTS, words=("tickets",)))
    (tagged,) = tag_topics([article("", "Tickets go on sale next week.", "en")])
    assert [t.code for t in tagged.topics] == [ARTS]
    assert tagged.topics[0].score < 0.4


def test_head_leaves_texts_without_its_words_and_other_languages_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topics_module, "topic_head", lambda: None)
    (linear,) = tag_topics([article(*SPORTS_EN, "en")])
    monkeypatch.setattr(topics_module, "topic_head", lambda: fake_head(ARTS, words=("zeppelin",)))
    (unknown,) = tag_topics([article(*SPORTS_EN, "en")])
    assert unknown.topics == linear.topics  # no word with a vector row: no head opinion
    monkeypatch.setattr(topics_module, "topic_head", lambda: fake_head(ARTS, language="de"))
    (other,) = tag_topics([article(*SPORTS_EN, "en")])
    assert other.topics == linear.topics


def test_shipped_head_decides_english_only() -> None:
    head = load_head(HEAD_PATH)
    assert dict(head.mix) == {"en": 0.8}
    assert dict(head.gate) == {"en": 1.0}
    assert topic_model_version("en").endswith("+" + head.version)
    assert "+" not in topic_model_version("nl")


def test_shipped_head_leaves_the_dutch_seed_as_the_linear_model_tags_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = article("", SEED.read_text(encoding="utf-8"), "nl")
    (with_head,) = tag_topics([seed])
    monkeypatch.setattr(topics_module, "topic_head", lambda: None)
    (linear,) = tag_topics([seed])
    assert with_head.topics == linear.topics
    assert with_head.topics[0].code == "16000000"


def test_shipped_head_reads_a_phone_launch_as_technology() -> None:
    head = topic_head()
    assert head is not None
    text = ("Samsung unveils a foldable smartphone with a faster processor",
            "The handset has a larger screen, a new camera sensor and software updates for five years. The company "
            "said the phone will go on sale next month, with a cheaper model for mobile networks in Asia.")
    tokens = topics_module.topic_model().read(*text, "en")[2]
    logits = head.logits("en", tokens)
    assert logits is not None
    assert CODES[int(np.argmax(logits))] == TECH


def write_head(path: Path, codes: list[str], digest: str, gate: float = 1.0) -> None:
    np.savez(path, codes=np.array(codes), meta=np.array(json.dumps({"mix": {"en": 0.5}, "gate": {"en": gate}})),
             vectors_digest_en=np.array(digest), centre_en=np.zeros(128, np.float32),
             scale_en=np.array(1.0, np.float32), weights_en=np.zeros((128, len(CODES)), np.float32),
             bias_en=np.zeros(len(CODES), np.float32), sif_en=np.ones(1, np.float32))


def test_load_head_refuses_files_that_do_not_fit(tmp_path: Path) -> None:
    other_codes = tmp_path / "codes.npz"
    write_head(other_codes, CODES[:-1], "x")
    with pytest.raises(TopicHeadError, match="other topic codes"):
        load_head(other_codes)
    other_table = tmp_path / "table.npz"
    write_head(other_table, CODES, "not-the-shipped-table")
    with pytest.raises(TopicHeadError, match="another en vectors table"):
        load_head(other_table)
    closed_gate = tmp_path / "gate.npz"
    write_head(closed_gate, CODES, "x", gate=0.0)
    with pytest.raises(TopicHeadError, match=r"gate 0\.0 is not in"):
        load_head(closed_gate)


def test_fit_softmax_separates_labelled_vectors() -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(3, 8))
    labels = np.repeat(np.arange(3), 20)
    means = (centres[labels] + 0.1 * rng.normal(size=(60, 8))).astype(np.float32)
    centre, scale, x = train_topic_head.standardise(means)
    assert centre.shape == (8,) and scale > 0
    assert np.isclose(np.linalg.norm(x, axis=1).mean(), 1.0)
    weights, bias = train_topic_head.fit_softmax(x, labels, 3, steps=300)
    assert ((x @ weights + bias).argmax(axis=1) == labels).all()
