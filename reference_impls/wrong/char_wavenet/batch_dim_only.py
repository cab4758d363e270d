"""Statistics over dimension 0 only: on (B, T, C) one mean per (time step, feature) (makemore part 5's bug)."""

import torch

from reference_impls.torch.char_wavenet import BatchNorm1d as _BatchNorm1d
from reference_impls.torch.char_wavenet import (
    FlattenConsecutive,
    WaveNet,
    activation_stats,
    init_weight_,
    train_wavenet,
)

__all__ = ["BatchNorm1d", "FlattenConsecutive", "WaveNet", "activation_stats", "init_weight_", "train_wavenet"]

EXPECTED_HINT = "over dimension 0 only"


class BatchNorm1d(_BatchNorm1d):
    def forward(self, x):
        if self.training:
            mean = x.mean(0)  # the mistake: on (B, T, C) the statistics must be over (0, 1)
            var = x.var(0, unbiased=False)
            n = x.shape[0]
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var * n / (n - 1)
        else:
            mean, var = self.running_mean, self.running_var
        return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias
