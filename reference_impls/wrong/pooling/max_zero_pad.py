"""Wrong: pads with np.pad's default zeros before max pooling: a window over the border of an all-negative
region returns 0 instead of its max."""

import numpy as np

from reference_impls.numpy import pooling as _ref
from reference_impls.numpy.pooling import (  # noqa: F401 - the rest is right
    avg_pool2d,
    avg_pool2d_backward,
    global_avg_pool2d,
    global_avg_pool2d_backward,
    max_pool2d_backward,
)

EXPECTED_HINT = "pad with -inf for max pooling"


def max_pool2d(x, kernel, stride=None, padding=0):
    p = (padding, padding) if np.isscalar(padding) else tuple(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (p[0],) * 2, (p[1],) * 2))  # the mistake: constant_values=-np.inf
    return _ref.max_pool2d(xp, kernel, stride, 0)
