"""Wrong: d_k read from v (v.size(-1)) instead of the query/key size; right only where Ev == E."""

import math

from reference_impls.torch.attention import attention_weights, causal_mask, padding_mask  # noqa: F401

EXPECTED_HINT = "scaled by 1/sqrt(v.size(-1))"


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    d_k = v.size(-1)  # the mistake: v's size, not q's and k's
    scale = 1.0 / math.sqrt(d_k) if scale is None else scale
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
