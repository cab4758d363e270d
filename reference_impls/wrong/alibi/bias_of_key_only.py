"""Wrong: alibi_bias as the paper's code builds it, m * j for every query, instead of m * (j - i)."""

import torch

from reference_impls.torch.alibi import alibi_attention, alibi_slopes  # noqa: F401 - as in the reference

EXPECTED_HINT = "alibi_bias is m * (j - i), 0 on the diagonal"


def alibi_bias(n_heads, T, dtype=torch.float32):
    j = torch.arange(T, dtype=torch.float64)
    return (alibi_slopes(n_heads)[:, None, None] * j.expand(T, T)).to(dtype)  # the mistake: no - i
