"""Wrong: the causal band looks forward (i <= j < i + window) instead of back."""

import math

import torch

EXPECTED_HINT = "the band's sides are swapped"


def sliding_window_mask(T, window, causal=True, device=None):
    i = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    if causal:
        return (j >= i) & (j < i + window)
    return (i - j).abs() <= window


def sliding_window_attention(q, k, v, window, causal=True):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    scores = scores.masked_fill(~sliding_window_mask(q.size(-2), window, causal), float("-inf"))
    return scores.softmax(-1) @ v
