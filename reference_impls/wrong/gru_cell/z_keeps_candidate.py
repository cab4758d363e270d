"""Wrong: h' = z * n + (1 - z) * h, the update gate's roles swapped (some texts write it this way; PyTorch does not)."""

from reference_impls.numpy.gru import _gates, gru_cell_backward  # noqa: F401 - right

EXPECTED_HINT = "z keeps the OLD state"


def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    _, z, n, _ = _gates(x, h, W_ih, W_hh, b_ih, b_hh)
    return z * n + (1 - z) * h  # the mistake: (1 - z) * n + z * h
