"""Wrong: normalizes with the unbiased variance (np.var(ddof=1), torch.var's default) as well; only the
running variance is unbiased, y uses the biased one (divide by m)."""

import numpy as np

from reference_impls.numpy.batchnorm import _axes, _per_channel, batchnorm_backward  # noqa: F401 - right

EXPECTED_HINT = "normalize with the BIASED"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mu = x.mean(axis=_axes(x))
        var = x.var(axis=_axes(x), ddof=1)  # the mistake: unbiased for the normalization too
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * var
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    y = _per_channel(gamma, x) * (x - _per_channel(mu, x)) / np.sqrt(_per_channel(var, x) + eps)
    return (y + _per_channel(beta, x)).astype(x.dtype), new_mean, new_var
