"""A GRU cell, forward and backward, in NumPy, with PyTorch's weight layout and gate order.

    gi = x W_ih^T + b_ih;  gh = h W_hh^T + b_hh          # (N, 3H) each, split in order r, z, n
    r = sigmoid(gi_r + gh_r)                reset gate
    z = sigmoid(gi_z + gh_z)                update gate
    n = tanh(gi_n + r * gh_n)               candidate; r gates the hidden part INCLUDING b_hn
    h' = (1 - z) * n + z * h
Note PyTorch applies r after the hidden matmul (r * (W_hn h + b_hn)); the original paper
(Cho et al. 2014) uses W_hn (r * h). The two are different functions: copy PyTorch's to match it.
Parameters: 3 (H D + H H + 2 H) against the LSTM's 4 (...): a GRU is 3/4 the size.

Source: Cho et al. 2014 (arXiv:1406.1078); torch.nn.GRUCell. Limits: a single cell.
"""

import numpy as np

from reference_impls.numpy.activations import sigmoid


def _gates(x, h, W_ih, W_hh, b_ih, b_hh):
    H = h.shape[1]
    gi, gh = x @ W_ih.T + b_ih, h @ W_hh.T + b_hh  # (N, 3H) each
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H : 2 * H] + gh[:, H : 2 * H])
    n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
    return r, z, n, gh[:, 2 * H :]


def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    _, z, n, _ = _gates(x, h, W_ih, W_hh, b_ih, b_hh)
    return (1 - z) * n + z * h  # (N, H)


def gru_cell_backward(dh_new, x, h, W_ih, W_hh, b_ih, b_hh):
    """Returns (dx, dh, dW_ih, dW_hh, db_ih, db_hh) for one step."""
    r, z, n, ghn = _gates(x, h, W_ih, W_hh, b_ih, b_hh)
    dn = dh_new * (1 - z)
    dz = dh_new * (h - n)
    da_n = dn * (1 - n * n)  # pre-activation of n
    dr = da_n * ghn
    da_r, da_z = dr * r * (1 - r), dz * z * (1 - z)
    dgi = np.concatenate([da_r, da_z, da_n], axis=1)  # (N, 3H): d(x W_ih^T + b_ih)
    dgh = np.concatenate([da_r, da_z, da_n * r], axis=1)  # (N, 3H): d(h W_hh^T + b_hh)
    dh = dgh @ W_hh + dh_new * z
    return dgi @ W_ih, dh, dgi.T @ x, dgh.T @ h, dgi.sum(0), dgh.sum(0)
