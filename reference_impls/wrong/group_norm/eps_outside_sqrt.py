"""Wrong: eps added to the standard deviation instead of the variance."""

from reference_impls.numpy.groupnorm import group_norm_backward, instance_norm_backward  # noqa: F401 - right

EXPECTED_HINT = "eps added to the standard deviation"


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    xg = x.reshape(x.shape[0], num_groups, -1)
    std = xg.std(axis=2, keepdims=True)
    xhat = ((xg - xg.mean(axis=2, keepdims=True)) / (std + eps)).reshape(x.shape)  # the mistake: eps outside the sqrt
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return xhat * gamma.reshape(shape) + beta.reshape(shape)


def instance_norm(x, gamma, beta, eps=1e-5):
    return group_norm(x, x.shape[1], gamma, beta, eps)
