"""Wrong: the asymmetric zero point is left as the float -lo / s, added before rounding, and cast (truncated) to int."""

import torch

from reference_impls.torch.quantize import (  # noqa: F401 - as in the reference
    _grouped,
    _keep,
    _reduce_dims,
    dequantize,
    outlier_comparison,
    quantize_symmetric,
)

EXPECTED_HINT = "round the zero point"


def quantize_asymmetric(x, axis=None, group_size=None):
    xg = _grouped(x, group_size)
    dims = _reduce_dims(xg, axis, group_size)
    lo = xg.amin(dim=dims, keepdim=True).clamp(max=0)
    hi = xg.amax(dim=dims, keepdim=True).clamp(min=0)
    scale = (hi - lo) / 255
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    zero_point = -lo / scale  # the mistake: z = clamp(round(-lo / s), 0, 255), an integer
    q = torch.clamp(torch.round(xg / scale + zero_point), 0, 255).to(torch.uint8)
    return q.reshape(x.shape), _keep(scale, axis, group_size), _keep(zero_point.to(torch.int64), axis, group_size)
