"""Wrong: one scale, max |.| / 127 over ALL the centred absmax values, where each block of 256 has its own."""

import torch

from reference_impls.torch.nf4 import (  # noqa: F401 - the learner's other entry points
    _blocks,
    bits_per_parameter,
    double_dequantize,
    nf4_dequantize,
    nf4_quantize,
)

EXPECTED_HINT = "one scale for all the absmax values"


def double_quantize(absmax, blocksize=256):
    offset = absmax.mean()
    blocks = _blocks(absmax - offset, blocksize)
    amax = blocks.abs().max()  # the mistake: .amax(dim=1), one per block
    scale = amax / 127 if amax > 0 else torch.ones(())
    q = torch.round(blocks / scale).clamp(-127, 127).to(torch.int8)
    return q.reshape(-1)[: absmax.numel()], scale.repeat(blocks.shape[0]), offset
