"""Wrong: the rows rotated by their index t (torch.arange(T)), not by positions[t]: right only for a prompt
that starts at 0, wrong for every decoding step."""

import torch

from reference_impls.torch.rope import apply_rope as _reference_apply_rope
from reference_impls.torch.rope import rope_frequencies, yarn_attention_scale, yarn_frequencies  # noqa: F401

EXPECTED_HINT = "positions ignored"


def apply_rope(x, positions, theta):
    return _reference_apply_rope(x, torch.arange(x.shape[-2]), theta)  # the mistake: the row index
