"""Wrong: c_attn's output read as (nh, 3, hs) per token, q, k, v interleaved head by head (GPT-NeoX's fused
layout), where the task's c_attn holds q, k, v one after the other (nanoGPT's split(C, dim=2))."""

import math

import torch

from reference_impls.torch.kv_cache import CausalSelfAttention as _Reference
from reference_impls.torch.kv_cache import KVCache, kv_cache_bytes  # noqa: F401 - as in the reference

EXPECTED_HINT = "q, k, v one after the other"


class CausalSelfAttention(_Reference):
    def forward(self, x, cache=None):
        B, T, C = x.shape
        qkv = self.c_attn(x).view(B, T, self.n_head, 3, C // self.n_head)  # the mistake: interleaved per head
        q, k, v = (qkv[..., i, :].transpose(1, 2) for i in range(3))
        if cache is not None:
            k, v = cache.append(k, v)
        S = k.size(2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.n_head)
        att = att.masked_fill(~torch.ones(T, S, dtype=torch.bool).tril(S - T), float("-inf"))
        y = torch.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))
