"""Wrong: slopes 2^(-8 h / n) for every head count (only right when n is a power of 2)."""

import math

import torch

EXPECTED_HINT = "right for powers of 2 only"


def alibi_slopes(n_heads):
    return torch.tensor([2 ** (-8 * h / n_heads) for h in range(1, n_heads + 1)], dtype=torch.float64)


def alibi_bias(n_heads, T, dtype=torch.float32):
    pos = torch.arange(T)
    return (alibi_slopes(n_heads)[:, None, None] * (pos[None, :] - pos[:, None])).to(dtype)


def alibi_attention(q, k, v):
    T = q.size(-2)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)) + alibi_bias(q.size(1), T, q.dtype)
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    return scores.softmax(-1) @ v
