"""Wrong: ignores `training`; eval mode normalizes with the batch statistics and updates the running ones."""

from reference_impls.numpy import batchnorm as _ref
from reference_impls.numpy.batchnorm import batchnorm_backward  # noqa: F401 - right

EXPECTED_HINT = "eval mode uses batch statistics"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    return _ref.batchnorm_forward(x, gamma, beta, running_mean, running_var, True, momentum, eps)
