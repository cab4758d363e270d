"""Wrong: dequantize multiplies q by the scale and never subtracts the zero point."""

from reference_impls.torch.quantize import (  # noqa: F401 - as in the reference
    _grouped,
    outlier_comparison,
    quantize_asymmetric,
    quantize_symmetric,
)

EXPECTED_HINT = "subtract the zero point"


def dequantize(q, scale, zero_point=None, group_size=None):
    if group_size is not None:
        scale = scale.unsqueeze(-1)
    return (_grouped(q, group_size).to(scale.dtype) * scale).reshape(q.shape)  # the mistake: s * (q - z)
