"""Wrong: adds wpe without checking T against block_size (fails with an IndexError instead of a ValueError)."""

import math

import torch
from torch import nn

EXPECTED_HINT = "no ValueError for T > block_size"


def sinusoidal_encoding(T, d, base=10000.0, dtype=torch.float32):
    pe = torch.zeros(T, d, dtype=torch.float64)
    for pos in range(T):
        for i in range(0, d, 2):
            angle = pos / base ** (i / d)
            pe[pos, i] = math.sin(angle)
            if i + 1 < d:
                pe[pos, i + 1] = math.cos(angle)
    return pe.to(dtype)


class LearnedPositionalEmbedding(nn.Module):
    def __init__(self, block_size, n_embd):
        super().__init__()
        self.wpe = nn.Embedding(block_size, n_embd)

    def forward(self, x):
        return x + self.wpe(torch.arange(x.size(1)))
