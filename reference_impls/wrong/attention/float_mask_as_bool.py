"""Wrong: a float attn_mask read as a 0/1 mask (masked_fill where it is 0) instead of a bias added to the scores."""

import math

import torch

from reference_impls.torch.attention import causal_mask, padding_mask  # noqa: F401 - as in the reference

EXPECTED_HINT = "a float attn_mask is a bias ADDED to the scores"


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    scale = 1.0 / math.sqrt(q.size(-1)) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if is_causal:
        L, S = scores.shape[-2:]
        scores = scores.masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if attn_mask is not None:
        scores = scores.masked_fill(attn_mask == 0, float("-inf"))  # the mistake: every mask taken as 0/1
    return torch.softmax(scores, dim=-1)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
