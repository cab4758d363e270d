"""Correct, in the style of d2l.ai's GRU from scratch (§10.2): one (W_x*, W_h*, b_*) triple per gate, named
reset / update / candidate, with matrices applied on the right (X @ W_xr). Adapted to the task's contract:
d2l's candidate tanh(X W_xh + (R * H) W_hh + b_h) is Cho et al.'s; here R multiplies the whole hidden
part, bias included (PyTorch's), and the fused (3H, .) weights are sliced into the per-gate ones."""

import numpy as np


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))  # the same function, without exp overflow


def _params(W_ih, W_hh, b_ih, b_hh):
    """Per-gate parameters in d2l's orientation: W_x* (D, H), W_h* (H, H)."""
    W_xr, W_xz, W_xh = np.split(W_ih.T, 3, axis=1)
    W_hr, W_hz, W_hh_ = np.split(W_hh.T, 3, axis=1)
    b_xr, b_xz, b_xh = np.split(b_ih, 3)
    b_hr, b_hz, b_hh_ = np.split(b_hh, 3)
    return (W_xr, W_hr, b_xr + b_hr), (W_xz, W_hz, b_xz + b_hz), (W_xh, W_hh_, b_xh, b_hh_)


def _forward(X, H, W_ih, W_hh, b_ih, b_hh):
    (W_xr, W_hr, b_r), (W_xz, W_hz, b_z), (W_xh, W_hh_, b_xh, b_hh_) = _params(W_ih, W_hh, b_ih, b_hh)
    R = _sigmoid(X @ W_xr + H @ W_hr + b_r)
    Z = _sigmoid(X @ W_xz + H @ W_hz + b_z)
    H_hidden = H @ W_hh_ + b_hh_  # the part R gates
    H_tilde = np.tanh(X @ W_xh + b_xh + R * H_hidden)
    H_new = Z * H + (1 - Z) * H_tilde
    return H_new, (R, Z, H_tilde, H_hidden)


def gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    return _forward(x, h, W_ih, W_hh, b_ih, b_hh)[0]


def gru_cell_backward(dh_new, x, h, W_ih, W_hh, b_ih, b_hh):
    _, (R, Z, H_tilde, H_hidden) = _forward(x, h, W_ih, W_hh, b_ih, b_hh)
    W_xr, W_xz, W_xh = np.split(W_ih.T, 3, axis=1)
    W_hr, W_hz, W_hh_ = np.split(W_hh.T, 3, axis=1)
    dH_tilde = dh_new * (1 - Z)
    dZ = dh_new * (h - H_tilde)
    dA_h = dH_tilde * (1 - H_tilde**2)  # before the candidate's tanh
    dH_hidden = dA_h * R
    dA_r = dA_h * H_hidden * R * (1 - R)
    dA_z = dZ * Z * (1 - Z)
    dx = dA_r @ W_xr.T + dA_z @ W_xz.T + dA_h @ W_xh.T
    dh = dh_new * Z + dA_r @ W_hr.T + dA_z @ W_hz.T + dH_hidden @ W_hh_.T
    dW_ih = np.concatenate([dA_r.T @ x, dA_z.T @ x, dA_h.T @ x])
    dW_hh = np.concatenate([dA_r.T @ h, dA_z.T @ h, dH_hidden.T @ h])
    db_ih = np.concatenate([dA_r.sum(0), dA_z.sum(0), dA_h.sum(0)])
    db_hh = np.concatenate([dA_r.sum(0), dA_z.sum(0), dH_hidden.sum(0)])
    return dx, dh, dW_ih, dW_hh, db_ih, db_hh
