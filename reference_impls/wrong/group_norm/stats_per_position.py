"""Wrong: a group's mean and variance taken over its channels at each spatial position separately."""

import numpy as np

from reference_impls.numpy.groupnorm import (  # noqa: F401
    group_norm_backward,
    instance_norm_backward,
)

EXPECTED_HINT = "normalized over the wrong axis"


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    n, c = x.shape[:2]
    xg = x.reshape((n, num_groups, c // num_groups) + x.shape[2:])
    mean = xg.mean(axis=2, keepdims=True)  # the mistake: over the group's channels AND spatial positions
    xhat = ((xg - mean) / np.sqrt(xg.var(axis=2, keepdims=True) + eps)).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return xhat * gamma.reshape(shape) + beta.reshape(shape)


def instance_norm(x, gamma, beta, eps=1e-5):
    return group_norm(x, x.shape[1], gamma, beta, eps)
