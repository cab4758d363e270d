"""Wrong: concatenates the heads with a reshape of (B, nh, L, hs) straight to (B, L, E), no transpose back."""

import math

import torch
from torch import nn

EXPECTED_HINT = "heads concatenated without transposing back"


class SingleHeadAttention(nn.Module):
    def __init__(self, n_embd, head_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)

    def forward(self, x, is_causal=True):
        q, k, v = self.query(x), self.key(x), self.value(x)
        att = q @ k.transpose(-2, -1) / math.sqrt(k.size(-1))
        if is_causal:
            T = x.size(1)
            att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        return att.softmax(-1) @ v


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True):
        super().__init__()
        self.nh = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        B, L, E = query.shape
        S, hs = key.size(1), E // self.nh
        wq, wk, wv = self.in_proj.weight.split(E)
        bq, bk, bv = self.in_proj.bias.split(E) if self.in_proj.bias is not None else (None, None, None)
        q = nn.functional.linear(query, wq, bq).view(B, L, self.nh, hs).transpose(1, 2)
        k = nn.functional.linear(key, wk, bk).view(B, S, self.nh, hs).transpose(1, 2)
        v = nn.functional.linear(value, wv, bv).view(B, S, self.nh, hs).transpose(1, 2)
        att = q @ k.transpose(-2, -1) / math.sqrt(hs)
        if is_causal:
            att = att.masked_fill(torch.triu(torch.ones(L, S, dtype=torch.bool), 1), float("-inf"))
        if key_padding_mask is not None:
            att = att.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        att = att.softmax(-1)
        y = (att @ v).reshape(B, L, E)  # the bug: (B, nh, L, hs) read as (B, L, E)
        return self.out_proj(y), att.mean(1)
