"""Max pooling, average pooling and global average pooling, forward and backward, in NumPy.

    x: (N, C, H, W) -> (N, C, H_out, W_out),  H_out = floor((H + 2 pad - k) / stride) + 1
    max: each window's maximum; backward routes dout to the argmax of its window only
         (windows that overlap, stride < k, accumulate). Padding counts as -inf.
    avg: each window's mean; padding counts as zeros and is included in the divisor
         (torch's count_include_pad=True default); backward spreads dout / (k_h k_w) evenly.
    global average pooling: mean over (H, W) -> (N, C), the classifier head of ResNet / NiN.
Windows are read one (p, q) offset at a time as strided slices (as in conv2d.py).

Source: torch.nn.functional.max_pool2d / avg_pool2d / adaptive_avg_pool2d(x, 1).
Limits: no dilation, no ceil_mode; ties in a max window go to the first offset in row-major
order (PyTorch does the same on CPU; tests avoid ties anyway).
"""

import numpy as np


def _pair(v):
    return (v, v) if np.isscalar(v) else tuple(v)


def _windows(xpad, k, s, out):
    (kh, kw), (sh, sw), (ho, wo) = k, s, out
    for p in range(kh):
        for q in range(kw):
            yield (
                p,
                q,
                (slice(None), slice(None), slice(p, p + sh * (ho - 1) + 1, sh), slice(q, q + sw * (wo - 1) + 1, sw)),
            )


def _setup(x, kernel, stride, padding, fill):
    k = _pair(kernel)
    s = _pair(stride if stride is not None else kernel)
    pad = _pair(padding)
    out = tuple((x.shape[2 + i] + 2 * pad[i] - k[i]) // s[i] + 1 for i in range(2))
    xpad = np.pad(x, ((0, 0), (0, 0), (pad[0],) * 2, (pad[1],) * 2), constant_values=fill)
    return k, s, pad, out, xpad


def max_pool2d(x, kernel, stride=None, padding=0):
    k, s, _, out, xpad = _setup(x, kernel, stride, padding, -np.inf)
    y = np.full(x.shape[:2] + out, -np.inf, dtype=x.dtype)
    for _, _, sl in _windows(xpad, k, s, out):
        y = np.maximum(y, xpad[sl])
    return y


def max_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    k, s, pad, out, xpad = _setup(x, kernel, stride, padding, -np.inf)
    y = max_pool2d(x, kernel, stride, padding)
    dxpad = np.zeros_like(xpad)
    taken = np.zeros(y.shape, dtype=bool)  # each window's gradient goes to one position only
    for _, _, sl in _windows(xpad, k, s, out):
        hit = (xpad[sl] == y) & ~taken
        dxpad[sl] += np.where(hit, dout, 0)
        taken |= hit
    return dxpad[:, :, pad[0] : pad[0] + x.shape[2], pad[1] : pad[1] + x.shape[3]]


def avg_pool2d(x, kernel, stride=None, padding=0):
    k, s, _, out, xpad = _setup(x, kernel, stride, padding, 0)
    y = np.zeros(x.shape[:2] + out, dtype=x.dtype)
    for _, _, sl in _windows(xpad, k, s, out):
        y += xpad[sl]
    return y / (k[0] * k[1])


def avg_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    k, s, pad, out, xpad = _setup(x, kernel, stride, padding, 0)
    dxpad = np.zeros_like(xpad)
    for _, _, sl in _windows(xpad, k, s, out):
        dxpad[sl] += dout / (k[0] * k[1])
    return dxpad[:, :, pad[0] : pad[0] + x.shape[2], pad[1] : pad[1] + x.shape[3]]


def global_avg_pool2d(x):
    return x.mean(axis=(2, 3))  # (N, C)


def global_avg_pool2d_backward(dout, x):
    return np.broadcast_to(dout[:, :, None, None] / (x.shape[2] * x.shape[3]), x.shape).copy()
