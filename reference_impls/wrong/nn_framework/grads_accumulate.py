"""Wrong: LinearLayer's backward ADDS to dW and db (as PyTorch's .grad accumulates) instead of overwriting them."""

from reference_impls.numpy import nn_framework as ref
from reference_impls.numpy.nn_framework import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "OVERWRITES the previous gradients"


class LinearLayer(ref.LinearLayer):
    def backward(self, dout):
        self.dW = self.dW + self.x.T @ dout  # the mistake: accumulated across backward calls
        self.db = self.db + dout.sum(axis=0)
        return dout @ self.W.T
