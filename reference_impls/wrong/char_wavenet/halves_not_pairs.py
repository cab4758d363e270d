"""Chunks of the sequence side by side: step i joined with step i + T / n, not with its neighbour."""

import torch
import torch.nn as nn

from reference_impls.torch.char_wavenet import BatchNorm1d, WaveNet, activation_stats, init_weight_, train_wavenet

__all__ = ["BatchNorm1d", "FlattenConsecutive", "WaveNet", "activation_stats", "init_weight_", "train_wavenet"]

EXPECTED_HINT = "n consecutive steps"


class FlattenConsecutive(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        x = torch.cat(x.chunk(self.n, dim=1), dim=2)  # the mistake: chunks, not neighbours
        return x.squeeze(1) if x.shape[1] == 1 else x
