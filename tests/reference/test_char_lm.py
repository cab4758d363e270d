"""The character-level GPT: the shipped text, causality, batches, and the milestone: a second of training
gets the validation loss under the threshold, which a bigram model (counted exactly) cannot reach."""

import hashlib
import math

import pytest
import torch

from reference_impls.torch.char_lm import (
    DATA,
    THRESHOLD,
    CharLM,
    CharLMConfig,
    build_vocab,
    decode,
    encode,
    estimate_loss,
    get_batch,
    train_char_lm,
)

TEXT = DATA.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def one_thread():
    """As `learn verify` runs it: tiny matmuls, where a second thread only adds synchronization."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_the_shipped_text():
    assert len(TEXT) == 31742 and len(build_vocab(TEXT)) == 58
    assert hashlib.sha256(TEXT.encode()).hexdigest().startswith("2d9f15c52ff3588f")
    assert TEXT.startswith("First Citizen:\nBefore we proceed any further, hear me speak.")


def test_encode_decode_round_trip_and_batches():
    chars = build_vocab(TEXT)
    data = encode(TEXT[:500], chars)
    assert decode(data, chars) == TEXT[:500]
    x, y = get_batch(data, 8, 4, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 8)
    assert torch.equal(x[:, 1:], y[:, :-1])  # y is x shifted by one: the next character


def test_a_position_never_sees_the_future():
    torch.manual_seed(0)
    model = CharLM(CharLMConfig())
    idx = torch.randint(0, 58, (2, 16))
    changed = idx.clone()
    changed[:, 9] = (changed[:, 9] + 1) % 58
    a, b = model(idx)[0], model(changed)[0]
    torch.testing.assert_close(a[:, :9], b[:, :9], rtol=0, atol=0)
    assert not torch.allclose(a[:, 9:], b[:, 9:])


def test_the_milestone_and_that_it_needs_context():
    chars = build_vocab(TEXT)
    data = encode(TEXT, chars)
    n = int(0.9 * len(data))
    model = train_char_lm(TEXT)
    assert estimate_loss(model, data[n:]) < THRESHOLD
    # The best bigram model of the training text (counts, add-one smoothing) on the validation text:
    counts = torch.ones(len(chars), len(chars))
    counts.index_put_((data[: n - 1], data[1:n]), torch.ones(n - 1), accumulate=True)
    logp = (counts / counts.sum(1, keepdim=True)).log()
    bigram = -logp[data[n:-1], data[n + 1 :]].mean().item()
    assert THRESHOLD < bigram < math.log(len(chars))
