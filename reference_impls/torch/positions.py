"""Absolute positions: the fixed sinusoidal encoding and learned position embeddings.

    PE[pos, 2i]     = sin(pos / 10000^(2i / d))
    PE[pos, 2i + 1] = cos(pos / 10000^(2i / d))                    (Vaswani et al. 2017, Sec. 3.5)

Each pair of features is a rotation at its own frequency, from 1 radian per position (i = 0) down
to 1 / 10000 (wavelengths 2 pi .. 10000 * 2 pi), so PE[pos + k] is a fixed linear function of
PE[pos]. Features alternate sin, cos (tensor2tensor's get_timing_signal_1d puts all the sines first,
then all the cosines: the same information, another layout). Learned embeddings (GPT-2, BERT) are a
table wpe of block_size rows, trained with the rest; they cannot go past block_size.

Source: Vaswani et al. 2017, Sec. 3.5; nanoGPT's `wpe`. Limits: an odd d gets a last sine column
without its cosine.
"""

import math

import torch
from torch import nn


def sinusoidal_encoding(T, d, base=10000.0, dtype=torch.float32):
    """(T, d): the sinusoidal encoding of positions 0..T-1."""
    pos = torch.arange(T, dtype=torch.float64)[:, None]  # (T, 1)
    inv_freq = torch.exp(-math.log(base) * torch.arange(0, d, 2, dtype=torch.float64) / d)  # (ceil(d/2),): base^(-2i/d)
    angles = pos * inv_freq  # (T, ceil(d/2))
    pe = torch.zeros(T, d, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles[:, : d // 2])
    return pe.to(dtype)


class LearnedPositionalEmbedding(nn.Module):
    def __init__(self, block_size, n_embd):
        super().__init__()
        self.block_size = block_size
        self.wpe = nn.Embedding(block_size, n_embd)

    def forward(self, x):
        """x (B, T, C) token embeddings -> x + wpe[0..T-1]; ValueError when T > block_size."""
        T = x.size(1)
        if T > self.block_size:
            raise ValueError(f"sequence of length {T} is longer than block_size {self.block_size}")
        return x + self.wpe(torch.arange(T, device=x.device))  # (T, C) broadcasts over the batch
