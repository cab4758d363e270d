"""Wrong: double quantization counted as 8 bits per absmax alone, without the float32 scale per 256 of them."""

from reference_impls.torch.nf4 import (  # noqa: F401 - the learner's other entry points
    double_dequantize,
    double_quantize,
    nf4_dequantize,
    nf4_quantize,
)

EXPECTED_HINT = "the second-level scales are missing"


def bits_per_parameter(blocksize=64, double_quant=False, blocksize2=256):
    if not double_quant:
        return 4 + 32 / blocksize
    return 4 + 8 / blocksize  # the mistake: + 32 / (blocksize * blocksize2)
