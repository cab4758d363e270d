"""The FlashAttention exercise's expected outputs: torch's scaled_dot_product_attention in float64
(is_causal: top-left aligned, query i sees keys j <= i), rounded once to q's dtype."""

import torch.nn.functional as F


def flash_attention(q, k, v, causal=False, sm_scale=None):
    out = F.scaled_dot_product_attention(q.double(), k.double(), v.double(), is_causal=causal, scale=sm_scale)
    return out.to(q.dtype)
