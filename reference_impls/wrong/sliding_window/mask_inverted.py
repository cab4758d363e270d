"""Wrong: the band returned as the MASKED-OUT positions (True = hide), the convention of additive-mask code."""

from reference_impls.torch.attention import scaled_dot_product_attention
from reference_impls.torch.sliding_window import sliding_window_mask as _band

EXPECTED_HINT = "the mask is inverted"


def sliding_window_mask(T, window, causal=True, device=None):
    return ~_band(T, window, causal, device)  # the mistake: True outside the band


def sliding_window_attention(q, k, v, window, causal=True):
    return scaled_dot_product_attention(q, k, v, attn_mask=~sliding_window_mask(q.size(-2), window, causal))
