"""A vanilla (Elman) RNN: the cell, the sequence, and backpropagation through time, in NumPy.

    h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)      x_t: (N, D), h_t: (N, H)
    W_ih: (H, D), W_hh: (H, H), b_ih, b_hh: (H,)                 torch.nn.RNNCell's layout
BPTT: the loss reaches h_t directly (dhs[t], e.g. from an output layer at every step) and
through h_{t+1}; walking backwards in time:
    dh    = dhs[t] + dh_next                    # both paths into h_t
    da    = dh * (1 - h_t^2)                    # through tanh
    dW_ih += da^T x_t,  dW_hh += da^T h_{t-1},  db += sum_n da
    dh_next = da W_hh                           # to h_{t-1}
dh_next is multiplied by W_hh^T diag(1 - h^2) once per step: over long sequences it shrinks
or grows geometrically (vanishing / exploding gradients), hence LSTM / GRU and clipping.

Source: Elman 1990; Werbos 1990 (BPTT); torch.nn.RNNCell / nn.RNN(nonlinearity='tanh').
Limits: one layer, one direction, tanh; full (untruncated) BPTT over the given sequence.
"""

import numpy as np


def rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)  # (N, H)


def rnn_cell_backward(dh_new, x, h, h_new, W_ih, W_hh):
    """Returns (dx, dh, dW_ih, dW_hh, db_ih, db_hh) for one step; h_new is the cell's output."""
    da = dh_new * (1 - h_new * h_new)  # (N, H)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h, da.sum(0), da.sum(0)


def rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh):
    """xs: (T, N, D), h0: (N, H) -> hs: (T, N, H), every hidden state."""
    hs, h = [], h0
    for x in xs:
        h = rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh)
        hs.append(h)
    return np.stack(hs) if hs else np.zeros((0,) + h0.shape, h0.dtype)


def rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    """BPTT. dhs: (T, N, H) gradient of the loss w.r.t. every h_t.
    Returns (dxs, dh0, dW_ih, dW_hh, db_ih, db_hh)."""
    hs = rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh)
    dxs = np.zeros_like(xs)
    dW_ih, dW_hh = np.zeros_like(W_ih), np.zeros_like(W_hh)
    db_ih, db_hh = np.zeros_like(b_ih), np.zeros_like(b_hh)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(len(xs))):
        h_prev = hs[t - 1] if t > 0 else h0
        dx, dh_next, dwi, dwh, dbi, dbh = rnn_cell_backward(dhs[t] + dh_next, xs[t], h_prev, hs[t], W_ih, W_hh)
        dxs[t] = dx
        dW_ih += dwi
        dW_hh += dwh
        db_ih += dbi
        db_hh += dbh
    return dxs, dh_next, dW_ih, dW_hh, db_ih, db_hh
