"""Correct, in the style of cs231n's fast_layers / im2col.py: index arrays (k, i, j) gather every receptive
field into a column matrix, the convolution is one matmul per group (w reshaped to (F, C*KH*KW)), and the
backward scatters the columns back with np.add.at (col2im). Extended with per-axis stride, padding,
dilation and groups; the bias is added last, cs231n's `out = w_row @ cols + b`."""

import numpy as np


def _two(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def output_size(h, k, stride=1, padding=0, dilation=1):
    span = dilation * (k - 1) + 1
    return int(np.floor((h + 2 * padding - span) / stride)) + 1


def _im2col_indices(C, KH, KW, HO, WO, stride, dilation):
    (sh, sw), (dh, dw) = stride, dilation
    i0 = np.tile(np.repeat(np.arange(KH) * dh, KW), C)
    j0 = np.tile(np.arange(KW) * dw, KH * C)
    i1 = sh * np.repeat(np.arange(HO), WO)
    j1 = sw * np.tile(np.arange(WO), HO)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(C), KH * KW).reshape(-1, 1)
    return k, i, j


def _setup(x, w, stride, padding, dilation):
    stride, padding, dilation = _two(stride), _two(padding), _two(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    HO = output_size(H, KH, stride[0], padding[0], dilation[0])
    WO = output_size(W, KW, stride[1], padding[1], dilation[1])
    ph, pw = padding
    x_padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    idx = _im2col_indices(C, KH, KW, HO, WO, stride, dilation)
    return x_padded, idx, (N, C, H, W, F, Cg, KH, KW, HO, WO, ph, pw)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    x_padded, (k, i, j), dims = _setup(x, w, stride, padding, dilation)
    N, C, H, W, F, Cg, KH, KW, HO, WO, _, _ = dims
    cols = x_padded[:, k, i, j]  # (N, C*KH*KW, HO*WO)
    Fg, rows = F // groups, Cg * KH * KW
    out = np.empty((N, F, HO * WO), dtype=np.result_type(x, w))
    for g in range(groups):
        w_row = w[g * Fg : (g + 1) * Fg].reshape(Fg, -1)
        out[:, g * Fg : (g + 1) * Fg] = np.matmul(w_row, cols[:, g * rows : (g + 1) * rows])
    out = out.reshape(N, F, HO, WO)
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out


def conv2d_backward(dout, x, w, stride=1, padding=0, dilation=1, groups=1):
    x_padded, (k, i, j), dims = _setup(x, w, stride, padding, dilation)
    N, C, H, W, F, Cg, KH, KW, HO, WO, ph, pw = dims
    cols = x_padded[:, k, i, j]
    dout_r = dout.reshape(N, F, HO * WO)
    Fg, rows = F // groups, Cg * KH * KW
    dw = np.empty_like(w)
    dcols = np.empty_like(cols)
    for g in range(groups):
        d_g = dout_r[:, g * Fg : (g + 1) * Fg]
        c_g = cols[:, g * rows : (g + 1) * rows]
        dw[g * Fg : (g + 1) * Fg] = np.einsum("nfp,nrp->fr", d_g, c_g).reshape(Fg, Cg, KH, KW)
        w_row = w[g * Fg : (g + 1) * Fg].reshape(Fg, -1)
        dcols[:, g * rows : (g + 1) * rows] = np.matmul(w_row.T, d_g)
    dx_padded = np.zeros_like(x_padded)
    np.add.at(dx_padded, (slice(None), k, i, j), dcols)  # col2im: overlapping fields add up
    dx = dx_padded[:, :, ph : ph + H, pw : pw + W]
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
