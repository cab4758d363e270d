"""Wrong: the derivative of tanh(c') on the h' path taken as 1 - c'^2 (of tanh's input), not 1 - tanh(c')^2."""

import numpy as np

from reference_impls.numpy.activations import sigmoid
from reference_impls.numpy.lstm import lstm_cell  # noqa: F401 - right

EXPECTED_HINT = "1 - tanh(c')^2"


def lstm_cell_backward(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f = sigmoid(gates[:, :H]), sigmoid(gates[:, H : 2 * H])
    g, o = np.tanh(gates[:, 2 * H : 3 * H]), sigmoid(gates[:, 3 * H :])
    c_new = f * c + i * g
    tc = np.tanh(c_new)
    dc = dc_new + dh_new * o * (1 - c_new * c_new)  # the mistake: 1 - c'^2, not 1 - tanh(c')^2
    dgates = np.concatenate(
        [dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g), dh_new * tc * o * (1 - o)], axis=1
    )
    db = dgates.sum(0)
    return dgates @ W_ih, dgates @ W_hh, dc * f, dgates.T @ x, dgates.T @ h, db, db.copy()
