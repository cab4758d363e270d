"""Wrong: tanh's derivative taken from the previous hidden state h instead of the cell's output."""

import numpy as np

from reference_impls.numpy.rnn import rnn_cell, rnn_forward  # noqa: F401 - right

EXPECTED_HINT = "tanh's derivative is 1 - h_new^2"


def rnn_cell_backward(dh_new, x, h, h_new, W_ih, W_hh):
    da = dh_new * (1 - h * h)
    return da @ W_ih, da @ W_hh, da.T @ x, da.T @ h, da.sum(0), da.sum(0)


def rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    hs = rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh)
    dxs = np.zeros_like(xs)
    dW_ih, dW_hh, db, dh_next = np.zeros_like(W_ih), np.zeros_like(W_hh), np.zeros_like(b_ih), np.zeros_like(h0)
    for t in reversed(range(len(xs))):
        dx, dh_next, dwi, dwh, dbi, _ = rnn_cell_backward(
            dhs[t] + dh_next, xs[t], hs[t - 1] if t else h0, hs[t], W_ih, W_hh
        )
        dxs[t], dW_ih, dW_hh, db = dx, dW_ih + dwi, dW_hh + dwh, db + dbi
    return dxs, dh_next, dW_ih, dW_hh, db, db.copy()
