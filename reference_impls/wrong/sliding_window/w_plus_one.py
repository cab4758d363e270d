"""Wrong: Mistral's first reference code, triu(diagonal=-W): window + 1 keys per causal query."""

import math

import torch

EXPECTED_HINT = "one key too many"


def sliding_window_mask(T, window, causal=True, device=None):
    ones = torch.ones(T, T, dtype=torch.bool, device=device)
    if causal:
        return ones.tril().triu(diagonal=-window)
    i = torch.arange(T)
    return (i[:, None] - i[None, :]).abs() <= window


def sliding_window_attention(q, k, v, window, causal=True):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    scores = scores.masked_fill(~sliding_window_mask(q.size(-2), window, causal), float("-inf"))
    return scores.softmax(-1) @ v
