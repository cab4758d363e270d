"""Wrong: the n gate's hidden-side gradient misses the factor r."""

import numpy as np

from reference_impls.numpy.gru import _gates, gru_cell  # noqa: F401 - right

EXPECTED_HINT = "the hidden-side gradient of the n gate is r * da_n"


def gru_cell_backward(dh_new, x, h, W_ih, W_hh, b_ih, b_hh):
    r, z, n, ghn = _gates(x, h, W_ih, W_hh, b_ih, b_hh)
    da_n = dh_new * (1 - z) * (1 - n * n)
    da_r = da_n * ghn * r * (1 - r)
    da_z = dh_new * (h - n) * z * (1 - z)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)
    dgh = np.concatenate([da_r, da_z, da_n], axis=1)  # should be da_n * r
    dh = dgh @ W_hh + dh_new * z
    return dgi @ W_ih, dh, dgi.T @ x, dgh.T @ h, dgi.sum(0), dgh.sum(0)
