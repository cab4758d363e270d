"""Wrong: Network.backward walks the layers in forward order."""

from reference_impls.numpy.nn_framework import *  # every other class is right
from reference_impls.numpy.nn_framework import Network as _Right

EXPECTED_HINT = "visit the layers in REVERSE order"


class Network(_Right):
    def backward(self, dout):
        for layer in self.layers:
            dout = layer.backward(dout)
        return dout
