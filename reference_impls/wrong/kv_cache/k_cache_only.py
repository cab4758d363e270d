"""Wrong: the size arithmetic counts the K cache only (no factor 2)."""

import math

import torch
from torch import nn

EXPECTED_HINT = "there is a V cache too"


class KVCache:
    def __init__(self):
        self.k = []
        self.v = []

    def append(self, k, v):
        self.k.append(k)
        self.v.append(v)
        return torch.cat(self.k, dim=2), torch.cat(self.v, dim=2)

    def __len__(self):
        return sum(k.shape[2] for k in self.k)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)

    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.n_head, -1).transpose(1, 2) for t in self.c_attn(x).split(C, dim=2))
        if cache is not None:
            k, v = cache.append(k, v)
        S = k.shape[2]
        mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
        att = (q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])).masked_fill(~mask, float("-inf"))
        return self.c_proj((att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C))


def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
    return batch * seq_len * n_layer * n_kv_head * head_dim * bytes_per_element
