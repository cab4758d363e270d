"""Correct, in the style of PyTorch's nn.TransformerEncoderLayer: _sa_block and _ff_block helpers, each
followed by an nn.Dropout (inactive in eval mode, as the checks run it), the activation held as a function,
a layer_norm_eps argument (1e-5, the default), and an attention module written for self-attention only
(in_proj(x).split(C)), which is the same as projecting query, key and value by in_proj's row blocks."""

import math

import torch
import torch.nn.functional as F
from torch import nn


class MLP(nn.Module):
    def __init__(self, n_embd, d_ff, activation="gelu", bias=True):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, d_ff, bias=bias)
        self.c_proj = nn.Linear(d_ff, n_embd, bias=bias)
        self.dropout = nn.Dropout(0.1)
        self.activation = {"relu": F.relu, "gelu": F.gelu, "gelu_tanh": lambda t: F.gelu(t, approximate="tanh")}[
            activation
        ]

    def forward(self, x):
        return self.c_proj(self.dropout(self.activation(self.c_fc(x))))


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, bias=True):
        super().__init__()
        self.num_heads = num_heads
        self.in_proj = nn.Linear(embed_dim, 3 * embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(self, x, key_padding_mask=None, is_causal=False):
        B, T, C = x.shape
        q, k, v = self.in_proj(x).split(C, dim=-1)
        q, k, v = (t.view(B, T, self.num_heads, -1).transpose(1, 2) for t in (q, k, v))
        att = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
        if is_causal:
            att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        if key_padding_mask is not None:
            att = att.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        y = att.softmax(-1) @ v
        return self.out_proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, d_ff=None, norm_first=True, activation="gelu", bias=True, layer_norm_eps=1e-5):
        super().__init__()
        self.norm_first = norm_first
        self.ln_1 = nn.LayerNorm(n_embd, eps=layer_norm_eps, bias=bias)
        self.ln_2 = nn.LayerNorm(n_embd, eps=layer_norm_eps, bias=bias)
        self.attn = MultiHeadAttention(n_embd, n_head, bias)
        self.mlp = MLP(n_embd, d_ff or 4 * n_embd, activation, bias)
        self.dropout1 = nn.Dropout(0.1)
        self.dropout2 = nn.Dropout(0.1)

    def _sa_block(self, x, key_padding_mask, is_causal):
        return self.dropout1(self.attn(x, key_padding_mask, is_causal))

    def _ff_block(self, x):
        return self.dropout2(self.mlp(x))

    def forward(self, x, key_padding_mask=None, is_causal=False):
        if self.norm_first:
            x = x + self._sa_block(self.ln_1(x), key_padding_mask, is_causal)
            x = x + self._ff_block(self.ln_2(x))
        else:
            x = self.ln_1(x + self._sa_block(x, key_padding_mask, is_causal))
            x = self.ln_2(x + self._ff_block(x))
        return x
