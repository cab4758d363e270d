"""Wrong: each group's variance with ddof=1 (torch.var's default), where group norm divides by n."""

import numpy as np

from reference_impls.numpy.groupnorm import _channel, group_norm_backward, instance_norm_backward  # noqa: F401

EXPECTED_HINT = "biased variance"


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    xg = x.reshape(x.shape[0], num_groups, -1)
    var = xg.var(axis=2, ddof=1, keepdims=True)  # the mistake: ddof=0, the mean of the squared deviations
    xhat = (xg - xg.mean(axis=2, keepdims=True)) / np.sqrt(var + eps)
    return xhat.reshape(x.shape) * _channel(gamma, x) + _channel(beta, x)


def instance_norm(x, gamma, beta, eps=1e-5):
    return group_norm(x, x.shape[1], gamma, beta, eps)
