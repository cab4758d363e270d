"""Wrong: puts channel c in group c % G (interleaved) instead of consecutive blocks."""

import numpy as np

from reference_impls.numpy.groupnorm import (  # noqa: F401
    group_norm_backward,
    instance_norm,
    instance_norm_backward,
)

EXPECTED_HINT = "groups are CONSECUTIVE channels"


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    n, c = x.shape[:2]
    xg = np.swapaxes(x.reshape((n, c // num_groups, num_groups) + x.shape[2:]), 1, 2).reshape(n, num_groups, -1)
    xhat = (xg - xg.mean(axis=2, keepdims=True)) / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    xhat = np.swapaxes(xhat.reshape((n, num_groups, c // num_groups) + x.shape[2:]), 1, 2).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return xhat * gamma.reshape(shape) + beta.reshape(shape)
