"""Wrong: the group's zero point -round(min / scale) is not clamped to [0, 2^n - 1], so a group whose
values are all positive (or all negative) gets a zero point outside the code range."""

import torch

from reference_impls.torch.awq import *  # noqa: F403 - the rest as in the reference

EXPECTED_HINT = "zero point was not clamped"


def pseudo_quantize(w, n_bit=4, group_size=128):
    g = w.reshape(-1, group_size)
    max_val, min_val = g.amax(dim=1, keepdim=True), g.amin(dim=1, keepdim=True)
    max_int = 2**n_bit - 1
    scales = (max_val - min_val).clamp(min=1e-5) / max_int
    zeros = -torch.round(min_val / scales)  # the mistake: clamp(..., 0, max_int)
    q = torch.clamp(torch.round(g / scales) + zeros, 0, max_int)
    return ((q - zeros) * scales).reshape(w.shape)
