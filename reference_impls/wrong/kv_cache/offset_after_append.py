"""Wrong: the mask's offset is read after the append (S, not S - T): inside a chunk every query sees every new key."""

import torch

from reference_impls.torch import kv_cache
from reference_impls.torch.attention import scaled_dot_product_attention
from reference_impls.torch.kv_cache import KVCache, kv_cache_bytes  # noqa: F401

EXPECTED_HINT = "read len(cache) before the append"


class CausalSelfAttention(kv_cache.CausalSelfAttention):
    def forward(self, x, cache=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        past = 0
        if cache is not None:
            k, v = cache.append(k, v)
            past = len(cache)  # the mistake: read after the append, this is S, not S - T
        S = k.size(2)
        mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=past)
        y = scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))
