"""Wrong: min-char-rnn has one bias bh; adapted to two biases, db_hh is left at zero (it gets da.sum(0) too)."""

import numpy as np

from reference_impls.numpy import rnn as _ref
from reference_impls.numpy.rnn import rnn_cell, rnn_forward  # noqa: F401 - right

EXPECTED_HINT = "b_ih and b_hh are added to the same pre-activation"


def rnn_cell_backward(dh_new, x, h, h_new, W_ih, W_hh):
    dx, dh, dwi, dwh, dbi, dbh = _ref.rnn_cell_backward(dh_new, x, h, h_new, W_ih, W_hh)
    return dx, dh, dwi, dwh, dbi, np.zeros_like(dbh)  # the mistake: db_hh = 0


def rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh):
    *grads, db_hh = _ref.rnn_backward(dhs, xs, h0, W_ih, W_hh, b_ih, b_hh)
    return (*grads, np.zeros_like(db_hh))  # the mistake: db_hh = 0
