"""Wrong: treats the initial state as a constant and returns dh0 = 0 (it must carry the gradient out of step 0)."""

import numpy as np

from reference_impls.numpy import rnn as _ref
from reference_impls.numpy.rnn import rnn_cell, rnn_cell_backward, rnn_forward  # noqa: F401 - right

EXPECTED_HINT = "dh0 is the gradient flowing out of step 0"


def rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    dxs, _, *dparams = _ref.rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh)
    return (dxs, np.zeros_like(h0), *dparams)  # the mistake: dh0 dropped
