"""Wrong: max backward writes with fancy-index assignment: two overlapping windows whose max is the same
element keep one window's gradient, not the sum."""

import numpy as np

from reference_impls.numpy.pooling import (  # noqa: F401 (entry points)
    _pair,
    avg_pool2d,
    avg_pool2d_backward,
    global_avg_pool2d,
    global_avg_pool2d_backward,
    max_pool2d,
)

EXPECTED_HINT = "dx is wrong only where windows overlap"


def max_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    (kh, kw), (ph, pw) = _pair(kernel), _pair(padding)
    sh, sw = _pair(kernel if stride is None else stride)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros(xp.shape, dtype=x.dtype)
    n, c = np.ogrid[: x.shape[0], : x.shape[1]]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].reshape(x.shape[0], x.shape[1], -1)
            di, dj = np.divmod(window.argmax(axis=-1), kw)
            dxp[n, c, i * sh + di, j * sw + dj] = dout[:, :, i, j]  # the mistake: += (windows overlap)
    return dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
