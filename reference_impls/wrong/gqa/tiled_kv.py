"""Wrong: repeats the kv heads with x.repeat (tiles 0, 1, 0, 1) instead of repeat_interleave (0, 0, 1, 1)."""

import math

import torch
from torch import nn

EXPECTED_HINT = "kv heads tiled"


def repeat_kv(x, n_rep):
    return x.repeat(1, n_rep, 1, 1)


class GroupedQueryAttention(nn.Module):
    def __init__(self, d_model, n_head, n_kv_head):
        super().__init__()
        self.nh, self.nkv, self.hs = n_head, n_kv_head, d_model // n_head
        self.q_proj = nn.Linear(d_model, n_head * self.hs, bias=False)
        self.k_proj = nn.Linear(d_model, n_kv_head * self.hs, bias=False)
        self.v_proj = nn.Linear(d_model, n_kv_head * self.hs, bias=False)
        self.o_proj = nn.Linear(n_head * self.hs, d_model, bias=False)

    def forward(self, x, is_causal=True):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.nh, self.hs).transpose(1, 2)
        k = repeat_kv(self.k_proj(x).view(B, T, self.nkv, self.hs).transpose(1, 2), self.nh // self.nkv)
        v = repeat_kv(self.v_proj(x).view(B, T, self.nkv, self.hs).transpose(1, 2), self.nh // self.nkv)
        att = q @ k.transpose(-2, -1) / math.sqrt(self.hs)
        if is_causal:
            att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        y = att.softmax(-1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(B, T, -1))
