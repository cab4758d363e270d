"""Scaled dot-product attention with causal and padding masks.

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k) + M) V          (Vaswani et al. 2017, Sec. 3.2.1, Eq. 1)

M is 0 where query i may look at key j and -inf where it may not, so the masked weights are exactly
0 and each row still sums to 1. Masks follow F.scaled_dot_product_attention: a boolean mask is True
where a query may attend (nn.MultiheadAttention's key_padding_mask is the opposite, True = ignore),
a float mask is added to the scores, and is_causal keeps j <= i (aligned top-left, as F.sdpa: with
fewer queries than keys, a KV cache wants the bottom-right alignment instead, see kv_cache.py).
Dividing by sqrt(d_k) keeps the scores' variance near 1 for unit-variance q and k, so the softmax
does not saturate as d_k grows.

Source: as torch.nn.functional.scaled_dot_product_attention (its math backend). Limits: no dropout;
unlike F.sdpa we also accept attn_mask together with is_causal (causal AND mask); a query whose keys
are all masked gets nan here (F.sdpa returns zeros for it since PyTorch 2.5).
"""

import math

import torch


def causal_mask(T, device=None):
    """(T, T) bool, True on and below the diagonal: query i sees keys 0..i."""
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()


def padding_mask(lengths, S):
    """(B, S) bool, True for the first lengths[b] positions (the real tokens), False for the padding."""
    return torch.arange(S, device=lengths.device)[None, :] < lengths[:, None]


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    """softmax(q k^T * scale + mask): (..., L, S), each row sums to 1 (the matrix one visualizes)."""
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * scale  # (..., L, S)
    if is_causal:
        L, S = scores.shape[-2:]
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool, device=q.device).tril(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))  # broadcasts (B, 1, 1, S) over heads and queries
        else:
            scores = scores + attn_mask
    return torch.softmax(scores, dim=-1)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev)."""
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
