"""Wrong: BPTT that forgets the gradient flowing back from h_{t+1} into h_t."""

import numpy as np

from reference_impls.numpy.rnn import rnn_cell, rnn_cell_backward, rnn_forward  # noqa: F401 - right

EXPECTED_HINT = "BPTT drops the path through time"


def rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    hs = rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh)
    dxs, dW_ih, dW_hh = np.zeros_like(xs), np.zeros_like(W_ih), np.zeros_like(W_hh)
    db, dh0 = np.zeros_like(b_ih), np.zeros_like(h0)
    for t in reversed(range(len(xs))):
        dx, dh_prev, dwi, dwh, dbi, _ = rnn_cell_backward(dhs[t], xs[t], hs[t - 1] if t else h0, hs[t], W_ih, W_hh)
        dxs[t], dW_ih, dW_hh, db = dx, dW_ih + dwi, dW_hh + dwh, db + dbi
        if t == 0:
            dh0 = dh_prev
    return dxs, dh0, dW_ih, dW_hh, db, db.copy()
