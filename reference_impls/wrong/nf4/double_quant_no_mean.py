"""Wrong: double quantization of the absmax values without subtracting their mean first (offset 0)."""

import torch

from reference_impls.torch.nf4 import _blocks, bits_per_parameter, nf4_dequantize, nf4_quantize  # noqa: F401

EXPECTED_HINT = "the mean was not subtracted"


def double_quantize(absmax, blocksize=256):
    blocks = _blocks(absmax, blocksize)  # the mistake: _blocks(absmax - absmax.mean(), blocksize)
    amax = blocks.abs().amax(dim=1)
    scales = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    q = torch.round(blocks / scales[:, None]).clamp(-127, 127).to(torch.int8)
    return q.reshape(-1)[: absmax.numel()], scales, torch.zeros(())


def double_dequantize(q, scales, offset, blocksize=256):
    return (_blocks(q.float(), blocksize) * scales[:, None]).reshape(-1)[: q.numel()] + offset
