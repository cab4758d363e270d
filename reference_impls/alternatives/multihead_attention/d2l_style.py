"""Correct, in Dive into Deep Learning's style: transpose_qkv / transpose_output helpers that fold the heads
into the batch dimension, (B * nh, T, hs), a masked softmax with -1e6 for masked scores, and bmm."""

import math

import torch
import torch.nn.functional as F
from torch import nn


def transpose_qkv(X, num_heads):
    """(B, T, E) -> (B * nh, T, E / nh)."""
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    X = X.permute(0, 2, 1, 3)
    return X.reshape(-1, X.shape[2], X.shape[3])


def transpose_output(X, num_heads):
    """(B * nh, T, hs) -> (B, T, nh * hs)."""
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.permute(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


def masked_softmax(scores, keep):
    """keep: bool, broadcastable to scores; True = attend."""
    if keep is None:
        return F.softmax(scores, dim=-1)
    return F.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1)


class SingleHeadAttention(nn.Module):
    def __init__(self, n_embd, head_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)

    def forward(self, x, is_causal=True):
        q, k, v = self.query(x), self.key(x), self.value(x)
        scores = torch.bmm(q, k.transpose(1, 2)) / math.sqrt(q.shape[-1])
        T = x.shape[1]
        keep = torch.tril(torch.ones(T, T, dtype=torch.bool)) if is_causal else None
        return torch.bmm(masked_softmax(scores, keep), v)


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        E, nh = query.shape[-1], self.num_heads
        W = self.in_proj.weight
        b = self.in_proj.bias
        queries = transpose_qkv(F.linear(query, W[:E], None if b is None else b[:E]), nh)
        keys = transpose_qkv(F.linear(key, W[E : 2 * E], None if b is None else b[E : 2 * E]), nh)
        values = transpose_qkv(F.linear(value, W[2 * E :], None if b is None else b[2 * E :]), nh)
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(queries.shape[-1])  # (B * nh, L, S)
        L, S = scores.shape[1:]
        keep = torch.ones(query.shape[0], nh, L, S, dtype=torch.bool)
        if is_causal:
            keep = keep & torch.tril(torch.ones(L, S, dtype=torch.bool))
        if key_padding_mask is not None:
            keep = keep & ~key_padding_mask[:, None, None, :]
        weights = masked_softmax(scores, keep.reshape(-1, L, S))
        out = transpose_output(torch.bmm(weights, values), nh)
        return self.out_proj(out), weights.reshape(-1, nh, L, S).mean(dim=1)
