"""Wrong: the scores scaled by 1/sqrt(C), the model width, instead of 1/sqrt(head size)."""

import math

import torch

from reference_impls.torch.kv_cache import CausalSelfAttention as _Reference
from reference_impls.torch.kv_cache import KVCache, kv_cache_bytes  # noqa: F401 - as in the reference

EXPECTED_HINT = "scaled by 1/sqrt(C)"


class CausalSelfAttention(_Reference):
    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            k, v = cache.append(k, v)
        S = k.size(2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C)  # the mistake: the model width, not the head size
        att = att.masked_fill(~torch.ones(T, S, dtype=torch.bool).tril(S - T), float("-inf"))
        y = torch.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))
