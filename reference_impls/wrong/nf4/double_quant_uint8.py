"""Wrong: the double-quantized absmax values stored as uint8: the centred values are signed, and every
negative code wraps around (-5 becomes 251)."""

import torch

from reference_impls.torch.nf4 import (  # noqa: F401 - the learner's other entry points
    _blocks,
    bits_per_parameter,
    double_dequantize,
    nf4_dequantize,
    nf4_quantize,
)

EXPECTED_HINT = "q stored as uint8"
ALSO_APPLIES = ("dtype changed",)


def double_quantize(absmax, blocksize=256):
    offset = absmax.mean()
    blocks = _blocks(absmax - offset, blocksize)
    amax = blocks.abs().amax(dim=1)
    scales = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.round(blocks / scales[:, None]).clamp(-127, 127).to(torch.uint8)  # the mistake: torch.int8
    return q.reshape(-1)[: absmax.numel()], scales, offset
