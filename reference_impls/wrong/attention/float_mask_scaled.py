"""Wrong: the float mask added before the scale, so the bias is multiplied by 1/sqrt(E) with the scores."""

import math

import torch

from reference_impls.torch.attention import causal_mask, padding_mask  # noqa: F401 - as in the reference

EXPECTED_HINT = "the float attn_mask was scaled with the scores"


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = q @ k.transpose(-2, -1)
    if is_causal:
        L, S = scores.shape[-2:]
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    return torch.softmax(scores * scale, dim=-1)  # the mistake: the scale applied after the bias was added


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
