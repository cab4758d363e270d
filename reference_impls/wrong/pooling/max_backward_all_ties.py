"""Wrong: the max-pool backward sends each window's dout to EVERY position equal to the max (x == max), so
a tie gets the gradient twice; PyTorch routes it to one position (the first)."""

import numpy as np

from reference_impls.numpy.pooling import (  # noqa: F401 - the rest is right
    _setup,
    _windows,
    avg_pool2d,
    avg_pool2d_backward,
    global_avg_pool2d,
    global_avg_pool2d_backward,
    max_pool2d,
)

EXPECTED_HINT = "one position per window"


def max_pool2d_backward(dout, x, kernel, stride=None, padding=0):
    k, s, pad, out, xpad = _setup(x, kernel, stride, padding, -np.inf)
    y = max_pool2d(x, kernel, stride, padding)
    dxpad = np.zeros_like(xpad)
    for _, _, sl in _windows(xpad, k, s, out):
        dxpad[sl] += np.where(xpad[sl] == y, dout, 0)  # the mistake: every tied position, not the first only
    return dxpad[:, :, pad[0] : pad[0] + x.shape[2], pad[1] : pad[1] + x.shape[3]]
