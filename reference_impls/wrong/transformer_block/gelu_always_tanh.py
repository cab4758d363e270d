"""Wrong: uses GELU's tanh approximation for every activation name."""

import math

import torch
from torch import nn

EXPECTED_HINT = "the activation is wrong"


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True):
        super().__init__()
        self.nh = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.nh, -1).transpose(1, 2) for t in self.in_proj(x).split(C, dim=2))
        att = q @ k.transpose(-2, -1) / math.sqrt(C // self.nh)
        if is_causal:
            att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        if key_padding_mask is not None:
            att = att.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        return self.out_proj((att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C))


class MLP(nn.Module):
    def __init__(self, n_embd, d_ff, activation="gelu", bias=True):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, d_ff, bias=bias)
        self.c_proj = nn.Linear(d_ff, n_embd, bias=bias)

    def forward(self, x):
        return self.c_proj(nn.functional.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, d_ff=None, norm_first=True, activation="gelu", bias=True):
        super().__init__()
        self.norm_first = norm_first
        self.ln_1 = nn.LayerNorm(n_embd, bias=bias)
        self.attn = MultiHeadAttention(n_embd, n_head, bias)
        self.ln_2 = nn.LayerNorm(n_embd, bias=bias)
        self.mlp = MLP(n_embd, d_ff or 4 * n_embd, activation, bias)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        if self.norm_first:
            x = x + self.attn(self.ln_1(x), key_padding_mask, is_causal)
            return x + self.mlp(self.ln_2(x))
        x = self.ln_1(x + self.attn(x, key_padding_mask, is_causal))
        return self.ln_2(x + self.mlp(x))
