"""Wrong: dgamma and dbeta summed over the batch axis only, not over the spatial positions too."""

from reference_impls.numpy.groupnorm import group_norm, group_norm_backward, instance_norm  # noqa: F401 - right

EXPECTED_HINT = "summed over N and every spatial axis"


def instance_norm_backward(dy, x, gamma, eps=1e-5):
    dx, _, _ = group_norm_backward(dy, x, x.shape[1], gamma, eps)
    xhat = (x - x.mean(axis=tuple(range(2, x.ndim)), keepdims=True)) / (
        (x.var(axis=tuple(range(2, x.ndim)), keepdims=True) + eps) ** 0.5
    )
    return dx, (dy * xhat).sum(axis=0), dy.sum(axis=0)  # the mistake: the spatial axes are not summed
