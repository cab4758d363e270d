"""Wrong: uses the top-left causal mask (F.sdpa's is_causal) with a cache: a one-token step sees key 0 only."""

import math

import torch

from reference_impls.torch import kv_cache
from reference_impls.torch.kv_cache import KVCache, kv_cache_bytes  # noqa: F401 - as in the reference

EXPECTED_HINT = "aligns the mask top-left"


class CausalSelfAttention(kv_cache.CausalSelfAttention):
    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, -1).transpose(1, 2) for t in (q, k, v))
        if cache is not None:
            k, v = cache.append(k, v)
        S = k.shape[2]
        att = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        # the mistake: the mask is aligned top-left (triu(1)); with S - T cached keys it must be bottom-right
        att = att.masked_fill(torch.ones(T, S, dtype=torch.bool).triu(1), float("-inf"))
        y = att.softmax(-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))
