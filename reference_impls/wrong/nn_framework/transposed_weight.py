"""Wrong: LinearLayer stores W as (out_features, in_features), torch.nn.Linear's layout."""

import numpy as np

from reference_impls.numpy.nn_framework import *  # every other class is right
from reference_impls.numpy.nn_framework import LinearLayer as _Right

EXPECTED_HINT = "W is stored (in_features, out_features)"


class LinearLayer(_Right):
    def __init__(self, in_features, out_features, rng=None):
        super().__init__(in_features, out_features, rng)
        self.W = np.ascontiguousarray(self.W.T)

    def forward(self, x, training=True):
        self.x = x
        return x @ self.W.T + self.b

    def backward(self, dout):
        self.dW, self.db = dout.T @ self.x, dout.sum(axis=0)
        return dout @ self.W
