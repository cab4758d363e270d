"""Wrong: LinearLayer.params() returns copies, so an optimizer's in-place updates (and loaded weights) are lost."""

from reference_impls.numpy.nn_framework import *  # every other class is right
from reference_impls.numpy.nn_framework import LinearLayer as _Right

EXPECTED_HINT = "params() must return the layer's own arrays"


class LinearLayer(_Right):
    def params(self):
        return [self.W.copy(), self.b.copy()]
