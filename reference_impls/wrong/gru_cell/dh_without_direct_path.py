"""Wrong: dh only through the gates' matmuls; the direct path of h' = ... + z * h (dh' * z) is missing."""

import numpy as np

from reference_impls.numpy.gru import _gates, gru_cell  # noqa: F401 - right

EXPECTED_HINT = "h' = (1 - z) * n + z * h also reaches h directly"


def gru_cell_backward(dh_new, x, h, W_ih, W_hh, b_ih, b_hh):
    r, z, n, ghn = _gates(x, h, W_ih, W_hh, b_ih, b_hh)
    da_n = dh_new * (1 - z) * (1 - n * n)
    da_r, da_z = da_n * ghn * r * (1 - r), dh_new * (h - n) * z * (1 - z)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, da_n * r], axis=1)
    dh = dgh @ W_hh  # the mistake: + dh_new * z is missing
    return dgi @ W_ih, dh, dgi.T @ x, dgh.T @ h, dgi.sum(0), dgh.sum(0)
