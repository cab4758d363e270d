"""Correct, in the style of Mistral's reference code and Hugging Face's sliding-window mask: start from a
causal mask of ones, tril, then triu with diagonal=-(window - 1) to cut the keys that fell out of the
window; the attention as a masked softmax with float('-inf')."""

import math

import torch


def sliding_window_mask(T, window, causal=True, device=None):
    ones = torch.ones(T, T, dtype=torch.bool, device=device)
    if causal:
        return torch.tril(ones) & torch.triu(ones, diagonal=-(window - 1))
    return torch.triu(torch.tril(ones, diagonal=window), diagonal=-window)


def sliding_window_attention(q, k, v, window, causal=True):
    mask = sliding_window_mask(q.shape[-2], window, causal, q.device)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v
