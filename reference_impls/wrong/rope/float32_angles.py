"""Wrong: cos / sin and the rotation in float32 whatever x's dtype (Hugging Face's rotary embedding does its
math in float32): on float64 input it is right to ~7 digits only."""

import torch

from reference_impls.torch.rope import (  # noqa: F401 - as in the reference
    rope_frequencies,
    yarn_attention_scale,
    yarn_frequencies,
)

EXPECTED_HINT = "computed in float32"
ALSO_APPLIES = ("wrong only for float64 inputs",)  # true: float32 angles lose only what float64 keeps


def apply_rope(x, positions, theta):
    angles = positions.to(torch.float32)[:, None] * theta.to(torch.float32)[None, :]  # the mistake: float32
    cos, sin = angles.cos(), angles.sin()
    x32 = x.to(torch.float32)
    even, odd = x32[..., 0::2], x32[..., 1::2]
    out = torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)
    return out.to(x.dtype)
