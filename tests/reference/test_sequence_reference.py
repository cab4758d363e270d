"""RNN / LSTM / GRU cells and BPTT against torch.nn.RNNCell / LSTMCell / GRUCell with copied
weights (PyTorch's gate order), gradients against autograd; gradient clipping against
torch.nn.utils."""

import numpy as np
import pytest
import torch

from reference_impls.numpy import grad_clip, gru, lstm, rnn

TOL = {np.float32: {"rtol": 1e-4, "atol": 1e-5}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}
DTYPES = [np.float32, np.float64]
SIZES = [(1, 1, 1), (4, 3, 5), (2, 8, 6)]  # (N, D, H)


def cell_with_weights(cls, d, h, dtype, seed):
    torch.manual_seed(seed)
    cell = cls(d, h, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    return cell, [p.detach().numpy().copy() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]


def param_grads(cell):
    return [p.grad.numpy() for p in (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, d, h", SIZES)
def test_rnn_cell(n, d, h, dtype):
    rng = np.random.default_rng(n + d + h)
    cell, W = cell_with_weights(torch.nn.RNNCell, d, h, dtype, 0)
    x, h0, dh = (rng.standard_normal(s).astype(dtype) for s in ((n, d), (n, h), (n, h)))
    tx, th = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)
    out = cell(tx, th)
    out.backward(torch.tensor(dh))
    h_new = rnn.rnn_cell(x, h0, *W)
    np.testing.assert_allclose(h_new, out.detach().numpy(), **TOL[dtype])
    got = rnn.rnn_cell_backward(dh, x, h0, h_new, W[0], W[1])
    for g, w in zip(got, [tx.grad.numpy(), th.grad.numpy()] + param_grads(cell)):
        np.testing.assert_allclose(g, w, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, d, h", SIZES)
def test_lstm_cell(n, d, h, dtype):
    rng = np.random.default_rng(n + d + h)
    cell, W = cell_with_weights(torch.nn.LSTMCell, d, h, dtype, 1)
    x, h0, c0, dh, dc = (rng.standard_normal(s).astype(dtype) for s in ((n, d), (n, h), (n, h), (n, h), (n, h)))
    tx, th, tc = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
    ho, co = cell(tx, (th, tc))
    torch.autograd.backward([ho, co], [torch.tensor(dh), torch.tensor(dc)])
    h1, c1 = lstm.lstm_cell(x, h0, c0, *W)
    np.testing.assert_allclose(h1, ho.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(c1, co.detach().numpy(), **TOL[dtype])
    got = lstm.lstm_cell_backward(dh, dc, x, h0, c0, *W)
    for g, w in zip(got, [tx.grad.numpy(), th.grad.numpy(), tc.grad.numpy()] + param_grads(cell)):
        np.testing.assert_allclose(g, w, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, d, h", SIZES)
def test_gru_cell(n, d, h, dtype):
    rng = np.random.default_rng(n + d + h)
    cell, W = cell_with_weights(torch.nn.GRUCell, d, h, dtype, 2)
    x, h0, dh = (rng.standard_normal(s).astype(dtype) for s in ((n, d), (n, h), (n, h)))
    tx, th = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)
    out = cell(tx, th)
    out.backward(torch.tensor(dh))
    np.testing.assert_allclose(gru.gru_cell(x, h0, *W), out.detach().numpy(), **TOL[dtype])
    got = gru.gru_cell_backward(dh, x, h0, *W)
    for g, w in zip(got, [tx.grad.numpy(), th.grad.numpy()] + param_grads(cell)):
        np.testing.assert_allclose(g, w, **TOL[dtype])


def test_gate_order_matters_and_param_counts():
    cell, W = cell_with_weights(torch.nn.LSTMCell, 3, 4, np.float64, 3)
    x, h, c = np.ones((1, 3)), np.zeros((1, 4)), np.ones((1, 4))
    swapped = [np.concatenate(np.split(w, 4)[::-1]) for w in W]  # o, g, f, i instead of i, f, g, o
    assert not np.allclose(lstm.lstm_cell(x, h, c, *swapped)[0], lstm.lstm_cell(x, h, c, *W)[0])
    n_lstm = sum(p.numel() for p in torch.nn.LSTMCell(10, 20).parameters())
    n_gru = sum(p.numel() for p in torch.nn.GRUCell(10, 20).parameters())
    assert (n_lstm, n_gru) == (4 * (20 * 10 + 20 * 20 + 2 * 20), 3 * (20 * 10 + 20 * 20 + 2 * 20))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t, n, d, h", [(1, 2, 3, 4), (5, 3, 2, 6), (12, 1, 4, 3)])
def test_bptt_matches_autograd(t, n, d, h, dtype):
    rng = np.random.default_rng(t)
    rnn_t = torch.nn.RNN(d, h, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    W = [
        p.detach().numpy().copy() for p in (rnn_t.weight_ih_l0, rnn_t.weight_hh_l0, rnn_t.bias_ih_l0, rnn_t.bias_hh_l0)
    ]
    xs, h0, dhs = (rng.standard_normal(s).astype(dtype) for s in ((t, n, d), (n, h), (t, n, h)))
    txs, th0 = torch.tensor(xs, requires_grad=True), torch.tensor(h0[None], requires_grad=True)
    out, _ = rnn_t(txs, th0)  # (T, N, H): every hidden state
    out.backward(torch.tensor(dhs))  # a loss touching every step
    np.testing.assert_allclose(rnn.rnn_forward(xs, h0, *W), out.detach().numpy(), **TOL[dtype])
    want = [txs.grad.numpy(), th0.grad.numpy()[0]] + [
        p.grad.numpy() for p in (rnn_t.weight_ih_l0, rnn_t.weight_hh_l0, rnn_t.bias_ih_l0, rnn_t.bias_hh_l0)
    ]
    for g, w in zip(rnn.rnn_backward(dhs, xs, h0, *W), want):
        np.testing.assert_allclose(g, w, **TOL[dtype])


def test_bptt_last_step_loss_and_vanishing_gradient():
    # a many-to-one loss (only h_T): the gradient reaching x_1 shrinks with small recurrent weights
    rng = np.random.default_rng(0)
    T, n, d, h = 30, 1, 2, 4
    W = [rng.standard_normal((h, d)) * 0.5, rng.standard_normal((h, h)) * 0.1, np.zeros(h), np.zeros(h)]
    xs, h0 = rng.standard_normal((T, n, d)), np.zeros((n, h))
    dhs = np.zeros((T, n, h))
    dhs[-1] = 1.0
    dxs = rnn.rnn_backward(dhs, xs, h0, *W)[0]
    norms = np.linalg.norm(dxs.reshape(T, -1), axis=1)
    assert norms[0] < 1e-10 * norms[-1]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 100.0])
def test_clip_grad_norm_matches_torch(max_norm, dtype):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(dtype) for s in ((3, 4), (5,), (1,))]
    params = [torch.zeros(g.shape, dtype=torch.from_numpy(g).dtype, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm)
    clipped, ours = grad_clip.clip_grad_norm(grads, max_norm)
    assert ours == pytest.approx(total.item(), rel=1e-6)
    for c, p in zip(clipped, params):
        assert c.dtype == dtype
        np.testing.assert_allclose(c, p.grad.numpy(), **TOL[dtype])
    for p, g in zip(params, grads):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(params, 0.5)
    for c, p in zip(grad_clip.clip_grad_value(grads, 0.5), params):
        np.testing.assert_array_equal(c, p.grad.numpy())
