"""Wrong: padding_mask with <=, which marks lengths[b] + 1 positions as real."""

import torch

from reference_impls.torch.attention import attention_weights, causal_mask, scaled_dot_product_attention  # noqa: F401

EXPECTED_HINT = "padding_mask keeps one position too many"


def padding_mask(lengths, S):
    return torch.arange(S)[None, :] <= lengths[:, None]  # the mistake: <= keeps position lengths[b] too
