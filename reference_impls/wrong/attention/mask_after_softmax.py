"""Wrong: applies the masks after the softmax by zeroing weights (rows no longer sum to 1)."""

import math

import torch

from reference_impls.torch.attention import causal_mask, padding_mask  # noqa: F401 - as in the reference

EXPECTED_HINT = "masked AFTER the softmax"


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if attn_mask is not None and attn_mask.dtype != torch.bool:
        scores = scores + attn_mask
    w = torch.softmax(scores, dim=-1)  # the mistake: the masks zero weights after this
    if is_causal:
        L, S = scores.shape[-2:]
        w = w * torch.ones(L, S, dtype=w.dtype).tril()
    if attn_mask is not None and attn_mask.dtype == torch.bool:
        w = w * attn_mask
    return w


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
