"""Wrong: no guard for an all-zero block: w / absmax is 0 / 0 = nan there, and argmin over nans returns code 0
(the level -1.0) instead of 7 (the level 0.0)."""

import torch

from reference_impls.torch.nf4 import (  # noqa: F401 - the learner's other entry points
    NF4,
    _blocks,
    bits_per_parameter,
    double_dequantize,
    double_quantize,
    nf4_dequantize,
)

EXPECTED_HINT = "an all-zero block has absmax 0"


def nf4_quantize(w, blocksize=64):
    blocks = _blocks(w.float(), blocksize)
    absmax = blocks.abs().amax(dim=1)
    normed = blocks / absmax[:, None]  # the mistake: absmax 0 divides 0 by 0
    codes = (normed[..., None] - NF4).abs().argmin(dim=-1)
    return codes.reshape(-1)[: w.numel()].to(torch.uint8), absmax
