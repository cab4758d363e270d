"""Correct, with band matrices built by tril / triu (ones.tril().triu(-(window - 1)) for the causal band,
triu(-window).tril(window) for the two-sided one) and an additive float bias of 0 / -inf added to the scaled
scores, as code that builds attention biases does (the mask function still returns the boolean band)."""

import math

import torch


def sliding_window_mask(T, window, causal=True, device=None):
    ones = torch.ones(T, T, dtype=torch.bool, device=device)
    if causal:
        return ones.tril().triu(-(window - 1))
    return ones.triu(-window).tril(window)


def sliding_window_attention(q, k, v, window, causal=True):
    T = q.size(-2)
    bias = torch.zeros(T, T, dtype=q.dtype).masked_fill(~sliding_window_mask(T, window, causal), float("-inf"))
    att = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1)) + bias
    return torch.softmax(att, dim=-1) @ v
