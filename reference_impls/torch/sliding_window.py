"""Sliding-window attention: each query sees only a band of nearby keys.

    causal (Mistral):         key j is visible from query i  iff  i - window < j <= i
                              (the `window` most recent tokens, the query's own included)
    bidirectional (Longformer): |i - j| <= window  (a radius: 2 * window + 1 keys in the interior)

With the band as a mask the cost here is still O(T^2); real kernels (FlashAttention's window_size,
Longformer's banded matmul) skip the masked blocks for O(T * window), and a rolling buffer of
`window` keys bounds the KV cache. Stacking L windowed layers still lets information travel
L * (window - 1) positions.

Source: Jiang et al. 2023, "Mistral 7B", Sec. 2 (sliding window attention, W = 4096), counted as
Hugging Face's Mistral does (W keys including the query itself; mistral-src's first reference code
used triu(diagonal=-W), W + 1 keys); Beltagy et al. 2020, "Longformer", Sec. 3.1. Limits: a plain
boolean band, no dilation, no global tokens.
"""

import torch

from reference_impls.torch.attention import scaled_dot_product_attention


def sliding_window_mask(T, window, causal=True, device=None):
    """(T, T) bool, True where query i may attend key j."""
    i = torch.arange(T, device=device)[:, None]
    j = torch.arange(T, device=device)[None, :]
    if causal:
        return (j <= i) & (j > i - window)
    return (i - j).abs() <= window


def sliding_window_attention(q, k, v, window, causal=True):
    """q, k, v (..., T, hs) -> (..., T, hs), attention restricted to the band."""
    return scaled_dot_product_attention(q, k, v, attn_mask=sliding_window_mask(q.size(-2), window, causal, q.device))
