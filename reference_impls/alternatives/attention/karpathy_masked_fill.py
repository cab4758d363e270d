"""Correct, in Karpathy's video style: wei = q @ k.transpose(-2, -1) * E**-0.5, masked_fill(tril == 0, -inf) with a
float tril, F.softmax(wei, dim=-1); masks built from torch.ones / a loop over the lengths."""

import torch
import torch.nn.functional as F


def causal_mask(T, device=None):
    return torch.tril(torch.ones(T, T, device=device)) == 1


def padding_mask(lengths, S):
    mask = torch.zeros(len(lengths), S, dtype=torch.bool)
    for b, n in enumerate(lengths.tolist()):
        mask[b, :n] = True
    return mask


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    E = q.shape[-1]
    wei = q @ k.transpose(-2, -1) * (E**-0.5 if scale is None else scale)
    if is_causal:
        tril = torch.tril(torch.ones(wei.shape[-2], wei.shape[-1]))
        wei = wei.masked_fill(tril == 0, float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            wei = wei.masked_fill(attn_mask == 0, float("-inf"))
        else:
            wei = wei + attn_mask
    return F.softmax(wei, dim=-1)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
