"""Wrong: BatchNormLayer updates running_var with the biased batch variance (divides by N), where PyTorch uses
the unbiased one (N - 1)."""

from reference_impls.numpy import nn_framework as ref
from reference_impls.numpy.nn_framework import *  # noqa: F403 - the rest is right

EXPECTED_HINT = "the UNBIASED batch variance"


class BatchNormLayer(ref.BatchNormLayer):
    def forward(self, x, training=True):
        y = super().forward(x, training)
        if training:
            m = x.shape[0]
            var_unbiased = x.var(axis=0) * m / (m - 1)
            mom = self.momentum
            # the mistake: undo the unbiased update, redo it with the biased variance
            old = (self.running_var - mom * var_unbiased) / (1 - mom)
            self.running_var = (1 - mom) * old + mom * x.var(axis=0)
        return y


Network = ref.Network  # noqa: F405
