"""Correct: windows as an as_strided view, max by argmax over the flattened window (np.argmax keeps the first
maximum in row-major order, as torch), backward scattered with np.add.at."""

import numpy as np
from numpy.lib.stride_tricks import as_strided


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _windows(x, kernel, stride, padding, fill):
    (kh, kw), (ph, pw) = _pair(kernel), _pair(padding)
    sh, sw = _pair(kernel if stride is None else stride)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    xp = np.ascontiguousarray(xp)
    N, C, H, W = xp.shape
    ho, wo = (H - kh) // sh + 1, (W - kw) // sw + 1
    s = xp.strides
    view = as_strided(xp, (N, C, ho, wo, kh, kw), (s[0], s[1], s[2] * sh, s[3] * sw, s[2], s[3]), writeable=False)
    return view, (kh, kw, sh, sw, ph, pw, ho, wo)


def max_pool2d(x, kernel, stride=None, padding=0):
    view, _ = _windows(x, kernel, stride, padding, -np.inf)
    return view.max(axis=(4, 5)).astype(x.dtype)


def max_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    view, (kh, kw, sh, sw, ph, pw, ho, wo) = _windows(x, kernel, stride, padding, -np.inf)
    N, C = x.shape[:2]
    flat = view.reshape(N, C, ho, wo, kh * kw)
    idx = flat.argmax(axis=-1)
    di, dj = np.divmod(idx, kw)
    rows = np.arange(ho)[None, None, :, None] * sh + di
    cols = np.arange(wo)[None, None, None, :] * sw + dj
    n = np.arange(N)[:, None, None, None]
    c = np.arange(C)[None, :, None, None]
    dxp = np.zeros((N, C, x.shape[2] + 2 * ph, x.shape[3] + 2 * pw), dtype=x.dtype)
    np.add.at(dxp, (n, c, rows, cols), dout)
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]


def avg_pool2d(x, kernel, stride=None, padding=0):
    view, _ = _windows(x, kernel, stride, padding, 0)
    return view.mean(axis=(4, 5)).astype(x.dtype)


def avg_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    _, (kh, kw, sh, sw, ph, pw, ho, wo) = _windows(x, kernel, stride, padding, 0)
    dxp = np.zeros((x.shape[0], x.shape[1], x.shape[2] + 2 * ph, x.shape[3] + 2 * pw), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i : i + sh * (ho - 1) + 1 : sh, j : j + sw * (wo - 1) + 1 : sw] += dout / (kh * kw)
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]


def global_avg_pool2d(x):
    return x.mean(axis=(2, 3))


def global_avg_pool2d_backward(dout, x):
    return np.broadcast_to(dout[:, :, None, None] / (x.shape[2] * x.shape[3]), x.shape).astype(x.dtype)
