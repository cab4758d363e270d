"""Wrong: the bidirectional window read as Longformer's total width w (w // 2 on each side), not a radius."""

import torch

from reference_impls.torch.attention import scaled_dot_product_attention

EXPECTED_HINT = "window read as the band's total width"
ALSO_APPLIES = ("the bidirectional radius includes its ends",)


def sliding_window_mask(T, window, causal=True, device=None):
    i, j = torch.arange(T, device=device)[:, None], torch.arange(T, device=device)[None, :]
    if causal:
        return (j <= i) & (j > i - window)
    return (i - j).abs() <= window // 2  # the mistake: half the window on each side


def sliding_window_attention(q, k, v, window, causal=True):
    return scaled_dot_product_attention(q, k, v, attn_mask=sliding_window_mask(q.size(-2), window, causal))
