"""Correct, in the style of Karpathy's min-char-rnn.py: column vectors (h = tanh(Wxh @ x + Whh @ h + bh)),
dictionaries of states keyed by time with hs[-1] the initial state, and a backward loop that carries
dhnext and computes dhraw = (1 - hs[t] * hs[t]) * dh. Adapted to the task's contract: a batch is a matrix
of N columns, the given rows-major (T, N, D) arrays are transposed in and out, there are two biases (each
gets the same gradient), and the gradients are returned unclipped (min-char-rnn clips them to [-5, 5]
before its Adagrad step, which is training, not the gradient)."""

import numpy as np


def _states(xs, h0, W_ih, W_hh, b_ih, b_hh):
    hs = {-1: h0.T}  # (H, N) columns
    bh = (b_ih + b_hh)[:, None]
    for t in range(len(xs)):
        hs[t] = np.tanh(W_ih @ xs[t].T + W_hh @ hs[t - 1] + bh)
    return hs


def rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(W_ih @ x.T + W_hh @ h.T + (b_ih + b_hh)[:, None]).T


def rnn_cell_backward(dh_new, x, h, h_new, W_ih, W_hh):
    dhraw = ((1 - h_new * h_new) * dh_new).T  # (H, N)
    dbh = np.sum(dhraw, axis=1)
    return (W_ih.T @ dhraw).T, (W_hh.T @ dhraw).T, dhraw @ x, dhraw @ h, dbh, dbh.copy()


def rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh):
    hs = _states(xs, h0, W_ih, W_hh, b_ih, b_hh)
    out = np.empty((len(xs),) + h0.shape, dtype=np.result_type(xs, h0))
    for t in range(len(xs)):
        out[t] = hs[t].T
    return out


def rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    hs = _states(xs, h0, W_ih, W_hh, b_ih, b_hh)
    dWxh, dWhh, dbh = np.zeros_like(W_ih), np.zeros_like(W_hh), np.zeros_like(b_ih)[:, None]
    dxs = np.zeros_like(xs)
    dhnext = np.zeros_like(hs[-1])
    for t in reversed(range(len(xs))):
        dh = dhs[t].T + dhnext  # backprop into h
        dhraw = (1 - hs[t] * hs[t]) * dh  # backprop through tanh
        dbh += np.sum(dhraw, axis=1, keepdims=True)
        dWxh += dhraw @ xs[t]
        dWhh += dhraw @ hs[t - 1].T
        dxs[t] = (W_ih.T @ dhraw).T
        dhnext = W_hh.T @ dhraw
    return dxs, dhnext.T, dWxh, dWhh, dbh[:, 0], dbh[:, 0].copy()
