"""Correct, in the style of cs231n's rnn_layers.py (lstm_step_forward / lstm_step_backward): the forward
keeps a cache of every intermediate and the backward reads it, with cs231n's numerically stable sigmoid.
Adapted to the task's contract: cs231n's Wx (D, 4H) and Wh (H, 4H) are our W_ih^T and W_hh^T, its gate
order i, f, o, g becomes PyTorch's i, f, g, o, and the two biases b_ih, b_hh replace its single b."""

import numpy as np


def _sigmoid(x):
    pos = x >= 0
    z = np.where(pos, np.exp(-np.where(pos, x, 0)), np.exp(np.where(pos, 0, x)))
    return np.where(pos, 1 / (1 + z), z / (1 + z))


def _step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    ai, af, ag, ao = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
    i, f, o, g = _sigmoid(ai), _sigmoid(af), _sigmoid(ao), np.tanh(ag)
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)
    return next_h, next_c, cache


def _step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    dnext_c = dnext_c + dnext_h * o * (1 - tanh_c**2)
    do = dnext_h * tanh_c
    df = dnext_c * prev_c
    di = dnext_c * g
    dg = dnext_c * i
    dprev_c = dnext_c * f
    dai, daf, dao = di * i * (1 - i), df * f * (1 - f), do * o * (1 - o)
    dag = dg * (1 - g**2)
    da = np.hstack((dai, daf, dag, dao))
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    next_h, next_c, _ = _step_forward(x, h, c, W_ih.T, W_hh.T, b_ih + b_hh)
    return next_h, next_c


def lstm_cell_backward(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh):
    _, _, cache = _step_forward(x, h, c, W_ih.T, W_hh.T, b_ih + b_hh)
    dx, dh, dc, dWx, dWh, db = _step_backward(dh_new, dc_new, cache)
    return dx, dh, dc, dWx.T, dWh.T, db, db.copy()
