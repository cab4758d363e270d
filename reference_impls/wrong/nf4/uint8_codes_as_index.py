"""Wrong: NF4[codes] with the uint8 codes as they come: torch reads a uint8 index as a boolean mask (the old
byte-mask semantics), not as positions."""

from reference_impls.torch.nf4 import (  # noqa: F401 - the learner's other entry points
    NF4,
    _blocks,
    bits_per_parameter,
    double_dequantize,
    double_quantize,
    nf4_quantize,
)

EXPECTED_HINT = "torch reads a uint8 (or bool) index as a mask"


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    values = _blocks(NF4[codes], blocksize) * absmax[:, None]  # the mistake: NF4[codes.long()]
    return values.reshape(-1)[: codes.numel()].reshape(shape)
