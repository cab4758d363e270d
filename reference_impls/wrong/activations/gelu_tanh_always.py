"""Wrong: the tanh approximation of GELU for both approximate='none' and 'tanh'."""

from reference_impls.numpy import activations as _ref
from reference_impls.numpy.activations import *  # noqa: F403 - every other function is right

EXPECTED_HINT = "approximate='none' is the exact"


def gelu(x, approximate="none"):
    return _ref.gelu(x, "tanh")


def gelu_grad(x, approximate="none"):
    return _ref.gelu_grad(x, "tanh")
