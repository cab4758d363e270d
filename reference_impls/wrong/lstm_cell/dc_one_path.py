"""Wrong: the gradient into c' ignores dc' from the next step (only the path through h')."""

from reference_impls.numpy import lstm as _ref
from reference_impls.numpy.lstm import lstm_cell  # noqa: F401 - right

EXPECTED_HINT = "the gradient reaching c' has two paths"


def lstm_cell_backward(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh):
    return _ref.lstm_cell_backward(dh_new, 0 * dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh)
