"""Correct, in cs231n's style (max_pool_forward_naive / backward_naive): explicit loops over n, c and the
output positions, the window's argmax found with np.argmax on the flattened window (the first maximum in
row-major order, as PyTorch routes ties) and np.unravel_index; padding applied with np.pad."""

import numpy as np


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def _params(x, kernel, stride, padding):
    (kh, kw), (ph, pw) = _pair(kernel), _pair(padding)
    sh, sw = _pair(stride if stride is not None else kernel)
    N, C, H, W = x.shape
    H_out = (H + 2 * ph - kh) // sh + 1
    W_out = (W + 2 * pw - kw) // sw + 1
    return kh, kw, sh, sw, ph, pw, H_out, W_out


def max_pool2d(x, kernel, stride=None, padding=0):
    kh, kw, sh, sw, ph, pw, H_out, W_out = _params(x, kernel, stride, padding)
    N, C = x.shape[:2]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            window = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            out[:, :, i, j] = np.max(window, axis=(2, 3))
    return out


def max_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    kh, kw, sh, sw, ph, pw, H_out, W_out = _params(x, kernel, stride, padding)
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = xp[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dxp[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dxp[:, :, ph : ph + H, pw : pw + W]


def avg_pool2d(x, kernel, stride=None, padding=0):
    kh, kw, sh, sw, ph, pw, H_out, W_out = _params(x, kernel, stride, padding)
    N, C = x.shape[:2]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.sum(xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw], axis=(2, 3)) / (kh * kw)
    return out


def avg_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    kh, kw, sh, sw, ph, pw, H_out, W_out = _params(x, kernel, stride, padding)
    N, C, H, W = x.shape
    dxp = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=dout.dtype)
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] += dout[:, :, i, j][:, :, None, None] / (kh * kw)
    return dxp[:, :, ph : ph + H, pw : pw + W]


def global_avg_pool2d(x):
    return x.mean(axis=(2, 3))


def global_avg_pool2d_backward(dout, x):
    H, W = x.shape[2:]
    return np.broadcast_to(dout[:, :, None, None] / (H * W), x.shape).copy()
