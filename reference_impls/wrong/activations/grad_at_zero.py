"""Wrong: x >= 0 instead of x > 0, so relu'(0) = 1 and leaky_relu'(0) = 1."""

import numpy as np

from reference_impls.numpy.activations import *  # noqa: F403 - every other function is right

EXPECTED_HINT = "the derivative at exactly 0"


def relu_grad(x):
    return (x >= 0).astype(x.dtype)


def leaky_relu_grad(x, negative_slope=0.01):
    return np.where(x >= 0, 1.0, negative_slope).astype(x.dtype)
