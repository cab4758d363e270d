"""Wrong: the adjacent pairs are rotated right but written back as two halves (torch.cat), evens then odds,
instead of interleaved back into (out_2i, out_2i+1)."""

import torch

from reference_impls.torch.rope import rope_frequencies, yarn_attention_scale, yarn_frequencies  # noqa: F401

EXPECTED_HINT = "written back as two halves"
ALSO_APPLIES = ("values in another order",)


def apply_rope(x, positions, theta):
    angles = positions.to(torch.float64)[:, None] * theta.to(torch.float64)[None, :]
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    x1, x2 = x[..., 0::2], x[..., 1::2]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)  # the mistake: not interleaved back
