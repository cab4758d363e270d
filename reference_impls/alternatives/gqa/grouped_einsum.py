"""Correct, without materializing repeated keys: the query heads viewed as (n_kv_head, group) so that each
group broadcasts against its one kv head in an einsum (the grouped layout of GQA papers and some JAX code);
query head h = j * group + r reads kv head j, the same as repeat_interleave; repeat_kv by repeat_interleave."""

import math

import torch
from torch import nn


def repeat_kv(x, n_rep):
    return torch.repeat_interleave(x, repeats=n_rep, dim=1)


class GroupedQueryAttention(nn.Module):
    def __init__(self, d_model, n_head, n_kv_head):
        super().__init__()
        self.n_head, self.n_kv_head = n_head, n_kv_head
        self.head_dim = d_model // n_head
        self.q_proj = nn.Linear(d_model, n_head * self.head_dim, bias=False)
        self.k_proj = nn.Linear(d_model, n_kv_head * self.head_dim, bias=False)
        self.v_proj = nn.Linear(d_model, n_kv_head * self.head_dim, bias=False)
        self.o_proj = nn.Linear(n_head * self.head_dim, d_model, bias=False)

    def forward(self, x, is_causal=True):
        B, T, _ = x.shape
        g = self.n_head // self.n_kv_head
        q = self.q_proj(x).view(B, T, self.n_kv_head, g, self.head_dim).permute(0, 2, 3, 1, 4)  # (B, kv, g, T, hs)
        k = self.k_proj(x).view(B, T, self.n_kv_head, 1, self.head_dim).permute(0, 2, 3, 1, 4)  # (B, kv, 1, T, hs)
        v = self.v_proj(x).view(B, T, self.n_kv_head, 1, self.head_dim).permute(0, 2, 3, 1, 4)
        scores = torch.einsum("bkgqd,bkgsd->bkgqs", q, k.expand_as(q)) / math.sqrt(self.head_dim)
        if is_causal:
            scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        y = scores.softmax(-1) @ v  # (B, kv, g, T, hs)
        y = y.permute(0, 3, 1, 2, 4).reshape(B, T, -1)
        return self.o_proj(y)
