"""An LSTM cell, forward and backward, in NumPy, with PyTorch's weight layout and gate order.

    gates = x W_ih^T + b_ih + h W_hh^T + b_hh          # (N, 4H), split in order i, f, g, o
    i = sigmoid(gates[:, 0:H])      input gate          W_ih: (4H, D), W_hh: (4H, H)
    f = sigmoid(gates[:, H:2H])     forget gate         b_ih, b_hh: (4H,)
    g = tanh(gates[:, 2H:3H])       candidate cell
    o = sigmoid(gates[:, 3H:4H])    output gate
    c' = f * c + i * g;   h' = o * tanh(c')
The cell state's path c -> c' is multiplied only by f (no squashing, no W): the "constant error
carousel" that lets gradients survive many steps. Backward, given dh' and dc' (from the next step):
    dc = dc' + dh' * o * (1 - tanh(c')^2);  do = dh' * tanh(c');  di = dc * g;  dg = dc * i
    df = dc * c;  dc_prev = dc * f;  then through each gate's nonlinearity into d gates (N, 4H)
    dx = dgates W_ih;  dh_prev = dgates W_hh;  dW_ih = dgates^T x;  dW_hh = dgates^T h

Source: Hochreiter & Schmidhuber 1997; Gers et al. 2000 (forget gate); torch.nn.LSTMCell.
Limits: no peepholes, no projection (proj_size).
"""

import numpy as np

from reference_impls.numpy.activations import sigmoid


def lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Returns (h_new, c_new), each (N, H)."""
    H = h.shape[1]
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh  # (N, 4H)
    i, f = sigmoid(gates[:, :H]), sigmoid(gates[:, H : 2 * H])
    g, o = np.tanh(gates[:, 2 * H : 3 * H]), sigmoid(gates[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new


def lstm_cell_backward(dh_new, dc_new, x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Returns (dx, dh, dc, dW_ih, dW_hh, db_ih, db_hh) for one step (recomputes the gates)."""
    H = h.shape[1]
    gates = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f = sigmoid(gates[:, :H]), sigmoid(gates[:, H : 2 * H])
    g, o = np.tanh(gates[:, 2 * H : 3 * H]), sigmoid(gates[:, 3 * H :])
    tc = np.tanh(f * c + i * g)
    dc = dc_new + dh_new * o * (1 - tc * tc)  # both paths into c'
    dgates = np.concatenate(
        [dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g), dh_new * tc * o * (1 - o)], axis=1
    )  # (N, 4H), in the order i, f, g, o
    db = dgates.sum(0)
    return dgates @ W_ih, dgates @ W_hh, dc * f, dgates.T @ x, dgates.T @ h, db, db.copy()
