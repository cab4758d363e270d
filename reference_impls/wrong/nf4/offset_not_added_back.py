"""Wrong: double_dequantize returns q * scale and forgets the offset, the mean double_quantize subtracted."""

from reference_impls.torch.nf4 import (  # noqa: F401 - the learner's other entry points
    _blocks,
    bits_per_parameter,
    double_quantize,
    nf4_dequantize,
    nf4_quantize,
)

EXPECTED_HINT = "the offset is not added back"


def double_dequantize(q, scales, offset, blocksize=256):
    return (_blocks(q.float(), blocksize) * scales[:, None]).reshape(-1)[: q.numel()]  # the mistake: + offset
