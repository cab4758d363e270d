"""Wrong: the update gate's gradient taken as dh' * (n - h); from h' = (1 - z) * n + z * h it is dh' * (h - n)."""

import numpy as np

from reference_impls.numpy.gru import _gates, gru_cell  # noqa: F401 - right

EXPECTED_HINT = "dz = dh' * (h - n)"


def gru_cell_backward(dh_new, x, h, W_ih, W_hh, b_ih, b_hh):
    r, z, n, ghn = _gates(x, h, W_ih, W_hh, b_ih, b_hh)
    da_n = dh_new * (1 - z) * (1 - n * n)
    dz = dh_new * (n - h)  # the mistake: the sign of d h'/dz
    da_r, da_z = da_n * ghn * r * (1 - r), dz * z * (1 - z)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, da_n * r], axis=1)
    dh = dgh @ W_hh + dh_new * z
    return dgi @ W_ih, dh, dgi.T @ x, dgh.T @ h, dgi.sum(0), dgh.sum(0)
