"""Wrong: the softmax normalizes over the queries (dim=-2), so columns, not rows, sum to 1."""

import math

import torch

from reference_impls.torch.attention import causal_mask, padding_mask  # noqa: F401 - as in the reference

EXPECTED_HINT = "softmax over the queries (dim=-2)"
ALSO_APPLIES = ("nan/inf where the reference is finite",)


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if is_causal:
        L, S = scores.shape[-2:]
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    return torch.softmax(scores, dim=-2)  # the mistake: over the queries


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
