"""Wrong: clips the weight gradients to [-5, 5] inside BPTT, as min-char-rnn does before its Adagrad step
(clipping belongs to the training step; the gradient itself is unclipped)."""

import numpy as np

from reference_impls.numpy import rnn as _ref
from reference_impls.numpy.rnn import rnn_cell, rnn_cell_backward, rnn_forward  # noqa: F401 - right

EXPECTED_HINT = "the weight gradients are clipped"


def rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    dxs, dh0, *dparams = _ref.rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh)
    for d in dparams:
        np.clip(d, -5, 5, out=d)  # the mistake: min-char-rnn's clip, inside the gradient
    return (dxs, dh0, *dparams)
