"""Correct, in nanoGPT's style: a lower-triangular `bias` buffer built once at the largest size and sliced
to (L, S), scores filled with -inf where it is 0 (masked_fill), then softmax and dropout-free @ v. The slice
[:L, :S] of a tril is aligned top-left, as the task states."""

import math

import torch

BLOCK_SIZE = 64


class _Masks(torch.nn.Module):
    """Holds the causal buffer the way nanoGPT's CausalSelfAttention does (register_buffer("bias", ...))."""

    def __init__(self, block_size):
        super().__init__()
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))


_MASKS = _Masks(BLOCK_SIZE)


def causal_mask(T, device=None):
    return _MASKS.bias[0, 0, :T, :T].to(device=device, dtype=torch.bool)


def padding_mask(lengths, S):
    return torch.arange(S, device=lengths.device)[None, :] < lengths[:, None]


def attention_weights(q, k, attn_mask=None, is_causal=False, scale=None):
    att = (q @ k.transpose(-2, -1)) * (scale if scale is not None else 1.0 / math.sqrt(k.size(-1)))
    L, S = att.shape[-2:]
    if is_causal:
        bias = _MASKS.bias if max(L, S) <= BLOCK_SIZE else torch.tril(torch.ones(L, S))[None, None]
        att = att.masked_fill(bias[..., :L, :S] == 0, float("-inf"))
    if attn_mask is not None:
        att = att.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else att + attn_mask
    return torch.softmax(att, dim=-1)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal=False, scale=None):
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
