"""Wrong: finds the level with torch.bucketize on the level table itself, which gives the first level >= x
(rounding every weight up to the next level) instead of the nearest one."""

import torch

from reference_impls.torch.nf4 import (  # noqa: F401 - as in the reference
    NF4,
    _blocks,
    bits_per_parameter,
    double_dequantize,
    double_quantize,
    nf4_dequantize,
)

EXPECTED_HINT = "the NEAREST level"


def nf4_quantize(w, blocksize=64):
    blocks = _blocks(w.float(), blocksize)
    absmax = blocks.abs().amax(dim=1)
    normed = blocks / torch.where(absmax > 0, absmax, torch.ones_like(absmax))[:, None]
    codes = torch.bucketize(normed, NF4)  # the mistake: bucketize on the midpoints between levels
    return codes.reshape(-1)[: w.numel()].to(torch.uint8), absmax
