"""Wrong: every step starts from h0 again, so the RNN never remembers past characters."""

import numpy as np

from reference_impls.numpy.char_rnn_lm import *  # the rest is right

EXPECTED_HINT = "the hidden state is not carried over"


def rnn_lm_forward(X, params, h0=None):
    W_hh = params["W_hh"]
    start = np.zeros((X.shape[0], W_hh.shape[0]), W_hh.dtype) if h0 is None else h0
    logits = []
    for t in range(X.shape[1]):
        e = params["embedding"][X[:, t]]
        h = np.tanh(e @ params["W_ih"].T + params["b_ih"] + start @ W_hh.T + params["b_hh"])
        logits.append(h @ params["W_hy"].T + params["b_y"])
    return np.stack(logits, axis=1), h
