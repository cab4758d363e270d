"""Wrong: k_proj and v_proj project to n_head * head_dim (full multi-head size), then keep n_kv_head of the heads."""

import math

import torch
from torch import nn

EXPECTED_HINT = "k_proj / v_proj have the wrong size"


def repeat_kv(x, n_rep):
    return torch.repeat_interleave(x, n_rep, dim=1)


class GroupedQueryAttention(nn.Module):
    def __init__(self, d_model, n_head, n_kv_head):
        super().__init__()
        self.nh, self.nkv, self.hs = n_head, n_kv_head, d_model // n_head
        self.q_proj = nn.Linear(d_model, d_model, bias=False)
        self.k_proj = nn.Linear(d_model, d_model, bias=False)
        self.v_proj = nn.Linear(d_model, d_model, bias=False)
        self.o_proj = nn.Linear(d_model, d_model, bias=False)

    def forward(self, x, is_causal=True):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.nh, self.hs).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.nh, self.hs).transpose(1, 2)[:, : self.nkv]
        v = self.v_proj(x).view(B, T, self.nh, self.hs).transpose(1, 2)[:, : self.nkv]
        k, v = repeat_kv(k, self.nh // self.nkv), repeat_kv(v, self.nh // self.nkv)
        att = q @ k.transpose(-2, -1) / math.sqrt(self.hs)
        if is_causal:
            att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        return self.o_proj((att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, -1))
