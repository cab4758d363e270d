"""Wrong: uses the top-left causal mask (F.sdpa's is_causal) with a cache: a one-token step sees key 0 only."""

import math

import torch
from torch import nn

EXPECTED_HINT = "aligns the mask top-left"


class KVCache:
    def __init__(self):
        self.k = self.v = None

    def append(self, k, v):
        self.k = k if self.k is None else torch.cat([self.k, k], dim=2)
        self.v = v if self.v is None else torch.cat([self.v, v], dim=2)
        return self.k, self.v

    def __len__(self):
        return 0 if self.k is None else self.k.shape[2]


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)

    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, -1).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            k, v = cache.append(k, v)
        S = k.shape[2]
        att = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        att = att.masked_fill(torch.ones(T, S, dtype=torch.bool).triu(1), float("-inf"))  # top-left
        y = att.softmax(-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
    return 2 * batch * seq_len * n_layer * n_kv_head * head_dim * bytes_per_element
