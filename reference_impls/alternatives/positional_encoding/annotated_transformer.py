"""Correct, in the Annotated Transformer's style: div_term = exp(arange(0, d, 2) * -(log(base) / d)),
pe[:, 0::2] = sin(position * div_term), pe[:, 1::2] = cos(...); GPT-2's learned table as nn.Embedding."""

import math

import torch
from torch import nn


def sinusoidal_encoding(T, d, base=10000.0, dtype=torch.float32):
    pe = torch.zeros(T, d, dtype=torch.float64)
    position = torch.arange(0, T, dtype=torch.float64).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * -(math.log(base) / d))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term[: d // 2])
    return pe.to(dtype)


class LearnedPositionalEmbedding(nn.Module):
    def __init__(self, block_size, n_embd):
        super().__init__()
        self.block_size = block_size
        self.wpe = nn.Embedding(block_size, n_embd)

    def forward(self, x):
        b, t, _ = x.size()
        if t > self.block_size:
            raise ValueError(f"Cannot forward sequence of length {t}, block size is only {self.block_size}")
        pos = torch.arange(0, t, dtype=torch.long, device=x.device)
        return x + self.wpe(pos)
