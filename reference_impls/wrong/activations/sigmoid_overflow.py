"""Wrong: sigmoid as exp(x) / (1 + exp(x)), which is inf / inf = nan for large x."""

import numpy as np

from reference_impls.numpy.activations import *  # noqa: F403 - every other function is right

EXPECTED_HINT = "sigmoid overflows"


def sigmoid(x):
    e = np.exp(x)
    return e / (1 + e)
