"""Wrong: reads the gates in the order i, f, o, g (a common textbook order), not PyTorch's i, f, g, o."""

import numpy as np

from reference_impls.numpy import lstm as _ref

EXPECTED_HINT = "PyTorch's gate order is i, f, g, o"


def _swap(w):
    i, f, g, o = np.split(w, 4)
    return np.concatenate([i, f, o, g])


def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return _ref.lstm_cell(x, h, c, _swap(W_ih), _swap(W_hh), _swap(b_ih), _swap(b_hh))


def lstm_cell_backward(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh):
    dx, dh, dc, dwi, dwh, dbi, dbh = _ref.lstm_cell_backward(
        dh_new, dc_new, x, h, c, _swap(W_ih), _swap(W_hh), _swap(b_ih), _swap(b_hh)
    )
    return dx, dh, dc, _swap(dwi), _swap(dwh), _swap(dbi), _swap(dbh)
