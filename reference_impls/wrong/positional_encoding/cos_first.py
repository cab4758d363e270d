"""Wrong: cosines in the even columns and sines in the odd ones."""

import math

import torch
from torch import nn

EXPECTED_HINT = "the columns of sin and cos are swapped"


def sinusoidal_encoding(T, d, base=10000.0, dtype=torch.float32):
    pos = torch.arange(T, dtype=torch.float64)[:, None]
    freq = torch.exp(-math.log(base) * torch.arange(0, d, 2, dtype=torch.float64) / d)
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.cos(pos * freq)
    pe[:, 1::2] = torch.sin(pos * freq)[:, : d // 2]
    return pe.to(dtype)


class LearnedPositionalEmbedding(nn.Module):
    def __init__(self, block_size, n_embd):
        super().__init__()
        self.wpe = nn.Embedding(block_size, n_embd)

    def forward(self, x):
        if x.size(1) > self.wpe.num_embeddings:
            raise ValueError("too long")
        return x + self.wpe.weight[: x.size(1)]
