"""Correct, with einsum: q, k, v from one in_proj over the stacked inputs' projections, heads as a named axis
('bhld'), the mask as an additive float bias built once."""

import torch
from torch import nn


class SingleHeadAttention(nn.Module):
    def __init__(self, n_embd, head_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)

    def forward(self, x, is_causal=True):
        q, k, v = self.query(x), self.key(x), self.value(x)
        scores = torch.einsum("btd,bsd->bts", q, k) * q.shape[-1] ** -0.5
        if is_causal:
            T = x.shape[1]
            scores = scores + torch.full((T, T), float("-inf"), dtype=x.dtype).triu(1)
        return torch.einsum("bts,bsd->btd", scores.softmax(-1), v)


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(self, query, key, value, key_padding_mask=None, is_causal=False):
        B, L, E = query.shape
        S, h = key.shape[1], self.num_heads
        Wq, Wk, Wv = self.in_proj.weight.split(E)
        bq, bk, bv = self.in_proj.bias.split(E) if self.in_proj.bias is not None else (0, 0, 0)
        q = (query @ Wq.T + bq).unflatten(-1, (h, E // h))  # (B, L, h, d)
        k = (key @ Wk.T + bk).unflatten(-1, (h, E // h))
        v = (value @ Wv.T + bv).unflatten(-1, (h, E // h))
        scores = torch.einsum("blhd,bshd->bhls", q, k) / (E // h) ** 0.5
        bias = torch.zeros(B, 1, L, S, dtype=query.dtype)
        if is_causal:
            bias = bias.masked_fill(torch.ones(L, S, dtype=torch.bool).triu(1), float("-inf"))
        if key_padding_mask is not None:
            bias = bias.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        att = (scores + bias).softmax(dim=-1)
        out = torch.einsum("bhls,bshd->blhd", att, v).flatten(-2)
        return self.out_proj(out), att.mean(1)
