"""Wrong: the asymmetric range is [min x, max x], not widened to include 0."""

import torch

from reference_impls.torch.quantize import (  # noqa: F401 - as in the reference
    _grouped,
    _keep,
    _reduce_dims,
    dequantize,
    outlier_comparison,
    quantize_symmetric,
)

EXPECTED_HINT = "the range does not include 0"


def quantize_asymmetric(x, axis=None, group_size=None):
    xg = _grouped(x, group_size)
    dims = _reduce_dims(xg, axis, group_size)
    lo, hi = xg.amin(dim=dims, keepdim=True), xg.amax(dim=dims, keepdim=True)  # the mistake: no clamp to 0
    scale = (hi - lo) / 255
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    zero_point = torch.clamp(torch.round(-lo / scale), 0, 255)
    q = torch.clamp(torch.round(xg / scale) + zero_point, 0, 255).to(torch.uint8)
    return q.reshape(x.shape), _keep(scale, axis, group_size), _keep(zero_point.to(torch.int64), axis, group_size)
