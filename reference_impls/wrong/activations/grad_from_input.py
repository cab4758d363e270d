"""Wrong: sigmoid'(x) and tanh'(x) written as s (1 - s) and 1 - t^2 but applied to x itself."""

from reference_impls.numpy.activations import *  # noqa: F403 - every other function is right

EXPECTED_HINT = "derivative applied to the input"


def sigmoid_grad(x):
    return x * (1 - x)


def tanh_grad(x):
    return 1 - x * x
