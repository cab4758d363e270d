"""Wrong: the gradient to the previous cell state is the total dc, without the forget gate (dc * f)."""

from reference_impls.numpy import lstm as _ref
from reference_impls.numpy.activations import sigmoid
from reference_impls.numpy.lstm import lstm_cell  # noqa: F401 - right

EXPECTED_HINT = "c' = f * c + ...: the gradient to the previous cell state is dc * f"


def lstm_cell_backward(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh):
    dx, dh, dc_prev, dwi, dwh, dbi, dbh = _ref.lstm_cell_backward(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh)
    H = h.shape[1]
    f = sigmoid((x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)[:, H : 2 * H])
    return dx, dh, dc_prev / f, dwi, dwh, dbi, dbh  # the mistake: returns dc, not dc * f
