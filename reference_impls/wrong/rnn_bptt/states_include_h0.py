"""Wrong: rnn_forward returns h0 as the first row, (T + 1, N, H), instead of the T new states."""

import numpy as np

from reference_impls.numpy.rnn import rnn_backward, rnn_cell, rnn_cell_backward  # noqa: F401 - right

EXPECTED_HINT = "hs holds h_1 .. h_T"


def rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh):
    hs = [h0]  # the mistake: h0 kept in the output
    for x in xs:
        hs.append(rnn_cell(x, hs[-1], W_ih, W_hh, b_ih, b_hh))
    return np.stack(hs)
