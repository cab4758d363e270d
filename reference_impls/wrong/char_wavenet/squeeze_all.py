"""squeeze() without a dimension: a batch of one loses its batch dimension too."""

import torch.nn as nn

from reference_impls.torch.char_wavenet import BatchNorm1d, WaveNet, activation_stats, init_weight_, train_wavenet

__all__ = ["BatchNorm1d", "FlattenConsecutive", "WaveNet", "activation_stats", "init_weight_", "train_wavenet"]

EXPECTED_HINT = "squeeze only dimension 1"


class FlattenConsecutive(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        B, T, C = x.shape
        return x.view(B, T // self.n, C * self.n).squeeze()  # the mistake: squeezes B = 1 too
