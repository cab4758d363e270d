"""Wrong: Meta's Llama code as written, softmax(scores.float()).type_as(xq): on float64 input the softmax runs
in float32, so the output is right only to float32 precision (the task says: computed in x's dtype)."""

import math

import torch
import torch.nn.functional as F
from torch import nn

EXPECTED_HINT = "computed in float32"


class KVCache:
    def __init__(self):
        self.keys, self.values = [], []
        self.start_pos = 0  # positions cached so far

    def __len__(self):
        return self.start_pos

    def append(self, k, v):
        self.keys.append(k)
        self.values.append(v)
        self.start_pos += k.shape[-2]
        return torch.cat(self.keys, dim=-2), torch.cat(self.values, dim=-2)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.n_heads = n_head
        self.head_dim = n_embd // n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)

    def forward(self, x, cache=None):
        bsz, seqlen, _ = x.shape
        xq, xk, xv = self.c_attn(x).chunk(3, dim=-1)
        xq = xq.view(bsz, seqlen, self.n_heads, self.head_dim).transpose(1, 2)
        xk = xk.view(bsz, seqlen, self.n_heads, self.head_dim).transpose(1, 2)
        xv = xv.view(bsz, seqlen, self.n_heads, self.head_dim).transpose(1, 2)

        start_pos = 0
        if cache is not None:
            start_pos = len(cache)
            keys, values = cache.append(xk, xv)
        else:
            keys, values = xk, xv

        scores = torch.matmul(xq, keys.transpose(2, 3)) / math.sqrt(self.head_dim)
        mask = torch.full((seqlen, seqlen), float("-inf"), device=x.device).triu(1)
        mask = torch.hstack([torch.zeros((seqlen, start_pos), device=x.device), mask]).type_as(scores)
        # the mistake: .float() turns float64 scores into float32
        scores = F.softmax((scores + mask).float(), dim=-1).type_as(xq)
        out = torch.matmul(scores, values)  # (bsz, n_heads, seqlen, head_dim)
        return self.c_proj(out.transpose(1, 2).contiguous().view(bsz, seqlen, -1))


def kv_cache_bytes(batch, seq_len, n_layer, n_kv_head, head_dim, bytes_per_element=2):
    per_token = 2 * n_layer * n_kv_head * head_dim * bytes_per_element  # K and V, every layer
    return int(per_token * seq_len * batch)
