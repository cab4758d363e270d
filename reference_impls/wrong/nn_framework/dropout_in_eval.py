"""Wrong: DropoutLayer drops units in eval mode too (ignores `training`)."""

from reference_impls.numpy.nn_framework import *  # every other class is right
from reference_impls.numpy.nn_framework import DropoutLayer as _Right

EXPECTED_HINT = "dropout is applied in eval mode"


class DropoutLayer(_Right):
    def forward(self, x, training=True):
        return super().forward(x, training=True)
