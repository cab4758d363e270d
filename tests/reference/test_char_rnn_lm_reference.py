"""The character-level RNN language model against torch.nn.Embedding + nn.RNN + nn.Linear and
F.cross_entropy; the dataset helpers on the Coriolanus excerpt; sampling against torch.multinomial's
inverse-CDF equivalent with the same uniforms."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.data import CHAR_LM_TEXT as TEXT_FILE
from reference_impls.numpy import char_rnn_lm as lm


def torch_model(V, E, H, seed, dtype=torch.float64):
    torch.manual_seed(seed)
    emb, rnn, head = torch.nn.Embedding(V, E), torch.nn.RNN(E, H, batch_first=True), torch.nn.Linear(H, V)
    for m in (emb, rnn, head):
        m.to(dtype)
    params = {
        "embedding": emb.weight,
        "W_ih": rnn.weight_ih_l0,
        "W_hh": rnn.weight_hh_l0,
        "b_ih": rnn.bias_ih_l0,
        "b_hh": rnn.bias_hh_l0,
        "W_hy": head.weight,
        "b_y": head.bias,
    }
    return emb, rnn, head, {k: v.detach().numpy().copy() for k, v in params.items()}


TEXT = TEXT_FILE.read_text(encoding="utf-8")


def test_dataset_on_the_shakespeare_excerpt():
    chars = lm.build_vocab(TEXT)
    assert len(chars) == 58 and chars == sorted(chars)
    ids = lm.encode(TEXT, chars)
    assert ids.dtype == np.int64 and lm.decode(ids, chars) == TEXT
    X, Y = lm.make_windows(ids, 16)
    assert X.shape == Y.shape == ((len(ids) - 1) // 16, 16)
    np.testing.assert_array_equal(X.reshape(-1)[1:], Y.reshape(-1)[:-1])  # Y is X shifted by one
    train, val = lm.train_val_split(ids, 0.1)
    assert len(train) == int(len(ids) * 0.9) and np.array_equal(np.concatenate([train, val]), ids)
    assert lm.make_windows(ids[:5], 8)[0].shape == (0, 8)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("B, T, with_h0", [(3, 7, False), (1, 1, True), (4, 12, True)])
def test_forward_loss_perplexity_match_torch(B, T, with_h0, dtype):
    V, E, H = 11, 5, 8
    emb, rnn, head, params = torch_model(V, E, H, seed=B * 10 + T, dtype=dtype)
    rng = np.random.default_rng(T)
    X, Y = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    h0 = rng.standard_normal((B, H)).astype(params["W_hh"].dtype) * 0.5 if with_h0 else None
    out, hT = rnn(emb(torch.from_numpy(X)), None if h0 is None else torch.from_numpy(h0)[None])
    logits_t = head(out)
    logits, h = lm.rnn_lm_forward(X, params, h0)
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == torch.float32 else {"rtol": 1e-11, "atol": 1e-12}
    np.testing.assert_allclose(logits, logits_t.detach().numpy(), **tol)
    np.testing.assert_allclose(h, hT[0].detach().numpy(), **tol)
    ce = F.cross_entropy(logits_t.reshape(-1, V), torch.from_numpy(Y).reshape(-1))
    np.testing.assert_allclose(lm.lm_loss(logits, Y), ce.item(), **tol)
    np.testing.assert_allclose(lm.perplexity(logits, Y), np.exp(ce.item()), **tol)


def test_uniform_logits_have_perplexity_V():
    assert np.isclose(lm.perplexity(np.zeros((2, 3, 58)), np.zeros((2, 3), dtype=int)), 58.0)


@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0])
def test_sampling_matches_torch_inverse_cdf(temperature):
    V, E, H = 9, 4, 6
    emb, rnn, head, params = torch_model(V, E, H, seed=1)
    ids = lm.sample(params, 3, 25, temperature, np.random.default_rng(7))
    uniforms, x, h, want = np.random.default_rng(7), torch.tensor([[3]]), None, []
    with torch.no_grad():
        for _ in range(25):
            out, h = rnn(emb(x), h)
            p = torch.softmax(head(out[0, -1]) / temperature, dim=-1)
            nxt = min(
                int(torch.searchsorted(torch.cumsum(p, 0), torch.tensor(uniforms.random(), dtype=p.dtype), right=True)),
                V - 1,
            )
            want.append(nxt)
            x = torch.tensor([[nxt]])
    np.testing.assert_array_equal(ids, want)
    assert ids.dtype == np.int64
