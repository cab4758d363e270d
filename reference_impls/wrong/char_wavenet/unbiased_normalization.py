"""The batch normalized with the unbiased variance (makemore part 3's x.var(0)); torch normalizes with the biased one."""

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

EXPECTED_HINT = "biased one (unbiased=False)"


class BatchNorm1d(_BatchNorm1d):
    def forward(self, x):
        if self.training:
            dims = tuple(range(x.dim() - 1))
            mean = x.mean(dim=dims)
            var = x.var(dim=dims)  # the mistake: unbiased, / (n - 1)
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * var)
        else:
            mean, var = self.running_mean, self.running_var
        return self.weight * (x - mean) / torch.sqrt(var + self.eps) + self.bias
