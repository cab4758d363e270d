"""Correct, cs231n's conv_forward_strides style: the windows as a 6-D view by
np.lib.stride_tricks.as_strided (no copy), one grouped einsum over them; the backward contracts the same view
for dw and scatters the window gradients back kernel offset by kernel offset (col2im)."""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def output_size(h, k, stride=1, padding=0, dilation=1):
    return (h + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def _windows(xp, kh, kw, sh, sw, dh, dw, ho, wo):
    N, C, H, W = xp.shape
    s0, s1, s2, s3 = xp.strides
    shape = (N, C, ho, wo, kh, kw)
    strides = (s0, s1, s2 * sh, s3 * sw, s2 * dh, s3 * dw)
    return as_strided(xp, shape=shape, strides=strides, writeable=False)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    ho, wo = output_size(H, KH, sh, ph, dh), output_size(W, KW, sw, pw, dw)
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))))
    cols = _windows(xp, KH, KW, sh, sw, dh, dw, ho, wo)  # (N, C, ho, wo, KH, KW)
    cols = cols.reshape(N, groups, Cg, ho, wo, KH, KW)
    wg = w.reshape(groups, F // groups, Cg, KH, KW)
    out = np.einsum("ngchwpq,gfcpq->ngfhw", cols, wg).reshape(N, F, ho, wo)
    if b is not None:
        out = out + b[None, :, None, None]
    return out.astype(x.dtype)


def conv2d_backward(dout, x, w, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw_) = _pair(stride), _pair(padding), _pair(dilation)
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    ho, wo = dout.shape[2], dout.shape[3]
    xp = np.ascontiguousarray(np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))))
    cols = _windows(xp, KH, KW, sh, sw, dh, dw_, ho, wo).reshape(N, groups, Cg, ho, wo, KH, KW)
    dg = dout.reshape(N, groups, F // groups, ho, wo)
    dw = np.einsum("ngfhw,ngchwpq->gfcpq", dg, cols).reshape(w.shape)
    db = dout.sum(axis=(0, 2, 3))
    wg = w.reshape(groups, F // groups, Cg, KH, KW)
    dcols = np.einsum("ngfhw,gfcpq->ngchwpq", dg, wg).reshape(N, C, ho, wo, KH, KW)
    dxp = np.zeros_like(xp)
    for p in range(KH):
        for q in range(KW):
            rows = slice(p * dh, p * dh + sh * (ho - 1) + 1, sh)
            cols_ = slice(q * dw_, q * dw_ + sw * (wo - 1) + 1, sw)
            dxp[:, :, rows, cols_] += dcols[:, :, :, :, p, q]
    dx = dxp[:, :, ph : ph + H, pw : pw + W]
    return dx.astype(x.dtype), dw.astype(x.dtype), db.astype(x.dtype)
