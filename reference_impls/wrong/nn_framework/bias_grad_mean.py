"""Wrong: LinearLayer's db averages dout over the batch instead of summing it."""

from reference_impls.numpy.nn_framework import *  # every other class is right
from reference_impls.numpy.nn_framework import LinearLayer as _Right

EXPECTED_HINT = "db must SUM dout over the batch"


class LinearLayer(_Right):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout.mean(axis=0)
        return dx
